import pyarrow as pa

from customer360.clustering import cluster_records, constrained_components


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
        birth_years={"crm:father": 1962, "crm:son": 2001, "webshop:x": None},
        max_birth_year_gap=1,
    )
    assert clusters_of(result) == [["crm:father"], ["crm:son", "webshop:x"]]


def test_a_typo_in_the_birth_year_within_the_gap_still_links():
    result = cluster_records(
        ["a", "b"], edges([("a", "b", 2, 0.99)]), cannot([]), birth_years={"a": 1980, "b": 1981}, max_birth_year_gap=1
    )
    assert clusters_of(result) == [["a", "b"]]


def test_reviewers_must_link_is_not_held_to_the_birth_year_guard():
    result = cluster_records(
        ["a", "b"], edges([("a", "b", 0, 1.0)]), cannot([]), birth_years={"a": 1950, "b": 1990}, max_birth_year_gap=1
    )
    assert clusters_of(result) == [["a", "b"]]
