"""The state overview with 20,000 activities against drawing a 1,000-bar Gantt.

The dashboard side posts the Pages router request for `/estado` to the real app on a database
holding 1,250 synthetic POAs of 16 activities (50 municipios × 25 areas, `loaders.synth`), each
stored by `loaders.store.versions.import_workbook` as on a real upload. Building that database takes about
a minute, so it is kept in `tests/bench/results/` under a name made of its parameters and a hash
of the loaders' code; each run works on a copy.

The floor is a bare Dash callback that draws the Gantt of 1,000 activities with valid dates (from
a synthetic workbook, read and viewed as the app does) and returns it: building the figure and
serializing it on every request, as the Cronograma page does for a version not yet cached. It
builds the figure as a plain dict (`figures.gantt_spec`, the way the app's pages draw it now).
The same figure through `figures.gantt` (a `go.Figure`, validated) is several times slower: that
floor is shown too, for information only — judging against it would flatter the state page.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import dash
from dash import Input, dcc, html
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.figures import poa as figures
from dashboard.views import plan_view
from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_workbook
from loaders.read.poa import read_poa
from loaders.settings import Settings
from loaders.store.schema import ActivityRow, Plan
from loaders.store.versions import AlreadyImported
from tests.bench.common import CORTE, RESULTS_DIR, Measurement, alternate
from tests.bench.pages import LOCATION, ROUTER_OUTPUTS, SEARCH, Case, new_app, post, send
from tests.bench.workbooks import code_hash, kept, large_workbook
from tests.paths import REPO_ROOT

AS_OF = date.fromisoformat(CORTE)
TARGET = 1.5
GANTT_BARS = 1_000


def state_database(municipios: int, areas: int, activities: int, *, seed: int = 0,
                   log=print) -> Path:
    """A SQLite database with municipios × areas synthetic POAs, built once and kept."""
    from loaders.synth import write_workbooks

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # What the database depends on besides the parameters: the loaders' code (synth included).
    key = code_hash(*(REPO_ROOT / "loaders").rglob("*.py"))
    path = kept(RESULTS_DIR, f"estado-m{municipios}-a{areas}-n{activities}-s{seed}", key,
                ".sqlite3")
    name = path.name
    if path.is_file():
        return path
    log(f"  Construyendo la base del estado ({municipios * areas:,} POA; se guarda en {path})…")
    with tempfile.TemporaryDirectory(prefix="bench-estado-") as tmp:
        tmp_path = Path(tmp)
        books = write_workbooks(tmp_path / "libros", municipios=municipios, areas=areas,
                                activities=activities, seed=seed, year=AS_OF.year)
        db = tmp_path / name
        settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{db}")
        from loaders.store.engine import create_schema, make_engine

        engine = make_engine(settings=settings)
        create_schema(engine)
        for book in books:
            try:
                import_workbook(engine, book.read_bytes(), settings, file_name=book.name,
                                uploaded_by="bench", as_of=AS_OF)
            except (NotAPoaWorkbook, AlreadyImported) as exc:
                log(f"  {book.name} no se importó: {exc}")
        engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copy2(db, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").replace(path)
    return path


def gantt_activities(n: int = GANTT_BARS) -> list:
    """`n` activities with valid dates, as the Cronograma page sees them."""
    data = large_workbook(n + n // 10).read_bytes()
    view = plan_view(read_poa(data, Settings()), AS_OF, Settings())
    invalid = {id(a) for a, _ in figures.invalid_dates(view.activities)}
    drawn = [a for a in view.activities if id(a) not in invalid][:n]
    if len(drawn) != n:
        raise AssertionError(f"only {len(drawn)} activities with valid dates")
    return drawn


def gantt_app(activities: list, *, as_figure: bool = False) -> dash.Dash:
    """A bare app drawing the Gantt on each request: as a plain dict (the floor), or with
    `as_figure` through `figures.gantt`, a `go.Figure` (for information)."""
    app = dash.Dash(__name__)
    app.layout = html.Div()

    @app.callback(*ROUTER_OUTPUTS, Input(LOCATION, "pathname"), Input(LOCATION, "search"))
    def draw(_pathname, _search):
        if as_figure:
            figure = figures.gantt(activities, today=AS_OF, year=AS_OF.year)
            height = figure.layout.height
        else:
            figure = figures.gantt_spec(activities, today=AS_OF, year=AS_OF.year)
            height = figure["layout"]["height"]
        return dcc.Graph(figure=figure, style={"height": f"{height}px"}), {"title": "Gantt"}

    return app


def run(reps: int = 9, warmup: int = 2, *, municipios: int = 50, areas: int = 25,
        activities: int = 16, log=print) -> list[Measurement]:
    source = state_database(municipios, areas, activities, log=log)
    bars = gantt_activities()
    with tempfile.TemporaryDirectory(prefix="bench-estado-") as tmp:
        db = Path(tmp) / "estado.sqlite3"
        shutil.copy2(source, db)
        settings = Settings(data_dir=Path(tmp) / "data", database_url=f"sqlite:///{db}",
                            response_cache=False)  # computed each time (see pages.run)
        app = new_app(settings)
        engine = app.server.extensions["tablero_poa"].engine
        with Session(engine) as session:
            stored = session.scalar(select(func.count(ActivityRow.id))) or 0
            plans = session.scalar(select(func.count(Plan.id))) or 0
        client = app.server.test_client()
        client.get("/")
        case = Case("Estado", list(ROUTER_OUTPUTS),
                    [Input(LOCATION, "pathname"), Input(LOCATION, "search")], [],
                    # synthetic POAs only: summed when asked for (`ejemplos=1`)
                    ["/estado", SEARCH + "&ejemplos=1"], [], [f"{LOCATION}.pathname"],
                    lambda: None)
        body = case.body()
        floor_client = gantt_app(bars).server.test_client()
        figure_client = gantt_app(bars, as_figure=True).server.test_client()
        floor_answer = post(floor_client, body)
        if post(figure_client, body) != floor_answer:
            raise AssertionError("figures.gantt and figures.gantt_spec draw different Gantts")
        if "estado-chart" not in json.dumps(post(client, body)):
            raise AssertionError("the state page drew no chart")
        paired = alternate(lambda: send(client, body), lambda: send(floor_client, body),
                           reps, warmup)
        as_figure = alternate(lambda: send(client, body), lambda: send(figure_client, body),
                              max(3, reps // 2), 1)
        engine.dispose()
    name = f"Estado con {stored:,} actividades contra Gantt de {len(bars):,} barras"
    m = paired.measurement("estado", name, TARGET, activities=stored, plans=plans,
                           gantt_bars=len(bars))
    info = as_figure.measurement("estado", f"{name} (go.Figure, informativo)", None,
                                 activities=stored, plans=plans, gantt_bars=len(bars))
    for x in (m, info):
        log(f"  {x.name}: {x.app * 1000:.1f} ms / {x.floor * 1000:.1f} ms")
    return [m, info]
