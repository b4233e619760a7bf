"""dbt Python models, and the project's SQL functions, on dbt-spark's ``session`` method.

dbt-spark runs a Python model by handing its compiled code to a ``PythonJobHelper`` chosen by
the model's ``submission_method``; upstream knows only Databricks' (``job_cluster``,
``all_purpose_cluster``), none for a local SparkSession (dbt-spark issue #1062). :func:`install`
adds one, ``session`` (:class:`SessionPythonJobHelper`): it runs the compiled code in this
process, in the SparkSession dbt's session connection executes SQL in, with ``spark`` bound to
it. The code dbt-spark compiles ends in ``py_write_table``: ``saveAsTable`` of the returned
DataFrame in the model's ``file_format`` (Parquet for this project's spark target). ``session``
is also made the default submission method of a session-method profile, so no model names it.

:func:`install` also makes dbt's SparkSession start with Splink's similarity jar (its
``jaro_winkler`` and ``damerau_levenshtein``, which Splink's SparkAPI registers) and registers
``normalize_phone(phone, country_code)`` and ``privacy_hash(value)`` on it, the functions
customer360.dbt_plugin registers on every DuckDB connection, from the same Python code.

Who calls :func:`install`: ``customer360 build --target spark`` (customer360.cli.run_dbt), and,
for a plain ``dbt build --target spark``, dbt-core's plugin hook: the top-level module
``dbt_customer360`` (a ``dbt_`` module with ``plugins``, which dbt imports on every invocation)
installs it when the profile dbt runs is a session-method spark profile. Nothing here is imported
on the DuckDB path: pyspark is an optional extra.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from dbt.adapters.base import PythonJobHelper

SUBMISSION_METHOD = "session"

_lock = threading.Lock()
_installed = False
_registered: set[int] = set()  # id() of the SparkSessions that have the functions


def splink_jar() -> str:
    """Splink's similarity-function jar for this Spark version (shipped in the splink wheel)."""
    from splink.internals.spark.jar_location import similarity_jar_location

    return similarity_jar_location()


def session_config(server_side_parameters: dict[str, Any] | None) -> dict[str, str]:
    """The profile's ``server_side_parameters`` plus Splink's jar on ``spark.jars``."""
    config = {str(k): str(v) for k, v in (server_side_parameters or {}).items()}
    jars = [j for j in config.get("spark.jars", "").split(",") if j]
    jar = splink_jar()
    if jar not in jars:
        config["spark.jars"] = ",".join([*jars, jar])
    return config


def _has_functions() -> bool:
    from pyspark.sql import SparkSession

    current = SparkSession._instantiatedSession
    return current is not None and id(current) in _registered


def spark_session(server_side_parameters: dict[str, Any] | None = None):
    """The SparkSession dbt-spark's session connection uses (the builder it calls, with the same
    parameters; the first call starts it), with the project's functions registered."""
    from pyspark.sql import SparkSession

    # the UDFs run in Spark's Python workers: in this interpreter, which has customer360
    # (pyspark reads only the environment for it; its default is the first python3 on PATH)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # py_write_table imports pyspark.pandas, which asks for this before the session starts
    # (the models return Spark DataFrames: pandas-on-Spark converts nothing here)
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_config(server_side_parameters).items():
        builder = builder.config(key, value)
    with _lock:
        spark = builder.getOrCreate()
        if id(spark) not in _registered:
            # dbt reports what fails; Spark's warnings (one per statement: "Using an existing
            # Spark session") would bury its output
            spark.sparkContext.setLogLevel(os.environ.get("CUSTOMER360_SPARK_LOG_LEVEL", "ERROR"))
            # pyspark logs every failing statement's whole plan as JSON before it raises; dbt
            # reports the error itself
            import logging

            from pyspark.logger import PySparkLogger

            PySparkLogger.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
            register_functions(spark)
            _registered.add(id(spark))
    return spark


# --- the project's SQL functions ------------------------------------------------------------------

PHONE_TYPE = "struct<e164: string, is_mobile: boolean>"


def _normalize_phone(phones, regions):
    import pandas as pd

    from customer360.phones import parse_phone

    parsed = [parse_phone(None if pd.isna(p) else p, None if pd.isna(r) else r) for p, r in zip(phones, regions)]
    return pd.DataFrame({
        "e164": pd.Series([e164 for e164, _ in parsed], dtype=object),
        "is_mobile": pd.Series([is_mobile for _, is_mobile in parsed], dtype=object),
    })


def _privacy_hash(values):
    import pandas as pd

    from customer360.privacy import privacy_hash

    # the salt is read where the function runs (Spark's Python worker, which inherits the
    # environment of the process that started the session): never in SQL, the plan or logs
    return pd.Series(privacy_hash([None if pd.isna(v) else v for v in values]), dtype=object)


def register_functions(spark) -> None:
    """``normalize_phone(phone, country_code)`` (struct of e164, is_mobile) and
    ``privacy_hash(value)`` on ``spark``, as pandas UDFs over customer360.phones and
    customer360.privacy (the code the DuckDB functions run), and the similarity functions of
    Splink's jar."""
    from pyspark.sql.functions import pandas_udf
    from splink.internals.spark.jar_location import get_scala_udfs

    spark.udf.register("normalize_phone", pandas_udf(_normalize_phone, PHONE_TYPE))
    spark.udf.register("privacy_hash", pandas_udf(_privacy_hash, "string"))
    # Splink's similarity functions (jaro_winkler, damerau_levenshtein, ...) from its jar, for
    # SQL models too (DuckDB has them built in, jaro_winkler as jaro_winkler_similarity)
    for name, java_class, return_type in get_scala_udfs():
        spark.udf.registerJavaFunction(name, java_class, return_type)
        if name == "jaro_winkler":
            # under DuckDB's name too: SQL models call jaro_winkler_similarity on both engines
            spark.udf.registerJavaFunction("jaro_winkler_similarity", java_class, return_type)


# --- Python models --------------------------------------------------------------------------------

class SessionPythonJobHelper(PythonJobHelper):
    """Runs a dbt Python model's compiled code in this process's SparkSession."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials

    def submit(self, compiled_code: str) -> None:
        from dbt_common.exceptions import DbtRuntimeError

        spark = spark_session(getattr(self.credentials, "server_side_parameters", None))
        name = self.parsed_model.get("unique_id") or self.parsed_model.get("alias", "model")
        code = compile(compiled_code, f"<dbt python model {name}>", "exec")
        namespace = {"__name__": f"dbt_python_model_{self.parsed_model.get('alias', 'model')}", "spark": spark}
        try:
            exec(code, namespace)  # noqa: S102 - dbt's own compiled model code
        except Exception as error:
            # the model's own message, as dbt-duckdb reports a failing Python model
            raise DbtRuntimeError(f"Python model failed:\n{type(error).__name__}: {error}") from error


def _is_session(credentials: Any) -> bool:
    return str(getattr(credentials, "method", "")) in ("session", "SparkConnectionMethod.SESSION")


def install() -> None:
    """Registers the ``session`` submission method on dbt-spark's adapter (the default for a
    session-method profile), and makes dbt's session connection start the SparkSession with
    Splink's jar and the project's functions. Idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        from dbt.adapters.spark import session as spark_session_module
        from dbt.adapters.spark.impl import SparkAdapter

        helpers = SparkAdapter.python_submission_helpers.fget
        default = SparkAdapter.default_python_submission_method.fget

        def python_submission_helpers(self):
            return {**helpers(self), SUBMISSION_METHOD: SessionPythonJobHelper}

        def default_python_submission_method(self):
            return SUBMISSION_METHOD if _is_session(self.config.credentials) else default(self)

        SparkAdapter.python_submission_helpers = property(python_submission_helpers)
        SparkAdapter.default_python_submission_method = property(default_python_submission_method)

        cursor_execute = spark_session_module.Cursor.execute

        def execute(self, sql: str, *parameters: Any) -> None:
            # the session starts here (dbt-spark's cursor then gets it with getOrCreate)
            if not _has_functions():
                spark_session(self.server_side_parameters)
            return cursor_execute(self, sql, *parameters)

        spark_session_module.Cursor.execute = execute
        _installed = True


def absolute_paths(project_dir: os.PathLike | str | None = None) -> dict[str, str]:
    """The spark target's warehouse and metastore folders, absolute (relative paths are read from
    the working directory, as the DuckDB file's), set in the environment profiles.yml reads."""
    from pathlib import Path

    paths = {}
    for env, default in (("CUSTOMER360_SPARK_WAREHOUSE", "data/spark-warehouse"),
                         ("CUSTOMER360_SPARK_METASTORE", "data/spark-metastore")):
        paths[env] = str(Path(os.environ.get(env, default)).resolve())
        os.environ[env] = paths[env]
    return paths
