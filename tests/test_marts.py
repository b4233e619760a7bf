"""Analytics marts: the basket SQL against mlxtend, and the marts of a small built warehouse
(planted product bundles come out as the strongest rules, regions differ in penetration, the
marketing audience is deduplicated)."""

from __future__ import annotations

import os

import duckdb
import pytest

from customer360.benchmarks_basket import compare, render_basket_sql, rules_ours, rules_reference, write_order_lines
from customer360.cli import run_dbt
from customer360.generator import generate
from customer360.generator.reference import BUNDLES

PEOPLE = 1_500
MARTS = ["basket", "segments", "geo", "marketing"]


def test_basket_rules_sql_matches_mlxtend(tmp_path):
    """The SQL of mart_basket_rules (rendered from its macro) and mlxtend fpgrowth +
    association_rules find the same rules with the same measures, at product and category level."""
    parquet = tmp_path / "order_lines.parquet"
    write_order_lines(parquet, order_lines=30_000, seed=5)
    ours, _ = rules_ours(parquet, render_basket_sql("order_lines", min_support=0.002, min_confidence=0.05))
    reference, _ = rules_reference(parquet, min_support=0.002, min_confidence=0.05)
    comparison = compare(ours, reference)
    assert comparison.common_rules > 100
    assert comparison.equal, comparison


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    root = tmp_path_factory.mktemp("marts")
    generate(people=PEOPLE, seed=11, landing_dir=root / "landing")
    previous = {k: os.environ.get(k) for k in ("CUSTOMER360_LANDING_DIR", "CUSTOMER360_DUCKDB_PATH")}
    os.environ["CUSTOMER360_LANDING_DIR"] = str(root / "landing")
    os.environ["CUSTOMER360_DUCKDB_PATH"] = str(root / "warehouse.duckdb")
    try:
        selection = [f"+path:models/marts/{area}" for area in MARTS]
        assert run_dbt(["build", "--target", "ci", "--select", *selection, "--indirect-selection", "cautious", "--target-path", str(root / "target")])
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def rows(connection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def test_planted_bundles_are_the_strongest_product_rules(marts):
    bundle_of = {}
    for name, _, skus in BUNDLES:
        for sku in skus:
            bundle_of.setdefault(sku, set()).add(name)
    top = rows(marts, """
        select antecedent, consequent from marts.mart_basket_rules
        where level = 'product' and orders_with_both >= 10
        order by lift desc, antecedent, consequent limit 10
    """)
    assert len(top) == 10
    for antecedent, consequent in top:
        assert bundle_of.get(antecedent, set()) & bundle_of.get(consequent, set()), (antecedent, consequent)
    # confidence too: the most confident rules stay within a bundle
    confident = rows(marts, """
        select antecedent, consequent from marts.mart_basket_rules
        where level = 'product' and orders_with_both >= 10
        order by confidence desc, antecedent, consequent limit 5
    """)
    for antecedent, consequent in confident:
        assert bundle_of.get(antecedent, set()) & bundle_of.get(consequent, set()), (antecedent, consequent)


def test_customer_recommendations_fill_every_list_with_unbought_products(marts):
    per_customer = rows(marts, """
        select min(n), max(n), count(*) from (
            select master_customer_id, count(*) as n from marts.mart_customer_recommendations group by all
        )
    """)[0]
    customers = rows(marts, "select count(*) from marts.dim_customer")[0][0]
    assert per_customer == (5, 5, customers)
    already_bought = rows(marts, """
        select count(*) from marts.mart_customer_recommendations as r
        inner join marts.fct_orders as o on r.master_customer_id = o.master_customer_id
        inner join staging.stg_sales__order_lines as l on o.order_id = l.order_id and r.sku = l.sku
    """)[0][0]
    assert already_bought == 0
    reasons = dict(rows(marts, "select reason, count(*) from marts.mart_customer_recommendations group by all"))
    assert {"viewed_recently", "basket_rule", "similar_customers", "favourite_category", "popular"} >= set(reasons)
    assert {"viewed_recently", "basket_rule", "favourite_category"} <= set(reasons)


def test_rfm_covers_every_buyer_and_uses_every_score(marts):
    buyers = rows(marts, "select count(distinct master_customer_id) from marts.fct_orders")[0][0]
    assert rows(marts, "select count(*) from marts.mart_customer_rfm")[0][0] == buyers
    assert rows(marts, "select count(distinct r_score), count(distinct m_score) from marts.mart_customer_rfm")[0] == (5, 5)
    assert rows(marts, "select count(distinct segment) from marts.mart_customer_rfm")[0][0] >= 8


def test_regions_differ_in_penetration_and_unknown_customers_are_kept(marts):
    # the generator places people in proportion to population, so regions differ only a little;
    # municipalities, with few customers each, differ a lot
    regions = rows(marts, """
        select area_code, penetration, penetration_rank, gap_to_best
        from marts.mart_region_penetration where level = 'region' order by penetration_rank
    """)
    assert {row[0] for row in regions} == {"VLG", "WAL", "BRU"}
    assert [row[2] for row in regions] == [1, 2, 3]
    assert regions[0][1] > regions[1][1] > regions[2][1] > 0
    assert regions[0][3] == 0 and regions[2][3] > 0
    highest, median = rows(marts, """
        select max(penetration), median(penetration) from marts.mart_region_penetration
        where level = 'municipality' and population >= 10000
    """)[0]
    assert highest > 2 * median
    placed, unknown = rows(marts, """
        select
            sum(active_customers) filter (where level = 'municipality'),
            sum(active_customers) filter (where level = 'unknown')
        from marts.mart_region_penetration
    """)[0]
    assert unknown > 0
    assert placed == rows(marts, "select sum(active_customers) from marts.mart_region_penetration where level = 'region'")[0][0]


def test_marketing_audience_contacts_each_person_once(marts):
    summary = rows(marts, """
        select channel, records_opted_in, people_with_opted_in_record, duplicate_contacts_avoided, audience_people
        from marts.mart_marketing_audience_summary
    """)
    assert {row[0] for row in summary} == {"email", "sms", "post"}
    for channel, records, people, avoided, audience in summary:
        assert avoided > 0 and records == people + avoided and 0 < audience <= people, channel
    not_mobile = rows(marts, """
        select count(*) from marts.mart_marketing_audience
        where channel = 'sms' and starts_with(contact_address, '+32') and not starts_with(contact_address, '+324')
    """)[0][0]
    assert not_mobile == 0
