"""Carga: the planning unit uploads an area's workbook, sees a preview, then saves or cancels.

Nothing is stored until "Guardar versión". The preview keeps no server state: on saving, the
bytes still held by the upload component are read and checked again.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.components import SEVERITY_COLORS, SEVERITY_WORDS, pct, severity_badge
from dashboard.services import get_services
from loaders.check.diff import compare
from loaders.errors import NotAPoaWorkbook, StorageUnavailable
from loaders.imports import area_fingerprint, prepare_upload
from loaders.read.package import MB
from loaders.read.poa import SeveralAreas
from loaders.report import reading_summary, unrecognised_columns
from loaders.store.queries import load_version, plan_for_identity
from loaders.store.versions import AlreadyImported, Upload, find_duplicate, save_upload
from loaders.text import fmt_date, fmt_money

dash.register_page(__name__, path="/carga", name="Cargar POA", title="Cargar POA — Tablero POA",
                   order=6, permission=auth.UPLOAD)

UPLOAD = "carga-upload"
PREVIEW = "carga-preview"
RESULT = "carga-result"
SAVE = "carga-save"
CANCEL = "carga-cancel"
CHANGES = "carga-changes"
AREA = "carga-area-shown"  # the name of the área in the preview, in its title
AREA_BUTTON = "carga-area-button"  # one per área: {"type": AREA_BUTTON, "area": name}
FIELDS = {"municipio": "carga-municipio", "direccion": "carga-direccion", "area": "carga-area",
          "fiscal_year": "carga-year"}


def decode_upload(contents: str | None) -> bytes:
    """The bytes a dcc.Upload sent (`data:…;base64,…`); NotAPoaWorkbook when undecodable."""
    if not contents or "," not in contents:
        raise NotAPoaWorkbook("No se recibió ningún archivo.")
    encoded = contents.split(",", 1)[1]
    limit = get_services().settings.max_file_mb
    if len(encoded) * 3 // 4 > limit * MB:
        raise NotAPoaWorkbook(
            f"El archivo pesa {len(encoded) * 3 / 4 / MB:,.1f} MB y el límite es {limit:,.0f} MB."
        )
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NotAPoaWorkbook("El archivo llegó dañado; vuelva a cargarlo.") from exc


def _identity(values: dict[str, object]) -> dict[str, object]:
    identity = {k: (str(v).strip() if v is not None else "") for k, v in values.items()}
    year = identity.get("fiscal_year")
    identity["fiscal_year"] = int(year) if str(year).isdigit() else None
    return identity


def _read(contents, filename, identity=None, area=None) -> Upload:
    data = decode_upload(contents)
    return prepare_upload(data, get_services().settings, file_name=filename or "libro.xlsx",
                          as_of=date.today(), identity=identity, area=area)


def areas_view(upload: Upload, areas: list[str], chosen: str | None) -> html.Div | None:
    """For a workbook holding several áreas: one button per área (the one shown is marked) and
    which are already saved."""
    if len(areas) < 2:
        return None
    with Session(get_services().engine) as session:
        saved = {a: find_duplicate(session, area_fingerprint(upload.data, a)) for a in areas}
    buttons = [
        dbc.Button(
            [a or "(sin nombre)"] + ([html.Br(), html.Small(f"ya guardada, versión {saved[a].number}")]
                                     if saved[a] else []),
            id={"type": AREA_BUTTON, "area": a}, color="primary", outline=a != chosen,
            active=a == chosen, className="me-2 mb-2",
            title="Área que se muestra abajo" if a == chosen else f"Ver el área «{a}»",
        )
        for a in areas
    ]
    return dbc.Alert([
        html.P([html.Strong(f"El libro tiene los POA de {len(areas)} áreas. "),
                "Cada una es un POA aparte: elija un área, revísela y guárdela; luego la siguiente."],
               className="mb-2"),
        html.Div(buttons, id="carga-area-buttons"),
    ], color="info", id="carga-areas")

def changes_view(upload: Upload) -> html.Div:
    """What changed against the current version of the POA this upload belongs to."""
    with Session(get_services().engine) as session:
        plan = plan_for_identity(session, upload.doc.plan)
        current = load_version(session, plan.current_version_id) if plan else None
    diff = compare(current.doc if current else None, upload.doc)
    if current is None:
        return html.Div([html.P(diff.summary, id="carga-diff-summary"),
                         html.P("Se creará un POA nuevo con esta versión.", className="text-muted")])
    items = [html.Li(change.message) for change in diff.changes]
    return html.Div([
        html.P(f"Contra la versión {current.version.number} del "
               f"{fmt_date(current.version.uploaded_at)}: {diff.summary}",
               id="carga-diff-summary"),
        html.Ul(items, id="carga-diff-list") if items else None,
    ])


def _findings_view(upload: Upload) -> html.Div:
    groups = []
    for severity, word in SEVERITY_WORDS.items():
        group = [f for f in upload.findings if f.severity == severity]
        if not group:
            continue
        groups.append(html.Details([
            html.Summary([severity_badge(severity), f" {len(group)} "
                          f"{word.lower()}{'es' if severity == 'error' else 's'}"]),
            html.Ul([html.Li(f"{f.where} — {f.message}" if f.where else f.message)
                     for f in group]),
        ], open=severity == "error", className=f"mb-2 border-start border-3 ps-2 "
                                               f"border-{SEVERITY_COLORS[severity]}"))
    return html.Div(groups or [html.P("Sin hallazgos.")], id="carga-findings")


def preview_view(upload: Upload, areas: list[str] | None = None, area: str | None = None
                 ) -> html.Div:
    return html.Div([areas_view(upload, areas or [], area), preview_body(upload, area)])


def preview_body(upload: Upload, area: str | None) -> html.Div:
    doc = upload.doc
    plan = doc.plan
    field = {
        "municipio": plan.municipio, "direccion": plan.direccion, "area": plan.area,
        "fiscal_year": plan.fiscal_year or "",
    }
    labels = {"municipio": "Municipio", "direccion": "Dirección", "area": "Área",
              "fiscal_year": "Año fiscal"}
    identity_form = dbc.Row([
        dbc.Col([dbc.Label(labels[k], html_for=FIELDS[k]),
                 dbc.Input(id=FIELDS[k], value=v, type="number" if k == "fiscal_year" else "text",
                           invalid=not v, debounce=True,
                           # what the database keeps (loaders.store.schema.Plan)
                           **({} if k == "fiscal_year" else {"maxLength": 200}))],
                md=3)
        for k, v in field.items()
    ], className="g-2 mb-2")
    activity_rows = [
        html.Tr([html.Td(a.shown_label), html.Td(a.name),
                 html.Td(f"{a.achieved if a.achieved is not None else '—'} de "
                         f"{a.programmed if a.programmed is not None else '—'}"),
                 html.Td(pct(a.declared_pct)),
                 html.Td(fmt_date(a.start) if a.start else "—"),
                 html.Td(fmt_date(a.end) if a.end else "—")])
        for a in doc.activities
    ]
    budget_rows = [
        html.Tr([html.Td(b.partida), html.Td(b.name),
                 html.Td(fmt_money(b.approved) if b.approved is not None else "—",
                         className="text-end")])
        for b in doc.budget
    ]
    return html.Div([
        # The área shown travels with its preview: «Guardar» saves what is on the screen.
        html.H2([f"Vista previa de «{upload.file_name}»"]
                + ([", área «", html.Span(area, id=AREA), "»"] if area
                   else [html.Span(id=AREA, hidden=True)]), className="h4"),
        html.P("Revise los datos. Nada se guarda hasta que pulse «Guardar versión». Complete "
               "municipio, dirección, área o año si el libro no los dice.", className="text-muted"),
        identity_form,
        dbc.Row([
            dbc.Col([html.H3("Qué cambió", className="h5"), html.Div(changes_view(upload),
                                                                     id=CHANGES)], lg=6),
            dbc.Col([html.H3("Hallazgos", className="h5"), _findings_view(upload)], lg=6),
        ], className="mb-3"),
        html.H3(reading_summary(doc), className="h5", id="carga-activity-count"),
        html.Ul([html.Li(text) for text in unrecognised_columns(doc)], id="carga-columns",
                className="text-muted small") if unrecognised_columns(doc) else None,
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
            "Nº", "Actividad", "Alcanzada", "% declarado", "Inicio", "Fin")])),
            html.Tbody(activity_rows)], size="sm", striped=True),
        html.H3(f"Presupuesto: {len(doc.budget)} partidas, "
                f"{fmt_money(sum(b.approved or 0 for b in doc.budget))}", className="h5"),
        dbc.Table([html.Thead(html.Tr([html.Th("Partida"), html.Th("Nombre"),
                                       html.Th("Importe", className="text-end")])),
                   html.Tbody(budget_rows)], size="sm", striped=True),
        html.Div([
            dbc.Button("Guardar versión", id=SAVE, color="success", size="lg", className="me-2"),
            dbc.Button("Cancelar", id=CANCEL, color="secondary", outline=True, size="lg"),
        ], className="sticky-actions"),
    ])


def not_allowed() -> html.Div:
    return html.Div([
        html.H1("Cargar el POA de un área", className="page-title h2"),
        dbc.Alert([auth.refusal_text(auth.UPLOAD), " ",
                   html.A("Ingresar", href=dash.get_relative_path(auth.LOGIN_PATH)
                          + "?siguiente=" + dash.get_relative_path("/carga"),
                          className="alert-link")],
                  color="info", id="carga-not-allowed"),
    ])


def layout(**_query) -> html.Div:
    if not auth.allowed(auth.UPLOAD):
        return not_allowed()
    limit = get_services().settings.max_file_mb
    user = auth.current_user()
    return html.Div([
        html.H1("Cargar el POA de un área", className="page-title h2"),
        html.P("Suba el libro del POA actualizado (Excel .xlsx o .xls, o LibreOffice .ods). Verá "
               "qué se leyó, los hallazgos y qué cambió desde la versión anterior antes de "
               "guardarlo.", className="lead"),
        html.P(["Carga: ", html.Strong(user.display if user else "—")], id="carga-user"),
        dcc.Upload(
            id=UPLOAD,
            children=html.Div(["Arrastre aquí el archivo .xlsx, .xls u .ods o ",
                               html.A("elíjalo en su equipo", href="#")]),
            accept=(".xlsx,.xls,.ods,"
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                    "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet"),
            max_size=int((limit + 1) * MB),
            multiple=False,
            className="upload-zone",
        ),
        html.Div(f"Límite: {limit:,.0f} MB. Se aceptan libros .xlsx, .xls y .ods sin macros ni "
                 "contraseña.",
                 className="form-text mb-3"),
        dcc.Loading(html.Div(id=RESULT), type="default"),
        dcc.Loading(html.Div(id=PREVIEW), type="circle",
                    overlay_style={"visibility": "visible", "opacity": 0.5}),
    ])


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children"),
        Output(RESULT, "children", allow_duplicate=True),
        Input(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def read_upload(contents, filename):
        auth.require(auth.UPLOAD)
        if not contents:  # cleared after saving or cancelling
            return no_update, no_update
        area = None
        try:
            try:
                upload = _read(contents, filename)
            except SeveralAreas as several:  # the first área first; a button for each
                area = several.areas[0]
                upload = _read(contents, filename, area=area)
        except NotAPoaWorkbook as exc:
            auth.audit("upload_refused", f"{filename}: {exc.message}")
            return None, dbc.Alert([html.Strong("No se pudo leer el archivo. "), exc.message],
                                   color="danger", id="carga-error")
        if area is None:
            with Session(get_services().engine) as session:
                duplicate = find_duplicate(session, upload.sha256)
            if duplicate:
                auth.audit("upload_duplicate", f"{filename}: {duplicate}")
                return None, dbc.Alert(str(duplicate), color="warning", id="carga-error")
        return preview_view(upload, list(upload.areas), area), None

    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children", allow_duplicate=True),
        Input({"type": AREA_BUTTON, "area": ALL}, "n_clicks"),
        State(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def area_chosen(clicks, contents, filename):
        """Another área of a workbook of several: its own preview, its own «Guardar»."""
        auth.require(auth.UPLOAD)
        trigger = dash.ctx.triggered_id
        if not contents or not isinstance(trigger, dict) or not any(clicks or []):
            return no_update  # the buttons were just drawn
        area = trigger["area"]
        try:
            upload = _read(contents, filename, area=area)
            return preview_view(upload, list(upload.areas), area)
        except NotAPoaWorkbook as exc:
            return dbc.Alert(exc.message, color="danger", id="carga-error")

    @auth.callback(
        app, auth.UPLOAD,
        Output(CHANGES, "children"),
        [Input(FIELDS[k], "value") for k in FIELDS],
        State(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        State(AREA, "children"),
        prevent_initial_call=True,
    )
    def identity_edited(municipio, direccion, area, year, contents, filename, chosen):
        auth.require(auth.UPLOAD)
        try:
            upload = _read(contents, filename, _identity(
                {"municipio": municipio, "direccion": direccion, "area": area,
                 "fiscal_year": year}), area=chosen)
        except NotAPoaWorkbook:
            return no_update
        return changes_view(upload)

    @auth.callback(
        app, auth.UPLOAD,
        Output(RESULT, "children"),
        Output(PREVIEW, "children", allow_duplicate=True),
        Output(UPLOAD, "contents"),
        Input(SAVE, "n_clicks"),
        State(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        [State(FIELDS[k], "value") for k in FIELDS],
        State(AREA, "children"),
        prevent_initial_call=True,
    )
    def save(n_clicks, contents, filename, municipio, direccion, area, year, chosen):
        auth.require(auth.UPLOAD)
        if not n_clicks:
            return no_update, no_update, no_update
        identity = _identity({"municipio": municipio, "direccion": direccion, "area": area,
                              "fiscal_year": year})
        if not identity["area"] or not identity["fiscal_year"]:
            return (dbc.Alert("Indique al menos el área y el año fiscal antes de guardar.",
                              color="warning", id="carga-error"), no_update, no_update)
        try:
            upload = _read(contents, filename, identity, area=chosen)
            stored = save_upload(get_services().engine, upload,
                                 uploaded_by=auth.who(), remote_addr=auth.remote_addr())
        except NotAPoaWorkbook as exc:
            auth.audit("upload_refused", f"{filename}: {exc.message}")
            return dbc.Alert(exc.message, color="danger", id="carga-error"), None, None
        except AlreadyImported as exc:
            return dbc.Alert(str(exc), color="warning", id="carga-error"), None, None
        except StorageUnavailable as exc:  # the preview and the file stay: the user may retry
            return dbc.Alert(exc.message, color="warning", id="carga-error"), no_update, no_update
        query = f"?poa={stored.plan_id}&version={stored.version_id}"
        # A workbook of several áreas stays open, so the next área can be reviewed and saved.
        keep = len(upload.areas) > 1
        return dbc.Alert([
            html.Strong(f"Guardada la versión {stored.number}"
                        + (f" del área «{upload.doc.plan.area}». " if keep else ". ")),
            f"{len(stored.findings)} hallazgos. ",
            dcc.Link("Ver el resumen", href=dash.get_relative_path("/") + query,
                     className="alert-link"), " · ",
            dcc.Link("Ver el historial", href=dash.get_relative_path("/historial") + query,
                     className="alert-link"),
        ], color="success", id="carga-saved"), (
            preview_view(upload, list(upload.areas), chosen) if keep else None
        ), (no_update if keep else None)

    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children", allow_duplicate=True),
        Output(UPLOAD, "contents", allow_duplicate=True),
        Output(RESULT, "children", allow_duplicate=True),
        Input(CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancel(n_clicks):
        auth.require(auth.UPLOAD)
        if not n_clicks:
            return no_update, no_update, no_update
        return None, None, dbc.Alert("Carga cancelada; no se guardó nada.", color="secondary",
                                     id="carga-cancelled")
