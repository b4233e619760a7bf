"""Daily-run benchmark: the day-2 delta built incrementally against a full build of the same data.

`customer360 benchmark daily --people N` generates day 1 for N people, trains the Splink model on
it (as the README asks of your own data) and builds it, lands the day-2 delta
(``--delta-fraction`` of the records, default 1%), then times, each in its own process: the
incremental daily `dbt build` of the existing warehouse, and a full `dbt build` of
the same two days into a fresh warehouse (the baseline). Both run the production build (every
model, data test and snapshot; the unit tests run in CI). It then compares the two results: the
partition of records into people (pairwise agreement) and ID churn (unchanged people whose ID
changed overnight). Last, it builds the same day once more with nothing new landed: the part of a
daily run that does not shrink with the delta. Seconds are also summed per pipeline stage.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from customer360.benchmarks import IDENTITY_RESOLUTION_MODELS, dbt_node_seconds, run_measured
from customer360.evaluation import score_xref

IDENTITY_LAYER = ["int_customer_records_normalized", *IDENTITY_RESOLUTION_MODELS, "customer_id_history"]

# The pipeline stage of a dbt file, by its folder (first matching prefix); the README's pipeline.
STAGES = [
    ("seeds/", "reference seeds"),
    ("models/staging/", "staging + quarantine"),
    ("models/quarantine/", "staging + quarantine"),
    ("models/intermediate/normalize/", "normalize"),
    ("models/intermediate/match/", "match"),
    ("python_models/int_customer_clusters", "align"),
    ("python_models/int_customer_predictions", "analytics marts"),
    ("python_models/", "match"),
    ("models/intermediate/align/", "align"),
    ("models/intermediate/predict/", "analytics marts"),
    ("models/privacy/", "privacy"),
    ("models/marts/customer/", "align"),
    ("snapshots/", "align"),
    ("models/marts/sales/", "facts"),
    ("models/marts/web/", "facts"),
    ("models/marts/", "analytics marts"),
]


def stage_of(nodes: dict, unique_id: str) -> str:
    """The pipeline stage of a node of the manifest: a model, seed or snapshot by its file, a
    data test by the node it tests."""
    node = nodes.get(unique_id, {})
    if node.get("resource_type") == "test":
        tested = node.get("attached_node") or next(iter(node.get("depends_on", {}).get("nodes", [])), "")
        return stage_of(nodes, tested)
    path = node.get("original_file_path", "")
    return next((name for prefix, name in STAGES if path.startswith(prefix)), "other")


def stage_seconds(target: Path) -> dict[str, float]:
    """Summed execution seconds per pipeline stage (stage_of)."""
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    totals: dict[str, float] = {}
    for result in json.loads((target / "run_results.json").read_text())["results"]:
        name = stage_of(nodes, result["unique_id"])
        totals[name] = totals.get(name, 0.0) + result["execution_time"]
    return totals


AGREEMENT_SQL = """
with
a as (select customer_record_id as r, master_customer_id as m from {a}),
b as (select customer_record_id as r, master_customer_id as m from {b}),
pairs_a as (select x.r as l, y.r as r from a as x join a as y on x.m = y.m and x.r < y.r),
pairs_b as (select x.r as l, y.r as r from b as x join b as y on x.m = y.m and x.r < y.r),
both_ as (select count(*) as n from (select * from pairs_a intersect select * from pairs_b)),
either as (select count(*) as n from (select * from pairs_a union select * from pairs_b))
select both_.n, either.n, (select count(*) from a), (select count(*) from b) from both_, either
"""

CHURN_SQL = """
with
before as (select customer_record_id as r, master_customer_id as m from {before}),
after as (select customer_record_id as r, master_customer_id as m from {after}),
joined as (select before.r, before.m as m_before, after.m as m_after from before join after using (r)),
before_people as (
    select m_before, count(*) as n, count(distinct m_after) as after_ids, any_value(m_after) as m_after
    from joined group by m_before
),
after_groups as (select m_after, count(*) as n from joined group by m_after),
unchanged as (
    select before_people.*
    from before_people join after_groups using (m_after)
    where before_people.after_ids = 1 and before_people.n = after_groups.n
)
select (select count(*) from before_people), count(*), count(*) filter (where m_before <> m_after)
from unchanged
"""


def daily(people: int, seed: int, fraction: float, workdir: Path | None, keep: bool,
          exclude: str | None = None) -> int:
    from customer360.generator import generate
    from customer360.generator.delta import generate_day

    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-daily-"))
    root.mkdir(parents=True, exist_ok=True)
    landing = root / "landing"
    incremental_db, full_db = root / "incremental.duckdb", root / "full.duckdb"
    for path in (incremental_db, full_db):
        path.unlink(missing_ok=True)
    model_path = root / "splink_model.json"
    dbt_vars = ["--vars", json.dumps({"splink_model_path": str(model_path)})]
    cli = [sys.executable, "-m", "customer360.cli", "build", *dbt_vars]
    # day 1 builds everything; the timed builds leave out what --exclude names
    timed_cli = [*cli, *(["--exclude", *exclude.split()] if exclude else [])]

    def env(database: Path) -> dict[str, str]:
        return {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing),
                "CUSTOMER360_DUCKDB_PATH": str(database)}

    try:
        started = time.perf_counter()
        generate(people=people, seed=seed, landing_dir=landing)
        print(f"generated day 1: {people:,} people in {time.perf_counter() - started:.1f}s", flush=True)
        training = run_measured([sys.executable, "-m", "customer360.cli", "train", "--model-path",
                                 str(model_path), "--seed", str(seed)], env(incremental_db))
        print(f"trained the Splink model on day 1 in {training.seconds:.1f}s", flush=True)
        # each warehouse keeps its own dbt target folder, as a deployed project does from day to
        # day, so both timed builds parse the project partially (the full one after a dbt parse)
        incremental_target, full_target = root / "target_incremental", root / "target_full"
        for path in (incremental_target, full_target):
            shutil.rmtree(path, ignore_errors=True)
        day_1 = run_measured([*cli, "--target-path", str(incremental_target)], env(incremental_db))
        print(f"built day 1 in {day_1.seconds:.1f}s", flush=True)
        before = root / "xref_day1.parquet"
        connection = duckdb.connect(str(incremental_db))
        connection.execute(f"copy (select * from marts.customer_xref) to '{before}'")
        connection.close()

        started = time.perf_counter()
        counts = generate_day(2, landing, fraction=fraction)
        print(f"generated day 2 ({fraction:.1%} delta) in {time.perf_counter() - started:.1f}s: {counts}", flush=True)

        incremental = run_measured([*timed_cli, "--target-path", str(incremental_target)], env(incremental_db))
        print(f"incremental day-2 build in {incremental.seconds:.1f}s", flush=True)
        run_measured([sys.executable, "-c", "from customer360.cli import run_dbt; import sys; "
                      f"sys.exit(not run_dbt(['parse', '--target', 'dev', *{dbt_vars!r}, "
                      f"'--target-path', {str(full_target)!r}]))"],
                     env(full_db))
        full = run_measured([*timed_cli, "--target-path", str(full_target)], env(full_db))
        print(f"full build of days 1-2 in {full.seconds:.1f}s", flush=True)
        inc_stages, full_stages = stage_seconds(incremental_target), stage_seconds(full_target)

        built = ("model", "snapshot")
        inc_models = dbt_node_seconds(incremental_target / "run_results.json", built)
        full_models = dbt_node_seconds(full_target / "run_results.json", built)
        inc_tests = sum(dbt_node_seconds(incremental_target / "run_results.json", ("test",)).values())
        full_tests = sum(dbt_node_seconds(full_target / "run_results.json", ("test",)).values())

        connection = duckdb.connect(str(incremental_db), read_only=True)
        connection.execute(f"attach '{full_db}' as full_build (read_only)")
        both, either, n_inc, n_full = connection.execute(AGREEMENT_SQL.format(
            a="marts.customer_xref", b="full_build.marts.customer_xref")).fetchall()[0]
        before_people, unchanged, churned = connection.execute(CHURN_SQL.format(
            before=f"read_parquet('{before}')", after="marts.customer_xref")).fetchall()[0]
        records, changed = connection.execute(
            "select count(*), count(*) filter (where normalized_at = (select max(normalized_at) "
            "from intermediate.int_customer_records_normalized)) from intermediate.int_customer_records_normalized"
        ).fetchall()[0]
        quality = score_xref(connection, landing.parent / "ground_truth")
        events = connection.execute(
            "select event, count(*) from marts.customer_id_history "
            "where run_at = (select max(run_at) from marts.customer_id_history) group by all order by all"
        ).fetchall()
        connection.close()

        # the same day once more: nothing new landed, so this is what a daily run costs whatever
        # the delta (dbt itself, checks over whole tables, marts computed over all customers)
        repeat_target = root / "target_repeat"
        shutil.rmtree(repeat_target, ignore_errors=True)
        shutil.copytree(incremental_target, repeat_target)
        repeat = run_measured([*timed_cli, "--target-path", str(repeat_target)], env(incremental_db))
        repeat_stages = stage_seconds(repeat_target)
    finally:
        if not keep and workdir is None:
            shutil.rmtree(root, ignore_errors=True)

    identity_inc = sum(inc_models.get(m, 0.0) for m in IDENTITY_LAYER)
    identity_full = sum(full_models.get(m, 0.0) for m in IDENTITY_LAYER)
    print()
    if exclude:
        print(f"both timed builds leave out: {exclude}")
    print(f"daily-run benchmark: {people:,} people, {records:,} customer records, "
          f"{changed:,} new or changed on day 2 ({changed / records:.2%})")
    print(f"{'':<44}{'incremental':>12}{'full build':>12}{'ratio':>8}")
    print(f"{'whole dbt build (wall s)':<44}{incremental.seconds:>12.1f}{full.seconds:>12.1f}"
          f"{incremental.seconds / full.seconds:>8.2f}")
    print(f"{'models and snapshot (sum of s)':<44}{sum(inc_models.values()):>12.1f}"
          f"{sum(full_models.values()):>12.1f}{sum(inc_models.values()) / sum(full_models.values()):>8.2f}")
    print(f"{'data tests (sum of s)':<44}{inc_tests:>12.1f}{full_tests:>12.1f}{inc_tests / full_tests:>8.2f}")
    print(f"{'identity layer (sum of model s)':<44}{identity_inc:>12.1f}{identity_full:>12.1f}"
          f"{identity_inc / identity_full:>8.2f}")
    print(f"{'peak memory MB':<44}{incremental.peak_rss_mb:>12.0f}{full.peak_rss_mb:>12.0f}")
    print(f"{'same day again, nothing new (wall s)':<44}{repeat.seconds:>12.1f}{full.seconds:>12.1f}"
          f"{repeat.seconds / full.seconds:>8.2f}")
    print("per pipeline stage, models and their data tests (sum of s; the same day again in brackets):")
    for name in dict.fromkeys(name for _, name in STAGES):
        inc, whole, again = inc_stages.get(name, 0.0), full_stages.get(name, 0.0), repeat_stages.get(name, 0.0)
        print(f"  {name:<42}{inc:>12.1f}{whole:>12.1f}{inc / whole if whole else float('nan'):>8.2f}  ({again:.1f})")
    print("target: incremental <= 0.10 of the full build")
    print(f"pairwise agreement incremental vs full: {both / either if either else 1.0:.6f} "
          f"({both:,} of {either:,} same-person pairs; records {n_inc:,} / {n_full:,})")
    print(f"ID churn: {churned:,} of {unchanged:,} unchanged people got a new ID "
          f"({churned / unchanged if unchanged else 0:.4%}; {before_people:,} people on day 1)")
    print(f"ID events on day 2: {dict(events)}")
    print(f"incremental result against the ground truth: precision {quality.precision:.4f}, "
          f"recall {quality.recall:.4f}, F1 {quality.f1:.4f}")
    print("slowest models, incremental run:")
    for model, seconds in sorted(inc_models.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {model:<44}{seconds:>8.1f}  (full build {full_models.get(model, float('nan')):.1f})")
    print("identity layer per model (incremental / full):")
    for model in IDENTITY_LAYER:
        print(f"  {model:<44}{inc_models.get(model, float('nan')):>8.1f}{full_models.get(model, float('nan')):>8.1f}")
    if keep or workdir is not None:
        print(f"work files kept in {root}")
    return 0
