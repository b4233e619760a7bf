"""Incremental staging on a hand-written landing zone: each run reads only the new files, and the
base tables end exactly as reading every file at once (a --full-refresh) leaves them, also when
an order line lands a day before its order."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import dbt, sorted_rows

MODELS = ("base_sales__orders", "base_sales__order_lines")

DAYS = {
    1: {
        "orders": [
            "order_id,channel,customer_key,ordered_at",
            "O1,webshop,A1,2026-11-01 10:00:00",
            "O4,pos,C9,not a time",  # quarantined: unparseable ordered_at
        ],
        "order_lines": [
            "order_id,line_number,sku,quantity,unit_price",
            "O1,1,SKU-1,1,9.99",
            "O1,2,SKU-2,2,4.50",
            "O1,2,SKU-2,2,4.50",  # the same key twice in one file: the copy is quarantined
            "O2,1,SKU-3,1,20.00",  # its order lands tomorrow
        ],
    },
    2: {
        "orders": [
            "order_id,channel,customer_key,ordered_at",
            "O1,pos,C1,2026-11-01 10:00:00",  # a newer version of O1
            "O2,webshop,A2,2026-11-02 09:30:00",
        ],
        "order_lines": [
            "order_id,line_number,sku,quantity,unit_price",
            "O1,1,SKU-1,3,9.99",  # a newer version of O1 line 1
            "O3,1,SKU-4,1,5.00",  # no such order
        ],
    },
}


def land(landing: Path, day: int) -> None:
    for table, lines in DAYS[day].items():
        folder = landing / "sales" / table
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"day_{day:03d}.csv").write_text("\n".join(lines) + "\n")


def base_rows(database: Path) -> dict[str, list]:
    return sorted_rows(database, {model: f"select * exclude (_loaded_at) from staging.{model}" for model in MODELS})


def status(database: Path, model: str) -> dict[str, list]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return dict(connection.execute(f"""
            select _landed_key, list(row_status order by _landed_file, row_status)
            from staging.{model} group by all""").fetchall())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    root = tmp_path_factory.mktemp("staging")
    landing, database = root / "landing", root / "warehouse.duckdb"
    runs = {}
    for day in DAYS:
        land(landing, day)
        assert dbt(landing, database, "run", "--select", "landed_files", *MODELS)
        runs[day] = {model: status(database, model) for model in MODELS}
    assert dbt(landing, database, "run", "--select", "landed_files", *MODELS)  # nothing new: changes nothing
    rerun = base_rows(database)
    refreshed = root / "refreshed.duckdb"
    shutil.copy(database, refreshed)
    assert dbt(landing, refreshed, "run", "--full-refresh", "--select", "landed_files", *MODELS)
    return {"runs": runs, "daily": base_rows(database), "rerun": rerun, "refreshed": base_rows(refreshed)}


def test_daily_runs_equal_reading_every_file_at_once(staged):
    assert staged["daily"] == staged["refreshed"]
    assert staged["rerun"] == staged["daily"]


def test_newer_versions_supersede_and_a_line_is_staged_once_its_order_lands(staged):
    day_1, day_2 = staged["runs"][1], staged["runs"][2]
    key = "\x1f".join
    assert day_1["base_sales__order_lines"][key(["O2", "1"])] == ["quarantined"]
    assert day_2["base_sales__order_lines"][key(["O2", "1"])] == ["staged"]
    assert day_2["base_sales__order_lines"][key(["O1", "1"])] == ["superseded", "staged"]
    assert day_2["base_sales__order_lines"][key(["O1", "2"])] == ["quarantined", "staged"]
    assert day_2["base_sales__order_lines"][key(["O3", "1"])] == ["quarantined"]
    assert day_2["base_sales__orders"]["O1"] == ["superseded", "staged"]
    assert day_2["base_sales__orders"]["O4"] == ["quarantined"]
