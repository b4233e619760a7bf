"""Helpers for the dbt Python models (which stay thin: they only wire dbt to this package)."""

from __future__ import annotations

import pyarrow as pa

from customer360 import engines


def previous_table(session, this) -> pa.Table | None:
    """The model's own table as the last run left it, or None on the first run.

    On DuckDB a table materialization builds the new table under a temporary name and swaps it
    in at the end, so the previous version is readable while the model runs. dbt-spark drops a
    Parquet table before it builds the new one: there the previous version is gone, and this
    gives None (the model computes everything, as on a first run).
    """
    if not engines.table_exists(session, this):
        return None
    if engines.is_spark(session):
        return engines.read_table(session, f"{this.schema}.{this.identifier}")
    return session.sql(f'select * from "{this.database}"."{this.schema}"."{this.identifier}"').to_arrow_table()
