"""Daily deltas: what lands on day N after the day-1 export.

``generate_day(day, landing_dir)`` reads what has landed so far and writes
``<landing>/<source>/<table>/day_NNN.parquet`` for every landing table plus
``<ground_truth>/day_NNN.parquet``:

- new people (with their records, stamped on day N);
- new duplicate records of existing people (a second webshop account, a new loyalty card);
- updates to existing records: moves, new e-mail addresses, corrected typos, new phone formats;
- consent changes, new orders (with lines) and new web events.

The delta is a pure function of (seed, people, day, fraction) and of what landed before it (days
1..N-1; running day N again writes the same files): rows are sampled by md5 of their keys, never
by file order. New people and keys come from a chunk reserved for the day (counting down from
the top of the key space), so they never collide with day 1's.
"""

from __future__ import annotations

import json
import os
import random
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from customer360.contract import CUSTOMER_SOURCES, LANDING_TABLES
from customer360.generator import chunk as ch
from customer360.generator import reference as ref
from customer360.generator.population import (
    CHUNK_SIZE, REFERENCE_DATE, _be_address, _foreign_address, build_people, make_email,
)
from customer360.resources import WAREHOUSE_SHARE, spilling_memory_database

MANIFEST = "manifest.json"
# the last chunk whose keys fit every key space; day N's new people use chunk TOP_CHUNK + 2 - N
TOP_CHUNK = ch.KEY_CHUNKS - 1

# the timestamp columns of each customer table: (created, updated)
_TIMES = {"crm": (12, 13), "webshop": (8, 9), "pos": (7, 8)}
_COLUMNS = {source: LANDING_TABLES[(source, table)] for source, (table, _) in CUSTOMER_SOURCES.items()}


def day_file(day: int) -> str:
    return f"day_{day:03d}.parquet"


def write_manifest(truth_dir: Path, seed: int, people: int, country: str = "BE") -> None:
    truth_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"seed": seed, "people": people, "country": country, "days": {}}
    (truth_dir / MANIFEST).write_text(json.dumps(manifest, indent=2))


def read_manifest(truth_dir: Path) -> dict:
    path = truth_dir / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: generate day 1 first (customer360 generate)")
    return json.loads(path.read_text())


def day_start(day: int) -> datetime:
    """Day 2 is the reference date (the day after the day-1 export), day 3 the next, ..."""
    return datetime.combine(REFERENCE_DATE, datetime.min.time()) + timedelta(days=day - 2)


class _People:
    """Re-derives Person objects from their ids (a person is a pure function of seed and chunk),
    keeping only the people asked for: a delta of 10M records touches every chunk, and holding
    every chunk's people took the day-2 delta to 13.2 GB (7.5 GB now, with the same files)."""

    def __init__(self, seed: int, people: int, days: dict, country: str = "BE") -> None:
        self.seed, self.people, self.days, self.country = seed, people, days, country
        self.by_id: dict[str, object] = {}

    def prefetch(self, pids) -> None:
        """Build each chunk holding one of ``pids`` once, and keep only those people."""
        wanted: dict[int, set[str]] = defaultdict(set)
        for pid in pids:
            if pid not in self.by_id:
                wanted[int(pid[1:]) // CHUNK_SIZE].add(pid)
        for chunk, ids in sorted(wanted.items()):
            bound = self.people
            for spec in self.days.values():
                if spec["chunk"] == chunk:
                    bound = chunk * CHUNK_SIZE + spec["new_people"]
            self.by_id.update((p.pid, p) for p in build_people(self.seed, chunk, bound, self.country)
                              if p.pid in ids)

    def get(self, pid: str):
        if pid not in self.by_id:
            self.prefetch([pid])
        return self.by_id[pid]


def _landed(folder: Path, before_day: int | None) -> list[str]:
    """The day files of ``folder`` that landed before day ``before_day`` (all of them if None),
    in day order: a delta reads what landed before it, never its own or a later day's files, so
    running day N again gives the same day N."""
    files = sorted(folder.glob("day_*.parquet"))
    if before_day is not None:
        files = [f for f in files if f.name < day_file(before_day)]
    return [str(f) for f in files]


def _sql_list(files: list[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def _current_records(con: duckdb.DuckDBPyConnection, landing: Path, truth_dir: Path,
                     before_day: int | None = None) -> None:
    """Table `current_records`: the latest landed version of every well-formed customer record,
    with its person, as landed before day ``before_day`` (None: every day landed)."""
    parts = []
    for source, (table, key) in CUSTOMER_SOURCES.items():
        files = _landed(landing / source / table, before_day)
        if not files:
            raise FileNotFoundError(f"no {source}/{table} files in {landing}: generate day 1 first")
        email = "email" if "email" in _COLUMNS[source] else "null::varchar"
        parts.append(f"""
            select '{source}' as source, {key} as source_record_key, {email} as email,
                to_json(t)::varchar as row_json
            from read_parquet({_sql_list(files)}, filename = true) as t
            where {key} is not null
            qualify row_number() over (partition by {key} order by filename desc) = 1""")
    truth_files = _landed(truth_dir, before_day)
    if not truth_files:
        raise FileNotFoundError(f"no ground truth in {truth_dir}: generate day 1 first")
    # min, not any_value: a key's person must not depend on DuckDB's thread scheduling
    con.execute(f"""
        create or replace table current_records as
        with truth as (
            select source, source_record_key, min(person_id) as person_id
            from read_parquet({_sql_list(truth_files)})
            group by all
            having not bool_or(is_corrupted)
        )
        select r.*, truth.person_id
        from ({' union all '.join(parts)}) as r
        inner join truth using (source, source_record_key)
    """)


def _sample(con, sql: str, n: int, salt: str, key: str = "source_record_key") -> list[tuple]:
    """``n`` rows of ``sql``, chosen by md5 of their key: independent of file and row order."""
    return con.execute(
        f"select * from ({sql}) order by md5({key} || '{salt}'), {key} limit {int(n)}").fetchall()


def generate_day(day: int, landing_dir: str | Path, ground_truth_dir: str | Path | None = None,
                 fraction: float = 0.01) -> dict[str, int]:
    """Write day ``day``'s delta (``fraction`` of the current customer records change or arrive);
    returns the row count of every table written."""
    if day < 2:
        raise ValueError("day 1 is the full export (customer360 generate); deltas start at day 2")
    landing = Path(landing_dir)
    truth_dir = Path(ground_truth_dir) if ground_truth_dir is not None else landing.parent / "ground_truth"
    manifest = read_manifest(truth_dir)
    for earlier in range(2, day):
        if str(earlier) not in manifest["days"]:
            raise ValueError(f"day {earlier} has not been generated yet: deltas land in order")
    seed, people = manifest["seed"], manifest["people"]
    chunk = TOP_CHUNK + 2 - day
    if chunk * CHUNK_SIZE <= people or chunk < 0:
        raise ValueError(f"no key space left for day {day} with {people:,} people")
    days = {d: spec for d, spec in manifest["days"].items() if int(d) < day}
    country = manifest.get("country", "BE")
    population = _People(seed, people, days, country)
    salt = f"{seed}/{day}"
    r = random.Random(f"customer360/{seed}/day{day}")
    start = day_start(day)

    def stamp() -> str:
        return (start + timedelta(seconds=r.randrange(86400))).strftime("%Y-%m-%d %H:%M:%S")

    # all current records: in a memory limit of their own, spilling beyond it (10M records)
    con = spilling_memory_database(WAREHOUSE_SHARE, "delta")
    _current_records(con, landing, truth_dir, before_day=day)
    n_records = con.execute("select count(*) from current_records").fetchall()[0][0]
    # a mailbox several people hold (a household's, a placeholder): the same owner on every run
    owners = dict(con.execute(
        "select lower(trim(email)), min(person_id) from current_records where email is not null group by 1"
    ).fetchall())
    budget = max(5, round(n_records * fraction))

    rows: dict[str, list[list]] = {source: [] for source in CUSTOMER_SOURCES}
    truth: list[tuple[str, str, str]] = []
    counters = {"crm": 0, "webshop": 0, "pos": 0}
    key_of = {"crm": ch.crm_key, "webshop": ch.web_key, "pos": ch.pos_key}
    stride = {"crm": ch.CRM_STRIDE, "webshop": ch.WEB_STRIDE, "pos": ch.POS_STRIDE}

    def unique_email(email: str | None, p) -> str | None:
        """A mailbox has one owner (shared and typed-in addresses aside), as in the day-1 export."""
        if not email:
            return email
        mailbox = email.strip().lower()
        if mailbox in {e.lower() for e in p.shared_emails} or mailbox in ref.PLACEHOLDER_EMAILS:
            return email
        pid = p.pid
        if owners.setdefault(mailbox, pid) != pid:
            digits = "".join(c for c in pid if c.isdigit()).lstrip("0") or "0"
            email = email.replace("@", digits + "@", 1)
            owners.setdefault(email.strip().lower(), pid)
        return email

    def new_record(source: str, p, crm_link: str | None = None) -> list:
        key = key_of[source](chunk * stride[source] + counters[source], seed)
        counters[source] += 1
        previous = p.prev_addr
        p.prev_addr = None  # a record opened today carries today's address
        if source == "crm":
            row = ch.crm_row(p, key, r)
            row[5] = unique_email(row[5], p)
        elif source == "webshop":
            row = ch.web_row(p, key, r)
            row[2] = unique_email(row[2], p)
        else:
            row = ch.pos_row(p, key, crm_link, r)
        p.prev_addr = previous
        row = row[: len(_COLUMNS[source])]
        created, updated = _TIMES[source]
        row[created] = row[updated] = stamp()
        rows[source].append(row)
        truth.append((source, key, p.pid))
        return row

    # the existing people a duplicate record or an update is drawn for, built once per chunk
    duplicated = _sample(con, "select distinct person_id from current_records", round(budget * 0.2),
                         salt + "/duplicate", key="person_id")
    sampled = _sample(con, "select source, source_record_key, person_id, row_json from current_records",
                      round(budget * 0.5), salt + "/update", key="source || source_record_key")
    population.prefetch([pid for (pid,) in duplicated] + [row[2] for row in sampled])

    # --- new people --------------------------------------------------------------------------------
    new_people = max(1, round(budget * 0.3 / 1.7))
    for p in build_people(seed, chunk, chunk * CHUNK_SIZE + new_people, country):
        crm_keys = []
        if r.random() < 0.65:
            crm_keys.append(new_record("crm", p)[0])
        if r.random() < 0.5 or not crm_keys:
            new_record("webshop", p)
        if r.random() < 0.4:
            new_record("pos", p, crm_keys[0] if crm_keys and r.random() < 0.3 else None)

    # --- new duplicate records of existing people -------------------------------------------------------
    for (pid,) in duplicated:
        new_record("webshop" if r.random() < 0.6 else "pos", population.get(pid))

    # --- updates of existing records -----------------------------------------------------------------
    updated_keys: set[tuple[str, str]] = set()
    for i, (source, key, pid, row_json) in enumerate(sampled):
        p = population.get(pid)
        row = json.loads(row_json)
        kind = ("move", "move", "move", "move", "email", "email", "email", "typo", "typo", "phone")[i % 10]
        if kind == "email" and source == "pos":
            kind = "move"
        if kind == "move":
            addr = _be_address(r) if country == "BE" else _foreign_address(r, country)
            street, city, lang = ch.street_city(addr, r)
            number = f"{addr.number}{addr.letter}{ch.box_text(addr, lang, r)}"
            row["postcode"] = addr.postcode
            if source == "crm":
                row["street"], row["house_number"], row["city"], row["country"] = street, number, city, addr.country
            elif source == "webshop":
                row["address_line"], row["city"], row["country"] = f"{street} {number}", city, addr.country
        elif kind == "email":
            first, last = p.first, p.married or p.last
            row["email"] = unique_email(
                make_email(r, first, last, 1900 + r.randrange(100), "VLG", False), p)
        elif kind == "typo":  # the customer corrected their name
            if source == "webshop":
                row["full_name"] = f"{p.first} {p.last}"
            else:
                row["first_name"], row["last_name"] = p.first, p.last
        else:
            row["phone"] = ch.format_phone(p.mobile, r)
        row["updated_at"] = stamp()
        rows[source].append([row[c] for c in _COLUMNS[source]])
        updated_keys.add((source, key))

    # --- activity: orders, web events, consent ------------------------------------------------------
    buyers = [k for (k,) in _sample(
        con, "select source_record_key from current_records where source <> 'crm'", budget, salt + "/orders")]
    buyers += [row[0] for source in ("webshop", "pos") for row in rows[source]
               if (source, row[0]) not in updated_keys]
    channel_of = {row[0]: "webshop" for row in rows["webshop"]}
    channel_of.update(dict(con.execute(
        "select source_record_key, source from current_records where source <> 'crm'").fetchall()))
    orders: list[list] = []
    lines: list[list] = []
    for n, customer in enumerate(buyers):
        order_id = ch.order_key(chunk * ch.ORDER_STRIDE + n, seed)
        orders.append([order_id, channel_of.get(customer, "pos"), customer, stamp()])
        for line_number, sku in enumerate(ch.order_skus(r), start=1):
            lines.append([order_id, str(line_number), sku, ch._QTY(r), ch._price(ch._PRICE[sku], r)])
    # one order without its id, as a broken export row would have: quarantined, never dropped
    orders.append([None, "webshop", buyers[0] if buyers else None, stamp()])

    raw_events: list[list] = []
    for account in [row[0] for row in rows["webshop"]] + [k for (k,) in _sample(
            con, "select source_record_key from current_records where source = 'webshop'",
            budget, salt + "/events")]:
        ch.session_events(r, r.randrange(80_000), ch._anon_id(r), account, r.randrange(3), raw_events)
    raw_events.sort(key=lambda e: e[0])
    events = [[f"EV{chunk * ch.EVENT_STRIDE + i:011d}",
               (start + timedelta(seconds=e[0])).strftime("%Y-%m-%d %H:%M:%S"), e[1], e[2], e[3], e[4]]
              for i, e in enumerate(raw_events)]

    consents = [[source, key, ch.CHANNELS[r.randrange(3)], "opt_out" if r.random() < 0.4 else "opt_in", stamp()]
                for source, key in _sample(con, "select source, source_record_key from current_records",
                                           round(budget * 0.3), salt + "/consent",
                                           key="source || source_record_key")]

    tables = {
        ("crm", "customers"): rows["crm"],
        ("webshop", "accounts"): rows["webshop"],
        ("pos", "loyalty_members"): rows["pos"],
        ("sales", "orders"): orders,
        ("sales", "order_lines"): lines,
        ("web", "events"): events,
        ("consent", "events"): consents,
        ("catalog", "products"): [],
    }
    counts = {}
    for (source, table), table_rows in tables.items():
        if not table_rows:
            continue
        columns = LANDING_TABLES[(source, table)]
        _write(ch._table(table_rows, columns), landing / source / table / day_file(day))
        counts[f"{source}/{table}"] = len(table_rows)
    _write(pa.table({
        "source": pa.array([t[0] for t in truth], pa.string()),
        "source_record_key": pa.array([t[1] for t in truth], pa.string()),
        "person_id": pa.array([t[2] for t in truth], pa.string()),
        "is_corrupted": pa.array([False] * len(truth), pa.bool_()),
    }), truth_dir / day_file(day))
    manifest["days"][str(day)] = {"chunk": chunk, "new_people": new_people, "fraction": fraction}
    (truth_dir / MANIFEST).write_text(json.dumps(manifest, indent=2))
    con.close()
    return counts


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
