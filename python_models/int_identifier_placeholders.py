"""The identifier values the saved Splink model reads as unknown: placeholders that at least six
different people carry in its training data (noemail@..., a shop's phone typed in for customers,
1970-01-01). Hard rules never match on them (int_customer_pairs_hard_matched), as Splink never
scores them; customer360.linkage.profile finds them when `customer360 train` runs.
"""

import pyarrow as pa

from customer360 import PROJECT_DIR
from customer360.engines import from_arrow
from customer360.linkage._common import model_placeholders
from customer360.linkage.model import load_model


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    model_path = dbt.config.meta_get("splink_model_path")
    placeholders = model_placeholders(load_model(PROJECT_DIR / model_path))
    rows = sorted((identifier, value) for identifier, values in placeholders.items() for value in values)
    return from_arrow(session, pa.table({
        "identifier": pa.array([identifier for identifier, _ in rows], pa.string()),
        "value": pa.array([value for _, value in rows], pa.string()),
    }))
