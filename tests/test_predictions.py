"""Predictive marts: the generator's known behaviour, the metrics, and a small warehouse whose
predictions are trained once, saved as a version, reused by the next build and retrained on demand."""

from __future__ import annotations

import json
import math

import duckdb
import numpy as np
import pytest

from conftest import dbt
from customer360.generator import generate
from customer360.generator.behaviour import DAY, expected_purchases, purchase_probability
from customer360 import predictions
from customer360.predictions import classification_metrics, people_sample

PEOPLE = 1_500


def test_the_oracle_follows_the_parameters():
    # over a whole year the season averages out: the expected purchases are the yearly rate
    assert expected_purchases(3.0, 0, 365.25 * DAY) == pytest.approx(3.0, rel=1e-6)
    assert expected_purchases(3.0, 100 * DAY, 50 * DAY) == 0.0
    # someone who left buys nothing; someone active buys with 1 - exp(-expected purchases)
    assert purchase_probability(3.0, 0, 10 * DAY, 20 * DAY, 30) == 0.0
    mean = expected_purchases(3.0, 20 * DAY, 50 * DAY)
    assert purchase_probability(3.0, 0, None, 20 * DAY, 30) == pytest.approx(1 - math.exp(-mean))
    # before the person's first shop record, nothing counts
    assert purchase_probability(3.0, 40 * DAY, None, 20 * DAY, 30) < purchase_probability(3.0, 0, None, 20 * DAY, 30)


def test_the_metrics_of_a_perfect_and_of_a_useless_score():
    labels = np.array([0, 0, 0, 1] * 100)
    perfect = classification_metrics(labels, labels.astype(float))
    assert perfect["auc"] == 1.0 and perfect["brier"] == 0.0 and perfect["calibration_error"] == 0.0
    assert perfect["top_decile_lift"] == pytest.approx(4.0)
    constant = classification_metrics(labels, np.full(len(labels), 0.25))
    assert constant["auc"] == 0.5 and constant["calibration_error"] == pytest.approx(0.0)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("predictions")
    generate(people=PEOPLE, seed=3, landing_dir=root / "landing")
    database = root / "warehouse.duckdb"
    assert dbt(root / "landing", database, "build", "--target", "ci", "--select", "+mart_customer_predictions", "+dim_customer",
               "--indirect-selection", "cautious", "--target-path", str(root / "target"))
    return root, database


def _query(database, sql):
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_a_large_backdated_table_is_read_as_the_same_people_in_every_cut(monkeypatch):
    monkeypatch.setattr(predictions, "BACKDATED_PEOPLE", 2_000)
    assert people_sample(2_000) == (1.0, None)
    share, condition = people_sample(10_000)
    assert share == pytest.approx(0.2)
    con = duckdb.connect()
    kept = con.sql("select as_of_date, master_customer_id from range(10000) as r(i), "
                   "(values (date '2026-01-01'), (date '2026-02-01')) as t(as_of_date), "
                   "lateral (select 'MC' || lpad(i::varchar, 6, '0') as master_customer_id)").filter(condition).fetchall()
    people = {cut: {person for day, person in kept if day == cut} for cut, _ in kept}
    assert len(people) == 2
    first, second = people.values()
    assert first == second and 1_800 <= len(first) <= 2_200


def test_every_person_gets_predictions_from_a_saved_version(warehouse):
    root, database = warehouse
    (features, predictions, versions, at_risk, likely), = _query(database, """
        select (select count(*) from marts.mart_customer_features), count(*), count(distinct model_version),
            count(*) filter (where is_at_risk), count(*) filter (where is_likely_to_buy)
        from marts.mart_customer_predictions""")
    assert predictions == features > 0 and versions == 1 and at_risk > 0 and likely > 0
    models = root / "prediction_models"  # beside the warehouse, never in the checkout
    version = json.loads((models / "latest.json").read_text())["version"]
    assert _query(database, "select max(model_version) from marts.mart_customer_predictions")[0][0] == version
    metrics = json.loads((models / version / "metrics.json").read_text())
    for name in ("purchase_probability_30d", "churn_probability"):
        block = metrics[name]
        # time-based split: train on the cut 2h before T, validate on the cut h before T
        assert block["train_cut"] < block["validation_cut"] < metrics["as_of_date"]
        assert 0.5 < block["model"]["auc"] <= 1 and block["model"]["examples"] > 0


def test_a_build_scores_with_the_saved_models_and_retraining_makes_a_new_version(warehouse):
    root, database = warehouse
    before = _query(database, "select max(model_version) from marts.mart_customer_predictions")[0][0]
    select = ["--select", "int_customer_predictions_scored", "--target-path", str(root / "target")]
    assert dbt(root / "landing", database, "build", "--target", "ci", *select)
    assert _query(database, "select max(model_version) from marts.mart_customer_predictions")[0][0] == before
    assert dbt(root / "landing", database, "build", "--target", "ci", *select[:2], "mart_customer_predictions",
               *select[2:], "--vars", '{"retrain_predictions": true}')
    after = _query(database, "select max(model_version) from marts.mart_customer_predictions")[0][0]
    assert after != before
    assert {p.name for p in (root / "prediction_models").iterdir() if p.is_dir()} >= {before, after}


def test_training_examples_never_read_past_the_as_of_day(warehouse):
    _, database = warehouse
    labelled = _query(database, """
        select as_of_date, count(purchased_next_30d), count(purchased_within_churn_horizon), count(*)
        from intermediate.int_customer_features_backdated group by all order by as_of_date""")
    assert [row[0] for row in labelled] == sorted(row[0] for row in labelled) and len(labelled) == 4
    cut_30, cut_60, cut_90, cut_180 = labelled[::-1]
    assert cut_30[1] == cut_30[3] and cut_30[2] == 0   # 30 days back: the 30-day label only
    assert cut_60[2] == 0 and cut_90[2] == cut_90[3] and cut_180[2] == cut_180[3]
