"""Scale benchmark: seconds and peak memory per pipeline stage as the records grow.

`customer360 benchmark scale --records 1000000 3000000 10000000` generates, for each size, demo
people enough for that many customer records (CRM + webshop + loyalty), builds them in full into
a fresh warehouse, lands a 1% day-2 delta and builds it incrementally. Each build runs in its own
process, sampled every quarter second for its resident memory; dbt's run_results.json gives every
node's execution window, so each pipeline stage gets its summed seconds and the peak memory seen
while one of its nodes ran. The last lines compare the cost per record of each size with the
smallest one's: what grows faster than the data shows there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from customer360.benchmarks import run_measured
from customer360.benchmarks_daily import stage_of

#: customer records per generated person (CRM + webshop + loyalty), measured on the demo data:
#: 600,000 people land 1,046,616 records
RECORDS_PER_PERSON = 1.744


@dataclass
class MeasuredBuild:
    seconds: float
    peak_mb: float
    stages: dict[str, dict[str, float]] = field(default_factory=dict)


def _measured(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float, list[tuple[float, float]]]:
    """Runs ``command`` with its output in ``log``; its seconds, peak resident MB (the kernel's)
    and the sampled memory."""
    samples: list[tuple[float, float]] = []
    with open(log, "w") as out:
        try:
            run = run_measured(command, env, stdout=out, stderr=subprocess.STDOUT, memory_samples=samples)
        except RuntimeError as error:
            raise RuntimeError(f"{error} (see {log})") from None
    return run.seconds, run.peak_rss_mb, samples


def _epoch(stamp: str) -> float:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).replace(tzinfo=dt.timezone.utc).timestamp()


def _stages(target: Path, samples: list[tuple[float, float]]) -> dict[str, dict[str, float]]:
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    stages: dict[str, dict[str, float]] = {}
    for result in json.loads((target / "run_results.json").read_text())["results"]:
        stage = stages.setdefault(stage_of(nodes, result["unique_id"]), {"seconds": 0.0, "peak_mb": 0.0})
        stage["seconds"] += result["execution_time"]
        for timing in result.get("timing", []):
            if timing.get("name") == "execute" and timing.get("started_at") and timing.get("completed_at"):
                start, end = _epoch(timing["started_at"]), _epoch(timing["completed_at"])
                during = [mb for at, mb in samples if start - 0.25 <= at <= end + 0.25]
                stage["peak_mb"] = max([stage["peak_mb"], *during])
    return stages


def _build(root: Path, name: str, env: dict[str, str]) -> MeasuredBuild:
    target = root / f"target_{name}"
    command = [sys.executable, "-m", "customer360.cli", "build", "--target-path", str(target),
               "--log-path", str(root / "logs")]
    seconds, peak, samples = _measured(command, env, root / f"{name}.log")
    return MeasuredBuild(seconds, peak, _stages(target, samples))


def _print_build(label: str, records: int, build: MeasuredBuild) -> None:
    print(f"  {label}: {build.seconds:,.0f} s, peak {build.peak_mb / 1024:.1f} GB, "
          f"{build.seconds / records * 1e6:,.0f} s per million records")
    for stage, figures in sorted(build.stages.items(), key=lambda kv: -kv[1]["seconds"]):
        print(f"    {stage:24} {figures['seconds']:9,.1f} node-s {figures['peak_mb'] / 1024:6.1f} GB peak")


def scale(record_counts: list[int], seed: int, workdir: Path | None, keep: bool) -> int:
    from customer360.generator.delta import generate_day

    base = Path(workdir or tempfile.mkdtemp(prefix="customer360-scale-"))
    results = []
    for records in sorted(record_counts):
        people = round(records / RECORDS_PER_PERSON)
        root = base / f"records_{records}"
        root.mkdir(parents=True, exist_ok=True)
        landing, database = root / "landing", root / "warehouse.duckdb"
        for stale in (database, Path(f"{database}.wal")):
            stale.unlink(missing_ok=True)
        env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing), "CUSTOMER360_DUCKDB_PATH": str(database)}
        print(f"{records:,} records ({people:,} people):", flush=True)
        generated, generation_peak, _ = _measured(
            [sys.executable, "-m", "customer360.cli", "generate", "--people", str(people), "--seed", str(seed)],
            env, root / "generate.log")
        landed = sum(int(line.split()[-2].replace(",", "")) for line in (root / "generate.log").read_text().splitlines()
                     if line.split()[:1] and line.split()[0] in ("crm/customers", "webshop/accounts", "pos/loyalty_members"))
        print(f"  generate: {generated:,.0f} s, peak {generation_peak / 1024:.1f} GB, {landed:,} customer records", flush=True)
        full = _build(root, "full", env)
        _print_build("full build", landed, full)
        delta_started = time.perf_counter()
        generate_day(2, landing, root / "ground_truth")
        print(f"  landed the 1% day-2 delta in {time.perf_counter() - delta_started:,.0f} s", flush=True)
        daily = _build(root, "daily", env)
        _print_build("daily build", landed, daily)
        results.append((landed, full, daily))
        if not keep:
            for path in (database, landing):
                subprocess.run(["rm", "-rf", str(path)], check=False)
    smallest = results[0]
    print("cost per record against the smallest size (1.00 = grows with the data):")
    for landed, full, daily in results:
        ratio_full = (full.seconds / landed) / (smallest[1].seconds / smallest[0])
        ratio_daily = (daily.seconds / landed) / (smallest[2].seconds / smallest[0])
        print(f"  {landed:>12,} records: full build {ratio_full:.2f}x, daily build {ratio_daily:.2f}x, "
              f"peak memory {full.peak_mb / 1024:.1f} GB ({full.peak_mb / smallest[1].peak_mb:.2f}x for "
              f"{landed / smallest[0]:.2f}x the records)")
    return 0
