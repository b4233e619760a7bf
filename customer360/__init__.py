"""customer360: generator, linkage logic and command line around the dbt project."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def project_var(name: str):
    """A var's value as dbt_project.yml sets it (the defaults the dbt models read too)."""
    import yaml

    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][name]
