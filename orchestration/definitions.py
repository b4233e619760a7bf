"""The code location: `dagster dev -m orchestration`."""


import hashlib
import json
import os
from pathlib import Path

import duckdb
from dagster import (
    AssetSelection, DefaultScheduleStatus, DefaultSensorStatus, Definitions, OpExecutionContext,
    RunRequest, ScheduleDefinition, SensorEvaluationContext, SkipReason, define_asset_job, job, op,
    sensor,
)
from dagster_dbt import DbtCliResource, build_dbt_asset_selection

from customer360 import PROJECT_DIR
from orchestration.assets import (
    WAREHOUSE_WRITER_TAGS, customer360_dbt, daily_run_report, landing_files, warehouse_write_lock,
)
from orchestration.project import customer360_project

SPLINK_MODEL_PATH = PROJECT_DIR / "python_models" / "splink_model.json"

daily_job = define_asset_job(
    "customer360_daily",
    selection=build_dbt_asset_selection([customer360_dbt], dbt_select="fqn:*")
    | AssetSelection.assets(daily_run_report),
    description="The daily cycle: `dbt build` of the whole project (incremental where it can be), then the run report.",
    tags=WAREHOUSE_WRITER_TAGS,
)

daily_schedule = ScheduleDefinition(
    name="customer360_daily_schedule",
    job=daily_job,
    cron_schedule=os.environ.get("CUSTOMER360_SCHEDULE_CRON", "0 6 * * *"),
    execution_timezone=os.environ.get("CUSTOMER360_SCHEDULE_TIMEZONE", "Europe/Brussels"),
    default_status=DefaultScheduleStatus.STOPPED,
    description="Runs the daily cycle (cron and timezone: CUSTOMER360_SCHEDULE_CRON / _TIMEZONE).",
)


def landing_state(landing: Path) -> dict[str, str]:
    """Every landed file (relative path) with its size and modification time."""
    state = {}
    for path in sorted(landing.glob("*/*/*")):
        if path.suffix.lower() in (".parquet", ".csv") and path.is_file():
            stat = path.stat()
            state[str(path.relative_to(landing))] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return state


@sensor(
    job=daily_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts the daily job when files appear (or change) in the landing folder.",
)
def landing_files_sensor(context: SensorEvaluationContext):
    landing = Path(os.environ["CUSTOMER360_LANDING_DIR"])
    current = landing_state(landing)
    seen = json.loads(context.cursor) if context.cursor else {}
    new_files = sorted(name for name, version in current.items() if seen.get(name) != version)
    if not new_files:
        return SkipReason(f"no new files in {landing}")
    context.update_cursor(json.dumps(current))
    run_key = hashlib.md5(json.dumps({name: current[name] for name in new_files}).encode()).hexdigest()
    return RunRequest(run_key=run_key, tags={"customer360/new_files": str(len(new_files))})


@op(tags=WAREHOUSE_WRITER_TAGS)
def retrain_linkage_model(context: OpExecutionContext, dbt: DbtCliResource) -> None:
    """Rebuilds the normalized records, retrains the Splink model on them and saves it to
    python_models/splink_model.json with its report beside it (review and commit both); the next
    daily run rescores all pairs."""
    from customer360 import project_var
    from customer360.linkage.model import train
    from customer360.linkage.report import save_with_report

    with warehouse_write_lock():
        dbt.cli(["build", "--select", "+int_customer_records_normalized",
                 "--indirect-selection", "cautious"], manifest=customer360_project.manifest_path).wait()
        connection = duckdb.connect(os.environ["CUSTOMER360_DUCKDB_PATH"], read_only=True)
        try:
            records = connection.sql("select * from intermediate.int_customer_records_normalized").to_arrow_table()
        finally:
            connection.close()
    trained = train(records, max_birth_year_gap=int(project_var("max_birth_year_gap")))
    _, report = save_with_report(trained, SPLINK_MODEL_PATH)
    context.log.info(f"trained on {records.num_rows:,} records; saved {SPLINK_MODEL_PATH} and {report}")


@op(tags=WAREHOUSE_WRITER_TAGS)
def retrain_prediction_models(context: OpExecutionContext, dbt: DbtCliResource) -> None:
    """Trains new prediction models (a new version in the model directory, with its validation
    metrics) and rescores every customer with them; the daily builds then score with that version."""
    with warehouse_write_lock():
        dbt.cli(["build", "--select", "int_customer_predictions_scored+", "--vars",
                 json.dumps({"retrain_predictions": True})], manifest=customer360_project.manifest_path).wait()
    context.log.info("prediction models retrained; mart_customer_predictions rescored")


@job(tags=WAREHOUSE_WRITER_TAGS, description="Retrain the prediction models (weekly schedule).")
def retrain_prediction_models_job():
    retrain_prediction_models()


retrain_predictions_schedule = ScheduleDefinition(
    name="customer360_weekly_prediction_retraining",
    job=retrain_prediction_models_job,
    cron_schedule=os.environ.get("CUSTOMER360_RETRAIN_CRON", "0 4 * * 1"),
    execution_timezone=os.environ.get("CUSTOMER360_SCHEDULE_TIMEZONE", "Europe/Brussels"),
    default_status=DefaultScheduleStatus.STOPPED,
    description="Retrains the prediction models every Monday before the daily run (CUSTOMER360_RETRAIN_CRON).",
)


@job(tags=WAREHOUSE_WRITER_TAGS, description="Retrain the Splink linkage model on demand.")
def retrain_linkage_model_job():
    retrain_linkage_model()


defs = Definitions(
    assets=[*landing_files, customer360_dbt, daily_run_report],
    jobs=[daily_job, retrain_linkage_model_job, retrain_prediction_models_job],
    schedules=[daily_schedule, retrain_predictions_schedule],
    sensors=[landing_files_sensor],
    resources={"dbt": DbtCliResource(project_dir=customer360_project)},
)
