"""Estado: every municipio's POAs at once, aggregated — for a state secretariat.

Example and synthetic POAs are left out of every figure unless the user turns on «Incluir datos
de ejemplo» (`?ejemplos=1`); the page says how many were left out, or that they are included.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard.components import graph, pct, stacked
from dashboard.figures import state as state_figures
from dashboard.overview_cache import StateView, state_overview
from dashboard.services import get_services
from dashboard.state import parse_corte, query_from_search
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.check.progress import Thresholds
from loaders.store.overview import Tally, fiscal_years
from loaders.text import fmt_date

dash.register_page(__name__, path="/estado", name="Estado", title="Estado — Tablero POA",
                   order=4.5)

EXAMPLES = "ejemplos"  # the query key: `?ejemplos=1` includes the example POAs
EXAMPLES_SWITCH = "estado-ejemplos"
EXAMPLES_NOTICE = "estado-ejemplos-aviso"


def _year(query: dict, years: list[int]) -> int | None:
    text = str(query.get("anio") or "")
    if text.isdigit() and int(text) in years:
        return int(text)
    return years[0] if years else None


def _with_examples(query: dict) -> bool:
    return str(query.get(EXAMPLES) or "") == "1"


def _href(**params) -> str:
    return dash.get_relative_path("/estado") + "?" + urlencode(
        {k: v for k, v in params.items() if v not in (None, "")})


def tally_table(tallies: list[Tally], link, table_id: str, first: str) -> dbc.Table:
    head = [first, "POA", "Actividades", "Índice de Eficiencia", "Esperado",
            *(f"{SEMAFORO_ICONS[k]} {SEMAFORO_WORDS[k]}" for k in ("rojo", "amarillo", "verde")),
            "Vencidas"]
    rows = [html.Tr([
        html.Td(link(t)), html.Td(f"{len(t.plans):,}"), html.Td(f"{t.activities:,}"),
        html.Td(pct(t.index_pct), className="fw-bold"), html.Td(pct(t.expected_index_pct)),
        html.Td(f"{t.rojo:,}"), html.Td(f"{t.amarillo:,}"), html.Td(f"{t.verde:,}"),
        html.Td(f"{t.overdue:,}"),
    ]) for t in tallies]
    return stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                             striped=True, hover=True, size="sm", id=table_id,
                             className="align-middle"))


def _poas(n: int, kind: str) -> str:
    """"1 POA real", "3 POA de ejemplo" (POA does not change in the plural)."""
    if kind == "real":
        return f"{n:,} POA {'real' if n == 1 else 'reales'}"
    return f"{n:,} POA de ejemplo"


def examples_notice(view: StateView, year: int | None) -> dbc.Alert | None:
    """What the figures leave out (or include), in words, with the control that changes it."""
    if not view.examples:
        return None
    examples = _poas(view.examples, "ejemplo")
    if view.with_examples:
        color = "warning"
        text = [html.Strong("Incluye datos de ejemplo. "),
                f"Las cifras suman {examples} (datos ficticios)"
                + (f" a {_poas(view.real, 'real')}" if view.real else "")
                + ": no son cifras reales."]
    elif view.only_examples:
        color = "info"
        text = [html.Strong("Sólo hay datos de ejemplo. "),
                f"Los POA del año {year} son {examples} (datos ficticios); no hay POA reales "
                "que sumar. Active «Incluir datos de ejemplo» para verlos."]
    else:
        color = "info"
        verb = "incluye" if view.examples == 1 else "incluyen"
        text = [f"No se {verb} {examples} (datos ficticios): las cifras son sólo de "
                f"{_poas(view.real, 'real')}."]
    return dbc.Alert([
        html.P(text, id=EXAMPLES_NOTICE, className="mb-2"),
        dbc.Switch(id=EXAMPLES_SWITCH, label="Incluir datos de ejemplo",
                   value=view.with_examples, className="mb-0 no-print"),
    ], color=color, className="mb-3")


def layout(**query) -> html.Div:
    services = get_services()
    as_of = parse_corte(query.get("corte"))
    settings = services.settings
    thresholds = Thresholds(settings.green_gap, settings.yellow_gap)
    with_examples = _with_examples(query)
    with Session(services.engine) as session:
        years = fiscal_years(session)
        year = _year(query, years)
        view = (state_overview(session, as_of, thresholds, year, with_examples=with_examples)
                if year else None)
    municipio = str(query.get("municipio") or "")
    corte = as_of.isoformat()
    keep = {"corte": corte, EXAMPLES: "1" if with_examples else None}
    header = html.Div([
        html.H1("Todos los municipios", className="page-title h2 mb-1"),
        html.Div(["Año fiscal ", html.Strong(str(year) if year else "—"), " · fecha de corte ",
                  html.Strong(fmt_date(as_of), className="corte-date"),
                  *((" · ", html.Strong("incluye datos de ejemplo", id="estado-con-ejemplos"))
                    if view is not None and view.with_examples and view.examples else ())],
                 className="text-muted page-meta"),
        html.Div([dcc.Link(str(y), href=_href(anio=y, **keep),
                           className="btn btn-sm me-1 " + ("btn-primary" if y == year
                                                            else "btn-outline-primary"))
                  for y in years], className="mt-2 no-print") if len(years) > 1 else None,
    ], className="page-header mb-3")
    notice = examples_notice(view, year) if view is not None else None
    if view is None or not view.overview.total.activities:
        if notice is not None:
            return html.Div([header, notice])
        return html.Div([header, dbc.Alert("Aún no hay POA cargados.", color="info")])
    overview = view.overview
    note = state_figures.EXAMPLES_NOTE if view.with_examples and view.examples else None
    total = overview.total
    kpis = dbc.Row([
        dbc.Col(dbc.Card(dbc.CardBody([html.Div(title, className="kpi-title"),
                                       html.Div(value, className="kpi-value", id=ident)]),
                         className="kpi"), md=3)
        for title, value, ident in (
            ("Municipios", f"{len(overview.municipios):,}", "estado-municipios"),
            ("POA", f"{len(total.plans):,}", "estado-poas"),
            ("Actividades", f"{total.activities:,}", "estado-actividades"),
            ("Índice de Eficiencia", pct(total.index_pct), "estado-indice"),
        )
    ], className="g-3 mb-3")
    if municipio and municipio in overview.areas:
        areas = overview.areas[municipio]
        tally = next(t for t in overview.municipios if t.name == municipio)

        def poa_link(t: Tally):
            return dcc.Link(t.name, href=dash.get_relative_path("/") + "?" + urlencode(
                {"poa": t.plan_id, "version": t.version_id, "corte": corte}))

        return html.Div([
            header, notice,
            dcc.Link("← Todos los municipios", href=_href(anio=year, **keep),
                     className="no-print"),
            html.H2(f"{municipio}: {len(areas):,} POA, índice {pct(tally.index_pct)}",
                    className="h4 mt-2", id="estado-municipio"),
            graph(state_figures.semaforo_stack_spec(areas, note=note), mode_bar=False,
                  id="estado-areas-chart"),
            tally_table(areas, poa_link, "estado-areas", "Área"),
        ])

    def municipio_link(t: Tally):
        return dcc.Link(t.name, href=_href(anio=year, municipio=t.name, **keep))

    return html.Div([
        header, notice, kpis,
        html.P("Ordenados del que tiene más actividades en rojo (en proporción) al que menos. "
               "Haga clic en un municipio para ver sus áreas.", className="text-muted"),
        # no toolbar: the axes do not zoom, and on a phone it covered the legend
        graph(state_figures.semaforo_stack_spec(overview.municipios, note=note), mode_bar=False,
              id="estado-chart"),
        tally_table(overview.municipios, municipio_link, "estado-table", "Municipio"),
    ])


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.READ,
        Output(ids.LOCATION, "search", allow_duplicate=True),
        Input(EXAMPLES_SWITCH, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def toggle_examples(on, search):
        """The switch writes `ejemplos=1` into the address (or takes it out): the page is drawn
        again from it, and a copied link shows the same."""
        query = {k: v for k, v in query_from_search(search).items() if k != EXAMPLES}
        if on:
            query[EXAMPLES] = "1"
        new = "?" + urlencode(query) if query else ""
        return new if new != (search or "") else no_update
