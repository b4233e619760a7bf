"""Says whether the saved Splink model was trained on the records being linked now, and what
training found about the data that the rules downstream follow (household guards, and the
accept threshold that goes with them).

A model fits the data it was trained on: when most records are new to it (someone else's files),
the singular test splink_model_was_trained_on_this_data warns to run `customer360 train` first.
"""

import pyarrow as pa

from customer360 import PROJECT_DIR
from customer360.engines import from_arrow, to_arrow
from customer360.linkage._common import model_household_guards
from customer360.linkage.model import load_model, training_overlap


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    model_path = dbt.config.meta_get("splink_model_path")
    minimum = dbt.config.meta_get("minimum_training_overlap")
    accept = dbt.config.meta_get("match_probability_accept")
    accept_without_households = dbt.config.meta_get("match_probability_accept_without_households")
    records = to_arrow(dbt.ref("int_customer_records_normalized"), "customer_record_id")
    trained_model = load_model(PROJECT_DIR / model_path)
    overlap = training_overlap(trained_model, records)
    trained_on = trained_model.get("customer360_training", {})
    guards = model_household_guards(trained_model)
    return from_arrow(session, pa.table(
        {
            "model_path": [str(model_path)],
            "trained_record_count": pa.array([trained_on.get("record_count")], pa.int64()),
            "linked_record_count": pa.array([records.num_rows], pa.int64()),
            "training_overlap": [float(overlap)],
            "minimum_training_overlap": [float(minimum)],
            "fits_data": [float(overlap) >= float(minimum)],
            "household_guards": [guards],
            "match_probability_accept": [float(accept if guards else accept_without_households)],
        }
    ))
