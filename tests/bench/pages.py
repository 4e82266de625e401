"""Each page's server work, posted through Flask's test client, against a bare Dash callback.

The dashboard side posts the real `/_dash-update-component` request to the real app (SQLite with
the sample data, as on first start): the Pages router callback, which renders a page's layout and
so builds its figures, and the page callbacks (Metas filters and detail, Calidad filter,
Historial comparison, the navbar's selection).

The floor is a bare `dash.Dash()` app with one callback on the same component ids that returns a
value precomputed from the real page code: the same component tree, with each figure as the
`plotly.graph_objects.Figure` a plain Dash app returns. Only dispatch and serialization are left.
Both responses are checked to be the same JSON before anything is timed.

A second, stricter floor returns exactly the objects the dashboard builds (figures that are
already plain dicts): shown for information, it is what the dashboard could never beat.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, dcc, html, no_update
from dash._get_app import app_context

from dashboard.app import create_app
from dashboard.state import page_data
from loaders.imports import import_workbook
from loaders.settings import Settings
from tests.bench.common import CORTE, Measurement, alternate
from tests.bench.workbooks import sample_revision

CALLBACK_URL = "/_dash-update-component"
LOCATION = "_pages_location"
ROUTER_OUTPUTS = (Output("_pages_content", "children"), Output("_pages_store", "data"))
SEARCH = f"?corte={CORTE}"
QUERY = {"corte": CORTE}
PAGES = {
    "/": "Resumen",
    "/metas": "Metas",
    "/cronograma": "Cronograma",
    "/calidad": "Calidad de datos",
    "/presupuesto": "Presupuesto",
    "/municipio": "Municipio",
    "/historial": "Historial",
    "/estado": "Estado",
}


@dataclass
class Case:
    """One request: what is posted, the callback's dependencies and how to build its answer."""

    name: str
    outputs: list[Output]
    inputs: list[Input]
    states: list[State]
    input_values: list
    state_values: list
    changed: list[str]
    value: Callable[[], object]  # the callback's return value, built by the real page code
    extra: dict = field(default_factory=dict)

    def body(self) -> dict:
        def spec(deps, values):
            out = []
            for dep, value in zip(deps, values, strict=True):
                if isinstance(value, list) and _is_wildcard(dep):
                    out.append([{"id": {**dep.component_id, **ids}, "property":
                                 dep.component_property, "value": v} for ids, v in value])
                else:
                    out.append({"id": dep.component_id, "property": dep.component_property,
                                "value": value})
            return out

        outputs = [{"id": o.component_id, "property": o.component_property} for o in self.outputs]
        return {
            "output": _output_key(self.outputs),
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": spec(self.inputs, self.input_values),
            "state": spec(self.states, self.state_values),
            "changedPropIds": self.changed,
        }


def _is_wildcard(dep) -> bool:
    return isinstance(dep.component_id, dict) and ALL in dep.component_id.values()


def _output_key(outputs: list[Output]) -> str:
    if len(outputs) == 1:
        return str(outputs[0])
    return ".." + "...".join(str(o) for o in outputs) + ".."


# -- the floor -------------------------------------------------------------------------------------


def figures_as_objects(node):
    """The same tree with each dcc.Graph's figure as a `go.Figure` (what a plain app returns)."""
    if isinstance(node, list | tuple):
        return type(node)(figures_as_objects(n) for n in node)
    if isinstance(node, dash.development.base_component.Component):
        if isinstance(node, dcc.Graph) and isinstance(getattr(node, "figure", None), dict):
            node.figure = go.Figure(node.figure)
        for name in node._prop_names:  # Dash's own list of the props
            value = getattr(node, name, None)
            if isinstance(value, list | tuple | dash.development.base_component.Component):
                setattr(node, name, figures_as_objects(value))
    return node


def bare_app(case: Case, value) -> dash.Dash:
    """A plain Dash app whose only callback answers `case` with `value`, precomputed."""
    app = dash.Dash(__name__)
    app.layout = html.Div()
    deps = [*case.outputs, *case.inputs, *case.states]

    @app.callback(*deps)
    def answer(*_args):
        return value

    return app


# -- the real app ------------------------------------------------------------------------------------


def new_app(settings: Settings) -> dash.Dash:
    """`create_app`, without the first start's note about the admin password on the console."""
    with contextlib.redirect_stdout(io.StringIO()):
        return create_app(settings)


def in_app(app: dash.Dash, func: Callable[[], object]):
    """Run `func` as inside one of the app's requests (its services, its relative paths)."""

    def run():
        app_context.set(app)
        with app.server.test_request_context(CALLBACK_URL, method="POST"):
            return func()

    return contextvars.copy_context().run(run)


def router_case(path: str, label: str) -> Case:
    page = next(p for p in dash.page_registry.values() if p["path"] == path)

    def value():
        layout = page["layout"]
        return (layout(**QUERY) if callable(layout) else layout), {"title": page["title"]}

    return Case(
        f"Página {label} ({path})", list(ROUTER_OUTPUTS),
        [Input(LOCATION, "pathname"), Input(LOCATION, "search")], [],
        [path, SEARCH], [], [f"{LOCATION}.pathname"], value,
    )


def page_module(path: str):
    """A page's module as Dash imported it (pages are modules of Dash's own, not a package)."""
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    return sys.modules[page["module"]]


def callback_cases(app: dash.Dash) -> list[Case]:
    metas, calidad = page_module("/metas"), page_module("/calidad")
    historial = page_module("/historial")
    data = in_app(app, lambda: page_data(QUERY))
    n_activities = len(data.view.activities)
    numbers = [a.number for a in data.view.activities]
    clicked = numbers[len(numbers) // 2]
    versions = [v.id for v in data.versions]
    search_state = [State(LOCATION, "search")]

    def metas_filter():
        d = in_data()
        rows = metas.filtered(d, ["rojo", "amarillo"], None)
        return metas.gauge_cards(d, rows), f"{len(rows)} de {n_activities} actividades"

    def metas_detail():
        d = in_data()
        activity = d.loaded.doc.activity(clicked)
        return True, f"Actividad {clicked}. {activity.name}", metas.detail(d, clicked)

    def calidad_filter():
        return calidad.rows_of([f for f in in_data().view.findings if f.severity == "error"])

    def in_data():
        return page_data(QUERY)

    card = {"type": metas.CARD, "n": ALL}
    card_id = json.dumps({"n": clicked, "type": metas.CARD}, separators=(",", ":"))
    return [
        Case("Metas: filtro por semáforo",
             [Output(metas.GRID, "children"), Output(metas.COUNT, "children")],
             [Input(metas.FILTER_SEMAFORO, "value"), Input(metas.FILTER_EJE, "value")],
             search_state, [["rojo", "amarillo"], None], [SEARCH],
             [f"{metas.FILTER_SEMAFORO}.value"], metas_filter),
        Case("Metas: detalle de una actividad",
             [Output(metas.DETAIL, "is_open"), Output(metas.DETAIL + "-title", "children"),
              Output(metas.DETAIL_BODY, "children")],
             [Input(card, "n_clicks")], search_state,
             [[({"n": n}, 1 if n == clicked else 0) for n in numbers]], [SEARCH],
             [f"{card_id}.n_clicks"], metas_detail),
        Case("Calidad: filtro por severidad", [Output(calidad.TABLE, "rowData")],
             [Input(calidad.SEVERITY_FILTER, "value")], search_state, [["error"]], [SEARCH],
             [f"{calidad.SEVERITY_FILTER}.value"], calidad_filter),
        Case("Historial: comparar versiones", [Output(historial.COMPARE_OUT, "children")],
             [Input(historial.COMPARE_A, "value"), Input(historial.COMPARE_B, "value")],
             search_state, [versions[0], versions[-1]], [SEARCH],
             [f"{historial.COMPARE_A}.value"],
             lambda: historial.compare_view(versions[0], versions[-1],
                                             date.fromisoformat(CORTE))),
    ]


def navbar_request(search: str, pathname: str = "/") -> Case:
    """The navbar's selection callback (`dashboard.layout.sync_selection`) on a page load."""
    outputs = [Output(LOCATION, "search"), Output("nav-poa", "options"),
               Output("nav-poa", "value"), Output("nav-version", "options"),
               Output("nav-version", "value"), Output("nav-corte", "value"),
               Output("version-notice", "children"), Output("version-notice", "hidden")]
    inputs = [Input(LOCATION, "search"), Input("nav-poa", "value"),
              Input("nav-version", "value"), Input("nav-corte", "value"),
              Input(LOCATION, "pathname")]
    return Case(f"Barra {pathname}{search}", outputs, inputs, [],
                [search, None, None, None, pathname], [], [f"{LOCATION}.search"],
                lambda: None)


def navbar_case(client) -> Case:
    """The navbar's selection callback, run on every page load; its answer is plain data."""
    case = navbar_request(SEARCH)
    case.name = "Barra: POA, versión y corte"
    outputs = case.outputs
    answer = post(client, case.body())["response"]
    # Outputs left alone come back as no_update, which the response leaves out.
    values = [answer.get(o.component_id, {}).get(o.component_property, no_update)
              for o in outputs]
    case.value = lambda: tuple(values)
    return case


def send(client, body: dict) -> bytes:
    """One callback request, as the browser posts it; the response's body (what is timed)."""
    response = client.post(CALLBACK_URL, json=body)
    if response.status_code != 200:
        raise RuntimeError(f"{body['output']}: HTTP {response.status_code} {response.data[:300]!r}")
    return response.data


def post(client, body: dict) -> dict:
    return json.loads(send(client, body))


def _second_version(app: dash.Dash) -> None:
    """A second version of the sample POA, so Historial compares two different versions."""
    services = app.server.extensions["tablero_poa"]
    import_workbook(services.engine, sample_revision(), services.settings,
                    file_name="revision.xlsx", uploaded_by="bench",
                    as_of=date.fromisoformat(CORTE))


def run(reps: int = 15, warmup: int = 3, *, log=print) -> list[Measurement]:
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        # The page answers are computed, not read from the shared cache of answers (which the
        # `concurrencia` group measures): the same request repeated would be a cache hit.
        settings = Settings(data_dir=Path(tmp) / "data", response_cache=False)
        app = new_app(settings)
        _second_version(app)
        client = app.server.test_client()
        client.get("/")  # Dash registers the Pages router at the first request
        cases = [router_case(path, label) for path, label in PAGES.items()]
        cases += callback_cases(app)
        cases.append(navbar_case(client))
        out = []
        for case in cases:
            body = case.body()
            floor = bare_app(case, figures_as_objects(in_app(app, case.value)))
            strict = bare_app(case, in_app(app, case.value))
            floor_client, strict_client = floor.server.test_client(), strict.server.test_client()
            expected = post(client, body)
            for other in (floor_client, strict_client):
                if post(other, body) != expected:
                    raise AssertionError(f"{case.name}: the floor answers something else")
            paired = alternate(lambda c=client, b=body: send(c, b),
                               lambda c=floor_client, b=body: send(c, b), reps, warmup)
            against_strict = alternate(lambda c=client, b=body: send(c, b),
                                       lambda c=strict_client, b=body: send(c, b),
                                       max(5, reps // 2), 1)
            m = paired.measurement(
                "paginas", case.name, 1.0,
                strict_floor_cpu_s=[t.cpu for t in against_strict.floor],
                strict_app_cpu_s=[t.cpu for t in against_strict.app],
                response_bytes=len(json.dumps(expected)))
            log(f"  {case.name}: {m.app * 1000:.1f} ms / {m.floor * 1000:.1f} ms")
            out.append(m)
        app.server.extensions["tablero_poa"].engine.dispose()
    return out
