"""Metas: one gauge per activity (alcanzada vs programada), filters, and an activity's detail."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard import reprogramming as reprogrammed
from dashboard.components import (
    GRAPH_CONFIG,
    empty_state,
    graph,
    page_header,
    semaforo_badge,
    severity_badge,
)
from dashboard.figures import activity_year
from dashboard.figures import poa as figures
from dashboard.services import get_services
from dashboard.state import PageData, cached_figure, page_data, query_from_search
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS, ActivityView
from loaders.check.reprogramming import GoalHistory, shown_value
from loaders.store.reprogramming import activity_by_version
from loaders.text import is_numeric_text, month_name

dash.register_page(__name__, path="/metas", name="Metas", title="Metas — Tablero POA", order=1)

FILTER_SEMAFORO = "metas-filter-semaforo"
FILTER_EJE = "metas-filter-eje"
GRID = "metas-grid"
CARD = "metas-card"  # pattern-matching type: {"type": CARD, "n": 3}
DETAIL = "metas-detail"
DETAIL_BODY = "metas-detail-body"
COUNT = "metas-count"
REPROGRAMMED = "metas-reprogrammed"  # a card's reprogramaciones: {"type": REPROGRAMMED, "n": 3}
YEAR_CHART = "metas-year-chart"
CARD_MOTIVO_CHARS = 70  # a motivo in a card is cut to about this; the detail shows it whole
# A gauge is read, not explored: no toolbar, and never a button to an outside service.
GAUGE_CONFIG = {**GRAPH_CONFIG, "displayModeBar": False, "showSendToCloud": False,
                "showEditInChartStudio": False, "showLink": False}


def pct(value: float | None) -> str:
    """Every percentage on this page with one decimal ("30.0 %" beside "26.7 %"), the number and
    its sign never on two lines; "—" for none."""
    return "—" if value is None else figures.fmt_pct(value).replace(" %", "\u00a0%")


def _gauge_graph(data: PageData, a: ActivityView) -> dcc.Graph:
    """The activity's gauge (a plain dict, built once per version and fecha de corte), as
    `components.graph(..., mode_bar=False)` would show it."""
    spec = cached_figure(data, ("gauge", a), lambda: figures.gauge_spec(a))
    return dcc.Graph(figure=spec, config=GAUGE_CONFIG,
                     style={"height": f"{spec['layout']['height']}px"}, className="gauge-graph")


def _reprogrammed(items: list[GoalHistory], number: int) -> html.Div | None:
    """Under a gauge: the original goal beside the current one, one line per reprogrammed field
    ("Meta programada original 50, reprogramada a 30 el 15/06/2026: «…»")."""
    if not items:
        return None
    return html.Div([html.Div(h.short(CARD_MOTIVO_CHARS)) for h in items],
                    id={"type": REPROGRAMMED, "n": number}, className="reprogrammed-note")


def gauge_cards(data: PageData, activities: list[ActivityView]) -> list:
    if not activities:
        return [dbc.Alert("Ninguna actividad cumple el filtro.", color="secondary")]
    changed = reprogrammed.grouped(data)
    return [
        dbc.Col(
            html.Div(
                [
                    _gauge_graph(data, a),
                    html.Div(
                        [semaforo_badge(a.semaforo, a.status_label),
                         html.Span(
                             f" ⚠ Se declaró {pct(a.declared_pct)}; las cifras dan {pct(a.real_pct)}",
                             className="pct-warning ms-1") if a.pct_mismatch else None],
                        className="gauge-caption",
                    ),
                    _reprogrammed(changed.get(a.number, []), a.number),
                ],
                id={"type": CARD, "n": a.number},
                n_clicks=0,
                className="gauge-card",
                role="button",
                title="Ver el detalle de la actividad",
            ),
            xl=3, lg=4, md=6, className="mb-3",
        )
        for a in activities
    ]


def filtered(data: PageData, semaforos: list[str] | None, eje: str | None) -> list[ActivityView]:
    rows = list(data.view.activities)
    if semaforos:
        rows = [a for a in rows if (a.semaforo or "sin") in semaforos]
    if eje:
        rows = [a for a in rows if a.eje == eje]
    return rows


def detail(data: PageData, number: int) -> html.Div:
    activity = data.loaded.doc.activity(number)
    view = next((a for a in data.view.activities if a.number == number), None)
    if activity is None or view is None:
        return html.Div("Actividad no encontrada.")
    months = ", ".join(month_name(m) for m in activity.months_planned) or "ninguno marcado"
    changes = reprogrammed.grouped(data).get(number, [])
    originals = {h.field: h.original for h in changes}
    fields = [
        ("Actividad / proyecto", activity.name),
        ("Nombre en el cronograma", activity.name_cronograma or "—"),
        ("Eje estratégico", activity.eje or "—"),
        ("Línea estratégica", activity.linea_estrategica or "—"),
        ("Línea de acción", activity.linea_accion or "—"),
        ("Actividad específica", activity.actividad_especifica or "—"),
        ("Responsable", activity.responsable or "—"),
        ("Unidad de medida", activity.unit or "—"),
        ("Meta anual", _with_original(activity.goal, originals, "goal")),
        ("Meta programada", _with_original(activity.programmed, originals, "programmed")),
        ("Meta alcanzada", activity.achieved if activity.achieved is not None else "—"),
        ("% declarado", pct(activity.declared_pct)),
        ("% real (alcanzada / programada)", pct(view.real_pct)),
        ("% esperado a la fecha de corte", pct(view.expected_pct)),
        ("Inicio", _with_original(activity.start, originals, "start")),
        ("Fin", _with_original(activity.end, originals, "end")),
        ("Meses del cronograma", months),
    ]
    findings = [f for f in data.view.findings if f.activity == number]
    return html.Div([
        html.Div(semaforo_badge(view.semaforo, view.status_label), className="mb-2"),
        dbc.Table(html.Tbody([html.Tr([html.Th(k), html.Td(str(v))]) for k, v in fields]),
                  size="sm", bordered=False),
        _reprogrammings_detail(changes),
        # a number written as the unit (UNIT_NOT_A_UNIT) names nothing on the axis
        _year_section(data, number, "" if is_numeric_text(activity.unit) else activity.unit),
        html.H3("Hallazgos de esta actividad", className="h6"),
        html.Ul([html.Li([severity_badge(f.severity), f" {f.where} — {f.message}"])
                 for f in findings]) if findings else html.P("Sin hallazgos."),
    # the modal's body scrolls: the keyboard reaches it here (tabIndex) to scroll it
    ], id="metas-detail-content", tabIndex="0", role="region",
        **{"aria-label": f"Detalle de la actividad {number}"})


def _with_original(value, originals: dict, field: str) -> str:
    """The current value, and the original beside it when it was reprogrammed: "30 (original
    50)"."""
    text = "—" if value is None else shown_value(value)
    if field in originals and originals[field] != value:
        text += f" (original {shown_value(originals[field])})"
    return text


def _reprogrammings_detail(changes: list[GoalHistory]) -> html.Div | None:
    """Every reprogramación of the activity up to the version shown, with its whole motivo and
    who approved it."""
    if not changes:
        return None
    items = [html.Li([h.sentence, html.Br(),
                      html.Small("Aprobó: " + ", ".join(dict.fromkeys(
                          f"{s.approved_by} (versión {s.version_number})" for s in h.steps)),
                                 className="text-muted")])
             for h in changes]
    return html.Div([
        html.H3("Reprogramaciones", className="h6"),
        html.Ul(items, className="mb-1"),
        html.P(reprogrammed.SEMAFORO_NOTE, className="small text-muted"),
    ], id="metas-detail-reprogrammings")


def year_figure(data: PageData, number: int, unit: str = ""):
    """The activity's year (`figures.activity_year`): its versions up to the one shown."""
    def build():
        with Session(get_services().engine) as session:
            rows = activity_by_version(session, data.plan.id, number,
                                       data.loaded.version.number)
        year = data.plan.fiscal_year or data.selection.as_of.year
        return activity_year.activity_year(
            activity_year.points_of(rows),
            activity_year.marks_of(reprogrammed.histories(data), number), year=year, unit=unit)

    return cached_figure(data, ("activity_year", number, unit), build)


def _year_section(data: PageData, number: int, unit: str) -> html.Div:
    return html.Div([
        html.H3("El año de la actividad", className="h6"),
        html.P("Meta alcanzada en cada versión del POA (en su fecha de corte) contra lo que su "
               "calendario pedía en cada fecha; los rombos marcan las reprogramaciones.",
               className="small text-muted mb-1"),
        graph(year_figure(data, number, unit), mode_bar=False, id=YEAR_CHART),
    ], className="mb-3")


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    ejes = sorted({a.eje for a in data.view.activities if a.eje})
    semaforo_options = [
        {"label": f" {SEMAFORO_ICONS[s]} {SEMAFORO_WORDS[s]}", "value": s}
        for s in ("rojo", "amarillo", "verde")
    ]
    activities = list(data.view.activities)
    return html.Div([
        page_header("Metas: alcanzado contra programado", data),
        html.P(
            "Cada indicador muestra la meta alcanzada sobre la programada; la marca negra es lo "
            "que debería llevarse a la fecha de corte. Haga clic en una actividad para ver su "
            "detalle.", className="text-muted no-print"),
        _reprogrammed_note(data),
        dbc.Row([
            dbc.Col([html.Label("Semáforo", htmlFor=FILTER_SEMAFORO, className="fw-bold me-2"),
                     dbc.Checklist(id=FILTER_SEMAFORO, options=semaforo_options, value=[],
                                   inline=True)], md="auto"),
            dbc.Col([html.Label("Eje", htmlFor=FILTER_EJE, className="fw-bold me-2"),
                     # a native select: Dash's dropdown hides its focus target from screen readers
                     dbc.Select(id=FILTER_EJE, value="",
                                options=[{"label": "Todos los ejes", "value": ""}]
                                + [{"label": e, "value": e} for e in ejes])], md=4),
            dbc.Col(html.Div(f"{len(activities)} actividades", id=COUNT, className="pt-2"),
                    md="auto"),
        ], className="g-3 mb-3 align-items-center no-print"),
        dbc.Row(gauge_cards(data, activities), id=GRID),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(id=DETAIL + "-title")),
            dbc.ModalBody(id=DETAIL_BODY),
        ], id=DETAIL, size="lg", is_open=False, scrollable=True),
    ])


def _reprogrammed_note(data: PageData) -> html.P | None:
    """When goals or dates were reprogrammed: how many activities, and that the semáforo
    follows the current goal."""
    count = len(reprogrammed.grouped(data))
    if not count:
        return None
    which = ("1 actividad tiene su meta o sus fechas reprogramadas" if count == 1 else
             f"{count} actividades tienen su meta o sus fechas reprogramadas")
    return html.P(f"{which}: bajo su indicador se ve el valor original. "
                  + reprogrammed.SEMAFORO_NOTE, id="metas-reprogrammed-note",
                  className="alert alert-info py-2")


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.READ,
        Output(GRID, "children"),
        Output(COUNT, "children"),
        Input(FILTER_SEMAFORO, "value"),
        Input(FILTER_EJE, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def apply_filters(semaforos, eje, search):
        data = page_data(query_from_search(search))
        if data is None:
            return no_update, no_update
        rows = filtered(data, semaforos, eje)
        return gauge_cards(data, rows), f"{len(rows)} de {len(data.view.activities)} actividades"

    @auth.callback(
        app, auth.READ,
        Output(DETAIL, "is_open"),
        Output(DETAIL + "-title", "children"),
        Output(DETAIL_BODY, "children"),
        Input({"type": CARD, "n": ALL}, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def show_detail(clicks, search):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []):
            return no_update, no_update, no_update
        data = page_data(query_from_search(search))
        if data is None:
            return no_update, no_update, no_update
        number = int(trigger["n"])
        activity = data.loaded.doc.activity(number)
        title = f"Actividad {activity.title if activity else number}"
        return True, title, detail(data, number)
