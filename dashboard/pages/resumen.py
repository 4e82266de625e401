"""Resumen: is the plan on track? One sentence with the message, the index against the expected,
the budget's execution, semáforo counts, what needs attention, findings and what changed since the
previous version. Prints on at most two letter pages (rules in assets/resumen.css)."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from sqlalchemy.orm import Session

from dashboard import followup, summary
from dashboard import reprogramming as reprogrammed
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
from dashboard.services import get_services
from dashboard.state import PageData, cached_figure, page_data
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.check.diff import compare
from loaders.store.budget import movements_of
from loaders.store.queries import load_version
from loaders.text import fmt_money

dash.register_page(__name__, path="/", name="Resumen", title="Resumen — Tablero POA", order=0)

# The semáforo chart is redrawn this wide (CSS px) for paper, half the letter page's width
# (assets/print_charts.js; the print column in assets/resumen.css is as wide).
SEMAFORO_PRINT_WIDTH = 330


def _kpi(title: str, value: str, note: str = "", *, id_: str | None = None) -> dbc.Col:
    body = [html.Div(title, className="kpi-title"), html.Div(value, className="kpi-value")]
    if note:
        body.append(html.Div(note, className="kpi-note"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="kpi h-100", id=id_ or ""), md=3, sm=6)


def _query(data: PageData) -> str:
    s = data.selection
    return "?" + urlencode({"poa": s.plan_id, "version": s.version_id, "corte": s.as_of})


def _message(data: PageData) -> html.P:
    return html.P(summary.progress_sentence(data.view), id="resumen-message",
                  className="resumen-message")


def _budget_card(data: PageData, ex: summary.BudgetExecution) -> dbc.Col:
    href = dash.get_relative_path("/presupuesto") + _query(data)
    if ex.partidas == 0:
        body = [html.Div("Presupuesto aprobado", className="kpi-title"),
                html.Div("Sin presupuesto en el POA", className="kpi-note")]
    else:
        over = bool(ex.overspent)
        body = [
            html.Div([
                html.Div([html.Div("Presupuesto aprobado", className="kpi-title"),
                          html.Div(fmt_money(ex.aprobado), className="kpi-value",
                                   id="budget-approved-total"),
                          html.Div("total de las partidas", className="kpi-note")]),
                html.Div([html.Div("Ejercido del modificado", className="kpi-title"),
                          html.Div(summary.keep_together(pct(ex.pct_ejercido)),
                                   className="kpi-value", id="budget-pct-ejercido"),
                          html.Div(summary.execution_text(ex), className="kpi-note",
                                   id="budget-execution")]),
            ], className="budget-figures"),
            html.Div([("⚠ " if over else "") + summary.overspent_text(ex)],
                     className="budget-overspent" + (" text-danger fw-bold" if over else ""),
                     id="budget-overspent"),
            dcc.Link("Ver el presupuesto por partida", href=href,
                     className="d-inline-block mt-1 no-print"),
        ]
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="kpi h-100", id="kpi-budget"), md=6)


def _counts_row(data: PageData) -> dbc.Row:
    view = data.view
    counts = view.counts
    cards = [
        _kpi(f"{SEMAFORO_ICONS[s]} {SEMAFORO_WORDS[s]}", str(counts.get(s, 0)), note,
             id_=f"count-{s}")
        for s, note in (("rojo", "en riesgo"), ("amarillo", "con retraso"), ("verde", "en tiempo"))
    ]
    concluded = summary.concluded_count(view.activities)
    overdue = summary.overdue_count(view.activities)
    cards.append(_kpi("Concluidas / vencidas", f"{concluded} / {overdue}",
                      "metas cumplidas / plazo terminado sin cumplir", id_="count-closed"))
    return dbc.Row(cards, className="g-3 mb-3 kpi-row")


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
            html.Td(summary.progress_text(a.real_pct, a.achieved, a.programmed),
                    className="text-nowrap"),
            html.Td(summary.keep_together(pct(a.expected_pct)), className="text-nowrap"),
            html.Td(summary.fmt_gap(summary.gap_points(a.real_pct, a.expected_pct)),
                    className="text-nowrap"),
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
                     followup.resumen_line(data),  # «3 hallazgos corregidos, 2 nuevos…»
                     dcc.Link("Ver todos los hallazgos en Calidad de datos", href=href,
                              className="d-block mt-2 no-print")])


def _changes(data: PageData, changes: summary.ChangeList, heading: str) -> html.Section:
    href = dash.get_relative_path("/historial") + _query(data)
    body: list = [html.P(changes.summary + ("." if changes.first else ""),
                         id="changes-summary", className="mb-1")]
    if changes.lines:
        body.append(html.Ul([html.Li(line) for line in changes.lines], id="changes-list",
                            className="changes-list mb-1"))
    if changes.more:
        body.append(dcc.Link(changes.more_text + " en Historial", href=href, id="changes-more"))
    return html.Section([html.H2(heading, className="h4 mt-3"), *body],
                        className="resumen-section resumen-changes", id="resumen-changes")


RESUMEN_REPROGRAMMINGS = 5  # listed here; the rest in Historial
RESUMEN_MOTIVO_CHARS = 80


def _reprogrammings(data: PageData) -> html.Section | None:
    """«Reprogramaciones»: each reprogrammed goal or date up to the version shown, its original
    beside its current value (nothing when there are none)."""
    items = reprogrammed.histories(data)
    if not items:
        return None
    shown = items[:RESUMEN_REPROGRAMMINGS]
    body: list = [html.Ul([
        html.Li([html.Strong(reprogrammed.activity_heading(data, h.activity) + ": "),
                 h.short(RESUMEN_MOTIVO_CHARS)]) for h in shown
    ], id="resumen-reprogrammings-list", className="changes-list reprogramming-list mb-1")]
    if len(items) > len(shown):
        body.append(dcc.Link(f"Ver las {len(items)} reprogramaciones en Historial",
                             href=dash.get_relative_path("/historial") + _query(data),
                             className="no-print"))
    body.append(html.P(reprogrammed.SEMAFORO_NOTE, className="small text-muted mb-0"))
    return html.Section([html.H2(f"Reprogramaciones ({len(items)})", className="h4 mt-3"), *body],
                        className="resumen-section resumen-reprogrammings",
                        id="resumen-reprogrammings")


def _graph(spec: dict, **kwargs) -> dcc.Graph:
    """`components.graph(..., mode_bar=False)` for a figure that is a plain dict."""
    return dcc.Graph(figure=spec, config={**GRAPH_CONFIG, "displayModeBar": False},
                     style={"height": f"{spec['layout']['height']}px"}, **kwargs)


def _semaforo_figure(data: PageData) -> dict:
    """The semáforo bar as a plain dict, built once per version and fecha de corte."""
    return cached_figure(data, "semaforo_bar", lambda: figures.semaforo_bar_spec(data.view.counts))


def _version_changes(data: PageData) -> tuple[summary.ChangeList, str]:
    """What changed from the previous version of the POA to the one shown (built once per
    version and fecha de corte: both versions never change)."""
    previous = summary.previous_version(data.versions, data.selection.version_id)
    if previous is None:
        return summary.change_list(None), summary.changes_heading(None, None)

    def build() -> summary.ChangeList:
        with Session(get_services().engine) as session:
            before = load_version(session, previous.id)
        return summary.change_list(compare(before.doc if before else None, data.loaded.doc))

    changes = cached_figure(data, ("changes_since", previous.id), build)
    return changes, summary.changes_heading(previous.number, previous.uploaded_at.date())


def _budget(data: PageData) -> summary.BudgetExecution:
    with Session(get_services().engine) as session:
        movements = movements_of(session, data.plan.id)
    return summary.budget_execution(data.loaded.doc.budget, movements, data.selection.as_of)


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    view = data.view
    index_note = f"{view.index_achieved} de {view.index_programmed} metas alcanzadas"
    gap = summary.fmt_gap(summary.gap_points(view.index_pct, view.expected_index_pct))
    changes, changes_heading = _version_changes(data)
    attention = len(view.attention())
    return html.Div([
        page_header("Resumen del POA", data),
        _report_buttons(data),
        _message(data),
        dbc.Row([
            _kpi("Índice de Eficiencia", summary.keep_together(pct(view.index_pct)), index_note,
                 id_="kpi-index"),
            _kpi("Índice esperado a la fecha", summary.keep_together(pct(view.expected_index_pct)),
                 f"si cada actividad llevara su calendario; brecha: {gap}", id_="kpi-expected"),
            _budget_card(data, _budget(data)),
        ], className="g-3 mb-3 kpi-row"),
        _counts_row(data),
        dbc.Row([
            dbc.Col(html.Section([
                html.H2(f"Actividades que requieren atención ({attention} de "
                        f"{len(view.activities)})", className="h4"),
                _attention_table(data),
            ], className="resumen-attention"), lg=8),
            dbc.Col(html.Div([
                html.Section([
                    html.H2("Semáforo", className="h4"),
                    html.Div(_graph(_semaforo_figure(data), id="semaforo-chart"),
                             className="print-chart",
                             **{"data-print-width": str(SEMAFORO_PRINT_WIDTH)}),
                ], className="resumen-section resumen-semaforo", id="resumen-semaforo"),
                html.Section([
                    html.H2("Hallazgos", className="h4 mt-3"),
                    _findings_summary(data),
                ], className="resumen-section resumen-findings"),
                _changes(data, changes, changes_heading),
                _reprogrammings(data),
            ], className="resumen-aside"), lg=4),
        ]),
    ], className="resumen-page")
