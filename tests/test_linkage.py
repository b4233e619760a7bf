"""Unit tests of customer360.linkage on a small hand-built population (fast: no dbt, no files)."""

from __future__ import annotations

import datetime as dt
import math
import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from customer360.linkage import (
    load_model, predict_between, predict_changed, predict_pairs, predict_within, save_model, train,
    training_overlap,
)
from customer360.linkage.baseline import run_baseline

FIRST = ["jan", "marie", "pieter", "anna", "luc", "sofie", "tom", "els", "koen", "lies", "bart",
         "nathalie", "pierre", "julie", "thomas", "emma", "lucas", "lotte", "wim", "ines"]
LAST = ["peeters", "janssens", "maes", "jacobs", "mertens", "willems", "claes", "goossens",
        "wouters", "dubois", "lambert", "dupont", "martin", "simon", "laurent", "lefebvre",
        "de smet", "van den broeck", "vermeulen", "hermans", "aerts", "smets", "hendrickx"]
STREETS = ["kerkstraat", "stationsstraat", "molenstraat", "rue de la station", "dorpsstraat",
           "nieuwstraat", "schoolstraat", "avenue du parc"]
CITIES = [("1000", "brussel"), ("2000", "antwerpen"), ("3000", "leuven"), ("9000", "gent"),
          ("8000", "brugge"), ("4000", "liege"), ("5000", "namur"), ("2800", "mechelen")]
COLUMNS = ["customer_record_id", "source", "source_record_key", "crm_customer_number", "first_name",
           "first_name_canonical", "last_name", "gender", "birth_date", "birth_year",
           "birth_date_issue", "email", "email_is_invalid", "phone_e164", "phone_is_invalid", "phone_is_mobile",
           "street", "house_number", "postcode", "postcode_is_invalid", "city", "municipality_code", "country_code",
           "country_issue", "created_at", "updated_at"]


def _record(rid: str, source: str, **kw) -> dict:
    row = {c: None for c in COLUMNS}
    row.update(customer_record_id=rid, source=source, source_record_key=rid.split(":", 1)[1],
               email_is_invalid=False, phone_is_invalid=False, postcode_is_invalid=False,
               country_code="BE", created_at=dt.datetime(2024, 1, 1),
               updated_at=dt.datetime(2024, 6, 1))
    row.update(kw)
    if row["first_name_canonical"] is None:
        row["first_name_canonical"] = row["first_name"]
    if row["birth_date"] is not None and row["birth_year"] is None:
        row["birth_year"] = row["birth_date"].year
    if row["phone_e164"] is not None and row["phone_is_mobile"] is None:
        row["phone_is_mobile"] = row["phone_e164"].startswith("+324")  # as normalization decides
    return row


NICK = {"jan": "jean", "pieter": "piet", "thomas": "tom", "nathalie": "nat", "sofie": "fie",
        "marie": "mie", "lucas": "luc", "emma": "em"}


def _typo(s: str, r: random.Random) -> str:
    i = 1 + r.randrange(len(s) - 2)
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def _population(n_people: int, seed: int, prefix: str = "") -> list[dict]:
    """Each person: a CRM record, often a webshop record and a POS record with small variations."""
    r = random.Random(seed)
    rows: list[dict] = []
    for i in range(n_people):
        first, last = r.choice(FIRST), r.choice(LAST)
        bd = dt.date(1950 + r.randrange(50), 1 + r.randrange(12), 1 + r.randrange(28))
        pc, city = r.choice(CITIES)
        street, number = r.choice(STREETS), str(1 + r.randrange(150))
        mobile = f"+3247{seed % 10}{i:06d}"
        email = f"{first}.{last.replace(' ', '')}{i}{prefix}@example.be"
        rows.append(_record(f"crm:{prefix}{100000 + i}", "crm", crm_customer_number=f"{prefix}{100000 + i}",
                            first_name=first, last_name=last, birth_date=bd, email=email,
                            phone_e164=mobile, street=street, house_number=number, postcode=pc,
                            city=city, gender=r.choice("mf")))
        if r.random() < 0.7:
            w_first, w_canon, w_last = first, first, last
            x = r.random()
            if x < 0.1:
                w_first = NICK.get(first, first)
            elif x < 0.2:
                w_last = _typo(last, r)
            w_street, w_number, w_pc, w_city = street, number, pc, city
            if r.random() < 0.15:  # moved since
                w_pc, w_city = r.choice(CITIES)
                w_street, w_number = r.choice(STREETS), str(1 + r.randrange(150))
            elif r.random() < 0.1:
                w_number = number + " bus 2"
            w_email = email if r.random() < 0.7 else (
                None if r.random() < 0.3 else f"{first[0]}{last.replace(' ', '')}{i}@mail.be")
            if w_email and r.random() < 0.1:
                w_email = w_email.replace("@", "x@")
            rows.append(_record(f"webshop:{prefix}W{i:06d}", "webshop", first_name=w_first,
                                first_name_canonical=w_canon, last_name=w_last, email=w_email,
                                phone_e164=mobile if r.random() < 0.6 else None, street=w_street,
                                house_number=w_number, postcode=w_pc, city=w_city))
        if r.random() < 0.5:
            p_first, p_last = (last, first) if r.random() < 0.05 else (first, last)
            rows.append(_record(f"pos:{prefix}{2000000 + i}", "pos", first_name=p_first,
                                last_name=p_last, birth_year=bd.year if r.random() < 0.85 else None,
                                phone_e164=mobile if r.random() < 0.8 else None,
                                postcode=pc if r.random() < 0.9 else r.choice(CITIES)[0]))
    return rows


def _table(rows: list[dict]) -> pa.Table:
    schema = pa.schema([
        (c, pa.timestamp("us") if c in ("created_at", "updated_at") else
         pa.date32() if c == "birth_date" else pa.int32() if c == "birth_year" else
         pa.bool_() if c.endswith(("_invalid", "_is_mobile")) else pa.string()) for c in COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


SPECIAL = [
    # the same man: nickname (jef -> jozef), a typo in the surname, phone already normalized
    _record("crm:900001", "crm", crm_customer_number="900001", first_name="jozef",
            last_name="vermeiren", birth_date=dt.date(1971, 5, 17), email="jozef.vermeiren@telenet.be",
            phone_e164="+32475998877", street="lindenlaan", house_number="12", postcode="2960",
            city="brecht", gender="m"),
    _record("webshop:WX900001", "webshop", first_name="jef", first_name_canonical="jozef",
            last_name="vermieren", email="jozef.vermeiren@telenet.be", phone_e164="+32475998877",
            street="lindenlaan", house_number="12", postcode="2960", city="brecht"),
    # his wife: same address, same surname, the household landline, other first name and birth
    _record("crm:900002", "crm", crm_customer_number="900002", first_name="martine",
            last_name="vermeiren", birth_date=dt.date(1974, 2, 3), email="martine.v@gmail.com",
            phone_e164="+3233123456", street="lindenlaan", house_number="12", postcode="2960",
            city="brecht", gender="f"),
    _record("pos:2900003", "pos", first_name="raf", first_name_canonical="rafael",
            last_name="vermeiren", birth_year=1999, phone_e164="+3233123456", postcode="2960"),
]


@pytest.fixture(scope="module")
def records() -> pa.Table:
    return _table(_population(400, seed=1) + SPECIAL)


@pytest.fixture(scope="module")
def model(records) -> dict:
    return train(records, seed=7, max_pairs_u=2e5)


@pytest.fixture(scope="module")
def pairs(records, model) -> pa.Table:
    return predict_pairs(records, model)


def _pair(pairs: pa.Table, a: str, b: str) -> dict | None:
    l, r = min(a, b), max(a, b)
    for row in pairs.to_pylist():
        if row["customer_record_id_l"] == l and row["customer_record_id_r"] == r:
            return row
    return None


def test_training_returns_trained_parameters(model, records):
    assert model["link_type"] == "dedupe_only"
    assert model["unique_id_column_name"] == "customer_record_id"
    assert 0 < model["probability_two_random_records_match"] < 1
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert {"first_name", "last_name", "birth", "email", "phone", "address"} <= set(names)
    for comp in model["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        assert all(0 < lv.get("u_probability", 0.5) <= 1 for lv in levels)
        trained = [lv for lv in levels if "m_probability" in lv and "u_probability" in lv]
        assert len(trained) >= 2, comp["output_column_name"]
    first = next(c for c in model["comparisons"] if c["output_column_name"] == "first_name")
    assert any(lv.get("tf_adjustment_column") == "first_name" for lv in first["comparison_levels"])
    info = model["customer360_training"]
    assert info["record_count"] == records.num_rows
    assert sum(info["records_by_source"].values()) == records.num_rows
    # fewer records than k: the sketch holds every id
    assert len(info["id_sketch"]["hashes"]) == min(records.num_rows, info["id_sketch"]["k"])


def test_term_frequencies_come_from_training_and_keep_no_rare_values(model, records):
    trained = model["customer360_training"]["term_frequencies"]
    assert trained["min_count"] == 10
    first_names = trained["columns"]["first_name"]
    assert first_names["record_count"] == pc.count(records.column("first_name")).as_py()
    assert first_names["value_counts"]["jan"] >= 10
    # e-mail addresses are personal and rare: only their average count is kept
    emails = trained["columns"]["email"]
    assert emails["value_counts"] == {} and 1.0 <= emails["rare_value_count"] < 2.0


def test_a_pair_scores_the_same_whatever_else_is_scored(records, model, pairs):
    """Term frequencies come from the model, so more people named jan (or fewer) elsewhere
    do not move the score of a pair: what makes a daily batch score like a full run."""
    others = _table(_population(100, seed=5, prefix="X"))
    together = predict_pairs(pa.concat_tables([records, others]), model)
    original = set(records.column("customer_record_id").to_pylist())
    kept = together.filter(pa.array([
        row["customer_record_id_l"] in original and row["customer_record_id_r"] in original
        for row in together.select(["customer_record_id_l", "customer_record_id_r"]).to_pylist()
    ]))
    assert kept.equals(pairs)


def test_save_load_round_trip_is_byte_identical(model, records, tmp_path):
    p1 = save_model(model, tmp_path / "a.json")
    loaded = load_model(p1)
    assert loaded == model
    p2 = save_model(loaded, tmp_path / "b.json")
    assert p1.read_bytes() == p2.read_bytes()
    # same data and seed, rows shuffled: the same file
    shuffled = records.take(list(reversed(range(records.num_rows))))
    p3 = save_model(train(shuffled, seed=7, max_pairs_u=2e5), tmp_path / "c.json")
    assert p3.read_bytes() == p1.read_bytes()


def test_obvious_duplicate_scores_high_and_household_low(pairs):
    dup = _pair(pairs, "crm:900001", "webshop:WX900001")
    assert dup is not None and dup["match_probability"] > 0.99
    wife = _pair(pairs, "crm:900001", "crm:900002")
    assert wife is None or wife["match_probability"] < 0.5
    son = _pair(pairs, "crm:900002", "pos:2900003")
    assert son is None or son["match_probability"] < 0.5


def test_output_columns_and_weights_add_up(pairs, model):
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert pairs.column_names == (["customer_record_id_l", "customer_record_id_r",
                                   "match_probability", "match_weight"]
                                  + [f"mw_{n}" for n in names])
    prior = model["probability_two_random_records_match"]
    prior_mw = math.log2(prior / (1 - prior))
    for row in pairs.to_pylist():
        assert row["customer_record_id_l"] < row["customer_record_id_r"]
        total = prior_mw + sum(row[f"mw_{n}"] for n in names)
        assert total == pytest.approx(row["match_weight"], abs=1e-6)
    assert pairs.num_rows > 300


def test_row_order_does_not_matter(records, model, pairs):
    order = list(range(records.num_rows))
    random.Random(3).shuffle(order)
    again = predict_pairs(records.take(order), model)
    assert again.equals(pairs)


def test_scoring_in_parts_gives_the_pairs_of_one_pass(records, model, pairs):
    """Large record sets are scored in parts (each within itself and against the later parts)."""
    in_parts = predict_pairs(records, model, chunk_records=records.num_rows // 3)
    assert in_parts.schema == pairs.schema and in_parts.num_rows == pairs.num_rows
    assert sorted(map(str, in_parts.to_pylist())) == sorted(map(str, pairs.to_pylist()))


def test_training_overlap(model, records):
    assert training_overlap(model, records) == pytest.approx(1.0)
    other = _table(_population(300, seed=2, prefix="x"))
    assert training_overlap(model, other) == pytest.approx(0.0, abs=0.05)
    half = pa.concat_tables([records.slice(0, 200), other.slice(0, 200)])
    assert 0.3 < training_overlap(model, half) < 0.7


def test_predict_between_and_within(records, model, pairs):
    ids = records.column("customer_record_id").to_pylist()
    is_new = [i.startswith("webshop:") for i in ids]
    new = records.filter(pa.array(is_new))
    existing = records.filter(pa.array([not x for x in is_new]))
    between = predict_between(new, existing, model)
    assert between.num_rows > 0
    for row in between.to_pylist():
        sides = {row["customer_record_id_l"].startswith("webshop:"),
                 row["customer_record_id_r"].startswith("webshop:")}
        assert sides == {True, False}
    dup = _pair(between, "crm:900001", "webshop:WX900001")
    assert dup is not None and dup["match_probability"] > 0.99
    within = predict_within(existing, model)
    for row in within.to_pylist():
        assert not row["customer_record_id_l"].startswith("webshop:")
        assert not row["customer_record_id_r"].startswith("webshop:")
    assert _pair(within, "crm:900002", "pos:2900003") is None or \
        _pair(within, "crm:900002", "pos:2900003")["match_probability"] < 0.5
    assert within.num_rows > 0


def test_predict_changed_is_within_plus_between(records, model, pairs):
    """The daily scoring in one pass gives what predict_within and predict_between give."""
    is_changed = pa.array([i.startswith("webshop:") for i in records.column("customer_record_id").to_pylist()])
    changed, unchanged = records.filter(is_changed), records.filter(pc.invert(is_changed))
    expected = pa.concat_tables([predict_within(changed, model),
                                 predict_between(changed, unchanged, model)])
    got = predict_changed(changed, unchanged, model)
    assert got.num_rows > 0
    assert got.schema == expected.schema
    assert sorted(map(str, got.to_pylist())) == sorted(map(str, expected.to_pylist()))


def test_predict_between_leaves_out_existing_records_out_of_reach_and_loses_no_pair(records):
    """predict_between hands Splink only the existing records that a blocking rule pairs with a
    new one (existing_in_reach): far fewer records, and still every pair a full scoring finds
    between the two sides, with the same probabilities. (A model blocking as on large data: on
    data this small the budget's floor would admit rules that reach almost everyone.)"""
    from customer360.linkage._common import load_prepared, new_connection
    from customer360.linkage.predict import existing_in_reach

    model = train(records, seed=7, max_pairs_u=2e5, min_comparisons=0)
    pairs = predict_pairs(records, model)
    ids = records.column("customer_record_id").to_pylist()
    new_ids = set(ids[::50])
    is_new = pa.array([i in new_ids for i in ids])
    new, existing = records.filter(is_new), records.filter(pc.invert(is_new))
    con = new_connection()
    in_reach = existing_in_reach(con, load_prepared(con, new, "n"), load_prepared(con, existing, "e"), model)
    kept = con.execute(f"select count(*) from {in_reach}").fetchall()[0][0]
    con.close()
    assert 0 < kept < existing.num_rows / 2
    crosses = pa.array([(l in new_ids) != (r in new_ids) for l, r in zip(
        pairs.column("customer_record_id_l").to_pylist(), pairs.column("customer_record_id_r").to_pylist())])
    expected = pairs.filter(crosses)
    got = predict_between(new, existing, model)
    assert expected.num_rows > 0
    assert sorted(map(str, got.to_pylist())) == sorted(map(str, expected.to_pylist()))


def test_accepts_a_duckdb_relation(records, model, pairs):
    import duckdb

    con = duckdb.connect()
    con.register("recs", records)
    out = predict_pairs(con.sql("select * from recs"), model)
    assert out.equals(pairs)


def _person(record_id: str) -> str:
    """The person behind a record of _population: crm:100007, webshop:W000007 and pos:2000007 are 7."""
    key = record_id.split(":", 1)[1].lstrip("W")
    return str(int(key) % 100000) if key.isdigit() else key


def test_baseline_returns_clusters_that_a_competent_script_would(records):
    clusters = run_baseline(records, max_pairs_u=2e5)
    assert clusters.column_names == ["customer_record_id", "cluster_id"]
    assert clusters.num_rows == records.num_rows
    pairs = {}
    for record_id, cluster in zip(clusters.column("customer_record_id").to_pylist(),
                                  clusters.column("cluster_id").to_pylist()):
        pairs.setdefault(cluster, []).append(_person(record_id))
    predicted = sum(len(m) * (len(m) - 1) // 2 for m in pairs.values())
    correct = sum(sum(1 for i, a in enumerate(m) for b in m[i + 1:] if a == b) for m in pairs.values())
    truth = {}
    for record_id in records.column("customer_record_id").to_pylist():
        truth[_person(record_id)] = truth.get(_person(record_id), 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in truth.values())
    # no chaining of everything into one cluster, and most duplicates found
    assert correct / predicted > 0.75 and correct / true_pairs > 0.7


def _with_normalized_at(records: pa.Table, changed_ids: set[str], day1: dt.datetime,
                        day2: dt.datetime) -> pa.Table:
    stamps = [day2 if rid in changed_ids else day1 for rid in records.column("customer_record_id").to_pylist()]
    return records.append_column("normalized_at", pa.array(stamps, pa.timestamp("us")))


def test_update_pairs_scores_only_changed_records(records, model):
    from customer360.linkage.incremental import update_pairs

    day1, day2 = dt.datetime(2026, 11, 1, 6), dt.datetime(2026, 11, 2, 6)
    ids = records.column("customer_record_id").to_pylist()
    # day 2: every POS record is new or changed
    changed = {i for i in ids if i.startswith("pos:")}
    stats: dict = {}
    first = update_pairs(_with_normalized_at(records.filter(pa.array([i not in changed for i in ids])),
                                             set(), day1, day1),
                         None, model, threshold_match_probability=0.01, stats=stats)
    assert stats["mode"] == "full"
    assert set(first.column("scored_through").to_pylist()) == {day1}

    day2_records = _with_normalized_at(records, changed, day1, day2)
    second = update_pairs(day2_records, first, model, threshold_match_probability=0.01, stats=stats)
    assert stats == {"mode": "incremental", "records": len(ids), "changed_records": len(changed),
                     "pairs": second.num_rows,
                     "fit": {"growth_octaves": 0.0, "records": len(ids), "trained_records": len(ids)}}
    assert set(second.column("scored_through").to_pylist()) == {day2}
    # pairs of unchanged records are kept as they were
    key = ("customer_record_id_l", "customer_record_id_r", "match_probability")
    kept_before = {tuple(r[k] for k in key) for r in first.to_pylist()}
    kept_after = {tuple(r[k] for k in key) for r in second.to_pylist()
                  if not ({r["customer_record_id_l"], r["customer_record_id_r"]} & changed)}
    assert kept_after == kept_before
    # and the whole table is exactly what a full scoring of day 2 gives
    full = predict_pairs(records, model, threshold_match_probability=0.01)
    assert full.num_rows > len(kept_before)
    assert second.drop_columns(["scored_through", "model_fingerprint"]).equals(full)

    # the same day again: nothing to score, nothing changes
    third = update_pairs(day2_records, second, model, threshold_match_probability=0.01, stats=stats)
    assert stats["mode"] == "unchanged" and third.equals(second)
    # another threshold (or model) rescores everything
    update_pairs(day2_records, second, model, threshold_match_probability=0.02, stats=stats)
    assert stats["mode"] == "full"


# --- settings from the data ----------------------------------------------------------------------

def test_pair_counts_from_block_sizes_are_the_pairs_splink_forms(records):
    """The budget is spent on counts computed from block sizes; Splink's own count agrees."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from customer360.linkage import settings as lk_settings
    from customer360.linkage._common import load_prepared, new_connection
    from customer360.linkage.blocking import count_rule

    con = new_connection()
    name = load_prepared(con, records, "c360_counted")
    sdf = DuckDBAPI(con).register(name)
    rules = [lk_settings._rule("first_name_canonical", "last_name", "postcode_prefix"),
             lk_settings._SWAPPED_RULE, lk_settings.Rule(("phone_e164",), where="phone_is_mobile")]
    for rule in rules:
        splink_count = count_comparisons_from_blocking_rules(
            sdf, blocking_rules=[rule.blocking_rule], link_type="dedupe_only",
            unique_id_column_name="customer_record_id", record_sample_proportion=1.0,
        )[0]["marginal_comparison_count"]
        assert count_rule(con, name, rule) == splink_count, rule.blocking_rule
    con.close()


def test_the_budget_admits_broad_rules_only_while_their_pairs_stay_few(records):
    from customer360.linkage import blocking
    from customer360.linkage import settings as lk_settings
    from customer360.linkage._common import load_prepared, new_connection
    from customer360.linkage.blocking import choose_rules

    assert blocking.comparison_budget(1_000_000, 12) == 12_000_000
    assert blocking.comparison_budget(1_000, 12) == blocking.MIN_COMPARISONS  # small data: the floor

    con = new_connection()
    name = load_prepared(con, records, "c360_budget")
    candidates = [rule for rule in lk_settings.PREDICTION_RULES if rule.usable(set(lk_settings.MATCH_COLUMNS))]
    generous = choose_rules(con, name, candidates, records.num_rows, comparisons_per_record=1000)
    tight = choose_rules(con, name, candidates, records.num_rows, comparisons_per_record=3, min_comparisons=0)
    con.close()
    # a whole surname is a broad rule: many pairs per record
    assert [c for c in generous if c.rule.blocking_rule == 'l."last_name" = r."last_name"'][0].chosen
    dropped = [c for c in tight if not c.chosen and c.why_not and c.why_not.startswith("over the budget")]
    assert any(c.rule.blocking_rule == 'l."last_name" = r."last_name"' for c in dropped)
    assert sum(c.comparisons for c in tight if c.chosen) <= 3 * records.num_rows


def test_a_model_is_built_from_the_columns_that_carry_information(records):
    """An export without e-mail and phone: no such comparison, rule or EM session, and the
    report says why."""
    from customer360.linkage.report import render_report

    blank = records.set_column(records.schema.get_field_index("email"), "email",
                               pa.nulls(records.num_rows, pa.string()))
    blank = blank.set_column(blank.schema.get_field_index("phone_e164"), "phone_e164",
                             pa.nulls(records.num_rows, pa.string()))
    model = train(blank, seed=7, max_pairs_u=2e5)
    names = {c["output_column_name"] for c in model["comparisons"]}
    assert names == {"first_name", "last_name", "birth", "address"}
    info = model["customer360_training"]
    assert info["columns"]["email"] == "empty" and info["columns"]["phone_e164"] == "empty"
    rules = [r["blocking_rule"] for r in info["blocking"]["rules"]] + \
        [r["blocking_rule"] for r in info["training_rules"]] + info["deterministic_rules"]
    assert not any("email" in rule or "phone" in rule for rule in rules)
    assert "| email |" in render_report(model) and "no: empty" in render_report(model)
    pairs = predict_pairs(blank, model)
    assert pairs.column("mw_email").null_count == pairs.num_rows  # the column stays, empty


def test_placeholders_many_people_share_are_read_as_unknown(records):
    """A default e-mail typed in for twenty customers links nobody: the model lists it and
    scores it as no e-mail at all."""
    rows = [_record(f"crm:P{i}", "crm", crm_customer_number=f"P{i}", first_name=FIRST[i % len(FIRST)],
                    last_name=LAST[i % len(LAST)], birth_date=dt.date(1960 + i, 1, 1),
                    email="noemail@brico.be", postcode="9000", city="gent") for i in range(20)]
    with_default = pa.concat_tables([records, _table(rows)])
    model = train(with_default, seed=7, max_pairs_u=2e5)
    info = model["customer360_training"]
    assert "noemail@brico.be" in info["placeholders"]["email"]
    assert info["shared_values"]["email"]["placeholders"][0]["people"] >= 6
    pairs = predict_pairs(with_default, model)
    among = [r for r in pairs.to_pylist() if r["customer_record_id_l"].startswith("crm:P")
             and r["customer_record_id_r"].startswith("crm:P")]
    assert all(r["mw_email"] == 0 for r in among)


def test_training_on_too_few_records_stops_with_a_message(records):
    from customer360.linkage.model import TrainingError

    with pytest.raises(TrainingError, match="training needs at least 100"):
        train(records.slice(0, 40))
    names_only = records.select(["customer_record_id", "source"]).append_column(
        "last_name", records.column("last_name"))
    for column in records.column_names:
        if column not in names_only.column_names:
            names_only = names_only.append_column(column, pa.nulls(records.num_rows, records.schema.field(column).type))
    with pytest.raises(TrainingError, match="too little to tell people apart"):
        train(names_only.select(records.column_names))


def test_u_leaves_out_the_pairs_of_one_person_among_the_random_pairs():
    from customer360.linkage.model import U_CORRECTION_FLOOR, _remove_matches_from_u

    def level(label, m, u, **extra):
        return {"label_for_charts": label, "m_probability": m, "u_probability": u, **extra}

    model = {"probability_two_random_records_match": 1e-4, "comparisons": [{
        "output_column_name": "birth",
        "comparison_levels": [
            {"label_for_charts": "null", "is_null_level": True},
            # half the sampled pairs at this level are one person: u halves (weight +1 bit)
            level("same birth date", 0.9, 1.8e-4),
            # all of them are: u stays at the floor, not 0
            level("same birth date and place", 0.05, 5e-6),
            level("else", 0.05, 0.99999),
        ]}]}
    changed = _remove_matches_from_u(model)
    same, place, other = model["comparisons"][0]["comparison_levels"][1:]
    assert same["u_probability"] == pytest.approx((1.8e-4 - 0.9e-4) / (1 - 1e-4))
    assert place["u_probability"] == pytest.approx(5e-6 * U_CORRECTION_FLOOR)
    assert 0.99999 <= other["u_probability"] <= 1.0
    assert [c["level"] for c in changed] == ["same birth date", "same birth date and place"]


def test_a_model_scoring_more_records_than_it_was_trained_on_is_fitted_to_them(model, monkeypatch):
    from customer360.linkage import rescale

    trained = model["customer360_training"]["record_count"]
    assert rescale.growth_steps(trained, trained) == 0
    assert rescale.growth_steps(trained, trained // 3) == 0          # fewer: as trained
    assert rescale.growth_steps(trained, int(trained * 1.3)) == 0    # under half an octave
    assert rescale.growth_steps(trained, trained * 4) == 2.0
    assert rescale.growth_steps(trained, int(trained * 6)) == 2.5    # half octaves, rounded down

    grown = _table(_population(1600, seed=2))
    assert rescale.growth_steps(trained, grown.num_rows) == 2.0
    same, fit = rescale.model_for_records(model, grown.slice(0, trained))
    assert same is model and fit["growth_octaves"] == 0
    # records given by a function are read only when the model has to be fitted
    same, fit = rescale.model_for_records(model, lambda: pytest.fail("records read"), record_count=trained)
    assert same is model and fit["records"] == trained
    # a budget the model's rules no longer fit: they are kept in order while they fit
    monkeypatch.setattr(rescale, "comparison_budget", lambda records, per_record: 2_000)
    fitted, fit = rescale.model_for_records(model, grown)
    assert fitted["probability_two_random_records_match"] == pytest.approx(
        model["probability_two_random_records_match"] / 4)
    rules = [r["blocking_rule"] if isinstance(r, dict) else r for r in model["blocking_rules_to_generate_predictions"]]
    kept = [r["blocking_rule"] if isinstance(r, dict) else r for r in fitted["blocking_rules_to_generate_predictions"]]
    assert fit["pairs_formed"] <= 2_000 and fit["rules_kept"] == len(kept)
    assert kept == [r for r in rules if r in kept] and 0 < len(kept) < len(rules)
    assert {d["blocking_rule"] for d in fit["rules_dropped"]} == set(rules) - set(kept)
    assert model["probability_two_random_records_match"] != fitted["probability_two_random_records_match"]
    assert "left out" in rescale.describe_fit(fit) and "@" not in rescale.describe_fit(fit)
