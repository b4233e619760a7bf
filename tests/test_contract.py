"""The landing contract in customer360/contract.py and the dbt sources YAML must agree."""

from pathlib import Path

import yaml

from customer360 import PROJECT_DIR
from customer360.contract import LANDING_TABLES


def declared_source_columns() -> dict[tuple[str, str], list[str]]:
    declared = {}
    for path in Path(PROJECT_DIR, "models", "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                declared[(source["name"], table["name"])] = [c["name"] for c in table["columns"]]
    return declared


def test_every_contract_table_is_a_dbt_source_with_the_same_columns_in_order():
    assert declared_source_columns() == LANDING_TABLES
