"""Privacy benchmark: what one erasure costs in a daily run.

`customer360 benchmark privacy --people N` generates N people, builds them, lands day 2's delta
and runs the daily build twice from the same day-1 warehouse: once as is (the baseline), once with
one erase request landed beside the delta. It prints both builds' seconds and peak memory, their
ratio, the compacting copy's seconds (part of the erasure build) and the file's size before and
after it, and checks the erased person's e-mail is in neither a table nor the file's bytes. Each
build runs in its own process; read the ratio, not the seconds.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from customer360.benchmarks import run_measured
from customer360.privacy import SALT_ENV


def privacy(people: int, seed: int, workdir: Path | None, keep: bool) -> int:
    from customer360.generator import generate
    from customer360.generator.delta import generate_day

    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-privacy-"))
    root.mkdir(parents=True, exist_ok=True)
    # dbt's target and logs go to the work folder, never into the checkout
    cli = [sys.executable, "-m", "customer360.cli", "build", "--target-path", str(root / "target"),
           "--log-path", str(root / "logs")]
    try:
        landing, truth = root / "landing", root / "ground_truth"
        generate(people=people, seed=seed, landing_dir=landing, ground_truth_dir=truth)
        day_1 = root / "day_1.duckdb"
        env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing), "CUSTOMER360_DUCKDB_PATH": str(day_1),
               SALT_ENV: os.environ.get(SALT_ENV, "customer360-benchmark-salt")}
        with open(root / "day_1.log", "w") as log:
            full = run_measured(cli, env, stdout=log)
        connection = duckdb.connect(str(day_1), read_only=True)
        master_customer_id, email, records = connection.execute(
            "select master_customer_id, max(email), count(*) from intermediate.int_customer_records_aligned "
            "group by 1 having count(distinct email) = 1 and count(*) >= 2 order by 1 limit 1").fetchall()[0]
        connection.close()
        generate_day(2, landing, truth)

        runs = {}
        for name in ("baseline", "erasure"):
            database = root / f"{name}.duckdb"
            shutil.copy(day_1, database)
            requests = landing / "privacy" / "requests"
            shutil.rmtree(requests, ignore_errors=True)
            if name == "erasure":
                requests.mkdir(parents=True)
                with open(requests / "day_002.csv", "w", newline="") as handle:
                    csv.writer(handle).writerows([
                        ["request_id", "request_type", "identifier_type", "source", "identifier_value", "requested_at"],
                        ["BENCH-1", "erase", "email", "", email, "2026-11-01 12:00:00"],
                    ])
            size_before = database.stat().st_size
            with open(root / f"{name}.log", "w") as log:
                run = run_measured(cli, {**env, "CUSTOMER360_DUCKDB_PATH": str(database)}, stdout=log)
            compacted = re.search(r"rewritten without the erased rows in ([0-9.]+)s \(([0-9.]+) MB -> ([0-9.]+) MB\)",
                                  (root / f"{name}.log").read_text())
            runs[name] = (run, size_before, database.stat().st_size, compacted)

        database = root / "erasure.duckdb"
        connection = duckdb.connect(str(database), read_only=True)
        status = connection.execute("select status, rows_removed from privacy.privacy_request_log "
                                    "where request_id = 'BENCH-1'").fetchall()
        in_dim = connection.execute("select count(*) from marts.dim_customer where master_customer_id = ?",
                                    [master_customer_id]).fetchall()[0][0]
        connection.close()
        in_bytes = database.read_bytes().count(email.encode())
    finally:
        if not keep and workdir is None:
            shutil.rmtree(root, ignore_errors=True)

    baseline, erasure = runs["baseline"][0], runs["erasure"][0]
    print()
    print(f"privacy benchmark: {people:,} people, seed {seed}; day-1 full build {full.seconds:.1f}s")
    print(f"one erasure ({records} records of one person) in day 2's daily build, against the same build without it")
    print(f"{'build':<10}{'seconds':>9}{'peak MB':>9}{'file MB before':>16}{'after':>8}")
    for name, (run, before, after, _) in runs.items():
        print(f"{name:<10}{run.seconds:>9.1f}{run.peak_rss_mb:>9.0f}{before / 1e6:>16.1f}{after / 1e6:>8.1f}")
    print(f"erasure / baseline: {erasure.seconds / baseline.seconds:.2f}x time, "
          f"{erasure.peak_rss_mb / baseline.peak_rss_mb:.2f}x peak memory")
    compacted = runs["erasure"][3]
    if compacted:
        print(f"of which the compacting copy: {compacted.group(1)}s ({compacted.group(2)} MB -> {compacted.group(3)} MB)")
    print(f"request status {status[0][0] if status else 'missing'}; the person in dim_customer: {in_dim}; "
          f"the e-mail in the file's bytes: {in_bytes}")
    if keep or workdir is not None:
        print(f"work files kept in {root}")
    return 0 if status and status[0][0] == "done" and in_dim == 0 and in_bytes == 0 else 1
