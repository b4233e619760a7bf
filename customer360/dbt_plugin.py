"""dbt-duckdb plugin: registers the project's scalar functions on every connection dbt opens.

SQL models (and their dbt unit tests) call `normalize_phone_e164(phone, country_code)`.
"""

from __future__ import annotations

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from customer360.phones import to_e164


def _normalize_phone_e164(phones: pa.Array, regions: pa.Array) -> pa.Array:
    return pa.array(
        [to_e164(p, r) for p, r in zip(phones.to_pylist(), regions.to_pylist())], type=pa.string()
    )


def register_functions(conn: DuckDBPyConnection) -> None:
    conn.create_function(
        "normalize_phone_e164",
        _normalize_phone_e164,
        ["VARCHAR", "VARCHAR"],
        "VARCHAR",
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
