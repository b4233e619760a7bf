"""Shared helpers: Arrow conversion and a private in-memory DuckDB + Splink setup."""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import pyarrow as pa

from customer360.linkage.settings import INPUT_COLUMNS, UNIQUE_ID, prepare_sql
from customer360.resources import SPLINK_SHARE, spilling_memory_database

SPLINK_LOG_LEVEL = logging.WARNING


def to_arrow(records: Any) -> pa.Table:
    """A pyarrow Table from a Table, RecordBatchReader, DuckDB relation or anything with .arrow()."""
    if isinstance(records, pa.Table):
        return records
    if isinstance(records, pa.RecordBatchReader):
        return records.read_all()
    if isinstance(records, duckdb.DuckDBPyRelation):
        return records.to_arrow_table()
    for attr in ("to_arrow_table", "arrow", "to_arrow"):
        fn = getattr(records, attr, None)
        if fn is not None:
            out = fn()
            return out.read_all() if isinstance(out, pa.RecordBatchReader) else out
    raise TypeError(f"cannot read records of type {type(records).__name__} as an Arrow table")


def _select_input(records: pa.Table) -> pa.Table:
    missing = [c for c in INPUT_COLUMNS if c not in records.column_names]
    if missing:
        raise ValueError(f"records lack column(s) {missing}")
    return records.select(INPUT_COLUMNS)


def new_connection(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for Splink, within its share of the build's memory and spilling to
    the temporary folder (not the working directory, DuckDB's default for in-memory databases)."""
    con = spilling_memory_database(SPLINK_SHARE, "splink")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    return con


def model_placeholders(model: dict[str, Any]) -> dict[str, list[str]]:
    """The placeholder values (shared by many people) a model treats as unknown."""
    return (model.get("customer360_training") or {}).get("placeholders") or {}


def model_household_guards(model: dict[str, Any]) -> bool:
    """Whether the data the model was trained on holds households, so that Splink pairs need
    compatible first names and people keep their birth years together (on unless training found
    no households; customer360.linkage.model.household_guards)."""
    return bool(((model.get("customer360_training") or {}).get("household_guards") or {}).get("on", True))


def load_prepared(con: duckdb.DuckDBPyConnection, records: Any, name: str,
                  placeholders: dict[str, list[str]] | None = None, limit: int | None = None) -> str:
    """Create table ``name`` in ``con`` with the prepared model input (``placeholders`` read as
    unknown); return the name. With ``limit``, at most that many records: a sample of those with
    the smallest id hashes, the same sample whatever the row order."""
    table = _select_input(to_arrow(records))
    raw = f"{name}__raw"
    con.register(raw, table)
    source = raw
    if limit is not None and table.num_rows > limit:
        source = f"(select * from {raw} order by md5({UNIQUE_ID}) limit {int(limit)})"
    con.execute(f"create or replace table {name} as {prepare_sql(source, placeholders)}").fetchall()
    con.unregister(raw)
    return name


def term_frequency_tables(con: duckdb.DuckDBPyConnection, model: dict[str, Any],
                          tables: list[str]) -> dict[str, str]:
    """Term-frequency lookups for every value in ``tables``, from the model's training counts
    (see customer360.linkage.model.term_frequency_counts): {column: table name}. A value the
    training data saw rarely or never gets the average frequency of the rare values."""
    trained = (model.get("customer360_training") or {}).get("term_frequencies")
    if not trained:
        raise ValueError("the Splink model has no term frequencies (an older model file): "
                         "retrain it with `customer360 train`")
    names = {}
    for col, counts in trained["columns"].items():
        known = f"c360_tf_known_{col}"
        con.register(known, pa.table({
            "value": pa.array(list(counts["value_counts"]), pa.string()),
            "n": pa.array(list(counts["value_counts"].values()), pa.int64()),
        }))
        values = " union all ".join(f"select {col} from {t} where {col} is not null" for t in tables)
        names[col] = f"c360_tf_{col}_{'_'.join(tables)}"
        con.execute(f"""
            create or replace table {names[col]} as
            select
                scored.{col},
                cast(coalesce(known.n, {float(counts['rare_value_count'])!r}) as double)
                    / {max(int(counts['record_count']), 1)} as tf_{col}
            from (select distinct {col} from ({values})) as scored
            left join {known} as known on scored.{col} = known.value
        """).fetchall()
        con.unregister(known)
    return names


def register_tf_tables(linker, db_api, term_frequencies: dict[str, str]) -> None:
    """Registers the tables of :func:`term_frequency_tables` as the linker's term-frequency lookups."""
    for col, name in term_frequencies.items():
        linker.table_management.register_term_frequency_lookup(db_api.register(name), col)
