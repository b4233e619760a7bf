"""Purchase propensity, churn and lifetime value per master customer, trained on the warehouse's
point-in-time features (mart_customer_features, int_customer_features_backdated).

- ``purchase_probability_30d``: a person buys in the 30 days after the as-of day;
- ``churn_probability``: a customer (one order at least) buys nothing in ``churn_days``;
  both gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier), calibrated by
  isotonic regression on half of the later cut's people and validated on the other half;
- ``expected_purchases_12m``, ``probability_alive`` (BG/NBD) and ``expected_spend_12m``
  (Gamma-Gamma times BG/NBD), from pymc-marketing's CLV module, fitted by MAP.

Training is time-based only: for a horizon h and the as-of day T the classifiers train on features
at T - 2h with labels in (T - 2h, T - h] and are calibrated and validated (on two halves of the
people) on features at T - h with labels in (T - h, T]. A trained set of models is a versioned folder under the model directory with its
validation metrics (``metrics.json``); ``latest.json`` names the one the daily build scores with.
"""

from __future__ import annotations

import json
import pickle
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

#: the numeric features of mart_customer_features the classifiers read
FEATURES = [
    "tenure_days", "recency_days", "frequency", "monetary", "average_order_value", "orders_last_30d",
    "orders_last_90d", "mean_days_between_orders", "stddev_days_between_orders", "webshop_order_share",
    "distinct_categories", "top_category_revenue_share", "views_last_7d", "views_last_30d",
    "add_to_carts_last_7d", "add_to_carts_last_30d", "checkouts_last_7d", "checkouts_last_30d",
    "days_since_last_web_visit", "email_opt_in", "sms_opt_in", "post_opt_in",
]
CATEGORICAL = ["top_category"]
PURCHASE_HORIZON_DAYS = 30
CLV_HORIZON_DAYS = 365
#: at most this many examples train a classifier, and customers the BG/NBD and Gamma-Gamma fit
TRAINING_SAMPLE = 200_000
CLV_SAMPLE = 100_000
#: at most about this many people of each backdated cut are read to train and validate: the others
#: would only cost memory (at 10M records a cut holds 5.5M people, the four cuts 21M rows)
BACKDATED_PEOPLE = 1_000_000
LATEST = "latest.json"
#: score()'s output, the columns of int_customer_predictions_scored, with their pandas types
SCORE_COLUMNS = {
    "master_customer_id": "string", "as_of_date": "datetime64[us]", "purchase_probability_30d": "float64",
    "churn_probability": "float64", "expected_purchases_12m": "float64", "expected_spend_12m": "float64",
    "probability_alive": "float64", "model_version": "string",
}
#: the saved models' layout; a folder of another layout is retrained, not read
ARTIFACT_FORMAT = 2


class PredictionError(Exception):
    """The data cannot train a model; the message says what is missing."""


@dataclass
class Models:
    version: str
    as_of_date: str
    churn_days: int
    purchase: object
    churn: object
    categories: list[str]
    bgnbd: object | None = None
    gamma_gamma: object | None = None
    metrics: dict = field(default_factory=dict)
    #: orders per calendar month (January first) relative to the mean month; ones without a year of history
    season: list[float] = field(default_factory=lambda: [1.0] * 12)
    #: the mean season over each classifier's training label window
    trained_season: dict = field(default_factory=dict)


# --- features --------------------------------------------------------------------------------------

def design_matrix(features: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """The classifiers' input: the numeric features as floats (missing stays NaN, which the trees
    handle) and the top category as a pandas categorical over the training categories."""
    matrix = pd.DataFrame({name: pd.to_numeric(features[name], errors="coerce").astype("float64")
                           for name in FEATURES}, index=features.index)
    matrix["top_category"] = pd.Categorical(features["top_category"], categories=categories)
    return matrix


def _examples(backdated: pd.DataFrame, as_of: date, days_before: int) -> pd.DataFrame:
    cut = pd.Timestamp(as_of) - pd.Timedelta(days=days_before)
    return backdated[pd.to_datetime(backdated["as_of_date"]) == cut]


# --- metrics ---------------------------------------------------------------------------------------

def classification_metrics(labels, scores) -> dict:
    """AUC, average precision, Brier score, expected calibration error (ten equal-count bins) and
    the lift of the top decile, of probabilities ``scores`` against 0/1 ``labels``."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(labels, dtype=float)
    p = np.asarray(scores, dtype=float)
    if len(y) == 0 or y.min() == y.max():
        return {"examples": int(len(y)), "positive_rate": float(y.mean()) if len(y) else None}
    order = np.argsort(-p, kind="stable")
    top = order[: max(1, len(p) // 10)]
    bins = np.array_split(np.argsort(p, kind="stable"), 10)
    ece = sum(len(b) * abs(p[b].mean() - y[b].mean()) for b in bins if len(b)) / len(p)
    return {
        "examples": int(len(y)),
        "positive_rate": round(float(y.mean()), 4),
        "auc": round(float(roc_auc_score(y, p)), 4),
        "average_precision": round(float(average_precision_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, np.clip(p, 0, 1))), 4),
        "calibration_error": round(float(ece), 4),
        "top_decile_lift": round(float(y[top].mean() / y.mean()), 3),
    }


def recency_scores(features: pd.DataFrame) -> np.ndarray:
    """The recency baseline's score: the more recent the last order, the likelier the next one;
    no order at all ranks last. A rank, not a probability."""
    recency = pd.to_numeric(features["recency_days"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(recency), -1e9, -recency)


# --- the season ------------------------------------------------------------------------------------
# Neither the trees (trained on one window) nor BG/NBD (a constant rate) know the season. The orders
# per calendar month before the as-of day give its shape; a prediction for a window is scaled by
# the window's season against the season it learned from (proportional hazards: the probability
# of no order becomes its power), so a model trained in spring is not overconfident in autumn.

def season_index(monthly_orders: pd.DataFrame, as_of: date) -> list[float]:
    """Orders per calendar month, relative to the mean month, from the complete months of the two
    years before ``as_of`` (``monthly_orders``: month, orders); ones with less than a year."""
    frame = monthly_orders.copy()
    frame["month"] = pd.to_datetime(frame["month"])
    first_of_month = pd.Timestamp(as_of).to_period("M").to_timestamp()
    frame = frame[(frame["month"] < first_of_month) & (frame["month"] >= first_of_month - pd.DateOffset(years=2))]
    if frame["month"].nunique() < 12:
        return [1.0] * 12
    by_month = frame.groupby(frame["month"].dt.month)["orders"].mean()
    index = [float(by_month.get(m, np.nan)) for m in range(1, 13)]
    mean = np.nanmean(index)
    return [round(v / mean, 4) if not np.isnan(v) and mean > 0 else 1.0 for v in index]


def mean_season(season: list[float], start: date, days: int) -> float:
    """The mean season index over the ``days`` after ``start``."""
    months = pd.date_range(pd.Timestamp(start) + pd.Timedelta(days=1), periods=max(1, days), freq="D").month
    return float(np.mean([season[m - 1] for m in months]))


def _seasonal_exposure(season: list[float], as_of: date, days_back: np.ndarray) -> np.ndarray:
    """Per customer, the mean season index over the ``days_back`` days up to ``as_of``."""
    longest = int(np.nanmax(days_back)) + 1 if len(days_back) else 1
    days = pd.date_range(end=pd.Timestamp(as_of), periods=longest, freq="D")
    daily = np.array([season[m - 1] for m in days.month])[::-1]  # daily[0] = the as-of day
    cumulative = np.concatenate([[0.0], np.cumsum(daily)])
    n = np.clip(np.nan_to_num(days_back, nan=0).astype(int) + 1, 1, longest)
    return cumulative[n] / n


def _rescale_probability(p: np.ndarray, factor: float) -> np.ndarray:
    """P(an order) for a window whose order rate is ``factor`` times the trained one."""
    return 1 - np.power(np.clip(1 - np.asarray(p, dtype=float), 0, 1), factor)


# --- classifiers -----------------------------------------------------------------------------------

def _fit_classifier(x: pd.DataFrame, y: np.ndarray, x_calibrate: pd.DataFrame, y_calibrate: np.ndarray, seed: int):
    """Gradient-boosted trees on the training cut, calibrated by isotonic regression on the later
    cut's calibration half: the probabilities match the most recent window with known outcomes."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.frozen import FrozenEstimator

    for examples, labels in ((len(y), y), (len(y_calibrate), y_calibrate)):
        if examples < 100 or labels.min() == labels.max() or min(labels.sum(), examples - labels.sum()) < 10:
            raise PredictionError(
                f"{examples} examples with {int(labels.sum())} positives: too few to train; predictions "
                "need a few hundred customers with orders over several months")
    trees = HistGradientBoostingClassifier(
        learning_rate=0.06, max_iter=300, max_leaf_nodes=31, min_samples_leaf=40, l2_regularization=1.0,
        categorical_features="from_dtype", early_stopping=True, validation_fraction=0.15,
        n_iter_no_change=20, random_state=seed)
    trees.fit(x, y)
    calibrated = CalibratedClassifierCV(FrozenEstimator(trees), method="isotonic")
    calibrated.fit(x_calibrate, y_calibrate)
    return calibrated


def _sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    return frame.sample(n=n, random_state=seed) if len(frame) > n else frame


def _purchase_examples(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["purchased_next_30d"].notna()]


def _churn_examples(frame: pd.DataFrame) -> pd.DataFrame:
    """Churn is a question about customers: people with an order by the cut."""
    return frame[frame["purchased_within_churn_horizon"].notna() & (frame["frequency"] > 0)]


# --- lifetime value --------------------------------------------------------------------------------

def clv_inputs(features: pd.DataFrame) -> pd.DataFrame:
    """BG/NBD's summary per customer with an order: repeat purchase days (frequency), days from the
    first to the last (recency) and from the first to the as-of day (T); and the mean order value."""
    buyers = features[features["frequency"] > 0]
    frame = pd.DataFrame({
        "customer_id": buyers["master_customer_id"].to_numpy(),
        "frequency": buyers["repeat_purchase_days"].astype(float).to_numpy(),
        "recency": buyers["days_first_to_last_order"].astype(float).to_numpy(),
        # a first order on the as-of day itself: T must exceed recency for the likelihood
        "T": np.maximum(buyers["days_since_first_order"].astype(float).to_numpy(), 1.0),
        "monetary_value": pd.to_numeric(buyers["average_order_value"], errors="coerce").to_numpy(dtype=float),
    })
    frame["recency"] = np.minimum(frame["recency"], frame["T"])
    return frame


def _quiet_pymc():
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="pymc.*|pytensor.*|arviz.*|pymc_marketing.*")
    warnings.filterwarnings("ignore", message=".*BLAS.*|.*ArviZ.*")
    for name in ("pymc", "pytensor", "pymc_marketing", "arviz"):
        logging.getLogger(name).setLevel(logging.ERROR)


def fit_clv(features: pd.DataFrame, seed: int = 7):
    """BG/NBD on every customer's purchase history and Gamma-Gamma on the repeat customers' order
    values (MAP fits; a sample of CLV_SAMPLE customers when there are more)."""
    _quiet_pymc()
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

    data = _sample(clv_inputs(features), CLV_SAMPLE, seed)
    repeat = data[(data["frequency"] > 0) & (data["monetary_value"] > 0)]
    if len(data) < 100 or len(repeat) < 50:
        raise PredictionError(f"{len(data)} customers, {len(repeat)} with repeat purchases: too few for "
                              "BG/NBD and Gamma-Gamma")
    bgnbd = BetaGeoModel()
    bgnbd.fit(data=data[["customer_id", "frequency", "recency", "T"]].reset_index(drop=True), method="map",
              progressbar=False)
    gamma_gamma = GammaGammaModel()
    gamma_gamma.fit(data=repeat[["customer_id", "frequency", "monetary_value"]].reset_index(drop=True),
                    method="map", progressbar=False)
    return bgnbd, gamma_gamma


def predict_clv(bgnbd, gamma_gamma, features: pd.DataFrame, horizon_days: int = CLV_HORIZON_DAYS,
                season: list[float] | None = None) -> pd.DataFrame:
    """Per customer with an order: expected purchases and spend in ``horizon_days`` and the
    probability of still being a customer. Spend per order is Gamma-Gamma's expectation (for a
    one-time buyer the population mean shrunk toward their one value). With ``season``, each
    customer's expected purchases are scaled by the horizon's season over the season of the
    history BG/NBD learned their rate from."""
    _quiet_pymc()
    data = clv_inputs(features).reset_index(drop=True)
    if data.empty:
        return pd.DataFrame(columns=["master_customer_id", "expected_purchases", "probability_alive",
                                     "expected_spend"])
    bg_data = data[["customer_id", "frequency", "recency", "T"]]
    purchases = bgnbd.expected_purchases(data=bg_data, future_t=horizon_days).mean(("chain", "draw")).values
    if season is not None:
        as_of = pd.to_datetime(features["as_of_date"]).max().date()
        purchases = purchases * mean_season(season, as_of, horizon_days) / _seasonal_exposure(
            season, as_of, data["T"].to_numpy())
    alive = bgnbd.expected_probability_alive(data=bg_data).mean(("chain", "draw")).values
    spend_data = data[["customer_id", "frequency", "monetary_value"]].copy()
    spend_data["monetary_value"] = spend_data["monetary_value"].fillna(0).clip(lower=0.01)
    spend_per_order = gamma_gamma.expected_customer_spend(data=spend_data).mean(("chain", "draw")).values
    return pd.DataFrame({
        "master_customer_id": data["customer_id"],
        "expected_purchases": purchases,
        "probability_alive": alive,
        "expected_spend": purchases * spend_per_order,
    })


# --- training, scoring, artifacts ------------------------------------------------------------------

def people_sample(cut_rows: int, key: str = "master_customer_id") -> tuple[float, str | None]:
    """The share of people to read from each backdated cut when its largest cut has ``cut_rows``
    rows, and the SQL filter that keeps them (None when every cut fits BACKDATED_PEOPLE): the people
    whose id's md5 falls in that share of md5's range, so the same people in every cut, on every
    run and on both engines."""
    if cut_rows <= BACKDATED_PEOPLE:
        return 1.0, None
    share = BACKDATED_PEOPLE / cut_rows
    return share, f"substr(md5({key}), 1, 8) < '{int(share * 16 ** 8):08x}'"


def train(backdated: pd.DataFrame, current: pd.DataFrame, churn_days: int,
          monthly_orders: pd.DataFrame | None = None, seed: int = 7, log=print,
          people_share: float = 1.0) -> Models:
    """Train all models for the as-of day of ``current`` (mart_customer_features) from
    ``backdated`` (int_customer_features_backdated, or the ``people_share`` of its people that
    people_sample keeps) and validate the classifiers on the later cut."""
    if current.empty:
        raise PredictionError("no master customers to predict for")
    # the same models from the same data, whatever order the warehouse returns the rows in
    backdated = backdated.sort_values(["as_of_date", "master_customer_id"], ignore_index=True)
    current = current.sort_values("master_customer_id", ignore_index=True)
    as_of = pd.to_datetime(current["as_of_date"]).max().date()
    started = time.perf_counter()
    categories = sorted(c for c in backdated["top_category"].dropna().unique())
    season = season_index(monthly_orders, as_of) if monthly_orders is not None else [1.0] * 12
    trained_season = {}
    metrics: dict = {"as_of_date": as_of.isoformat(), "churn_horizon_days": churn_days,
                     "backdated_people_share": round(people_share, 4)}
    fitted = {}
    for name, horizon, examples, label, positive_is in (
        ("purchase_probability_30d", PURCHASE_HORIZON_DAYS, _purchase_examples, "purchased_next_30d", True),
        ("churn_probability", churn_days, _churn_examples, "purchased_within_churn_horizon", False),
    ):
        train_set = _sample(examples(_examples(backdated, as_of, 2 * horizon)), TRAINING_SAMPLE, seed)
        later = examples(_examples(backdated, as_of, horizon))
        # the later cut, split by person: one half calibrates, the other half validates
        halves = pd.util.hash_pandas_object(later["master_customer_id"], index=False).to_numpy() % 2
        calibration_set, valid_set = later[halves == 0], later[halves == 1]
        y_train, y_calibrate, y_valid = ((frame[label].astype(bool) == positive_is).to_numpy(dtype=int)
                                         for frame in (train_set, calibration_set, valid_set))
        model = _fit_classifier(design_matrix(train_set, categories), y_train,
                                design_matrix(calibration_set, categories), y_calibrate, seed)
        fitted[name] = model
        # calibrated on the window (T - h, T]; scoring rescales to the season of (T, T + h]
        trained_season[name] = mean_season(season, as_of - pd.Timedelta(days=horizon).to_pytimedelta(), horizon)
        p_valid = model.predict_proba(design_matrix(valid_set, categories))[:, 1] if len(valid_set) else []
        baseline = recency_scores(valid_set) * (1 if positive_is else -1)
        metrics[name] = {
            "train_cut": (as_of - pd.Timedelta(days=2 * horizon).to_pytimedelta()).isoformat(),
            "validation_cut": (as_of - pd.Timedelta(days=horizon).to_pytimedelta()).isoformat(),
            "train_examples": int(len(train_set)),
            "calibration_examples": int(len(calibration_set)),
            "model": classification_metrics(y_valid, p_valid),
            "recency_baseline": classification_metrics(y_valid, rank_to_unit(baseline)),
        }
        log(f"{name}: trained on {len(train_set):,} examples, validation AUC "
            f"{metrics[name]['model'].get('auc')} (recency alone {metrics[name]['recency_baseline'].get('auc')})")
    bgnbd, gamma_gamma = fit_clv(current, seed)
    metrics["clv"] = {"customers": int((current["frequency"] > 0).sum()),
                      "fitted_on": int(min(CLV_SAMPLE, (current["frequency"] > 0).sum()))}
    metrics["training_seconds"] = round(time.perf_counter() - started, 1)
    trained_at = datetime.now(timezone.utc)
    version = f"{as_of:%Y%m%d}-{trained_at:%Y%m%dT%H%M%S}"
    metrics["version"], metrics["trained_at"] = version, trained_at.isoformat(timespec="seconds")
    metrics["season_index"] = season
    return Models(version, as_of.isoformat(), churn_days, fitted["purchase_probability_30d"],
                  fitted["churn_probability"], categories, bgnbd, gamma_gamma, metrics, season, trained_season)


def rank_to_unit(scores: np.ndarray) -> np.ndarray:
    """A baseline's ranking as values in [0, 1] (for AUC and lift; its calibration means nothing)."""
    if len(scores) == 0:
        return scores
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return (ranks - 1) / max(1, len(ranks) - 1)


def score(models: Models, current: pd.DataFrame) -> pd.DataFrame:
    """One row per master customer of ``current``: the five predictions, as_of_date and version."""
    x = design_matrix(current, models.categories)
    as_of = pd.to_datetime(current["as_of_date"]).max().date()
    purchase_factor = mean_season(models.season, as_of, PURCHASE_HORIZON_DAYS) / models.trained_season.get(
        "purchase_probability_30d", 1.0)
    churn_factor = mean_season(models.season, as_of, models.churn_days) / models.trained_season.get(
        "churn_probability", 1.0)
    purchase = _rescale_probability(models.purchase.predict_proba(x)[:, 1], purchase_factor)
    churn = 1 - _rescale_probability(1 - models.churn.predict_proba(x)[:, 1], churn_factor)
    clv = predict_clv(models.bgnbd, models.gamma_gamma, current, season=models.season)
    out = pd.DataFrame({
        "master_customer_id": current["master_customer_id"].to_numpy(),
        "as_of_date": pd.to_datetime(current["as_of_date"]).dt.date.to_numpy(),
        "purchase_probability_30d": purchase,
        "churn_probability": np.where(current["frequency"].to_numpy() > 0, churn, np.nan),
    })
    out = out.merge(clv.rename(columns={"expected_purchases": "expected_purchases_12m",
                                        "expected_spend": "expected_spend_12m"}),
                    on="master_customer_id", how="left")
    no_orders = out["expected_purchases_12m"].isna()
    out.loc[no_orders, ["expected_purchases_12m", "expected_spend_12m"]] = 0.0
    out["model_version"] = models.version
    return out[list(SCORE_COLUMNS)]


def model_directory(configured: str | None, warehouse_path: str) -> Path:
    """Where the trained models live: the configured folder, else ``prediction_models/`` beside
    the warehouse file (so a test's or benchmark's warehouse keeps its models apart)."""
    if configured:
        return Path(configured).resolve()
    return Path(warehouse_path).resolve().parent / "prediction_models"


def empty_scores() -> pd.DataFrame:
    """score()'s columns without rows: what the mart holds when no model can be trained."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in SCORE_COLUMNS.items()})


def save(models: Models, model_dir: str | Path) -> Path:
    """Write the models as ``<model_dir>/<version>/`` and point ``latest.json`` at it."""
    folder = Path(model_dir) / models.version
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "classifiers.pkl", "wb") as out:
        pickle.dump({"purchase": models.purchase, "churn": models.churn, "categories": models.categories,
                     "features": FEATURES, "churn_days": models.churn_days, "as_of_date": models.as_of_date,
                     "season": models.season, "trained_season": models.trained_season,
                     "format": ARTIFACT_FORMAT}, out)
    models.bgnbd.save(str(folder / "bgnbd.nc"))
    models.gamma_gamma.save(str(folder / "gamma_gamma.nc"))
    (folder / "metrics.json").write_text(json.dumps(models.metrics, indent=2) + "\n")
    tmp = Path(model_dir) / (LATEST + ".tmp")
    tmp.write_text(json.dumps({"version": models.version}) + "\n")
    tmp.replace(Path(model_dir) / LATEST)
    return folder


def load_latest(model_dir: str | Path, churn_days: int) -> Models | None:
    """The models ``latest.json`` names, or None when there are none or they no longer fit (another
    layout, other features or another churn horizon): then the caller trains new ones."""
    pointer = Path(model_dir) / LATEST
    if not pointer.exists():
        return None
    version = json.loads(pointer.read_text())["version"]
    folder = Path(model_dir) / version
    with open(folder / "classifiers.pkl", "rb") as source:
        saved = pickle.load(source)
    if saved.get("format") != ARTIFACT_FORMAT or saved["features"] != FEATURES or saved["churn_days"] != churn_days:
        return None
    _quiet_pymc()
    from arviz import from_netcdf
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

    # build_from_idata, not load: 0.19.2's load returns the model before building it
    return Models(version, saved["as_of_date"], churn_days, saved["purchase"], saved["churn"],
                  saved["categories"], BetaGeoModel.build_from_idata(from_netcdf(str(folder / "bgnbd.nc"))),
                  GammaGammaModel.build_from_idata(from_netcdf(str(folder / "gamma_gamma.nc"))),
                  json.loads((folder / "metrics.json").read_text()), saved["season"], saved["trained_season"])
