"""Cronograma: monthly Gantt of every activity, the fecha de corte line, invalid dates listed."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard import figures
from dashboard.components import empty_state, graph, page_header
from dashboard.state import page_data

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
            html.Li([html.Strong(f"{a.number}. {a.name}"), html.Br(), reason])
            for a, reason in invalid
        ], id="invalid-dates-list"),
    ])


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
            dbc.Col(graph(figures.gantt(view.activities, today=view.as_of, year=year),
                          id="gantt-chart", className="gantt-graph"),
                    lg=9),
            dbc.Col([html.H2("Fechas inválidas", className="h5"), _invalid_list(view.activities)],
                    lg=3, className="invalid-dates"),
        ]),
    ])
