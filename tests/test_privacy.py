"""Privacy requests end to end on generated data: erasure by each identifier type (gone from every
table and from the file's bytes, and kept out when the same records or a new one with the same
e-mail land again, a --full-refresh included), suppress then unsuppress, an access export, bad
requests quarantined, and the audit log; no erased value in the console or dbt's logs."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from customer360.generator import generate

SALT = "test-salt-of-this-suite"
REQUEST_COLUMNS = ["request_id", "request_type", "identifier_type", "source", "identifier_value", "requested_at"]


def cli(root: Path, *args: str, database: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(root / "landing"),
           "CUSTOMER360_DUCKDB_PATH": str(database or root / "warehouse.duckdb"), "CUSTOMER360_PRIVACY_SALT": SALT}
    dbt_paths = ["--target", "ci", "--log-path", str(root / "logs"), "--target-path", str(root / "target")]
    command = [sys.executable, "-m", "customer360.cli", *args, *(dbt_paths if args[0] == "build" else [])]
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


def query(database: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def land_requests(root: Path, day: int, rows: list[tuple]) -> None:
    folder = root / "landing" / "privacy" / "requests"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"day_{day:03d}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REQUEST_COLUMNS)
        writer.writerows(rows)


def occurrences(database: Path, values: list[str]) -> dict[str, int]:
    """Rows of any table holding a value, and the value's occurrences in the file's raw bytes."""
    connection = duckdb.connect(str(database), read_only=True)
    found = {}
    try:
        tables = connection.execute("select table_schema, table_name from information_schema.tables "
                                    "where table_type = 'BASE TABLE'").fetchall()
        for schema, table in tables:
            columns = [c for (c,) in connection.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                [schema, table]).fetchall()]
            text = " || '|' || ".join(f'coalesce(cast("{c}" as varchar), \'\')' for c in columns)
            for value in values:
                n = connection.execute(f"select count(*) from {schema}.{table} where lower({text}) like ?",
                                       [f"%{value.lower()}%"]).fetchall()[0][0]
                if n:
                    found[f"{schema}.{table}: {value}"] = n
    finally:
        connection.close()
    raw = database.read_bytes()
    found.update({f"file bytes: {v}": raw.count(v.encode()) for v in values if raw.count(v.encode())})
    return found


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    generate(people=400, seed=21, landing_dir=root / "landing")
    cli(root, "build")
    database = root / "warehouse.duckdb"
    people = query(database, """
        with per_person as (
            select
                master_customer_id,
                list(customer_record_id order by customer_record_id) as record_ids,
                max(email) as email, max(phone_e164) as phone, max(last_name) as last_name,
                bool_or(source = 'crm') as has_crm
            from intermediate.int_customer_records_aligned
            group by master_customer_id
            having count(distinct email) = 1 and count(distinct phone_e164) >= 1 and count(*) >= 2
        )
        select * from per_person
        where has_crm
            -- the person's e-mail, phone and surname are theirs alone: nothing else may keep them
            and email not in (select email from intermediate.int_customer_records_aligned as other
                              where other.master_customer_id <> per_person.master_customer_id and email is not null)
            and length(last_name) >= 6 and not exists (
                select 1 from intermediate.int_customer_records_aligned as other
                where other.master_customer_id <> per_person.master_customer_id and contains(
                    concat_ws('|', other.first_name, other.last_name, other.email, other.street, other.city),
                    per_person.last_name))
            and phone not in (select phone_e164 from intermediate.int_customer_records_aligned as other
                              where other.master_customer_id <> per_person.master_customer_id and phone_e164 is not null)
        order by master_customer_id limit 3""")
    assert len(people) == 3
    # two people in the e-mail audience whose address is theirs alone (one is found by it)
    audience = query(database, "select master_customer_id from marts.mart_marketing_audience as audience "
                               "where channel = 'email' and master_customer_id not in ("
                               + ", ".join(f"'{p[0]}'" for p in people) + ") and not exists ("
                               "select 1 from intermediate.int_customer_records_aligned as other "
                               "where other.email = audience.contact_address "
                               "and other.master_customer_id <> audience.master_customer_id) "
                               "order by 1 limit 2")
    suppressed, accessed = audience[0][0], audience[1][0]
    by_email, by_record, by_phone = people
    crm_key = next(r for r in by_record[1] if r.startswith("crm:")).split(":", 1)[1]
    def a_record_of(person: str) -> list[str]:
        record = query(database, f"select customer_record_id from marts.customer_xref "
                                 f"where master_customer_id = '{person}' order by 1 limit 1")[0][0]
        return record.split(":", 1)

    accessed_email = query(database, "select contact_address from marts.mart_marketing_audience "
                                     f"where channel = 'email' and master_customer_id = '{accessed}'")[0][0]
    land_requests(root, 2, [
        ("E-1", "erase", "email", "", f"  {by_email[2].upper()} ", "2026-11-20 09:00:00"),
        ("E-2", "erase", "source_record", "crm", crm_key, "2026-11-20 09:00:00"),
        ("E-3", "erase", "phone", "", by_phone[3], "2026-11-20 09:00:00"),
        ("S-1", "suppress", "source_record", *a_record_of(suppressed), "2026-11-20 09:00:00"),
        ("A-1", "access", "source_record", *a_record_of(accessed), "2026-11-20 09:00:00"),
        ("A-2", "access", "email", "", accessed_email, "2026-11-20 09:00:00"),
        ("Q-1", "forget", "email", "", "someone@example.org", "2026-11-20 09:00:00"),
        ("Q-2", "erase", "email", "", "not an address", "2026-11-20 09:00:00"),
        ("N-1", "erase", "email", "", "nobody-here@example.org", "2026-11-20 09:00:00"),
        # no source for its record, and two months old: past GDPR's month, the build warns
        ("Q-3", "erase", "source_record", "", "123", "2026-10-01 09:00:00"),
    ])
    before_ids = dict(query(database, "select customer_record_id, master_customer_id from marts.customer_xref"))
    erased_values = [by_email[2], by_phone[3].lstrip("+"), by_email[4], by_record[4], by_phone[4]]
    erased_values += [r.split(":", 1)[1] for person in people for r in person[1]]
    day_2 = cli(root, "build")
    return {
        "root": root, "database": database, "people": people, "suppressed": suppressed, "accessed": accessed,
        "erased_values": erased_values, "before_ids": before_ids, "day_2": day_2, "crm_key": crm_key,
        "suppress_request": ("S-1", "suppress", "source_record", *a_record_of(suppressed)),
    }


def test_requests_are_logged_with_their_status(scenario):
    log = {r[0]: r[1:] for r in query(scenario["database"], "select request_id, status, quarantine_reason, "
                                                            "people_matched from privacy.privacy_request_log")}
    assert {k: v[0] for k, v in log.items()} == {
        "E-1": "done", "E-2": "done", "E-3": "done", "S-1": "done", "A-1": "done", "A-2": "done",
        "Q-1": "quarantined", "Q-2": "quarantined", "Q-3": "quarantined", "N-1": "no match"}
    assert log["Q-1"][1] == "unknown request_type" and log["Q-2"][1] == "invalid email"
    assert log["Q-3"][1] == "unknown source for a source_record"
    # the only request past the deadline is the quarantined one from October
    assert "Warning in test privacy_requests_are_answered_in_time" in scenario["day_2"].stdout
    removed = json.loads(query(scenario["database"], "select rows_removed from privacy.privacy_request_log "
                                                     "where request_id = 'E-1'")[0][0])
    assert removed["marts.dim_customer"] == 1 and removed["marts.customer_xref"] >= 2
    compacted = query(scenario["database"], "select count(*) from privacy.privacy_request_log "
                                            "where request_type = 'erase' and status = 'done' and file_compacted_at is not null")
    assert compacted == [(3,)]


def test_erased_people_are_in_no_table_and_not_in_the_file(scenario):
    assert occurrences(scenario["database"], scenario["erased_values"]) == {}
    erased = [p[0] for p in scenario["people"]]
    history = query(scenario["database"], "select old_master_customer_id, event, new_master_customer_id, example_record_id "
                                          "from marts.customer_id_history where event = 'erased' order by 1")
    assert history == [(person, "erased", None, None) for person in sorted(erased)]


def test_nothing_erased_is_printed_or_logged(scenario):
    root = scenario["root"]
    logged = "".join(p.read_text(errors="replace") for folder in ("logs", "target")
                     for p in (root / folder).rglob("*") if p.is_file() and p.suffix in (".log", ".json"))
    console = scenario["day_2"].stdout + scenario["day_2"].stderr
    assert "warehouse file rewritten" in console
    for value in scenario["erased_values"]:
        assert value.lower() not in console.lower() and value.lower() not in logged.lower()


def test_suppressed_person_leaves_the_audience(scenario):
    audience = {r[0] for r in query(scenario["database"], "select master_customer_id from marts.mart_marketing_audience")}
    assert scenario["suppressed"] not in audience and scenario["accessed"] in audience


def test_access_export_holds_the_person(scenario):
    output = scenario["root"] / "export.json"
    printed = cli(scenario["root"], "privacy", "export", "A-1", "--output", str(output))
    document = json.loads(output.read_text())
    assert document["master_customer_ids"] == [scenario["accessed"]]
    assert [r["master_customer_id"] for r in document["golden_record"]] == [scenario["accessed"]]
    assert document["source_records"] and {"orders", "consent_history", "id_history", "rfm"} <= set(document)
    email = document["golden_record"][0]["email"]
    assert email is None or email not in printed.stdout  # the console names the file, not the person
    by_email = scenario["root"] / "export_by_email.json"
    cli(scenario["root"], "privacy", "export", "A-2", "--output", str(by_email))
    assert json.loads(by_email.read_text())["master_customer_ids"] == [scenario["accessed"]]


def test_relanded_records_and_a_new_record_with_the_same_email_stay_out(scenario):
    root, database = scenario["root"], scenario["database"]
    crm = pq.read_table(root / "landing" / "crm" / "customers" / "day_001.parquet")
    again = crm.filter(pa.compute.is_in(crm["customer_number"], pa.array([scenario["crm_key"]])))
    assert again.num_rows == 1
    email = scenario["people"][0][2]
    newcomer = crm.slice(0, 1).to_pylist()[0] | {"customer_number": "NEW-1", "email": email}
    pq.write_table(pa.concat_tables([again, pa.Table.from_pylist([newcomer], schema=crm.schema)]),
                   root / "landing" / "crm" / "customers" / "day_003.parquet")
    land_requests(root, 3, [("U-1", "unsuppress", *scenario["suppress_request"][2:5], "2026-11-22 09:00:00")])
    cli(root, "build")
    assert occurrences(database, scenario["erased_values"]) == {}
    assert query(database, "select erased_rows from staging.landed_row_counts where source = 'crm'")[0][0] >= 3
    audience = {r[0] for r in query(database, "select master_customer_id from marts.mart_marketing_audience")}
    assert scenario["suppressed"] in audience  # unsuppressed

    # a full refresh reads every file again: the erasure holds, everyone else keeps their ID
    incremental = dict(query(database, "select customer_record_id, master_customer_id from marts.customer_xref"))
    refreshed = root / "refreshed.duckdb"
    shutil.copy(database, refreshed)
    cli(root, "build", "--full-refresh", database=refreshed)
    assert occurrences(refreshed, scenario["erased_values"]) == {}
    assert dict(query(refreshed, "select customer_record_id, master_customer_id from marts.customer_xref")) == incremental
    kept = {k: v for k, v in scenario["before_ids"].items() if k in incremental}
    assert kept == {k: incremental[k] for k in kept}
