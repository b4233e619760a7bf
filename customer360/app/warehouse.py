"""The app's visits to the warehouse: short, read-only, and never in a build's way.

DuckDB lets readers into a file only while nobody writes it. Each page read takes the warehouse
lock shared *without waiting* (``warehouse_lock``), opens the file read-only, runs its queries and
closes it again, so a build that starts waits at most one page read (well under a second). While a
build holds the lock the app does not wait either: it answers with what it read last for that page,
marked stale, or says that a build is running. It never holds the file between requests.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from customer360.warehouse_lock import WarehouseBusy, warehouse_lock

#: DuckDB's share of the app's memory budget (1 GB in all)
MEMORY_LIMIT = "512MB"
CACHE_ENTRIES = 256


class BuildRunning(RuntimeError):
    """A build holds the warehouse and the app has read nothing yet for this page."""


class NoWarehouse(FileNotFoundError):
    """No warehouse file yet."""


@dataclass(frozen=True)
class Reading:
    value: Any
    read_at: dt.datetime
    stale: bool = False  # True: read before the build that is running now


class Warehouse:
    def __init__(self, database: Path, memory_limit: str = MEMORY_LIMIT) -> None:
        self.database = Path(database).resolve()
        self.memory_limit = memory_limit
        self._cache: OrderedDict[tuple, Reading] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.build_running = False

    def read(self, key: tuple, query: Callable[[duckdb.DuckDBPyConnection], Any]) -> Reading:
        """``query`` run over a fresh read-only connection; while a build runs, the last reading
        under ``key`` (stale) or BuildRunning."""
        if not self.database.exists():
            raise NoWarehouse(f"no warehouse at {self.database}: build it first (customer360 demo)")
        try:
            with warehouse_lock(self.database, shared=True, wait=False):
                value = self._query(query)
        except WarehouseBusy as error:
            return self._last(key, error)
        except duckdb.IOException as error:
            # another program (a DuckDB shell) holds the file for writing without our lock
            if "lock" not in str(error).lower():
                raise
            return self._last(key, error)
        self.build_running = False
        reading = Reading(value, dt.datetime.now())
        with self._cache_lock:
            self._cache[key] = reading
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return reading

    def _query(self, query: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        connection = duckdb.connect(
            str(self.database), read_only=True, config={"memory_limit": self.memory_limit, "threads": 2}
        )
        try:
            return query(connection)
        finally:
            connection.close()

    def _last(self, key: tuple, error: Exception) -> Reading:
        self.build_running = True
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is None:
            raise BuildRunning("a build is writing the warehouse; this page shows once it is done") from error
        return replace(cached, stale=True)
