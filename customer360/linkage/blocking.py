"""Prediction blocking rules chosen within a comparison budget that grows linearly with the data.

Every candidate rule (customer360.linkage.settings.PREDICTION_RULES) whose columns carry
information is counted first: the number of record pairs it would hand to Splink, computed from
the sizes of its blocks (group by the rule's columns) without forming a pair. Rules are then taken
in order of preference while the running total stays within ``comparisons_per_record`` times the
number of records (and at least MIN_COMPARISONS). The total counts every pair each rule forms,
as Splink forms them all before it drops the ones an earlier rule found. Specific rules come
first; broad rules (same surname, same birth date) fit the budget on small or thin data, where
they are what finds the duplicates, and are left out at scale, where their pairs grow with the
square of the records.

The chosen rules' marginal counts (pairs a rule adds to the rules before it) then come from
Splink itself (``splink.blocking_analysis.count_comparisons_from_blocking_rules``), so the model
report shows what prediction will score.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from splink.blocking_analysis import count_comparisons_from_blocking_rules

from customer360.linkage.settings import UNIQUE_ID, Rule

#: default budget: pairs formed per record, summed over the chosen rules (600k demo people: the
#: one rule past 8 per record added 0.96M of the 5.1M pairs scored, for 370 true pairs no other
#: rule finds, 0.06% of them)...
COMPARISONS_PER_RECORD = 8
#: ...but never fewer than this: small data can afford to form every pair a broad rule gives
#: (a quarter of a million pairs score in about a second)
MIN_COMPARISONS = 250_000
#: below this many records Splink counts the chosen rules' pairs exactly, above it on a sample
EXACT_COUNT_MAX_RECORDS = 200_000


@dataclass
class RuleCount:
    rule: Rule
    comparisons: int
    chosen: bool
    why_not: str | None = None


def count_rule(con, table: str, rule: Rule) -> int:
    """Record pairs ``rule`` forms in ``table`` (dedupe: each unordered pair once), from block
    sizes: no pair is formed, so an exploding rule costs no more to count than a precise one."""
    where = f" and {rule.where}" if rule.where else ""
    if rule.right_columns is None:
        filled = " and ".join(f"{c} is not null" for c in rule.columns)
        sql = (f"select coalesce(sum(n * (n - 1) // 2), 0) from (select count(*) as n from {table} "
               f"where {filled}{where} group by {', '.join(rule.columns)})")
    else:
        # left and right records block on different columns: join the two sides' block sizes
        # (each unordered pair meets the rule both ways round, hence the halving)
        keys = len(rule.columns)
        left = ", ".join(f"{c} as k{i}" for i, c in enumerate(rule.columns))
        right = ", ".join(f"{c} as k{i}" for i, c in enumerate(rule.right_columns))
        on = " and ".join(f"l.k{i} = r.k{i}" for i in range(keys))
        sql = (f"select coalesce(sum(l.n * r.n), 0) // 2 from "
               f"(select {left}, count(*) as n from {table} where true{where} group by all) as l "
               f"join (select {right}, count(*) as n from {table} group by all) as r on {on}")
    return int(con.execute(sql).fetchall()[0][0])


def comparison_budget(records: int, comparisons_per_record: float = COMPARISONS_PER_RECORD,
                      min_comparisons: int | None = None) -> int:
    """The pairs the chosen rules may form: linear in the records, with a floor for small data."""
    floor = MIN_COMPARISONS if min_comparisons is None else min_comparisons
    return int(max(comparisons_per_record * records, floor))


def choose_rules(con, table: str, candidates: list[Rule], records: int,
                 comparisons_per_record: float = COMPARISONS_PER_RECORD,
                 min_comparisons: int | None = None) -> list[RuleCount]:
    """Every candidate with its pair count and whether it was chosen (and if not, why)."""
    budget = comparison_budget(records, comparisons_per_record, min_comparisons)
    total = 0
    out = []
    for rule in candidates:
        n = count_rule(con, table, rule)
        if n == 0:
            out.append(RuleCount(rule, n, False, "pairs no two records"))
        elif total + n > budget:
            out.append(RuleCount(rule, n, False, f"over the budget ({total + n:,} > {budget:,.0f} pairs)"))
        else:
            total += n
            out.append(RuleCount(rule, n, True))
    return out


def marginal_counts(db_api, splink_table, rules: list[str], records: int) -> list[dict[str, Any]]:
    """Splink's own count of the pairs each rule adds to the ones before it (exact up to
    EXACT_COUNT_MAX_RECORDS records, estimated from a sample above)."""
    if not rules:
        return []
    proportion = 1.0 if records <= EXACT_COUNT_MAX_RECORDS else max(0.05, (EXACT_COUNT_MAX_RECORDS / records))
    with warnings.catch_warnings():
        # Splink warns when a rule's sampled count rests on few pairs: the report marks every
        # sampled count as an estimate
        warnings.simplefilter("ignore", UserWarning)
        counted = count_comparisons_from_blocking_rules(
            splink_table, blocking_rules=rules, link_type="dedupe_only",
            unique_id_column_name=UNIQUE_ID, record_sample_proportion=proportion,
        )
    return [{"blocking_rule": row["blocking_rule"], "marginal_comparisons": int(row["marginal_comparison_count"]),
             "cumulative_comparisons": int(row["cumulative_comparison_count"]),
             "is_estimate": bool(row["is_estimate"])} for row in counted]
