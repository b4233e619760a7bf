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

import pyarrow as pa


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
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            refused.append(False)
            continue
        span_a, span_b = years.get(root_a), years.get(root_b)
        if is_guarded and span_a and span_b and (
            max(span_a[1], span_b[1]) - min(span_a[0], span_b[0]) > max_birth_year_gap
        ):
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
        if span_a or span_b:
            spans = [span for span in (span_a, span_b) if span]
            years[root_a] = (min(s[0] for s in spans), max(s[1] for s in spans))
        merged = forbidden.pop(root_b, None)
        if merged:
            forbidden.setdefault(root_a, set()).update(merged)
        refused.append(False)
    return [find(node) for node in range(node_count)], refused


def cluster_records(
    record_ids: Sequence[str],
    edges: pa.Table,
    cannot_links: pa.Table,
    birth_years: dict[str, int | None] | None = None,
    max_birth_year_gap: int | None = None,
) -> pa.Table:
    """Assigns every record to a cluster.

    `edges`: customer_record_id_l, customer_record_id_r, edge_priority (lower is stronger; 0 =
    reviewer's must-link, exempt from the birth-year guard), match_probability.
    `cannot_links`: customer_record_id_l, customer_record_id_r.
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
    edge_pairs, guarded = [], []
    for l, r, priority in zip(
        ordered.column("customer_record_id_l").to_pylist(),
        ordered.column("customer_record_id_r").to_pylist(),
        ordered.column("edge_priority").to_pylist(),
    ):
        if l in index and r in index:
            edge_pairs.append((index[l], index[r]))
            guarded.append(priority > 0)
    constraint_pairs = [
        (index[l], index[r])
        for l, r in zip(
            cannot_links.column("customer_record_id_l").to_pylist(),
            cannot_links.column("customer_record_id_r").to_pylist(),
        )
        if l in index and r in index
    ]
    years = [birth_years.get(record_id) for record_id in ids] if birth_years else None
    roots, _ = constrained_components(
        len(ids), edge_pairs, constraint_pairs, years, max_birth_year_gap, guarded
    )

    smallest: dict[int, int] = {}
    for node, root in enumerate(roots):  # ids are sorted: the first node seen is the smallest
        smallest.setdefault(root, node)
    return pa.table(
        {
            "customer_record_id": pa.array(ids, pa.string()),
            "cluster_record_id": pa.array([ids[smallest[root]] for root in roots], pa.string()),
        }
    )

