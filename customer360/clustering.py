"""Clustering of match edges into people, with human cannot-link decisions as hard constraints.

Edges are merged strongest first (manual must-link, then hard rules, then Splink by descending
probability). Two groups are never merged when a cannot-link joins any record of one to any
record of the other, so a cannot-link splits a cluster even when a third record would have
chained the two together: the weaker chain is the one that gives way.

Automatic edges (hard rules, Splink) are also refused when the merged group would hold birth
years further apart than `max_birth_year_gap`: a father and son at one address, chained through
a webshop account that has no birth date, stay two people. Reviewers' must-links are not held
to that guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def constrained_components(
    node_count: int,
    edges: Iterable[tuple[int, int]],
    cannot_links: Iterable[tuple[int, int]] = (),
    birth_years: Sequence[int | None] | None = None,
    max_birth_year_gap: int | None = None,
    guarded: Iterable[bool] | None = None,
) -> tuple[list[int], list[bool]]:
    """Union-find over `edges` taken in the given order (strongest first).

    Returns the root of every node and, per edge, whether it was refused (by a cannot-link, or
    for guarded edges by birth years further apart than `max_birth_year_gap`).
    """
    parent = list(range(node_count))
    size = [1] * node_count
    # per root: (earliest, latest) known birth year of its group
    years: dict[int, tuple[int, int]] = {}
    if birth_years is not None and max_birth_year_gap is not None:
        years = {node: (year, year) for node, year in enumerate(birth_years) if year is not None}
    guards = iter(guarded) if guarded is not None else None
    forbidden: dict[int, set[int]] = {}
    for a, b in cannot_links:
        if a != b:
            forbidden.setdefault(a, set()).add(b)
            forbidden.setdefault(b, set()).add(a)

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    refused = []
    for a, b in edges:
        is_guarded = next(guards) if guards is not None else True
        # most nodes are their own root: skip the call then
        root_a = a if parent[a] == a else find(a)
        root_b = b if parent[b] == b else find(b)
        if root_a == root_b:
            refused.append(False)
            continue
        span_a, span_b = years.get(root_a), years.get(root_b)
        merged_span = span_a or span_b
        if span_a and span_b:
            merged_span = (min(span_a[0], span_b[0]), max(span_a[1], span_b[1]))
            if is_guarded and merged_span[1] - merged_span[0] > max_birth_year_gap:
                refused.append(True)
                continue
        forbidden_a = forbidden.get(root_a)
        forbidden_b = forbidden.get(root_b)
        if forbidden_a and forbidden_b and len(forbidden_b) < len(forbidden_a):
            forbidden_a, root_a, root_b = forbidden_b, root_b, root_a
        if forbidden_a and any(find(other) == root_b for other in forbidden_a):
            refused.append(True)
            continue
        if size[root_a] < size[root_b]:
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        size[root_a] += size[root_b]
        if merged_span:
            years[root_a] = merged_span
        merged = forbidden.pop(root_b, None)
        if merged:
            forbidden.setdefault(root_a, set()).update(merged)
        refused.append(False)
    return [find(node) for node in range(node_count)], refused


def cluster_records(
    record_ids: Sequence[str] | pa.Array,
    edges: pa.Table,
    cannot_links: pa.Table,
    birth_years: Sequence[int | None] | pa.Array | None = None,
    max_birth_year_gap: int | None = None,
) -> pa.Table:
    """Assigns every record to a cluster.

    `edges`: customer_record_id_l, customer_record_id_r, edge_priority (lower is stronger; 0 =
    reviewer's must-link, exempt from the birth-year guard), match_probability.
    `cannot_links`: customer_record_id_l, customer_record_id_r.
    `birth_years`: aligned with `record_ids`.
    Returns customer_record_id, cluster_record_id (the smallest record id of its cluster) and
    component_record_id (the smallest record id of its raw component: the records its accepted
    edges reach, constraints ignored), so the result depends on the data only, never on row order.
    """
    given = pc.cast(record_ids if isinstance(record_ids, pa.Array) else pa.array(record_ids, pa.string()), pa.string())
    # sorted unique ids (UTF-8 byte order is code-point order, as Python's sorted); the string
    # bookkeeping runs in Arrow, only the union-find walks the edges in Python
    ids = pc.unique(given)
    ids = ids.take(pc.sort_indices(ids))

    ordered = edges.sort_by(
        [
            ("edge_priority", "ascending"),
            ("match_probability", "descending"),
            ("customer_record_id_l", "ascending"),
            ("customer_record_id_r", "ascending"),
        ]
    )
    left = pc.index_in(pc.cast(ordered.column("customer_record_id_l"), pa.string()), value_set=ids)
    right = pc.index_in(pc.cast(ordered.column("customer_record_id_r"), pa.string()), value_set=ids)
    known = pc.and_(pc.is_valid(left), pc.is_valid(right))
    left, right = left.filter(known).to_pylist(), right.filter(known).to_pylist()
    guarded = pc.greater(ordered.column("edge_priority").filter(known), 0).to_pylist()
    edge_pairs = list(zip(left, right))
    cannot_l = pc.index_in(pc.cast(cannot_links.column("customer_record_id_l"), pa.string()), value_set=ids)
    cannot_r = pc.index_in(pc.cast(cannot_links.column("customer_record_id_r"), pa.string()), value_set=ids)
    both = pc.and_(pc.is_valid(cannot_l), pc.is_valid(cannot_r))
    constraint_pairs = list(zip(cannot_l.filter(both).to_pylist(), cannot_r.filter(both).to_pylist()))
    years = None
    if birth_years is not None:  # in the sorted order of ids
        aligned = birth_years if isinstance(birth_years, pa.Array) else pa.array(birth_years, pa.int64())
        years = pc.take(aligned, pc.index_in(ids, value_set=given)).to_pylist()
    roots, refused = constrained_components(
        len(ids), edge_pairs, constraint_pairs, years, max_birth_year_gap, guarded
    )
    # the raw component (all accepted edges, constraints ignored) joins clusters over refused edges
    root_array = np.asarray(roots, dtype=np.int64)
    cluster_roots, cluster_of_node = np.unique(root_array, return_inverse=True)
    refused_pairs = [
        (int(cluster_of_node[a]), int(cluster_of_node[b]))
        for (a, b), was_refused in zip(edge_pairs, refused) if was_refused
    ]
    component_of_cluster, _ = constrained_components(len(cluster_roots), refused_pairs)
    components = np.asarray(component_of_cluster, dtype=np.int64)[cluster_of_node]

    return pa.table(
        {
            "customer_record_id": ids,
            "cluster_record_id": _smallest_member(ids, root_array),
            "component_record_id": _smallest_member(ids, components),
        }
    )


def _smallest_member(ids: pa.Array, groups: np.ndarray) -> pa.Array:
    """Per node, the smallest id of its group (ids are sorted: the first node of a group is its
    smallest)."""
    _, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
    return ids.take(pa.array(first[inverse]))


# Per record, a fingerprint of everything its clustering reads: its birth year, the guard, its
# accepted edges and its cannot-links. Edges are hashed whole, so a new, dropped or re-scored edge
# changes the fingerprint of both its records; bit_xor makes the sum independent of row order.
_STATE_SQL = """
with incident as (
    select customer_record_id_l as customer_record_id,
           hash('edge', customer_record_id_l, customer_record_id_r, edge_priority, match_probability) as h
    from edges
    union all
    select customer_record_id_r,
           hash('edge', customer_record_id_l, customer_record_id_r, edge_priority, match_probability)
    from edges
    union all
    select customer_record_id_l, hash('cannot_link', customer_record_id_l, customer_record_id_r)
    from cannot_links
    union all
    select customer_record_id_r, hash('cannot_link', customer_record_id_l, customer_record_id_r)
    from cannot_links
),
incident_state as (
    select customer_record_id, bit_xor(h) as h from incident group by customer_record_id
)
select
    records.customer_record_id,
    xor(hash(records.birth_year, $max_birth_year_gap), coalesce(incident_state.h, 0)) as cluster_state_hash
from records
left join incident_state on records.customer_record_id = incident_state.customer_record_id
"""

# The records whose clusters may differ from the previous run: every raw component (over the
# accepted edges of now, and of the last run) that holds a record whose state changed or that
# vanished. Components are closed under the edges, so clustering them alone gives what clustering
# everything would: union-find never looks across a component's border.
_AFFECTED_SQL = """
with recursive
state_changed as (
    select state.customer_record_id
    from state
    left join previous on state.customer_record_id = previous.customer_record_id
    where previous.cluster_state_hash is distinct from state.cluster_state_hash
),
vanished as (
    select customer_record_id from previous
    anti join state on previous.customer_record_id = state.customer_record_id
),
touched_components as (
    select previous.component_record_id
    from previous
    semi join (select * from state_changed union all select * from vanished) as touched
        on previous.customer_record_id = touched.customer_record_id
),
seeds as (
    select customer_record_id from state_changed
    union
    select previous.customer_record_id
    from previous
    semi join touched_components on previous.component_record_id = touched_components.component_record_id
    semi join state on previous.customer_record_id = state.customer_record_id
),
neighbours as (
    select customer_record_id_l as customer_record_id, customer_record_id_r as other_record_id from edges
    union all
    select customer_record_id_r, customer_record_id_l from edges
),
reached(customer_record_id) as (
    select customer_record_id from seeds
    union
    select neighbours.other_record_id
    from reached
    inner join neighbours on reached.customer_record_id = neighbours.customer_record_id
)
select customer_record_id from reached
"""


def update_clusters(
    records: pa.Table,
    edges: pa.Table,
    cannot_links: pa.Table,
    previous: pa.Table | None,
    max_birth_year_gap: int,
    stats: dict | None = None,
) -> pa.Table:
    """The clusters of `records` (customer_record_id, birth_year), reusing `previous` (the last
    output of this function, or None) for every raw component nothing changed in.

    Gives exactly what cluster_records gives on all records (the daily test holds the two equal):
    only components that hold a record whose birth year, accepted edges or cannot-links changed,
    or that lost a record, are clustered again. Adds `cluster_state_hash`, the fingerprint the
    next run compares.
    """
    import duckdb

    connection = duckdb.connect()
    try:
        connection.register("records", records.select(["customer_record_id", "birth_year"]))
        connection.register("edges", edges.select(
            ["customer_record_id_l", "customer_record_id_r", "edge_priority", "match_probability"]))
        connection.register("cannot_links", cannot_links.select(["customer_record_id_l", "customer_record_id_r"]))
        state = connection.sql(_STATE_SQL, params={"max_birth_year_gap": max_birth_year_gap}).to_arrow_table()
        connection.register("state", state)
        usable = previous is not None and "cluster_state_hash" in previous.column_names
        if usable:
            connection.register("previous", previous.select(
                ["customer_record_id", "cluster_record_id", "component_record_id", "cluster_state_hash"]))
            affected = connection.sql(_AFFECTED_SQL).to_arrow_table()
            connection.register("affected", affected)
            subset = {
                name: connection.sql(sql).to_arrow_table()
                for name, sql in {
                    "records": "select * from records semi join affected using (customer_record_id)",
                    "edges": "select * from edges semi join affected"
                             " on edges.customer_record_id_l = affected.customer_record_id",
                    "cannot_links": "select * from cannot_links semi join affected"
                                    " on cannot_links.customer_record_id_l = affected.customer_record_id",
                    "kept": "select previous.customer_record_id, previous.cluster_record_id,"
                            " previous.component_record_id from previous"
                            " semi join state using (customer_record_id)"
                            " anti join affected using (customer_record_id)",
                }.items()
            }
        else:
            subset = {"records": records, "edges": edges, "cannot_links": cannot_links, "kept": None}
        clustered = cluster_records(subset["records"].column("customer_record_id").combine_chunks(),
                                    subset["edges"], subset["cannot_links"],
                                    subset["records"].column("birth_year").combine_chunks(), max_birth_year_gap)
        if subset["kept"] is not None:
            clustered = pa.concat_tables([subset["kept"], clustered])
        if stats is not None:
            stats.update(mode="incremental" if usable else "full", reclustered=subset["records"].num_rows)
        connection.register("clustered", clustered)
        return connection.sql(
            "select clustered.*, state.cluster_state_hash from clustered"
            " inner join state on clustered.customer_record_id = state.customer_record_id"
            " order by clustered.customer_record_id"
        ).to_arrow_table()
    finally:
        connection.close()

