"""A trained model fitted to more records than it was trained on.

Two of a model's settings depend on how many records it links:

- **The prior**, the probability that two random records are one person. A person has a few
  records however many people there are, so among N records the matching pairs grow with N and
  all pairs with N squared: the prior falls as 1 / N. A model trained on 17,000 demo records and
  scoring a million keeps a prior 60 times too high, and every pair's probability with it (at
  600k demo people its pairwise precision fell to 0.86).
- **The blocking rules**, chosen at training within a budget linear in the records. A broad rule
  (same birth date, same surname in one city) forms pairs with the square of the records: the
  rules that fit 17,000 records form billions of pairs at ten million.

So when the records to link outnumber the training records by half an octave (x 1.41) or more,
the prior is divided by the growth, rounded down to half an octave, and the model's rules are counted
again on these records and kept, in the model's order, while their pairs fit the same budget
(customer360.linkage.blocking). Rounding to half an octave keeps daily growth from changing the
model every day: a daily run and a full build of the same records fit the same model, and the
model fingerprint (customer360.linkage.incremental) scores everything again only when the fit
changes. On as many records as in training or fewer the model is used as trained (its prior then
errs on the safe side).

A model trained on a sample of a larger export (above MAX_TRAINING_RECORDS) needs none of this:
``record_count`` is the whole export, and a uniform sample keeps the share of matching pairs.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from customer360.linkage._common import load_prepared, model_placeholders, new_connection, to_arrow
from customer360.linkage.blocking import COMPARISONS_PER_RECORD, comparison_budget, count_rule
from customer360.linkage.settings import PREDICTION_RULES

#: growth is rounded to steps of this many octaves (0.5: x 1.41)
GROWTH_STEP_OCTAVES = 0.5


def growth_steps(trained_records: int, records: int) -> float:
    """The records' growth over the training records in octaves, in whole GROWTH_STEP_OCTAVES
    (rounded down); 0 below one step."""
    if not trained_records or records <= trained_records:
        return 0.0
    steps = math.floor(math.log2(records / trained_records) / GROWTH_STEP_OCTAVES)
    return max(steps, 0) * GROWTH_STEP_OCTAVES


def _rule_text(rule: Any) -> str:
    return rule["blocking_rule"] if isinstance(rule, dict) else rule


def model_for_records(model: dict[str, Any], records: Any, *,
                      record_count: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model to score ``records`` with, and what was changed (for the build's log: counts
    and rules only, never a value). ``records`` may be a function returning them, with their
    ``record_count``: it is called only when the model has to be fitted (on Spark the records
    then come to the driver, and only then)."""
    info = model.get("customer360_training") or {}
    trained = int(info.get("record_count") or 0)
    if record_count is None:
        records = to_arrow(records)
        record_count = records.num_rows
    octaves = growth_steps(trained, record_count)
    fit = {"trained_records": trained, "records": record_count, "growth_octaves": octaves}
    if octaves == 0:
        return model, fit
    table = to_arrow(records() if callable(records) else records)
    fitted = copy.deepcopy(model)
    prior = model["probability_two_random_records_match"]
    fitted["probability_two_random_records_match"] = prior / 2 ** octaves

    blocking = info.get("blocking") or {}
    budget = comparison_budget(table.num_rows, blocking.get("comparisons_per_record", COMPARISONS_PER_RECORD))
    known = {rule.blocking_rule: rule for rule in PREDICTION_RULES}
    con = new_connection()
    name = load_prepared(con, table, "c360_fit_records", model_placeholders(model))
    kept, dropped, total = [], [], 0
    for entry in model["blocking_rules_to_generate_predictions"]:
        rule = known.get(_rule_text(entry))
        # a rule this code no longer knows cannot be counted: it stays, as trained
        pairs = count_rule(con, name, rule) if rule is not None else 0
        if total + pairs > budget:
            dropped.append({"blocking_rule": _rule_text(entry), "pairs": pairs})
            continue
        total += pairs
        kept.append(entry)
    con.close()
    fitted["blocking_rules_to_generate_predictions"] = kept
    fit.update({"prior_trained": prior, "prior": fitted["probability_two_random_records_match"],
                "budget": budget, "pairs_formed": total, "rules_kept": len(kept), "rules_dropped": dropped})
    return fitted, fit


def describe_fit(fit: dict[str, Any]) -> str:
    """One line for the build's output: counts and rules, no values."""
    if not fit.get("growth_octaves"):
        return (f"soft matching: {fit['records']:,} records, the model as trained "
                f"(on {fit['trained_records']:,})")
    dropped = ", ".join(f"{d['blocking_rule']} ({d['pairs']:,} pairs)" for d in fit["rules_dropped"]) or "none"
    return (f"soft matching: {fit['records']:,} records, {2 ** fit['growth_octaves']:.3g}x the "
            f"{fit['trained_records']:,} the model was trained on: prior {fit['prior_trained']:.3g} -> "
            f"{fit['prior']:.3g}; {fit['rules_kept']} blocking rules kept, forming {fit['pairs_formed']:,} "
            f"pairs within the budget of {fit['budget']:,}; left out: {dropped}")
