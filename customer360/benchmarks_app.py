"""App benchmark: server-side seconds per page and the app's memory, on a built warehouse.

`customer360 benchmark app --warehouse PATH` (or `--people N`: generate and build N people first)
starts `customer360 app` in a process of its own, loads every page (the map with and without
filters and its CSV, the review queue, the profiles of the person with the most records and of a
typical one, a retired ID, searches by name, email and phone, health) once cold and then
``repeat`` times, and prints the server-side time of each (the app's Server-Timing header: the
time from request to answer inside the app, without the network and the browser) against the
target of 1 s, and the app process's peak resident memory against 1 GB. Nothing is written:
the app only reads, and no decision is posted.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import duckdb

from customer360.warehouse_lock import warehouse_lock

TARGET_SECONDS = 1.0
TARGET_MEMORY_MB = 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(url: str) -> tuple[int, float, float]:
    """Status, server-side ms (Server-Timing) and wall ms of one GET."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status, timing = response.status, response.headers.get("Server-Timing", "")
    except urllib.error.HTTPError as error:
        error.read()
        status, timing = error.code, error.headers.get("Server-Timing", "")
    wall = (time.perf_counter() - started) * 1000
    server = float(timing.split("dur=")[1]) if "dur=" in timing else float("nan")
    return status, server, wall


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _samples(database: Path) -> dict[str, str]:
    """IDs and search terms the pages are loaded with (no value is printed: they are personal)."""
    with warehouse_lock(database, shared=True):
        connection = duckdb.connect(str(database), read_only=True)
        try:
            def first(sql: str) -> str | None:
                row = connection.execute(sql).fetchone()
                return row[0] if row else None

            return {
                "largest": first("select master_customer_id from marts.dim_customer order by record_count desc, master_customer_id limit 1"),
                "typical": first("select master_customer_id from marts.dim_customer where record_count = 2 order by master_customer_id limit 1"),
                "retired": first("select old_master_customer_id from marts.customer_id_history where old_id_retired order by run_at desc limit 1"),
                "last_name": first("select last_name from marts.dim_customer where last_name is not null group by 1 order by count(*) desc limit 1"),
                "email": first("select email from marts.dim_customer where email is not null order by master_customer_id limit 1"),
                "phone": first("select phone_e164 from marts.dim_customer where phone_e164 like '+32%' order by master_customer_id limit 1"),
                "people": str(first("select count(*) from marts.dim_customer")),
            }
        finally:
            connection.close()


def _build(people: int, seed: int, root: Path) -> Path:
    from customer360.generator import generate

    landing, database = root / "landing", root / "warehouse.duckdb"
    generate(people=people, seed=seed, landing_dir=landing, ground_truth_dir=root / "ground_truth")
    env = {**os.environ, "CUSTOMER360_LANDING_DIR": str(landing), "CUSTOMER360_DUCKDB_PATH": str(database)}
    with open(root / "build.log", "w") as log:
        subprocess.run([sys.executable, "-m", "customer360.cli", "build", "--target-path", str(root / "target"),
                        "--log-path", str(root / "logs")], env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    return database


def app(warehouse: str | None, people: int, seed: int, repeat: int, workdir: Path | None) -> int:
    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-app-"))
    root.mkdir(parents=True, exist_ok=True)
    database = Path(warehouse).resolve() if warehouse else _build(people, seed, root)
    samples = _samples(database)
    phone_typed = "0" + samples["phone"][3:] if samples["phone"] else None  # as a Belgian types it
    pages = [
        ("/map", "/map"),
        ("/map?region=WAL", "/map?region=WAL"),
        ("/map?province=...&sort=population", "/map?region=VLG&province=Antwerpen&sort=population&dir=asc"),
        ("/map.csv", "/map.csv"),
        ("/review", "/review"),
        ("/customer?id=<most records>", f"/customer?id={samples['largest']}"),
        ("/customer?id=<two records>", f"/customer?id={samples['typical']}"),
        ("/customer?id=<retired ID>", f"/customer?id={samples['retired']}" if samples["retired"] else None),
        ("/customer?q=<last name>", f"/customer?q={quote(samples['last_name'] or '')}"),
        ("/customer?q=<email>", f"/customer?q={quote(samples['email'] or '')}"),
        ("/customer?q=<phone as typed>", f"/customer?q={quote(phone_typed)}" if phone_typed else None),
        ("/health", "/health"),
    ]
    port = _free_port()
    env = {**os.environ, "CUSTOMER360_DUCKDB_PATH": str(database)}
    with open(root / "app.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "customer360.cli", "app", "--port", str(port)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                _load(base + "/health")
                break
            except OSError:
                time.sleep(0.2)
        print(f"app benchmark: warehouse {database} ({int(samples['people']):,} master customers); "
              f"each page once cold, then {repeat} times; server-side ms from Server-Timing; target < {TARGET_SECONDS * 1000:.0f} ms")
        print(f"{'page':40} {'status':>6} {'cold ms':>9} {'median ms':>10} {'max ms':>9} {'x target':>9}")
        worst = 0.0
        for label, path in pages:
            if path is None:
                print(f"{label:40} {'-':>6}  (none in this warehouse)")
                continue
            cold = _load(base + path)
            runs = [_load(base + path) for _ in range(repeat)]
            statuses = {cold[0], *(r[0] for r in runs)}
            server_ms = [r[1] for r in runs]
            slowest = max(cold[1], *server_ms)
            worst = max(worst, slowest)
            print(f"{label:40} {'/'.join(map(str, sorted(statuses))):>6} {cold[1]:9.0f} {statistics.median(server_ms):10.0f} "
                  f"{slowest:9.0f} {slowest / (TARGET_SECONDS * 1000):9.2f}")
        memory = _peak_rss_mb(server.pid)
        print(f"slowest page: {worst:.0f} ms = {worst / (TARGET_SECONDS * 1000):.2f} x the 1 s target")
        print(f"app peak resident memory: {memory:.0f} MB = {memory / TARGET_MEMORY_MB:.2f} x the 1 GB target")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0
