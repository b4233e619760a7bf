"""The daily cycle end to end: day 1, then the deltas of days 2 and 3, built incrementally.

Checks stable IDs (no unchanged person gets a new ID), the ID history, the snapshot history,
idempotence (a day run twice; a day whose first run stopped after normalization) and that the
incremental result equals a full build of the same three days in a fresh warehouse.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import yaml

from conftest import build, dbt, sorted_rows
from customer360 import PROJECT_DIR
from customer360.clustering import cluster_records
from customer360.generator import generate
from customer360.generator.delta import generate_day

PEOPLE = 1_200
SEED = 11

STATE_TABLES = [
    "intermediate.int_customer_records_normalized",
    "intermediate.int_customer_pairs_soft_matched",
    "intermediate.int_customer_records_identified",
    "marts.customer_xref",
    "marts.dim_customer",
    "marts.customer_id_history",
    "snapshots.dim_customer_snapshot",
]


def read(database: Path, sql: str) -> pa.Table:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.sql(sql).to_arrow_table()
    finally:
        connection.close()


def state(database: Path) -> dict[str, list]:
    """Every state table's rows, sorted, for exact comparison."""
    return sorted_rows(database, {table: f"select * from {table}" for table in STATE_TABLES})


def xref(database: Path) -> dict[str, str]:
    table = read(database, "select customer_record_id, master_customer_id from marts.customer_xref")
    return dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist()))


def people(assignment: dict[str, str], records=None) -> dict[str, frozenset]:
    """master ID -> its records (restricted to ``records`` if given)."""
    out: dict[str, set] = {}
    for record, master in assignment.items():
        if records is None or record in records:
            out.setdefault(master, set()).add(record)
    return {master: frozenset(rs) for master, rs in out.items()}


def same_person_pairs(assignment: dict[str, str]) -> set[tuple[str, str]]:
    pairs = set()
    for records in people(assignment).values():
        ordered = sorted(records)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    return pairs


MAX_BIRTH_YEAR_GAP = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["max_birth_year_gap"]


def clusters_kept_and_recomputed(database: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The clusters the daily runs left, and a clustering of all records from scratch on the
    same edges."""
    records = read(database, "select customer_record_id, birth_year from intermediate.int_customer_records_normalized")
    edges = read(database, """
        select customer_record_id_l, customer_record_id_r, edge_priority, match_probability
        from intermediate.int_customer_match_edges where is_accepted""")
    cannot_links = read(database, """
        select customer_record_id_l, customer_record_id_r from intermediate.int_manual_match_decisions
        where decision = 'cannot_link' and both_records_exist""")
    kept = read(database, "select customer_record_id, cluster_record_id from intermediate.int_customer_clusters")
    recomputed = cluster_records(records.column("customer_record_id").to_pylist(), edges, cannot_links,
                                 records.column("birth_year").to_pylist(),
                                 max_birth_year_gap=MAX_BIRTH_YEAR_GAP)
    return tuple(dict(zip(t.column("customer_record_id").to_pylist(), t.column("cluster_record_id").to_pylist()))
                 for t in (kept, recomputed))


BASE_TABLES = sorted(f"staging.{path.stem}" for path in (PROJECT_DIR / "models" / "staging").glob("*/base/*.sql"))
FACT_TABLES = ["marts.fct_orders", "marts.fct_order_lines", "marts.fct_web_events"]
MATCH_TABLES = ["intermediate.int_customer_pairs_hard_matched", "intermediate.int_customer_match_edges"]
CONSENT_TABLES = ["marts.mart_marketing_consent"]
# tables rewritten in place each day, with the column that says when (as of which run) a row was written
DAILY_TABLES = {"intermediate.int_customer_records_aligned": "aligned_at", "marts.customer_xref": "aligned_at",
                "marts.dim_customer": "computed_at", **{table: "records_normalized_through" for table in MATCH_TABLES},
                "intermediate.int_customer_records_unioned": None,
                **{table: "_sources_loaded_at" for table in FACT_TABLES},
                **{table: "_sources_loaded_at" for table in CONSENT_TABLES},
                **{table: "_loaded_at" for table in BASE_TABLES}}


# the Splink pairs without the watermark, which says up to which day the table was scored
SOFT_PAIRS_SQL = "select * exclude (scored_through) from intermediate.int_customer_pairs_soft_matched"


def daily_tables(database: Path) -> dict[str, list]:
    """The tables a daily run rewrites in place (DAILY_TABLES) without the column that says
    when a row was written, sorted."""
    return sorted_rows(database, {
        table: f"select * exclude ({written}) from {table}" if written else f"select * from {table}"
        for table, written in DAILY_TABLES.items()
    })


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    root = tmp_path_factory.mktemp("daily")
    landing, database = root / "landing", root / "warehouse.duckdb"
    generate(people=PEOPLE, seed=SEED, landing_dir=landing)
    build(landing, database)
    days = {1: xref(database)}

    generate_day(2, landing)
    build(landing, database)
    days[2] = xref(database)

    generate_day(3, landing)
    # a day-3 run that stops after normalization, as a crash would; the rerun must finish the job
    assert dbt(landing, database, "build", "--select", "+int_customer_records_normalized",
               "--indirect-selection", "cautious")
    build(landing, database)
    days[3] = xref(database)
    after_day_3 = state(database)
    soft_pairs_day_3 = sorted_rows(database, {"pairs": SOFT_PAIRS_SQL})["pairs"]
    clusters_day_3 = clusters_kept_and_recomputed(database)
    # the same inputs staged and aligned from scratch, in a copy, to hold the daily rewrites to
    recomputed = root / "recomputed.duckdb"
    shutil.copy(database, recomputed)
    assert dbt(landing, recomputed, "run", "--full-refresh", "--select",
               "path:models/staging,config.materialized:incremental int_customer_records_unioned "
               "int_customer_pairs_hard_matched "
               "int_customer_match_edges int_customer_records_aligned customer_xref dim_customer "
               "fct_orders fct_order_lines fct_web_events mart_marketing_consent")
    rewritten_day_3 = {name: daily_tables(path) for name, path in [("daily", database), ("recomputed", recomputed)]}

    build(landing, database)  # the same day again
    rerun = state(database)
    normalized_runs = read(database, """
        select normalized_at, count(*) as n, list(distinct parse_filename(_landed_file)) as files
        from intermediate.int_customer_records_normalized group by all order by normalized_at
    """).to_pylist()

    fresh = root / "fresh.duckdb"
    build(landing, fresh)  # all three days at once, from scratch

    assert dbt(landing, database, "build", "--full-refresh")  # renormalize and rescore everything
    days["refreshed"] = xref(database)
    return {"root": root, "database": database, "days": days, "after_day_3": after_day_3,
            "rerun": rerun, "fresh": fresh, "normalized_runs": normalized_runs,
            "clusters_day_3": clusters_day_3, "rewritten_day_3": rewritten_day_3,
            "soft_pairs_day_3": soft_pairs_day_3}


@pytest.mark.parametrize("day", [2, 3])
def test_unchanged_people_keep_their_ids(cycle, day):
    """A person whose records were neither merged with nor split from others keeps their ID
    (new records may join them)."""
    before, after = cycle["days"][day - 1], cycle["days"][day]
    before_people = people(before)
    groups_after = set(people(after, records=set(before)).values())
    unchanged = [m for m, records in before_people.items() if records in groups_after]
    churned = [m for m in unchanged if any(after[r] != m for r in before_people[m])]
    assert len(unchanged) > 0.95 * len(before_people)
    assert churned == [], "people whose records were not merged or split got a new ID"


def test_every_id_change_is_in_the_history(cycle):
    history = read(cycle["database"], """
        select old_master_customer_id, new_master_customer_id, event, old_id_retired
        from marts.customer_id_history where event <> 'created'""").to_pylist()
    recorded = {(h["old_master_customer_id"], h["new_master_customer_id"]) for h in history}
    days = cycle["days"]
    for before, after in [(days[1], days[2]), (days[2], days[3]), (days[3], days["refreshed"])]:
        for record, old in before.items():
            if after[record] != old:
                assert (old, after[record]) in recorded, (record, old, after[record])
    final_ids = set(days["refreshed"].values())
    for event in history:
        if event["old_id_retired"]:
            assert event["old_master_customer_id"] not in final_ids
        if event["event"] in ("split", "moved"):
            assert event["new_master_customer_id"] in final_ids or event["new_master_customer_id"] in {
                h["old_master_customer_id"] for h in history}


def test_new_people_are_created_in_the_history(cycle):
    created = read(cycle["database"], """
        select new_master_customer_id from marts.customer_id_history where event = 'created'
    """).column(0).to_pylist()
    assert len(created) == len(set(created))
    for day in (2, 3):
        new_ids = set(cycle["days"][day].values()) - set(cycle["days"][day - 1].values())
        assert new_ids, f"day {day} brought no new person"
        assert new_ids <= set(created) | set(read(cycle["database"], """
            select new_master_customer_id from marts.customer_id_history where event = 'split'
        """).column(0).to_pylist())


def test_only_new_and_updated_records_are_renormalized(cycle):
    by_run = cycle["normalized_runs"]
    assert len(by_run) == 3, by_run  # day 1, day 2, day 3 (the rerun of day 3 normalized nothing)
    assert [run["files"] for run in by_run] == [["day_001.parquet"], ["day_002.parquet"], ["day_003.parquet"]]
    assert by_run[1]["n"] < 0.05 * by_run[0]["n"]


def test_daily_clustering_equals_clustering_everything(cycle):
    """Day 3 clustered only the components something changed in; the result is what clustering
    every record on the same edges gives."""
    kept, recomputed = cycle["clusters_day_3"]
    assert kept == recomputed


def assert_daily_equals_recomputed(cycle, tables):
    daily, recomputed = cycle["rewritten_day_3"]["daily"], cycle["rewritten_day_3"]["recomputed"]
    for table in tables:
        assert len(daily[table]) == len(recomputed[table]), table
        assert daily[table] == recomputed[table], table


def test_daily_staging_equals_reading_every_file_again(cycle):
    """Days 2 and 3 read only their new files and reclassified only the keys those carry; the
    base tables are what reading and classifying every landed file at once gives."""
    assert_daily_equals_recomputed(cycle, BASE_TABLES)


def test_daily_unioned_records_equal_recomputing_them(cycle):
    """Days 2 and 3 wrote only the records whose current version came in a new file."""
    assert_daily_equals_recomputed(cycle, ["intermediate.int_customer_records_unioned"])


def test_daily_hard_pairs_and_edges_equal_recomputing_them(cycle):
    """Day 3 recomputed only the hard-rule groups a changed record joined or left, and checked the
    first names only of Splink pairs with a changed record; both tables are what computing them
    from scratch gives."""
    assert_daily_equals_recomputed(cycle, MATCH_TABLES)


def test_daily_facts_equal_recomputing_them(cycle):
    """Days 2 and 3 wrote only the order, line and web-event rows that were new or changed (a
    newer version, another master customer); the facts are what computing every row gives."""
    assert_daily_equals_recomputed(cycle, FACT_TABLES)


def test_daily_golden_records_equal_recomputing_them(cycle):
    """Day 3 rewrote only the clusters and people something changed in; the aligned records, the
    cross-reference and the golden records are what computing them all from the same clusters
    gives."""
    assert_daily_equals_recomputed(
        cycle, [t for t in DAILY_TABLES if t not in BASE_TABLES + MATCH_TABLES + FACT_TABLES + CONSENT_TABLES])


def test_daily_consent_equals_recomputing_it(cycle):
    """Days 2 and 3 recomputed consent only for people with a consent event loaded or a golden
    record recomputed since, and dropped the rows of retired IDs and split-off records; the mart
    is what computing it for everyone gives."""
    assert_daily_equals_recomputed(cycle, CONSENT_TABLES)


def test_running_a_day_twice_changes_nothing(cycle):
    for table in STATE_TABLES:
        assert cycle["rerun"][table] == cycle["after_day_3"][table], table


def test_incremental_result_equals_a_full_build(cycle):
    """Term frequencies come from the model, so a pair scores the same whenever it is scored:
    three daily runs leave exactly the Splink pairs and the people a full build of the same
    files gives (pairwise agreement 1)."""
    incremental, full = cycle["days"][3], xref(cycle["fresh"])
    assert set(incremental) == set(full)
    assert same_person_pairs(incremental) == same_person_pairs(full)
    assert cycle["soft_pairs_day_3"] == sorted_rows(cycle["fresh"], {"pairs": SOFT_PAIRS_SQL})["pairs"]


def test_a_full_refresh_gives_the_same_people_and_keeps_their_ids(cycle):
    refreshed, full = cycle["days"]["refreshed"], xref(cycle["fresh"])
    assert same_person_pairs(refreshed) == same_person_pairs(full)
    before_people = people(cycle["days"][3])
    groups_after = set(people(refreshed, records=set(cycle["days"][3])).values())
    unchanged = [m for m, records in before_people.items() if records in groups_after]
    assert len(unchanged) > 0.99 * len(before_people)
    assert [m for m in unchanged if any(refreshed[r] != m for r in before_people[m])] == []


def test_the_snapshot_keeps_what_we_knew(cycle):
    rows = read(cycle["database"], """
        select master_customer_id, count(*) as versions,
            count(*) filter (where dbt_valid_to is null) as current_versions
        from snapshots.dim_customer_snapshot group by all
    """).to_pylist()
    assert all(r["current_versions"] <= 1 for r in rows)
    assert any(r["versions"] > 1 for r in rows), "no golden record changed over three days"
    current = set(read(cycle["database"], "select master_customer_id from marts.dim_customer").column(0).to_pylist())
    snapshot_current = {r["master_customer_id"] for r in rows if r["current_versions"] == 1}
    assert snapshot_current == current
    day_1 = read(cycle["database"], """
        select count(*) from snapshots.dim_customer_snapshot
        where dbt_valid_from <= (select min(dbt_valid_from) from snapshots.dim_customer_snapshot)
    """).column(0)[0].as_py()
    assert day_1 == len(set(cycle["days"][1].values()))


def test_every_landed_delta_row_is_accounted_for(cycle):
    counts = read(cycle["database"], """
        select source, source_table, landed_rows, staged_rows + superseded_rows + quarantined_rows as accounted,
            superseded_rows from staging.landed_row_counts""").to_pylist()
    for row in counts:
        assert row["landed_rows"] == row["accounted"], row
    assert {r["source"] for r in counts if r["superseded_rows"] > 0} >= {"crm", "webshop", "pos"}
