"""dbt-duckdb plugin: registers the project's scalar functions on every connection dbt opens.

SQL models (and their dbt unit tests) call `normalize_phone(phone, country_code)`, a struct of
`e164` and `is_mobile` (one libphonenumber parse gives both), and `privacy_hash(identifier)`, the
salted hash of customer360.privacy.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from customer360.phones import parse_phone
from customer360.privacy import privacy_hash
from customer360.resources import WAREHOUSE_SHARE, duckdb_memory_limit

_PHONE = pa.struct([("e164", pa.string()), ("is_mobile", pa.bool_())])


def _normalize_phone(phones: pa.Array, regions: pa.Array) -> pa.Array:
    parsed = [parse_phone(p, r) for p, r in zip(phones.to_pylist(), regions.to_pylist())]
    return pa.array([{"e164": e164, "is_mobile": is_mobile} for e164, is_mobile in parsed], type=_PHONE)


def _privacy_hash(values: pa.Array) -> pa.Array:
    return pa.array(privacy_hash(values.to_pylist()), type=pa.string())


def register_functions(conn: DuckDBPyConnection) -> None:
    # the salted hash of privacy requests: the salt stays in this process, out of SQL and logs
    conn.create_function(
        "privacy_hash", _privacy_hash, ["VARCHAR"], "VARCHAR", type="arrow", null_handling="special",
        side_effects=False,
    )
    conn.create_function(
        "normalize_phone",
        _normalize_phone,
        ["VARCHAR", "VARCHAR"],
        duckdb.struct_type({"e164": "VARCHAR", "is_mobile": "BOOLEAN"}),
        type="arrow",
        null_handling="special",
        side_effects=False,
    )


class Plugin(BasePlugin):
    def initialize(self, plugin_config) -> None:
        # dbt runs Python models on parallel threads; importing the modules they share here, once,
        # keeps two threads from importing one package at the same time
        import customer360.clustering  # noqa: F401
        import customer360.dbt_helpers  # noqa: F401
        import customer360.linkage.incremental  # noqa: F401

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_functions(conn)
        # the warehouse's share of the build's memory (customer360.resources); it spills beside
        # the warehouse file (DuckDB's default) beyond it
        conn.execute(f"set memory_limit = '{duckdb_memory_limit(WAREHOUSE_SHARE)}'")
        # a table's rows need no order (every reader orders what it needs): keeping the insertion
        # order holds large results in memory, and at 3M records two marts built at once ran out
        conn.execute("set preserve_insertion_order = false")
