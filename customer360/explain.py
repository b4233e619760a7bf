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


def explain(database: Path, master_customer_id: str) -> str:
    """The records of ``master_customer_id`` and the evidence that joined them; raises
    UnknownMasterCustomer if the warehouse has no such ID."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        records = connection.execute(
            f"select {', '.join(RECORD_COLUMNS)} from intermediate.int_customer_records_aligned "
            "where master_customer_id = ? order by customer_record_id",
            [master_customer_id],
        ).fetchall()
        if not records:
            raise UnknownMasterCustomer(f"no master customer {master_customer_id} in {database}")
        ids = [r[0] for r in records]
        edges = connection.execute(
            """
            select
                e.customer_record_id_l, e.customer_record_id_r, e.match_method, e.match_rule,
                round(e.match_probability, 4) as probability, e.is_accepted
            from intermediate.int_customer_match_edges as e
            where e.customer_record_id_l in (select unnest(?)) or e.customer_record_id_r in (select unnest(?))
            order by e.edge_priority, e.match_probability desc, e.customer_record_id_l, e.customer_record_id_r
            """,
            [ids, ids],
        ).fetchall()
        weights = connection.execute(
            """
            select * exclude (match_probability)
            from intermediate.int_customer_pairs_soft_matched
            where customer_record_id_l in (select unnest(?)) and customer_record_id_r in (select unnest(?))
            order by match_weight desc
            """,
            [ids, ids],
        )
        weight_headers = [d[0] for d in weights.description]
        weight_rows = [
            tuple(round(v, 2) if isinstance(v, float) else v for v in row) for row in weights.fetchall()
        ]
    finally:
        connection.close()
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
