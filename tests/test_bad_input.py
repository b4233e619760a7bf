"""Bad input in the landing zone: a landing built from generated data plus the mistakes real
exports carry. Each one ends as documented in the README ("Bad input"): a row quarantined with
its reason, a file quarantined or ignored with its problem and line, or a failed build whose
output names the file. No landed value of a bad row appears in the console or the logs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from customer360.contract import LANDING_TABLES
from customer360.generator import generate

#: values only the bad rows carry: none may be printed or logged
SECRETS = ["Quenthilda", "Zwartebroek", "quenthilda.zwartebroek@example.org", "+32470112233", "Geheimstraat"]
CRM = LANDING_TABLES[("crm", "customers")]


def crm_row(number: str, **values: str) -> dict[str, str]:
    row = {column: "" for column in CRM}
    row.update(customer_number=number, first_name="Anna", last_name="Janssens", birth_date="1980-04-02",
               street="Kerkstraat", house_number="3", postcode="9000", city="Gent", country="BE",
               created_at="2026-10-01 10:00:00", updated_at="2026-10-01 10:00:00")
    row.update(values)
    return row


SECRET_ROW = dict(first_name=SECRETS[0], last_name=SECRETS[1], email=SECRETS[2], phone=SECRETS[3], street=SECRETS[4])


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = columns or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def land_bad_files(landing: Path, sku: str) -> None:
    crm = landing / "crm" / "customers"
    write_csv(crm / "export.CSV", [crm_row("UPPER-1")])  # upper-case extension: read
    write_csv(crm / "no_email.csv", [crm_row("NOEMAIL-1", **SECRET_ROW)], [c for c in CRM if c != "email"])
    (crm / "empty.csv").write_bytes(b"")
    write_csv(crm / "extra_field.csv", [crm_row("EXTRA-1")])
    with open(crm / "extra_field.csv", "a", encoding="utf-8") as handle:  # line 3: one field too many
        handle.write(",".join(crm_row("EXTRA-2", **SECRET_ROW).values()) + ",surplus\r\n")
    # a bad line past DuckDB's sniffing sample (20,480 rows): DuckDB's own error would quote it
    write_csv(crm / "late_bad_line.csv", [crm_row(f"LATE-{i}") for i in range(25_000)])
    with open(crm / "late_bad_line.csv", "a", encoding="utf-8") as handle:
        handle.write(",".join(crm_row("LATE-X", **SECRET_ROW).values()) + ",surplus\r\n")
    (crm / "notes.txt").write_text("exported by the CRM team\n")
    write_csv(landing / "crm" / "unknown_table" / "x.csv", [crm_row("UNKNOWN-1")])
    write_csv(crm / "day_002_a.csv", [
        crm_row("T-1", updated_at="9999-12-31 00:00:00"),  # would win every later version
        crm_row("T-2", created_at="0001-01-01 00:00:00", **SECRET_ROW),
        crm_row("ARABIC-1", first_name="محمد", last_name="العلي"),
    ])
    write_csv(crm / "day_002_b.csv", [crm_row("T-1", city="Brugge", updated_at="2026-11-05 08:00:00")])
    write_csv(landing / "sales" / "orders" / "day_002.csv", [
        {"order_id": "BAD-O1", "channel": "webshop", "customer_key": "NOBODY", "ordered_at": "9999-01-01 00:00:00"},
        {"order_id": "BAD-O2", "channel": "webshop", "customer_key": "NOBODY", "ordered_at": "2026-10-01 10:00:00"},
    ])
    write_csv(landing / "sales" / "order_lines" / "day_002.csv", [
        {"order_id": "BAD-O2", "line_number": "1", "sku": sku, "quantity": "2", "unit_price": "-5.00"},
        {"order_id": "BAD-O2", "line_number": "2", "sku": sku, "quantity": "2", "unit_price": "5.00"},
    ])


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def logged(root: Path) -> str:
    """Everything dbt wrote: its log and run results."""
    return "".join(path.read_text(errors="replace") for folder in ("logs", "target")
                   for path in (root / folder).rglob("*") if path.is_file() and path.suffix in (".log", ".json"))


def run(root: Path, *args: str, landing: Path | None = None) -> subprocess.CompletedProcess:
    """`customer360 build` as a user runs it, in a process of its own: its console is all it prints."""
    env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing or root / "landing"),
           "CUSTOMER360_DUCKDB_PATH": str(root / "warehouse.duckdb")}
    return subprocess.run(
        [sys.executable, "-m", "customer360.cli", "build", "--target", "ci", "--log-path", str(root / "logs"),
         "--target-path", str(root / "target"), *args], env=env, capture_output=True, text=True)


def query(root: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    """Day 1 built from generated data, then the bad files landed and built incrementally."""
    root = tmp_path_factory.mktemp("bad-input")
    generate(people=300, seed=5, landing_dir=root / "landing")
    assert run(root).returncode == 0
    as_of = query(root, "select max(as_of_date) from marts.mart_customer_rfm")[0][0]
    sku = query(root, "select min(sku) from staging.stg_catalog__products")[0][0]
    land_bad_files(root / "landing", sku)
    return root, as_of


@pytest.fixture(scope="module")
def second_build(landed):
    root, _ = landed
    return run(root)


def test_bad_files_are_quarantined_or_ignored_and_the_build_goes_on(landed, second_build):
    root, _ = landed
    assert second_build.returncode == 0, second_build.stdout[-2000:]
    files = {path: (status, problem, line) for path, status, problem, line in query(
        root, "select landing_path, file_status, problem, problem_line from staging.quarantined_files")}
    assert files == {
        "crm/customers/no_email.csv": ("quarantined", "missing contract columns: email", None),
        "crm/customers/empty.csv": ("quarantined", "empty file (0 bytes)", None),
        "crm/customers/extra_field.csv": (
            "quarantined", "malformed CSV line (15 fields where the header has 14)", 3),
        "crm/customers/late_bad_line.csv": ("quarantined", "malformed CSV line (too many columns)", 25_002),
        "crm/customers/notes.txt": (
            "ignored", "unknown file type (.txt): staging reads .parquet and .csv files", None),
        "crm/unknown_table/x.csv": ("ignored", files["crm/unknown_table/x.csv"][1], None),
    }
    assert files["crm/unknown_table/x.csv"][1].startswith("not a contract table folder (crm/unknown_table/)")
    staged = {key for (key,) in query(root, "select customer_number from staging.stg_crm__customers")}
    assert "UPPER-1" in staged and not staged & {"NOEMAIL-1", "EXTRA-1", "LATE-1"}


def test_every_landed_file_is_counted(landed, second_build):
    root, _ = landed
    counts = {(source, table): rest for source, table, *rest in query(
        root, "select source, source_table, is_contract_table, accepted_files, quarantined_files, "
              "rows_in_quarantined_files, ignored_files from staging.landed_row_counts")}
    # crm: day 1, export.CSV, day_002_a/b; no_email (1 readable row), empty, extra_field, late_bad_line
    assert counts[("crm", "customers")] == [True, 4, 4, 1, 1]
    assert counts[("crm", "unknown_table")] == [False, 0, 0, 0, 1]


def test_implausible_timestamps_and_amounts_are_quarantined(landed, second_build):
    root, as_of = landed
    reasons = dict(query(root, "select record_key, quarantine_reason from staging.quarantined_rows "
                               "where record_key in ('T-1', 'T-2', 'BAD-O1', 'BAD-O2#1')"))
    assert reasons == {
        "T-1": "updated_at in the future",
        "T-2": "created_at before 1900-01-01",
        "BAD-O1": "ordered_at in the future",
        "BAD-O2#1": "negative unit_price",
    }
    # the correction of T-1 is staged, not superseded by the 9999 version
    assert query(root, "select city from staging.stg_crm__customers where customer_number = 'T-1'") == [("Brugge",)]
    # one bad order moves no as-of date
    assert query(root, "select max(as_of_date) from marts.mart_customer_rfm")[0][0] == as_of


def test_names_in_other_scripts_are_kept_and_flagged(landed, second_build):
    root, _ = landed
    assert query(root, "select first_name, last_name, name_is_unfolded from intermediate.int_customer_records_normalized "
                       "where source_record_key = 'ARABIC-1'") == [("محمد", "العلي", True)]


def test_no_landed_value_of_a_bad_row_is_printed_or_logged(landed, second_build):
    root, _ = landed
    console = second_build.stdout + second_build.stderr
    assert "quarantined_files" in console or "landed_files" in console  # the warning names where to look
    assert_no_secrets(console, logged(root))


def test_a_rewritten_landed_file_stops_the_build_naming_it(landed, second_build):
    root, _ = landed
    orders = root / "landing" / "sales" / "orders" / "day_001.parquet"
    table = pq.read_table(orders)
    pq.write_table(table.slice(1), orders)  # one order less: the warehouse would keep it
    refused = run(root)
    assert refused.returncode != 0
    assert "sales/orders/day_001.parquet changed after it was loaded" in refused.stdout + refused.stderr
    assert_no_secrets(refused.stdout, refused.stderr, logged(root))
    assert run(root, "--full-refresh").returncode == 0  # the documented way out: reload everything


def test_a_missing_landing_folder_stops_the_build(tmp_path):
    refused = run(tmp_path, landing=tmp_path / "no-such-folder")
    assert refused.returncode != 0
    assert f"landing folder {tmp_path / 'no-such-folder'} does not exist" in refused.stdout + refused.stderr
