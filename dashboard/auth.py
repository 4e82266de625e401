"""Sign-in, sessions and the server-side rule of who may run which callback.

Every Dash callback is registered through `callback(app, permission, ...)`, which records the
permission of its output in a per-app policy. A `before_request` gate looks the posted output up
in that policy and refuses, before Dash runs anything, a request whose signed session does not
belong to an active account with the right role (read from the database on every request).
An output the policy does not know is refused: a new callback cannot be forgotten open.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import dash
import flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.services import get_services
from loaders.settings import Settings
from loaders.store.accounts import (
    ADMIN,
    BUDGET,
    PERMISSION_WORDS,
    READ,
    UPLOAD,
    AccountError,
    User,
    authenticate,
    end_sessions,
    get_user,
    may,
    may_budget,
)
from loaders.store.schema import Plan
from loaders.store.versions import record_audit

__all__ = ["ADMIN", "BUDGET", "READ", "UPLOAD"]

POLICY = "tablero_poa_policy"
LOGIN_PATH = "/ingresar"
LOGOUT_PATH = "/salir"
BUDGET_LANDING = "/presupuesto"  # a director's page after signing in (`landing`)
CALLBACK_PATH = "/_dash-update-component"
# Static files the sign-in page itself needs; they hold no data.
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
DASH_JSON = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash", CALLBACK_PATH)
API_PREFIX = "/api/"  # the JSON API (dashboard.api): refused with JSON too, never redirected
# Placeholders people copy from examples; refused as a production secret.
KNOWN_SECRETS = {"", "secret", "changeme", "cambiame", "cambia-esta-clave", "dev", "development"}
MIN_SECRET = 32
# Flask config key of a function returning the current time (seconds since the epoch), for tests.
CLOCK = "TABLERO_POA_CLOCK"
# Control characters, and the backslash browsers read as a slash: never in a redirect target.
_UNSAFE_IN_TARGET = {chr(c) for c in range(0x20)} | {"\x7f", "\\"}
# Dash Pages' own router callback (registered by Dash at the first request): renders a page's
# layout, so it needs the read permission. A test checks that every server callback has a policy.
PAGES_ROUTER = ".._pages_content.children..._pages_store.data.."
log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The app must not start this way; the message says why, in Spanish."""


# -- the secret and the production rules ---------------------------------------------------------


def secret_key(settings: Settings) -> str:
    """The key that signs sessions.

    Production: POA_SECRET_KEY must be set, not a known placeholder and at least 32 characters,
    and debug must be off. Local install: POA_SECRET_KEY if set, else a random key generated
    once and kept in POA_DATA_DIR/secret_key (so sessions survive restarts and all workers agree).
    """
    key = settings.secret_key.strip()
    if settings.production:
        if key.lower() in KNOWN_SECRETS or len(key) < MIN_SECRET:
            raise ConfigurationError(
                "En modo producción (POA_PRODUCCION=1) defina POA_SECRET_KEY con una clave propia "
                f"de al menos {MIN_SECRET} caracteres, por ejemplo la salida de "
                "`python -c \"import secrets; print(secrets.token_hex(32))\"`."
            )
        for name in ("FLASK_DEBUG", "DASH_DEBUG"):
            if os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}:
                raise ConfigurationError(
                    f"En modo producción no se permite la depuración: quite {name}."
                )
        return key
    if key:
        return key
    path = Path(settings.data_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole to a temporary file, then linked into place: a process starting at the
        # same moment reads either no file or the complete key, and the first link wins.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32))
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip()


# -- who is asking ---------------------------------------------------------------------------------


def remote_addr() -> str:
    return (flask.request.remote_addr or "") if flask.has_request_context() else ""


def clock() -> float:
    """Now, in seconds since the epoch (tests put another function in the app's config)."""
    return flask.current_app.config.get(CLOCK, time.time)()


def _session_alive(now: float) -> bool:
    """Whether the signed session is within its absolute lifetime and its idle timeout."""
    settings = get_services().settings
    since, seen = flask.session.get("since"), flask.session.get("seen")
    if not isinstance(since, int | float) or not isinstance(seen, int | float):
        return False  # a session signed before these rules, or forged: sign in again
    return (now < since + settings.session_hours * 3600
            and now < seen + settings.idle_minutes * 60)


def current_user() -> User | None:
    """The signed-in, active account of this request (from the session and the database).

    A session also ends, for good, past its absolute lifetime from sign-in, after its idle
    timeout, and when its account signs out (the stamp in the database changes). A live session
    records this request as its latest use; that never moves its absolute end.
    """
    if not flask.has_request_context():
        return None
    if "tablero_user" in flask.g:
        return flask.g.tablero_user
    user = None
    uid, stamp = flask.session.get("uid"), flask.session.get("stamp")
    if isinstance(uid, int) and isinstance(stamp, str):
        now = clock()
        found = None
        if _session_alive(now):
            with Session(get_services().engine) as session:
                found = get_user(session, uid)
        if found and found.active and hmac.compare_digest(found.session_stamp, stamp):
            user = found
            flask.session["seen"] = int(now)
        else:
            flask.session.clear()  # expired or void: the browser drops it
    flask.g.tablero_user = user
    return user


def allowed(permission: str) -> bool:
    return may(current_user(), permission, public_read=get_services().settings.public_read)


def may_record_budget(plan_id: int | None) -> bool:
    """Whether the current user may write the budget of this POA (role and area)."""
    if plan_id is None:
        return False
    with Session(get_services().engine) as session:
        plan = session.get(Plan, plan_id)
        return may_budget(current_user(), plan)


def who() -> str:
    """The name written in versions, movements and the audit trail for the current user."""
    user = current_user()
    return user.username if user else "anónimo"


def audit(action: str, detail: str) -> None:
    """An audit entry for the current user and address, in its own transaction."""
    with Session(get_services().engine) as session, session.begin():
        record_audit(session, action, user=who(), detail=detail, remote_addr=remote_addr())


class Refused(PermissionError):
    """Raised inside a callback whose user lacks the permission (the gate refuses earlier)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def require(permission: str) -> User | None:
    """The current user, if it holds `permission`; else `Refused` with a Spanish sentence."""
    if not allowed(permission):
        raise Refused(refusal_text(permission))
    return current_user()


def require_budget(plan_id: int | None) -> User:
    """The current user, if it may record the budget of this POA (role and area)."""
    require(BUDGET)
    if not may_record_budget(plan_id):
        raise Refused("Su cuenta no tiene asignada el área de este POA; solo puede registrar el "
                      "ejercicio de sus propias áreas.")
    return current_user()


def refusal_text(permission: str) -> str:
    user = current_user()
    if user is None:
        return f"Para {PERMISSION_WORDS[permission]} ingrese con su cuenta."
    return (f"Su cuenta ({user.role_label}) no tiene permiso para "
            f"{PERMISSION_WORDS[permission]}.")


# -- callbacks -------------------------------------------------------------------------------------


def policy(app: dash.Dash) -> dict[str, str]:
    return app.server.extensions.setdefault(POLICY, {})


def callback(app: dash.Dash, permission: str, *args, **kwargs):
    """`app.callback(*args, **kwargs)` that also records the permission its request needs."""
    if permission not in PERMISSION_WORDS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorator(func):
        before = set(app.callback_map)
        result = app.callback(*args, **kwargs)(func)
        for key in set(app.callback_map) - before:
            policy(app)[key] = permission
        return result

    return decorator


def _refuse(status: int, message: str):
    response = flask.jsonify({"error": message})
    response.status_code = status
    return response


def _gate(app: dash.Dash):
    settings = get_services().settings
    path = flask.request.path
    prefix = app.config.routes_pathname_prefix.rstrip("/")
    if prefix and path.startswith(prefix):
        path = path[len(prefix):] or "/"
    if path in (LOGIN_PATH, LOGOUT_PATH) or path.startswith(OPEN_PREFIXES):
        return None
    user = current_user()
    if path == CALLBACK_PATH:
        body = flask.request.get_json(silent=True)
        key = body.get("output") if isinstance(body, dict) else None
        permission = policy(app).get(key) if isinstance(key, str) else None
        if permission is None:
            log.warning("refused callback with unknown output %r", key)
            return _refuse(403, "Operación no permitida.")
        if not may(user, permission, public_read=settings.public_read):
            return _refuse(401 if user is None else 403, refusal_text(permission))
        return None
    if settings.public_read or user is not None:
        return None
    if path in DASH_JSON or path.startswith(API_PREFIX):
        return _refuse(401, "Ingrese con su cuenta para consultar el tablero.")
    target = flask.request.full_path.rstrip("?")
    return flask.redirect(app.get_relative_path(LOGIN_PATH) + "?" + urlencode({"siguiente": target}))


# -- sign-in and sign-out pages ---------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="es-MX"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — Tablero POA</title>
<link rel="stylesheet" href="{{ css }}"></head>
<body class="bg-light"><main class="container" style="max-width: 28rem; margin-top: 10vh">
<h1 class="h3 mb-3">Tablero POA</h1>
<div class="card"><div class="card-body">
<h2 class="h5 card-title">{{ title }}</h2>
{% if error %}<div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>{% endif %}
{% if notice %}<div class="alert alert-info" role="status">{{ notice }}</div>{% endif %}
{% if form == "login" %}
<form method="post" action="{{ action }}">
<input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="siguiente" value="{{ target }}">
<div class="mb-3"><label class="form-label" for="usuario">Usuario</label>
<input class="form-control" id="usuario" name="usuario" autocomplete="username" required
 maxlength="80" autofocus value="{{ username }}"></div>
<div class="mb-3"><label class="form-label" for="contrasena">Contraseña</label>
<input class="form-control" id="contrasena" name="contrasena" type="password"
 autocomplete="current-password" required maxlength="200"></div>
<button class="btn btn-primary" type="submit" id="login-submit">Ingresar</button>
</form>
{% elif form == "logout" %}
<p>Sesión de <strong>{{ username }}</strong>.</p>
<form method="post" action="{{ action }}">
<input type="hidden" name="csrf" value="{{ csrf }}">
<button class="btn btn-primary" type="submit" id="logout-submit">Cerrar sesión</button>
</form>
{% endif %}
<p class="mt-3 mb-0"><a href="{{ home }}">Volver al tablero</a></p>
</div></div></main></body></html>"""


def _csrf_token() -> str:
    token = flask.session.get("csrf")
    if not isinstance(token, str):
        token = flask.session["csrf"] = secrets.token_urlsafe(24)
    return token


def _csrf_ok() -> bool:
    sent, kept = flask.request.form.get("csrf", ""), flask.session.get("csrf")
    return isinstance(kept, str) and hmac.compare_digest(sent, kept)


def _safe_target(app: dash.Dash, target: str | None) -> str:
    """Only a relative path of this site, else the home page (no open redirect).

    Refused: control characters (browsers drop tabs and newlines), backslashes (browsers read
    them as slashes), and anything that, percent-decoded as often as it decodes, has a scheme or
    a host or starts with `//` (`//evil.example`, `/%09/evil.example`, `/%2F%2Fevil.example`,
    `https://evil.example`, `javascript:…`).
    """
    home = app.get_relative_path("/")
    if not target or len(target) > 2000 or not target.startswith("/"):
        return home
    decoded, forms = target, [target]
    for _ in range(5):
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            break
        forms.append(decoded)
    else:
        return home  # still decoding after five rounds: not a path anyone typed
    for form in forms:
        if _UNSAFE_IN_TARGET & set(form) or not form.startswith("/") or form.startswith("//"):
            return home
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return home
    return target


def _page(app: dash.Dash, title: str, form: str, status: int = 200, **values) -> flask.Response:
    html = flask.render_template_string(
        PAGE, title=title, form=form, css=app.get_asset_url("00_bootstrap_flatly.min.css"),
        home=app.get_relative_path("/"), csrf=_csrf_token(), **values,
    )
    response = flask.make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def landing(app: dash.Dash, user: User) -> str:
    """Where an account lands after signing in without a `siguiente` target: a director of an
    area (who tracks its budget) on Presupuesto, on the newest POA of its areas; everyone else
    on the home page."""
    if user.role != "direccion":
        return app.get_relative_path("/")
    path = app.get_relative_path(BUDGET_LANDING)
    with Session(get_services().engine) as session:
        plans = session.scalars(select(Plan).order_by(Plan.fiscal_year.desc(), Plan.id.desc()))
        mine = next((p.id for p in plans if may_budget(user, p)), None)
    return f"{path}?{urlencode({'poa': mine})}" if mine is not None else path


def _login(app: dash.Dash):
    action = app.get_relative_path(LOGIN_PATH)
    asked = flask.request.values.get("siguiente")
    # No target asked for: the form carries none, and the account's landing page applies.
    target = _safe_target(app, asked) if asked else ""
    if flask.request.method == "GET":
        notice = None if get_services().settings.public_read or current_user() else (
            "Este tablero requiere una cuenta para consultarlo.")
        return _page(app, "Ingresar", "login", action=action, target=target, username="",
                     error=None, notice=notice)
    username = flask.request.form.get("usuario", "")[:80]
    if not _csrf_ok():
        return _page(app, "Ingresar", "login", 400, action=action, target=target,
                     username=username, notice=None,
                     error="La página caducó; escriba de nuevo su usuario y contraseña.")
    now = int(clock())
    try:
        user = authenticate(get_services().engine, username,
                            flask.request.form.get("contrasena", "")[:200],
                            remote_addr=remote_addr(), now=datetime.fromtimestamp(now))
    except AccountError as exc:
        return _page(app, "Ingresar", "login", 401, action=action, target=target,
                     username=username, error=str(exc), notice=None)
    flask.session.clear()  # a fresh session: no fixation
    flask.session.permanent = True
    flask.session.update(uid=user.id, stamp=user.session_stamp, since=now, seen=now)
    return flask.redirect(target or landing(app, user))


def _logout(app: dash.Dash):
    action = app.get_relative_path(LOGOUT_PATH)
    user = current_user()
    if flask.request.method == "GET":
        if user is None:
            return flask.redirect(app.get_relative_path("/"))
        return _page(app, "Cerrar sesión", "logout", action=action, username=user.display,
                     error=None, notice=None)
    if user is not None and _csrf_ok():
        # A new stamp in the database: this cookie, any copy of it and the account's other
        # sessions stop working on the server, whatever the browsers keep.
        end_sessions(get_services().engine, user.id, remote_addr=remote_addr())
        flask.session.clear()
    response = flask.redirect(app.get_relative_path("/"))
    # Page answers this browser kept for the account (`dashboard/startup.py`) go too.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


class SessionCookies(SecureCookieSessionInterface):
    """Signed cookie sessions whose expiry is fixed at sign-in: refreshing the cookie on each
    request never moves it past the absolute lifetime (the server checks it too)."""

    def get_expiration_time(self, app: flask.Flask, session) -> datetime | None:
        since = session.get("since")
        if session.permanent and isinstance(since, int | float):
            end = since + app.permanent_session_lifetime.total_seconds()
            return datetime.fromtimestamp(end, UTC)
        return super().get_expiration_time(app, session)


def register(app: dash.Dash, settings: Settings) -> None:
    server = app.server
    server.secret_key = secret_key(settings)
    server.config.update(
        SESSION_COOKIE_NAME="tablero_poa_sesion",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )
    server.session_interface = SessionCookies()
    if settings.proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxies,
                                   x_proto=settings.proxies, x_host=settings.proxies)
    policy(app)[PAGES_ROUTER] = READ
    server.before_request(lambda: _gate(app))
    server.add_url_rule(app.get_relative_path(LOGIN_PATH), "ingresar",
                        lambda: _login(app), methods=["GET", "POST"])
    server.add_url_rule(app.get_relative_path(LOGOUT_PATH), "salir",
                        lambda: _logout(app), methods=["GET", "POST"])
