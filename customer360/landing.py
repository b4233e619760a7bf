"""The landing zone's files, inspected before staging reads them (the dbt Python model
`landed_files`).

Every file below the landing folder gets one verdict:

- ``accepted``: a contract table's Parquet or CSV file (extension in any case, ``.csv.gz`` too)
  that reads completely and carries every contract column; staging reads it.
- ``quarantined``: a contract table's file that staging could not read as it should: empty,
  unreadable, malformed (a line with more or fewer fields than the header), or missing contract
  columns. Its ``problem`` and ``problem_line`` say why; the rest of the build goes on.
- ``ignored``: a file staging never reads: an unknown extension, or a folder that is no contract
  table (``crm/unknown_table/x.csv``).
- ``deleted``: a file loaded on an earlier run that is no longer there (its rows stay staged).

Two problems stop the build instead (:class:`LandingError`), because no row-level answer would be
right: a missing landing folder (a typo in CUSTOMER360_LANDING_DIR would otherwise build an empty
warehouse, green), and an accepted file whose content changed after it was loaded (the warehouse
would silently keep its old rows).

Messages name files, lines and contract columns, never a landed value: a DuckDB error is reduced to
its first line, without the "Original Line" it quotes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from customer360.contract import LANDING_TABLES

FORMATS = {".parquet": "parquet", ".csv": "csv", ".csv.gz": "csv"}
DELIMITERS = (",", ";", "\t", "|")


class LandingError(Exception):
    """A landing problem that stops the build: the message names the file and what to do."""


@dataclass
class LandedFile:
    landing_path: str  # below the landing folder: crm/customers/day_001.parquet
    landed_file: str  # the path staging reads (and stamps on every row as _landed_file)
    source: str | None
    source_table: str | None
    file_format: str | None
    size_bytes: int | None
    modified_at: datetime | None
    content_hash: str | None
    file_status: str
    problem: str | None = None
    problem_line: int | None = None
    row_count: int | None = None
    extra_columns: str | None = None
    first_seen_at: datetime | None = None


def file_format(name: str) -> str | None:
    lower = name.lower()
    for extension, kind in sorted(FORMATS.items(), key=lambda item: -len(item[0])):
        if lower.endswith(extension):
            return kind
    return None


def content_hash(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def duckdb_reason(error: Exception) -> str:
    """The first line of a DuckDB error with its kind, without the row it may quote."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    kept = []
    for line in lines:
        if line.startswith(("Original Line", "Possible", "*", "file =")):
            break
        kept.append(line.removeprefix("Invalid Input Error: "))
    return ": ".join(kept[:2])[:200] or type(error).__name__


def inspect_landing(landing_dir: str | Path, earlier: dict[str, dict] | None = None,
                    now: datetime | None = None) -> list[LandedFile]:
    """One LandedFile per file below ``landing_dir`` (and per earlier accepted file now gone).
    ``earlier``: the previous run's rows by landing_path; unchanged files (same size and
    modification time) keep their verdict without being read again."""
    root = Path(landing_dir)
    if not root.is_dir():
        raise LandingError(
            f"landing folder {root} does not exist: land your exports there (one folder per "
            f"<source>/<table>) or point CUSTOMER360_LANDING_DIR at them")
    earlier = earlier or {}
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    connection = duckdb.connect()
    files, changed = [], []
    try:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root).as_posix()
            stat = path.stat()
            modified = datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None)
            before = earlier.get(relative)
            if before and before["size_bytes"] == stat.st_size and before["modified_at"] == modified:
                restored = {"file_status": "accepted", "problem": None} if was_loaded(before) else {}
                files.append(LandedFile(**{**before, "landed_file": str(root / relative), **restored}))
                continue
            if before and (before["file_status"] == "accepted" or was_loaded(before)):
                # touched (copied, restored): only a different content is a change
                if content_hash(path) != before["content_hash"]:
                    changed.append(relative)
                    continue
                files.append(LandedFile(**{**before, "landed_file": str(root / relative), "modified_at": modified,
                                           "file_status": "accepted", "problem": None}))
                continue
            landed = inspect_file(connection, root, relative, stat.st_size, modified)
            landed.first_seen_at = (before or {}).get("first_seen_at") or now
            files.append(landed)
    finally:
        connection.close()
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        raise LandingError(
            f"landed file {shown} changed after it was loaded: landed files are never rewritten. "
            f"Restore the file and land the correction as a new file, or reload everything with "
            f"--full-refresh")
    present = {landed.landing_path for landed in files}
    for relative, before in sorted(earlier.items()):
        if relative not in present:
            was = before["file_status"]
            files.append(LandedFile(**{**before, "file_status": "deleted", "problem": (
                "loaded on an earlier run, no longer in the landing folder: its rows stay staged"
                if was == "accepted" else before["problem"] if was == "deleted"
                else f"no longer in the landing folder (was {was}: {before['problem']})")}))
    return files


def was_loaded(before: dict) -> bool:
    """A file loaded on an earlier run and deleted since: landing it again is a rewrite too."""
    return before["file_status"] == "deleted" and (before["problem"] or "").startswith("loaded on")


def inspect_file(connection: duckdb.DuckDBPyConnection, root: Path, relative: str, size: int,
                 modified: datetime) -> LandedFile:
    path = root / relative
    parts = relative.split("/")
    source, table = (parts[0], parts[1]) if len(parts) >= 3 else (parts[0] if len(parts) > 1 else None, None)
    kind = file_format(path.name)
    landed = LandedFile(relative, str(path), source, table, kind, size, modified, content_hash(path), "ignored")
    if (source, table) not in LANDING_TABLES:
        landed.problem = (f"not a contract table folder ({'/'.join(parts[:2])}/): the contract's folders are "
                          + ", ".join(f"{s}/{t}/" for s, t in LANDING_TABLES))
        return landed
    if kind is None:
        landed.problem = f"unknown file type ({path.suffix or 'no extension'}): staging reads .parquet and .csv files"
        return landed
    landed.file_status = "quarantined"
    if size == 0:
        landed.problem = "empty file (0 bytes)"
        return landed
    reader = (f"read_parquet('{path}')" if kind == "parquet"
              else f"read_csv('{path}', all_varchar = true, header = true)")
    try:
        columns = [row[0] for row in connection.execute(f"describe select * from {reader}").fetchall()]
        landed.row_count = connection.execute(f"select count(*) from {reader}").fetchall()[0][0]
    except duckdb.Error as error:
        landed.problem, landed.problem_line = unreadable(connection, path, kind, error)
        return landed
    expected = LANDING_TABLES[(source, table)]
    present = {column.strip().lower() for column in columns}
    missing = [column for column in expected if column not in present]
    if missing:
        malformed = malformed_line(path, expected) if kind == "csv" else None
        if malformed:  # the count DuckDB gave is of lines read as one wide column
            (landed.problem, landed.problem_line), landed.row_count = malformed, None
        else:
            landed.problem = "missing contract columns: " + ", ".join(missing)
        return landed
    extra = [column for column in columns if column.strip().lower() not in expected]
    landed.extra_columns = ", ".join(extra) or None
    landed.file_status = "accepted"
    return landed


def unreadable(connection: duckdb.DuckDBPyConnection, path: Path, kind: str,
               error: Exception) -> tuple[str, int | None]:
    if kind == "parquet":
        return f"unreadable Parquet file ({duckdb_reason(error)})", None
    try:
        connection.execute(f"select count(*) from read_csv('{path}', all_varchar = true, header = true, "
                           "store_rejects = true)").fetchall()
        rejected = connection.execute(
            "select line, error_type from reject_errors order by line limit 1").fetchall()
        connection.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    except duckdb.Error:
        rejected = []
    if rejected:
        line, error_type = rejected[0]
        return f"malformed CSV line ({str(error_type).lower().replace('_', ' ')})", int(line)
    # DuckDB gave up before reading rows (its sniffer, mixed line endings): count fields ourselves
    return malformed_line(path, None) or (f"unreadable CSV file ({duckdb_reason(error)})", None)


def _open_text(path: Path):
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def malformed_line(path: Path, expected: list[str] | None) -> tuple[str, int] | None:
    """When a delimiter gives a header with every contract column (``expected``; None: any
    header of more than one field) but some line has another number of fields, DuckDB's sniffer
    gives up on that delimiter, or reads one wide column: name the first such line instead."""
    for delimiter in DELIMITERS:
        try:
            with _open_text(path) as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                header = next(reader, [])
                names = {name.strip().lower() for name in header}
                if (expected is None and len(header) < 2) or (expected and not set(expected) <= names):
                    continue
                line = reader.line_num
                for row in reader:
                    start, line = line + 1, reader.line_num
                    if row and len(row) != len(header):
                        return (f"malformed CSV line ({len(row)} fields where the header has "
                                f"{len(header)})"), start
        except (UnicodeDecodeError, csv.Error, OSError):
            continue
    return None


def as_columns(files: list[LandedFile]) -> dict[str, list]:
    rows = [asdict(landed) for landed in files]
    return {name: [row[name] for row in rows] for name in LandedFile.__dataclass_fields__}
