"""The one dbt project Dagster orchestrates, with the same paths the `customer360` CLI uses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from customer360 import PROJECT_DIR
from customer360.cli import duckdb_path, landing_dir

# dbt reads these; absolute, so every process (webserver, daemon, run workers) agrees
os.environ.setdefault("CUSTOMER360_LANDING_DIR", str(landing_dir()))
os.environ.setdefault("CUSTOMER360_DUCKDB_PATH", str(duckdb_path()))
# dagster-dbt runs the `dbt` executable installed next to this Python, venv activated or not
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

customer360_project = DbtProject(
    project_dir=PROJECT_DIR,
    target_path=Path("target") / "dagster",
    target=os.environ.get("CUSTOMER360_DBT_TARGET", "dev"),
)
# `dagster dev` re-parses the project on load; elsewhere parse once if no manifest exists yet
customer360_project.prepare_if_dev()
if not customer360_project.manifest_path.exists():
    customer360_project.preparer.prepare(customer360_project)
