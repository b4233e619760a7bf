"""The plain Splink baseline for the benchmark: raw-ish lower-cased fields, Splink's standard
comparisons and blocking, the same estimation methods, clustered at 0.9. No hard rules, no
nickname map, no derived columns.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from customer360.linkage._common import SPLINK_LOG_LEVEL, new_connection, to_arrow

BASELINE_COLUMNS = ["customer_record_id", "first_name", "last_name", "birth_date", "email",
                    "phone_e164", "postcode", "city"]


def baseline_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="customer_record_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone_e164"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("email"),
            block_on("phone_e164"),
            block_on("birth_date"),
            block_on("postcode", "last_name"),
        ],
        linker_uid="customer360_baseline",
    )


def run_baseline(records: Any, *, seed: int = 42, threshold: float = 0.9,
                 max_pairs_u: float = 2e6,
                 timings: dict[str, float] | None = None) -> pa.Table:
    """Train, predict and cluster; return (customer_record_id, cluster_id) sorted by id."""
    t0 = time.perf_counter()
    table = to_arrow(records)
    con = new_connection()
    con.register("c360_baseline_raw", table.select(BASELINE_COLUMNS))
    con.execute("""create table c360_baseline as select
        customer_record_id, lower(first_name) as first_name, lower(last_name) as last_name,
        cast(birth_date as date) as birth_date, lower(email) as email, phone_e164,
        postcode, lower(city) as city
        from c360_baseline_raw order by customer_record_id""").fetchall()
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("c360_baseline"), baseline_settings(),
                    log_level=SPLINK_LOG_LEVEL)
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_date"), block_on("email")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    for rule in [block_on("first_name", "last_name"), block_on("email"), block_on("birth_date")]:
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
