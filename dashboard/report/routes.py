"""Plain Flask routes for the Informe para cabildo: `/descargas/informe/<poa>.pdf` and `.xlsx`.

`?version=` picks a version of the POA (the current one when absent) and `?corte=AAAA-MM-DD` the
fecha de corte (today when absent or not a date). They are plain GET routes: the reading rule of
`auth` (open by default, sign-in when POA_LECTURA_ABIERTA=0) applies to them like to every page,
through the app's `before_request` gate.

The report's alignment section lists the fracciones of Art. 122 and the IOM dimensions that no
activity serves, from the version's stored alignment (`loaders.read.alignment`).
"""

from __future__ import annotations

import html
import io
import logging
from datetime import date
from urllib.parse import urlencode

import flask
from sqlalchemy.orm import Session

from dashboard.downloads import XLSX
from dashboard.report.data import build_report, file_name
from dashboard.report.pdf import FontsMissing, report_pdf
from dashboard.report.template_route import register_routes as register_template_routes
from dashboard.report.xlsx import report_xlsx
from dashboard.services import get_services
from dashboard.state import parse_corte
from loaders.check.alignment import alignment_sheet_of, coverage, gap_sentences, report_note
from loaders.store.budget import movements_of
from loaders.store.notes import version_followup
from loaders.store.queries import get_plan, list_versions, load_version, version_as_of
from loaders.store.reprogramming import goal_histories

PDF = "application/pdf"
PATH = "/descargas/informe"
log = logging.getLogger(__name__)


def report_url(plan_id: int, version_id: int | None, as_of: date, extension: str) -> str:
    params: dict[str, object] = {}
    if version_id is not None:
        params["version"] = version_id
    params["corte"] = as_of.isoformat()
    return f"{PATH}/{plan_id}.{extension}?{urlencode(params)}"


def _page(status: int, message: str) -> flask.Response:
    body = (f"<!doctype html><html lang='es-MX'><meta charset='utf-8'><title>Tablero POA</title>"
            f"<h1>{html.escape(message)}</h1><p><a href='/'>Volver al tablero</a></p></html>")
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _report(plan_id: int, extension: str):
    services = get_services()
    requested = flask.request.args.get("version")
    as_of = parse_corte(flask.request.args.get("corte"))
    with Session(services.engine) as session:
        plan = get_plan(session, plan_id)
        if plan is None:
            return _page(404, f"No existe el POA {plan_id}.")
        listed = list_versions(session, plan_id)
        versions = [v.id for v in listed]
        if requested is None or requested == "":
            default = version_as_of(listed, as_of)  # the pages' rule: latest by the fecha de corte
            version_id = default.id if default else None
        else:
            version_id = int(requested) if requested.isdigit() else None
            if version_id not in versions:
                return _page(404, "Ese POA no tiene esa versión.")
        if version_id is None:
            return _page(404, "Ese POA todavía no tiene versiones cargadas.")
        loaded = load_version(session, version_id)
        movements = movements_of(session, plan_id)
        followup, notes = version_followup(session, plan_id, version_id)
        reprogrammed = (goal_histories(session, plan_id, loaded.version.number)
                        if loaded is not None else [])
    if loaded is None:
        return _page(404, "Ese POA no tiene esa versión.")
    doc = loaded.doc
    aligned = coverage([a.number for a in doc.activities], doc.alignment)
    data = build_report(
        loaded, as_of, services.settings, movements, alignment_gaps=gap_sentences(aligned),
        alignment_note=report_note(aligned, alignment_sheet_of(doc.alignment)),
        reprogrammings=reprogrammed, followup=followup, notes=notes,
    )
    if extension == "pdf":
        try:
            content, mimetype = report_pdf(data), PDF
        except FontsMissing as exc:
            log.error("PDF report not generated: %s", exc)
            return _page(503, str(exc))
    else:
        content, mimetype = report_xlsx(data), XLSX
    return flask.send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                           download_name=file_name(data, extension), max_age=0)


def report_pdf_route(plan_id: int):
    return _report(plan_id, "pdf")


def report_xlsx_route(plan_id: int):
    return _report(plan_id, "xlsx")


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule(f"{PATH}/<int:plan_id>.pdf", "informe_pdf", report_pdf_route)
    server.add_url_rule(f"{PATH}/<int:plan_id>.xlsx", "informe_xlsx", report_xlsx_route)
    register_template_routes(server)  # the official template (Planeación): /descargas/plantilla
