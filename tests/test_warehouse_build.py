"""End to end: generate a small landing zone, `dbt build` it (models, data tests, unit tests),
and check what a person opening the DuckDB file would see."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import build
from customer360.evaluation import score_xref
from customer360.contract import LANDING_TABLES
from customer360.generator import generate

PEOPLE = 1_500


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> tuple[duckdb.DuckDBPyConnection, Path]:
    root = tmp_path_factory.mktemp("demo")
    generate(people=PEOPLE, seed=7, landing_dir=root / "landing")
    build(root / "landing", root / "warehouse.duckdb")
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield connection, root
    connection.close()


def scalar(connection, sql: str):
    return connection.execute(sql).fetchone()[0]


def test_every_source_is_staged(warehouse):
    connection, _ = warehouse
    for model in [
        "stg_crm__customers", "stg_webshop__accounts", "stg_pos__loyalty_members",
        "stg_catalog__products", "stg_sales__orders", "stg_sales__order_lines",
        "stg_web__events", "stg_consent__events",
    ]:
        assert scalar(connection, f"select count(*) from staging.{model}") > 0, model


def test_landed_rows_match_the_files_and_are_all_accounted_for(warehouse):
    connection, root = warehouse
    rows = connection.execute(
        "select source, source_table, landed_rows, staged_rows, superseded_rows, quarantined_rows "
        "from staging.landed_row_counts"
    ).fetchall()
    assert len(rows) == len(LANDING_TABLES)
    for source, table, landed, staged, superseded, quarantined in rows:
        in_files = sum(
            pq.ParquetFile(f).metadata.num_rows for f in (root / "landing" / source / table).glob("*.parquet")
        )
        assert landed == in_files, (source, table)
        assert landed == staged + superseded + quarantined, (source, table)


def test_quarantine_holds_the_broken_rows_with_their_reasons(warehouse):
    connection, _ = warehouse
    reasons = dict(
        connection.execute(
            "select quarantine_reason, count(*) from staging.quarantined_rows group by all"
        ).fetchall()
    )
    assert sum(reasons.values()) > 0
    assert any(r.startswith("duplicate key") for r in reasons)
    assert any(r.startswith("unparseable") for r in reasons)
    assert any(r.startswith("missing") for r in reasons)
    assert scalar(connection, "select count(*) from staging.quarantined_rows where quarantine_reason is null") == 0


def test_normalized_records_cover_every_staged_customer_record(warehouse):
    connection, _ = warehouse
    staged = scalar(
        connection,
        "select (select count(*) from staging.stg_crm__customers)"
        " + (select count(*) from staging.stg_webshop__accounts)"
        " + (select count(*) from staging.stg_pos__loyalty_members)",
    )
    assert scalar(connection, "select count(*) from intermediate.int_customer_records_normalized") == staged


def test_normalized_values_are_in_canonical_form(warehouse):
    connection, _ = warehouse
    table = "intermediate.int_customer_records_normalized"
    # names: lower-case ASCII letters and single spaces only
    assert scalar(connection, f"select count(*) from {table} where not regexp_full_match(coalesce(first_name, 'a'), '[a-z]+( [a-z]+)*')") == 0
    assert scalar(connection, f"select count(*) from {table} where not regexp_full_match(coalesce(last_name, 'a'), '[a-z]+( [a-z]+)*')") == 0
    # webshop full names were split: nearly all have both parts
    assert scalar(connection, f"select avg((first_name is not null and last_name is not null)::int) from {table} where source = 'webshop'") > 0.95
    # phones: most landed phones are valid numbers, all in E.164
    assert scalar(connection, f"select avg(phone_is_invalid::int) from {table}") < 0.05
    assert scalar(connection, f"select count(*) from {table} where not regexp_full_match(phone_e164, '\\+[1-9][0-9]{{7,14}}')") == 0
    # Belgian postcodes valid, streets expanded (no abbreviation left as a word)
    assert scalar(connection, f"select count(*) from {table} where country_code = 'BE' and not regexp_full_match(postcode, '[1-9][0-9]{{3}}')") == 0
    assert scalar(connection, f"select count(*) from {table} where list_has_any(string_split(street, ' '), ['str', 'av', 'chee', 'stwg'])") == 0
    # birth dates plausible
    assert scalar(connection, f"select count(*) from {table} where birth_date > current_date or birth_date < current_date - interval 121 years") == 0


def test_normalization_makes_records_of_one_person_agree(warehouse):
    """Against the generator's ground truth: records of the same person agree far more often on
    normalized, nickname-mapped first names and on E.164 phones than on the raw values."""
    connection, root = warehouse
    truth = root / "ground_truth" / "day_001.parquet"
    pairs = connection.execute(
        f"""
        with truth as (select * from read_parquet('{truth}')),
        records as (
            select n.*, u.first_name_raw, u.full_name_raw, u.phone_raw, t.person_id
            from intermediate.int_customer_records_normalized as n
            join intermediate.int_customer_records_unioned as u using (customer_record_id)
            join truth as t on t.source = n.source and t.source_record_key = n.source_record_key
        )
        select
            avg((a.first_name_canonical = b.first_name_canonical)::int) as canonical_agree,
            avg((a.first_name_raw = b.first_name_raw)::int) as raw_agree,
            avg((a.phone_e164 = b.phone_e164)::int) as phone_agree,
            avg((a.phone_raw = b.phone_raw)::int) as raw_phone_agree
        from records as a
        join records as b
            on a.person_id = b.person_id and a.customer_record_id < b.customer_record_id
        where a.source in ('crm', 'pos') and b.source in ('crm', 'pos')
        """
    ).fetchone()
    canonical_agree, raw_agree, phone_agree, raw_phone_agree = pairs
    assert canonical_agree > raw_agree + 0.1
    assert canonical_agree > 0.7
    assert phone_agree > raw_phone_agree + 0.2


def test_crm_only_csv_landing_builds(tmp_path, warehouse):
    """A user with nothing but a CRM export as CSV: the other folders are absent, the build passes."""
    _, root = warehouse
    landing = tmp_path / "landing"
    (landing / "crm" / "customers").mkdir(parents=True)
    duckdb.sql(
        f"copy (select * from read_parquet('{root}/landing/crm/customers/*.parquet')) "
        f"to '{landing}/crm/customers/export.csv' (header true)"
    )
    build(landing, tmp_path / "crm_only.duckdb")
    connection = duckdb.connect(str(tmp_path / "crm_only.duckdb"), read_only=True)
    sources = dict(
        connection.execute(
            "select source, count(*) from intermediate.int_customer_records_normalized group by all"
        ).fetchall()
    )
    assert set(sources) == {"crm"} and sources["crm"] > 0
    assert scalar(connection, "select count(*) from staging.stg_sales__orders") == 0
    connection.close()


def test_identity_resolution_quality_against_ground_truth(warehouse):
    """`customer360 evaluate` on the small build: floors well under the demo-data figures
    (P 0.989, F1 0.972 measured), so a regression in any matching stage fails here."""
    connection, root = warehouse
    scores = score_xref(connection, root / "ground_truth")
    assert scores.records > 2_000
    assert scores.precision >= 0.97
    assert scores.f1 >= 0.95
    assert abs(scores.predicted_people - scores.true_people) / scores.true_people < 0.08


def test_every_customer_record_has_one_master_customer_and_a_golden_record(warehouse):
    connection, _ = warehouse
    normalized = scalar(connection, "select count(*) from intermediate.int_customer_records_normalized")
    assert scalar(connection, "select count(*) from marts.customer_xref") == normalized
    assert scalar(connection, "select count(distinct master_customer_id) from marts.customer_xref") == scalar(
        connection, "select count(*) from marts.dim_customer"
    )
    assert scalar(connection, "select sum(record_count) from marts.dim_customer") == normalized
    methods = dict(connection.execute("select match_method, count(*) from marts.customer_xref group by all").fetchall())
    assert {"singleton", "splink", "same_email", "same_crm_customer_number"} <= set(methods)
    # every golden-record value really is the value of the record it names
    assert scalar(
        connection,
        """select count(*) from marts.dim_customer d
           join intermediate.int_customer_records_aligned a on a.customer_record_id = d.email_record_id
           where a.email is distinct from d.email""",
    ) == 0


def test_unmatched_orders_are_kept_and_flagged(warehouse):
    connection, _ = warehouse
    assert scalar(connection, "select count(*) from marts.fct_orders") == scalar(
        connection, "select count(*) from staging.stg_sales__orders"
    )
    unmatched = scalar(connection, "select count(*) from marts.fct_orders where not is_customer_matched")
    assert unmatched > 0
    assert scalar(connection, "select count(*) from marts.fct_orders where not is_customer_matched and master_customer_id is not null") == 0


def test_master_ids_do_not_depend_on_row_order(warehouse, tmp_path):
    """The same records landed in reverse order give the very same master customer IDs."""
    _, root = warehouse
    landing = tmp_path / "landing"
    for folder in (root / "landing").glob("*/*"):
        target = landing / folder.relative_to(root / "landing")
        target.mkdir(parents=True)
        for file in folder.glob("*.parquet"):
            duckdb.sql(
                f"copy (select * exclude (file_row_number) from read_parquet('{file}', file_row_number = true) "
                f"order by file_row_number desc) to '{target / file.name}' (format parquet)"
            )
    build(landing, tmp_path / "reversed.duckdb")
    original = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    reversed_ = duckdb.connect(str(tmp_path / "reversed.duckdb"), read_only=True)
    query = "select customer_record_id, master_customer_id from marts.customer_xref order by 1"
    assert original.execute(query).fetchall() == reversed_.execute(query).fetchall()
    original.close()
    reversed_.close()


def test_explain_shows_records_and_evidence(warehouse):
    from customer360.explain import explain

    connection, root = warehouse
    master = scalar(connection, "select master_customer_id from marts.dim_customer where record_count >= 3 order by 1 limit 1")
    text = explain(root / "warehouse.duckdb", master)
    assert master in text and "evidence" in text
    assert "mw_first_name" in text or "same_" in text
