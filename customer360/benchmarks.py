"""Benchmarks: figures printed side by side with a named baseline measured in the same run.

`customer360 benchmark identity --people N` generates N people, builds the normalized records,
trains the Splink model, then times identity resolution (hard rules + Splink + clustering +
golden record: one `dbt run` of those models) against the plain Splink baseline
(customer360.linkage.baseline) on the very same records. Each side runs in its own process, so
its wall time and peak memory (ru_maxrss from wait4) are its own. Machines are shared and noisy:
read the ratio, not the seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from customer360 import PROJECT_DIR
from customer360.evaluation import pairwise_scores, score_xref, truth_relation

IDENTITY_RESOLUTION_MODELS = [
    "int_identifier_placeholders",
    "linkage_model_fit",
    "int_customer_pairs_hard_matched",
    "int_manual_match_decisions",
    "int_customer_pairs_soft_matched",
    "int_customer_match_edges",
    "int_customer_clusters",
    "int_customer_records_identified",
    "int_customer_records_aligned",
    "customer_xref",
    "dim_customer",
]


@dataclass
class ProcessRun:
    seconds: float
    peak_rss_mb: float


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its direct children, from /proc (0 once it has ended)."""
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_measured(command: list[str], env: dict[str, str], stdout=None, stderr=None,
                 memory_samples: list[tuple[float, float]] | None = None) -> ProcessRun:
    """Runs a child process to completion; its own wall time and peak resident memory. Its
    output goes to ``stdout`` / ``stderr`` (files) when given. With ``memory_samples``, appends
    (epoch seconds, resident MB) to it every quarter second while the process runs."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=stdout, stderr=stderr)
    done = threading.Event()
    sampler = None
    if memory_samples is not None:
        def sample() -> None:
            while not done.wait(0.25):
                memory_samples.append((time.time(), resident_mb(process.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        done.set()
        if sampler is not None:
            sampler.join()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"benchmark step failed ({process.returncode}): {' '.join(command)}")
    return ProcessRun(seconds, usage.ru_maxrss / 1024)


def dbt_node_seconds(run_results: Path, resource_types: tuple[str, ...] | None = None) -> dict[str, float]:
    """Execution seconds per dbt node name from run_results.json, optionally only some resource
    types (model, snapshot, test, ...)."""
    results = json.loads(run_results.read_text())["results"]
    return {
        r["unique_id"].split(".")[-1]: r["execution_time"]
        for r in results
        if resource_types is None or r["unique_id"].split(".")[0] in resource_types
    }


def identity(people: int, seed: int, workdir: Path | None, keep: bool, country: str = "BE") -> int:
    from customer360.generator import generate

    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    landing, database = root / "landing", root / "warehouse.duckdb"
    model_path = root / "splink_model.json"
    env = {
        **os.environ,
        "CUSTOMER360_LANDING_DIR": str(landing),
        "CUSTOMER360_DUCKDB_PATH": str(database),
    }
    cli = [sys.executable, "-m", "customer360.cli"]
    try:
        marker = root / f"generated-{people}-{seed}"
        if not marker.exists():  # a kept workdir reuses its landing zone
            started = time.perf_counter()
            generate(people=people, seed=seed, landing_dir=landing, country=country)
            marker.touch()
            print(f"generated {people:,} people in {time.perf_counter() - started:.1f}s", flush=True)

        # people of another country: their export would set default_country
        country_vars = {"default_country": country}
        prepare = run_measured(
            [*cli, "build", "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test",
             "--select", "+int_customer_records_normalized", "manual_match_decisions",
             "--vars", json.dumps(country_vars), "--target-path", str(root / "target")],
            env,
        )
        records = duckdb.connect(str(database), read_only=True)
        record_count = records.execute(
            "select count(*) from intermediate.int_customer_records_normalized"
        ).fetchall()[0][0]
        records.close()
        print(f"normalized {record_count:,} records in {prepare.seconds:.1f}s", flush=True)

        with open(root / "train.log", "w") as log:
            training = run_measured([*cli, "train", "--model-path", str(model_path), "--seed", str(seed),
                                     "--vars", json.dumps(country_vars)], env, stdout=log)
        print(f"trained the Splink model in {training.seconds:.1f}s", flush=True)

        vars_arg = json.dumps({**country_vars, "splink_model_path": str(model_path)})
        ours = run_measured(
            [*cli, "build", "--resource-type", "model", "--select", *IDENTITY_RESOLUTION_MODELS,
             "--vars", vars_arg, "--target-path", str(root / "target")],
            env,
        )
        stages = dbt_node_seconds(root / "target" / "run_results.json")

        baseline_clusters = root / "baseline_clusters.parquet"
        baseline = run_measured(
            [sys.executable, "-m", "customer360.linkage.baseline", str(database), str(baseline_clusters)],
            env,
        )

        connection = duckdb.connect(str(database), read_only=True)
        ours_scores = score_xref(connection, landing.parent / "ground_truth")
        baseline_scores = pairwise_scores(
            connection,
            f"select customer_record_id, cast(cluster_id as varchar) as cluster_id from read_parquet('{baseline_clusters}')",
            truth_relation(landing.parent / "ground_truth"),
        )
        connection.close()
    finally:
        if not keep and workdir is None:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"identity resolution benchmark: {people:,} people in {country}, {record_count:,} source records (seed {seed})")
    print(f"{'':<34}{'ours':>12}{'baseline':>12}")
    for label, a, b in [
        ("pairwise precision", ours_scores.precision, baseline_scores.precision),
        ("pairwise recall", ours_scores.recall, baseline_scores.recall),
        ("pairwise F1", ours_scores.f1, baseline_scores.f1),
    ]:
        print(f"{label:<34}{a:>12.4f}{b:>12.4f}")
    print(f"{'predicted people':<34}{ours_scores.predicted_people:>12,}{baseline_scores.predicted_people:>12,}")
    print(f"{'true people':<34}{ours_scores.true_people:>12,}{baseline_scores.true_people:>12,}")
    print(f"{'wall seconds':<34}{ours.seconds:>12.1f}{baseline.seconds:>12.1f}")
    print(f"{'peak memory MB':<34}{ours.peak_rss_mb:>12.0f}{baseline.peak_rss_mb:>12.0f}")
    print(f"time ratio ours / baseline: {ours.seconds / baseline.seconds:.2f} (target at 1M records: <= 1.25)")
    print(f"F1 difference ours - baseline: {ours_scores.f1 - baseline_scores.f1:+.4f} (target > 0)")
    print("seconds per stage (dbt model execution times):")
    for model in IDENTITY_RESOLUTION_MODELS:
        print(f"  {model:<40}{stages.get(model, float('nan')):>8.1f}")
    print(f"(not in the comparison: normalization {prepare.seconds:.1f}s, training {training.seconds:.1f}s)")
    if keep or workdir is not None:
        print(f"work files kept in {root}")
    return 0
