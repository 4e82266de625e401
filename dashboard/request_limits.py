"""Callback requests are small, except the uploads: the body's size is checked before anything
parses it or looks the session up in the database, and a body that is not a callback is a 400.

An anonymous client posting megabytes of JSON (`[{},{},…]`) used to be parsed whole before the
permission gate refused it. Now a callback body over `SMALL_BODY` is refused at once unless the
request carries a session cookie, and then unless that account may upload a workbook (Planeación,
administración) or record spending (dirección): only their callbacks carry files.
"""

from __future__ import annotations

import dash
import flask

from dashboard import auth
from loaders.store.accounts import BUDGET, UPLOAD, may

SMALL_BODY = 256 * 1024  # bytes: the largest callback body that is not an upload
TOO_LARGE = "La solicitud es demasiado grande."
MALFORMED = "Solicitud mal formada."


def _refuse(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"error": message})
    response.status_code = status
    return response


def check_callback_body(app: dash.Dash) -> flask.Response | None:
    prefix = app.config.routes_pathname_prefix.rstrip("/")
    request = flask.request
    if request.method != "POST" or request.path != prefix + auth.CALLBACK_PATH:
        return None
    length = request.content_length
    if length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return _refuse(411, "Falta el tamaño de la solicitud (Content-Length).")
    length = length or 0
    if length > SMALL_BODY:
        cookie = app.server.config.get("SESSION_COOKIE_NAME", "session")
        if not request.cookies.get(cookie):  # no session: nothing is parsed or looked up
            return _refuse(413, TOO_LARGE)
        user = auth.current_user()
        if not (may(user, UPLOAD) or may(user, BUDGET)):
            return _refuse(413, TOO_LARGE)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return _refuse(400, MALFORMED)
    return None


def register(app: dash.Dash) -> None:
    """Runs before the permission gate: register it before `auth.register`."""
    app.server.before_request(lambda: check_callback_body(app))
