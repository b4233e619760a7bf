"""Soft matching: Splink scores candidate pairs with the trained model saved in the repository.

Only pairs from the review threshold up are kept. Daily runs score only new and changed records
against everyone (customer360.linkage.incremental); the linkage logic lives in customer360.linkage.
On Spark, Splink's Spark backend scores every record in the SparkSession (customer360.linkage.spark).
"""

from customer360 import PROJECT_DIR
from customer360.dbt_helpers import previous_table
from customer360.engines import from_arrow, is_spark, to_arrow
from customer360.linkage.incremental import update_pairs
from customer360.linkage.model import load_model
from customer360.linkage.rescale import describe_fit
from customer360.linkage.settings import INPUT_COLUMNS


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    model_path = dbt.config.meta_get("splink_model_path")
    review_lower = dbt.config.meta_get("review_lower_probability")
    records = dbt.ref("int_customer_records_normalized")
    stats = {}
    if is_spark(session):
        from customer360.linkage.spark import update_pairs_spark

        pairs = update_pairs_spark(session, records, load_model(PROJECT_DIR / model_path),
                                   threshold_match_probability=float(review_lower), stats=stats)
    else:
        pairs = from_arrow(session, update_pairs(
            # only what linkage reads: the other columns would be copied into Python for nothing
            to_arrow(records, [*INPUT_COLUMNS, "normalized_at"]),
            previous_table(session, dbt.this),
            load_model(PROJECT_DIR / model_path),
            threshold_match_probability=float(review_lower),
            stats=stats,
        ))
    print(describe_fit(stats["fit"]), flush=True)
    return pairs
