"""The plain Splink baseline for the benchmarks: what a competent analyst writes with Splink alone
on the same cleaned fields (the normalized records), without this project's hard rules, name gate,
nickname map, derived columns or clustering guards.

Splink's standard comparisons for the fields the records carry (a field filled in under 1% of the
records is left out, as an analyst would; street, house number and postcode as one address; an
e-mail, phone or birth date that more than 50 records carry is read as missing),
term-frequency adjusted names, e-mail, phone and postcode, blocking on pairs of fields, the prior
from near-certain rules, u by random sampling, EM on two rules, and Splink's connected-components
clustering at 0.95.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from customer360.linkage._common import SPLINK_LOG_LEVEL, new_connection, to_arrow

BASELINE_COLUMNS = ["customer_record_id", "first_name", "last_name", "birth_date", "email",
                    "phone_e164", "street", "house_number", "postcode", "city"]
#: the fields the script compares: the address as one field (street, number, postcode), and the
#: city only where there is no postcode, so that one shared address is not counted three or four
#: times (a household shares all of it): without that, the script chains every household into one
#: person and whole streets into one cluster
FIELDS = ["first_name", "last_name", "birth_date", "email", "phone_e164", "address", "postcode"]
THRESHOLD = 0.95
MIN_FILL_RATE = 0.01
#: an e-mail, phone or birth date more records carry is read as missing
SHARED_VALUE_MAX_RECORDS = 50


def _comparisons(fields: set[str]) -> list:
    candidates = [
        ("first_name", lambda: cl.NameComparison("first_name").configure(term_frequency_adjustments=True)),
        ("last_name", lambda: cl.NameComparison("last_name").configure(term_frequency_adjustments=True)),
        ("birth_date", lambda: cl.DateOfBirthComparison("birth_date", input_is_string=False)),
        # identifiers as identifiers, weighed by how common a value is (a default typed in for
        # many people counts little); a fuzzy e-mail level would count the names a second time
        # (jan.peeters@ and jan.peeters12@ are two namesakes) and chain every namesake together
        ("email", lambda: cl.ExactMatch("email").configure(term_frequency_adjustments=True)),
        ("phone_e164", lambda: cl.ExactMatch("phone_e164").configure(term_frequency_adjustments=True)),
        ("address", lambda: cl.ExactMatch("address")),
        ("postcode", lambda: cl.ExactMatch("postcode").configure(term_frequency_adjustments=True)),
    ]
    return [make() for field, make in candidates if field in fields]


def _usable(rules: list[tuple[str, ...]], fields: set[str]) -> list:
    return [block_on(*rule) for rule in rules if set(rule) <= fields]


def baseline_settings(fields: set[str] | None = None) -> SettingsCreator:
    fields = set(FIELDS) if fields is None else fields
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="customer_record_id",
        comparisons=_comparisons(fields),
        blocking_rules_to_generate_predictions=_usable([
            ("first_name", "last_name"),
            ("first_name", "birth_date"),
            ("last_name", "birth_date"),
            ("email",),
            ("phone_e164",),
            ("postcode", "last_name"),
            ("address",),
        ], fields),
        linker_uid="customer360_baseline",
    )


def run_baseline(records: Any, *, seed: int = 42, threshold: float = THRESHOLD,
                 max_pairs_u: float = 1e7,
                 timings: dict[str, float] | None = None) -> pa.Table:
    """Train, predict and cluster; return (customer_record_id, cluster_id) sorted by id."""
    t0 = time.perf_counter()
    table = to_arrow(records)
    con = new_connection()
    con.register("c360_baseline_raw", table.select(BASELINE_COLUMNS))
    # values that many records share are no identifier (klant@..., a shop's phone, 1970-01-01):
    # an analyst drops them after seeing the cluster they chain (2,745 records at 600k people)
    con.execute(f"""create table c360_baseline as select
        customer_record_id, first_name, last_name,
        case when count(*) over (partition by birth_date) <= {SHARED_VALUE_MAX_RECORDS}
             then cast(birth_date as date) end as birth_date,
        case when count(*) over (partition by email) <= {SHARED_VALUE_MAX_RECORDS} then email end as email,
        case when count(*) over (partition by phone_e164) <= {SHARED_VALUE_MAX_RECORDS}
             then phone_e164 end as phone_e164,
        nullif(concat_ws(' ', street, house_number), '') as address,
        coalesce(postcode, city) as postcode
        from c360_baseline_raw order by customer_record_id""").fetchall()
    filled = con.execute("select " + ", ".join(
        f"count({c}) / greatest(count(*), 1)" for c in FIELDS) + " from c360_baseline").fetchall()[0]
    fields = {c for c, rate in zip(FIELDS, filled) if rate >= MIN_FILL_RATE}
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("c360_baseline"), baseline_settings(fields),
                    log_level=SPLINK_LOG_LEVEL)
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        _usable([("first_name", "last_name", "birth_date"), ("email",)], fields), recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    # EM on names (estimates the rest), then on the birth date (estimates the names); blocking on
    # e-mail would train on the pairs a family's shared address forms
    em_rules = _usable([("first_name", "last_name"), ("birth_date",)], fields)
    if len(em_rules) < 2:
        em_rules += _usable([("postcode",)], fields)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    t2 = time.perf_counter()
    preds = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    t3 = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        preds, threshold_match_probability=threshold)
    out = con.sql(f"""select cast(customer_record_id as varchar) as customer_record_id,
                      cast(cluster_id as varchar) as cluster_id
                      from {clusters.physical_name} order by customer_record_id""").to_arrow_table()
    t4 = time.perf_counter()
    con.close()
    if timings is not None:
        timings.update({"baseline_load_s": t1 - t0, "baseline_train_s": t2 - t1,
                        "baseline_predict_s": t3 - t2, "baseline_cluster_s": t4 - t3,
                        "baseline_total_s": t4 - t0})
    return out


def main(argv: list[str] | None = None) -> int:
    """`python -m customer360.linkage.baseline WAREHOUSE.duckdb OUT.parquet`: runs the baseline on
    the warehouse's normalized records (read-only) and writes its clusters, for the benchmark."""
    import sys

    import duckdb
    import pyarrow.parquet as pq

    database, output = (argv if argv is not None else sys.argv[1:])[:2]
    connection = duckdb.connect(database, read_only=True)
    try:
        records = connection.sql("select * from intermediate.int_customer_records_normalized").to_arrow_table()
    finally:
        connection.close()
    timings: dict = {}
    clusters = run_baseline(records, timings=timings)
    pq.write_table(clusters, output)
    print("baseline stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
