"""Cronograma: monthly Gantt of every activity, the fecha de corte line, invalid dates listed."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components import GRAPH_CONFIG, empty_state, page_header
from dashboard.figures import poa as figures
from dashboard.state import PageData, cached_figure, page_data
from loaders.text import fmt_date

GANTT = "gantt-chart"
# A council member reads the chart, on a screen or on paper: no toolbar (its zoom, pan and lasso
# are of no use on a year of twelve months and the axes are fixed; "Imprimir" and the cabildo PDF
# are the ways to keep it), and never a button that sends the data to an outside service.
GANTT_CONFIG = {**GRAPH_CONFIG, "displayModeBar": False, "showSendToCloud": False,
                "showEditInChartStudio": False, "showLink": False, "scrollZoom": False}

dash.register_page(
    __name__, path="/cronograma", name="Cronograma", title="Cronograma — Tablero POA", order=2
)


def _invalid_list(rows) -> html.Div:
    invalid = figures.invalid_dates(rows)
    if not invalid:
        return html.P("Todas las actividades tienen fechas válidas.", className="text-muted")
    return html.Div([
        html.P("No se dibujan porque sus fechas no son válidas:", className="mb-1"),
        html.Ul([
            html.Li([html.Strong(a.title), html.Br(), reason])
            for a, reason in invalid
        ], id="invalid-dates-list"),
    ])


def _gantt_graph(data: PageData, year: int) -> dcc.Graph:
    """The Gantt (a plain dict, built once per version and fecha de corte), as tall as its
    figure, without a toolbar (`GANTT_CONFIG`)."""
    view = data.view
    spec = cached_figure(data, ("gantt", year),
                         lambda: figures.gantt_spec(view.activities, today=view.as_of, year=year))
    return dcc.Graph(figure=spec, config=GANTT_CONFIG,
                     style={"height": f"{spec['layout']['height']}px"}, id=GANTT,
                     className="gantt-graph")


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    view = data.view
    year = view.fiscal_year or view.as_of.year
    drawn = sum(1 for a in view.activities if a.dates_valid)
    outside = [a for a in figures.drawable(view.activities)
               if figures.starts_before(a, year) or figures.ends_after(a, year)]
    return html.Div([
        page_header(f"Cronograma mensual {year}", data),
        html.P(
            f"{drawn} de {len(view.activities)} actividades en el calendario de {year}. Cada "
            "barra va del inicio al fin y lleva el % alcanzado; los cuadros marcan los meses "
            "programados en el libro; "
            + ("la línea vertical es la fecha de corte." if view.as_of.year == year else
               f"la fecha de corte, {fmt_date(view.as_of)}, cae fuera de {year}.")
            + (f" ◂ / ▸ = la actividad empieza antes o termina después de {year}; al tocar "
               "la barra o pasar el puntero sobre ella se ven sus fechas." if outside else ""),
            className="text-muted", id="gantt-note",
        ),
        dbc.Row([
            dbc.Col(_gantt_graph(data, year), lg=9),
            dbc.Col([html.H2("Fechas inválidas", className="h5"), _invalid_list(view.activities)],
                    lg=3, className="invalid-dates"),
        ]),
    ])
