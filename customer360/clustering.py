"""Clustering of match edges into people, with human cannot-link decisions as hard constraints.

Edges are merged strongest first (manual must-link, then hard rules, then Splink by descending
probability). Two groups are never merged when a cannot-link joins any record of one to any
record of the other, so a cannot-link splits a cluster even when a third record would have
chained the two together: the weaker chain is the one that gives way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc


def constrained_components(
    node_count: int,
    edges: Iterable[tuple[int, int]],
    cannot_links: Iterable[tuple[int, int]] = (),
) -> tuple[list[int], list[bool]]:
    """Union-find over `edges` taken in the given order (strongest first).

    Returns the root of every node and, per edge, whether it was refused by a cannot-link.
    """
    parent = list(range(node_count))
    size = [1] * node_count
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
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            refused.append(False)
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
        merged = forbidden.pop(root_b, None)
        if merged:
            forbidden.setdefault(root_a, set()).update(merged)
        refused.append(False)
    return [find(node) for node in range(node_count)], refused


def cluster_records(
    record_ids: Sequence[str],
    edges: pa.Table,
    cannot_links: pa.Table,
) -> pa.Table:
    """Assigns every record to a cluster.

    `edges`: customer_record_id_l, customer_record_id_r, edge_priority (lower is stronger),
    match_probability. `cannot_links`: customer_record_id_l, customer_record_id_r.
    Returns customer_record_id and cluster_record_id: the smallest record id of its cluster, so
    the result depends on the data only, never on row order.
    """
    ids = sorted(set(record_ids))
    index = {record_id: position for position, record_id in enumerate(ids)}

    ordered = edges.sort_by(
        [
            ("edge_priority", "ascending"),
            ("match_probability", "descending"),
            ("customer_record_id_l", "ascending"),
            ("customer_record_id_r", "ascending"),
        ]
    )
    edge_pairs = [
        (index[l], index[r])
        for l, r in zip(
            ordered.column("customer_record_id_l").to_pylist(),
            ordered.column("customer_record_id_r").to_pylist(),
        )
        if l in index and r in index
    ]
    constraint_pairs = [
        (index[l], index[r])
        for l, r in zip(
            cannot_links.column("customer_record_id_l").to_pylist(),
            cannot_links.column("customer_record_id_r").to_pylist(),
        )
        if l in index and r in index
    ]
    roots, _ = constrained_components(len(ids), edge_pairs, constraint_pairs)

    smallest: dict[int, int] = {}
    for node, root in enumerate(roots):  # ids are sorted: the first node seen is the smallest
        smallest.setdefault(root, node)
    return pa.table(
        {
            "customer_record_id": pa.array(ids, pa.string()),
            "cluster_record_id": pa.array([ids[smallest[root]] for root in roots], pa.string()),
        }
    )


def cluster_sizes(clusters: pa.Table) -> dict[str, int]:
    counts = pc.value_counts(clusters.column("cluster_record_id")).to_pylist()
    return {item["values"]: item["counts"] for item in counts}
