"""One dbt Python model, two engines: what a model reads and returns, on DuckDB or Spark.

On dbt-duckdb, ``dbt.ref(...)`` is a DuckDB relation, ``session`` a DuckDB connection, and a
model returns a pyarrow Table (or pandas). On dbt-spark (customer360.spark_session),
``dbt.ref(...)`` is a Spark DataFrame, ``session`` the SparkSession, and a model returns a Spark
DataFrame, which dbt-spark's ``py_write_table`` saves as the model's table. The models call these
functions and stay the same on both; the logic they wire to works on Arrow and pandas.

The engine is told by the object's type's module, so pyspark is never imported on DuckDB.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def is_spark(obj: Any) -> bool:
    """Whether ``obj`` (a relation, DataFrame or session) is Spark's."""
    return type(obj).__module__.startswith("pyspark.")


def _columns(columns: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        return [c.strip() for c in columns.split(",") if c.strip()]
    return list(columns)


def _naive_utc(table: pa.Table) -> pa.Table:
    """Spark's timestamps (UTC instants) as the DuckDB build's: naive, in UTC."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            # a cast to a timestamp without time zone keeps the UTC value
            table = table.set_column(i, field.name, table.column(i).cast(pa.timestamp("us")))
    return table


def _spark_arrow(frame: Any) -> pa.Table:
    return _naive_utc(frame.toArrow())


def to_arrow(relation: Any, columns: str | list[str] | None = None) -> pa.Table:
    """The relation's rows (only ``columns``, given as a list or a comma-separated string) as a
    pyarrow Table (timestamps naive, in UTC, on both engines)."""
    columns = _columns(columns)
    if is_spark(relation):
        return _spark_arrow(relation.select(*columns) if columns else relation)
    if columns:
        relation = relation.project(", ".join(columns))
    return relation.to_arrow_table()


def to_pandas(relation: Any, columns: str | list[str] | None = None):
    """The relation's rows as a pandas DataFrame (DuckDB's ``.df()``, Spark's ``.toPandas()``)."""
    columns = _columns(columns)
    if is_spark(relation):
        return (relation.select(*columns) if columns else relation).toPandas()
    if columns:
        relation = relation.project(", ".join(columns))
    return relation.df()


def aggregate(relation: Any, expressions: str) -> Any:
    """``select <expressions> ... group by`` every expression that is no aggregate (DuckDB's
    ``relation.aggregate``; Spark: ``group by all``)."""
    if is_spark(relation):
        import uuid

        view = f"c360_aggregate_{uuid.uuid4().hex}"
        relation.createOrReplaceTempView(view)
        out = relation.sparkSession.sql(f"select {expressions} from {view} group by all")
        return out
    return relation.aggregate(expressions)


def read_table(session: Any, name: Any) -> pa.Table:
    """Every row of the table ``name`` (a relation name, or ``dbt.this``) as a pyarrow Table."""
    if is_spark(session):
        return _spark_arrow(session.table(str(name)))
    return session.sql(f"select * from {name}").to_arrow_table()


def table_exists(session: Any, this: Any) -> bool:
    """Whether the relation ``this`` (``dbt.this``) exists now."""
    if is_spark(session):
        return bool(session.catalog.tableExists(f"{this.schema}.{this.identifier}"))
    return bool(session.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = ? and table_schema = ? and table_name = ?",
        [this.database, this.schema, this.identifier],
    ).fetchall()[0][0])


def _signed(table: pa.Table) -> pa.Table:
    """Spark has no unsigned integers: the next wider signed type, decimal(20, 0) for uint64
    (a DuckDB hash), which holds every value."""
    wider = {pa.uint8(): pa.int16(), pa.uint16(): pa.int32(), pa.uint32(): pa.int64(), pa.uint64(): pa.decimal128(20, 0)}
    for i, field in enumerate(table.schema):
        if field.type in wider:
            table = table.set_column(i, field.name, table.column(i).cast(wider[field.type]))
    return table


def from_arrow(session: Any, table: Any) -> Any:
    """What the engine's writer takes for a model's result (a pyarrow Table or pandas
    DataFrame): the table itself on DuckDB, a Spark DataFrame on Spark (unsigned integers
    widened: Spark has none)."""
    if not is_spark(session):
        return table
    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    table = _signed(table)
    if table.num_rows == 0:
        # an empty Arrow table keeps its schema through Spark's Arrow conversion
        from pyspark.sql.pandas.types import from_arrow_schema

        return session.createDataFrame([], from_arrow_schema(table.schema))
    return session.createDataFrame(table)
