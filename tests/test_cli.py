"""The `customer360` command line without a dbt build: the daily cycle's wiring, `--vars` checked
against dbt_project.yml, one-line errors (tracebacks only with --debug) and the warehouse lock.

Every test points the CLI at a warehouse and a landing zone under tmp_path; none runs dbt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from customer360 import cli
from customer360.dbt_vars import VarsError, check_dbt_args, check_vars, declared_vars
from customer360.explain import RECORD_COLUMNS
from customer360.warehouse_lock import WarehouseBusy, lock_path, warehouse_lock


@pytest.fixture
def paths(tmp_path, monkeypatch):
    database, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    monkeypatch.setenv("CUSTOMER360_DUCKDB_PATH", str(database))
    monkeypatch.setenv("CUSTOMER360_LANDING_DIR", str(landing))
    monkeypatch.delenv("CUSTOMER360_NO_WAIT", raising=False)
    return database, landing


@pytest.fixture
def no_dbt(monkeypatch):
    """cli.run_dbt replaced: the calls it got, each a list of dbt arguments."""
    calls: list[list[str]] = []
    monkeypatch.setattr(cli, "run_dbt", lambda args: calls.append(args) or True)
    return calls


def run_cli(*args: str, env_paths: tuple[Path, Path]):
    database, landing = env_paths
    env = {**os.environ, "CUSTOMER360_DUCKDB_PATH": str(database), "CUSTOMER360_LANDING_DIR": str(landing)}
    return subprocess.run([sys.executable, "-m", "customer360.cli", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def small_warehouse(database: Path, broken: bool = False) -> None:
    """A warehouse with an empty table of aligned records: enough for `explain` to look an ID up.
    ``broken``: a view instead, on a record whose birth date does not read as a date."""
    connection = duckdb.connect(str(database))
    columns = ", ".join(f"{c} varchar" for c in RECORD_COLUMNS)
    connection.execute("create schema intermediate")
    if not broken:
        connection.execute(
            f"create table intermediate.int_customer_records_aligned (master_customer_id varchar, {columns})")
    else:
        connection.execute(f"create table intermediate.raw (master_customer_id varchar, {columns})")
        connection.execute("insert into intermediate.raw (master_customer_id, last_name, birth_date) "
                           "values ('MC1', 'Jansen', 'Jansen 1970')")
        connection.execute("create view intermediate.int_customer_records_aligned as "
                           "select * replace (cast(birth_date as date) as birth_date) from intermediate.raw")
    connection.close()


# --- daily -----------------------------------------------------------------------------------

def test_daily_day_one_generates_a_population_and_later_days_land_deltas(paths, no_dbt, capsys):
    database, landing = paths
    assert cli.main(["daily", "--day", "1", "--people", "300", "--workers", "1"]) == 0
    manifest = json.loads((landing.parent / "ground_truth" / "manifest.json").read_text())
    assert (manifest["people"], manifest["seed"]) == (300, 42)
    assert cli.main(["daily", "--day", "2"]) == 0
    assert (landing / "crm" / "customers" / "day_002.parquet").exists()
    # day 1 is a new population: the warehouse is rebuilt from it; later days build incrementally
    assert no_dbt == [[*cli.PRODUCTION_BUILD, "--target", "dev", "--full-refresh"],
                      [*cli.PRODUCTION_BUILD, "--target", "dev"]]
    assert "day 2 built" in capsys.readouterr().out

    assert cli.main(["daily", "--day", "4"]) == 2  # deltas land in order
    assert cli.main(["daily", "--day", "3", "--people", "500"]) == 2  # day 1 had 300
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "customer360 daily: day 3 has not been generated yet: deltas land in order",
        "customer360 daily: --people 500 does not match day 1's population (people 300): "
        "later days continue it (--people is for day 1)",
    ]
    assert len(no_dbt) == 2


def test_daily_later_day_without_day_one_is_one_line(paths, no_dbt, capsys):
    assert cli.main(["daily", "--day", "2"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"customer360 daily: no day 1 in {paths[1]}: run customer360 daily --day 1 first"]
    assert no_dbt == []


# --- vars --------------------------------------------------------------------------------------

@pytest.mark.parametrize("vars_text, message", [
    ("{match_probability_acept: 0.9}",
     "var 'match_probability_acept' is not declared in dbt_project.yml (did you mean 'match_probability_accept'?)"),
    ("{hard_match_max_records: abc}",
     "var 'hard_match_max_records' must be an integer (dbt_project.yml default 10), got 'abc'"),
    ("{max_age_years: 1.5}", "var 'max_age_years' must be an integer (dbt_project.yml default 120), got 1.5"),
    ("{match_probability_accept: high}",
     "var 'match_probability_accept' must be a number (dbt_project.yml default 0.97), got 'high'"),
    ("{default_country: 32}",
     "var 'default_country' must be a string (dbt_project.yml default 'BE'), got 32: quote it"),
    ("{survivorship_source_priority: crm}",
     "var 'survivorship_source_priority' must be a list, like its dbt_project.yml default, got 'crm'"),
    ("[default_country, FR]", "--vars must be a YAML dictionary such as '{name: value}', got [default_country, FR]"),
])
def test_bad_vars_stop_build_and_train_before_dbt(paths, no_dbt, capsys, vars_text, message):
    for command in ("build", "train"):
        assert cli.main([command, "--target", "ci", "--vars", vars_text]) == 2
        assert capsys.readouterr().err.splitlines() == [f"customer360 {command}: {message}"]
    assert cli.main(["build", f"--vars={vars_text}"]) == 2
    assert no_dbt == []


def test_good_vars_pass_through_to_dbt(paths, no_dbt):
    vars_text = json.dumps({"match_probability_accept": 1, "rfm_as_of_date": "2024-03-01",
                            "default_country": "FR", "survivorship_source_priority": ["pos", "crm"]})
    assert cli.main(["build", "--select", "dim_customer", "--vars", vars_text]) == 0
    assert no_dbt == [[*cli.PRODUCTION_BUILD, "--target", "dev", "--select", "dim_customer", "--vars", vars_text]]
    # YAML as dbt reads it: an unquoted date, a null default that takes anything
    assert check_dbt_args(["--vars", "{rfm_as_of_date: 2024-03-01, segments_as_of_at: '2024-03-01 10:00'}"])


def test_every_declared_var_accepts_its_own_default():
    declared = declared_vars()
    assert {"landing_dir", "hard_match_max_records", "match_probability_accept"} <= set(declared)
    check_vars(declared, declared)


def test_vars_are_read_from_dbt_project_yml_when_checked(tmp_path):
    (tmp_path / "dbt_project.yml").write_text(textwrap.dedent("""
        name: other
        vars:
          enabled: true
          as_of: "2024-01-31"
          other: {scoped_limit: 3}
    """))
    assert check_dbt_args(["--vars", "{enabled: false, as_of: 2024-02-01, scoped_limit: 4}"], tmp_path)
    for text, message in [
        ("{enabled: 1}", "var 'enabled' must be true or false (dbt_project.yml default true), got 1"),
        ("{as_of: soon}",
         "var 'as_of' must be a date such as 2024-01-31 (dbt_project.yml default '2024-01-31'), got 'soon'"),
        ("{scoped_limt: 1}", "var 'scoped_limt' is not declared in dbt_project.yml (did you mean 'scoped_limit'?)"),
        ("{hard_match_max_records: 1}", "var 'hard_match_max_records' is not declared in dbt_project.yml"),
        ("{a: [1", None),
    ]:
        with pytest.raises(VarsError) as raised:
            check_dbt_args(["--vars", text], tmp_path)
        if message:
            assert str(raised.value) == message
        assert "\n" not in str(raised.value)


# --- errors ------------------------------------------------------------------------------------

def assert_short_error(result, command: str, code: int = 2) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == code, result.stderr
    assert 1 <= len(lines) <= 2 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"customer360 {command}: ")
    return lines[0]


def test_bad_warehouse_paths_are_one_line(tmp_path):
    landing = tmp_path / "landing"
    (tmp_path / "a_directory").mkdir()
    (tmp_path / "a_file").write_text("")
    line = assert_short_error(run_cli("explain", "MC1", env_paths=(tmp_path / "a_directory", landing)), "explain")
    assert "is a directory, not a DuckDB file" in line
    line = assert_short_error(run_cli("explain", "MC1", env_paths=(tmp_path / "missing.duckdb", landing)), "explain")
    assert "no warehouse at" in line
    line = assert_short_error(run_cli("build", env_paths=(tmp_path / "a_file" / "w.duckdb", landing)), "build")
    assert "is a file, not a directory" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_directory", "a_file"]


def test_unknown_master_customer_is_an_error(paths, capsys):
    small_warehouse(paths[0])
    assert cli.main(["explain", "MC_NOPE"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"customer360 explain: no master customer MC_NOPE in {paths[0]}"]


def test_library_errors_show_no_values_and_debug_shows_the_traceback(tmp_path):
    env_paths = (tmp_path / "warehouse.duckdb", tmp_path / "landing")
    small_warehouse(env_paths[0], broken=True)
    line = assert_short_error(run_cli("explain", "MC1", env_paths=env_paths), "explain", code=1)
    assert line.startswith("customer360 explain: duckdb.ConversionException: ") and "Jansen" not in line
    for args in (["--debug", "explain", "MC1"], ["explain", "MC1", "--debug"]):
        result = run_cli(*args, env_paths=env_paths)
        assert result.returncode == 1 and "Traceback" in result.stderr
        assert result.stderr.splitlines()[-1] == line


def test_usage_errors_are_two_lines(tmp_path):
    env_paths = (tmp_path / "warehouse.duckdb", tmp_path / "landing")
    result = run_cli("daily", env_paths=env_paths)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["customer360 daily: the following arguments are required: --day",
                                          "(see customer360 daily --help)"]
    assert_short_error(run_cli("generate", "--select", "x", env_paths=env_paths), "generate")


# --- warehouse lock ----------------------------------------------------------------------------

HOLDER = """
import sys
from customer360.warehouse_lock import warehouse_lock
with warehouse_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def held_lock(paths):
    """Another process holding the warehouse lock until the test closes its stdin."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(paths[0])], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    yield holder
    holder.stdin.close()
    holder.wait(timeout=10)


def test_a_second_build_refuses_with_no_wait(paths, held_lock, capsys, monkeypatch):
    waiting = f"the build running in process {held_lock.pid} to finish (lock {lock_path(paths[0])}; --no-wait)"
    assert cli.main(["--no-wait", "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"customer360 build: not waiting for {waiting}"]
    monkeypatch.setenv("CUSTOMER360_NO_WAIT", "1")
    assert cli.main(["build", "--select", "dim_customer"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"customer360 build: not waiting for {waiting}"]
    with pytest.raises(WarehouseBusy):
        with warehouse_lock(paths[0], shared=True, wait=False):
            pass


WAITER = """
import sys
import dbt.cli.main
from customer360 import cli

class Runner:  # dbt, instantly
    def invoke(self, args):
        print("dbt ran", flush=True)
        return type("Result", (), {"success": True, "exception": None})()

dbt.cli.main.dbtRunner = Runner
sys.exit(cli.main(["build"]))
"""


def test_a_second_build_waits_its_turn(paths, held_lock, tmp_path):
    database, landing = paths
    stderr = tmp_path / "waiter.stderr"
    env = {**os.environ, "CUSTOMER360_DUCKDB_PATH": str(database), "CUSTOMER360_LANDING_DIR": str(landing)}
    with stderr.open("w") as err:
        waiter = subprocess.Popen([sys.executable, "-c", WAITER], env=env, stdout=subprocess.PIPE, stderr=err,
                                  text=True)
        deadline = time.monotonic() + 30
        while "waiting" not in stderr.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        assert waiter.poll() is None, "the second build did not wait"
        held_lock.stdin.close()  # the first build ends
        out, _ = waiter.communicate(timeout=30)
    assert waiter.returncode == 0 and out == "dbt ran\n"
    assert stderr.read_text().splitlines() == [
        f"customer360: waiting for the build running in process {held_lock.pid} to finish "
        f"(lock {lock_path(database)})"]


def test_the_lock_is_reentrant_in_a_thread_and_readers_share_it(paths):
    database = paths[0]
    with warehouse_lock(database):
        with warehouse_lock(database), warehouse_lock(database, shared=True):
            pass
    with warehouse_lock(database, shared=True):
        reader = subprocess.run(
            [sys.executable, "-c", "import sys; from customer360.warehouse_lock import warehouse_lock\n"
             "with warehouse_lock(sys.argv[1], shared=True, wait=False): print('read')", str(database)],
            capture_output=True, text=True, timeout=30)
        assert reader.stdout == "read\n", reader.stderr


def test_the_target_type_comes_from_profiles_yml():
    # run_dbt installs the Spark session method (customer360.spark_session) for a spark target only
    assert cli.target_type(["build"]) == "duckdb"
    assert cli.target_type(["build", "--target", "ci"]) == "duckdb"
    assert cli.target_type(["build", "--target", "spark", "--select", "x"]) == "spark"
    assert cli.target_type(["run", "-t", "spark"]) == "spark"
    assert cli.target_type(["build", "--target=spark"]) == "spark"
    assert cli.target_type(["build", "--target", "nonesuch"]) is None


def test_the_duckdb_path_imports_no_pyspark():
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys, customer360.engines, customer360.dbt_helpers, customer360.cli, dbt_customer360; "
         "print('pyspark' in sys.modules, 'dbt.adapters.spark' in sys.modules)"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(cli.PROJECT_DIR)})
    assert done.stdout.split() == ["False", "False"]
