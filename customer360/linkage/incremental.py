"""Daily soft matching: score only the records that changed since the last scoring.

The pair table carries two bookkeeping columns on every row: ``scored_through`` (the newest
``normalized_at`` among the records it was scored from) and ``model_fingerprint`` (the model and
threshold it was scored with). A record normalized after ``scored_through`` is new or changed: its
old pairs are dropped and it is scored against every unchanged record (Splink's
``predict_between``) and against the other changed records (``predict_within``). Pairs between two
unchanged records are kept as they were: their score depends on their two records and the model
only (term frequencies come from the model), so the result equals a full scoring's. A different
model or threshold, or no previous table, scores everything. The model is first fitted to the
number of records (customer360.linkage.rescale), so growth past a step refits it and scores
everything once.

Because the watermark lives in the output itself, a run that fails before the pair table is
written leaves the old watermark in place, and the rerun scores the same records again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from customer360.linkage._common import to_arrow
from customer360.linkage.predict import predict_changed, predict_pairs
from customer360.linkage.rescale import model_for_records

BOOKKEEPING = ("scored_through", "model_fingerprint")


def model_fingerprint(model: dict[str, Any], threshold: float) -> str:
    text = json.dumps(model, sort_keys=True) + f"|{threshold!r}"
    return hashlib.md5(text.encode()).hexdigest()


def update_pairs(records: Any, previous: pa.Table | None, model: dict[str, Any], *,
                 threshold_match_probability: float,
                 stats: dict[str, Any] | None = None) -> pa.Table:
    """The scored pairs for ``records`` (which carry ``normalized_at``), reusing ``previous``
    (the last output of this function, or None) for the pairs of unchanged records."""
    records = to_arrow(records)
    # fitted to the number of records (prior, blocking rules): the fingerprint is the fitted model's
    model, fit = model_for_records(model, records)
    fingerprint = model_fingerprint(model, threshold_match_probability)
    watermark = pc.max(records.column("normalized_at")).as_py() if records.num_rows else None
    usable = (
        previous is not None and previous.num_rows > 0
        and previous.column("model_fingerprint")[0].as_py() == fingerprint
    )
    if usable:
        scored_through = previous.column("scored_through")[0]
        changed_mask = pc.fill_null(pc.greater(records.column("normalized_at"), scored_through), True)
        changed = records.filter(changed_mask)
        unchanged = records.filter(pc.invert(changed_mask))
    if not usable or unchanged.num_rows == 0:
        pairs = predict_pairs(records, model, threshold_match_probability=threshold_match_probability)
        mode, n_changed = "full", records.num_rows
    elif changed.num_rows == 0:
        pairs = previous.drop_columns(list(BOOKKEEPING))
        watermark = scored_through.as_py()
        mode, n_changed = "unchanged", 0
    else:
        changed_ids = changed.column("customer_record_id")
        pairs_before = previous.drop_columns(list(BOOKKEEPING))
        kept = pairs_before.filter(pc.invert(pc.or_(
            pc.is_in(pairs_before.column("customer_record_id_l"), value_set=changed_ids),
            pc.is_in(pairs_before.column("customer_record_id_r"), value_set=changed_ids),
        )))
        rescored = predict_changed(changed, unchanged, model,
                                   threshold_match_probability=threshold_match_probability)
        pairs = pa.concat_tables([kept, rescored.cast(kept.schema)])
        pairs = pairs.sort_by([("customer_record_id_l", "ascending"), ("customer_record_id_r", "ascending")])
        mode, n_changed = "incremental", changed.num_rows
    if stats is not None:
        stats.update({"mode": mode, "records": records.num_rows, "changed_records": n_changed,
                      "pairs": pairs.num_rows, "fit": fit})
    n = pairs.num_rows
    return pairs.append_column(
        "scored_through", pa.repeat(pa.scalar(watermark, records.schema.field("normalized_at").type), n)
    ).append_column("model_fingerprint", pa.repeat(pa.scalar(fingerprint, pa.string()), n))
