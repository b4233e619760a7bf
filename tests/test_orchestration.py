"""The Dagster code location: loads, materializes the whole asset graph in-process on small
generated data (dbt tests as asset checks), and its schedule and landing sensor decide right."""

from __future__ import annotations

from datetime import datetime

import pytest
from dagster import (
    AssetKey, DagsterInstance, RunRequest, SkipReason, build_schedule_context, build_sensor_context,
)

from conftest import landing_env
from customer360.generator import generate
from customer360.generator.delta import generate_day

PEOPLE = 800


@pytest.fixture(scope="module")
def location(tmp_path_factory):
    root = tmp_path_factory.mktemp("dagster")
    landing, database = root / "landing", root / "warehouse.duckdb"
    with landing_env(landing, database):
        generate(people=PEOPLE, seed=5, landing_dir=landing)
        from orchestration import defs

        yield defs, root


@pytest.fixture(scope="module")
def daily_run(location):
    defs, _ = location
    result = defs.resolve_job_def("customer360_daily").execute_in_process(instance=DagsterInstance.ephemeral())
    assert result.success
    return result


def test_definitions_load_with_layers_and_checks(location):
    defs, _ = location
    graph = defs.get_repository_def().asset_graph
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"landing", "reference", "staging", "quarantine", "normalize", "match", "align", "marts",
            "history"} <= groups
    assert graph.get(AssetKey("int_customer_pairs_soft_matched")).group_name == "match"  # Python model
    assert graph.get(AssetKey(["landing", "crm", "customers"])).group_name == "landing"
    assert AssetKey(["landing", "crm", "customers"]) in graph.get(AssetKey("base_crm__customers")).parent_keys
    assert len(list(graph.asset_check_keys)) > 200  # dbt tests as asset checks
    assert defs.resolve_job_def("retrain_linkage_model_job") is not None


def test_the_whole_asset_graph_materializes_with_passing_checks(daily_run):
    materialized = {event.asset_key for event in daily_run.get_asset_materialization_events()}
    for name in ["stg_crm__customers", "int_customer_pairs_soft_matched", "customer_xref", "dim_customer",
                 "customer_id_history", "dim_customer_snapshot", "mart_basket_rules", "daily_run_report"]:
        assert AssetKey(name) in materialized, name
    evaluations = daily_run.get_asset_check_evaluations()
    assert len(evaluations) > 200
    failed = [e.asset_check_key for e in evaluations if not e.passed and e.severity.value == "ERROR"]
    assert failed == []


def test_the_run_report_tells_the_operator_what_happened(daily_run):
    report = next(e for e in daily_run.get_asset_materialization_events()
                  if e.asset_key == AssetKey("daily_run_report")).materialization.metadata
    assert report["people"].value > 0.8 * PEOPLE
    assert report["new_people"].value == report["people"].value  # day 1: everyone is new
    assert report["quarantined_rows"].value > 0
    assert report["landed_rows"].value == (report["staged_rows"].value + report["superseded_rows"].value
                                           + report["quarantined_rows"].value)
    assert report["match_f1"].value > 0.9
    assert report["quarantine_model"].value == AssetKey("quarantined_rows")


def test_the_landing_sensor_runs_on_new_files_only(location, daily_run):
    defs, root = location
    sensor = defs.resolve_sensor_def("landing_files_sensor")
    context = build_sensor_context(instance=DagsterInstance.ephemeral())
    first = sensor(context)
    assert isinstance(first, RunRequest)
    quiet = sensor(build_sensor_context(cursor=context.cursor))
    assert isinstance(quiet, SkipReason)
    generate_day(2, root / "landing")
    later = build_sensor_context(cursor=context.cursor)
    assert isinstance(sensor(later), RunRequest)
    assert isinstance(sensor(build_sensor_context(cursor=later.cursor)), SkipReason)


def test_the_schedule_requests_the_daily_job(location):
    defs, _ = location
    schedule = defs.resolve_schedule_def("customer360_daily_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Europe/Brussels"
    assert schedule.job_name == "customer360_daily"
    result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=datetime(2026, 11, 24, 6)))
    assert len(result.run_requests) == 1


def test_a_weekly_schedule_retrains_the_prediction_models(location):
    defs, _ = location
    schedule = defs.resolve_schedule_def("customer360_weekly_prediction_retraining")
    assert schedule.cron_schedule == "0 4 * * 1"
    assert schedule.job_name == "retrain_prediction_models_job"
    result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=datetime(2026, 11, 23, 4)))
    assert len(result.run_requests) == 1
