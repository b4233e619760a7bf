"""Same answer on both engines: 1,000 demo people built with `customer360 build` on DuckDB and
with `customer360 build --target spark` on a local SparkSession give the same partition of
records into people and the same number of rows in every mart.

Each build runs in a process of its own, with its warehouse, metastore, dbt target folder and
working directory below the test's temporary folder. Needs the spark extra and Java; skipped
without them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install -e '.[spark]')")
pytest.importorskip("dbt.adapters.spark", reason="dbt-spark is not installed (pip install -e '.[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (no java on PATH, no JAVA_HOME)", allow_module_level=True)

import duckdb  # noqa: E402

PEOPLE = 1_000


def _cli(root: Path, env: dict[str, str], *args: str, log: str) -> float:
    started = time.perf_counter()
    with open(root / log, "w") as out:
        done = subprocess.run([sys.executable, "-m", "customer360.cli", *args], env=env, cwd=root,
                              stdout=out, stderr=subprocess.STDOUT)
    assert done.returncode == 0, f"customer360 {' '.join(args)} failed: see {root / log}"
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    root = tmp_path_factory.mktemp("engines")
    env = {
        **os.environ,
        "CUSTOMER360_LANDING_DIR": str(root / "landing"),
        "CUSTOMER360_DUCKDB_PATH": str(root / "duckdb" / "warehouse.duckdb"),
        "CUSTOMER360_SPARK_WAREHOUSE": str(root / "spark-warehouse"),
        "CUSTOMER360_SPARK_METASTORE": str(root / "spark-metastore"),
        "CUSTOMER360_PRIVACY_SALT": "test-salt-engines",
    }
    _cli(root, env, "generate", "--people", str(PEOPLE), "--seed", "11", log="generate.log")
    duckdb_seconds = _cli(root, env, "build", "--target-path", str(root / "target-duckdb"), log="duckdb.log")
    spark_seconds = _cli(root, env, "build", "--target", "spark", "--target-path", str(root / "target-spark"),
                         log="spark.log")
    print(f"\n{PEOPLE:,} people: DuckDB build {duckdb_seconds:.0f} s, local Spark build {spark_seconds:.0f} s")
    connection = duckdb.connect(str(root / "duckdb" / "warehouse.duckdb"), read_only=True)
    yield {"root": root, "duckdb": connection, "spark": root / "spark-warehouse"}
    connection.close()


def _spark_table(warehouse: Path, schema: str, table: str) -> str:
    return f"read_parquet('{warehouse / f'{schema}.db' / table}/*.parquet')"


def _partition(connection, relation: str) -> set[tuple[str, ...]]:
    rows = connection.execute(
        f"select list(customer_record_id order by customer_record_id) from {relation} group by master_customer_id"
    ).fetchall()
    return {tuple(members) for (members,) in rows}


def test_both_engines_put_the_same_records_together(engines):
    connection, spark = engines["duckdb"], engines["spark"]
    on_duckdb = _partition(connection, "marts.customer_xref")
    on_spark = _partition(connection, _spark_table(spark, "marts", "customer_xref"))
    assert len(on_duckdb) > PEOPLE * 0.8
    assert on_spark == on_duckdb


def test_every_mart_has_as_many_rows_on_both_engines(engines):
    connection, spark = engines["duckdb"], engines["spark"]
    marts = [table for (table,) in connection.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    assert len(marts) > 15
    counts = {
        table: (connection.execute(f"select count(*) from marts.{table}").fetchall()[0][0],
                connection.execute(f"select count(*) from {_spark_table(spark, 'marts', table)}").fetchall()[0][0])
        for table in marts
    }
    assert {t: c for t, c in counts.items() if c[0] != c[1]} == {}
    assert counts["dim_customer"][0] > 0 and counts["fct_orders"][0] > 0
