"""One writer at a time on the DuckDB warehouse: a file lock next to it, ``<warehouse>.lock``.

DuckDB lets one process write a database file (or several read it) and fails at once in any
other. Every process that runs dbt against the warehouse (the `customer360` CLI in
``cli.run_dbt``, the Dagster dbt assets) takes this lock first, exclusively; a command that only
reads it (``explain``, ``evaluate``) takes it shared. A second build waits its turn, announcing
once whom it waits for, or, with ``wait=False`` (``customer360 --no-wait``, or the environment
variable CUSTOMER360_NO_WAIT=1), refuses with ``WarehouseBusy``.

The lock is ``fcntl.flock`` on the lock file: the kernel releases it when its holder exits, so a
killed build leaves no stale lock. The holder of the exclusive lock writes its process ID into
the file for the message of whoever waits. A writer that has to wait says so in
``<warehouse>.lock.waiting`` (its process ID): readers that do not wait (the app) step aside while
it is there, so a stream of short reads cannot keep a build waiting (flock itself would let new
readers in before it). In one thread the lock is re-entrant (a command may
hold it around several dbt invocations); other threads and processes wait.
"""

from __future__ import annotations

import contextvars
import errno
import fcntl
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

NO_WAIT_ENV = "CUSTOMER360_NO_WAIT"

#: set by `customer360 --no-wait` for the command it runs (None: the environment decides)
_wait: contextvars.ContextVar[bool | None] = contextvars.ContextVar("customer360_lock_wait", default=None)
_held = threading.local()  # path -> [fd, depth, exclusive] of the locks this thread holds


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse lock and the caller chose not to wait."""

    def __init__(self, lock: Path, pid: int | None) -> None:
        self.lock, self.pid = lock, pid
        super().__init__(f"not waiting for {_holder_text(pid)} to finish (lock {lock}; --no-wait)")


def lock_path(database: str | os.PathLike) -> Path:
    database = Path(database)
    return database.with_name(database.name + ".lock")


def waits_by_default() -> bool:
    """False under `customer360 --no-wait` or with CUSTOMER360_NO_WAIT set to 1/true/yes."""
    wait = _wait.get()
    if wait is not None:
        return wait
    return os.environ.get(NO_WAIT_ENV, "").strip().lower() not in ("1", "true", "yes", "on")


@contextmanager
def waiting(wait: bool) -> Iterator[None]:
    """Within the block, locks taken without an explicit ``wait`` wait (True) or refuse (False)."""
    token = _wait.set(wait)
    try:
        yield
    finally:
        _wait.reset(token)


def _holder_text(pid: int | None) -> str:
    return f"the build running in process {pid}" if pid else "another process using the warehouse"


def _holder_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def waiting_path(lock: Path) -> Path:
    return lock.with_name(lock.name + ".waiting")


def _writer_waiting(lock: Path) -> bool:
    """A live process announced in ``<lock>.waiting`` that it waits to write."""
    try:
        text = waiting_path(lock).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not text.isdigit():
        return False
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False  # left by a killed build
    except PermissionError:
        pass
    return True


def _default_announce(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _open(path: Path, shared: bool) -> int | None:
    """The lock file's descriptor. A reader that may not create the file (a read-only folder)
    goes without the lock (None): a writer could not write there either."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as error:
        if not shared or error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


@contextmanager
def warehouse_lock(database: str | os.PathLike, *, shared: bool = False, wait: bool | None = None,
                   announce: Callable[[str], None] = _default_announce) -> Iterator[Path]:
    """Holds the lock of the warehouse ``database`` for the block: exclusive for a process that
    writes it (dbt), ``shared`` for one that only reads it. Blocks while another process holds it
    (``wait``, default: ``waits_by_default()``), after announcing once whom it waits for; with
    ``wait=False`` raises ``WarehouseBusy`` instead. Yields the lock file's path."""
    path = lock_path(Path(database).resolve())
    held: dict = getattr(_held, "locks", None) or {}
    _held.locks = held
    key = str(path)
    if key in held:  # this thread holds it already
        if not shared and not held[key][2]:
            raise RuntimeError(f"cannot upgrade the shared warehouse lock {path} to an exclusive one")
        held[key][1] += 1
        try:
            yield path
        finally:
            held[key][1] -= 1
        return

    if not shared:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open(path, shared)
    if fd is None:
        yield path
        return
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    waits = waits_by_default() if wait is None else wait
    try:
        if shared and not waits and _writer_waiting(path):
            raise WarehouseBusy(path, None)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder_pid(fd)
            if not waits:
                raise WarehouseBusy(path, pid) from None
            announce(f"customer360: waiting for {_holder_text(pid)} to finish (lock {path})")
            if shared:
                fcntl.flock(fd, mode)
            else:
                marker = waiting_path(path)
                # written aside and renamed: a reader never sees it empty
                partial = marker.with_name(f"{marker.name}.{os.getpid()}")
                partial.write_text(f"{os.getpid()}\n", encoding="ascii")
                os.replace(partial, marker)
                try:
                    fcntl.flock(fd, mode)
                finally:
                    marker.unlink(missing_ok=True)
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        held[key] = [fd, 1, not shared]
        try:
            yield path
        finally:
            del held[key]
            if not shared:
                try:
                    os.ftruncate(fd, 0)
                except OSError:
                    pass
    finally:
        os.close(fd)  # closing the descriptor releases the lock
