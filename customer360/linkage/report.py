"""The model report: what a trained model was trained on and how it decides, as Markdown a
reviewer reads in a pull request beside the model file (``customer360 train`` writes and prints it).

Built from the model dict alone, so the same model always gives the same report.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from customer360.linkage.blocking import MIN_COMPARISONS
from customer360.linkage.model import save_model
from customer360.linkage.profile import PLACEHOLDER_MIN_PEOPLE


def report_path(model_path: str | Path) -> Path:
    """``python_models/splink_model.json`` -> ``python_models/splink_model_report.md``."""
    path = Path(model_path)
    return path.with_name(f"{path.stem}_report.md")


def _weight(m: float | None, u: float | None) -> str:
    if not m or not u:
        return "not trained"
    return f"{math.log2(m / u):+.2f}"


def _probability(p: float | None) -> str:
    return "" if p is None else f"{p:.4g}"


def render_report(model: dict[str, Any]) -> str:
    info = model.get("customer360_training") or {}
    lines: list[str] = ["# Splink model report", ""]
    record_count = info.get("record_count", 0)
    trained = info.get("trained_record_count", record_count)
    sample = "" if trained == record_count else f" (a sample of {trained:,} of them)"
    lines += [
        f"Trained on **{record_count:,} customer records**{sample}, seed {info.get('seed')}.",
        "",
        "| source | records |",
        "|---|---:|",
        *[f"| {source} | {count:,} |" for source, count in sorted(info.get("records_by_source", {}).items())],
        "",
    ]

    profile = info.get("profile") or {}
    sources = sorted((profile.get("sources") or {}))
    lines += ["## Columns", "",
              "Fill rate per source (share of records with a value) and distinct values; a column is "
              "used when it carries information.", "",
              "| column | " + " | ".join(sources) + " | distinct | used |",
              "|---|" + "---:|" * len(sources) + "---:|---|"]
    for column, verdict in (info.get("columns") or {}).items():
        rates = [f"{profile['sources'][s]['columns'][column]['fill_rate']:.0%}" for s in sources]
        distinct = profile.get("columns", {}).get(column, {}).get("distinct", 0)
        lines.append(f"| {column} | " + " | ".join(rates) + f" | {distinct:,} | "
                     + ("yes" if verdict == "used" else f"no: {verdict}") + " |")
    for comparison, why in (info.get("comparisons_left_out") or {}).items():
        lines.append(f"\nComparison `{comparison}` left out: {why}.")
    lines.append("")

    shared = info.get("shared_values") or {}
    if shared:
        lines += ["## Shared identifiers", "",
                  "Values that records of different people carry (different first names, or birth "
                  "years further apart than the clustering allows). Hard rules never link a group "
                  "of records that disagree like this; Splink scores them as evidence. Placeholders "
                  f"(values of at least {PLACEHOLDER_MIN_PEOPLE} different people: typed-in defaults, "
                  "a shop's phone) are read as unknown.", "",
                  "| identifier | shared values | records carrying one | placeholders |",
                  "|---|---:|---:|---|"]
        for column, entry in shared.items():
            placeholders = ", ".join(f"`{p['value']}` ({p['records']:,} records, {p['people']:,} people)"
                                     for p in entry["placeholders"][:10]) or "none"
            if len(entry["placeholders"]) > 10:
                placeholders += f", and {len(entry['placeholders']) - 10} more"
            lines.append(f"| {column} | {entry['values_shared']:,} | {entry['records_with_shared_value']:,} | "
                         f"{placeholders} |")
        lines.append("")

    households = info.get("household_guards")
    if households:
        lines += ["## Households", ""]
        if "pairs_at_one_address_with_one_last_name" in households:
            lines.append(f"{households['pairs_at_one_address_with_one_last_name']:,} pairs of records share an "
                         f"address and a last name; {households['with_other_first_names']:,} of them "
                         f"({households['share']:.0%}) have clearly different first names.")
        state = "on" if households["on"] else "off"
        lines += [f"Household guards {state}: {households['why']}. On, a Splink pair links only with "
                  "compatible first names (or a shared mobile) and not with two different mobiles, and "
                  "no person spans birth years further apart than max_birth_year_gap.", ""]

    prior = model.get("probability_two_random_records_match")
    if prior:
        pairs = trained * (trained - 1) / 2
        refined = info.get("prior") or {}
        lines += ["## Share of matches", "",
                  f"Probability that two random records are one person: {prior:.4g} "
                  f"(prior match weight {math.log2(prior / (1 - prior)):+.2f}), about "
                  f"{prior * pairs:,.0f} matching pairs among the {trained:,} records: "
                  f"{prior * pairs / max(trained, 1):.2f} per record."]
        if refined.get("refined"):
            lines.append(f"The near-certain rules gave {refined['from_deterministic_rules']:.4g}; EM's update over "
                         f"the pairs the blocking rules form on {refined['records']:,} records refined it to "
                         f"{' then '.join(f'{p:.4g}' for p in refined['refined'])}.")
        elif refined:
            lines.append("From the near-certain rules (the data holds households, whose pairs would "
                         "overstate an update over all pairs).")
        lines.append("")

    lines += ["## Comparisons", "",
              "Match weight = log2(m / u): what a level adds to a pair's score (term-frequency "
              "adjusted levels weigh a rare value more, a common one less).", ""]
    for comparison in model.get("comparisons", []):
        lines += [f"### {comparison['output_column_name']}", "",
                  "| level | m | u | match weight |", "|---|---:|---:|---:|"]
        for level in comparison["comparison_levels"]:
            label = level.get("label_for_charts") or level.get("sql_condition", "")
            if level.get("is_null_level"):
                lines.append(f"| {label} | | | 0 (no evidence) |")
                continue
            tf = " (term-frequency adjusted)" if level.get("tf_adjustment_column") else ""
            lines.append(f"| {label}{tf} | {_probability(level.get('m_probability'))} | "
                         f"{_probability(level.get('u_probability'))} | "
                         f"{_weight(level.get('m_probability'), level.get('u_probability'))} |")
        lines.append("")

    if info.get("levels_not_observed"):
        lines += ["Levels the training data never showed, given values that claim nothing: "
                  + "; ".join(info["levels_not_observed"]) + ".", ""]

    blocking = info.get("blocking") or {}
    if blocking:
        lines += ["## Blocking rules", "",
                  f"Budget: {blocking['comparisons_per_record']:g} pairs per record (at least "
                  f"{MIN_COMPARISONS:,}): {blocking['budget']:,} pairs. A rule is taken while the pairs it forms, added to "
                  "those of the rules taken before it, stay within the budget. Marginal: the pairs "
                  "it adds to the rules before it (what Splink scores).", "",
                  "| rule | pairs formed | marginal pairs | used |", "|---|---:|---:|---|"]
        for rule in blocking["rules"]:
            marginal = f"{rule['marginal_comparisons']:,}" if rule["chosen"] else ""
            if rule.get("is_estimate"):
                marginal += " (est.)"
            used = "yes" if rule["chosen"] else f"no: {rule['why_not']}"
            lines.append(f"| `{rule['blocking_rule']}` | {rule['comparisons']:,} | {marginal} | {used} |")
        scored = sum(r.get("marginal_comparisons", 0) for r in blocking["rules"] if r["chosen"])
        lines += ["", f"Pairs scored in all: {scored:,} ({scored / max(trained, 1):.1f} per record).", ""]

    if info.get("training_rules"):
        lines += ["## Training", "",
                  "The prior from near-certain rules: " + "; ".join(f"`{r}`" for r in info.get("deterministic_rules", []))
                  + ". u probabilities from random pairs; m probabilities by EM on:", "",
                  "| EM rule | pairs | estimates |", "|---|---:|---|"]
        for rule in info["training_rules"]:
            lines.append(f"| `{rule['blocking_rule']}` | {rule['pairs']:,} | {', '.join(rule['estimates'])} |")
        lines.append("")
    corrected = info.get("u_corrected_for_matches") or []
    if corrected:
        lines += ["Random pairs include pairs of one person (a share equal to the prior); their part is taken "
                  "out of u, u = (u sampled - prior x m) / (1 - prior), at least a tenth of the sampled u:", "",
                  "| comparison | level | u sampled | u without matches |", "|---|---|---:|---:|"]
        lines += [f"| {c['comparison']} | {c['level']} | {c['sampled']:.4g} | {c['corrected']:.4g} |"
                  for c in corrected]
        lines.append("")
    return "\n".join(lines)


def save_with_report(model: dict[str, Any], model_path: str | Path) -> tuple[Path, Path]:
    """Saves a trained model and writes its report beside it (what `customer360 train` and the
    Dagster retrain job leave for review); returns both paths."""
    path = save_model(model, model_path)
    report = report_path(path)
    report.write_text(render_report(model), encoding="utf-8")
    return path, report
