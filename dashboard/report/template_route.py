"""The official template's download: `/descargas/plantilla/<poa>.xlsx` writes the template of the
POA's current version (`loaders.template_issue`), for Planeación and administración only.

`/descargas/plantilla?poa=<poa>` is where the page's form (a native `<select>` and a button, no
JavaScript needed) sends the browser: it only redirects to the file's address.
"""

from __future__ import annotations

import html
import io
from urllib.parse import urlencode

import flask

from dashboard import auth
from dashboard.downloads import XLSX
from dashboard.services import get_services
from loaders.template_issue import TemplateUnavailable, issue_template

PATH = "/descargas/plantilla"


def template_url(plan_id: int) -> str:
    return f"{PATH}/{plan_id}.xlsx"


def _page(status: int, message: str, link: tuple[str, str] | None = None) -> flask.Response:
    href, text = link or ("/", "Volver al tablero")
    body = (f"<!doctype html><html lang='es-MX'><meta charset='utf-8'><title>Tablero POA</title>"
            f"<h1>{html.escape(message)}</h1><p><a href='{html.escape(href)}'>"
            f"{html.escape(text)}</a></p></html>")
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused() -> flask.Response | None:
    """The page refusing a user who may not issue templates, or None when the user may."""
    if auth.allowed(auth.UPLOAD):
        return None
    user = auth.current_user()
    if user is None:
        login = auth.LOGIN_PATH + "?" + urlencode({"siguiente": flask.request.full_path.rstrip("?")})
        return _page(401, "Para descargar la plantilla oficial ingrese con una cuenta de "
                          "Planeación.", (login, "Ingresar"))
    return _page(403, f"Su cuenta ({user.role_label}) no puede emitir plantillas: sólo la Unidad "
                      "de Planeación y administración.")


def template_route(plan_id: int):
    refused = _refused()
    if refused is not None:
        return refused
    try:
        issued = issue_template(get_services().engine, plan_id)
    except TemplateUnavailable as exc:
        return _page(404, exc.message, ("/plantilla", "Volver a la plantilla oficial"))
    auth.audit("template_issued", f"{issued.file_name} (POA {plan_id}, versión "
                                  f"{issued.version.number})")
    return flask.send_file(io.BytesIO(issued.data), mimetype=XLSX, as_attachment=True,
                           download_name=issued.file_name, max_age=0)


def template_form_route():
    """The page's form: `?poa=<id>` goes to that POA's template."""
    refused = _refused()
    if refused is not None:
        return refused
    poa = flask.request.args.get("poa", "")
    if not poa.isdigit():
        return _page(404, "Elija un POA.", ("/plantilla", "Volver a la plantilla oficial"))
    return flask.redirect(template_url(int(poa)))


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule(f"{PATH}/<int:plan_id>.xlsx", "plantilla_xlsx", template_route)
    server.add_url_rule(PATH, "plantilla_form", template_form_route)
