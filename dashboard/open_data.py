"""The open-data download: `/descargas/datos-abiertos.zip?corte=AAAA-MM-DD`, the ZIP that
`python -m loaders exportar` writes (`loaders.export`): every real POA's version in force on the
fecha de corte as CSV and JSON, with its data dictionary.

A plain GET route: the reading rule of `auth` (open by default, sign-in when
POA_LECTURA_ABIERTA=0) applies to it through the app's gate, as to the pages. Without `corte`, or
with one that is not a date, the fecha de corte is today (as the Informe's route). What it
publishes on a fecha de corte is computed once per data revision (`dashboard.open_cache`).
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

import flask

from dashboard.open_cache import kept
from dashboard.services import get_services
from dashboard.state import parse_corte
from loaders.export.files import zip_bytes
from loaders.export.rows import OpenData, open_data

PATH = "/descargas/datos-abiertos.zip"
ZIP = "application/zip"


def download_url(as_of: date) -> str:
    return f"{PATH}?{urlencode({'corte': as_of.isoformat()})}"


def file_name(as_of: date) -> str:
    return f"datos_abiertos_poa_{as_of.isoformat()}.zip"


def published(as_of: date) -> OpenData:
    """The open data on `as_of` (computed once per data revision and settings)."""
    services = get_services()
    data, _ = kept("datos", (as_of.isoformat(),),
                   lambda: open_data(services.engine, as_of, services.settings))
    return data


def open_data_zip():
    as_of = parse_corte(flask.request.args.get("corte"))
    content = zip_bytes(published(as_of))
    return flask.send_file(io.BytesIO(content), mimetype=ZIP, as_attachment=True,
                           download_name=file_name(as_of), max_age=0)


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule(PATH, "datos_abiertos_zip", open_data_zip)
