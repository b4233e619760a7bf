"""Pairwise quality of a partition of records into people, against the generator's ground truth.

Two records form a predicted pair when they share a predicted cluster and a true pair when they
share a person. Precision = true predicted pairs / predicted pairs; recall = true predicted
pairs / true pairs. Counted from cluster-size contingencies, never by listing pairs, so 1M records
take seconds. Only records present in both the prediction and the truth are scored (quarantined
records never reach the prediction).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class PairwiseScores:
    records: int
    predicted_people: int
    true_people: int
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}

    def report(self) -> str:
        return (
            f"records scored      {self.records:>12,}\n"
            f"predicted people    {self.predicted_people:>12,}\n"
            f"true people         {self.true_people:>12,}\n"
            f"pairwise precision  {self.precision:>12.4f}\n"
            f"pairwise recall     {self.recall:>12.4f}\n"
            f"pairwise F1         {self.f1:>12.4f}"
        )


def pairwise_scores(connection: duckdb.DuckDBPyConnection, predicted: str, truth: str) -> PairwiseScores:
    """`predicted`: a relation (customer_record_id, cluster_id); `truth`: (customer_record_id,
    person_id). Both are SQL relation expressions readable by `connection`."""
    row = connection.execute(
        f"""
        with scored as (
            select p.cluster_id, t.person_id
            from ({predicted}) as p
            join ({truth}) as t using (customer_record_id)
        ),
        cells as (select cluster_id, person_id, count(*) as n from scored group by all),
        clusters as (select cluster_id, sum(n) as n from cells group by all),
        people as (select person_id, sum(n) as n from cells group by all)
        select
            (select sum(n) from cells),
            (select count(*) from clusters),
            (select count(*) from people),
            (select sum(n * (n - 1) / 2) from clusters),
            (select sum(n * (n - 1) / 2) from people),
            (select sum(n * (n - 1) / 2) from cells)
        """
    ).fetchall()[0]
    return PairwiseScores(*(int(value or 0) for value in row))


def truth_relation(ground_truth_dir: Path) -> str:
    files = str(Path(ground_truth_dir) / "*.parquet")
    # a duplicated key appears once per copy in the truth; the staged copy is the one scored
    return (
        f"select distinct on (customer_record_id) source || ':' || source_record_key as customer_record_id, person_id "
        f"from read_parquet('{files}') order by customer_record_id, is_corrupted"
    )


def score_xref(connection: duckdb.DuckDBPyConnection, ground_truth_dir: Path) -> PairwiseScores:
    """Scores the warehouse's customer_xref (master customers) against the ground truth."""
    return pairwise_scores(
        connection,
        "select customer_record_id, master_customer_id as cluster_id from marts.customer_xref",
        truth_relation(ground_truth_dir),
    )


def evaluate_warehouse(database: Path, ground_truth_dir: Path) -> PairwiseScores:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return score_xref(connection, ground_truth_dir)
    finally:
        connection.close()
