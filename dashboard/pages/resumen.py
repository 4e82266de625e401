"""Resumen: is the plan on track? The index, semáforo counts, what needs attention, findings."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components import (
    GRAPH_CONFIG,
    SEVERITY_COLORS,
    SEVERITY_WORDS,
    empty_state,
    page_header,
    pct,
    semaforo_badge,
    stacked,
)
from dashboard.figures import poa as figures
from dashboard.report.data import report_file_name
from dashboard.report.routes import report_url
from dashboard.state import PageData, cached_figure, page_data
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.text import fmt_money

dash.register_page(__name__, path="/", name="Resumen", title="Resumen — Tablero POA", order=0)


def _kpi(title: str, value: str, note: str = "", *, id_: str | None = None) -> dbc.Col:
    body = [html.Div(title, className="kpi-title"), html.Div(value, className="kpi-value")]
    if note:
        body.append(html.Div(note, className="kpi-note"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="kpi h-100", id=id_ or ""), md=3, sm=6)


def _query(data: PageData) -> str:
    s = data.selection
    return "?" + urlencode({"poa": s.plan_id, "version": s.version_id, "corte": s.as_of})


def _counts_row(data: PageData) -> dbc.Row:
    view = data.view
    counts = view.counts
    cards = [
        _kpi(f"{SEMAFORO_ICONS[s]} {SEMAFORO_WORDS[s]}", str(counts.get(s, 0)), note,
             id_=f"count-{s}")
        for s, note in (("rojo", "en riesgo"), ("amarillo", "con retraso"), ("verde", "en tiempo"))
    ]
    concluded = sum(1 for a in view.activities if a.concluded)
    overdue = sum(1 for a in view.activities if a.overdue)
    cards.append(_kpi("Concluidas / vencidas", f"{concluded} / {overdue}",
                      "metas cumplidas / plazo terminado sin cumplir", id_="count-closed"))
    return dbc.Row(cards, className="g-3 mb-3")


def _attention_table(data: PageData) -> html.Div:
    rows = data.view.attention()
    if not rows:
        return dbc.Alert("Ninguna actividad requiere atención en esta fecha de corte.",
                         color="success")
    header = html.Thead(html.Tr([html.Th(h) for h in (
        "Nº", "Actividad", "Lleva", "Debería llevar", "Brecha", "Semáforo")]))
    body = html.Tbody([
        html.Tr([
            html.Td(a.label or a.number),
            html.Td(a.name),
            html.Td(f"{pct(a.real_pct)} ({a.achieved or 0} de {a.programmed or 0})"),
            html.Td(pct(a.expected_pct)),
            html.Td(pct(a.gap)),
            html.Td(semaforo_badge(a.semaforo, a.status_label)),
        ])
        for a in rows
    ])
    return stacked(dbc.Table([header, body], striped=True, hover=True, size="sm",
                             id="attention-table", className="align-middle"))


def _report_buttons(data: PageData) -> html.Div:
    """Links to the Informe para cabildo of the current selection, generated on the server."""
    s, plan = data.selection, data.plan
    links = [
        html.A(label, id=id_, className="btn btn-outline-primary btn-sm",
               href=dash.get_relative_path(report_url(s.plan_id, s.version_id, s.as_of, ext)),
               download=report_file_name(plan.area, plan.fiscal_year, s.as_of, ext))
        for label, id_, ext in (("Informe para cabildo (PDF)", "report-pdf", "pdf"),
                                ("Informe para cabildo (Excel)", "report-xlsx", "xlsx"))
    ]
    return html.Div(links, className="d-flex flex-wrap gap-2 mb-3 no-print",
                    id="report-buttons")


def _findings_summary(data: PageData) -> html.Div:
    counts = data.view.severity_counts
    href = dash.get_relative_path("/calidad") + _query(data)
    items = [
        dbc.ListGroupItem(
            [html.Span(SEVERITY_WORDS[s] + ("es" if s == "error" else "s")),
             dbc.Badge(str(counts.get(s, 0)), color=SEVERITY_COLORS[s], className="ms-2")],
            href=f"{href}&severidad={s}", action=True,
        )
        for s in ("error", "warning", "info")
    ]
    return html.Div([dbc.ListGroup(items, id="findings-summary", tag="div"),
                     dcc.Link("Ver todos los hallazgos en Calidad de datos", href=href,
                              className="d-block mt-2 no-print")])


def _graph(spec: dict, **kwargs) -> dcc.Graph:
    """`components.graph(..., mode_bar=False)` for a figure that is a plain dict."""
    return dcc.Graph(figure=spec, config={**GRAPH_CONFIG, "displayModeBar": False},
                     style={"height": f"{spec['layout']['height']}px"}, **kwargs)


def _semaforo_figure(data: PageData) -> dict:
    """The semáforo bar as a plain dict, built once per version and fecha de corte."""
    return cached_figure(data, "semaforo_bar", lambda: figures.semaforo_bar_spec(data.view.counts))


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    view = data.view
    index_note = f"{view.index_achieved} de {view.index_programmed} metas alcanzadas"
    return html.Div([
        page_header("Resumen del POA", data),
        _report_buttons(data),
        dbc.Row([
            _kpi("Índice de Eficiencia", pct(view.index_pct), index_note, id_="kpi-index"),
            _kpi("Índice esperado a la fecha", pct(view.expected_index_pct),
                 "si cada actividad llevara su calendario", id_="kpi-expected"),
            _kpi("Actividades", str(len(view.activities)), "en el POA", id_="kpi-activities"),
            _kpi("Presupuesto aprobado", fmt_money(view.budget_total), "total de las partidas",
                 id_="kpi-budget"),
        ], className="g-3 mb-3"),
        _counts_row(data),
        dbc.Row([
            dbc.Col([html.H2("Actividades que requieren atención", className="h4"),
                     _attention_table(data)], lg=8),
            dbc.Col([
                html.H2("Semáforo", className="h4"),
                _graph(_semaforo_figure(data), id="semaforo-chart"),
                html.H2("Hallazgos", className="h4 mt-3"),
                _findings_summary(data),
            ], lg=4),
        ]),
    ])
