"""Train the Splink model and keep it as a deterministic JSON-serializable dict.

The model dict is Splink's own settings dict (``linker.misc.save_model_to_json``) plus a
``customer360_training`` block describing the training data: record count, per-source counts and
a k-minimum-values sketch of the customer_record_ids, from which :func:`training_overlap`
estimates the share of another record set that was in the training data, and the term
frequencies that scoring uses (:func:`term_frequency_counts`).
"""

from __future__ import annotations

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

MODEL_FORMAT = 2
SKETCH_K = 1024
#: values seen fewer times than this in the training data are stored only as an average: the
#: model file then holds common names, never an individual's email address
TERM_FREQUENCY_MIN_COUNT = 10
_SIG_DIGITS = 12


def _id_hashes_sql(table: str, column: str = "customer_record_id") -> str:
    # md5 is stable across DuckDB versions and platforms (unlike hash())
    return f"select distinct md5_number_lower(cast({column} as varchar)) as h from {table} where {column} is not null"


def _sketch(con, table: str, k: int = SKETCH_K) -> list[int]:
    rows = con.execute(f"select h from ({_id_hashes_sql(table)}) order by h limit {int(k)}").fetchall()
    return [int(r[0]) for r in rows]


def term_frequency_counts(con, table: str, min_count: int = TERM_FREQUENCY_MIN_COUNT) -> dict[str, Any]:
    """Per term-frequency column of the prepared ``table``: how many records have a value, the
    count of every value seen at least ``min_count`` times, and the average count of the others.

    Scoring takes its term frequencies from these counts, not from the records being scored, so a
    pair's score depends on its two records only: a daily run that scores only changed records
    finds the very pairs and probabilities a full scoring finds.
    """
    counts = {}
    for col in lk_settings.TF_COLUMNS:
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


def train(records: Any, *, seed: int = 42, max_pairs_u: float = 2e6,
          max_pairs_em: float | None = 2e6, recall_deterministic: float = 0.7,
          timings: dict[str, float] | None = None) -> dict[str, Any]:
    """Train the model on normalized customer records (pyarrow Table or DuckDB relation)."""
    t0 = time.perf_counter()
    table = to_arrow(records)
    con = new_connection()
    name = load_prepared(con, table, "c360_train_records")
    n = con.execute(f"select count(*) from {name}").fetchall()[0][0]
    if n < 2:
        raise ValueError("need at least two records to train")
    db_api = DuckDBAPI(con)
    sdf = db_api.register(name)
    linker = Linker(sdf, lk_settings.build_settings(), log_level=SPLINK_LOG_LEVEL)
    t1 = time.perf_counter()

    linker.training.estimate_probability_two_random_records_match(
        lk_settings.deterministic_rules(), recall=recall_deterministic)
    t2 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    t3 = time.perf_counter()
    for rule in lk_settings.training_blocking_rules():
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=max_pairs_em)
    t4 = time.perf_counter()

    model = linker.misc.save_model_to_json()
    by_source = dict(con.execute(
        f"select source, count(*) from {name} group by source order by source").fetchall())
    model["customer360_training"] = {
        "format": MODEL_FORMAT,
        "seed": seed,
        "record_count": int(n),
        "records_by_source": {str(k): int(v) for k, v in by_source.items()},
        "id_sketch": {"method": "kmv-md5_number_lower", "k": SKETCH_K,
                      "hashes": [str(h) for h in _sketch(con, name)]},
        "term_frequencies": term_frequency_counts(con, name),
    }
    con.close()
    if timings is not None:
        timings.update({"train_load_s": t1 - t0, "train_prior_s": t2 - t1,
                        "train_u_s": t3 - t2, "train_em_s": t4 - t3, "train_total_s": t4 - t0})
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
