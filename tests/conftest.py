"""Shared test helpers: dbt builds against a landing folder and a DuckDB file of the test's own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from customer360.cli import run_dbt


@contextmanager
def landing_env(landing: Path, database: Path) -> Iterator[None]:
    """Points the project (dbt, Dagster, CLI) at ``landing`` and ``database`` for the block."""
    previous = {k: os.environ.get(k) for k in ("CUSTOMER360_LANDING_DIR", "CUSTOMER360_DUCKDB_PATH")}
    os.environ["CUSTOMER360_LANDING_DIR"] = str(landing)
    os.environ["CUSTOMER360_DUCKDB_PATH"] = str(database)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def dbt(landing: Path, database: Path, *args: str) -> bool:
    """Runs one dbt command (default: build, target ci) on ``landing`` into ``database``."""
    with landing_env(landing, database):
        return run_dbt(list(args or ("build",)) + ["--target", "ci"])


def build(landing: Path, database: Path) -> None:
    assert dbt(landing, database), "dbt build failed"


def sorted_rows(database: Path, queries: dict[str, str]) -> dict[str, list]:
    """Each query's rows as sorted reprs, read from ``database`` over one read-only connection:
    tables of two warehouses compare exactly, whatever their row order."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {name: sorted(map(repr, connection.execute(sql).fetchall())) for name, sql in queries.items()}
    finally:
        connection.close()
