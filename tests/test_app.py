"""The app (`customer360 app`) in a real headless browser against a small demo warehouse: every
page renders without an error, the map draws its shapes, a must-link clicked on /review lands in
the decisions file and the next build joins the two records, a retired ID shows its survivor, and a
build running while the app is open succeeds. Plus the page logic and the one-writer rules
without a browser.

The browser is the system's chromium (`apt-get install -y chromium`; .ci/run installs it), driven
by Playwright. Screenshots go to $CUSTOMER360_SCREENSHOTS when set (the README's come from
there), else into the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from conftest import landing_env
from customer360 import cli
from customer360.app import decisions, drawing, views
from customer360.app.warehouse import BuildRunning, Warehouse
from customer360.warehouse_lock import lock_path, waiting_path, warehouse_lock

PEOPLE = 600
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("CUSTOMER360_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("the app's browser tests need chromium: apt-get install -y chromium (or set CUSTOMER360_CHROMIUM)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def env_for(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CUSTOMER360_REVIEW_DECISIONS", "CUSTOMER360_NO_WAIT")}
    env.update(CUSTOMER360_LANDING_DIR=str(root / "landing"), CUSTOMER360_DUCKDB_PATH=str(root / "warehouse.duckdb"))
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo warehouse of 600 people, and the app serving it from a process of its own."""
    root = tmp_path_factory.mktemp("app")
    with landing_env(root / "landing", root / "warehouse.duckdb"):
        assert cli.main(["demo", "--people", str(PEOPLE), "--target", "ci"]) == 0
    port = free_port()
    log = open(root / "app.log", "w")
    app = subprocess.Popen([sys.executable, "-m", "customer360.cli", "app", "--port", str(port)],
                           env=env_for(root), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if get(base + "/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        app.kill()
        pytest.fail("the app did not answer: " + (root / "app.log").read_text())
    yield {"root": root, "base": base, "database": root / "warehouse.duckdb", "app": app}
    app.terminate()
    app.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every console error and uncaught exception."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def screenshots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CUSTOMER360_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with warehouse_lock(database, shared=True):
        connection = duckdb.connect(str(database), read_only=True)
        try:
            return connection.execute(sql, params or []).fetchall()
        finally:
            connection.close()


def test_every_page_renders_without_errors_and_the_map_draws_its_shapes(demo, page, tmp_path):
    database, base = demo["database"], demo["base"]
    (person, first_name, last_name), = query(
        database, "select master_customer_id, first_name, last_name from marts.dim_customer "
                  "order by record_count desc, master_customer_id limit 1")
    shots = screenshots_dir(tmp_path)
    for name, url in [("map", "/map"), ("review", "/review"), ("customer", f"/customer?id={person}"), ("health", "/health")]:
        response = page.goto(base + url)
        assert response.status == 200, url
        assert page.locator("h1").count() == 1, url
        page.screenshot(path=str(shots / f"{name}.png"), full_page=name != "customer")
    assert page.problems == []

    # the on-run-end hook recorded the demo's build, and /health shows it
    (command, nodes, failed), = query(database, "select command, nodes, failed from staging.build_runs")
    assert (command, failed) == ("build", 0) and nodes > 400
    page.goto(base + "/health")
    assert f"of {nodes} nodes" in page.inner_text("#last-build")

    page.goto(base + "/map")
    assert page.locator("svg#penetration-map path.canton").count() == len(drawing.cantons()) == 162
    assert page.locator("svg#penetration-map circle.municipality").count() > 500
    assert page.locator("#untapped tbody tr").count() == 25
    page.select_option("select[name=region]", "WAL")  # submits the filter
    page.wait_for_url("**region=WAL**")
    assert page.locator("svg#penetration-map path.canton.outside").count() > 50
    assert page.locator("svg#penetration-map circle.municipality").count() < 300
    page.click("#untapped th >> text=population")
    page.wait_for_url("**sort=population**")
    populations = [int(t.replace(",", "")) for t in page.locator("#untapped tbody tr td:nth-child(3)").all_inner_texts()]
    assert populations == sorted(populations, reverse=True) and populations[0] > 0
    with page.expect_download() as download:
        page.click("#download-csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    walloon = query(database, "select count(*) from marts.mart_region_penetration "
                              "where level = 'municipality' and region_code = 'WAL'")[0][0]
    assert lines[0].startswith("municipality_code,area_name") and len(lines) == walloon + 1

    page.goto(base + "/review")
    top = (page.get_attribute("#pair", "data-record-l"), page.get_attribute("#pair", "data-record-r"))
    page.click("#skip")
    page.wait_for_selector("text=1 skipped in this browser")
    assert (page.get_attribute("#pair", "data-record-l"), page.get_attribute("#pair", "data-record-r")) != top
    assert page.locator("#pending").count() == 0  # a skip writes nothing
    page.goto(base + "/review?pair=crm:nobody|pos:nobody")
    assert page.locator("#pair-not-in-queue").count() == 1

    page.goto(base + f"/customer?id={person}")
    assert page.inner_text("#golden-name").split() == [first_name, last_name]
    assert page.locator("#records tbody tr").count() > 1
    page.fill("header input[name=q]", last_name)
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**q=**")
    assert page.locator(f"#results a >> text={person}").count() == 1
    assert page.problems == []


def test_a_must_link_lands_in_the_decisions_file_and_the_next_build_joins_the_records(demo, page):
    database, base, root = demo["database"], demo["base"], demo["root"]
    page.goto(base + "/review")
    pair = page.locator("#pair")
    # the top pair is two people today (expected value ranks those first)
    record_l, record_r = pair.get_attribute("data-record-l"), pair.get_attribute("data-record-r")
    people = dict(query(database, "select customer_record_id, master_customer_id from marts.customer_xref "
                                  "where customer_record_id in (?, ?)", [record_l, record_r]))
    assert people[record_l] != people[record_r]
    left_before = int(page.inner_text("#review-counts strong").replace(",", ""))

    page.click("#must-link")  # without a reviewer's name: refused, nothing written
    assert "reviewer" in page.inner_text("#decision-error")
    page.fill("#reviewer", "Test Reviewer")
    page.fill("#note", "same person, moved")
    page.click("#must-link")
    page.wait_for_selector("#pending")
    written = decisions.read(decisions.decisions_path(database))
    assert [(d.pair, d.decision, d.decided_by, d.note) for d in written] == [
        (tuple(sorted((record_l, record_r))), "must_link", "Test Reviewer", "same person, moved")]
    assert "joins" in page.inner_text("#pending")
    assert int(page.inner_text("#review-counts strong").replace(",", "")) == left_before - 1
    assert (page.get_attribute("#pair", "data-record-l"), page.get_attribute("#pair", "data-record-r")) != (record_l, record_r)

    # a second pair, chosen by URL: two one-record people, so the must-link retires an ID
    single_l, single_r = query(database, """
        with sizes as (select master_customer_id, count(*) as records from marts.customer_xref group by all)
        select review.customer_record_id_l, review.customer_record_id_r
        from marts.customer_match_review as review
        inner join sizes as size_l on review.master_customer_id_l = size_l.master_customer_id
        inner join sizes as size_r on review.master_customer_id_r = size_r.master_customer_id
        where size_l.records = 1 and size_r.records = 1
            and review.customer_record_id_l not in (?, ?) and review.customer_record_id_r not in (?, ?)
        order by review.expected_value desc, review.customer_record_id_l limit 1""", [record_l, record_r] * 2)[0]
    page.goto(base + f"/review?pair={single_l}|{single_r}")
    assert page.input_value("#reviewer") == "Test Reviewer"  # remembered
    page.click("#must-link")
    page.wait_for_selector("#pending")
    assert len(decisions.read(decisions.decisions_path(database))) == 2
    singles = dict(query(database, "select customer_record_id, master_customer_id from marts.customer_xref "
                                   "where customer_record_id in (?, ?)", [single_l, single_r]))

    # the next build, while the app is open and being read
    page.goto(base + "/health")  # read before the build: served from memory while it runs
    build_log = root / "build.log"
    with open(build_log, "w") as log:
        build = subprocess.Popen([sys.executable, "-m", "customer360.cli", "build", "--target", "ci"],
                                 env=env_for(root), stdout=log, stderr=subprocess.STDOUT)
    seen_during_build: list[tuple[int, bool]] = []
    while build.poll() is None:
        status, html = get(base + "/health")
        seen_during_build.append((status, 'id="build-running"' in html))
        time.sleep(0.3)
    assert build.returncode == 0, build_log.read_text()[-3000:]
    assert (200, True) in seen_during_build  # the last reading, marked stale: no error, no wait
    assert all(status == 200 for status, _ in seen_during_build)

    joined = dict(query(database, "select customer_record_id, master_customer_id from marts.customer_xref "
                                  "where customer_record_id in (?, ?, ?, ?)", [record_l, record_r, single_l, single_r]))
    assert joined[record_l] == joined[record_r] and joined[single_l] == joined[single_r]
    survivor = joined[single_l]
    retired = singles[single_r] if singles[single_l] == survivor else singles[single_l]
    assert query(database, "select event, new_master_customer_id from marts.customer_id_history "
                           "where old_master_customer_id = ? and old_id_retired", [retired]) == [("merged", survivor)]

    page.goto(base + "/review")
    assert page.locator("#pending").count() == 0  # applied: nothing waits for a build
    first, last = query(database, "select first_name, last_name from marts.dim_customer where master_customer_id = ?", [survivor])[0]
    page.goto(base + f"/customer?id={retired}")
    assert f"id={survivor}" in page.url
    assert page.inner_text("#master-id") == survivor
    assert retired in page.inner_text("#retired-notice")
    assert page.inner_text("#golden-name").split() == [first, last]
    assert page.problems == []
    app_log = (root / "app.log").read_text()
    assert "GET /customer 200" in app_log and "q=" not in app_log and "id=" not in app_log  # paths only


# --- without a browser ------------------------------------------------------------------------

def test_another_site_cannot_post_a_decision(demo):
    request = urllib.request.Request(
        demo["base"] + "/review/decide", method="POST", headers={"Origin": "http://evil.example"},
        data=b"record_l=crm%3A1&record_r=pos%3A1&decision=must_link&reviewer=x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert all(d.decided_by != "x" for d in decisions.read(decisions.decisions_path(demo["database"])))


def test_two_reviewers_at_once_lose_no_decision(tmp_path):
    path = tmp_path / "warehouse.duckdb.decisions.csv"

    def review(name: str) -> None:
        for i in range(100):
            decisions.append(path, f"crm:{i}", f"pos:{i}", "must_link" if i % 2 else "cannot_link", name)

    threads = [threading.Thread(target=review, args=(name,)) for name in ("Ann", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = decisions.read(path)
    assert len(written) == 200 and {d.decided_by for d in written} == {"Ann", "Bob"}
    assert path.read_text().count("source_l,") == 1
    assert len(decisions.latest_by_pair(written)) == 100
    with pytest.raises(decisions.DecisionError, match="source:key"):
        decisions.append(path, "crm-1", "pos:1", "must_link", "Ann")
    with pytest.raises(decisions.DecisionError, match="must_link or cannot_link"):
        decisions.append(path, "crm:1", "pos:1", "maybe", "Ann")


def test_the_latest_decision_wins_as_the_build_takes_it():
    at = "2026-12-01 10:00:00.000000"
    made = [decisions.Decision("pos:1", "crm:1", "must_link", "Ann", at),
            decisions.Decision("crm:1", "pos:1", "cannot_link", "Bob", at),
            decisions.Decision("crm:2", "pos:2", "cannot_link", "Ann", at),
            decisions.Decision("crm:2", "pos:2", "must_link", "Bob", "2026-12-01 11:00:00.000000")]
    latest = decisions.latest_by_pair(made)
    assert latest[("crm:1", "pos:1")].decision == "cannot_link"  # a tie: cannot_link, like the SQL
    assert latest[("crm:2", "pos:2")].decided_by == "Bob"
    applied = {("crm:2", "pos:2"): "2026-12-01 11:00:00.000000"}
    assert [d.pair for d in views.pending_decisions(latest, applied)] == [("crm:1", "pos:1")]


def test_while_a_build_holds_the_warehouse_pages_read_before_are_served_stale(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(database))
    connection.execute("create table t as select 42 as answer")
    connection.close()
    warehouse = Warehouse(database)
    assert warehouse.read(("answer",), lambda c: c.execute("select answer from t").fetchone()[0]).value == 42

    holding, release = threading.Event(), threading.Event()

    def build() -> None:
        with warehouse_lock(database):
            holding.set()
            release.wait(10)

    builder = threading.Thread(target=build)
    builder.start()
    holding.wait(10)
    try:
        started = time.perf_counter()
        reading = warehouse.read(("answer",), lambda c: c.execute("select answer from t").fetchone()[0])
        assert (reading.value, reading.stale, warehouse.build_running) == (42, True, True)
        with pytest.raises(BuildRunning):
            warehouse.read(("other",), lambda c: 1)
        assert time.perf_counter() - started < 1  # never waits for the build
    finally:
        release.set()
        builder.join()
    assert warehouse.read(("answer",), lambda c: 43).stale is False and not warehouse.build_running


def test_a_build_waiting_for_a_long_read_goes_before_the_apps_next_reads(tmp_path):
    """flock lets new readers in while a writer waits; the app steps aside instead."""
    database = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(database)).close()
    warehouse = Warehouse(database)
    assert warehouse.read(("one",), lambda c: 1).stale is False
    reading, release_reader, built = threading.Event(), threading.Event(), threading.Event()

    def long_read() -> None:  # e.g. `customer360 explain` in another terminal
        with warehouse_lock(database, shared=True):
            reading.set()
            release_reader.wait(10)

    def build() -> None:
        with warehouse_lock(database, wait=True, announce=lambda message: None):
            built.set()

    reader, builder = threading.Thread(target=long_read), threading.Thread(target=build)
    reader.start()
    reading.wait(10)
    builder.start()
    marker = waiting_path(lock_path(database))
    for _ in range(100):
        if marker.exists():
            break
        time.sleep(0.05)
    try:
        assert marker.exists()
        assert warehouse.read(("one",), lambda c: 1).stale is True  # the app did not join the reader
    finally:
        release_reader.set()
        reader.join()
        builder.join()
    assert built.is_set() and not marker.exists()


def test_map_view_filters_sorts_and_ranks_untapped_potential():
    rows = [
        {"level": "municipality", "area_code": code, "area_name": name, "region_code": region, "province_name": province,
         "population": population, "active_customers": active, "penetration": active / population if population else None,
         "gap_to_best": 0.1 - active / population if population else None, "revenue": 0, "latitude": 50.8,
         "longitude": 4.4, "as_of_date": "2026-01-31"}
        for code, name, region, province, population, active in [
            ("11002", "Antwerpen", "VLG", "Antwerpen", 1000, 10),
            ("44021", "Gent", "VLG", "Oost-Vlaanderen", 500, 50),
            ("62063", "Liège", "WAL", "Luik", 800, 0),
            ("99999", "Empty", "WAL", "Luik", 0, 0),
        ]
    ] + [{"level": "unknown", "area_code": "unknown", "active_customers": 7, "as_of_date": "2026-01-31"}]
    view = views.map_view(rows)
    assert [r["area_name"] for r in view["table"]] == ["Antwerpen", "Liège", "Gent", "Empty"]
    assert view["table"][0]["untapped_potential"] == pytest.approx(90)
    assert view["unknown_customers"] == 7 and view["active_customers"] == 60
    walloon = views.map_view(rows, region="WAL", sort="population", descending=False)
    assert [r["area_name"] for r in walloon["table"]] == ["Empty", "Liège"]
    assert walloon["provinces"] == ["Luik"]
    assert views.map_view(rows, province="Luik")["municipality_count"] == 2
    assert views.map_view(rows, region="XX")["region"] == ""  # an unknown filter is no filter
    assert views.map_csv(walloon).splitlines()[0].split(",")[:3] == ["municipality_code", "area_name", "province_name"]


def test_decision_effects_say_what_the_next_build_changes():
    people = {"crm:1": {"master_customer_id": "MC1", "record_count": 2}, "pos:1": {"master_customer_id": "MC2", "record_count": 1},
              "crm:2": {"master_customer_id": "MC1", "record_count": 2}}
    effect = views.decision_effect
    assert effect(decisions.Decision("crm:1", "pos:1", "must_link", "A", "t"), people).startswith("joins MC1")
    assert effect(decisions.Decision("crm:1", "crm:2", "cannot_link", "A", "t"), people).startswith("splits MC1")
    assert effect(decisions.Decision("crm:1", "crm:2", "must_link", "A", "t"), people).startswith("no change")
    assert effect(decisions.Decision("crm:1", "web:9", "must_link", "A", "t"), people).startswith("no change")
