"""Carga: the planning unit uploads an area's workbook, sees a preview, then saves or cancels.

Nothing is stored as a version until "Guardar versión". The file travels once: it is staged on the
server (loaders.store.staging) and the preview's edits — identity, the column mapping — and
"Guardar" name it by its token. The columns the vocabulary cannot place are mapped in the preview;
the mapping is saved with the version and as the área's profile, applied to its next workbooks of
the same layout (loaders.store.mappings).
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
from dashboard.components import (
    SEVERITY_COLORS,
    SEVERITY_WORDS,
    pct,
    scroll_region,
    severity_badge,
)
from dashboard.services import get_services
from loaders.check.diff import compare
from loaders.check.reprogramming import MOTIVO_LIMIT, clean_motivo, unjustified
from loaders.errors import NotAPoaWorkbook, StorageUnavailable
from loaders.imports import area_fingerprint, prepare_upload
from loaders.mapping import FIELD_LABELS, IGNORE
from loaders.mapping import FIELDS as MAP_FIELDS
from loaders.read.package import MB
from loaders.read.poa import SeveralAreas
from loaders.report import mapping_questions, reading_summary
from loaders.store import staging
from loaders.store.mappings import Profile, list_profiles, profile_for, remove_profile
from loaders.store.queries import load_version, plan_for_identity
from loaders.store.reprogramming import Pending, against_latest
from loaders.store.versions import AlreadyImported, Upload, find_duplicate, save_upload
from loaders.template_diff import comparison_version
from loaders.template_diff import upload_findings as template_findings
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
STAGE = "carga-stage"  # {"token", "file", "area", "notice"} of the staged upload on screen
MAP_SELECT = "carga-map"  # one per header: {"type": MAP_SELECT, "key": header key}
MAPPING = "carga-mapping"
AUTO = "auto"  # the selector's value for "the reader decides"
PROFILES = "carga-profiles"
REPROGRAMMINGS = "carga-reprogrammings"  # the goal and date changes, first in the preview
JUSTIFICATION = "carga-justification"  # their motivo, one for all, right above «Guardar»
JUSTIFICATION_BOX = "carga-justification-box"
NO_JUSTIFICATION_REFUSAL = ("No se guardó: escriba la justificación de las reprogramaciones "
                            "(por qué cambian las metas o las fechas) junto a «Guardar versión».")
PROFILE_REMOVE = "carga-profile-remove"  # {"type": PROFILE_REMOVE, "id": profile id}
# How the preview says where a column's field came from (loaders.read.tables.Column.source).
SOURCE_WORDS = {
    "vocabulario": "reconocida",
    "palabras": "reconocida por las palabras del encabezado",
    "mapa": "elegida en el mapeo",
    "ocupado": "repite un campo ya leído de otra columna: elija",
    "": "sin usar",
}


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


def _owner() -> str:
    return auth.who()


def _read(data: bytes, filename: str, identity=None, area=None, mapping=None) -> Upload:
    services = get_services()
    upload = prepare_upload(data, services.settings, file_name=filename or "libro.xlsx",
                            as_of=date.today(), identity=identity, area=area, mapping=mapping)
    upload.findings.extend(template_findings(services.engine, upload))  # an official template
    return upload


def _read_staged(stage: dict | None, identity=None, area=None) -> Upload:
    """Read the staged upload again (its mapping included); NotAPoaWorkbook when it expired."""
    staged = staging.fetch(get_services().engine, (stage or {}).get("token"), owner=_owner())
    return _read(staged.data, staged.file_name, identity, area, staged.mapping)


def _with_profile(upload: Upload, data: bytes, area: str | None) -> tuple[Upload, str | None]:
    """The upload read with its área's saved mapping when one fits, and the sentence saying so."""
    with Session(get_services().engine) as session:
        profile = profile_for(session, upload.doc)
    if profile is None or upload.mapping:
        return upload, None
    mapped = _read(data, upload.file_name, area=area, mapping=profile.mapping)
    return mapped, _profile_notice(profile)


def _profile_notice(profile: Profile) -> str:
    return (f"Se aplicó el mapeo guardado del {fmt_date(profile.created_at)} "
            f"(por {profile.created_by}) para el área «{profile.area}»: "
            + "; ".join(f"«{profile.headers.get(k, k)}» → {FIELD_LABELS[v]}"
                        for k, v in profile.mapping.items()) + ".")


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
    """What changed against the current version of the POA this upload belongs to — or, for an
    official template, against the version it was issued from."""
    engine = get_services().engine
    issued_from = comparison_version(engine, upload)
    if issued_from is not None:
        current = issued_from
    else:
        with Session(engine) as session:
            plan = plan_for_identity(session, upload.doc.plan)
            current = load_version(session, plan.current_version_id) if plan else None
    diff = compare(current.doc if current else None, upload.doc)
    if current is None:
        return html.Div([html.P(diff.summary, id="carga-diff-summary"),
                         html.P("Se creará un POA nuevo con esta versión.", className="text-muted")])
    items = [html.Li(change.message) for change in diff.changes]
    against = (f"Contra la versión {current.version.number} del "
               f"{fmt_date(current.version.uploaded_at)}"
               + (", de la que se emitió esta plantilla" if issued_from is not None else ""))
    return html.Div([
        html.P(f"{against}: {diff.summary}", id="carga-diff-summary"),
        html.Ul(items, id="carga-diff-list") if items else None,
    ])


def _pending(upload: Upload) -> Pending:
    """The reprogramaciones saving this upload would record (against its POA's latest version)
    and their findings."""
    with Session(get_services().engine) as session:
        plan = plan_for_identity(session, upload.doc.plan)
        return against_latest(session, plan.id if plan else None, upload.doc, upload.as_of)


def reprogrammings_view(found: Pending) -> html.Div:
    """First in the preview: each change of a meta anual, meta programada, inicio or fin against
    the POA's latest version; «Guardar» needs their justification."""
    items = found.check.reprogrammings
    if not items or found.previous is None:
        return html.Div(id=REPROGRAMMINGS)
    v = found.previous
    return html.Div(dbc.Alert([
        html.H3(f"Reprogramaciones ({len(items)})", className="h5"),
        html.P(f"Cambian metas o fechas contra la versión {v.number} del "
               f"{fmt_date(v.uploaded_at)}. Para guardar, escriba por qué en «Justificación de "
               "las reprogramaciones», junto a «Guardar versión»; quedará registrado con su "
               "cuenta como quien lo aprobó.", className="mb-2"),
        html.Ul([html.Li(r.description) for r in items], id="carga-reprogramming-list",
                className="reprogramming-list mb-0"),
    ], color="warning", className="mb-3"), id=REPROGRAMMINGS)


def justification_view(found: Pending) -> html.Div:
    """The motivo of the reprogramaciones, one text for all (hidden when there are none)."""
    count = len(found.check.reprogrammings) if found.previous is not None else 0
    return html.Div([
        dbc.Label(f"Justificación de las reprogramaciones ({count}, obligatoria)",
                  html_for=JUSTIFICATION, className="fw-bold"),
        dbc.Textarea(id=JUSTIFICATION, maxLength=MOTIVO_LIMIT, rows=3,
                     placeholder="Por qué cambian las metas o las fechas, y quién lo acordó "
                                 "(oficio, acta, fecha)."),
        dbc.FormFeedback(NO_JUSTIFICATION_REFUSAL, type="invalid", id=JUSTIFICATION + "-feedback"),
        html.Div("Un texto para todas las reprogramaciones de esta versión. Se guarda con la "
                 "versión, a nombre de su cuenta.", className="form-text"),
    ], id=JUSTIFICATION_BOX, hidden=not count, className="mb-3")


def _findings_view(findings: list) -> html.Div:
    groups = []
    for severity, word in SEVERITY_WORDS.items():
        group = [f for f in findings if f.severity == severity]
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


def preview_view(upload: Upload, areas: list[str] | None = None, area: str | None = None,
                 notice: str | None = None) -> html.Div:
    return html.Div([areas_view(upload, areas or [], area), preview_body(upload, area, notice)])


def _field_text(field: str | None, month: int | None) -> str:
    if field == "months" and month:
        return FIELD_LABELS[f"month:{month}"]
    return FIELD_LABELS.get(field or "", "sin usar")


def mapping_view(upload: Upload, notice: str | None) -> html.Div:
    """Every header of the activity tables: where it is, three values below it, the field it
    fills and a selector to change it. What must be settled comes first."""
    doc = upload.doc
    questions = mapping_questions(doc)
    by_key: dict[str, list] = {}
    for column in doc.columns:
        if column.table == "activities" and column.key:
            by_key.setdefault(column.key, []).append(column)
    options = [{"label": FIELD_LABELS[internal], "value": internal}
               for internal in MAP_FIELDS.values()]
    rows = []
    for key, columns in by_key.items():
        first = columns[0]
        samples = next((c.samples for c in columns if c.samples), ())
        current = _field_text(first.field, first.month)
        rows.append(html.Tr([
            html.Td(", ".join(f"{c.sheet}!{c.cell}" for c in columns), className="small"),
            html.Td(first.header),
            html.Td(" · ".join(samples) or "—", className="small text-muted"),
            html.Td([
                html.Label([  # the select's accessible name: the label around it
                    html.Span(f"Campo de la columna «{first.header}»", className="visually-hidden"),
                    dbc.Select(id={"type": MAP_SELECT, "key": key}, size="sm",
                               value=upload.mapping.get(key, AUTO),
                               options=[{"label": "Automático (sin mapeo)"
                                         if key in upload.mapping
                                         else f"Automático: {current}", "value": AUTO},
                                        *options]),
                ], className="w-100 mb-0"),
                html.Small(SOURCE_WORDS.get(first.source, ""), className="text-muted"),
            ]),
        ], className="needs-choice" if first.source in ("", "ocupado") and questions else None))
    return html.Div([
        html.Details([
            html.Summary(f"Columnas leídas ({len(rows)}): encabezado, ejemplos y campo"),
            html.P("Cambie el campo de una columna y el libro se vuelve a leer al momento. Lo que "
                   "elija se guarda con la versión y como mapeo del área: el próximo libro del "
                   "área con el mismo acomodo se lee igual.", className="small text-muted mt-2"),
            scroll_region(dbc.Table([
                html.Thead(html.Tr([html.Th(h) for h in (
                    "Dónde", "Encabezado", "Ejemplos", "Campo")])),
                html.Tbody(rows)], size="sm", className="align-middle mapping-table"),
                "Columnas leídas (se desplaza a los lados)"),
        ], open=bool(questions or upload.mapping), id=MAPPING, className="mb-3"),
    ])


def questions_view(upload: Upload, notice: str | None) -> list:
    """First in the preview: what the clerk must settle, and a saved mapping applied."""
    questions = mapping_questions(upload.doc)
    return [
        dbc.Alert([html.Strong("Falta decidir qué contienen algunas columnas; elíjalo en "
                               "«Columnas leídas», más abajo. "),
                   html.Ul([html.Li(q) for q in questions], className="mb-0")],
                  color="warning", id="carga-questions") if questions else None,
        dbc.Alert(notice, color="info", id="carga-profile-notice") if notice else None,
    ]


def preview_body(upload: Upload, area: str | None, notice: str | None = None) -> html.Div:
    doc = upload.doc
    found = _pending(upload)
    findings = [*upload.findings, *(f for f in found.check.findings if f not in upload.findings)]
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
        reprogrammings_view(found),
        *questions_view(upload, notice),
        identity_form,
        dbc.Row([
            dbc.Col([html.H3("Qué cambió", className="h5"), html.Div(changes_view(upload),
                                                                     id=CHANGES)], lg=6),
            dbc.Col([html.H3("Hallazgos", className="h5"), _findings_view(findings)], lg=6),
        ], className="mb-3"),
        html.H3(reading_summary(doc), className="h5", id="carga-activity-count"),
        mapping_view(upload, notice),
        # on a phone these tables scroll sideways in their own box, reachable by keyboard
        scroll_region(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
            "Nº", "Actividad", "Alcanzada", "% declarado", "Inicio", "Fin")])),
            html.Tbody(activity_rows)], size="sm", striped=True),
            "Actividades leídas (se desplaza a los lados)"),
        html.H3(f"Presupuesto: {len(doc.budget)} partidas, "
                f"{fmt_money(sum(b.approved or 0 for b in doc.budget))}", className="h5"),
        scroll_region(dbc.Table([html.Thead(html.Tr([html.Th("Partida"), html.Th("Nombre"),
                                                    html.Th("Importe", className="text-end")])),
                                html.Tbody(budget_rows)], size="sm", striped=True),
                      "Presupuesto leído (se desplaza a los lados)"),
        justification_view(found),
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
        # The label around the zone names its file input for screen readers (dcc.Upload has no
        # label of its own); the zone's own click is off, so a click opens one dialog, the label's.
        html.Label(dcc.Upload(
            id=UPLOAD,
            children=html.Div(["Arrastre aquí el archivo .xlsx, .xls u .ods o ",
                               html.Span("elíjalo en su equipo", className="link-like")]),
            accept=(".xlsx,.xls,.ods,"
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                    "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet"),
            max_size=int((limit + 1) * MB),
            multiple=False,
            disable_click=True,
            className="upload-zone",
        ), className="d-block mb-0"),
        html.Div(f"Límite: {limit:,.0f} MB. Se aceptan libros .xlsx, .xls y .ods sin macros ni "
                 "contraseña.",
                 className="form-text mb-3"),
        dcc.Loading(html.Div(id=RESULT), type="default"),
        dcc.Loading(html.Div(id=PREVIEW), type="circle",
                    overlay_style={"visibility": "visible", "opacity": 0.5}),
        dcc.Store(id=STAGE),
        html.Div(profiles_view(), id=PROFILES, className="mt-5"),
    ])


def profiles_view() -> html.Div:
    """The áreas' saved column mappings, each with a button to remove it."""
    with Session(get_services().engine) as session:
        profiles = list_profiles(session)
    if not profiles:
        return html.Div([html.H2("Mapeos de columnas guardados", className="h5"),
                         html.P("Ningún área tiene un mapeo guardado.", className="text-muted")])
    rows = [html.Tr([
        html.Td(p.area or "(sin área)"), html.Td(p.municipio or "—"),
        html.Td("; ".join(f"«{p.headers.get(k, k)}» → {FIELD_LABELS[v]}"
                          for k, v in p.mapping.items()), className="small"),
        html.Td(f"{fmt_date(p.created_at)}, {p.created_by}", className="small"),
        html.Td(dbc.Button("Quitar", id={"type": PROFILE_REMOVE, "id": p.id}, size="sm",
                           color="danger", outline=True,
                           title=f"Quitar el mapeo del área «{p.area}»")),
    ]) for p in profiles]
    return html.Div([
        html.H2("Mapeos de columnas guardados", className="h5"),
        html.P("Cada área usa su mapeo al leer sus próximos libros con el mismo acomodo.",
               className="text-muted small"),
        html.Div(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
            "Área", "Municipio", "Columnas", "Guardado", "")])), html.Tbody(rows)],
            size="sm", className="align-middle"), className="table-responsive"),
    ])


def _stage_of(token: str, filename: str, area: str | None, notice: str | None) -> dict:
    return {"token": token, "file": filename, "area": area, "notice": notice}


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children"),
        Output(RESULT, "children", allow_duplicate=True),
        Output(STAGE, "data"),
        Input(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def read_upload(contents, filename):
        """The file arrives once: staged on the server, read (with the área's saved mapping
        when one fits) and previewed."""
        auth.require(auth.UPLOAD)
        if not contents:  # cleared after saving or cancelling
            return no_update, no_update, no_update
        area = None
        try:
            data = decode_upload(contents)
            try:
                upload = _read(data, filename)
            except SeveralAreas as several:  # the first área first; a button for each
                area = several.areas[0]
                upload = _read(data, filename, area=area)
            upload, notice = _with_profile(upload, data, area)
            token = staging.stage(get_services().engine, data, upload.file_name, owner=_owner(),
                                  mapping=upload.mapping)
        except NotAPoaWorkbook as exc:
            auth.audit("upload_refused", f"{filename}: {exc.message}")
            return None, dbc.Alert([html.Strong("No se pudo leer el archivo. "), exc.message],
                                   color="danger", id="carga-error"), None
        if area is None:
            with Session(get_services().engine) as session:
                duplicate = find_duplicate(session, upload.sha256)
            if duplicate:
                auth.audit("upload_duplicate", f"{filename}: {duplicate}")
                staging.discard(get_services().engine, token, owner=_owner())
                return None, dbc.Alert(str(duplicate), color="warning", id="carga-error"), None
        stage = _stage_of(token, upload.file_name, area, notice)
        return preview_view(upload, list(upload.areas), area, notice), None, stage

    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children", allow_duplicate=True),
        Output(STAGE, "data", allow_duplicate=True),
        Input({"type": AREA_BUTTON, "area": ALL}, "n_clicks"),
        State(STAGE, "data"),
        prevent_initial_call=True,
    )
    def area_chosen(clicks, stage):
        """Another área of a workbook of several: its own preview, its own «Guardar»."""
        auth.require(auth.UPLOAD)
        trigger = dash.ctx.triggered_id
        if not stage or not isinstance(trigger, dict) or not any(clicks or []):
            return no_update, no_update  # the buttons were just drawn
        area = trigger["area"]
        try:
            upload = _read_staged(stage, area=area)
        except NotAPoaWorkbook as exc:
            return dbc.Alert(exc.message, color="danger", id="carga-error"), no_update
        stage = {**stage, "area": area}
        return preview_view(upload, list(upload.areas), area, stage.get("notice")), stage

    @auth.callback(
        app, auth.UPLOAD,
        Output(CHANGES, "children"),
        Output(REPROGRAMMINGS, "children"),
        Output(JUSTIFICATION_BOX, "hidden"),
        [Input(FIELDS[k], "value") for k in FIELDS],
        State(STAGE, "data"),
        prevent_initial_call=True,
    )
    def identity_edited(municipio, direccion, area, year, stage):
        """Another identity may be another POA: what changed and its reprogramaciones again."""
        auth.require(auth.UPLOAD)
        try:
            upload = _read_staged(stage, _identity(
                {"municipio": municipio, "direccion": direccion, "area": area,
                 "fiscal_year": year}), area=(stage or {}).get("area"))
        except NotAPoaWorkbook:
            return no_update, no_update, no_update
        found = _pending(upload)
        return (changes_view(upload), reprogrammings_view(found).children,
                justification_view(found).hidden)

    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children", allow_duplicate=True),
        Input({"type": MAP_SELECT, "key": ALL}, "value"),
        State({"type": MAP_SELECT, "key": ALL}, "id"),
        State(STAGE, "data"),
        [State(FIELDS[k], "value") for k in FIELDS],
        prevent_initial_call=True,
    )
    def mapping_changed(values, ids, stage, municipio, direccion, area, year):
        """A column's field chosen: the staged file is read again with the new mapping."""
        auth.require(auth.UPLOAD)
        if not stage or not ids:
            return no_update
        mapping = {i["key"]: v for i, v in zip(ids, values, strict=True)
                   if v in MAP_FIELDS.values() or v == IGNORE}
        engine, owner = get_services().engine, _owner()
        try:
            staged = staging.fetch(engine, stage.get("token"), owner=owner)
            if mapping == staged.mapping:
                return no_update  # the selectors were just drawn
            upload = _read(staged.data, staged.file_name, _identity(
                {"municipio": municipio, "direccion": direccion, "area": area,
                 "fiscal_year": year}), area=stage.get("area"), mapping=mapping)
            staging.set_mapping(engine, stage["token"], upload.mapping, owner=owner)
        except NotAPoaWorkbook as exc:
            return dbc.Alert(exc.message, color="danger", id="carga-error")
        return preview_view(upload, list(upload.areas), stage.get("area"))

    @auth.callback(
        app, auth.UPLOAD,
        Output(RESULT, "children"),
        Output(PREVIEW, "children", allow_duplicate=True),
        Output(UPLOAD, "contents"),
        Output(STAGE, "data", allow_duplicate=True),
        Output(PROFILES, "children", allow_duplicate=True),
        Output(JUSTIFICATION, "invalid"),
        Input(SAVE, "n_clicks"),
        State(STAGE, "data"),
        [State(FIELDS[k], "value") for k in FIELDS],
        State(JUSTIFICATION, "value"),
        prevent_initial_call=True,
    )
    def save(n_clicks, stage, municipio, direccion, area, year, justification):
        auth.require(auth.UPLOAD)
        if not n_clicks:
            return no_update, no_update, no_update, no_update, no_update, no_update
        identity = _identity({"municipio": municipio, "direccion": direccion, "area": area,
                              "fiscal_year": year})
        if not identity["area"] or not identity["fiscal_year"]:
            return (dbc.Alert("Indique al menos el área y el año fiscal antes de guardar.",
                              color="warning", id="carga-error"), no_update, no_update, no_update,
                    no_update, no_update)
        chosen = (stage or {}).get("area")
        filename = (stage or {}).get("file", "")
        engine = get_services().engine
        justification = clean_motivo(justification)
        try:
            upload = _read_staged(stage, identity, area=chosen)
            # What would be saved, read again: a reprogramación is never saved without its motivo.
            # Refused beside the text box, right above «Guardar»; the preview stays as it is.
            if unjustified(_pending(upload).check.reprogrammings, justification):
                return None, no_update, no_update, no_update, no_update, True
            stored = save_upload(engine, upload, uploaded_by=auth.who(),
                                 remote_addr=auth.remote_addr(), justification=justification)
        except NotAPoaWorkbook as exc:
            auth.audit("upload_refused", f"{filename}: {exc.message}")
            return (dbc.Alert(exc.message, color="danger", id="carga-error"), None, None, None,
                    no_update, no_update)
        except AlreadyImported as exc:
            return (dbc.Alert(str(exc), color="warning", id="carga-error"), None, None, None,
                    no_update, no_update)
        except StorageUnavailable as exc:  # the preview and the file stay: the user may retry
            return (dbc.Alert(exc.message, color="warning", id="carga-error"), no_update,
                    no_update, no_update, no_update, False)
        query = f"?poa={stored.plan_id}&version={stored.version_id}"
        # A workbook of several áreas stays open, so the next área can be reviewed and saved.
        keep = len(upload.areas) > 1
        if not keep:
            staging.discard(engine, stage.get("token"), owner=_owner())
        mapped = (" Se guardó el mapeo de columnas del área." if upload.mapping else "")
        if stored.reprogrammings:
            n = len(stored.reprogrammings)
            mapped += (" Se registró 1 reprogramación con su justificación." if n == 1 else
                       f" Se registraron {n} reprogramaciones con su justificación.")
        return dbc.Alert([
            html.Strong(f"Guardada la versión {stored.number}"
                        + (f" del área «{upload.doc.plan.area}». " if keep else ". ")),
            f"{len(stored.findings)} hallazgos.{mapped} ",
            dcc.Link("Ver el resumen", href=dash.get_relative_path("/") + query,
                     className="alert-link"), " · ",
            dcc.Link("Ver el historial", href=dash.get_relative_path("/historial") + query,
                     className="alert-link"),
        ], color="success", id="carga-saved"), (
            preview_view(upload, list(upload.areas), chosen) if keep else None
        ), (no_update if keep else None), (no_update if keep else None), (
            profiles_view() if upload.mapping else no_update), no_update

    @auth.callback(
        app, auth.UPLOAD,
        Output(PREVIEW, "children", allow_duplicate=True),
        Output(UPLOAD, "contents", allow_duplicate=True),
        Output(RESULT, "children", allow_duplicate=True),
        Output(STAGE, "data", allow_duplicate=True),
        Input(CANCEL, "n_clicks"),
        State(STAGE, "data"),
        prevent_initial_call=True,
    )
    def cancel(n_clicks, stage):
        auth.require(auth.UPLOAD)
        if not n_clicks:
            return no_update, no_update, no_update, no_update
        staging.discard(get_services().engine, (stage or {}).get("token"), owner=_owner())
        return None, None, dbc.Alert("Carga cancelada; no se guardó nada.", color="secondary",
                                     id="carga-cancelled"), None

    @auth.callback(
        app, auth.UPLOAD,
        Output(PROFILES, "children"),
        Input({"type": PROFILE_REMOVE, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def profile_removed(clicks):
        """Planeación removes an área's saved mapping: its next workbooks are read without it."""
        auth.require(auth.UPLOAD)
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks or []):
            return no_update
        with Session(get_services().engine) as session, session.begin():
            removed = remove_profile(session, int(trigger["id"]))
        if removed:
            auth.audit("profile_removed", f"mapeo de columnas del área «{removed.area}» "
                       f"({removed.municipio or 'sin municipio'})")
        return profiles_view()
