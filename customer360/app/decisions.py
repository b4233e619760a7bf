"""Reviewers' decisions made in the app: one CSV beside the warehouse, appended to.

The build reads it (macro ``review_decisions`` in int_manual_match_decisions) together with the
seed manual_match_decisions, so a decision applies on the next build. Each decision is one line,
written by one ``write`` under an exclusive ``flock``: two reviewers deciding at the same moment
both land, and the latest decision on a pair wins at the build.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
from dataclasses import dataclass
from pathlib import Path

COLUMNS = [
    "source_l", "source_record_key_l", "source_r", "source_record_key_r",
    "decision", "decided_by", "decided_at", "note",
]
DECISIONS = ("must_link", "cannot_link")
ENV = "CUSTOMER360_REVIEW_DECISIONS"


class DecisionError(ValueError):
    """A decision the app refuses to write; the message says why."""


def decisions_path(database: str | os.PathLike) -> Path:
    """Where the app writes decisions for the warehouse ``database``: $CUSTOMER360_REVIEW_DECISIONS,
    else ``<warehouse file>.decisions.csv`` (the dbt macro review_decisions_path agrees)."""
    configured = os.environ.get(ENV, "").strip()
    if configured:
        return Path(configured).resolve()
    database = Path(database).resolve()
    return database.with_name(database.name + ".decisions.csv")


@dataclass(frozen=True)
class Decision:
    record_l: str
    record_r: str
    decision: str
    decided_by: str
    decided_at: str
    note: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return tuple(sorted((self.record_l, self.record_r)))  # type: ignore[return-value]

    @property
    def pair_key(self) -> str:
        return pair_key(self.record_l, self.record_r)


def pair_key(record_a: str, record_b: str) -> str:
    """A pair as one string, smaller record ID first, as the review queue's SQL builds it
    (customer_record_id_l || '|' || customer_record_id_r)."""
    return "|".join(sorted((record_a, record_b)))


def _split(record_id: str) -> tuple[str, str]:
    source, sep, key = record_id.partition(":")
    if not sep or not source or not key:
        raise DecisionError(f"not a customer record ID (source:key): {record_id!r}")
    return source, key


def append(path: Path, record_l: str, record_r: str, decision: str, decided_by: str,
           note: str = "", now: dt.datetime | None = None) -> Decision:
    """Appends one decision; returns it. Raises DecisionError for a decision that cannot be one."""
    decision = decision.strip().lower()
    decided_by = " ".join(decided_by.split())
    if decision not in DECISIONS:
        raise DecisionError(f"a decision is must_link or cannot_link, not {decision!r}")
    if not decided_by:
        raise DecisionError("say who decides: the reviewer's name is recorded with the decision")
    if record_l == record_r:
        raise DecisionError("a pair needs two different records")
    source_l, key_l = _split(record_l)
    source_r, key_r = _split(record_r)
    decided_at = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    row = Decision(record_l, record_r, decision, decided_by,
                   decided_at.strftime("%Y-%m-%d %H:%M:%S.%f"), " ".join(note.split()))
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(
        [source_l, key_l, source_r, key_r, row.decision, row.decided_by, row.decided_at, row.note]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        header = "" if os.fstat(fd).st_size else ",".join(COLUMNS) + "\n"
        os.write(fd, (header + line.getvalue()).encode("utf-8"))
    finally:
        os.close(fd)  # releases the lock
    return row


def read(path: Path) -> list[Decision]:
    """Every decision in the file, in the order written."""
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        rows = list(csv.DictReader(handle))
    return [
        Decision(
            f"{row['source_l']}:{row['source_record_key_l']}", f"{row['source_r']}:{row['source_record_key_r']}",
            row["decision"], row["decided_by"], row["decided_at"], row.get("note") or "",
        )
        for row in rows
    ]


def latest_by_pair(decisions: list[Decision]) -> dict[tuple[str, str], Decision]:
    """The decision that wins for each pair, as the build takes it: the latest decided_at, and
    on a tie the first decision in alphabetical order (cannot_link)."""
    latest: dict[tuple[str, str], Decision] = {}
    for decision in decisions:
        current = latest.get(decision.pair)
        if current is None or (decision.decided_at, current.decision) > (current.decided_at, decision.decision):
            latest[decision.pair] = decision
    return latest
