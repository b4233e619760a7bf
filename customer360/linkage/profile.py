"""What the records to be linked hold: fill rate and distinct values of every matching column, per
source, and the identifier values that many different people share.

Training builds its model from the columns that carry information (:func:`informative_columns`)
and treats the values of :func:`shared_values` marked as placeholders as unknown. Nothing here
keeps an individual's value: the profile holds counts only, and a value is listed (as a
placeholder) only when at least ``PLACEHOLDER_MIN_PEOPLE`` different people carry it.
"""

from __future__ import annotations

from typing import Any

from customer360.linkage.settings import MATCH_COLUMNS, SHARED_VALUE_COLUMNS

#: a column is left out when fewer records than this share have a value...
MIN_FILL_RATE = 0.01
#: ...or when fewer records than this have one, or it has fewer distinct values than this
MIN_FILLED_RECORDS = 10
MIN_DISTINCT_VALUES = 2
#: a value carried by at least this many different people (first names) is a placeholder: a
#: typed-in default or a shop's number, not one person's identifier (a household of five shares a
#: landline or a family address at most)
PLACEHOLDER_MIN_PEOPLE = 6
#: a birth date is a placeholder when at least PLACEHOLDER_MIN_PEOPLE people carry it and it is
#: this many times more frequent than the average date (birthdays are shared by chance)
PLACEHOLDER_DATE_EXCESS = 5.0


def profile_columns(con, table: str) -> dict[str, Any]:
    """Per matching column: records, filled records, fill rate and distinct values, overall and
    per source (all counts)."""
    selects = ", ".join(
        f"count({c}) as {c}__filled, count(distinct {c}) as {c}__distinct" for c in MATCH_COLUMNS
    )
    rows = con.execute(
        f"select source, count(*) as records, {selects} from {table} group by grouping sets ((source), ()) "
        "order by source nulls first"
    ).fetchall()
    names = ["source", "records"] + [f"{c}__{k}" for c in MATCH_COLUMNS for k in ("filled", "distinct")]
    profile: dict[str, Any] = {"records": 0, "sources": {}, "columns": {}}
    for row in rows:
        values = dict(zip(names, row))
        entry = {
            c: {"filled": int(values[f"{c}__filled"]), "distinct": int(values[f"{c}__distinct"]),
                "fill_rate": round(values[f"{c}__filled"] / values["records"], 4) if values["records"] else 0.0}
            for c in MATCH_COLUMNS
        }
        if values["source"] is None:
            profile["records"] = int(values["records"])
            profile["columns"] = entry
        else:
            profile["sources"][str(values["source"])] = {"records": int(values["records"]), "columns": entry}
    return profile


def column_verdicts(profile: dict[str, Any]) -> dict[str, str | None]:
    """Per matching column: None when it carries information, else why it is left out."""
    verdicts: dict[str, str | None] = {}
    for column, stats in profile["columns"].items():
        if stats["filled"] == 0:
            verdicts[column] = "empty"
        elif stats["fill_rate"] < MIN_FILL_RATE or stats["filled"] < MIN_FILLED_RECORDS:
            verdicts[column] = (f"filled in {stats['filled']:,} records ({stats['fill_rate']:.1%}); "
                                f"needs {MIN_FILL_RATE:.0%} and {MIN_FILLED_RECORDS}")
        elif stats["distinct"] < MIN_DISTINCT_VALUES:
            verdicts[column] = "one value for every record"
        else:
            verdicts[column] = None
    return verdicts


def informative_columns(profile: dict[str, Any]) -> set[str]:
    return {column for column, why in column_verdicts(profile).items() if why is None}


def shared_values(con, table: str, max_birth_year_gap: int = 1) -> dict[str, Any]:
    """Identifier values that records of different people carry, per column of
    SHARED_VALUE_COLUMNS: how many values records with different first names (canonical) or
    birth years more than ``max_birth_year_gap`` apart share, the records carrying them, and the
    placeholders (values at least PLACEHOLDER_MIN_PEOPLE people carry), listed in full."""
    out: dict[str, Any] = {}
    for column in SHARED_VALUE_COLUMNS:
        value = f"cast({column} as varchar)"
        if column == "birth_date":
            # birthdays are shared by chance: people are told apart by name, and a placeholder
            # date is one far more frequent than dates are on average
            people = "count(distinct coalesce(first_name_canonical, '') || '|' || coalesce(last_name, ''))"
            shared = (f"people >= {PLACEHOLDER_MIN_PEOPLE} and records >= "
                      f"{PLACEHOLDER_DATE_EXCESS} * (select count({column}) / greatest(count(distinct {column}), 1) from {table})")
            placeholder = shared
        else:
            people = "count(distinct first_name_canonical)"
            shared = f"(people >= 2 or birth_year_span > {int(max_birth_year_gap)})"
            placeholder = f"people >= {PLACEHOLDER_MIN_PEOPLE}"
        rows = con.execute(f"""
            with per_value as (
                select
                    {value} as value,
                    count(*) as records,
                    {people} as people,
                    coalesce(max(birth_year) - min(birth_year), 0) as birth_year_span
                from {table}
                where {column} is not null
                group by 1
                having count(*) > 1
            )
            select
                count(*) filter (where {shared}),
                coalesce(sum(records) filter (where {shared}), 0),
                coalesce(list(struct_pack(value, records, people) order by records desc, value)
                    filter (where {placeholder}), [])
            from per_value
        """).fetchall()[0]
        out[column] = {
            "values_shared": int(rows[0]),
            "records_with_shared_value": int(rows[1]),
            "placeholders": [{"value": p["value"], "records": int(p["records"]), "people": int(p["people"])}
                             for p in rows[2]],
        }
    return out


def placeholder_values(shared: dict[str, Any]) -> dict[str, list[str]]:
    """{column: [placeholder values]} of a :func:`shared_values` result (as the model keeps it)."""
    return {column: [p["value"] for p in entry["placeholders"]]
            for column, entry in shared.items() if entry["placeholders"]}
