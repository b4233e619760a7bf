"""customer360: generator, linkage logic and command line around the dbt project."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
