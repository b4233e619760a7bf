"""Clusters accepted match edges into people; reviewers' cannot-links split clusters, and
automatic edges never join records whose birth years are too far apart (customer360.clustering)."""

from customer360.clustering import cluster_records


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    max_birth_year_gap = dbt.config.meta_get("max_birth_year_gap")
    records = (
        dbt.ref("int_customer_records_normalized").project("customer_record_id, birth_year").to_arrow_table()
    )
    edges = (
        dbt.ref("int_customer_match_edges")
        .filter("is_accepted")
        .project("customer_record_id_l, customer_record_id_r, edge_priority, match_probability")
        .to_arrow_table()
    )
    cannot_links = (
        dbt.ref("int_manual_match_decisions")
        .filter("decision = 'cannot_link' and both_records_exist")
        .project("customer_record_id_l, customer_record_id_r")
        .to_arrow_table()
    )
    record_ids = records.column("customer_record_id").to_pylist()
    birth_years = dict(zip(record_ids, records.column("birth_year").to_pylist()))
    return cluster_records(record_ids, edges, cannot_links, birth_years, int(max_birth_year_gap))
