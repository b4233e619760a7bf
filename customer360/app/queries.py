"""What each page reads from the warehouse: functions of a read-only DuckDB connection that
return plain rows (dicts), so the pages can be served again from memory while a build runs."""

from __future__ import annotations

import re
from typing import Any

import duckdb

from customer360.explain import dict_rows as dicts
from customer360.explain import evidence

REVIEW_FIELDS = [
    "first_name", "last_name", "birth_date", "email", "phone_e164",
    "street", "house_number", "postcode", "city",
]
#: the comparisons whose match weights customer_match_review carries, in waterfall order
WEIGHT_COLUMNS = ["mw_first_name", "mw_last_name", "mw_birth", "mw_email", "mw_phone", "mw_address"]
ID_PATTERN = re.compile(r"^MC[0-9A-F]{16}$")


def one(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict | None:
    rows = dicts(connection, sql, params)
    return rows[0] if rows else None


def has_table(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(connection.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, name]
    ).fetchone()[0])


# --- /map ---------------------------------------------------------------------------------------

def penetration(connection: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every row of mart_region_penetration (a few hundred): the page filters and sorts them."""
    return dicts(connection, "select * from marts.mart_region_penetration order by level, area_code")


# --- /review ------------------------------------------------------------------------------------

def review_pairs(connection: duckdb.DuckDBPyConnection, excluded: list[str], limit: int = 1,
                 pair: tuple[str, str] | None = None) -> dict:
    """The queue's size and its next pairs, highest expected value first, leaving out
    ``excluded`` pairs ("record_l|record_r": decided since the build, or skipped); or one ``pair``."""
    size = connection.execute("select count(*) from marts.customer_match_review").fetchone()[0]
    if pair:
        rows = dicts(
            connection,
            "select * from marts.customer_match_review where customer_record_id_l = ? and customer_record_id_r = ?",
            list(sorted(pair)),
        )
    else:
        rows = dicts(
            connection,
            """
            select * from marts.customer_match_review
            where customer_record_id_l || '|' || customer_record_id_r not in (select unnest(?::varchar[]))
            order by expected_value desc, match_probability desc, customer_record_id_l, customer_record_id_r
            limit ?
            """,
            [excluded, limit],
        )
    in_queue = connection.execute(
        """
        select count(*) from marts.customer_match_review
        where customer_record_id_l || '|' || customer_record_id_r in (select unnest(?::varchar[]))
        """,
        [excluded],
    ).fetchone()[0]
    return {"queue_size": size, "excluded_in_queue": in_queue, "pairs": rows}


def record_people(connection: duckdb.DuckDBPyConnection, record_ids: list[str]) -> dict[str, dict]:
    """Each record's current person and that person's record count."""
    rows = dicts(
        connection,
        """
        with picked as (
            select customer_record_id, master_customer_id
            from intermediate.int_customer_records_aligned
            where customer_record_id in (select unnest(?::varchar[]))
        ),
        sizes as (
            select master_customer_id, count(*) as record_count
            from intermediate.int_customer_records_aligned
            where master_customer_id in (select master_customer_id from picked)
            group by master_customer_id
        )
        select picked.*, sizes.record_count
        from picked inner join sizes using (master_customer_id)
        """,
        [record_ids],
    )
    return {row["customer_record_id"]: row for row in rows}


def applied_app_decisions(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """The app decisions the last build applied: pair -> decided_at (as the decisions file writes it)."""
    try:
        rows = connection.execute(
            "select customer_record_id_l, customer_record_id_r, decided_at "
            "from intermediate.int_manual_match_decisions where decided_in = 'app'"
        ).fetchall()
    except duckdb.BinderException:  # a warehouse built before the app existed
        return {}
    return {(l, r): at.strftime("%Y-%m-%d %H:%M:%S.%f") for l, r, at in rows if at is not None}


# --- /customer ----------------------------------------------------------------------------------

def resolve_id(connection: duckdb.DuckDBPyConnection, master_customer_id: str) -> dict:
    """The current ID for ``master_customer_id``: itself if current, else the survivor it was
    retired into (following merges), with the retirement event; ``current`` None if unknown."""
    seen = [master_customer_id]
    current = master_customer_id
    event = None
    for _ in range(20):
        if one(connection, "select 1 as found from marts.dim_customer where master_customer_id = ?", [current]):
            return {"current": current, "asked": master_customer_id, "retirement": event, "chain": seen}
        retired = one(
            connection,
            """
            select * from marts.customer_id_history
            where old_master_customer_id = ? and old_id_retired and new_master_customer_id is not null
            order by run_at desc limit 1
            """,
            [current],
        )
        if retired is None or retired["new_master_customer_id"] in seen:
            break
        event = event or retired
        current = retired["new_master_customer_id"]
        seen.append(current)
    return {"current": None, "asked": master_customer_id, "retirement": event, "chain": seen}


def search(connection: duckdb.DuckDBPyConnection, text: str, limit: int = 25) -> list[dict]:
    """People whose golden record or any record matches ``text``: a master customer or record ID,
    an email, a phone number (any spelling of its digits) or the words of a name."""
    text = " ".join(text.split())
    if not text:
        return []
    columns = "master_customer_id, first_name, last_name, email, phone_e164, postcode, city, record_count"
    if ID_PATTERN.match(text.upper()):
        return dicts(connection, f"select {columns} from marts.dim_customer where master_customer_id = ?", [text.upper()])
    if "@" in text:
        where, params = "records.email = ?", [text.lower()]
    elif ":" in text:
        where, params = "records.customer_record_id = ?", [text]
    elif sum(ch.isdigit() for ch in text) >= 6 and not re.search(r"[a-zA-Z]", text):
        digits = re.sub(r"\D", "", text).lstrip("0")
        where, params = "records.phone_e164 like ?", ["%" + digits]
    else:
        words = [w for w in re.split(r"[\s,]+", text.lower()) if w]
        where = " and ".join(
            ["strip_accents(coalesce(records.first_name, '') || ' ' || coalesce(records.last_name, '')) like ?"] * len(words)
        )
        params = [f"%{w}%" for w in words]
    return dicts(
        connection,
        f"""
        select {columns} from marts.dim_customer
        where master_customer_id in (
            select master_customer_id from intermediate.int_customer_records_aligned as records where {where}
        )
        order by last_name, first_name, master_customer_id
        limit {int(limit)}
        """,
        params,
    )


def customer(connection: duckdb.DuckDBPyConnection, master_customer_id: str) -> dict[str, Any]:
    """Everything the profile shows for one current master customer ID."""
    person = {"id": master_customer_id}
    person["golden"] = one(connection, "select * from marts.dim_customer where master_customer_id = ?", [master_customer_id])
    person.update(evidence(connection, master_customer_id))
    person["orders"] = dicts(
        connection,
        """
        select order_id, channel, ordered_at, line_count, item_count, order_revenue, customer_record_id
        from marts.fct_orders where master_customer_id = ? order by ordered_at desc limit 20
        """,
        [master_customer_id],
    )
    person["order_totals"] = one(
        connection,
        "select count(*) as orders, coalesce(sum(order_revenue), 0) as revenue from marts.fct_orders where master_customer_id = ?",
        [master_customer_id],
    )
    person["rfm"] = one(connection, "select * from marts.mart_customer_rfm where master_customer_id = ?", [master_customer_id])
    person["segments"] = one(connection, "select * from marts.mart_customer_segments where master_customer_id = ?", [master_customer_id])
    person["predictions"] = one(connection, "select * from marts.mart_customer_predictions where master_customer_id = ?", [master_customer_id])
    person["recommendations"] = dicts(
        connection,
        "select * from marts.mart_customer_recommendations where master_customer_id = ? order by recommendation_rank",
        [master_customer_id],
    )
    person["consent"] = dicts(
        connection,
        "select * from marts.mart_marketing_consent where master_customer_id = ? order by channel",
        [master_customer_id],
    )
    person["id_history"] = dicts(
        connection,
        """
        select * from marts.customer_id_history
        where old_master_customer_id = ? or new_master_customer_id = ?
        order by run_at desc, id_change_id desc
        """,
        [master_customer_id, master_customer_id],
    )
    return person


# --- /health ------------------------------------------------------------------------------------

def health(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    facts["builds"] = (
        dicts(connection, "select * from staging.build_runs order by started_at desc limit 5")
        if has_table(connection, "staging", "build_runs") else []
    )
    facts["row_counts"] = dicts(connection, "select * from staging.landed_row_counts order by source, source_table")
    facts["quarantine_reasons"] = dicts(
        connection,
        """
        select source, source_table, quarantine_reason, count(*) as row_count,
            min(record_key) as example_record_key, min(landed_file) as example_file
        from staging.quarantined_rows
        group by source, source_table, quarantine_reason
        order by row_count desc, source, source_table, quarantine_reason
        """,
    )
    facts["quarantined_files"] = dicts(
        connection,
        "select source, source_table, landing_path, problem, problem_line from staging.quarantined_files order by landing_path",
    )
    facts["people"] = connection.execute("select count(*) from marts.dim_customer").fetchone()[0]
    facts["records"] = connection.execute("select count(*) from marts.customer_xref").fetchone()[0]
    facts["id_changes"] = dicts(
        connection,
        """
        with last_run as (select max(run_at) as run_at from marts.customer_id_history)
        select history.run_at, history.event, count(*) as changes, sum(history.records_moved) as records_moved
        from marts.customer_id_history as history inner join last_run using (run_at)
        group by history.run_at, history.event
        order by history.event
        """,
    )
    facts["review_queue"] = connection.execute("select count(*) from marts.customer_match_review").fetchone()[0]
    return facts
