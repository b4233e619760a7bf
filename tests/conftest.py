"""Shared test helpers: dbt builds against a landing folder and a DuckDB file of the test's own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
