"""Plain Flask routes for files: the original workbook of a version, byte for byte."""

from __future__ import annotations

import io
from pathlib import Path

import flask
from sqlalchemy.orm import Session

from dashboard.services import get_services
from loaders.store.queries import original_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_TYPES = {".xls": "application/vnd.ms-excel",
              ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


def original_workbook(version_id: int):
    with Session(get_services().engine) as session:
        found = original_file(session, version_id)
    if found is None:
        flask.abort(404)
    name, content = found
    return flask.send_file(
        io.BytesIO(content), mimetype=MIME_TYPES.get(Path(name).suffix.lower(), XLSX),
        as_attachment=True, download_name=name,
        max_age=0,
    )


ERROR_PAGES = {
    404: "No se encontró lo que pidió.",
    405: "Esa operación no está permitida en esta dirección.",
    413: "El archivo o la solicitud pasa del tamaño permitido.",
    500: "Ocurrió un error en el servidor; sus datos guardados no se modificaron. Intente de nuevo.",
}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    message = ERROR_PAGES.get(code, ERROR_PAGES[500])
    body = (f"<!doctype html><html lang='es-MX'><meta charset='utf-8'><title>Tablero POA</title>"
            f"<h1>{message}</h1><p><a href='/'>Volver al tablero</a></p></html>")
    return flask.Response(body, status=code, mimetype="text/html")


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule(
        "/descargas/version/<int:version_id>", "original_workbook", original_workbook
    )
    for code in ERROR_PAGES:
        server.register_error_handler(code, _error_page)


def original_url(version_id: int) -> str:
    return f"/descargas/version/{version_id}"
