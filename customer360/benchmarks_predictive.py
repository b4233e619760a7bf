"""Backtest of the predictive marts: `customer360 benchmark predictive --people N`.

Generates N people, holds out everything after the day T = 91 days before the export (orders and
their lines, web and consent events), builds the project on the rest with
``prediction_as_of_date = T``, and scores what the marts predicted against what the held-out data
shows:

- purchase in (T, T+30] and churn (no order in (T, T+90]): AUC, average precision, Brier score,
  calibration error and top-decile lift, next to the oracle (the generator's true probabilities,
  from each person's parameters), the recency rank alone, the RFM cells (R, then F, then M) and
  BG/NBD's own expected purchases (the structural model of the history, for reference);
- spend in (T, T+90]: BG/NBD x Gamma-Gamma's expected spend for those 90 days against the actual
  (Spearman, mean absolute error, totals), next to the naive baseline (past spend per day since the
  first order, times 90);
- recommendations: hit rate@5, precision@5 and NDCG@5 on the products a customer bought in
  (T, T+30] and had not bought before, next to the five bestsellers they had not bought;
- the seconds of training (a build that trains) and of scoring (a rerun with the saved models),
  against the build's.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from customer360.benchmarks import dbt_node_seconds, run_measured
from customer360.generator.behaviour import purchase_probability
from customer360.generator.population import REFERENCE_DATE, WINDOW_START
from customer360.predictions import (
    classification_metrics, load_latest, predict_clv, rank_to_unit, recency_scores,
)
from customer360.privacy import SALT_ENV

HOLDOUT_DAYS = 91
CHURN_DAYS = 90
TOP_K = 5
_ACTIVITY = {  # what is held out: the rows of these tables after T
    ("sales", "orders"): "ordered_at",
    ("web", "events"): "occurred_at",
    ("consent", "events"): "recorded_at",
}


def predictive(people: int, seed: int, workdir: Path | None, keep: bool) -> int:
    from customer360.generator import generate

    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-predictive-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        full, truth = root / "full" / "landing", root / "full" / "ground_truth"
        generate(people=people, seed=seed, landing_dir=full, ground_truth_dir=truth)
        as_of = REFERENCE_DATE - timedelta(days=HOLDOUT_DAYS)
        landing = root / "train" / "landing"
        hold_out(full, landing, as_of)
        database = root / "train" / "warehouse.duckdb"
        env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing), "CUSTOMER360_DUCKDB_PATH": str(database),
               SALT_ENV: os.environ.get(SALT_ENV, "customer360-benchmark-salt")}
        env.pop("CUSTOMER360_PREDICTION_MODELS", None)  # the models go beside the warehouse
        target = root / "target"
        cli = [sys.executable, "-m", "customer360.cli", "build", "--target-path", str(target),
               "--log-path", str(root / "logs"), "--vars", json.dumps({"prediction_as_of_date": as_of.isoformat()})]
        with open(root / "build.log", "w") as log:
            build = run_measured(cli, env, stdout=log)
        training = dbt_node_seconds(target / "run_results.json").get("int_customer_predictions_scored", float("nan"))
        score_cli = cli + ["--select", "int_customer_predictions_scored"]
        with open(root / "score.log", "w") as log:
            run_measured(score_cli, env, stdout=log)
        scoring = dbt_node_seconds(target / "run_results.json").get("int_customer_predictions_scored", float("nan"))
        report = evaluate(database, full, truth, as_of)
    finally:
        if not keep and workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    print_report(report, people, as_of, build.seconds, training, scoring)
    return 0


def hold_out(full: Path, landing: Path, as_of: date) -> None:
    """Copy the landing folder without the activity after ``as_of`` (and the lines of the orders
    held out). Rows whose timestamp does not parse stay: staging quarantines them as before."""
    shutil.rmtree(landing, ignore_errors=True)
    shutil.copytree(full, landing)
    cutoff = f"{as_of + timedelta(days=1)} 00:00:00"
    connection = duckdb.connect()
    for (source, table), column in _ACTIVITY.items():
        for path in sorted((landing / source / table).glob("*.parquet")):
            connection.execute(
                f"copy (select * from read_parquet('{path}') where coalesce(try_cast({column} as timestamp) "
                f"< timestamp '{cutoff}', true)) to '{path}.tmp' (format parquet, compression zstd)")
            os.replace(f"{path}.tmp", path)
    lines = landing / "sales" / "order_lines"
    for path in sorted(lines.glob("*.parquet")):
        connection.execute(
            f"copy (select * from read_parquet('{path}') where order_id is null or order_id not in ("
            f"select order_id from read_parquet('{full}/sales/orders/*.parquet') where order_id is not null "
            f"and try_cast(ordered_at as timestamp) >= timestamp '{cutoff}')) "
            f"to '{path}.tmp' (format parquet, compression zstd)")
        os.replace(f"{path}.tmp", path)
    connection.close()


def _seconds(text: str | None) -> float | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return (moment - datetime.combine(WINDOW_START, datetime.min.time())).total_seconds()


def evaluate(database: Path, full: Path, truth: Path, as_of: date) -> dict:
    connection = duckdb.connect(str(database), read_only=True)
    t0 = f"timestamp '{as_of + timedelta(days=1)} 00:00:00'"
    connection.execute(f"""
        create temp table holdout as
        select xref.master_customer_id, orders.order_id,
            cast(try_cast(orders.ordered_at as timestamp) as date) as order_date
        from read_parquet('{full}/sales/orders/*.parquet') as orders
        inner join marts.customer_xref as xref
            on orders.channel = xref.source and orders.customer_key = xref.source_record_key
        where try_cast(orders.ordered_at as timestamp) >= {t0}
        qualify row_number() over (partition by orders.order_id order by orders.ordered_at desc) = 1""")
    connection.execute(f"""
        create temp table holdout_lines as
        select holdout.master_customer_id, holdout.order_date, lines.sku,
            try_cast(lines.quantity as double) * try_cast(lines.unit_price as double) as revenue
        from read_parquet('{full}/sales/order_lines/*.parquet') as lines
        inner join holdout on lines.order_id = holdout.order_id""")
    frame = connection.execute(f"""
        select predictions.*, features.recency_days, features.frequency, features.monetary,
            features.days_since_first_order, rfm.r_score, rfm.f_score, rfm.m_score,
            exists (select 1 from holdout where holdout.master_customer_id = predictions.master_customer_id
                    and holdout.order_date <= date '{as_of}' + 30) as bought_30d,
            exists (select 1 from holdout where holdout.master_customer_id = predictions.master_customer_id
                    and holdout.order_date <= date '{as_of}' + {CHURN_DAYS}) as bought_90d,
            (select count(*) from holdout where holdout.master_customer_id = predictions.master_customer_id
             and holdout.order_date <= date '{as_of}' + {CHURN_DAYS}) as orders_90d,
            coalesce((select sum(revenue) from holdout_lines
                      where holdout_lines.master_customer_id = predictions.master_customer_id
                      and holdout_lines.order_date <= date '{as_of}' + {CHURN_DAYS}), 0) as spend_90d
        from marts.mart_customer_predictions as predictions
        inner join marts.mart_customer_features as features using (master_customer_id)
        left join marts.mart_customer_rfm as rfm using (master_customer_id)""").df()
    people = connection.execute(f"""
        select distinct xref.master_customer_id, behaviour.*
        from read_parquet('{truth}/*.parquet') as truth
        inner join marts.customer_xref as xref
            on truth.source = xref.source and truth.source_record_key = xref.source_record_key
        inner join read_parquet('{truth}/behaviour/*.parquet') as behaviour using (person_id)""").df()
    features = connection.execute("select * from marts.mart_customer_features").df()
    recommendations = connection.execute(
        f"select master_customer_id, sku from marts.mart_customer_recommendations where recommendation_rank <= {TOP_K}").df()
    bought = connection.execute(
        "select distinct master_customer_id, sku from marts.fct_order_lines where master_customer_id is not null").df()
    bestsellers = connection.execute(
        "select sku from marts.fct_order_lines where master_customer_id is not null group by sku "
        "order by count(distinct master_customer_id) desc, sku").df()["sku"].tolist()
    new_purchases = connection.execute("""
        select distinct holdout_lines.master_customer_id, holdout_lines.sku
        from holdout_lines
        anti join marts.fct_order_lines as before
            on holdout_lines.master_customer_id = before.master_customer_id and holdout_lines.sku = before.sku
        where holdout_lines.order_date <= (select max(as_of_date) from marts.mart_customer_features) + 30""").df()
    connection.close()

    as_of_s = _seconds(f"{as_of + timedelta(days=1)} 00:00:00")
    oracle = {}
    for row in people.itertuples(index=False):
        active_from, dropped = _seconds(row.active_from), _seconds(row.dropped_out_at)
        p30 = purchase_probability(row.purchase_rate_per_year, active_from, dropped, as_of_s, 30)
        p90 = purchase_probability(row.purchase_rate_per_year, active_from, dropped, as_of_s, CHURN_DAYS)
        none30, none90 = oracle.get(row.master_customer_id, (1.0, 1.0))
        oracle[row.master_customer_id] = (none30 * (1 - p30), none90 * (1 - p90))
    frame["oracle_30d"] = [1 - oracle.get(m, (1.0, 1.0))[0] for m in frame["master_customer_id"]]
    frame["oracle_no_order_90d"] = [oracle.get(m, (1.0, 1.0))[1] for m in frame["master_customer_id"]]

    # the structural reference: BG/NBD's own expected purchases (0 for a person without orders);
    # the 90-day prediction is also the CLV model's
    models = load_latest(database.parent / "prediction_models", CHURN_DAYS)
    clv = {horizon: predict_clv(models.bgnbd, models.gamma_gamma, features, horizon_days=horizon, season=models.season)
           for horizon in (30, CHURN_DAYS)}
    for horizon, expected in clv.items():
        frame = frame.merge(expected[["master_customer_id", "expected_purchases"]].rename(
            columns={"expected_purchases": f"bgnbd_{horizon}d"}), on="master_customer_id", how="left")
        frame[f"bgnbd_{horizon}d"] = frame[f"bgnbd_{horizon}d"].fillna(0.0)
    recency = recency_scores(frame)
    rfm = (frame["r_score"].fillna(0) * 100 + frame["f_score"].fillna(0) * 10 + frame["m_score"].fillna(0)).to_numpy(float)
    report: dict = {"customers": int(len(frame))}
    y = frame["bought_30d"].to_numpy(int)
    report["purchase"] = {
        "model": classification_metrics(y, frame["purchase_probability_30d"]),
        "oracle": classification_metrics(y, frame["oracle_30d"]),
        "recency": classification_metrics(y, rank_to_unit(recency)),
        "rfm": classification_metrics(y, rank_to_unit(rfm)),
        "bgnbd": classification_metrics(y, 1 - np.exp(-frame["bgnbd_30d"].to_numpy(float))),
    }
    customers = frame[frame["frequency"] > 0]
    y = (~customers["bought_90d"]).to_numpy(int)
    report["churn"] = {
        "model": classification_metrics(y, customers["churn_probability"]),
        "oracle": classification_metrics(y, customers["oracle_no_order_90d"]),
        "recency": classification_metrics(y, rank_to_unit(-recency[frame["frequency"].to_numpy() > 0])),
        "rfm": classification_metrics(y, rank_to_unit(-rfm[frame["frequency"].to_numpy() > 0])),
        "bgnbd": classification_metrics(y, np.exp(-customers[f"bgnbd_{CHURN_DAYS}d"].to_numpy(float))),
    }
    spend = customers[["master_customer_id", "spend_90d", "orders_90d", "monetary", "days_since_first_order"]].merge(
        clv[CHURN_DAYS], on="master_customer_id", how="left")
    spend["naive"] = spend["monetary"].astype(float) / spend["days_since_first_order"].clip(lower=1) * CHURN_DAYS
    report["clv"] = {name: _spend_metrics(spend["spend_90d"], spend[column])
                     for name, column in (("model", "expected_spend"), ("naive", "naive"))}
    report["clv"]["orders"] = {"predicted": round(float(spend["expected_purchases"].sum()), 0),
                               "actual": int(spend["orders_90d"].sum())}
    report["recommendations"] = _recommendation_metrics(recommendations, bought, bestsellers, new_purchases)
    report["metrics_json"] = models.metrics
    return report


def _spend_metrics(actual: pd.Series, predicted: pd.Series) -> dict:
    from scipy.stats import spearmanr

    a, p = actual.astype(float).to_numpy(), predicted.astype(float).fillna(0).to_numpy()
    return {"spearman": round(float(spearmanr(a, p).statistic), 4), "mae": round(float(np.abs(a - p).mean()), 2),
            "total_predicted": round(float(p.sum()), 0), "total_actual": round(float(a.sum()), 0)}


def _recommendation_metrics(recommendations: pd.DataFrame, bought: pd.DataFrame, bestsellers: list[str],
                            new_purchases: pd.DataFrame) -> dict:
    relevant = new_purchases.groupby("master_customer_id")["sku"].apply(set).to_dict()
    recommended = recommendations.groupby("master_customer_id")["sku"].apply(list).to_dict()
    owned = bought.groupby("master_customer_id")["sku"].apply(set).to_dict()
    out = {"customers": len(relevant)}
    for name in ("model", "bestsellers"):
        hits = precision = ndcg = 0.0
        for customer, wanted in relevant.items():
            if name == "model":
                top = recommended.get(customer, [])[:TOP_K]
            else:
                mine = owned.get(customer, set())
                top = [sku for sku in bestsellers if sku not in mine][:TOP_K]
            gains = [1.0 if sku in wanted else 0.0 for sku in top]
            hits += 1.0 if any(gains) else 0.0
            precision += sum(gains) / TOP_K
            ideal = sum(1 / math.log2(i + 2) for i in range(min(TOP_K, len(wanted))))
            ndcg += sum(g / math.log2(i + 2) for i, g in enumerate(gains)) / ideal
        n = max(1, len(relevant))
        out[name] = {"hit_rate": round(hits / n, 4), "precision": round(precision / n, 4), "ndcg": round(ndcg / n, 4)}
    return out


def print_report(report: dict, people: int, as_of: date, build_seconds: float, training: float,
                 scoring: float) -> None:
    print(f"predictive backtest: {people:,} people, {report['customers']:,} master customers, features and "
          f"models as of {as_of} (T); held out: everything after T")
    columns = ("auc", "average_precision", "brier", "calibration_error", "top_decile_lift")
    for task, label in (("purchase", "purchase in (T, T+30]"), ("churn", f"churn: no order in (T, T+{CHURN_DAYS}]")):
        block = report[task]
        print(f"\n{label}: {block['model'].get('examples'):,} examples, positive rate {block['model'].get('positive_rate')}")
        print(f"  {'':<22}" + "".join(f"{c:>19}" for c in columns))
        for name, title in (("model", "model (calibrated GBT)"), ("oracle", "oracle (true p)"),
                            ("recency", "recency rank"), ("rfm", "RFM cells"), ("bgnbd", "BG/NBD alone")):
            values = block[name]
            cells = [values.get(c) if name in ("model", "oracle", "bgnbd") or c not in ("brier", "calibration_error")
                     else None
                     for c in columns]
            print(f"  {title:<22}" + "".join(f"{'-' if v is None else v:>19}" for v in cells))
        model, oracle, recency = block["model"]["auc"], block["oracle"]["auc"], block["recency"]["auc"]
        gap = (model - recency) / (oracle - recency) if oracle != recency else float("nan")
        print(f"  AUC over recency: {model - recency:+.4f}; share of the recency-to-oracle gap closed: {gap:.2f}")
    clv = report["clv"]
    print(f"\nspend in (T, T+{CHURN_DAYS}]:  {'spearman':>10}{'MAE':>10}{'total predicted':>17}{'total actual':>14}")
    for name, title in (("model", "BG/NBD x Gamma-Gamma"), ("naive", "naive (spend/day)")):
        v = clv[name]
        print(f"  {title:<22}{v['spearman']:>10}{v['mae']:>10}{v['total_predicted']:>17,.0f}{v['total_actual']:>14,.0f}")
    ratio = clv["model"]["total_predicted"] / clv["model"]["total_actual"] if clv["model"]["total_actual"] else float("nan")
    orders = clv["orders"]
    print(f"  model total / actual: {ratio:.3f} (orders: {orders['predicted']:,.0f} expected, {orders['actual']:,} "
          f"placed; spend per order: {clv['model']['total_predicted'] / max(1, orders['predicted']):.2f} expected, "
          f"{clv['model']['total_actual'] / max(1, orders['actual']):.2f} actual)")
    recs = report["recommendations"]
    print(f"\nrecommendations@{TOP_K} on new-product purchases in (T, T+30] ({recs['customers']:,} customers):")
    for name, title in (("model", "mart_customer_recommendations"), ("bestsellers", "bestsellers not yet bought")):
        v = recs[name]
        print(f"  {title:<32} hit rate {v['hit_rate']:.4f}  precision {v['precision']:.4f}  ndcg {v['ndcg']:.4f}")
    base = recs["bestsellers"]["hit_rate"]
    print(f"  hit rate ratio (ours / bestsellers): {recs['model']['hit_rate'] / base if base else float('nan'):.2f}x")
    print(f"\nseconds: full build {build_seconds:.1f}; training + scoring node {training:.1f} "
          f"({training / build_seconds:.1%} of the build); scoring with saved models {scoring:.1f}")
