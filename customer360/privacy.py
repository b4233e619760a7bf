"""Privacy requests (GDPR erasure, suppression, access): the salted hash that keeps an erased
person's identifiers out of every later build, and the compacting copy that removes their values
from the DuckDB file itself.

The hash is sha256 over the salt and the normalized identifier. The salt lives outside the
repository, in the environment variable CUSTOMER360_PRIVACY_SALT: without it the tombstone's
hashes could be recomputed from a list of candidate e-mail addresses. dbt calls the hash as the
SQL function ``privacy_hash(text)`` (registered by customer360.dbt_plugin), so the salt never
appears in compiled SQL or dbt's logs.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

SALT_ENV = "CUSTOMER360_PRIVACY_SALT"


class PrivacySaltMissing(RuntimeError):
    pass


def salt() -> bytes:
    value = os.environ.get(SALT_ENV)
    if not value:
        raise PrivacySaltMissing(
            f"{SALT_ENV} is not set: privacy requests (privacy/requests) and erasures need a secret salt "
            f"for the hashes that keep erased identifiers out; set it in the environment (never in the repository)")
    return value.encode()


def privacy_hash(values: list[str | None]) -> list[str | None]:
    key = salt() if any(value is not None for value in values) else b""
    return [None if value is None else hashlib.sha256(key + b"\x1f" + value.encode()).hexdigest()[:32]
            for value in values]


def compact(database: str | Path) -> tuple[int, int, float]:
    """Rewrites the DuckDB file by copying every table into a fresh file: deleted rows stay in a
    file's free blocks until overwritten, CHECKPOINT included; a copy holds only live rows.
    Returns (bytes before, bytes after, seconds)."""
    import duckdb

    database = Path(database)
    started = time.perf_counter()
    before = database.stat().st_size
    fresh = database.with_name(database.name + ".compacting")
    fresh.unlink(missing_ok=True)
    connection = duckdb.connect()
    try:
        connection.execute(f"attach '{database}' as old (read_only)")
        connection.execute(f"attach '{fresh}' as new")
        connection.execute("copy from database old to new")
        connection.execute("detach old")
        connection.execute("detach new")
    finally:
        connection.close()
    os.replace(fresh, database)
    Path(str(database) + ".wal").unlink(missing_ok=True)
    return before, database.stat().st_size, time.perf_counter() - started


def erasures_to_compact(database: str | Path) -> int:
    """Erase requests applied since the file was last compacted (0 without a privacy log)."""
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        exists = connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'privacy' "
            "and table_name = 'privacy_request_log'").fetchall()[0][0]
        if not exists:
            return 0
        return connection.execute(
            "select count(*) from privacy.privacy_request_log where request_type = 'erase' "
            "and status = 'done' and file_compacted_at is null").fetchall()[0][0]
    finally:
        connection.close()


def compact_after_erasure(database: str | Path) -> str | None:
    """Compacts the file when an erasure was applied since the last compaction, and records it."""
    import duckdb

    database = Path(database)
    if not database.exists() or not erasures_to_compact(database):
        return None
    before, after, seconds = compact(database)
    connection = duckdb.connect(str(database))
    try:
        connection.execute("update privacy.privacy_request_log set file_compacted_at = now()::timestamp "
                           "where request_type = 'erase' and status = 'done' and file_compacted_at is null")
        connection.execute("checkpoint")
    finally:
        connection.close()
    return (f"erasure: warehouse file rewritten without the erased rows in {seconds:.1f}s "
            f"({before / 1e6:.1f} MB -> {after / 1e6:.1f} MB)")




class UnknownRequest(LookupError):
    pass


#: what an access export holds: (section, SQL over the person's master IDs `{people}` and
#: record IDs `{records}`); a table the warehouse does not have is left out
EXPORT_SECTIONS = {
    "golden_record": "select * from marts.dim_customer where master_customer_id in {people}",
    "source_records": "select * from intermediate.int_customer_records_normalized where customer_record_id in {records}",
    "orders": "select * from marts.fct_orders where master_customer_id in {people}",
    "order_lines": "select * from marts.fct_order_lines where master_customer_id in {people}",
    "web_events": "select * from marts.fct_web_events where master_customer_id in {people}",
    "rfm": "select * from marts.mart_customer_rfm where master_customer_id in {people}",
    "segments": "select * from marts.mart_customer_segments where master_customer_id in {people}",
    "recommendations": "select * from marts.mart_customer_recommendations where master_customer_id in {people}",
    "predictions": "select * from marts.mart_customer_predictions where master_customer_id in {people}",
    "consent_now": "select * from marts.mart_marketing_consent where master_customer_id in {people}",
    "consent_history": ("select * from staging.stg_consent__events "
                        "where source || ':' || source_record_key in {records}"),
    "id_history": ("select * from marts.customer_id_history "
                   "where old_master_customer_id in {people} or new_master_customer_id in {people}"),
}


def _in_list(values: list[str]) -> str:
    return "(" + (", ".join("'" + v.replace("'", "''") + "'" for v in values) or "null") + ")"


def _email_key(email: str | None) -> str | None:
    """What SQL's privacy_email_key keeps of an e-mail (macros/privacy/erasure.sql)."""
    return (email.strip().replace(" ", "").lower() or None) if email else None


def _phone_key(phone: str | None) -> str | None:
    """What SQL's privacy_phone_key keeps of a phone: its last nine digits, from eight digits on."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-9:] if len(digits) >= 8 else None


def export_request(database: str | Path, request_id: str) -> dict:
    """Everything the warehouse holds about the person an access (or any) request identifies,
    as one JSON-ready document (GDPR article 15)."""
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        found = connection.execute(
            "select request_type, identifier_type, identifier_hash, requested_at from staging.stg_privacy__requests "
            "where request_id = ?", [request_id]).fetchall()
        if not found:
            raise UnknownRequest(f"no privacy request {request_id} staged in {database}")
        request_type, identifier_type, identifier_hash, requested_at = found[0]
        records = connection.execute(
            "select master_customer_id, customer_record_id, email, phone_e164 "
            "from intermediate.int_customer_records_aligned").fetchall()
        keys = {"source_record": lambda r: r[1], "email": lambda r: _email_key(r[2]), "phone": lambda r: _phone_key(r[3])}
        key = keys[identifier_type]
        hashes = privacy_hash([key(record) for record in records])
        people = sorted({record[0] for record, digest in zip(records, hashes) if digest == identifier_hash})
        record_ids = sorted(record[1] for record in records if record[0] in people)
        tables = {f"{s}.{t}" for s, t in connection.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
        document = {"request_id": request_id, "request_type": request_type, "requested_at": str(requested_at),
                    "master_customer_ids": people, "customer_record_ids": record_ids}
        for section, sql in EXPORT_SECTIONS.items():
            table = sql.split(" from ")[1].split()[0]
            if table not in tables or not people:
                continue
            result = connection.execute(sql.format(people=_in_list(people), records=_in_list(record_ids)))
            columns = [column[0] for column in result.description]
            document[section] = [dict(zip(columns, row)) for row in result.fetchall()]
        return document
    finally:
        connection.close()
