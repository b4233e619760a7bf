"""`customer360 explain MC...`: a master customer's records and the evidence that joined them."""

from __future__ import annotations

from pathlib import Path

import duckdb

RECORD_COLUMNS = [
    "customer_record_id", "match_method", "first_name", "last_name", "birth_date", "email",
    "phone_e164", "street", "house_number", "postcode", "city", "updated_at",
]


def _table(rows: list[tuple], headers: list[str]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


class UnknownMasterCustomer(LookupError):
    """No record of the warehouse has this master customer ID."""


def dict_rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """The rows of a query as dicts keyed by column name."""
    result = connection.execute(sql, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def evidence(connection: duckdb.DuckDBPyConnection, master_customer_id: str) -> dict[str, list[dict]]:
    """A master customer's records, the edges touching them (strongest first) and the Splink match
    weights per comparison between them, as rows of dicts (the app's profile page shows them)."""
    records = dict_rows(
        connection,
        f"select {', '.join(RECORD_COLUMNS)} from intermediate.int_customer_records_aligned "
        "where master_customer_id = ? order by customer_record_id",
        [master_customer_id],
    )
    ids = [r["customer_record_id"] for r in records]
    if not ids:
        return {"records": [], "edges": [], "weights": []}
    edges = dict_rows(
        connection,
        """
        select
            e.customer_record_id_l, e.customer_record_id_r, e.match_method, e.match_rule,
            round(e.match_probability, 4) as probability, e.is_accepted
        from intermediate.int_customer_match_edges as e
        where e.customer_record_id_l in (select unnest(?::varchar[])) or e.customer_record_id_r in (select unnest(?::varchar[]))
        order by e.edge_priority, e.match_probability desc, e.customer_record_id_l, e.customer_record_id_r
        """,
        [ids, ids],
    )
    weights = dict_rows(
        connection,
        """
        select * exclude (match_probability, scored_through, model_fingerprint)
        from intermediate.int_customer_pairs_soft_matched
        where customer_record_id_l in (select unnest(?::varchar[])) and customer_record_id_r in (select unnest(?::varchar[]))
        order by match_weight desc
        """,
        [ids, ids],
    )
    return {"records": records, "edges": edges, "weights": weights}


def explain(database: Path, master_customer_id: str) -> str:
    """The records of ``master_customer_id`` and the evidence that joined them; raises
    UnknownMasterCustomer if the warehouse has no such ID."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        found = evidence(connection, master_customer_id)
    finally:
        connection.close()
    if not found["records"]:
        raise UnknownMasterCustomer(f"no master customer {master_customer_id} in {database}")
    records = [tuple(r.values()) for r in found["records"]]
    edges = [tuple(e.values()) for e in found["edges"]]
    weight_headers = list(found["weights"][0]) if found["weights"] else []
    weight_rows = [
        tuple(round(v, 2) if isinstance(v, float) else v for v in row.values()) for row in found["weights"]
    ]
    parts = [
        f"master customer {master_customer_id}: {len(records)} record(s)",
        "",
        _table(records, RECORD_COLUMNS),
        "",
        "evidence (edges touching these records; accepted edges joined them, strongest first):",
        _table(edges, ["record_l", "record_r", "method", "rule", "probability", "accepted"]) if edges else "  none: a singleton",
    ]
    if weight_rows:
        parts += ["", "Splink match weights per comparison (log2 Bayes factors; > 0 speaks for a match):",
                  _table(weight_rows, weight_headers)]
    return "\n".join(parts)
