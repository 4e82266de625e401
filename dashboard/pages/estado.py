"""Estado: every municipio's POAs at once, aggregated — for a state secretariat."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from sqlalchemy.orm import Session

from dashboard.components import graph, pct, stacked
from dashboard.figures import state as state_figures
from dashboard.overview_cache import state_overview
from dashboard.services import get_services
from dashboard.state import parse_corte
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.check.progress import Thresholds
from loaders.store.overview import Tally, fiscal_years
from loaders.text import fmt_date

dash.register_page(__name__, path="/estado", name="Estado", title="Estado — Tablero POA",
                   order=4.5)


def _year(query: dict, years: list[int]) -> int | None:
    text = str(query.get("anio") or "")
    if text.isdigit() and int(text) in years:
        return int(text)
    return years[0] if years else None


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


def layout(**query) -> html.Div:
    services = get_services()
    as_of = parse_corte(query.get("corte"))
    settings = services.settings
    thresholds = Thresholds(settings.green_gap, settings.yellow_gap)
    with Session(services.engine) as session:
        years = fiscal_years(session)
        year = _year(query, years)
        overview = state_overview(session, as_of, thresholds, year) if year else None
    municipio = str(query.get("municipio") or "")
    corte = as_of.isoformat()
    header = html.Div([
        html.H1("Todos los municipios", className="page-title h2 mb-1"),
        html.Div(["Año fiscal ", html.Strong(str(year) if year else "—"), " · fecha de corte ",
                  html.Strong(fmt_date(as_of), className="corte-date")],
                 className="text-muted page-meta"),
        html.Div([dcc.Link(str(y), href=_href(anio=y, corte=corte),
                           className="btn btn-sm me-1 " + ("btn-primary" if y == year
                                                            else "btn-outline-primary"))
                  for y in years], className="mt-2 no-print") if len(years) > 1 else None,
    ], className="page-header mb-3")
    if overview is None or not overview.total.activities:
        return html.Div([header, dbc.Alert("Aún no hay POA cargados.", color="info")])
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
            header,
            dcc.Link("← Todos los municipios", href=_href(anio=year, corte=corte),
                     className="no-print"),
            html.H2(f"{municipio}: {len(areas):,} POA, índice {pct(tally.index_pct)}",
                    className="h4 mt-2", id="estado-municipio"),
            graph(state_figures.semaforo_stack_spec(areas), id="estado-areas-chart"),
            tally_table(areas, poa_link, "estado-areas", "Área"),
        ])

    def municipio_link(t: Tally):
        return dcc.Link(t.name, href=_href(anio=year, corte=corte, municipio=t.name))

    return html.Div([
        header, kpis,
        html.P("Ordenados del que tiene más actividades en rojo (en proporción) al que menos. "
               "Haga clic en un municipio para ver sus áreas.", className="text-muted"),
        graph(state_figures.semaforo_stack_spec(overview.municipios), id="estado-chart"),
        tally_table(overview.municipios, municipio_link, "estado-table", "Municipio"),
    ])
