"""How much of this machine a build may use.

A build runs two DuckDB databases in one process: the warehouse (dbt's connection) and the
in-memory one Splink scores pairs in. DuckDB's default lets each take 80% of the memory, so
together with Python's own tables they can ask for more than the machine has (at 3M records soft
matching reached 22.7 GB of 24 and was killed). Each now gets a share of one budget, and spills
to disk beyond it.

- ``CUSTOMER360_MEMORY_LIMIT_MB``: the build's budget (default: 75% of the machine's memory,
  or of the container's limit when that is lower);
- ``CUSTOMER360_TEMP_DIR``: where DuckDB spills (default: the system's temporary folder).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

MEMORY_ENV = "CUSTOMER360_MEMORY_LIMIT_MB"
TEMP_ENV = "CUSTOMER360_TEMP_DIR"
#: shares of the budget: the rest is for Python (Arrow tables handed over, pandas, scikit-learn)
WAREHOUSE_SHARE = 0.35
SPLINK_SHARE = 0.35


def machine_memory_mb() -> int:
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:  # a container's limit (cgroup v2)
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            physical = min(physical, int(limit))
    except OSError:
        pass
    return physical // 2**20


def memory_budget_mb() -> int:
    configured = os.environ.get(MEMORY_ENV, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 256:
            raise ValueError(f"{MEMORY_ENV} is megabytes, at least 256: {configured!r}")
        return int(configured)
    return int(machine_memory_mb() * 0.75)


def duckdb_memory_limit(share: float) -> str:
    return f"{max(128, int(memory_budget_mb() * share))}MB"


def spill_directory(name: str) -> str:
    base = Path(os.environ.get(TEMP_ENV, "").strip() or tempfile.gettempdir())
    folder = base / f"customer360-{name}-{os.getpid()}"
    return str(folder)


def spilling_memory_database(share: float, name: str):
    """An in-memory DuckDB within ``share`` of the budget that spills to ``spill_directory(name)``
    (not to the working directory, DuckDB's default for in-memory databases)."""
    import duckdb

    return duckdb.connect(":memory:", config={
        "memory_limit": duckdb_memory_limit(share), "temp_directory": spill_directory(name),
    })
