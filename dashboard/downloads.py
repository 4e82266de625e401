"""Plain Flask routes for files: the original workbook of a version, byte for byte."""

from __future__ import annotations

import io

import flask
from sqlalchemy.orm import Session

from dashboard.services import get_services
from loaders.queries import original_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def original_workbook(version_id: int):
    with Session(get_services().engine) as session:
        found = original_file(session, version_id)
    if found is None:
        flask.abort(404)
    name, content = found
    return flask.send_file(
        io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name,
        max_age=0,
    )


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule(
        "/descargas/version/<int:version_id>", "original_workbook", original_workbook
    )


def original_url(version_id: int) -> str:
    return f"/descargas/version/{version_id}"
