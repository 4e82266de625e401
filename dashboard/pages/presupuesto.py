"""Presupuesto: the director's view of the partidas through every momento contable (EAEPE)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard.components import (
    date_input,
    empty_state,
    graph,
    page_header,
    pct,
    scroll_region,
    severity_badge,
    stacked,
)
from dashboard.figures import budget as budget_figures
from dashboard.services import get_services
from dashboard.state import PageData, page_data, query_from_search
from loaders.check.budget import check_movements, eaepe, even_calendar, monthly_cumulative
from loaders.errors import NotAPoaWorkbook, StorageUnavailable
from loaders.imports import import_spending
from loaders.model import MODIFICATIONS, MOMENTO_LABELS, MOMENTOS, Movement
from loaders.store.budget import (
    InvalidMovement,
    movements_of,
    save_movement,
    save_reversal,
    spending_imports_of,
)
from loaders.store.versions import AlreadyImported
from loaders.text import fmt_date, fmt_money

dash.register_page(__name__, path="/presupuesto", name="Presupuesto",
                   title="Presupuesto — Tablero POA", order=3.5)

BODY = "presupuesto-body"
MESSAGE = "presupuesto-message"
F_DATE, F_PARTIDA, F_CONCEPTO = "mov-fecha", "mov-partida", "mov-concepto"
F_MOMENTO, F_AMOUNT, F_SUBMIT = "mov-momento", "mov-importe", "mov-registrar"
REVERSE = "mov-revertir"  # pattern-matching type: {"type": REVERSE, "id": 12}
SPENDING_UPLOAD = "presupuesto-upload"
MONEY_COLUMNS = ("aprobado", "ampliaciones", "reducciones", "modificado", "comprometido",
                 "devengado", "ejercido", "pagado", "disponible")


def _money(value: float) -> str:
    return fmt_money(value)


def eaepe_table(rows, total) -> html.Div:
    head = ["Partida", "Nombre en el POA / clasificador", "Aprobado", "Ampliaciones",
            "(Reducciones)", "Modificado", "Comprometido", "Devengado", "Ejercido", "Pagado",
            "Disponible", "% ejercido"]

    def line(r, strong=False):
        cells = [html.Td(r.partida, className="text-nowrap"),
                 html.Td([r.name, html.Br(), html.Small(r.official_name or "", className="text-muted")]
                         if r.official_name and r.official_name != r.name else r.name)]
        for key in MONEY_COLUMNS:
            value = getattr(r, key)
            text = f"({_money(value)})" if key == "reducciones" and value else _money(value)
            cells.append(html.Td(text, className="text-end text-nowrap"))
        over = r.pct_ejercido is not None and r.pct_ejercido > 100
        cells.append(html.Td([pct(r.pct_ejercido), " ⚠ sobreejercido" if over else ""],
                             className="text-end text-nowrap" + (" text-danger fw-bold" if over
                                                                else "")))
        return html.Tr(cells, className="fw-bold table-secondary" if strong else "")

    return scroll_region(stacked(dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])),
         html.Tbody([line(r) for r in rows] + [line(total, strong=True)])],
        size="sm", striped=True, id="eaepe-table", className="align-middle",
    )), "Estado analítico del ejercicio del presupuesto de egresos")


def movements_table(movements: list[Movement], can_write: bool) -> html.Div:
    if not movements:
        return html.P("Aún no hay movimientos registrados.", className="text-muted")
    reversed_ids = {m.reverses for m in movements if m.reverses}
    rows = []
    for m in sorted(movements, key=lambda m: (m.date, m.id or 0), reverse=True)[:50]:
        can_reverse = can_write and m.id is not None and m.reverses is None and m.id not in reversed_ids
        rows.append(html.Tr([
            html.Td(fmt_date(m.date)), html.Td(m.partida), html.Td(m.concepto),
            html.Td(MOMENTO_LABELS.get(m.momento, m.momento)),
            html.Td(_money(m.amount), className="text-end text-nowrap"),
            html.Td(f"{m.created_by} · {m.created_at:%d/%m/%Y %H:%M}" if m.created_at else
                    m.created_by),
            html.Td("Reversa" if m.reverses else ("Revertido" if m.id in reversed_ids else "")),
            html.Td(dbc.Button("Revertir", id={"type": REVERSE, "id": m.id}, size="sm",
                               color="outline-danger") if can_reverse else None,
                    className="no-print"),
        ]))
    head = ("Fecha", "Partida", "Concepto", "Momento", "Importe", "Registró", "", "")
    return stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                             size="sm", striped=True, id="movements-table"))


def body(data: PageData, can_write: bool) -> html.Div:
    doc = data.loaded.doc
    with Session(get_services().engine) as session:
        movements = movements_of(session, data.plan.id)
        imports = spending_imports_of(session, data.plan.id)
    as_of = data.selection.as_of
    rows, total = eaepe(doc.budget, movements, as_of=as_of)
    year = data.plan.fiscal_year or as_of.year
    findings = check_movements(doc.budget, movements, fiscal_year=data.plan.fiscal_year)
    spent = monthly_cumulative(movements, year=year, as_of=as_of)
    return html.Div([
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([html.Div("Aprobado", className="kpi-title"),
                                           html.Div(_money(total.aprobado), className="kpi-value",
                                                    id="budget-approved")]), className="kpi"),
                    md=3),
            dbc.Col(dbc.Card(dbc.CardBody([html.Div("Modificado", className="kpi-title"),
                                           html.Div(_money(total.modificado),
                                                    className="kpi-value")]), className="kpi"),
                    md=3),
            dbc.Col(dbc.Card(dbc.CardBody([html.Div("Ejercido", className="kpi-title"),
                                           html.Div(_money(total.ejercido), className="kpi-value",
                                                    id="budget-ejercido"),
                                           html.Div(f"{pct(total.pct_ejercido)} del modificado",
                                                    className="kpi-note")]), className="kpi"),
                    md=3),
            dbc.Col(dbc.Card(dbc.CardBody([html.Div("Disponible", className="kpi-title"),
                                           html.Div(_money(total.disponible),
                                                    className="kpi-value")]), className="kpi"),
                    md=3),
        ], className="g-3 mb-3"),
        html.H2("Estado analítico del ejercicio del presupuesto de egresos", className="h4"),
        eaepe_table(rows, total),
        dbc.Row([
            dbc.Col([html.H3("Por partida", className="h6"),
                     graph(budget_figures.by_partida(rows), id="budget-by-partida")], lg=6),
            dbc.Col([html.H3("Ejercido acumulado contra el calendario", className="h6"),
                     graph(budget_figures.cumulative(spent, even_calendar(total.modificado),
                                                     year=year, as_of=as_of),
                           id="budget-cumulative")], lg=6),
        ]),
        html.H3("Capítulo → concepto → partida (clic para bajar de nivel)", className="h6"),
        graph(budget_figures.drilldown(rows), id="budget-drilldown"),
        html.H2("Hallazgos del presupuesto", className="h4 mt-3"),
        html.Ul([html.Li([severity_badge(f.severity), f" {f.code}: {f.message}"])
                 for f in findings], id="budget-findings") if findings else
        html.P("Sin hallazgos.", id="budget-findings"),
        html.H2("Movimientos", className="h4 mt-3"),
        html.P("Cuentan los movimientos del libro de ejercicio más reciente más los registrados "
               "en el formulario.", className="text-muted"),
        movements_table(movements, can_write),
        html.H2("Libros de ejercicio cargados", className="h5 mt-3"),
        imports_table(imports),
    ])


def imports_table(imports) -> html.Div:
    if not imports:
        return html.P("Ninguno.", className="text-muted")
    rows = [
        html.Tr([html.Td(i.label), html.Td(i.uploaded_by), html.Td(i.file_name),
                 html.Td(html.Code(i.sha256[:12])), html.Td(i.movements),
                 html.Td(len(i.findings))])
        for i in reversed(imports)
    ]
    head = ("Versión", "Cargó", "Archivo", "SHA-256", "Movimientos", "Hallazgos")
    return stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                             size="sm", striped=True, id="spending-imports"))


def movement_form(data: PageData) -> dbc.Card:
    partidas = [{"label": f"{b.partida} {b.name}", "value": b.partida} for b in data.loaded.doc.budget]
    momentos = [{"label": MOMENTO_LABELS[m], "value": m} for m in (*MOMENTOS, *MODIFICATIONS)]
    return dbc.Card(dbc.CardBody([
        html.H2("Registrar un movimiento", className="h5"),
        dbc.Row([
            dbc.Col([dbc.Label("Fecha", html_for=F_DATE),
                     date_input(F_DATE, data.selection.as_of.isoformat())], md=2),
            dbc.Col([dbc.Label("Partida", html_for=F_PARTIDA),
                     dbc.Input(id=F_PARTIDA, list="partidas-list", placeholder="2111"),
                     html.Datalist([html.Option(value=o["value"], label=o["label"])
                                    for o in partidas], id="partidas-list")], md=2),
            dbc.Col([dbc.Label("Concepto", html_for=F_CONCEPTO),
                     dbc.Input(id=F_CONCEPTO, placeholder="Factura 123, papelería",
                               maxLength=500)], md=3),
            dbc.Col([dbc.Label("Momento", html_for=F_MOMENTO),
                     dbc.Select(id=F_MOMENTO, options=momentos, value="comprometido")], md=2),
            dbc.Col([dbc.Label("Importe ($)", html_for=F_AMOUNT),
                     dbc.Input(id=F_AMOUNT, type="number", step=0.01)], md=2),
            dbc.Col([dbc.Label("Registra"),
                     html.Div(auth.who(), className="form-control-plaintext",
                              id="mov-usuario")], md=1),
        ], className="g-2"),
        dbc.Button("Registrar movimiento", id=F_SUBMIT, color="primary", className="mt-2"),
        html.P("Una corrección se hace con «Revertir» en la lista de movimientos: nunca se edita "
               "un movimiento ya registrado.", className="form-text mb-0 mt-2"),
        html.Hr(),
        dcc.Upload(id=SPENDING_UPLOAD, children=html.Div(
            ["Cargar un libro de ejercicio del presupuesto (.xlsx, .xls u .ods): arrastre aquí o ",
             html.A("elíjalo", href="#")]), className="upload-zone py-3",
            accept=".xlsx,.xls,.ods"),
    ]), className="mb-3 no-print")


def read_only_note() -> dbc.Alert:
    if auth.current_user() is None:
        text = [auth.refusal_text(auth.BUDGET), " ",
                html.A("Ingresar", href=dash.get_relative_path(auth.LOGIN_PATH),
                       className="alert-link")]
    else:
        text = ["Su cuenta solo puede consultar este presupuesto: registran movimientos la "
                "dirección del área y la administración."]
    return dbc.Alert(text, color="light", id="budget-read-only", className="no-print")


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    can_write = auth.may_record_budget(data.plan.id)
    return html.Div([
        page_header("Presupuesto: ejercicio por partida", data),
        movement_form(data) if can_write else read_only_note(),
        dcc.Loading(html.Div(id=MESSAGE)),
        html.Div(body(data, can_write), id=BODY),
    ])


NOT_THIS_POA = ("El POA que indica la dirección de la página no existe o no es el que se muestra; "
                "no se guardó nada. Vuelva a abrir la página desde el menú.")


def write_data(search: str | None):
    """The page's data for a write, or a refusal when the address names a POA (`?poa=`) that is
    not the one the data resolves to: a write never falls back to another POA."""
    query = query_from_search(search)
    data = page_data(query)
    asked = query.get("poa")
    if data is not None and asked not in (None, "") and str(asked) != str(data.plan.id):
        return None, dbc.Alert(NOT_THIS_POA, color="danger", id="movement-error")
    return data, None


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.BUDGET,
        Output(MESSAGE, "children"),
        Output(BODY, "children"),
        Input(F_SUBMIT, "n_clicks"),
        State(F_DATE, "value"), State(F_PARTIDA, "value"), State(F_CONCEPTO, "value"),
        State(F_MOMENTO, "value"), State(F_AMOUNT, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def register_movement(n_clicks, day, partida, concepto, momento, amount, search):
        data, refused = write_data(search)
        if refused is not None:
            return refused, no_update
        if not n_clicks or data is None:
            return no_update, no_update
        auth.require_budget(data.plan.id)
        try:
            when = date.fromisoformat(str(day)[:10])
            value = float(amount)
        except (TypeError, ValueError):
            return dbc.Alert("Indique la fecha y el importe.", color="danger",
                             id="movement-error"), no_update
        movement = Movement(date=when, partida=str(partida or "").strip(),
                            concepto=str(concepto or "").strip()[:500], momento=momento or "",
                            amount=value)
        try:
            # add_movement validates against the plan's budget and year, and audits the entry.
            save_movement(get_services().engine, data.plan.id, movement, user=auth.who(),
                          remote_addr=auth.remote_addr())
        except InvalidMovement as exc:
            return dbc.Alert([html.Strong("No se registró el movimiento: "),
                              html.Ul([html.Li(r) for r in exc.reasons])],
                             color="danger", id="movement-error"), no_update
        except StorageUnavailable as exc:
            return dbc.Alert(exc.message, color="warning", id="movement-error"), no_update
        return dbc.Alert(f"Registrado: {MOMENTO_LABELS.get(momento, momento)} de "
                         f"{fmt_money(value)} en la partida {movement.partida}.",
                         color="success", id="movement-saved"), body(data, True)

    @auth.callback(
        app, auth.BUDGET,
        Output(MESSAGE, "children", allow_duplicate=True),
        Output(BODY, "children", allow_duplicate=True),
        Input({"type": REVERSE, "id": ALL}, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def reverse(clicks, search):
        trigger = ctx.triggered_id
        data, refused = write_data(search)
        if refused is not None:
            return refused, no_update
        if not trigger or not any(clicks or []) or data is None:
            return no_update, no_update
        auth.require_budget(data.plan.id)
        try:
            # The id comes from the client: the movement must be of the POA on the page.
            save_reversal(get_services().engine, int(trigger["id"]), user=auth.who(),
                          on=min(data.selection.as_of, date.today()),
                          remote_addr=auth.remote_addr(), plan_id=data.plan.id)
        except ValueError as exc:
            return dbc.Alert(str(exc), color="warning", id="movement-error"), no_update
        except StorageUnavailable as exc:
            return dbc.Alert(exc.message, color="warning", id="movement-error"), no_update
        return dbc.Alert("Movimiento revertido con un movimiento de reversa.", color="success",
                         id="movement-saved"), body(data, True)

    @auth.callback(
        app, auth.BUDGET,
        Output(MESSAGE, "children", allow_duplicate=True),
        Output(BODY, "children", allow_duplicate=True),
        Input(SPENDING_UPLOAD, "contents"),
        State(SPENDING_UPLOAD, "filename"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def upload_spending(contents, filename, search):
        data, refused = write_data(search)
        if refused is not None:
            return refused, no_update
        if not contents or data is None:
            return no_update, no_update
        auth.require_budget(data.plan.id)
        try:
            raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
            _, findings = import_spending(get_services().engine, data.plan.id, raw,
                                          get_services().settings,
                                          file_name=filename or "ejercicio.xlsx",
                                          uploaded_by=auth.who(), remote_addr=auth.remote_addr())
        except (IndexError, binascii.Error, ValueError):
            return dbc.Alert("El archivo llegó dañado; vuelva a cargarlo.", color="danger",
                             id="movement-error"), no_update
        except NotAPoaWorkbook as exc:
            auth.audit("spending_refused", f"{filename}: {exc.message} (POA {data.plan.id})")
            return dbc.Alert(exc.message, color="danger", id="movement-error"), no_update
        except AlreadyImported as exc:
            return dbc.Alert(str(exc), color="warning", id="movement-error"), no_update
        except StorageUnavailable as exc:
            return dbc.Alert(exc.message, color="warning", id="movement-error"), no_update
        return dbc.Alert(f"Libro de ejercicio cargado con {len(findings)} hallazgos "
                         f"({datetime.now():%d/%m/%Y %H:%M}).", color="success",
                         id="movement-saved"), body(data, True)
