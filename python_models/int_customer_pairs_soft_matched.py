"""Soft matching: Splink scores candidate pairs with the trained model saved in the repository.

Only pairs from the review threshold up are kept; the linkage logic lives in customer360.linkage.
"""

from customer360 import PROJECT_DIR
from customer360.linkage.model import load_model
from customer360.linkage.predict import predict_pairs


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    model_path = dbt.config.meta_get("splink_model_path")
    review_lower = dbt.config.meta_get("review_lower_probability")
    records = dbt.ref("int_customer_records_normalized").to_arrow_table()
    return predict_pairs(
        records,
        load_model(PROJECT_DIR / model_path),
        threshold_match_probability=float(review_lower),
    )
