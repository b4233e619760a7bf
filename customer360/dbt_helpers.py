"""Helpers for the dbt Python models (which stay thin: they only wire dbt to this package)."""

from __future__ import annotations

import pyarrow as pa


def previous_table(session, this) -> pa.Table | None:
    """The model's own table as the last run left it, or None on the first run.

    A table materialization builds the new table under a temporary name and swaps it in at the
    end, so the previous version is readable while the model runs.
    """
    found = session.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = ? and table_schema = ? and table_name = ?",
        [this.database, this.schema, this.identifier],
    ).fetchall()[0][0]
    if not found:
        return None
    return session.sql(f'select * from "{this.database}"."{this.schema}"."{this.identifier}"').to_arrow_table()
