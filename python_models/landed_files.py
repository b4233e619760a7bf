"""Every file below the landing folder with its verdict (accepted, quarantined, ignored, deleted),
size, content hash and problem: the staging models read only the accepted files, so a file that
cannot be read as the contract says is named here instead of failing a build or staging NULLs.
Incremental: a file already inspected is read again only when its size or modification time
changed. Logic and verdicts: customer360.landing.
"""

import pyarrow as pa

from customer360.engines import from_arrow, read_table
from customer360.landing import LandingError, as_columns, inspect_landing

SCHEMA = pa.schema([
    ("landing_path", pa.string()), ("landed_file", pa.string()), ("source", pa.string()),
    ("source_table", pa.string()), ("file_format", pa.string()), ("size_bytes", pa.int64()),
    ("modified_at", pa.timestamp("us")), ("content_hash", pa.string()), ("file_status", pa.string()),
    ("problem", pa.string()), ("problem_line", pa.int64()), ("row_count", pa.int64()),
    ("extra_columns", pa.string()), ("first_seen_at", pa.timestamp("us")),
])


def model(dbt, session):
    # incremental_strategy: delete+insert on DuckDB, insert_overwrite on Spark (_python__models.yml)
    dbt.config(materialized="incremental", unique_key="landing_path", schema="staging")
    landing_dir = dbt.config.meta_get("landing_dir")
    earlier = {}
    if dbt.is_incremental:
        table = read_table(session, dbt.this)
        earlier = {row["landing_path"]: row for row in table.to_pylist()}
    try:
        files = inspect_landing(landing_dir, earlier)
    except LandingError as error:
        # raised afresh: dbt prints this frame only, not the inspection's internals
        raise LandingError(str(error)) from None
    return from_arrow(session, pa.table(as_columns(files), schema=SCHEMA))
