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

PROJECT_FILES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots",
                 "python_models", "tests/dbt"]


def manifest_is_stale() -> bool:
    """True when the manifest is missing or older than a file of the dbt project: a run whose
    manifest lacks a node that dbt builds cannot report that node."""
    manifest = customer360_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in PROJECT_FILES:
        path = PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.exists() else []
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


# `dagster dev` re-parses the project on load; elsewhere parse when the manifest is stale
customer360_project.prepare_if_dev()
if manifest_is_stale():
    customer360_project.preparer.prepare(customer360_project)
