"""Assets: the landing files, every dbt node (models, Python models, seeds, snapshot) with dbt
tests as asset checks, and a run report read from the warehouse after dbt has released it."""


import os
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetExecutionContext, AssetKey, AssetObservation, AssetSpec, MaterializeResult, MetadataValue,
    asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from customer360.cli import PRODUCTION_BUILD
from customer360.contract import LANDING_TABLES
from customer360.privacy import compact_after_erasure
from customer360.warehouse_lock import warehouse_lock
from orchestration.project import customer360_project

# every run that writes the warehouse carries this tag; dagster_home/dagster.yaml lets one run
# with it go at a time, and the file lock below guards the DuckDB file even without that config
WAREHOUSE_WRITER_TAGS = {"customer360/warehouse": "writer"}

LAYER_GROUPS = {
    "staging": "staging",
    "quarantine": "quarantine",
    "normalize": "normalize",
    "match": "match",
    "align": "align",
    "marts": "marts",
    "privacy": "privacy",
}
#: Python models that belong to another layer than matching
PYTHON_MODEL_GROUPS = {"landed_files": "quarantine"}


def landing_key(source: str, table: str) -> AssetKey:
    return AssetKey(["landing", source, table])


class Customer360Translator(DagsterDbtTranslator):
    """Sources are the landing files; assets are grouped by pipeline layer (the folder tree)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return landing_key(dbt_resource_props["source_name"], dbt_resource_props["name"])
        return AssetKey(dbt_resource_props["name"])  # model names are unique across schemas

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            return "landing"
        if resource_type == "seed":
            return "reference"
        if resource_type == "snapshot":
            return "history"
        path = Path(dbt_resource_props.get("original_file_path", ""))
        if path.parts and path.parts[0] == "python_models":
            return PYTHON_MODEL_GROUPS.get(dbt_resource_props["name"], "match")
        for part in reversed(path.parts[:-1]):
            if part in LAYER_GROUPS:
                return LAYER_GROUPS[part]
        return "marts"


landing_files = [
    AssetSpec(
        landing_key(source, table),
        group_name="landing",
        description=(
            f"Files landed in $CUSTOMER360_LANDING_DIR/{source}/{table}/ (Parquet or CSV, every "
            f"column text): {', '.join(columns)}. New files start the daily job (landing sensor)."
        ),
        metadata={"folder": MetadataValue.path(f"{source}/{table}")},
        kinds={"parquet"},
    )
    for (source, table), columns in LANDING_TABLES.items()
]


@contextmanager
def warehouse_write_lock():
    """Blocks until no other process writes the warehouse (DuckDB has one writer): the lock the
    `customer360` CLI takes too (customer360.warehouse_lock), so a CLI build and a run never collide."""
    with warehouse_lock(os.environ["CUSTOMER360_DUCKDB_PATH"], wait=True):
        yield


@dbt_assets(
    manifest=customer360_project.manifest_path,
    project=customer360_project,
    dagster_dbt_translator=Customer360Translator(),
    op_tags=WAREHOUSE_WRITER_TAGS,
)
def customer360_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` of the selected nodes: dbt is the only process holding the DuckDB file. After
    an erasure the file is rewritten without the erased rows' blocks (customer360.privacy)."""
    with warehouse_write_lock():
        yield from dbt.cli(PRODUCTION_BUILD, context=context).stream()
        compacted = compact_after_erasure(os.environ["CUSTOMER360_DUCKDB_PATH"])
        if compacted:
            context.log.info(compacted)


REPORT_DEPS = ["customer_xref", "dim_customer", "customer_id_history", "quarantined_rows", "landed_row_counts"]


@asset(
    deps=[AssetKey(name) for name in REPORT_DEPS],
    group_name="marts",
    description=(
        "What the last run did, for the operator: row counts of every warehouse table, new, "
        "merged and split people, quarantined rows per reason, and match quality against the "
        "generator's ground truth when there is one."
    ),
    kinds={"duckdb"},
)
def daily_run_report(context: AssetExecutionContext) -> MaterializeResult:
    from customer360.evaluation import score_xref

    database = os.environ["CUSTOMER360_DUCKDB_PATH"]
    with warehouse_write_lock():
        connection = duckdb.connect(database, read_only=True)
        try:
            report = _report(connection, context)
            truth = Path(os.environ["CUSTOMER360_LANDING_DIR"]).parent / "ground_truth"
            if truth.exists() and any(truth.glob("*.parquet")):
                scores = score_xref(connection, truth)
                report.update({
                    "match_precision": MetadataValue.float(round(scores.precision, 4)),
                    "match_recall": MetadataValue.float(round(scores.recall, 4)),
                    "match_f1": MetadataValue.float(round(scores.f1, 4)),
                    "true_people": MetadataValue.int(scores.true_people),
                })
        finally:
            connection.close()
    return MaterializeResult(metadata=report)


def _report(connection: duckdb.DuckDBPyConnection, context: AssetExecutionContext) -> dict[str, Any]:
    tables = connection.execute("""
        select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema in ('intermediate', 'marts', 'staging', 'snapshots')
        order by all
    """).fetchall()
    row_counts = {}
    for schema, name in tables:
        rows = connection.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
        row_counts[f"{schema}.{name}"] = rows
        context.log_event(AssetObservation(asset_key=AssetKey(name), metadata={"dagster/row_count": rows}))
    events = dict(connection.execute("""
        select event, count(*) from marts.customer_id_history
        where run_at = (select max(run_at) from marts.customer_id_history)
        group by event
    """).fetchall())
    quarantine = connection.execute("""
        select source || '.' || source_table || ': ' || quarantine_reason, count(*)
        from staging.quarantined_rows group by 1 order by 2 desc
    """).fetchall()
    landed = connection.execute(
        "select sum(landed_rows), sum(staged_rows), sum(superseded_rows), sum(quarantined_rows) "
        "from staging.landed_row_counts"
    ).fetchall()[0]
    people = connection.execute("select count(*) from marts.dim_customer").fetchall()[0][0]
    return {
        "people": MetadataValue.int(people),
        "new_people": MetadataValue.int(events.get("created", 0)),
        "merged_people": MetadataValue.int(events.get("merged", 0)),
        "split_people": MetadataValue.int(events.get("split", 0)),
        "moved_records_events": MetadataValue.int(events.get("moved", 0)),
        "landed_rows": MetadataValue.int(int(landed[0] or 0)),
        "staged_rows": MetadataValue.int(int(landed[1] or 0)),
        "superseded_rows": MetadataValue.int(int(landed[2] or 0)),
        "quarantined_rows": MetadataValue.int(int(landed[3] or 0)),
        "quarantine_by_reason": MetadataValue.md(
            "| table: reason | rows |\n|---|---|\n"
            + "\n".join(f"| {reason} | {n:,} |" for reason, n in quarantine)
        ),
        "quarantine_model": MetadataValue.asset(AssetKey("quarantined_rows")),
        "row_counts": MetadataValue.json(row_counts),
    }
