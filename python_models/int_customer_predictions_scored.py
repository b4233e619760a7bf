"""The prediction models' scores for every master customer as of the features' day
(mart_customer_features): trained models are read from the model directory, or trained (and saved
as a new version) when there are none, when they no longer fit the features, or when
var('retrain_predictions') is true, as the weekly Dagster job sets. Logic: customer360.predictions.
"""

from customer360.engines import aggregate, from_arrow, to_pandas
from customer360.predictions import (
    PredictionError, empty_scores, load_latest, model_directory, people_sample, save, score, train,
)


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    model_dir = model_directory(dbt.config.meta_get("prediction_model_dir"), dbt.config.meta_get("warehouse_path"))
    churn_days = int(dbt.config.meta_get("churn_horizon_days"))
    retrain = str(dbt.config.meta_get("retrain_predictions")).lower() == "true"
    current = to_pandas(dbt.ref("mart_customer_features"))
    models = None if retrain else load_latest(model_dir, churn_days)
    if models is None:
        backdated = dbt.ref("int_customer_features_backdated")
        cut_rows = to_pandas(aggregate(backdated, "as_of_date, count(*) as people"))["people"].tolist()
        share, sample_filter = people_sample(max(cut_rows, default=0))
        if sample_filter:
            print(f"training reads {share:.1%} of the people of each backdated cut (largest cut: {max(cut_rows):,})")
            backdated = backdated.filter(sample_filter)
        backdated = to_pandas(backdated)
        # the season's shape: orders per month (train reads only the months before the as-of day)
        monthly_orders = to_pandas(aggregate(dbt.ref("fct_orders").filter("order_date is not null"),
                                             "date_trunc('month', order_date) as month, count(*) as orders"))
        try:
            models = train(backdated, current, churn_days, monthly_orders, people_share=share)
        except PredictionError as error:
            # data without enough order history (a CRM-only export): no predictions, said why
            print(f"mart_customer_predictions is empty: {error}")
            return from_arrow(session, empty_scores())
        save(models, model_dir)
    return from_arrow(session, score(models, current))
