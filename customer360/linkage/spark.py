"""Soft matching on Spark: the saved Splink model scores the records in the SparkSession, with
Splink's Spark backend (``splink.SparkAPI``), for the spark target's int_customer_pairs_soft_matched.

The model file is in DuckDB's dialect (customer360.linkage.settings builds it for DuckDB, and
training runs on DuckDB): :func:`spark_settings` transpiles its SQL with sqlglot (double-quoted
identifiers become backticks, ``varchar`` ``string``) and renames DuckDB's
``jaro_winkler_similarity`` to ``jaro_winkler`` of Splink's similarity jar, whose functions
(``jaro_winkler``, ``damerau_levenshtein``) SparkAPI registers (the jar is on the session's
``spark.jars``: customer360.spark_session). The records are prepared by the same SQL
(:func:`customer360.linkage.settings.prepare_sql`, transpiled), and term frequencies come from the
model as on DuckDB, so a pair gets the probability it gets there (the test compares them).

Scoring on Spark is a full scoring: dbt-spark drops a Parquet table before it rebuilds it, so
the last run's pairs are gone when the model runs (customer360.dbt_helpers.previous_table), and
the daily path of customer360.linkage.incremental (score only changed records) does not apply.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from customer360.linkage._common import SPLINK_LOG_LEVEL, model_placeholders
from customer360.linkage.incremental import model_fingerprint
from customer360.linkage.model import splink_settings
from customer360.linkage.predict import _output_sql
from customer360.linkage.settings import INPUT_COLUMNS, prepare_sql

#: DuckDB's functions under the names Splink's jar registers them on Spark
_FUNCTIONS = {"JAROWINKLER_SIMILARITY": "jaro_winkler", "JARO_WINKLER_SIMILARITY": "jaro_winkler"}


def spark_sql(sql: str) -> str:
    """DuckDB SQL (the model's conditions and rules, prepare_sql) as Spark SQL."""
    import sqlglot

    out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    for duckdb_name, spark_name in _FUNCTIONS.items():
        out = re.sub(rf"\b{duckdb_name}\(", f"{spark_name}(", out, flags=re.IGNORECASE)
    return out


def spark_settings(model: dict[str, Any]) -> dict[str, Any]:
    """The Splink settings of ``model`` (DuckDB dialect) in Spark's dialect."""
    settings = copy.deepcopy(splink_settings(model))
    settings["sql_dialect"] = "spark"
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
    rules = []
    for rule in settings["blocking_rules_to_generate_predictions"]:
        if isinstance(rule, dict):
            rule = {**rule, "blocking_rule": spark_sql(rule["blocking_rule"]), "sql_dialect": "spark"}
        else:
            rule = spark_sql(rule)
        rules.append(rule)
    settings["blocking_rules_to_generate_predictions"] = rules
    return settings


def _splink_sqlglot_workaround() -> None:
    """SparkAPI runs every statement through sqlglot with Splink's dialect ``customspark``, a
    subclass of sqlglot's Spark generator. With sqlglot's compiled build (sqlglotc, which
    dagster-dbt's ``sqlglot[rs]`` installs) that subclass cannot be made ("TypeError:
    interpreted classes cannot inherit from compiled"), and SparkAPI fails on its first
    statement. Then write plain ``spark`` instead: customspark only writes double literals
    as ``1.5D`` where spark writes ``CAST(1.5 AS DOUBLE)``."""
    import sqlglot
    from splink import SparkAPI

    if getattr(SparkAPI, "_customer360_sqlglot", False):
        return
    try:
        sqlglot.transpile("select cast(0.5 as double)", read="spark", write="customspark")
        SparkAPI._customer360_sqlglot = True
        return
    except TypeError:
        pass

    def _setup_for_execute_sql(self, sql: str, physical_name: str) -> str:
        return sqlglot.transpile(sql, read="spark", write="spark", pretty=True)[0]

    SparkAPI._setup_for_execute_sql = _setup_for_execute_sql
    SparkAPI._customer360_sqlglot = True


def _view(frame, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    frame.createOrReplaceTempView(name)
    return name


def _term_frequencies(spark, prepared: str, model: dict[str, Any]) -> dict[str, Any]:
    """The term-frequency lookups of customer360.linkage._common.term_frequency_tables, as
    Spark DataFrames: the training data's frequency of every value of ``prepared``."""
    import pyarrow as pa

    trained = (model.get("customer360_training") or {}).get("term_frequencies")
    if not trained:
        raise ValueError("the Splink model has no term frequencies (an older model file): "
                         "retrain it with `customer360 train`")
    out = {}
    for col, counts in trained["columns"].items():
        known = _view(spark.createDataFrame(pa.table({
            "value": pa.array(list(counts["value_counts"]), pa.string()),
            "n": pa.array(list(counts["value_counts"].values()), pa.int64()),
        })), f"c360_tf_known_{col}")
        out[col] = spark.sql(f"""
            select
                scored.{col},
                cast(coalesce(known.n, {float(counts['rare_value_count'])!r}) as double)
                    / {max(int(counts['record_count']), 1)} as tf_{col}
            from (select distinct {col} from {prepared} where {col} is not null) as scored
            left join {known} as known on scored.{col} = known.value
        """)
    return out


def predict_pairs_spark(spark, records, model: dict[str, Any], *, threshold_match_probability: float):
    """Every blocked pair of ``records`` (a Spark DataFrame with the linkage input columns) at or
    above the threshold, as customer360.linkage.predict.predict_pairs gives it: a Spark
    DataFrame of customer_record_id_l < customer_record_id_r, match_probability, match_weight
    and the mw_ columns."""
    from splink import Linker, SparkAPI

    _splink_sqlglot_workaround()
    raw = _view(records.select(*INPUT_COLUMNS), "c360_records_raw")
    prepared = spark.sql(spark_sql(prepare_sql(raw, model_placeholders(model)))).persist()
    prepared_view = _view(prepared, "c360_records")
    db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
    linker = Linker(db_api.register(prepared, table_name=prepared_view + "_in"), spark_settings(model),
                    log_level=SPLINK_LOG_LEVEL)
    for col, frame in _term_frequencies(spark, prepared_view, model).items():
        linker.table_management.register_term_frequency_lookup(
            db_api.register(frame, table_name=f"{prepared_view}_tf_{col}"), col)
    predictions = linker.inference.predict(threshold_match_probability=threshold_match_probability,
                                           warning_mode="never")
    name = predictions.physical_name
    return spark.sql(_output_sql(name, model, spark.table(name).columns))


def update_pairs_spark(spark, records, model: dict[str, Any], *, threshold_match_probability: float,
                       stats: dict[str, Any] | None = None):
    """The soft-match table on Spark: :func:`predict_pairs_spark` of every record with the model
    fitted to their number (customer360.linkage.rescale, as update_pairs fits it), and the
    bookkeeping columns of customer360.linkage.incremental.update_pairs (scored_through: the
    newest normalized_at; model_fingerprint, the fitted model's)."""
    from pyspark.sql import functions as F

    from customer360.engines import to_arrow
    from customer360.linkage.rescale import model_for_records

    # the fit counts the blocking rules' pairs with DuckDB: on the records' linkage columns,
    # brought to the driver as Arrow only when the model has to be fitted (a Spark-native count
    # would keep them in Spark)
    record_count = records.count()
    model, fit = model_for_records(model, lambda: to_arrow(records, INPUT_COLUMNS), record_count=record_count)
    pairs = predict_pairs_spark(spark, records, model, threshold_match_probability=threshold_match_probability)
    watermark = records.agg(F.max("normalized_at")).collect()[0][0]
    watermark_type = records.schema["normalized_at"].dataType
    fingerprint = model_fingerprint(model, threshold_match_probability)
    if stats is not None:
        stats.update({"mode": "full", "records": record_count, "fit": fit})
    return (pairs.withColumn("scored_through", F.lit(watermark).cast(watermark_type))
            .withColumn("model_fingerprint", F.lit(fingerprint)))
