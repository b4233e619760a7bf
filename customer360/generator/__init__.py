"""Demo-data generator: a synthetic Belgian customer base as landing-zone Parquet files.

``generate(people, seed)`` writes, for every table of the landing contract, one file
``<landing>/<source>/<table>/day_001.parquet`` (every column a string, as exports land) and
``<ground_truth>/day_001.parquet`` saying which person is behind every customer record, and
``<ground_truth>/behaviour/day_001.parquet`` with each person's purchase behaviour and true
probability of buying (:mod:`customer360.generator.behaviour`). Day 1 is a
fresh population: later days' files (``day_NNN.parquet``) in those folders are removed, and
``<ground_truth>/manifest.json`` records (seed, people) for the daily deltas of
:mod:`customer360.generator.delta` (``customer360 generate --day N``).

People are generated in chunks of ``CHUNK_SIZE``; chunk ``c`` draws from its own RNG seeded by
(seed, c), so the population is a pure function of (seed, people) and the output is byte-identical
whatever the number of worker processes.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from customer360.contract import GENERATED_TABLES
from customer360.generator.delta import write_manifest
from customer360.generator.population import CHUNK_SIZE, REFERENCE_DATE

__all__ = ["generate", "REFERENCE_DATE", "CHUNK_SIZE", "GROUND_TRUTH_SCHEMA", "FILE_NAME"]

FILE_NAME = "day_001.parquet"
#: a chunk's table of the e-mail addresses it shares by design (not written)
SHARED_EMAILS = "_shared_emails"
#: a chunk's table of its people's purchase behaviour (generator.behaviour)
BEHAVIOUR = "_behaviour"
GROUND_TRUTH_SCHEMA = pa.schema([
    ("source", pa.string()), ("source_record_key", pa.string()), ("person_id", pa.string()),
    ("is_corrupted", pa.bool_()),
])


def _chunk(args: tuple[int, int, int, str]) -> dict[str, pa.Table]:
    from customer360.generator.chunk import build_chunk

    return build_chunk(*args)


def generate(people: int = 10_000, seed: int = 42, landing_dir: str | Path = "data/landing",
             ground_truth_dir: str | Path | None = None, workers: int | None = None,
             country: str = "BE") -> dict[str, int]:
    """Write the landing files and the ground truth; return the row count of every table.
    ``country``: where the population lives (population.COUNTRIES; BE by default)."""
    from customer360.generator.chunk import BEHAVIOUR_SCHEMA, MAX_PEOPLE, catalog_table

    if people < 1:
        raise ValueError("people must be at least 1")
    if people > MAX_PEOPLE:
        raise ValueError(f"at most {MAX_PEOPLE:,} people fit the generator's key spaces")
    landing = Path(landing_dir)
    truth_dir = Path(ground_truth_dir) if ground_truth_dir is not None else landing.parent / "ground_truth"
    workers = max(1, workers or os.cpu_count() or 1)
    n_chunks = (people + CHUNK_SIZE - 1) // CHUNK_SIZE

    targets: dict[str, Path] = {}
    schemas: dict[str, pa.Schema] = {}
    for (source, table), columns in GENERATED_TABLES.items():
        name = f"{source}/{table}"
        targets[name] = landing / source / table / FILE_NAME
        schemas[name] = pa.schema([(c, pa.string()) for c in columns])
    targets["_ground_truth"] = truth_dir / FILE_NAME
    schemas["_ground_truth"] = GROUND_TRUTH_SCHEMA
    # a folder of its own: the record truth is read as <truth>/*.parquet
    targets[BEHAVIOUR] = truth_dir / "behaviour" / FILE_NAME
    schemas[BEHAVIOUR] = BEHAVIOUR_SCHEMA

    for path in targets.values():  # a new population: earlier deltas no longer belong to it
        for stale in path.parent.glob("day_*.parquet"):
            stale.unlink()

    counts = {name: 0 for name in targets if not name.startswith("_")}
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for name, path in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            writers[name] = pq.ParquetWriter(_tmp(path), schemas[name], compression="zstd")

        catalog = catalog_table()
        writers["catalog/products"].write_table(catalog)
        counts["catalog/products"] = catalog.num_rows

        tasks = [(seed, people, c, country) for c in range(n_chunks)]

        mailboxes = _Mailboxes()

        def consume(results) -> None:
            for tables in results:
                mailboxes.make_unique(tables)
                for name, table in tables.items():
                    if name == SHARED_EMAILS:
                        continue
                    writers[name].write_table(table)
                    if name in counts:
                        counts[name] += table.num_rows

        if workers == 1 or n_chunks == 1:
            consume(map(_chunk, tasks))
        else:
            # spawn, not fork: the parent may already run Arrow thread pools
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(min(workers, n_chunks)) as pool:
                consume(_bounded(pool, tasks, 2 * workers))
        for writer in writers.values():
            writer.close()
        for path in targets.values():
            os.replace(_tmp(path), path)
        write_manifest(truth_dir, seed, people, country)
    except BaseException:
        for name, writer in writers.items():
            try:
                writer.close()
            except Exception:
                pass
            _tmp(targets[name]).unlink(missing_ok=True)
        raise
    return counts


class _Mailboxes:
    """One mailbox, one owner: the first person (in chunk order) to use an address owns it, and
    anyone else drawing the same address gets a numbered variant, as mail providers would force.
    Chunks are generated independently, so the check runs here, where they meet in order. An
    address a chunk shares by design (its SHARED_EMAILS table) is owned by a household, whose
    members all use it (a family's or a partner's address), or by everybody (the placeholders
    staff type in)."""

    KEYED = {"crm/customers": ("crm", "customer_number"), "webshop/accounts": ("webshop", "account_id")}

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def make_unique(self, tables: dict[str, pa.Table]) -> None:
        truth = tables["_ground_truth"]
        person_of = {
            (source, key): person
            for source, key, person in zip(
                truth.column("source").to_pylist(),
                truth.column("source_record_key").to_pylist(),
                truth.column("person_id").to_pylist(),
            )
        }
        shared_table = tables[SHARED_EMAILS]
        # who may use a shared address: its household's members, or anybody for a placeholder
        sharer = {}
        for email, person, household in zip(shared_table.column("email").to_pylist(),
                                             shared_table.column("person_id").to_pylist(),
                                             shared_table.column("household").to_pylist()):
            sharer[(email, person)] = household
        for name, (source, key_column) in self.KEYED.items():
            table = tables[name]
            emails = table.column("email").to_pylist()
            keys = table.column(key_column).to_pylist()
            changed = False
            for row, (email, key) in enumerate(zip(emails, keys)):
                person = person_of.get((source, key))
                if not email or person is None:
                    continue
                mailbox = email.strip().lower()
                claimant = sharer.get((mailbox, person)) or sharer.get((mailbox, None)) or person
                owner = self.owners.setdefault(mailbox, claimant)
                if owner != claimant:
                    digits = "".join(ch for ch in person if ch.isdigit()).lstrip("0") or "0"
                    emails[row] = email.replace("@", digits + "@", 1)
                    self.owners.setdefault(emails[row].strip().lower(), person)
                    changed = True
            if changed:
                position = table.schema.get_field_index("email")
                tables[name] = table.set_column(position, "email", pa.array(emails, pa.string()))


def _bounded(pool, tasks: list, window: int):
    """Results in task order, with at most ``window`` chunks in flight (bounded memory)."""
    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(_chunk, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")
