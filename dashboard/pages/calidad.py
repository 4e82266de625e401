"""Calidad de datos: first the follow-up of the version's findings against the previous version
(nuevos, persistentes with their age, corregidos), each with its aclaraciones and, for the área's
director and Planeación, a form to answer it; then every finding of the version on the fecha de
corte in an AG Grid (sortable, filterable), each led by its Spanish title with the code small after
it, with an Excel copy (built on the server) and a CSV copy (the grid's own export of the rows as
shown)."""

from __future__ import annotations

import json
from collections import Counter

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, ctx, dcc, html, no_update

from dashboard import auth, ids
from dashboard.components import SEVERITY_WORDS, empty_state, page_header, severity_badge
from dashboard.exports import findings_workbook
from dashboard.followup import may_answer_here, page_followup, page_notes
from dashboard.grid import CSV_EXPORT_JS, grid
from dashboard.services import get_services
from dashboard.state import PageData, page_data, query_from_search
from dashboard.summary import first_version_findings
from loaders.check.followup import FindingKey, Followed, FollowUp
from loaders.errors import StorageUnavailable
from loaders.store.notes import MAX_TEXT, Note, NoteRefused, code_title, save_note
from loaders.text import fmt_date

dash.register_page(
    __name__, path="/calidad", name="Calidad de datos", title="Calidad de datos — Tablero POA",
    order=3,
)

TABLE = "calidad-table"
DOWNLOAD = "calidad-download"
DOWNLOAD_BUTTON = "calidad-download-button"
CSV_BUTTON = "calidad-download-csv-button"
SEVERITY_FILTER = "calidad-severity"

# The grid's columns: the finding's Spanish title first (its code small after it), then where
# to correct it. Código, Actividad and Partida are hidden: the CSV holds them, in the columns of
# the Excel copy (dashboard.exports.FINDINGS_HEADERS).
COLUMNS = [
    {"field": "titulo", "headerName": "Hallazgo", "flex": 2, "minWidth": 210,
     "cellRenderer": "TextWithNote", "cellRendererParams": {"noteField": "codigo"},
     # the filter finds the title's words and the code («porcentaje», «PCT_MISMATCH»)
     "filterValueGetter": {"function": "params.data.titulo + ' ' + params.data.codigo"}},
    {"field": "severidad", "headerName": "Severidad", "width": 135, "minWidth": 120},
    {"field": "objeto", "headerName": "Actividad / partida", "width": 120, "minWidth": 105},
    {"field": "ubicacion", "headerName": "Ubicación", "width": 155, "minWidth": 130},
    {"field": "mensaje", "headerName": "Mensaje", "flex": 3, "minWidth": 260},
    {"field": "codigo", "headerName": "Código", "hide": True},
    {"field": "actividad", "headerName": "Actividad", "hide": True},
    {"field": "partida", "headerName": "Partida", "hide": True},
]
CSV_COLUMNS = ["severidad", "codigo", "actividad", "ubicacion", "mensaje", "partida"]

# The follow-up: a group is folded when it lists more findings than this (its count stays in
# view); the aclaración form's parts, one per open finding (`key`: the finding's key as JSON,
# `n`: its place among the version's open findings).
GROUP_OPEN_LIMIT = 12
NOTE_TEXT = "calidad-nota-texto"
NOTE_SAVE = "calidad-nota-guardar"
NOTE_MESSAGE = "calidad-nota-mensaje"
NOTE_LIST = "calidad-nota-lista"
NOT_THIS_POA = ("El POA que indica la dirección de la página no existe o no es el que se muestra; "
                "no se guardó nada. Vuelva a abrir la página desde el menú.")


def rows_of(findings) -> list[dict]:
    return [
        {
            "titulo": code_title(f.code),
            "codigo": f.code,
            "severidad": SEVERITY_WORDS.get(f.severity, f.severity),
            "objeto": f.activity if f.activity is not None else (f.partida or None),
            "actividad": f.activity,
            "partida": f.partida,
            "ubicacion": f.where,
            "mensaje": f.message,
        }
        for f in findings
    ]


def _counts_table(findings) -> dbc.Table:
    counts = Counter(f.code for f in findings)
    body = [
        html.Tr([
            html.Td([html.Span(code_title(code)), " ", html.Code(code, className="finding-code")]),
            html.Td(n, className="text-end"),
        ])
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th("Hallazgo"), html.Th("Cuántos", className="text-end")])),
         html.Tbody(body)],
        size="sm", striped=True, id="calidad-counts", className="calidad-counts",
    )


# ---- the follow-up: nuevos, persisten, corregidos ---------------------------------------------------


def key_id(key: FindingKey) -> str:
    """A finding's key as the text of a component id: `["PCT_MISMATCH", 5, null]`."""
    return json.dumps(list(key), ensure_ascii=False)


def key_of(text: object) -> FindingKey | None:
    """The key a component id names, or None when it is not one (a forged request)."""
    try:
        code, activity, partida = json.loads(str(text))
    except (TypeError, ValueError):
        return None
    if (not isinstance(code, str) or not code
            or not (activity is None or (isinstance(activity, int)
                                         and not isinstance(activity, bool)))
            or not (partida is None or isinstance(partida, str))):
        return None
    return code, activity, partida


def object_label(activity: int | None, partida: str | None) -> str:
    """«Actividad 5», «Partida 3761», «POA»."""
    if activity is not None:
        return f"Actividad {activity}"
    return f"Partida {partida}" if partida else "POA"


def note_items(notes: tuple[Note, ...], version_number: int) -> list:
    """Each aclaración: its text, who wrote it and when (dd/mm/aaaa), and on which version when
    it was an earlier one."""
    items = []
    for note in notes:
        said = f"{note.author}, {fmt_date(note.created_at)}"
        if note.version_number != version_number:
            said += f", en la versión {note.version_number}"
        items.append(html.Figure([
            html.Blockquote(html.P(note.text, className="mb-0"), className="mb-1"),
            html.Figcaption(["Aclaración de ", said], className="small text-muted mb-0"),
        ], className="followup-note"))
    return items


def note_form(key: FindingKey, n: int) -> html.Details:
    """«Responder con una aclaración»: a textarea and a button, folded until asked for."""
    ident = {"key": key_id(key), "n": n}
    text_id = {"type": NOTE_TEXT, **ident}
    return html.Details([
        html.Summary("Responder con una aclaración", className="followup-answer"),
        html.Label([
            html.Span("Aclaración (qué se hizo o por qué el dato es correcto)",
                      className="form-label d-block small mb-1"),
            dbc.Textarea(id=text_id, rows=3, maxLength=MAX_TEXT, className="mb-2"),
        ], className="d-block mb-0"),
        dbc.Button("Guardar aclaración", id={"type": NOTE_SAVE, **ident}, color="primary",
                   size="sm"),
        html.Div(id={"type": NOTE_MESSAGE, **ident}, className="mt-2"),
    ], className="followup-form mt-1")


def followed_item(item: Followed, n: int | None, notes: tuple[Note, ...],
                  version_number: int, can_answer: bool) -> html.Li:
    """One finding of the follow-up, its aclaraciones beside it (below it on a phone) and, for
    an open one and an account that may answer, the form. `n` is its place among the open
    findings (None for a corregido)."""
    f = item.finding
    place = [object_label(f.activity, f.partida)]
    if f.where:
        place.append(f.where)
    meta = [html.Span(" · ".join(place))]
    if item.status == "persiste":
        meta += [" · ", html.Strong(item.age, className="followup-age")]
    elif item.status == "corregido" and item.since_number < version_number - 1:
        meta += [" · ", html.Span(f"estaba desde la versión {item.since_number}")]
    finding = [
        html.Div([severity_badge(f.severity), " ", html.Strong(code_title(f.code)), " ",
                  html.Code(f.code, className="finding-code")], className="followup-title"),
        html.Div(meta, className="small text-muted followup-meta"),
        html.P(f.message, className="mb-0 followup-message"),
    ]
    side: list = []
    key = item.key
    if n is not None:
        side.append(html.Div(note_items(notes, version_number),
                             id={"type": NOTE_LIST, "key": key_id(key), "n": n}))
        if can_answer:
            side.append(note_form(key, n))
    place_key = f.activity if f.activity is not None else (f.partida or "")
    return html.Li(dbc.Row([dbc.Col(finding, lg=7), dbc.Col(side, lg=5)], className="g-2"),
                   className="followup-item", **{"data-finding": f"{f.code}:{place_key}"})


GROUP_TITLES = {
    "nuevo": "Nuevos", "persiste": "Persisten", "corregido": "Corregidos en esta versión",
}
GROUP_EMPTY = {
    "nuevo": "Ningún hallazgo nuevo.",
    "persiste": "Ningún hallazgo de la versión anterior sigue abierto.",
    "corregido": "Ningún hallazgo de la versión anterior se corrigió en esta.",
}


def followup_group(status: str, items: list[html.Li]) -> html.Details:
    """A group with its count in its title, folded when it is long."""
    title = f"{GROUP_TITLES[status]} ({len(items)})"
    body = (html.Ul(items, className="list-unstyled followup-list mb-0") if items
            else html.P(GROUP_EMPTY[status], className="text-muted mb-0"))
    return html.Details([
        html.Summary(html.H3(title, className="h5 d-inline"), className="followup-summary"),
        body,
    ], open=len(items) <= GROUP_OPEN_LIMIT, id=f"followup-{status}",
        className=f"followup-group followup-{status}")


def followup_section(follow: FollowUp, notes: dict[FindingKey, tuple[Note, ...]],
                     can_answer: bool) -> html.Section:
    """Nuevos, Persisten («desde la versión K, D días»), Corregidos en esta versión."""
    version = follow.version
    position = {id(item): n for n, item in enumerate(follow.open)}

    def items(group: tuple[Followed, ...]) -> list[html.Li]:
        return [followed_item(item, position.get(id(item)), notes.get(item.key, ()),
                              version.number, can_answer) for item in group]

    if follow.first:
        intro = [html.Strong("Primera versión del POA: "),
                 f"{first_version_findings(len(version.findings))}. Con la siguiente versión se "
                 "verá cuáles persisten y cuáles se corrigieron."]
        groups = [followup_group("nuevo", items(follow.new))]
    else:
        previous = follow.previous
        intro = [f"La versión {version.number} comparada con la versión {previous.number}, con "
                 "los hallazgos registrados al guardar cada una: el mismo código en la misma "
                 "actividad o partida es el mismo hallazgo. Los días cuentan entre sus fechas de "
                 f"revisión (versión {previous.number}: {fmt_date(previous.as_of)}; versión "
                 f"{version.number}: {fmt_date(version.as_of)})."]
        groups = [followup_group("nuevo", items(follow.new)),
                  followup_group("persiste", items(follow.persisting)),
                  followup_group("corregido", items(follow.corrected))]
    if can_answer and follow.open:
        intro.append(" Puede responder un hallazgo abierto con una aclaración: se ve junto a él "
                     "mientras persista, y no cambia el hallazgo.")
    return html.Section([
        html.H2("Seguimiento de hallazgos", className="h4"),
        html.P(intro, className="text-muted", id="followup-intro"),
        *groups,
    ], id="calidad-followup", className="calidad-followup mb-4")


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    findings = data.view.findings
    severity = query.get("severidad")
    selected = [severity] if severity in SEVERITY_WORDS else []
    shown = [f for f in findings if not selected or f.severity in selected]
    return html.Div([
        page_header("Calidad de datos", data),
        followup_section(page_followup(data), page_notes(data), may_answer_here(data)),
        html.H2("Hallazgos a la fecha de corte", className="h4"),
        html.P(
            f"{len(findings)} hallazgos en esta versión a la fecha de corte. La ubicación indica "
            "la hoja y la celda del libro donde corregirlo.", className="text-muted",
        ),
        dbc.Row([
            dbc.Col([
                html.Div([
                    dbc.Checklist(
                        id=SEVERITY_FILTER, inline=True, value=selected,
                        options=[{"label": f" {w}", "value": s} for s, w in SEVERITY_WORDS.items()],
                    ),
                    dbc.Button("Descargar Excel", id=DOWNLOAD_BUTTON, color="primary",
                               className="ms-auto"),
                    dcc.Download(id=DOWNLOAD),
                    dbc.Button("Descargar CSV", id=CSV_BUTTON, color="primary", outline=True,
                               title="Las filas como se ven: con los filtros y el orden elegidos"),
                ], className="d-flex flex-wrap align-items-center gap-3 mb-2 no-print"),
                html.P("Deslice la tabla de lado para ver la ubicación y el mensaje.",
                       className="d-md-none small text-muted mb-1 no-print"),
                grid(
                    TABLE, COLUMNS, rows_of(shown),
                    csv_file=file_name(data, "csv"), csv_columns=CSV_COLUMNS,
                    options={"rowClassRules": {
                        "grid-row-error": "params.data.severidad == 'Error'"}},
                ),
            ], lg=9),
            dbc.Col([html.H2("Por tipo de hallazgo", className="h5 mt-3 mt-lg-0"),
                     _counts_table(findings)], lg=3),
        ]),
    ])


def file_name(data, extension: str) -> str:
    """`hallazgos_<área>_<año>_<corte>.<ext>`, with only safe characters."""
    plan = data.plan
    name = f"hallazgos_{plan.area or 'poa'}_{plan.fiscal_year}_{data.selection.as_of}.{extension}"
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)


# ---- answering a finding -------------------------------------------------------------------------


def refusal(data: PageData) -> str:
    """Why the account of this request may not answer this POA's findings."""
    user = auth.current_user()
    if user is None:
        return "Para responder un hallazgo con una aclaración ingrese con su cuenta."
    if user.role == "direccion":
        return ("Su cuenta no tiene asignada el área de este POA; solo puede responder los "
                "hallazgos de sus propias áreas.")
    return (f"Su cuenta ({user.role_label}) no puede responder hallazgos: responden la "
            "dirección del área y la Unidad de Planeación.")


def answer(trigger: object, n_clicks: object, text: object, search: str | None):
    """Store the aclaración typed for the finding `trigger` names, on the version the address
    shows; every check is made here, on the server, whatever the form sent. Returns the message,
    the finding's aclaraciones and the textarea's value (emptied once saved)."""
    def refused(message: str, color: str = "danger"):
        return dbc.Alert(message, color=color, className="mb-0 py-2"), no_update, no_update

    query = query_from_search(search)
    data = page_data(query)
    asked = query.get("poa")
    if data is not None and asked not in (None, "") and str(asked) != str(data.plan.id):
        return refused(NOT_THIS_POA)
    if not n_clicks or data is None or not isinstance(trigger, dict):
        return no_update, no_update, no_update
    if not may_answer_here(data):
        return refused(refusal(data))
    key = key_of(trigger.get("key"))
    follow = page_followup(data)
    if key is None or key not in {item.key for item in follow.open}:
        return refused(f"Ese hallazgo no está abierto en la versión {follow.version.number}; no "
                       "se guardó la aclaración.")
    try:
        save_note(get_services().engine, plan_id=data.plan.id,
                  version_id=data.selection.version_id, key=key, text=str(text or ""),
                  author=auth.who(), remote_addr=auth.remote_addr())
    except NoteRefused as exc:
        return refused(str(exc))
    except StorageUnavailable as exc:
        return refused(exc.message, "warning")
    notes = page_notes(data).get(key, ())
    return (dbc.Alert("Aclaración guardada: se muestra junto al hallazgo mientras persista.",
                      color="success", className="mb-0 py-2"),
            note_items(notes, follow.version.number), "")


def register_callbacks(app: dash.Dash) -> None:
    # Registered with the read permission (every role reads); who may answer is the área's
    # director or Planeación, checked inside (`answer`), where the POA is known.
    @auth.callback(
        app, auth.READ,
        Output({"type": NOTE_MESSAGE, "key": MATCH, "n": MATCH}, "children"),
        Output({"type": NOTE_LIST, "key": MATCH, "n": MATCH}, "children"),
        Output({"type": NOTE_TEXT, "key": MATCH, "n": MATCH}, "value"),
        Input({"type": NOTE_SAVE, "key": MATCH, "n": MATCH}, "n_clicks"),
        State({"type": NOTE_TEXT, "key": MATCH, "n": MATCH}, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def save_answer(n_clicks, text, search):
        return answer(ctx.triggered_id, n_clicks, text, search)

    @auth.callback(
        app, auth.READ,
        Output(TABLE, "rowData"),
        Input(SEVERITY_FILTER, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def filter_severity(selected, search):
        data = page_data(query_from_search(search))
        if data is None:
            return no_update
        return rows_of([f for f in data.view.findings if not selected or f.severity in selected])

    @auth.callback(
        app, auth.READ,
        Output(DOWNLOAD, "data"),
        Input(DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def download(n_clicks, search):
        data = page_data(query_from_search(search))
        if not n_clicks or data is None:
            return no_update
        return dcc.send_bytes(findings_workbook(data.view.findings), file_name(data, "xlsx"))

    # The grid's own CSV export: the rows as filtered and sorted on screen (assets/grid.js
    # escapes what a spreadsheet would run as a formula).
    app.clientside_callback(
        CSV_EXPORT_JS,
        Output(TABLE, "exportDataAsCsv"),
        Input(CSV_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
