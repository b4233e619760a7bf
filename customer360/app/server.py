"""The app's routes: `customer360 app` serves them on 127.0.0.1 (default port 8360)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlparse

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from customer360.app import decisions, drawing, queries, views
from customer360.app.warehouse import BuildRunning, NoWarehouse, Warehouse

HERE = Path(__file__).resolve().parent
DEFAULT_PORT = 8360
SKIPPED_COOKIE = "customer360_skipped"
REVIEWER_COOKIE = "customer360_reviewer"
log = logging.getLogger("customer360.app")


class ServerTiming(BaseHTTPMiddleware):
    """Server-Timing: app;dur=<ms> on every answer (the benchmark reads it), and one log line per
    request with the path only: query strings hold names and emails searched for."""

    async def dispatch(self, request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        log.info("%s %s %s %.0f ms", request.method, request.url.path, response.status_code, elapsed)
        return response


def create_app(database: Path, decisions_file: Path | None = None) -> Starlette:
    warehouse = Warehouse(database)
    decisions_file = decisions_file or decisions.decisions_path(database)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["pct"] = drawing.percent
    templates.env.filters["num"] = lambda v, d=0: "" if v is None else f"{v:,.{d}f}"
    templates.env.globals["quote"] = quote

    def page(request: Request, template: str, reading=None, status_code: int = 200, **context) -> Response:
        return templates.TemplateResponse(
            request, template,
            {"reading": reading, "build_running": warehouse.build_running, "database": warehouse.database, **context},
            status_code=status_code,
        )

    def unavailable(request: Request, error: Exception) -> Response:
        if isinstance(error, BuildRunning):
            return page(request, "unavailable.html", status_code=503, title="Build running", message=str(error), refresh=5)
        return page(request, "unavailable.html", status_code=503, title="No warehouse", message=str(error), refresh=None)

    def map_page(request: Request) -> Response:
        params = request.query_params
        try:
            reading = warehouse.read(("penetration",), queries.penetration)
        except (BuildRunning, NoWarehouse) as error:
            return unavailable(request, error)
        view = views.map_view(reading.value, params.get("region", ""), params.get("province", ""),
                              params.get("sort", "untapped_potential"), params.get("dir", "desc") != "asc",
                              limit=None if request.url.path.endswith(".csv") else 25)
        if request.url.path.endswith(".csv"):
            return Response(views.map_csv(view), media_type="text/csv",
                            headers={"Content-Disposition": 'attachment; filename="untapped_potential.csv"'})
        return page(request, "map.html", reading, view=view, title="Regional penetration")

    def review_page(request: Request) -> Response:
        latest = decisions.latest_by_pair(decisions.read(decisions_file))
        skipped = _skipped(request)
        pair = tuple(request.query_params.get("pair", "").split("|")) if request.query_params.get("pair") else None
        pair = pair if pair and len(pair) == 2 else None

        def read(connection):
            pending = views.pending_decisions(latest, queries.applied_app_decisions(connection))
            excluded = [d.pair_key for d in pending] + skipped
            queue = queries.review_pairs(connection, excluded, limit=1, pair=pair)
            shown = [r for p in queue["pairs"] for r in (p["customer_record_id_l"], p["customer_record_id_r"])]
            people = queries.record_people(connection, [r for d in pending for r in d.pair] + shown)
            return {"pending": pending, "queue": queue, "people": people}

        try:
            reading = warehouse.read(("review", tuple(sorted(latest.items())), tuple(skipped), pair), read)
        except (BuildRunning, NoWarehouse) as error:
            return unavailable(request, error)
        data = reading.value
        current = data["queue"]["pairs"][0] if data["queue"]["pairs"] else None
        waterfall, differing = None, set()
        if current:
            weights = [(c.removeprefix("mw_").replace("_", " "), current[c] or 0.0) for c in queries.WEIGHT_COLUMNS if c in current]
            waterfall = drawing.waterfall_svg(weights, current["match_weight"] or 0.0)
            differing = views.differing_fields(current, queries.REVIEW_FIELDS)
        return page(
            request, "review.html", reading, title="Match review", pair=current, waterfall=waterfall,
            differing=differing, fields=queries.REVIEW_FIELDS, decisions_file=decisions_file,
            left=data["queue"]["queue_size"] - data["queue"]["excluded_in_queue"],
            queue_size=data["queue"]["queue_size"],
            pending=[(d, views.decision_effect(d, data["people"])) for d in data["pending"]],
            skipped=len(skipped), asked_pair=pair, reviewer=unquote(request.cookies.get(REVIEWER_COOKIE, "")),
            error=request.query_params.get("error"),
        )

    async def decide(request: Request) -> Response:
        # a page of another site must not decide for the reviewer (the app has no login)
        origin = request.headers.get("origin") or request.headers.get("referer") or ""
        if origin and urlparse(origin).netloc != request.headers.get("host"):
            return Response("decisions are taken from the app's own pages only", status_code=403)
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8")).items()}
        record_l, record_r = form.get("record_l", ""), form.get("record_r", "")
        reviewer = form.get("reviewer", "")
        response = RedirectResponse("/review", status_code=303)
        if form.get("decision") == "skip":
            skipped = [*_skipped(request), decisions.pair_key(record_l, record_r)][-200:]
            response.set_cookie(SKIPPED_COOKIE, quote(json.dumps(skipped)), httponly=True, samesite="strict")
            return response
        try:
            decisions.append(decisions_file, record_l, record_r, form.get("decision", ""), reviewer, form.get("note", ""))
        except decisions.DecisionError as error:
            return RedirectResponse(f"/review?error={quote(str(error))}", status_code=303)
        response.set_cookie(REVIEWER_COOKIE, quote(" ".join(reviewer.split())), httponly=True, samesite="strict")
        return response

    def customer_page(request: Request) -> Response:
        params = request.query_params
        asked, text = params.get("id", "").strip(), params.get("q", "").strip()
        try:
            if asked:
                def read(connection):
                    resolved = queries.resolve_id(connection, asked)
                    person = queries.customer(connection, asked) if resolved["current"] == asked else None
                    return {"resolved": resolved, "person": person}

                reading = warehouse.read(("customer", asked), read)
                resolved = reading.value["resolved"]
                if resolved["current"] and resolved["current"] != asked:
                    return RedirectResponse(f"/customer?id={quote(resolved['current'])}&retired={quote(asked)}", status_code=303)
                retired = params.get("retired", "")
                retirement = None
                if retired:
                    retirement = warehouse.read(("customer", retired), lambda c: {"resolved": queries.resolve_id(c, retired), "person": None}).value["resolved"]
                status = 200 if reading.value["person"] else 404
                return page(request, "customer.html", reading, status_code=status, title="Customer", asked=asked, text=text,
                            person=reading.value["person"], retirement=retirement, results=None)
            reading = warehouse.read(("search", text), lambda c: queries.search(c, text)) if text else None
        except (BuildRunning, NoWarehouse) as error:
            return unavailable(request, error)
        return page(request, "customer.html", reading, title="Customer", asked="", text=text, person=None,
                    retirement=None, results=reading.value if reading else None)

    def health_page(request: Request) -> Response:
        latest = decisions.latest_by_pair(decisions.read(decisions_file))

        def read(connection):
            facts = queries.health(connection)
            facts["pending_decisions"] = len(views.pending_decisions(latest, queries.applied_app_decisions(connection)))
            return facts

        try:
            reading = warehouse.read(("health", tuple(sorted(latest.items()))), read)
        except (BuildRunning, NoWarehouse) as error:
            return unavailable(request, error)
        return page(request, "health.html", reading, title="Health", facts=reading.value)

    routes = [
        Route("/", lambda request: RedirectResponse("/map", status_code=307)),
        Route("/map", map_page),
        Route("/map.csv", map_page),
        Route("/review", review_page),
        Route("/review/decide", decide, methods=["POST"]),
        Route("/customer", customer_page),
        Route("/health", health_page),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(ServerTiming)])


def _skipped(request: Request) -> list[str]:
    try:
        value = json.loads(unquote(request.cookies.get(SKIPPED_COOKIE, "[]")))
    except ValueError:
        return []
    return [str(v) for v in value if isinstance(v, str)][-200:] if isinstance(value, list) else []


def serve(database: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(f"customer360 app: http://{host}:{port}/map  (warehouse {database}; Ctrl+C stops)", flush=True)
    # uvicorn's access log would print query strings: names and emails searched for
    uvicorn.run(create_app(database), host=host, port=port, access_log=False, log_level="warning")
