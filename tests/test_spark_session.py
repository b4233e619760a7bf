"""The spark target's session method (customer360.spark_session): dbt Python models run in dbt's
own SparkSession and write Parquet tables, and the SQL functions give what DuckDB's give.

A small dbt project in a temporary folder holds copies of the project's Python models
(landed_files, linkage_model_fit, int_identifier_placeholders, int_customer_pairs_soft_matched,
int_customer_clusters) beside SQL stand-ins for the models they read and a SQL model calling the
functions,
and the project's own profiles.yml: the whole project's build on Spark also needs its SQL models
to be portable (adapter.dispatch), which is not this test's subject. Everything is written below
the temporary folder (warehouse, metastore, dbt's target and logs).

Needs the spark extra (pip install -e ".[spark]") and Java; skipped without pyspark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install -e '.[spark]')")
pytest.importorskip("dbt.adapters.spark", reason="dbt-spark is not installed (pip install -e '.[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (no java on PATH, no JAVA_HOME)", allow_module_level=True)

import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from customer360 import PROJECT_DIR  # noqa: E402

SALT = "test-salt-spark-session"
COPIED_MODELS = ["landed_files", "linkage_model_fit", "int_identifier_placeholders", "int_customer_pairs_soft_matched",
                 "int_customer_clusters"]
MODEL_PATH = str(PROJECT_DIR / "python_models" / "splink_model.json")

RECORDS_SQL = """
select
    customer_record_id, source, crm_customer_number, first_name, first_name_canonical, last_name,
    cast(birth_date as date) as birth_date, cast(birth_year as int) as birth_year, email, phone_e164,
    phone_is_mobile, street, house_number, postcode, city, municipality_code,
    cast(normalized_at as timestamp) as normalized_at
from values
    ('crm:1', 'crm', 'C1', 'jan', 'jan', 'peeters', '1980-03-12', 1980, 'jan.peeters@example.be', '+32475123456',
     true, 'kerkstraat', '12', '2000', 'antwerpen', '11002', '2026-01-01 08:00:00'),
    ('web:1', 'webshop', null, 'jan', 'jan', 'peeters', '1980-03-12', 1980, 'jan.peeters@example.be', '+32475123456',
     true, 'kerkstraat', '12', '2000', 'antwerpen', '11002', '2026-01-01 08:00:00'),
    ('crm:2', 'crm', 'C2', 'an', 'an', 'janssens', '1975-07-01', 1975, 'an.janssens@example.be', '+32476000111',
     true, 'stationsstraat', '3', '9000', 'gent', '44021', '2026-01-01 08:00:00')
    as t(customer_record_id, source, crm_customer_number, first_name, first_name_canonical, last_name,
         birth_date, birth_year, email, phone_e164, phone_is_mobile, street, house_number, postcode, city,
         municipality_code, normalized_at)
"""

EDGES_SQL = """
select
    'crm:1' as customer_record_id_l, 'web:1' as customer_record_id_r, 2 as edge_priority,
    cast(0.999 as double) as match_probability, true as is_accepted
union all
select 'crm:1', 'crm:2', 2, cast(0.4 as double), false
"""

DECISIONS_SQL = """
select
    cast(null as string) as customer_record_id_l, cast(null as string) as customer_record_id_r,
    'cannot_link' as decision, false as both_records_exist
where false
"""

FUNCTIONS_SQL = """
select
    phone, country_code,
    normalize_phone(phone, country_code).e164 as e164,
    normalize_phone(phone, country_code).is_mobile as is_mobile,
    privacy_hash(email) as email_hash
from values
    ('0475 12 34 56', 'BE', 'jan@example.be'),
    ('02/512.34.56', 'BE', null),
    ('06 12345678', 'NL', 'an@example.nl'),
    ('junk', 'BE', ''),
    (null, null, 'x')
    as t(phone, country_code, email)
"""

PHONES = [("0475 12 34 56", "BE"), ("02/512.34.56", "BE"), ("06 12345678", "NL"), ("junk", "BE"), (None, None)]
EMAILS = ["jan@example.be", None, "an@example.nl", "", "x"]


def _write_project(root: Path, landing: Path) -> Path:
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "dbt_project.yml").write_text(textwrap.dedent("""
        name: customer360
        version: "0.1.0"
        config-version: 2
        profile: customer360
        model-paths: ["models"]
        macro-paths: ["macros"]
        models:
          customer360:
            +materialized: table
    """))
    shutil.copy(PROJECT_DIR / "profiles.yml", project / "profiles.yml")
    shutil.copy(PROJECT_DIR / "macros" / "generate_schema_name.sql", project / "macros" / "generate_schema_name.sql")
    for name in COPIED_MODELS:
        shutil.copy(PROJECT_DIR / "python_models" / f"{name}.py", project / "models" / f"{name}.py")
    (project / "models" / "int_customer_records_normalized.sql").write_text(
        "{{ config(schema='intermediate') }}\n" + RECORDS_SQL)
    (project / "models" / "int_customer_match_edges.sql").write_text(
        "{{ config(schema='intermediate') }}\n" + EDGES_SQL)
    (project / "models" / "int_manual_match_decisions.sql").write_text(
        "{{ config(schema='intermediate') }}\n" + DECISIONS_SQL)
    (project / "models" / "udf_values.sql").write_text(FUNCTIONS_SQL)
    # the configs python_models/_python__models.yml gives these models
    (project / "models" / "_models.yml").write_text(textwrap.dedent(f"""
        version: 2
        models:
          - name: landed_files
            config:
              file_format: parquet
              incremental_strategy: "{{{{ 'insert_overwrite' if target.type == 'spark' else 'delete+insert' }}}}"
              meta:
                landing_dir: "{landing}"
          - name: linkage_model_fit
            config:
              file_format: parquet
              meta: {{splink_model_path: "{MODEL_PATH}", minimum_training_overlap: "0.5",
                      match_probability_accept: "0.97", match_probability_accept_without_households: "0.8"}}
          - name: int_identifier_placeholders
            config:
              file_format: parquet
              meta: {{splink_model_path: "{MODEL_PATH}"}}
          - name: int_customer_pairs_soft_matched
            config:
              file_format: parquet
              meta: {{splink_model_path: "{MODEL_PATH}", review_lower_probability: "0.5"}}
          - name: int_customer_clusters
            config:
              file_format: parquet
              meta: {{splink_model_path: "{MODEL_PATH}", max_birth_year_gap: "1"}}
    """))
    return project


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory):
    """The small project built twice on the spark target, in-process as `customer360 build`
    runs dbt (customer360.spark_session.install), with a file landed between the builds."""
    from dbt.cli.main import dbtRunner

    from customer360.spark_session import absolute_paths, install

    root = tmp_path_factory.mktemp("spark")
    landing = root / "landing"
    (landing / "crm" / "customers").mkdir(parents=True)
    # not the contract's columns: quarantined; a text file: ignored
    pq.write_table(__import__("pyarrow").table({"x": [1, 2]}), landing / "crm" / "customers" / "day_001.parquet")
    (landing / "notes.txt").write_text("not a table")
    project = _write_project(root, landing)
    env = {
        "CUSTOMER360_SPARK_WAREHOUSE": str(root / "warehouse"),
        "CUSTOMER360_SPARK_METASTORE": str(root / "metastore"),
        # before the session starts: Spark's Python workers inherit the environment then
        "CUSTOMER360_PRIVACY_SALT": SALT,
        "CUSTOMER360_LANDING_DIR": str(landing),
    }
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    cwd = os.getcwd()
    os.chdir(root)  # anything Spark or Derby would write beside the working directory
    try:
        absolute_paths()
        install()
        args = ["build", "--target", "spark", "--project-dir", str(project), "--profiles-dir", str(project)]
        first = dbtRunner().invoke(args)
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
        files_after_first = _landed(root)
        (landing / "crm" / "later.txt").write_text("landed later")
        second = dbtRunner().invoke(args)
        yield {"root": root, "first": first, "second": second, "spark": spark,
               "files_after_first": files_after_first}
    finally:
        os.chdir(cwd)
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _landed(root: Path) -> dict[str, dict]:
    table = pq.read_table(root / "warehouse" / "staging.db" / "landed_files")
    return {row["landing_path"]: row for row in table.to_pylist()}


def _failures(result) -> list[str]:
    if result.exception is not None:
        return [repr(result.exception)]
    return [f"{r.node.name}: {r.message}" for r in result.result if str(r.status) not in ("success", "pass")]


def test_both_builds_succeed(spark_build):
    assert spark_build["first"].success, _failures(spark_build["first"])
    assert spark_build["second"].success, _failures(spark_build["second"])


def test_landed_files_is_a_parquet_table_under_the_schema_folder(spark_build):
    folder = spark_build["root"] / "warehouse" / "staging.db" / "landed_files"
    assert any(p.suffix == ".parquet" for p in folder.iterdir()), list(folder.iterdir())
    first = spark_build["files_after_first"]
    assert {path: row["file_status"] for path, row in first.items()} == {
        "crm/customers/day_001.parquet": "quarantined", "notes.txt": "ignored"}
    assert first["crm/customers/day_001.parquet"]["problem"]


def test_the_incremental_run_keeps_earlier_rows_and_adds_the_new_file(spark_build):
    before, after = spark_build["files_after_first"], _landed(spark_build["root"])
    assert set(after) == {"crm/customers/day_001.parquet", "notes.txt", "crm/later.txt"}
    assert after["crm/later.txt"]["file_status"] == "ignored"
    # unchanged files were not inspected again: they keep the first build's first_seen_at
    for path in before:
        assert after[path]["first_seen_at"] == before[path]["first_seen_at"], path
    assert after["crm/later.txt"]["first_seen_at"] > before["notes.txt"]["first_seen_at"]


def test_the_other_python_models_write_their_tables(spark_build):
    spark = spark_build["spark"]
    fit = spark.table("intermediate.linkage_model_fit").collect()
    assert len(fit) == 1 and fit[0]["linked_record_count"] == 3 and fit[0]["model_path"] == MODEL_PATH
    placeholders = spark.table("intermediate.int_identifier_placeholders")
    assert placeholders.columns == ["identifier", "value"]
    # scored by Splink's Spark backend: the two records of one person are a pair
    pairs = spark.table("intermediate.int_customer_pairs_soft_matched").collect()
    found = {(p["customer_record_id_l"], p["customer_record_id_r"]): p["match_probability"] for p in pairs}
    assert set(found) == {("crm:1", "web:1")}, found
    assert found[("crm:1", "web:1")] > 0.99
    assert {p["model_fingerprint"] for p in pairs} and all(p["scored_through"] is not None for p in pairs)
    clusters = {r["customer_record_id"]: r["cluster_record_id"]
                for r in spark.table("intermediate.int_customer_clusters").collect()}
    assert clusters == {"crm:1": "crm:1", "web:1": "crm:1", "crm:2": "crm:2"}
    for table in ("linkage_model_fit", "int_identifier_placeholders", "int_customer_pairs_soft_matched",
                  "int_customer_clusters"):
        folder = spark_build["root"] / "warehouse" / "intermediate.db" / table
        assert any(p.suffix == ".parquet" for p in folder.iterdir()), table


def test_the_engine_shim_reads_spark_as_it_reads_duckdb(spark_build):
    """customer360.engines on a Spark DataFrame and on a DuckDB relation of the same rows (what
    int_customer_predictions_scored reads: to_pandas, aggregate)."""
    from customer360 import engines
    from customer360.predictions import people_sample

    sql = ("select * from (values (date '2026-01-05', 'a', timestamp '2026-01-05 10:00:00'), "
           "(date '2026-01-20', 'b', timestamp '2026-01-20 11:00:00'), (date '2026-02-01', 'c', null), "
           "(null, 'd', null)) as t(order_date, id, seen_at)")
    spark, con = spark_build["spark"], duckdb.connect()
    frames = {"spark": spark.sql(sql), "duckdb": con.sql(sql)}
    out = {}
    for engine, frame in frames.items():
        monthly = engines.to_pandas(engines.aggregate(
            frame.filter("order_date is not null"),
            "date_trunc('month', order_date) as month, count(*) as orders"))
        monthly["month"] = monthly["month"].astype("datetime64[us]")
        out[engine] = {
            "arrow": engines.to_arrow(frame, "id, seen_at").to_pylist(),
            # the people the predictions' training reads of a large backdated table
            "sampled": sorted(engines.to_arrow(frame.filter(people_sample(2_000_000, key="id")[1]), "id")["id"].to_pylist()),
            "monthly": sorted(monthly.itertuples(index=False, name=None)),
        }
    table = engines.to_arrow(frames["duckdb"])
    con.close()
    assert out["spark"] == out["duckdb"]
    assert out["duckdb"]["sampled"] == ["a", "c"]  # the ids whose md5 is in the lower half
    assert engines.is_spark(engines.from_arrow(spark, table))
    empty = engines.from_arrow(spark, table.slice(0, 0))
    assert empty.count() == 0 and empty.columns == ["order_date", "id", "seen_at"]


def test_splink_on_spark_scores_the_pairs_duckdb_scores(spark_build):
    """customer360.linkage.spark (Splink's SparkAPI, the model's SQL transpiled) against
    customer360.linkage.predict (DuckDB) on a generated population."""
    from test_linkage import _population, _table

    from customer360.linkage.model import load_model
    from customer360.linkage.predict import predict_pairs
    from customer360.linkage.spark import predict_pairs_spark

    records = _table(_population(60, 11))
    model = load_model(MODEL_PATH)
    expected = predict_pairs(records, model, threshold_match_probability=0.5)
    spark = spark_build["spark"]
    scored = predict_pairs_spark(spark, spark.createDataFrame(records), model, threshold_match_probability=0.5)
    got = scored.toArrow()
    assert got.column_names == expected.column_names
    key = ("customer_record_id_l", "customer_record_id_r")
    got_rows = {tuple(r[k] for k in key): r for r in got.to_pylist()}
    expected_rows = {tuple(r[k] for k in key): r for r in expected.to_pylist()}
    assert set(got_rows) == set(expected_rows) and len(expected_rows) > 20
    for pair, row in expected_rows.items():
        for column, value in row.items():
            if isinstance(value, float):
                assert got_rows[pair][column] == pytest.approx(value, abs=1e-9), (pair, column)
            else:
                assert got_rows[pair][column] == value, (pair, column)


@pytest.fixture(scope="module")
def predictions(spark_build, tmp_path_factory):
    """int_customer_predictions_scored on Spark, its inputs those of a small DuckDB build (as
    Parquet files the stand-in SQL models read): once with the DuckDB build's saved prediction
    models, once training new ones."""
    import duckdb as duck
    from dbt.cli.main import dbtRunner

    from conftest import dbt as duckdb_dbt
    from customer360.generator import generate

    root = tmp_path_factory.mktemp("predictions")
    generate(people=1_500, seed=3, landing_dir=root / "landing")
    database = root / "warehouse.duckdb"
    assert duckdb_dbt(root / "landing", database, "build", "--select", "+mart_customer_predictions",
                      "--indirect-selection", "cautious", "--target-path", str(root / "target"),
                      "--log-path", str(root / "logs"))
    connection = duck.connect(str(database), read_only=True)
    inputs = {"mart_customer_features": "marts", "int_customer_features_backdated": "intermediate",
              "fct_orders": "marts"}
    for name, schema in inputs.items():
        connection.execute(f"copy (select * from {schema}.{name}) to '{root / name}.parquet' (format parquet)")
    expected = connection.sql(
        "select * from intermediate.int_customer_predictions_scored order by master_customer_id").to_arrow_table()
    connection.close()
    results = {}
    for run, model_dir in (("saved", root / "prediction_models"), ("trained", root / "new_models")):
        project = root / f"project_{run}"
        (project / "models").mkdir(parents=True)
        (project / "dbt_project.yml").write_text(textwrap.dedent("""
            name: customer360
            version: "0.1.0"
            config-version: 2
            profile: customer360
            models:
              customer360:
                +materialized: table
        """))
        shutil.copy(PROJECT_DIR / "profiles.yml", project / "profiles.yml")
        shutil.copy(PROJECT_DIR / "python_models" / "int_customer_predictions_scored.py", project / "models")
        for name, schema in inputs.items():
            (project / "models" / f"{name}.sql").write_text(
                f"{{{{ config(schema='{schema}_{run}', alias='{name}') }}}}\nselect * from parquet.`{root / name}.parquet`\n")
        (project / "models" / "_models.yml").write_text(textwrap.dedent(f"""
            version: 2
            models:
              - name: int_customer_predictions_scored
                config:
                  file_format: parquet
                  meta:
                    prediction_model_dir: "{model_dir}"
                    warehouse_path: "{database}"
                    churn_horizon_days: "90"
                    retrain_predictions: "false"
        """))
        result = dbtRunner().invoke(["build", "--target", "spark", "--project-dir", str(project),
                                     "--profiles-dir", str(project)])
        assert result.success, _failures(result)
        # read before the next run overwrites it
        results[run] = spark_build["spark"].sql(
            "select * from customer360_intermediate.int_customer_predictions_scored order by master_customer_id"
        ).toArrow()
    return expected, results, root


def test_predictions_on_spark_are_duckdbs(predictions):
    """Scored with the saved models, and trained anew from the same inputs: DuckDB's numbers."""
    expected, results, root = predictions
    assert expected.num_rows > 1000
    for run, got in results.items():
        assert got.column_names == expected.column_names, run
        for column in expected.column_names:
            if column == "model_version" and run == "trained":
                continue
            want, have = expected.column(column).to_pylist(), got.column(column).to_pylist()
            if pa_types_float(expected.schema.field(column).type):
                assert have == pytest.approx(want, abs=1e-9, nan_ok=True), (run, column)
            else:
                assert have == want, (run, column)
    # the trained run saved a new version
    assert (root / "new_models" / "latest.json").exists()


def pa_types_float(type_) -> bool:
    import pyarrow as pa

    return pa.types.is_floating(type_)


def test_the_sql_functions_give_what_duckdb_gives(spark_build, monkeypatch):
    from customer360.dbt_plugin import register_functions

    monkeypatch.setenv("CUSTOMER360_PRIVACY_SALT", SALT)
    spark = spark_build["spark"]
    # in the dbt build (udf_values) and in a query of dbt's session
    built = spark.table("customer360.udf_values").collect()
    queried = spark.sql(FUNCTIONS_SQL).collect()
    con = duckdb.connect()
    register_functions(con)
    expected = con.execute(FUNCTIONS_SQL.replace(" as t(", " t(")).fetchall()
    con.close()
    for rows in (built, queried):
        assert [tuple(r) for r in rows] == expected
    # Splink's jar functions, for SQL models
    assert spark.sql("select jaro_winkler('martha', 'marhta') > 0.9").collect()[0][0] is True
    # and under DuckDB's name, with DuckDB's values
    words = [("martha", "marhta"), ("jan", "jean"), ("peeters", "peters"), ("dixon", "dicksonx"), ("a", "")]
    con = duckdb.connect()
    for a, b in words:
        on_spark = spark.sql(f"select jaro_winkler_similarity('{a}', '{b}')").collect()[0][0]
        on_duckdb = con.execute(f"select jaro_winkler_similarity('{a}', '{b}')").fetchone()[0]
        assert on_spark == pytest.approx(on_duckdb, abs=1e-9), (a, b)
    con.close()
    assert expected[0][2:4] == ("+32475123456", True) and expected[1][3] is False and expected[3][2] is None
    assert expected[0][4] is not None and expected[1][4] is None


def test_the_salt_is_in_no_sql_or_log(spark_build):
    for path in (spark_build["root"] / "project").rglob("*"):
        if path.is_file() and path.suffix in (".sql", ".py", ".log", ".json"):
            assert SALT not in path.read_text(errors="replace"), path


def test_plain_dbt_runs_python_models_through_the_plugin_hook(tmp_path):
    """`dbt build --target spark` outside the CLI: dbt-core imports the top-level module
    dbt_customer360 (found on sys.path: an installed, non-editable package, or the checkout on
    PYTHONPATH as here), which installs the session submission method."""
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "notes.txt").write_text("not a table")
    project = _write_project(tmp_path, landing)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "CUSTOMER360_PRIVACY_SALT": SALT,
           "CUSTOMER360_SPARK_WAREHOUSE": str(tmp_path / "warehouse"),
           "CUSTOMER360_SPARK_METASTORE": str(tmp_path / "metastore")}
    dbt = Path(sys.executable).with_name("dbt")
    done = subprocess.run(
        [str(dbt), "build", "--target", "spark", "--select", "landed_files", "--project-dir", str(project),
         "--profiles-dir", str(project)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = pq.read_table(tmp_path / "warehouse" / "staging.db" / "landed_files").to_pylist()
    assert [(r["landing_path"], r["file_status"]) for r in rows] == [("notes.txt", "ignored")]


def test_customer360_build_on_the_spark_target_installs_the_session_method(tmp_path, monkeypatch):
    """cli.run_dbt for a spark target: the session method installed before dbt runs, the
    warehouse and metastore paths made absolute (dbt itself not run here)."""
    import dbt.cli.main

    from customer360 import cli

    seen = {}

    class FakeRunner:
        def invoke(self, args):
            from types import SimpleNamespace

            from dbt.adapters.spark.impl import SparkAdapter

            from customer360.spark_session import SessionPythonJobHelper

            adapter = SimpleNamespace(config=SimpleNamespace(credentials=SimpleNamespace(method="session")))
            seen["helpers"] = SparkAdapter.python_submission_helpers.fget(adapter)
            seen["default"] = SparkAdapter.default_python_submission_method.fget(adapter)
            seen["helper"] = SessionPythonJobHelper
            seen["env"] = {k: os.environ[k] for k in ("CUSTOMER360_SPARK_WAREHOUSE", "CUSTOMER360_SPARK_METASTORE")}
            return SimpleNamespace(success=True, exception=None)

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", FakeRunner)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CUSTOMER360_SPARK_WAREHOUSE", "rel/warehouse")
    monkeypatch.setenv("CUSTOMER360_SPARK_METASTORE", "rel/metastore")
    monkeypatch.setenv("CUSTOMER360_DUCKDB_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("CUSTOMER360_LANDING_DIR", str(tmp_path / "landing"))
    assert cli.run_dbt(["build", "--target", "spark"])
    assert seen["env"] == {"CUSTOMER360_SPARK_WAREHOUSE": str(tmp_path / "rel" / "warehouse"),
                           "CUSTOMER360_SPARK_METASTORE": str(tmp_path / "rel" / "metastore")}
    assert seen["default"] == "session" and seen["helpers"]["session"] is seen["helper"]
    assert {"job_cluster", "all_purpose_cluster"} <= set(seen["helpers"])
    assert not (tmp_path / "w.duckdb").exists()
