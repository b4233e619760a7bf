"""Clusters accepted match edges into people; reviewers' cannot-links split clusters, and
automatic edges never join records whose birth years are too far apart (customer360.clustering),
unless the Splink model found no households in its training data (then birth dates typed as
another date are no reason to keep one person's records apart).
Daily runs cluster again only the components something changed in (update_clusters)."""

from customer360 import PROJECT_DIR
from customer360.clustering import update_clusters
from customer360.dbt_helpers import previous_table
from customer360.engines import from_arrow, to_arrow
from customer360.linkage._common import model_household_guards
from customer360.linkage.model import load_model


def model(dbt, session):
    dbt.config(materialized="table", schema="intermediate")
    max_birth_year_gap = dbt.config.meta_get("max_birth_year_gap")
    model_path = dbt.config.meta_get("splink_model_path")
    guards = model_household_guards(load_model(PROJECT_DIR / model_path))
    records = to_arrow(dbt.ref("int_customer_records_normalized"), "customer_record_id, birth_year")
    edges = to_arrow(
        dbt.ref("int_customer_match_edges").filter("is_accepted"),
        "customer_record_id_l, customer_record_id_r, edge_priority, match_probability",
    )
    cannot_links = to_arrow(
        dbt.ref("int_manual_match_decisions").filter("decision = 'cannot_link' and both_records_exist"),
        "customer_record_id_l, customer_record_id_r",
    )
    return from_arrow(session, update_clusters(
        records, edges, cannot_links, previous_table(session, dbt.this),
        int(max_birth_year_gap) if guards else None,
    ))
