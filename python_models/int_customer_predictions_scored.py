"""The prediction models' scores for every master customer as of the features' day
(mart_customer_features): trained models are read from the model directory, or trained (and saved
as a new version) when there are none, when they no longer fit the features, or when
var('retrain_predictions') is true, as the weekly Dagster job sets. Logic: customer360.predictions.
"""

from customer360.predictions import PredictionError, empty_scores, load_latest, model_directory, save, score, train


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    model_dir = model_directory(dbt.config.meta_get("prediction_model_dir"), dbt.config.meta_get("warehouse_path"))
    churn_days = int(dbt.config.meta_get("churn_horizon_days"))
    retrain = str(dbt.config.meta_get("retrain_predictions")).lower() == "true"
    current = dbt.ref("mart_customer_features").df()
    models = None if retrain else load_latest(model_dir, churn_days)
    if models is None:
        backdated = dbt.ref("int_customer_features_backdated").df()
        # the season's shape: orders per month (train reads only the months before the as-of day)
        monthly_orders = dbt.ref("fct_orders").filter("order_date is not null").aggregate(
            "date_trunc('month', order_date) as month, count(*) as orders").df()
        try:
            models = train(backdated, current, churn_days, monthly_orders)
        except PredictionError as error:
            # data without enough order history (a CRM-only export): no predictions, said why
            print(f"mart_customer_predictions is empty: {error}")
            return empty_scores()
        save(models, model_dir)
    return score(models, current)
