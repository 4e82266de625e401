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
    empty_state,
    graph,
    page_header,
    pct,
    scroll_region,
    severity_badge,
    stacked,
)
from dashboard.dates import date_input
from dashboard.figures import budget as budget_figures
from dashboard.services import get_services
from dashboard.state import PageData, page_data, query_from_search
from loaders.check.budget import (
    TOTAL,
    check_movements,
    eaepe,
    even_calendar,
    monthly_cumulative,
)
from loaders.codes import BUDGET_CODE_TITLES, CODE_TITLES
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
MOVEMENTS = "presupuesto-movements"
FORM_MESSAGE = "presupuesto-message"  # under the «Registrar movimiento» button
UPLOAD_MESSAGE = "presupuesto-message-upload"  # under the upload zone
REVERSE_MESSAGE = "presupuesto-message-reversal"  # above the movements table
SCROLL_DUMMY = "presupuesto-scroll"
F_DATE, F_PARTIDA, F_CONCEPTO = "mov-fecha", "mov-partida", "mov-concepto"
F_MOMENTO, F_AMOUNT, F_SUBMIT = "mov-momento", "mov-importe", "mov-registrar"
REVERSE = "mov-revertir"  # pattern-matching type: {"type": REVERSE, "id": 12}
SPENDING_UPLOAD = "presupuesto-upload"
DEFAULT_MOMENTO = "comprometido"
OVERSPENT_WORD = budget_figures.OVERSPENT_WORD
# The EAEPE as the CONAC publishes it (Formato del Estado Analítico del Ejercicio del Presupuesto
# de Egresos), then the director's working columns, apart under «Control interno».
OFFICIAL_COLUMNS = (("aprobado", "Aprobado"),
                    ("ampliaciones_netas", "Ampliaciones/ (Reducciones)"),
                    ("modificado", "Modificado"), ("devengado", "Devengado"),
                    ("pagado", "Pagado"), ("subejercicio", "Subejercicio"))
CONTROL_COLUMNS = (("comprometido", "Comprometido"), ("ejercido", "Ejercido"),
                   ("disponible", "Disponible"))
OFFICIAL_GROUP = "Formato CONAC (EAEPE)"
CONTROL_GROUP = "Control interno"


def _money(value: float) -> str:
    return fmt_money(value)


def signed_money(value: float) -> str:
    """An EAEPE amount; a negative one in parentheses, as the CONAC writes it: «($3,000.00)»."""
    return f"({fmt_money(-value)})" if value < 0 else fmt_money(value)


def overspent_note(r) -> html.Div:
    """The word beside the colour: «⚠ Sobregirada: excede por $4,000.00»."""
    return html.Div([html.Strong(f"⚠ {OVERSPENT_WORD}"), f": excede por {_money(r.excess)}"],
                     className="eaepe-overspent-note")


def _name_cell(r) -> html.Td:
    parts: list = [r.name]
    if r.official_name and r.official_name != r.name:
        parts += [html.Br(), html.Small(r.official_name, className="text-muted")]
    if r.overspent and not r.is_total:
        parts.append(overspent_note(r))
    return html.Td(parts, className="eaepe-name", **{"data-label": "Nombre"})


def _amount_cell(r, key: str, label: str, *, control: bool, first: bool) -> html.Td:
    value = getattr(r, key)
    text = signed_money(value)
    classes = ["text-end", "text-nowrap"]
    if control:
        classes.append("eaepe-control")
    if first:
        classes.append("eaepe-control-start")
    if value < 0 and key in ("subejercicio", "disponible"):
        classes.append("eaepe-negative")
    suffix = " (control interno)" if control else ""
    return html.Td(text, className=" ".join(classes), **{"data-label": label + suffix})


def eaepe_table(rows, total) -> html.Div:
    """The EAEPE by partida with its totals row: the CONAC's columns first, then «Control
    interno». An overspent partida's row is red, says «⚠ Sobregirada» and by how much."""
    def line(r, strong=False):
        cells = [html.Td(r.partida if not r.is_total else "Total", className="text-nowrap",
                         **{"data-label": "Partida"}),
                 _name_cell(r) if not r.is_total else html.Td("", className="eaepe-name")]
        for key, label in OFFICIAL_COLUMNS:
            cells.append(_amount_cell(r, key, label, control=False, first=False))
        for i, (key, label) in enumerate(CONTROL_COLUMNS):
            cells.append(_amount_cell(r, key, label, control=True, first=i == 0))
        over = r.overspent
        cells.append(html.Td(
            [pct(r.pct_ejercido), *([html.Br(), html.Span("⚠ " + OVERSPENT_WORD)] if over else [])],
            className="text-end text-nowrap eaepe-control" + (" eaepe-negative" if over else ""),
            **{"data-label": "% ejercido (control interno)"}))
        classes = []
        if strong:
            classes.append("fw-bold table-secondary eaepe-total")
        elif over:
            classes.append("table-danger eaepe-overspent")
        return html.Tr(cells, className=" ".join(classes), id=f"eaepe-row-{r.partida}")

    groups = html.Tr([
        html.Th("", colSpan=2, className="eaepe-group-blank"),
        html.Th(OFFICIAL_GROUP, colSpan=len(OFFICIAL_COLUMNS), scope="colgroup",
                className="eaepe-group eaepe-group-official"),
        html.Th(CONTROL_GROUP, colSpan=len(CONTROL_COLUMNS) + 1, scope="colgroup",
                className="eaepe-group eaepe-group-control eaepe-control-start"),
    ])
    heads = html.Tr(
        [html.Th("Partida", scope="col"),
         html.Th("Nombre en el POA / clasificador", scope="col", className="eaepe-name")]
        + [html.Th(label, scope="col", className="text-end") for _, label in OFFICIAL_COLUMNS]
        + [html.Th(label, scope="col",
                   className="text-end" + (" eaepe-control-start" if i == 0 else ""))
           for i, (_, label) in enumerate(CONTROL_COLUMNS)]
        + [html.Th("% ejercido", scope="col", className="text-end")]
    )
    table = dbc.Table(
        [html.Thead([groups, heads]),
         html.Tbody([line(r) for r in rows] + [line(total, strong=True)])],
        size="sm", striped=True, id="eaepe-table", className="align-middle table-stack",
    )
    return scroll_region(table, "Estado analítico del ejercicio del presupuesto de egresos",
                         id="eaepe-region")


def _card(title: str, value: str, *, value_id: str | None = None, note=None,
          class_name: str = "") -> dbc.Col:
    body = [html.Div(title, className="kpi-title"),
            html.Div(value, className="kpi-value", **({"id": value_id} if value_id else {}))]
    if note is not None:
        body.append(html.Div(note, className="kpi-note"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className=f"kpi h-100 {class_name}".strip()),
                   xs=12, sm=6, lg=True)


def overspent_card(rows) -> dbc.Col:
    over = [r for r in rows if r.overspent]
    if not over:
        return _card("Partidas sobregiradas", "Ninguna", value_id="budget-overspent",
                     note="Ninguna partida ejerce más que su modificado.")
    note = [html.Div([html.Strong(f"⚠ {r.partida}"),
                      f" {pct(r.pct_ejercido)}, excede {_money(r.excess)}"])
            for r in over]
    return _card("Partidas sobregiradas", f"{len(over)} de {len(rows)}",
                 value_id="budget-overspent", note=note, class_name="kpi-overspent")


def kpi_cards(rows, total) -> dbc.Row:
    return dbc.Row([
        _card("Aprobado", _money(total.aprobado), value_id="budget-approved"),
        _card("Modificado", _money(total.modificado), value_id="budget-modified"),
        _card("Ejercido", _money(total.ejercido), value_id="budget-ejercido",
              note=f"{pct(total.pct_ejercido)} del modificado"),
        _card("Disponible", _money(total.disponible), value_id="budget-disponible",
              note="modificado − comprometido",
              class_name="kpi-overspent" if total.disponible < 0 else ""),
        overspent_card(rows),
    ], className="g-3 mb-3 budget-kpis")


def finding_item(f) -> html.Li:
    title = BUDGET_CODE_TITLES.get(f.code) or CODE_TITLES.get(f.code) or f.code
    return html.Li([severity_badge(f.severity), " ", html.Strong(title), ": ", f.message, " ",
                    html.Small(f.code, className="text-muted finding-code")])


def body(data: PageData, movements: list[Movement]) -> html.Div:
    doc = data.loaded.doc
    as_of = data.selection.as_of
    rows, total = eaepe(doc.budget, movements, as_of=as_of)
    year = data.plan.fiscal_year or as_of.year
    findings = check_movements(doc.budget, movements, fiscal_year=data.plan.fiscal_year)
    spent = monthly_cumulative(movements, year=year, as_of=as_of)
    return html.Div([
        kpi_cards(rows, total),
        html.H2("Estado analítico del ejercicio del presupuesto de egresos", className="h4"),
        html.P(["Las columnas del ", html.Strong(OFFICIAL_GROUP), " son las que publica el CONAC "
                "(subejercicio = modificado − devengado); las de ", html.Strong(CONTROL_GROUP),
                " son de trabajo de la dirección (disponible = modificado − comprometido; "
                "% ejercido = ejercido / modificado)."], className="form-text"),
        eaepe_table(rows, total),
        dbc.Row([
            dbc.Col([html.H3("Por partida", className="h6"),
                     graph(budget_figures.by_partida(rows), id="budget-by-partida")], lg=6),
            dbc.Col([html.H3("Ejercido acumulado contra el calendario", className="h6"),
                     graph(budget_figures.cumulative(spent, even_calendar(total.modificado),
                                                     year=year, as_of=as_of),
                           id="budget-cumulative")], lg=6),
        ], className="mt-2"),
        html.H3("Capítulo → concepto → partida (clic en un recuadro para acercarse)",
                className="h6 mt-2"),
        graph(budget_figures.drilldown(rows), id="budget-drilldown"),
        html.H2("Hallazgos del presupuesto", className="h4 mt-3"),
        html.Ul([finding_item(f) for f in findings], id="budget-findings") if findings else
        html.P("Sin hallazgos.", id="budget-findings"),
    ])


def movements_part(movements: list[Movement], imports, can_write: bool) -> html.Div:
    return html.Div([
        movements_table(movements, can_write),
        html.H2("Libros de ejercicio cargados", className="h5 mt-3"),
        imports_table(imports),
    ])


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


def refreshed(data: PageData, can_write: bool) -> tuple[html.Div, html.Div]:
    """The page's two data parts, read again: the EAEPE and its figures, and the movements."""
    with Session(get_services().engine) as session:
        movements = movements_of(session, data.plan.id)
        imports = spending_imports_of(session, data.plan.id)
    return body(data, movements), movements_part(movements, imports, can_write)


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


def partida_options(budget) -> list[dict]:
    """The POA's partidas, in its order, for the form's select: «3761 — Viáticos…»."""
    seen: dict[str, str] = {}
    for line in budget:
        code = (line.partida or "").strip()
        if code and code.upper() != TOTAL and code not in seen:
            seen[code] = line.name or ""
    return [{"label": f"{code} — {name}" if name else code, "value": code}
            for code, name in seen.items()]


def movement_form(data: PageData) -> dbc.Card:
    momentos = [{"label": MOMENTO_LABELS[m], "value": m} for m in (*MOMENTOS, *MODIFICATIONS)]
    return dbc.Card(dbc.CardBody([
        html.H2("Registrar un movimiento", className="h5"),
        dbc.Row([
            dbc.Col([dbc.Label("Fecha", html_for=F_DATE),
                     date_input(F_DATE, data.selection.as_of.isoformat())], md=6, lg=2),
            dbc.Col([dbc.Label("Partida", html_for=F_PARTIDA),
                     dbc.Select(id=F_PARTIDA, options=partida_options(data.loaded.doc.budget),
                                value="", placeholder="Elija la partida")], md=6, lg=3),
            dbc.Col([dbc.Label("Concepto", html_for=F_CONCEPTO),
                     dbc.Input(id=F_CONCEPTO, placeholder="Factura 123, papelería",
                               maxLength=500)], md=6, lg=3),
            dbc.Col([dbc.Label("Momento", html_for=F_MOMENTO),
                     dbc.Select(id=F_MOMENTO, options=momentos, value=DEFAULT_MOMENTO)],
                    md=3, lg=2),
            dbc.Col([dbc.Label("Importe ($)", html_for=F_AMOUNT),
                     dbc.Input(id=F_AMOUNT, type="number", step=0.01)], md=3, lg=2),
        ], className="g-2"),
        html.Div([
            dbc.Button("Registrar movimiento", id=F_SUBMIT, color="primary"),
            html.Span(["Registra: ", html.Strong(auth.who(), id="mov-usuario")],
                      className="text-muted"),
        ], className="d-flex flex-wrap align-items-center gap-3 mt-2"),
        dcc.Loading(html.Div(id=FORM_MESSAGE, className="mt-2"),
                    type="default"),
        html.P("Una corrección se hace con «Revertir» en la lista de movimientos: nunca se edita "
               "un movimiento ya registrado.", className="form-text mb-0 mt-2"),
        html.Hr(),
        # The visible label around the zone names its file input (dcc.Upload has no label of its
        # own); the zone's own click is off, so a click opens one dialog, the label's.
        html.Label([
            html.Span("Libro de ejercicio del presupuesto (.xlsx, .xls u .ods)",
                      className="form-label d-block fw-semibold"),
            dcc.Upload(id=SPENDING_UPLOAD, children=html.Div(
                ["Arrastre aquí el libro de ejercicio o ",
                 html.Span("elíjalo en su equipo", className="link-like")]),
                className="upload-zone py-3", accept=".xlsx,.xls,.ods", multiple=False,
                disable_click=True),
        ], className="d-block mb-0", id="presupuesto-upload-label"),
        dcc.Loading(html.Div(id=UPLOAD_MESSAGE, className="mt-2"),
                    type="default"),
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
    summary, movements = refreshed(data, can_write)
    return html.Div([
        page_header("Presupuesto: ejercicio por partida", data),
        movement_form(data) if can_write else read_only_note(),
        html.Div(summary, id=BODY),
        html.H2("Movimientos", className="h4 mt-3"),
        html.P("Cuentan los movimientos del libro de ejercicio más reciente más los registrados "
               "en el formulario.", className="text-muted"),
        html.Div(id=REVERSE_MESSAGE),
        html.Div(movements, id=MOVEMENTS),
        html.Div(id=SCROLL_DUMMY, hidden=True),
    ], className="presupuesto-page")


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


# A message appears beside what the user pressed; when it is out of the window (the button was
# at the bottom edge, the page is long) it is scrolled into view.
SCROLL_TO_MESSAGE = """function() {
    const done = window.dash_clientside.no_update;
    const ids = (dash_clientside.callback_context.triggered || [])
        .map(t => t.prop_id.split('.')[0]);
    const slot = ids.length ? document.getElementById(ids[0]) : null;
    if (!slot) { return done; }
    window.requestAnimationFrame(() => {
        const alert = slot.querySelector('.alert');
        if (!alert) { return; }
        const box = alert.getBoundingClientRect();
        if (box.top < 0 || box.bottom > window.innerHeight) {
            alert.scrollIntoView({block: 'center'});
        }
    });
    return done;
}"""


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(
        SCROLL_TO_MESSAGE,
        Output(SCROLL_DUMMY, "children"),
        Input(FORM_MESSAGE, "children"),
        Input(UPLOAD_MESSAGE, "children"),
        Input(REVERSE_MESSAGE, "children"),
        prevent_initial_call=True,
    )

    @auth.callback(
        app, auth.BUDGET,
        Output(FORM_MESSAGE, "children"),
        Output(BODY, "children"),
        Output(MOVEMENTS, "children"),
        Output(F_PARTIDA, "value"),
        Output(F_CONCEPTO, "value"),
        Output(F_AMOUNT, "value"),
        Output(F_MOMENTO, "value"),
        Input(F_SUBMIT, "n_clicks"),
        State(F_DATE, "value"), State(F_PARTIDA, "value"), State(F_CONCEPTO, "value"),
        State(F_MOMENTO, "value"), State(F_AMOUNT, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def register_movement(n_clicks, day, partida, concepto, momento, amount, search):
        # A refusal keeps what was typed (no_update); a saved movement empties the form, so the
        # same movement is not sent twice by a second click.
        keep = (no_update,) * 6

        def refused(alert):
            return (alert, *keep)

        data, refusal = write_data(search)
        if refusal is not None:
            return refused(refusal)
        if not n_clicks or data is None:
            return (no_update, *keep)
        auth.require_budget(data.plan.id)
        missing = [what for what, value in (("la fecha", day), ("el importe", amount))
                   if value in (None, "")]
        if missing:
            return refused(dbc.Alert(
                "No se registró el movimiento: falta " + _listed(missing) + ".",
                color="danger", id="movement-error"))
        try:
            when = date.fromisoformat(str(day)[:10])
            value = float(amount)
        except (TypeError, ValueError):
            return refused(dbc.Alert("No se registró el movimiento: la fecha o el importe no se "
                                     "pueden leer.", color="danger", id="movement-error"))
        movement = Movement(date=when, partida=str(partida or "").strip(),
                            concepto=str(concepto or "").strip()[:500], momento=momento or "",
                            amount=value)
        try:
            # add_movement validates against the plan's budget and year, and audits the entry.
            save_movement(get_services().engine, data.plan.id, movement, user=auth.who(),
                          remote_addr=auth.remote_addr())
        except InvalidMovement as exc:
            return refused(dbc.Alert([html.Strong("No se registró el movimiento: "),
                                      html.Ul([html.Li(r) for r in exc.reasons], className="mb-0")],
                                     color="danger", id="movement-error"))
        except StorageUnavailable as exc:
            return refused(dbc.Alert(exc.message, color="warning", id="movement-error"))
        saved = dbc.Alert(f"Registrado: {MOMENTO_LABELS.get(momento, momento)} de "
                          f"{fmt_money(value)} en la partida {movement.partida} "
                          f"({fmt_date(when)}). El formulario quedó en blanco para el siguiente.",
                          color="success", id="movement-saved")
        summary, movements = refreshed(data, True)
        return saved, summary, movements, "", "", None, DEFAULT_MOMENTO

    @auth.callback(
        app, auth.BUDGET,
        Output(REVERSE_MESSAGE, "children"),
        Output(BODY, "children", allow_duplicate=True),
        Output(MOVEMENTS, "children", allow_duplicate=True),
        Input({"type": REVERSE, "id": ALL}, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def reverse(clicks, search):
        trigger = ctx.triggered_id
        data, refused = write_data(search)
        if refused is not None:
            return refused, no_update, no_update
        if not trigger or not any(clicks or []) or data is None:
            return no_update, no_update, no_update
        auth.require_budget(data.plan.id)
        try:
            # The id comes from the client: the movement must be of the POA on the page.
            save_reversal(get_services().engine, int(trigger["id"]), user=auth.who(),
                          on=min(data.selection.as_of, date.today()),
                          remote_addr=auth.remote_addr(), plan_id=data.plan.id)
        except ValueError as exc:
            return dbc.Alert(str(exc), color="warning", id="movement-error"), no_update, no_update
        except StorageUnavailable as exc:
            return (dbc.Alert(exc.message, color="warning", id="movement-error"), no_update,
                    no_update)
        summary, movements = refreshed(data, True)
        return (dbc.Alert("Movimiento revertido con un movimiento de reversa.", color="success",
                          id="movement-saved"), summary, movements)

    @auth.callback(
        app, auth.BUDGET,
        Output(UPLOAD_MESSAGE, "children"),
        Output(BODY, "children", allow_duplicate=True),
        Output(MOVEMENTS, "children", allow_duplicate=True),
        Input(SPENDING_UPLOAD, "contents"),
        State(SPENDING_UPLOAD, "filename"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def upload_spending(contents, filename, search):
        data, refused = write_data(search)
        if refused is not None:
            return refused, no_update, no_update
        if not contents or data is None:
            return no_update, no_update, no_update
        auth.require_budget(data.plan.id)

        def failed(message: str, color: str = "danger"):
            return dbc.Alert(message, color=color, id="movement-error"), no_update, no_update

        try:
            raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
            _, findings = import_spending(get_services().engine, data.plan.id, raw,
                                          get_services().settings,
                                          file_name=filename or "ejercicio.xlsx",
                                          uploaded_by=auth.who(), remote_addr=auth.remote_addr())
        except (IndexError, binascii.Error, ValueError):
            return failed("El archivo llegó dañado; vuelva a cargarlo.")
        except NotAPoaWorkbook as exc:
            auth.audit("spending_refused", f"{filename}: {exc.message} (POA {data.plan.id})")
            return failed(exc.message)
        except AlreadyImported as exc:
            return failed(str(exc), "warning")
        except StorageUnavailable as exc:
            return failed(exc.message, "warning")
        summary, movements = refreshed(data, True)
        return (dbc.Alert(f"Libro de ejercicio cargado con {len(findings)} hallazgos "
                          f"({datetime.now():%d/%m/%Y %H:%M}).", color="success",
                          id="movement-saved"), summary, movements)


def _listed(items: list[str]) -> str:
    """«la fecha, la partida y el importe»."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]
