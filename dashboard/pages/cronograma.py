"""Cronograma: monthly Gantt of every activity, the fecha de corte line, invalid dates listed."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components import GRAPH_CONFIG, empty_state, page_header
from dashboard.figures import poa as figures
from dashboard.state import PageData, cached_figure, page_data

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
    """The Gantt (a plain dict, built once per version and fecha de corte), as
    `components.graph` would show it."""
    view = data.view
    spec = cached_figure(data, ("gantt", year),
                         lambda: figures.gantt_spec(view.activities, today=view.as_of, year=year))
    return dcc.Graph(figure=spec, config={**GRAPH_CONFIG, "displayModeBar": True},
                     style={"height": f"{spec['layout']['height']}px"}, id="gantt-chart",
                     className="gantt-graph")


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    view = data.view
    year = view.fiscal_year or view.as_of.year
    drawn = sum(1 for a in view.activities if a.dates_valid)
    return html.Div([
        page_header("Cronograma mensual", data),
        html.P(
            f"{drawn} de {len(view.activities)} actividades en el calendario. Cada barra va del "
            "inicio al fin y lleva dentro el % alcanzado; los cuadros marcan los meses "
            "programados en el libro; la línea vertical es la fecha de corte.",
            className="text-muted",
        ),
        dbc.Row([
            dbc.Col(_gantt_graph(data, year), lg=9),
            dbc.Col([html.H2("Fechas inválidas", className="h5"), _invalid_list(view.activities)],
                    lg=3, className="invalid-dates"),
        ]),
    ])
