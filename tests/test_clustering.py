import pyarrow as pa

from customer360.clustering import cluster_records, constrained_components, update_clusters


def edges(rows):
    l, r, priority, probability = zip(*rows) if rows else ((), (), (), ())
    return pa.table({
        "customer_record_id_l": pa.array(l, pa.string()),
        "customer_record_id_r": pa.array(r, pa.string()),
        "edge_priority": pa.array(priority, pa.int32()),
        "match_probability": pa.array(probability, pa.float64()),
    })


def cannot(rows):
    l, r = zip(*rows) if rows else ((), ())
    return pa.table({"customer_record_id_l": pa.array(l, pa.string()), "customer_record_id_r": pa.array(r, pa.string())})


def clusters_of(table):
    groups = {}
    for record, cluster in zip(table.column("customer_record_id").to_pylist(), table.column("cluster_record_id").to_pylist()):
        groups.setdefault(cluster, set()).add(record)
    return sorted(sorted(g) for g in groups.values())


def test_chains_merge_and_singletons_stay_alone():
    result = cluster_records(["a", "b", "c", "d"], edges([("a", "b", 1, 1.0), ("b", "c", 2, 0.97)]), cannot([]))
    assert clusters_of(result) == [["a", "b", "c"], ["d"]]


def test_cluster_is_named_after_its_smallest_record():
    result = cluster_records(["z", "m", "q"], edges([("m", "z", 2, 0.99)]), cannot([]))
    assert dict(zip(result.column("customer_record_id").to_pylist(), result.column("cluster_record_id").to_pylist())) == {
        "m": "m", "q": "q", "z": "m"}


def test_cannot_link_splits_a_cluster_held_together_by_a_third_record():
    # a-c certain (hard rule), c-b probable (Splink); a reviewer says a and b are different people
    result = cluster_records(["a", "b", "c"], edges([("a", "c", 1, 1.0), ("b", "c", 2, 0.96)]), cannot([("a", "b")]))
    assert clusters_of(result) == [["a", "c"], ["b"]]


def test_the_weaker_edge_gives_way_whatever_the_input_order():
    rows = [("b", "c", 2, 0.99), ("a", "c", 2, 0.96)]
    forward = cluster_records(["a", "b", "c"], edges(rows), cannot([("a", "b")]))
    backward = cluster_records(["c", "b", "a"], edges(rows[::-1]), cannot([("b", "a")]))
    assert clusters_of(forward) == clusters_of(backward) == [["a"], ["b", "c"]]


def test_manual_must_link_beats_the_model_but_not_a_cannot_link():
    result = cluster_records(
        ["a", "b", "c", "d"],
        edges([("a", "b", 0, 1.0), ("c", "d", 0, 1.0), ("b", "c", 2, 0.99)]),
        cannot([("a", "d")]),
    )
    assert clusters_of(result) == [["a", "b"], ["c", "d"]]


def test_constraints_follow_merged_groups():
    roots, refused = constrained_components(5, [(0, 1), (2, 3), (1, 2), (3, 4)], [(0, 4)])
    assert refused == [False, False, False, True]
    assert roots[0] == roots[1] == roots[2] == roots[3] != roots[4]


def test_edges_to_unknown_records_are_ignored():
    result = cluster_records(["a", "b"], edges([("a", "x", 1, 1.0)]), cannot([]))
    assert clusters_of(result) == [["a"], ["b"]]


def test_birth_years_too_far_apart_are_not_chained_through_a_record_without_one():
    # father (1962) and son (2001) at one address, both linked to a webshop account with no birth date
    result = cluster_records(
        ["crm:father", "crm:son", "webshop:x"],
        edges([("crm:son", "webshop:x", 1, 1.0), ("crm:father", "webshop:x", 2, 0.998)]),
        cannot([]),
        birth_years=[1962, 2001, None],
        max_birth_year_gap=1,
    )
    assert clusters_of(result) == [["crm:father"], ["crm:son", "webshop:x"]]


def test_a_typo_in_the_birth_year_within_the_gap_still_links():
    result = cluster_records(
        ["a", "b"], edges([("a", "b", 2, 0.99)]), cannot([]), birth_years=[1980, 1981], max_birth_year_gap=1
    )
    assert clusters_of(result) == [["a", "b"]]


def test_reviewers_must_link_is_not_held_to_the_birth_year_guard():
    result = cluster_records(
        ["a", "b"], edges([("a", "b", 0, 1.0)]), cannot([]), birth_years=[1950, 1990], max_birth_year_gap=1
    )
    assert clusters_of(result) == [["a", "b"]]


def records(rows):
    ids, years = zip(*rows)
    return pa.table({"customer_record_id": pa.array(ids, pa.string()), "birth_year": pa.array(years, pa.int32())})


def assignment(table):
    return dict(zip(table.column("customer_record_id").to_pylist(), table.column("cluster_record_id").to_pylist()))


def test_update_reclusters_only_what_changed_and_equals_a_full_clustering():
    day_1 = records([("a", 1980), ("b", 1980), ("c", None), ("d", 2010), ("e", 1990), ("f", 1990), ("g", None)])
    day_1_edges = edges([("a", "b", 1, 1.0), ("b", "c", 2, 0.99), ("c", "d", 2, 0.98), ("e", "f", 1, 1.0)])
    previous = update_clusters(day_1, day_1_edges, cannot([]), None, 1)
    # the father (d, 2010) is refused: c chains him to a and b only through a record without a year
    assert clusters_of(previous) == [["a", "b", "c"], ["d"], ["e", "f"], ["g"]]
    assert set(previous.column("component_record_id").to_pylist()) == {"a", "e", "g"}

    # day 2: d's birth year was a typo (now 1980), a new record h joins g, e and f are untouched
    day_2 = records([("a", 1980), ("b", 1980), ("c", None), ("d", 1980), ("e", 1990), ("f", 1990),
                     ("g", None), ("h", 1970)])
    day_2_edges = edges([("a", "b", 1, 1.0), ("b", "c", 2, 0.99), ("c", "d", 2, 0.98), ("e", "f", 1, 1.0),
                         ("g", "h", 2, 0.99)])
    stats = {}
    updated = update_clusters(day_2, day_2_edges, cannot([]), previous, 1, stats)
    full = update_clusters(day_2, day_2_edges, cannot([]), None, 1)
    assert assignment(updated) == assignment(full)
    assert clusters_of(updated) == [["a", "b", "c", "d"], ["e", "f"], ["g", "h"]]
    assert stats == {"mode": "incremental", "reclustered": 6}  # a-d and g, h: not e, f

    # day 3: nothing changed, nothing is clustered again; a new cannot-link splits a cluster
    again = {}
    update_clusters(day_2, day_2_edges, cannot([]), updated, 1, again)
    assert again["reclustered"] == 0
    split = update_clusters(day_2, day_2_edges, cannot([("a", "d")]), updated, 1)
    assert assignment(split) == assignment(update_clusters(day_2, day_2_edges, cannot([("a", "d")]), None, 1))
    assert assignment(split)["d"] != assignment(split)["a"]


def test_update_reclusters_the_rest_of_a_component_when_an_edge_disappears():
    day_1 = records([("a", 1980), ("b", None), ("c", 1980)])
    previous = update_clusters(day_1, edges([("a", "b", 2, 0.99), ("b", "c", 2, 0.99)]), cannot([]), None, 1)
    assert clusters_of(previous) == [["a", "b", "c"]]
    # b was corrected and matches nobody any more: a and c are no longer chained
    updated = update_clusters(day_1, edges([]), cannot([]), previous, 1)
    assert clusters_of(updated) == [["a"], ["b"], ["c"]]
