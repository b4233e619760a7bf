"""customer360.landing on its own: the verdict per file, and what a later run does with a file it
has seen (touched, rewritten, deleted, fixed)."""

from __future__ import annotations

import gzip
import os
from dataclasses import asdict

import pytest

from customer360.landing import LandingError, inspect_landing

HEADER = "order_id,channel,customer_key,ordered_at\n"
ROW = "O1,webshop,A1,2026-11-01 10:00:00\n"


def verdicts(files):
    return {f.landing_path: (f.file_status, f.problem, f.problem_line, f.row_count) for f in files}


def again(landing, files):
    return inspect_landing(landing, {f.landing_path: asdict(f) for f in files})


def test_verdicts(tmp_path):
    orders = tmp_path / "sales" / "orders"
    orders.mkdir(parents=True)
    (orders / "a.csv").write_text(HEADER + ROW)
    with gzip.open(orders / "b.CSV.GZ", "wt") as handle:
        handle.write(HEADER + ROW + ROW.replace("O1", "O2"))
    (orders / "c.csv").write_text("order_id;channel;customer_key;ordered_at;note\n" + ROW.replace(",", ";")[:-1] + ";x\n")
    (orders / "d.csv").write_text(HEADER + ROW + "O3,pos,C1\n" + ROW)  # line 3: a field short
    (orders / "e.parquet").write_bytes(b"not parquet at all")
    assert verdicts(inspect_landing(tmp_path)) == {
        "sales/orders/a.csv": ("accepted", None, None, 1),
        "sales/orders/b.CSV.GZ": ("accepted", None, None, 2),
        "sales/orders/c.csv": ("accepted", None, None, 1),
        "sales/orders/d.csv": ("quarantined", "malformed CSV line (3 fields where the header has 4)", 3, None),
        "sales/orders/e.parquet": ("quarantined", verdicts(inspect_landing(tmp_path))["sales/orders/e.parquet"][1],
                                   None, None),
    }
    assert verdicts(inspect_landing(tmp_path))["sales/orders/e.parquet"][1].startswith("unreadable Parquet file")
    assert inspect_landing(tmp_path)[2].extra_columns == "note"


def test_a_touched_file_is_not_a_change_a_rewritten_one_is(tmp_path):
    orders = tmp_path / "sales" / "orders"
    orders.mkdir(parents=True)
    (orders / "a.csv").write_text(HEADER + ROW)
    first = inspect_landing(tmp_path)
    os.utime(orders / "a.csv", (1_700_000_000, 1_700_000_000))  # copied, restored: same bytes
    assert verdicts(again(tmp_path, first)) == verdicts(first)
    (orders / "a.csv").write_text(HEADER + ROW.replace("A1", "A2"))
    with pytest.raises(LandingError, match="sales/orders/a.csv changed after it was loaded"):
        again(tmp_path, first)


def test_a_fixed_quarantined_file_is_inspected_again_and_a_deleted_one_is_listed(tmp_path):
    orders = tmp_path / "sales" / "orders"
    orders.mkdir(parents=True)
    (orders / "a.csv").write_text(HEADER + ROW)
    (orders / "b.csv").write_text("order_id,channel\nO2,pos\n")
    first = inspect_landing(tmp_path)
    assert verdicts(first)["sales/orders/b.csv"][:2] == (
        "quarantined", "missing contract columns: customer_key, ordered_at")
    (orders / "b.csv").write_text(HEADER + ROW.replace("O1", "O2"))
    (orders / "a.csv").unlink()
    second = verdicts(again(tmp_path, first))
    assert second["sales/orders/b.csv"][0] == "accepted"
    assert second["sales/orders/a.csv"][:2] == (
        "deleted", "loaded on an earlier run, no longer in the landing folder: its rows stay staged")


def test_a_missing_landing_folder_is_an_error(tmp_path):
    with pytest.raises(LandingError, match="does not exist"):
        inspect_landing(tmp_path / "nowhere")
