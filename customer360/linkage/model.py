"""Train the Splink model from the data and keep it as a deterministic JSON-serializable dict.

Training reads the records first (customer360.linkage.profile): the matching columns that carry
information, the identifier values many people share (placeholders, read as unknown), whether
the data holds households. It then builds the comparisons, chooses the prediction blocking rules
within a comparison budget (customer360.linkage.blocking) and the EM training rules, and trains.

The model dict is Splink's own settings dict (``linker.misc.save_model_to_json``) plus a
``customer360_training`` block: record counts per source, a k-minimum-values sketch of the
customer_record_ids (from which :func:`training_overlap` estimates the share of another record
set that was in the training data), the term frequencies that scoring uses
(:func:`term_frequency_counts`), the profile, the placeholders, the household decision, the
blocking rules with their pair counts and the training rules: everything the model report
(customer360.linkage.report) shows.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, Linker

from customer360.linkage import settings as lk_settings
from customer360.linkage._common import (
    SPLINK_LOG_LEVEL, load_prepared, new_connection, to_arrow,
)
from customer360.linkage.blocking import (
    COMPARISONS_PER_RECORD, choose_rules, comparison_budget, count_rule, marginal_counts,
)
from customer360.linkage.profile import (
    column_verdicts, informative_columns, placeholder_values, profile_columns, shared_values,
)

MODEL_FORMAT = 3
SKETCH_K = 1024
#: values seen fewer times than this in the training data are stored only as an average: the
#: model file then holds common names, never an individual's email address
TERM_FREQUENCY_MIN_COUNT = 10
_SIG_DIGITS = 12

#: the smallest m or u a model keeps (a weight of at most 33 bits either way)
MIN_PROBABILITY = 1e-10
#: fewer records than this cannot estimate a model
MIN_TRAINING_RECORDS = 100
#: an EM training rule needs at least this many record pairs
MIN_EM_PAIRS = 20
#: above this many records, training reads a sample of this size (the smallest id hashes)
MAX_TRAINING_RECORDS = 2_000_000
#: every comparison is estimated by this many EM sessions when the rules allow (Splink averages
#: them): one session's blocking skews its pairs, and a second corrects what it misjudges
EM_SESSIONS_PER_COMPARISON = 2
MAX_EM_SESSIONS = 5
#: the prior is refined on at most this many records (a sample of the smallest id hashes)
PRIOR_SAMPLE_RECORDS = 200_000
PRIOR_ITERATIONS = 2
#: u taken out of the pairs of one person among the random pairs stays at least this share of the
#: sampled u: a weight gains at most log2(1 / 0.1) = 3.3 bits from the correction
U_CORRECTION_FLOOR = 0.1
#: households are in the data when at least this share of the pairs of records at one address
#: with one last name carry clearly different first names (other people, not one person's typo)
HOUSEHOLD_MIN_SHARE = 0.3
#: fewer such pairs than this say nothing: the guards stay on
HOUSEHOLD_MIN_PAIRS = 20


def _id_hashes_sql(table: str, column: str = "customer_record_id") -> str:
    # md5 is stable across DuckDB versions and platforms (unlike hash())
    return f"select distinct md5_number_lower(cast({column} as varchar)) as h from {table} where {column} is not null"


def _sketch(con, table: str, k: int = SKETCH_K) -> list[int]:
    rows = con.execute(f"select h from ({_id_hashes_sql(table)}) order by h limit {int(k)}").fetchall()
    return [int(r[0]) for r in rows]


def term_frequency_counts(con, table: str, columns: list[str],
                          min_count: int = TERM_FREQUENCY_MIN_COUNT) -> dict[str, Any]:
    """Per term-frequency column of the prepared ``table``: how many records have a value, the
    count of every value seen at least ``min_count`` times, and the average count of the others.

    Scoring takes its term frequencies from these counts, not from the records being scored, so a
    pair's score depends on its two records only: a daily run that scores only changed records
    finds the very pairs and probabilities a full scoring finds.
    """
    counts = {}
    for col in columns:
        # one grouping of the column gives the total, the rare values' average and the common ones
        record_count, rare_average, common = con.execute(f"""
            select
                coalesce(sum(n), 0),
                avg(n) filter (where n < {int(min_count)}),
                coalesce(list(struct_pack(value, n) order by value) filter (where n >= {int(min_count)}), [])
            from (select {col} as value, count(*) as n from {table} where {col} is not null group by 1)
        """).fetchall()[0]
        counts[col] = {
            "record_count": int(record_count),
            "rare_value_count": float(rare_average) if rare_average is not None else 1.0,
            "value_counts": {str(entry["value"]): int(entry["n"]) for entry in common},
        }
    return {"min_count": int(min_count), "columns": counts}


def _round(x: Any) -> Any:
    if isinstance(x, float):
        if x == 0.0 or not math.isfinite(x):
            return x
        return float(f"{x:.{_SIG_DIGITS}g}")
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_round(v) for v in x]
    return x


def _expectation_maximisation(linker, blocking_rule: str, max_pairs: float | None) -> int:
    """One EM session; returns the iterations it was allowed. Splink's EM can drive the m of a
    level that few pairs reach towards 0 until it no longer fits a float (6e-312) and then
    refuses it: such a session is run again with half the iterations, which stops it before."""
    settings = linker._settings_obj  # Splink has no public way to set a session's iterations
    full = settings.training_settings
    iterations = full.max_iterations
    try:
        while True:
            # a failed session leaves the linker holding only the comparisons it estimated
            before = settings.core_model_settings.copy()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    blocking_rule, estimate_without_term_frequencies=True, max_pairs=max_pairs)
                return iterations
            except ValueError as error:
                if "below the minimum allowed value" not in str(error) or iterations <= 2:
                    raise
                settings.core_model_settings = before
                iterations //= 2
                settings.training_settings = dataclasses.replace(full, max_iterations=iterations)
    finally:
        settings.training_settings = full


def _fill_unobserved(model: dict[str, Any], random_pairs: float) -> list[str]:
    """Levels the training data never showed get values that claim nothing, instead of Splink's
    defaults by level position: a level no random pair reached gets u = 1 / the pairs sampled
    (all the sample can say), a level no EM pair reached m = u (match weight 0). Returns the
    levels filled, for the report."""
    filled = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            # EM can drive a level's m towards 0 (1e-312): Splink refuses to load such a value
            for key in ("m_probability", "u_probability"):
                if level.get(key) is not None and level[key] < MIN_PROBABILITY:
                    level[key] = MIN_PROBABILITY
            label = f"{comparison['output_column_name']}: {level.get('label_for_charts')}"
            if level.get("u_probability") is None:
                level["u_probability"] = 1.0 / random_pairs
                filled.append(f"{label} (u: in no random pair)")
            if level.get("m_probability") is None:
                level["m_probability"] = level["u_probability"]
                filled.append(f"{label} (m: in no training pair, weight 0)")
    return filled


def _remove_matches_from_u(model: dict[str, Any]) -> list[dict[str, Any]]:
    """u is estimated on random record pairs, and some of them are one person: a share equal to
    the prior, each at its level with probability m. Where the prior is not negligible (small
    exports with many duplicates: half of the FEBRL records have one) those pairs inflate the u of
    the levels one person's records reach, and understate what agreeing there weighs. Takes them
    out, u = (u_sampled - prior * m) / (1 - prior), never below U_CORRECTION_FLOOR of the sampled
    u (the sample's own noise). Term-frequency adjusted levels are unaffected: their weight
    reads m and the value's frequency. Returns the levels changed by more than 1%, for the report."""
    prior = model["probability_two_random_records_match"]
    changed = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or m is None or u is None or level.get("fix_u_probability"):
                continue
            corrected = min(max((u - prior * m) / (1 - prior), u * U_CORRECTION_FLOOR), 1.0)
            if corrected < u * 0.99:
                changed.append({"comparison": comparison["output_column_name"],
                                "level": level.get("label_for_charts"), "sampled": u, "corrected": corrected})
            level["u_probability"] = corrected
    return changed


class TrainingError(ValueError):
    """The records cannot support a model; the message says what is missing and what to do."""


def _design_training_rules(con, table: str, comparisons: list, columns: set[str]) -> tuple[list[dict], set[str]]:
    """EM training rules in order of preference, each taken when it estimates a comparison that
    fewer than EM_SESSIONS_PER_COMPARISON sessions have estimated (a rule cannot estimate the
    comparisons of the columns it blocks on) and forms at least MIN_EM_PAIRS pairs; returns the
    rules and the names of the comparisons no rule can estimate."""
    inputs = {c.get_comparison("duckdb").output_column_name: lk_settings.comparison_input_columns(c)
              for c in comparisons}
    chosen: list[dict] = []
    sessions = dict.fromkeys(inputs, 0)
    for rule in lk_settings.TRAINING_RULES:
        done = min(sessions.values(), default=EM_SESSIONS_PER_COMPARISON) >= EM_SESSIONS_PER_COMPARISON
        if len(chosen) >= MAX_EM_SESSIONS or done:
            break
        if not rule.usable(columns):
            continue
        estimates = {name for name, cols in inputs.items() if not cols & rule.reads()}
        if not any(sessions[name] < EM_SESSIONS_PER_COMPARISON for name in estimates):
            continue
        pairs = count_rule(con, table, rule)
        if pairs < MIN_EM_PAIRS:
            continue
        chosen.append({"blocking_rule": rule.blocking_rule, "pairs": pairs, "estimates": sorted(estimates)})
        for name in estimates:
            sessions[name] += 1
    return chosen, {name for name, n in sessions.items() if n == 0}


def _refine_prior(con, db_api, linker, table: str, records: int) -> list[float]:
    """EM's own update of the prior, over every pair the prediction rules form: the expected
    number of matching pairs (the sum of their match probabilities) over all pairs. The rules for
    the prior assume they find a fixed share of the matches; where records are corrupted more
    (or less) than that, this corrects it. Only for data without households: household members
    share an address, a surname, a landline, an e-mail, and Fellegi-Sunter, which adds that up as
    independent evidence, gives their pairs probabilities that overstate the matches. On a sample
    above PRIOR_SAMPLE_RECORDS: matching pairs and pairs shrink alike, so the share holds.
    Returns the prior after each iteration."""
    sample = table
    if records > PRIOR_SAMPLE_RECORDS:
        sample = f"{table}__prior_sample"
        con.execute(f"create or replace table {sample} as select * from {table} "
                    f"order by md5({lk_settings.UNIQUE_ID}) limit {PRIOR_SAMPLE_RECORDS}").fetchall()
    n = min(records, PRIOR_SAMPLE_RECORDS)
    refined = linker if sample == table else Linker(
        db_api.register(sample), linker.misc.save_model_to_json(), log_level=SPLINK_LOG_LEVEL)
    priors = []
    for _ in range(PRIOR_ITERATIONS):
        predictions = refined.inference.predict(threshold_match_probability=0.0, warning_mode="never")
        expected = con.execute(f"select coalesce(sum(match_probability), 0) from {predictions.physical_name}").fetchall()[0][0]
        prior = min(max(float(expected) / (n * (n - 1) / 2), 1e-9), 0.5)
        refined._settings_obj._probability_two_random_records_match = prior
        priors.append(prior)
    linker._settings_obj._probability_two_random_records_match = priors[-1]
    return priors


def household_guards(con, table: str, columns: set[str]) -> dict[str, Any]:
    """Whether the data holds households, which decides the household guards: a Splink pair is
    linked only with compatible first names, and no person spans birth years further apart than
    var max_birth_year_gap. Both keep household members apart (a shared address, landline and
    surname outweigh different first names in Fellegi-Sunter), and both cost the matches whose
    first name or birth date was typed as something else. Exports without households (a list
    of individuals, the FEBRL sets) lose those matches for nothing: there the guards are off."""
    needed = {"street", "house_number", "postcode", "last_name", "first_name"}
    if not needed <= columns:
        return {"on": True, "why": "no street, house number and postcode to find households by: on, to be safe"}
    pairs, other_names = con.execute(f"""
        select count(*), count(*) filter (
            where l.first_name_canonical <> r.first_name_canonical
            and jaro_winkler_similarity(l.first_name, r.first_name) < 0.8)
        from {table} as l join {table} as r
        on l.street = r.street and l.house_number_base = r.house_number_base and l.postcode = r.postcode
            and l.last_name = r.last_name and l.{lk_settings.UNIQUE_ID} < r.{lk_settings.UNIQUE_ID}
        where l.first_name is not null and r.first_name is not null
    """).fetchall()[0]
    share = other_names / pairs if pairs else 0.0
    out = {"pairs_at_one_address_with_one_last_name": int(pairs), "with_other_first_names": int(other_names),
           "share": round(share, 4)}
    if pairs < HOUSEHOLD_MIN_PAIRS:
        return {**out, "on": True, "why": f"fewer than {HOUSEHOLD_MIN_PAIRS} such pairs to tell: on, to be safe"}
    if share >= HOUSEHOLD_MIN_SHARE:
        return {**out, "on": True, "why": f"{share:.0%} of them are other people: the data holds households"}
    return {**out, "on": False, "why": f"only {share:.0%} of them (below {HOUSEHOLD_MIN_SHARE:.0%}): one person's "
            "records, some with a first name typed as another; no households to keep apart"}


def train(records: Any, *, seed: int = 42, max_pairs_u: float = 2e6,
          max_pairs_em: float | None = 2e6, recall_deterministic: float = 0.7,
          comparisons_per_record: float = COMPARISONS_PER_RECORD, min_comparisons: int | None = None,
          max_training_records: int = MAX_TRAINING_RECORDS, max_birth_year_gap: int = 1,
          timings: dict[str, float] | None = None) -> dict[str, Any]:
    """Train a model on normalized customer records (pyarrow Table or DuckDB relation), with
    comparisons and blocking rules built from the columns that carry information in them.

    Raises TrainingError when the records cannot support a model (too few, no informative
    columns, no pair any rule could score)."""
    t0 = time.perf_counter()
    table = to_arrow(records)
    record_count = table.num_rows
    if record_count < MIN_TRAINING_RECORDS:
        raise TrainingError(
            f"{record_count:,} customer records: training needs at least {MIN_TRAINING_RECORDS}. "
            "Land more of the export (every source, all of its rows), then train again.")
    con = new_connection()
    # placeholders are found on the records as they are, then read as unknown everywhere else
    load_prepared(con, table, "c360_train_as_landed")
    shared = shared_values(con, "c360_train_as_landed", max_birth_year_gap)
    placeholders = placeholder_values(shared)
    name = load_prepared(con, table, "c360_train_records", placeholders=placeholders,
                         limit=max_training_records)
    n = con.execute(f"select count(*) from {name}").fetchall()[0][0]
    profile = profile_columns(con, name)
    verdicts = column_verdicts(profile)
    columns = informative_columns(profile)

    rules, not_estimable = _design_training_rules(con, name, lk_settings.comparisons(columns), columns)
    # a comparison no training rule can estimate would score with made-up weights: left out
    comparisons = lk_settings.comparisons(columns, leave_out=not_estimable)
    if len(comparisons) < 2:
        used = ", ".join(sorted(columns)) or "none"
        raise TrainingError(
            "the records carry too little to tell people apart: matching columns with "
            f"information: {used}. A model needs at least two of names, birth date or year, "
            "e-mail, phone and address, filled in enough records for pairs of one person to "
            "be found. Check that the export's columns are mapped onto the landing contract.")

    candidates = [rule for rule in lk_settings.PREDICTION_RULES if rule.usable(columns)]
    counted = choose_rules(con, name, candidates, n, comparisons_per_record, min_comparisons)
    chosen = [c.rule.blocking_rule for c in counted if c.chosen]
    if not chosen:
        raise TrainingError(
            "no two records share the values any blocking rule pairs on (names with a postcode "
            "or birth date, e-mail, phone, street and house number): there is nothing to match. "
            "Check the landed files: are the duplicates in them?")
    deterministic = [rule for rule in lk_settings.DETERMINISTIC_RULES
                     if rule.usable(columns) and count_rule(con, name, rule) > 0]
    if not deterministic:
        raise TrainingError(
            "no two records agree on a near-certain combination (e-mail and initial; first "
            "name, last name and birth date or street and number; phone and names): the share "
            "of duplicates cannot be estimated. Check that duplicates of one person are landed.")
    if not rules:
        raise TrainingError(
            f"no EM training rule forms {MIN_EM_PAIRS} record pairs: the data is too thin to "
            "estimate how often the columns agree for one person. Land more records.")

    db_api = DuckDBAPI(con)
    sdf = db_api.register(name)
    linker = Linker(sdf, lk_settings.build_settings(columns, chosen, leave_out=not_estimable),
                    log_level=SPLINK_LOG_LEVEL)
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [rule.blocking_rule for rule in deterministic], recall=recall_deterministic)
    t2 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    t3 = time.perf_counter()
    for rule in rules:
        rule["iterations"] = _expectation_maximisation(linker, rule["blocking_rule"], max_pairs_em)
    t4 = time.perf_counter()
    prior_from_rules = linker._settings_obj._probability_two_random_records_match
    households = household_guards(con, name, columns)
    priors = [] if households["on"] else _refine_prior(con, db_api, linker, name, n)
    t5 = time.perf_counter()

    model = linker.misc.save_model_to_json()
    unobserved = _fill_unobserved(model, max_pairs_u)
    u_corrected = _remove_matches_from_u(model)
    chosen_counts = {row["blocking_rule"]: row for row in marginal_counts(db_api, sdf, chosen, n)}
    by_source = dict(con.execute(
        f"select source, count(*) from {name} group by source order by source").fetchall())
    model["customer360_training"] = {
        "format": MODEL_FORMAT,
        "seed": seed,
        "record_count": int(record_count),
        "trained_record_count": int(n),
        "records_by_source": {str(k): int(v) for k, v in by_source.items()},
        "id_sketch": {"method": "kmv-md5_number_lower", "k": SKETCH_K,
                      "hashes": [str(h) for h in _sketch(con, "c360_train_as_landed")]},
        "term_frequencies": term_frequency_counts(con, name, [
            c for c in lk_settings.TF_COLUMNS if lk_settings.DERIVED_FROM.get(c, c) in columns]),
        "profile": profile,
        "columns": {c: "used" if c in columns else verdicts[c] for c in lk_settings.MATCH_COLUMNS},
        "comparisons_left_out": {
            comparison: "no EM training rule leaves it to estimate" for comparison in sorted(not_estimable)},
        "shared_values": shared,
        "placeholders": placeholders,
        "blocking": {
            "comparisons_per_record": comparisons_per_record,
            "budget": comparison_budget(n, comparisons_per_record, min_comparisons),
            "rules": [{"blocking_rule": c.rule.blocking_rule, "comparisons": c.comparisons,
                       "chosen": c.chosen, "why_not": c.why_not,
                       **({k: v for k, v in chosen_counts[c.rule.blocking_rule].items() if k != "blocking_rule"}
                          if c.chosen else {})}
                      for c in counted],
        },
        "training_rules": rules,
        "deterministic_rules": [rule.blocking_rule for rule in deterministic],
        "prior": {"from_deterministic_rules": prior_from_rules, "refined": priors,
                  "records": min(n, PRIOR_SAMPLE_RECORDS)},
        "household_guards": households,
        "levels_not_observed": unobserved,
        "u_corrected_for_matches": u_corrected,
    }
    con.close()
    if timings is not None:
        timings.update({"train_load_s": t1 - t0, "train_prior_s": t2 - t1, "train_u_s": t3 - t2,
                        "train_em_s": t4 - t3, "train_refine_prior_s": t5 - t4, "train_total_s": t5 - t0})
    return _round(json.loads(json.dumps(model)))


def dumps_model(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def save_model(model: dict[str, Any], path: str | Path) -> Path:
    """Write the model as pretty-printed JSON with sorted keys (deterministic bytes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps_model(model), encoding="utf-8")
    tmp.replace(path)
    return path


def load_model(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def splink_settings(model: dict[str, Any]) -> dict[str, Any]:
    """The part of the model dict that Splink reads."""
    return {k: v for k, v in model.items() if k != "customer360_training"}


def training_overlap(model: dict[str, Any], records: Any) -> float:
    """Estimated share (0..1) of ``records`` whose customer_record_id was in the training data.

    Uses the KMV sketch: every training id whose hash is at most the sketch's largest hash is in
    the sketch, so among the records hashing below that bound the share found in the sketch is an
    unbiased estimate of the overlap (exact when training had fewer than k records).
    """
    info = model.get("customer360_training") or {}
    hashes = [int(h) for h in (info.get("id_sketch") or {}).get("hashes", [])]
    if not hashes:
        return 0.0
    table = to_arrow(records)
    if table.num_rows == 0:
        return 0.0
    con = new_connection()
    con.register("c360_overlap_ids", table.select(["customer_record_id"]))
    bound = max(hashes)
    con.register("c360_sketch", pa.table({"h": pa.array(hashes, pa.uint64())}))
    below, hit = con.execute(f"""
        select count(*), count(s.h) from ({_id_hashes_sql('c360_overlap_ids')}) i
        left join c360_sketch s on s.h = i.h
        where i.h <= cast({bound} as ubigint)
    """).fetchall()[0]
    con.close()
    return float(hit) / float(below) if below else 0.0
