"""`concurrencia`: many people at once, against a bare Dash app serving the same answers.

The dashboard side is gunicorn with the project's settings (`dashboard/gunicorn_conf.py`, 4
workers, 8 threads each) listening on loopback, on a database holding the sample data (the real
POA with two versions, its spending, the example areas) plus 100 synthetic POAs of 16 activities
with their spending workbooks (`loaders.synth`, 4 municipios × 25 areas), on SQLite and on
PostgreSQL (a throwaway server, as the tests start it: `tests/pg.py`).

The load: 20 client threads in this process (on the same two cores as the servers), each with
its own keep-alive connection, looping over the pages' callbacks as a browser posts them — the
Pages router for every page, the navbar's selection, the Metas filter and detail, the Calidad
filter, the Historial comparison — for the sample POA and four synthetic ones, until 4,000
requests are done or 60 s have passed; the clients ask for compressed answers as Chromium does. Before the
timed run every request is sent once more than the clients number (a warm-up, untimed), so the
timed run measures a server that has seen each page.

The floor is a bare `dash.Dash()` app behind the same gunicorn settings whose callbacks (one per
callback of the dashboard's, same outputs, inputs and states) return the dashboard's answer to
that very request, prebuilt (looked up by the request's body): only Dash's dispatch,
serialization and compression are left. Before anything is timed, each request's answer from
both servers is checked to be the dashboard's answer recorded through Flask's test client.

Printed per database: requests per second, p50/p95/p99 latency and errors of each side, and the
ratios. Targets: throughput ≥ 0.5× the bare app's, p95 ≤ 300 ms, 0 errors.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dash
import flask
from dash import ALL, Input, Output, State
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from dashboard.state import page_data
from loaders.examples import is_example
from loaders.imports import import_spending, import_workbook
from loaders.settings import Settings
from loaders.store.queries import list_plans
from loaders.synth import spending_path, write_workbooks
from loaders.text import fold
from tests.bench.common import CORTE, Measurement
from tests.bench.pages import (
    CALLBACK_URL,
    LOCATION,
    PAGES,
    ROUTER_OUTPUTS,
    Case,
    _second_version,
    in_app,
    navbar_request,
    new_app,
    page_module,
)
from tests.paths import REPO_ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")
CLIENTS = 20
REQUESTS = 4_000  # timed requests per server, shared by the clients…
MAX_SECONDS = 60.0  # …or as many as these seconds allow (a slow server stops early)
WORKERS = 4
MUNICIPIOS, AREAS, ACTIVITIES = 4, 25, 16  # 100 synthetic POAs
LOADED_POAS = 5  # the sample and four synthetic POAs are the ones the clients look at
THROUGHPUT_TARGET = 0.5  # × the bare app's requests per second
P95_LIMIT = 0.300  # seconds
START_DEADLINE = 180  # seconds for gunicorn's first answer
# What Chromium asks for; both servers compress alike (flask-compress, its defaults).
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
BARE_RESPONSES = "POA_BENCH_RESPUESTAS"  # env: the JSON file the bare app answers from
WILDCARD = "<ALL>"  # ALL in a pattern-matching id, as written to that file
CACHE_HEADER = "X-Tablero-Cache"  # dashboard.response_cache says hit or miss


# -- the requests -------------------------------------------------------------------------------


def router(path: str, search: str) -> Case:
    return Case(f"Página {path}{search}", list(ROUTER_OUTPUTS),
                [Input(LOCATION, "pathname"), Input(LOCATION, "search")], [],
                [path, search], [], [f"{LOCATION}.pathname"], lambda: None)


def poa_cases(app: dash.Dash, plan_id: int) -> list[Case]:
    """Every request of a visit to the POA's pages: each page, the navbar, Metas' filter and an
    activity's detail, Calidad's filter, and (with two versions) Historial's comparison."""
    search = f"?poa={plan_id}&corte={CORTE}"
    data = in_app(app, lambda: page_data({"poa": plan_id, "corte": CORTE}))
    metas, calidad = page_module("/metas"), page_module("/calidad")
    historial = page_module("/historial")
    numbers = [a.number for a in data.view.activities]
    clicked = numbers[len(numbers) // 2]
    card_id = json.dumps({"n": clicked, "type": metas.CARD}, separators=(",", ":"))
    location = [State(LOCATION, "search")]
    cases = [router(path, search) for path in PAGES]
    cases += [
        navbar_request(search, "/"),
        Case(f"Metas: filtro {search}",
             [Output(metas.GRID, "children"), Output(metas.COUNT, "children")],
             [Input(metas.FILTER_SEMAFORO, "value"), Input(metas.FILTER_EJE, "value")],
             location, [["rojo", "amarillo"], ""], [search],
             [f"{metas.FILTER_SEMAFORO}.value"], lambda: None),
        Case(f"Metas: detalle {search}",
             [Output(metas.DETAIL, "is_open"), Output(metas.DETAIL + "-title", "children"),
              Output(metas.DETAIL_BODY, "children")],
             [Input({"type": metas.CARD, "n": ALL}, "n_clicks")], location,
             [[({"n": n}, 1 if n == clicked else 0) for n in numbers]], [search],
             [f"{card_id}.n_clicks"], lambda: None),
        Case(f"Calidad: filtro {search}", [Output(calidad.TABLE, "rowData")],
             [Input(calidad.SEVERITY_FILTER, "value")], location, [["error"]], [search],
             [f"{calidad.SEVERITY_FILTER}.value"], lambda: None),
    ]
    versions = [str(v.id) for v in data.versions]
    if len(versions) > 1:
        cases.append(Case(f"Historial: comparar {search}",
                          [Output(historial.COMPARE_OUT, "children")],
                          [Input(historial.COMPARE_A, "value"),
                           Input(historial.COMPARE_B, "value")],
                          location, [versions[0], versions[-1]], [search],
                          [f"{historial.COMPARE_A}.value"], lambda: None))
    return cases


@dataclass
class Recorded:
    """One request as the clients send it, and the dashboard's answer to it."""

    case: Case
    body: bytes
    answer: dict


def record(app: dash.Dash, plan_ids: list[int]) -> list[Recorded]:
    client = app.server.test_client()
    client.get("/")  # Dash registers the Pages router at the first request
    out = []
    for plan_id in plan_ids:
        for case in poa_cases(app, plan_id):
            body = json.dumps(case.body(), separators=(",", ":")).encode()
            response = client.post(CALLBACK_URL, data=body, content_type="application/json")
            if response.status_code != 200:
                raise RuntimeError(f"{case.name}: HTTP {response.status_code}")
            out.append(Recorded(case, body, json.loads(response.data)))
    return out


# -- the data -------------------------------------------------------------------------------------


def build_data(settings: Settings, tmp: Path, *, municipios: int, areas: int,
               log=print) -> list[Recorded]:
    """The sample (through the app's own first start, plus a second version) and the synthetic
    POAs with their spending; the requests of the POAs the clients look at, with the answers."""
    app = new_app(settings)
    _second_version(app)
    services = app.server.extensions["tablero_poa"]
    books = write_workbooks(tmp / "libros", municipios=municipios, areas=areas,
                            activities=ACTIVITIES, seed=0, year=int(CORTE[:4]), spending=True)
    started = time.perf_counter()
    for book in books:
        stored = import_workbook(services.engine, book.read_bytes(), services.settings,
                                 file_name=book.name, uploaded_by="bench",
                                 as_of=date.fromisoformat(CORTE))
        spending = spending_path(book)
        if spending.is_file():
            import_spending(services.engine, stored.plan_id, spending.read_bytes(),
                            services.settings, file_name=spending.name, uploaded_by="bench")
    log(f"  {len(books)} POA sintéticos importados en {time.perf_counter() - started:.0f} s")
    with Session(services.engine) as session:
        plans = list_plans(session)
    real = [p.id for p in plans if not is_example(p.area, p.direccion)]
    synthetic = [p.id for p in plans if is_example(p.area, p.direccion)
                 and "sintetico" in fold(p.area)]
    step = max(1, len(synthetic) // (LOADED_POAS - 1))
    recorded = record(app, [*real[:1], *synthetic[::step][:LOADED_POAS - 1]])
    services.engine.dispose()
    return recorded


# -- the bare app --------------------------------------------------------------------------------


def _dep_spec(dep) -> list:
    ident = dep.component_id
    if isinstance(ident, dict):
        ident = {k: (WILDCARD if v is ALL else v) for k, v in ident.items()}
    return [ident, dep.component_property]


def _dep(kind, spec):
    ident, prop = spec
    if isinstance(ident, dict):
        ident = {k: (ALL if v == WILDCARD else v) for k, v in ident.items()}
    return kind(ident, prop)


def bare_entries(recorded: list[Recorded]) -> list[dict]:
    """What the bare app answers from (JSON: it travels to gunicorn's workers in a file)."""
    return [{
        "output": r.case.body()["output"],
        "outputs": [_dep_spec(d) for d in r.case.outputs],
        "inputs": [_dep_spec(d) for d in r.case.inputs],
        "states": [_dep_spec(d) for d in r.case.states],
        "body": r.body.decode(),
        "answer": r.answer,
    } for r in recorded]


def write_bare_file(recorded: list[Recorded], path: Path) -> None:
    path.write_text(json.dumps(bare_entries(recorded)), encoding="utf-8")


def bare_app(entries: list[dict]) -> dash.Dash:
    """A plain Dash app (compressing like the dashboard) with one callback per callback of the
    dashboard's, answering each recorded request with the dashboard's answer, prebuilt."""
    app = dash.Dash(__name__, compress=True)
    app.layout = dash.html.Div()
    by_output: dict[str, list[dict]] = {}
    for entry in entries:
        by_output.setdefault(entry["output"], []).append(entry)
    for group in by_output.values():
        first = group[0]
        outputs = [_dep(Output, s) for s in first["outputs"]]
        answers = {}
        for entry in group:
            response = entry["answer"]["response"]
            values = tuple(response.get(ident if isinstance(ident, str) else json.dumps(ident),
                                        {}).get(prop, dash.no_update)
                           for ident, prop in entry["outputs"])
            answers[entry["body"].encode()] = values

        multi = len(outputs) > 1

        def answer(*_args, answers=answers, multi=multi):
            values = answers[flask.request.get_data()]
            return values if multi else values[0]

        app.callback(*outputs, *(_dep(Input, s) for s in first["inputs"]),
                     *(_dep(State, s) for s in first["states"]))(answer)
    return app


def bare_server():
    """gunicorn's application factory for the floor: `tests.bench.concurrency:bare_server()`."""
    entries = json.loads(Path(os.environ[BARE_RESPONSES]).read_text(encoding="utf-8"))
    return bare_app(entries).server


# -- the servers --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], log_path: Path, workers: int) -> Iterator[int]:
    """gunicorn with `dashboard/gunicorn_conf.py` on a free loopback port, until the block ends."""
    port = _free_port()
    env = {**env, "POA_BIND": f"127.0.0.1:{port}", "POA_WORKERS": str(workers)}
    with log_path.open("wb") as out:
        proc = subprocess.Popen([str(GUNICORN), "-c", "python:dashboard.gunicorn_conf", app_spec],
                                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn ended with {proc.returncode}:\n"
                                   f"{log_path.read_text(errors='replace')[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/_dash-dependencies")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def server_env(**extra: str) -> dict[str, str]:
    """This environment without the POA_ settings (but the response cache switch, so that
    `POA_CACHE_RESPUESTAS=0 python -m tests.bench --grupos concurrencia` measures without it)."""
    keep = {"POA_CACHE_RESPUESTAS"}
    env = {k: v for k, v in os.environ.items()
           if (not k.startswith("POA_") or k in keep) and k != "GUNICORN_CMD_ARGS"}
    env.update(POA_LECTURA_ABIERTA="1", **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


# -- the load ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    data: bytes
    encoding: str  # Content-Encoding
    cache: str  # X-Tablero-Cache: hit, miss, or "" (not cached, or the bare app)


def _post(conn: http.client.HTTPConnection, body: bytes, encoding: str) -> Answer:
    conn.request("POST", CALLBACK_URL, body=body, headers={
        "Content-Type": "application/json", "Accept": "application/json",
        "Accept-Encoding": encoding})
    response = conn.getresponse()
    return Answer(response.status, response.read(), response.getheader("Content-Encoding") or "",
                  response.getheader(CACHE_HEADER) or "")


def _decoded(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    if encoding not in ("", "identity"):
        raise ValueError(f"unexpected Content-Encoding {encoding}")
    return data


def check_answers(port: int, recorded: list[Recorded], side: str) -> None:
    """Each request's answer, uncompressed, is the dashboard's recorded answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for r in recorded:
        answer = _post(conn, r.body, "gzip")
        if (answer.status != 200
                or json.loads(_decoded(answer.data, answer.encoding)) != r.answer):
            raise AssertionError(f"{side}: {r.case.name} answers something else "
                                 f"(HTTP {answer.status})")
    conn.close()


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    hits: int = 0  # answers the dashboard took from its response cache
    seconds: float = 0.0
    first_error: str = ""

    @property
    def done(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def load(port: int, bodies: list[bytes], total: int, clients: int = CLIENTS,
         max_seconds: float = MAX_SECONDS) -> LoadResult:
    """`clients` threads, each on its own keep-alive connection, posting `bodies` in turn (each
    from its own place in the list) until `total` requests are done between them, or no new
    request starts after `max_seconds`."""
    tickets = itertools.count()
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        position = i * len(bodies) // clients
        while next(tickets) < total and time.perf_counter() < deadline:
            body = bodies[position % len(bodies)]
            position += 1
            started = time.perf_counter()
            problem, hit = "", False
            try:
                answer = _post(conn, body, ACCEPT_ENCODING)
                if answer.status != 200 or not answer.data:
                    problem = f"HTTP {answer.status}"
                hit = answer.cache == "hit"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                result.hits += hit
                if problem:
                    result.errors += 1
                    result.first_error = result.first_error or problem
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def measure(port: int, recorded: list[Recorded], side: str, total: int,
            clients: int) -> LoadResult:
    check_answers(port, recorded, side)
    bodies = [r.body for r in recorded]
    load(port, bodies, len(bodies) + clients, clients, max_seconds=3 * MAX_SECONDS)  # warm-up
    return load(port, bodies, total, clients)


# -- the group ---------------------------------------------------------------------------------------


@dataclass
class Side:
    name: str
    app: LoadResult
    bare: LoadResult


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def side_table(sides: list[Side], clients: int) -> str:
    """Requests per second, p50/p95/p99 and errors of each server, in the benchmark's table
    format (Medición | Tablero | Piso | Razón | Meta | ¿Cumple?)."""
    rows = []
    for s in sides:
        a, b = s.app, s.bare
        tp_ratio = a.throughput / b.throughput if b.throughput else 0.0
        head = f"{s.name}, {clients} clientes"
        rows.append((f"{head}: peticiones por segundo ({a.done:,} en {a.seconds:,.0f} s)",
                     f"{a.throughput:,.1f}/s", f"{b.throughput:,.1f}/s", f"{tp_ratio:.2f}×",
                     f"≥ {THROUGHPUT_TARGET:g}×", "sí" if tp_ratio >= THROUGHPUT_TARGET else "NO"))
        for p in (50, 95, 99):
            ap, bp = a.percentile(p), b.percentile(p)
            goal = f"≤ {_ms(P95_LIMIT)}" if p == 95 else "—"
            verdict = ("sí" if ap <= P95_LIMIT else "NO") if p == 95 else "(informativo)"
            rows.append((f"{head}: p{p}", _ms(ap), _ms(bp), f"{ap / bp:.2f}×" if bp else "—",
                         goal, verdict))
        rows.append((f"{head}: errores", f"{a.errors:,}", f"{b.errors:,}", "—", "0",
                     "sí" if a.errors == 0 and b.errors == 0 else "NO"))
    head = ("Medición", "Tablero", "Piso", "Razón", "Meta", "¿Cumple?")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(r) for r in rows)])


def measurements(side: Side, clients: int) -> list[Measurement]:
    """For the benchmark's common table: the time per request (1 / throughput) against the bare
    app's, whose ratio must stay ≤ 2× (throughput ≥ 0.5×), and the p95 (≤ 300 ms)."""
    a, b = side.app, side.bare
    extra = {"clients": clients, "requests": a.done, "seconds": a.seconds,
             "floor_seconds": b.seconds, "errors": a.errors, "floor_errors": b.errors,
             "throughput": a.throughput, "floor_throughput": b.throughput,
             **{f"p{p}": a.percentile(p) for p in (50, 95, 99)},
             **{f"floor_p{p}": b.percentile(p) for p in (50, 95, 99)}}
    per_request = Measurement(
        "concurrencia", f"{side.name}, {clients} clientes: tiempo por petición (1 / rendimiento)",
        [1 / a.throughput if a.throughput else float("inf")],
        [1 / b.throughput if b.throughput else float("inf")], 1 / THROUGHPUT_TARGET,
        clock="wall", note=f"{a.errors} errores", extra=extra)
    p95 = Measurement("concurrencia", f"{side.name}, {clients} clientes: p95",
                      [a.percentile(95)], [b.percentile(95)], None, clock="wall",
                      extra=extra, limit=P95_LIMIT)
    return [per_request, p95]


def run_database(database: str, *, total: int = REQUESTS, clients: int = CLIENTS,
                 workers: int = WORKERS, municipios: int = MUNICIPIOS, areas: int = AREAS,
                 log=print) -> Side:
    label = "SQLite" if database == "sqlite" else "PostgreSQL"
    with tempfile.TemporaryDirectory(prefix="bench-concurrencia-") as tmp_name:
        tmp = Path(tmp_name)
        pg = None
        try:
            url = ""
            if database == "postgresql":
                from tests.pg import PostgresServer

                pg = PostgresServer().start()
                admin = create_engine(pg.url(), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text('CREATE DATABASE "bench"'))
                admin.dispose()
                url = pg.url("bench")
            data_dir = tmp / "data"
            settings = Settings(data_dir=data_dir, database_url=url, read_contained=False)
            recorded = build_data(settings, tmp, municipios=municipios, areas=areas, log=log)
            bare_file = tmp / "respuestas.json"
            write_bare_file(recorded, bare_file)
            env = server_env(POA_DATA_DIR=str(data_dir), POA_DATABASE_URL=url)
            log(f"  {label}: {len(recorded)} peticiones distintas; {total:,} medidas por "
                f"servidor, {clients} clientes, gunicorn con {workers} procesos")
            with gunicorn("dashboard.wsgi:server", env, tmp / "tablero.log", workers) as port:
                app_result = measure(port, recorded, "tablero", total, clients)
            log(f"  {label}, tablero: {app_result.throughput:,.1f}/s, "
                f"p95 {_ms(app_result.percentile(95))}, {app_result.errors} errores, "
                f"{app_result.hits:,} de {app_result.done:,} de la caché de respuestas"
                + (f" ({app_result.first_error})" if app_result.errors else ""))
            bare_env = {**env, BARE_RESPONSES: str(bare_file)}
            with gunicorn("tests.bench.concurrency:bare_server()", bare_env, tmp / "piso.log",
                          workers) as port:
                bare_result = measure(port, recorded, "piso", total, clients)
            log(f"  {label}, piso: {bare_result.throughput:,.1f}/s, "
                f"p95 {_ms(bare_result.percentile(95))}, {bare_result.errors} errores")
        finally:
            if pg is not None:
                pg.stop()
    return Side(label, app_result, bare_result)


def run(databases: tuple[str, ...] = ("sqlite", "postgresql"), *, total: int = REQUESTS,
        clients: int = CLIENTS, workers: int = WORKERS, log=print) -> list[Measurement]:
    if not shutil.which(str(GUNICORN)):
        raise RuntimeError(f"gunicorn no está en {GUNICORN}")
    sides = [run_database(db, total=total, clients=clients, workers=workers, log=log)
             for db in databases]
    log("\n" + side_table(sides, clients))
    return [m for side in sides for m in measurements(side, clients)]
