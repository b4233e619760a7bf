"""Page logic on the rows the warehouse gave: pure functions, so tests can check them without a
server and the pages stay thin."""

from __future__ import annotations

import csv
import io
from typing import Any

from customer360.app import drawing
from customer360.app.decisions import Decision

#: the columns the municipality table can be sorted by, with their headings
MAP_COLUMNS = {
    "area_name": "municipality",
    "province_name": "province",
    "population": "population",
    "active_customers": "active customers",
    "penetration": "penetration",
    "gap_to_best": "gap to best",
    "untapped_potential": "untapped potential",
    "revenue": "revenue (EUR)",
}
REGIONS = {"VLG": "Flanders", "WAL": "Wallonia", "BRU": "Brussels"}


def map_view(rows: list[dict], region: str = "", province: str = "", sort: str = "untapped_potential",
             descending: bool = True, limit: int | None = 25) -> dict[str, Any]:
    """Filters, canton totals, colour classes and the sorted table of municipalities.
    Untapped potential = population x gap to the best municipality's penetration: the active
    customers an area would add if it were as strong as the best one."""
    municipalities = [dict(r) for r in rows if r["level"] == "municipality"]
    for row in municipalities:
        gap, population = row["gap_to_best"], row["population"]
        row["untapped_potential"] = None if gap is None or population is None else population * gap
    region = region if region in REGIONS else ""
    provinces = sorted({r["province_name"] for r in municipalities
                        if r["province_name"] and (not region or r["region_code"] == region)})
    province = province if province in provinces else ""

    def in_view(row: dict) -> bool:
        return (not region or row["region_code"] == region) and (not province or row["province_name"] == province)

    shown = [r for r in municipalities if in_view(r)]
    by_code = {r["area_code"]: r for r in municipalities}
    canton_rows = []
    for canton_id, canton in drawing.cantons().items():
        members = [by_code[c] for c in canton["municipalities"] if c in by_code]
        population = sum(m["population"] or 0 for m in members)
        active = sum(m["active_customers"] or 0 for m in members)
        name = canton["name_nl"] if canton["name_nl"] == canton["name_fr"] else f'{canton["name_nl"]} / {canton["name_fr"]}'
        canton_rows.append({
            "canton_id": canton_id, "name": name, "path": canton["path"], "population": population,
            "active_customers": active, "penetration": active / population if population else None,
            "in_view": any(in_view(m) for m in members),
        })
    class_breaks = drawing.breaks([c["penetration"] for c in canton_rows if c["in_view"]])
    sort = sort if sort in MAP_COLUMNS else "untapped_potential"

    def sort_key(row: dict):
        value = row[sort]
        missing = value is None
        # areas without a value go last, whichever the direction
        return ((not missing) if descending else missing, value if not missing else 0)

    table = sorted(shown, key=sort_key, reverse=descending)
    population = sum(r["population"] or 0 for r in shown)
    active = sum(r["active_customers"] for r in shown)
    unknown = next((r for r in rows if r["level"] == "unknown"), None)
    as_of = next((r["as_of_date"] for r in rows), None)
    return {
        "region": region, "province": province, "regions": REGIONS, "provinces": provinces,
        "sort": sort, "descending": descending, "columns": MAP_COLUMNS,
        "svg": drawing.map_svg(canton_rows, shown, class_breaks), "legend": drawing.legend(class_breaks),
        "table": table[:limit] if limit else table, "municipality_count": len(shown),
        "population": population, "active_customers": active,
        "penetration": active / population if population else None,
        "unknown_customers": unknown["active_customers"] if unknown else 0, "as_of_date": as_of,
        "shapes_source": drawing.shapes_source(),
    }


def map_csv(view: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = ["area_code", *MAP_COLUMNS, "region_code", "as_of_date"]
    writer.writerow(["municipality_code" if c == "area_code" else c for c in columns])
    for row in view["table"]:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return out.getvalue()


def pending_decisions(latest: dict[tuple[str, str], Decision], applied: dict[tuple[str, str], str]) -> list[Decision]:
    """Decisions in the file the warehouse has not applied yet (made since the last build)."""
    return sorted(
        (d for pair, d in latest.items() if applied.get(pair, "") < d.decided_at),
        key=lambda d: d.decided_at,
    )


def decision_effect(decision: Decision, people: dict[str, dict]) -> str:
    """What the next build will do with a decision, from the records' current people."""
    left, right = people.get(decision.pair[0]), people.get(decision.pair[1])
    if left is None or right is None:
        return "no change: a record of the pair is no longer in the warehouse"
    same = left["master_customer_id"] == right["master_customer_id"]
    if decision.decision == "must_link":
        if same:
            return f'no change: already one person ({left["master_customer_id"]})'
        return (f'joins {left["master_customer_id"]} ({left["record_count"]} records) and '
                f'{right["master_customer_id"]} ({right["record_count"]} records) into one person')
    if same:
        return f'splits {left["master_customer_id"]}: the two records become different people'
    return "no change: already two people (the decision keeps them apart)"


def differing_fields(pair: dict, fields: list[str]) -> set[str]:
    """The fields the two records both fill, differently."""
    def norm(value: Any) -> str:
        return "" if value is None else str(value).strip().lower()

    return {f for f in fields if norm(pair[f + "_l"]) and norm(pair[f + "_r"]) and norm(pair[f + "_l"]) != norm(pair[f + "_r"])}
