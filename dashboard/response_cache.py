"""What the read-only page callbacks answer, kept on local disk and shared by the workers.

A stored version never changes (see `dashboard/state.py`), so the answer to a page callback is a
function of what the request posts and of a few things read on every request. The whole HTTP
answer of `/_dash-update-component` (the JSON Dash would build: the page's component tree, its
figures) is kept under a key made of:

- the request's body, byte for byte: which callback, the page (`pathname`), the address's query
  (`?poa=…&version=…&corte=…`, filters) and every input and state;
- `data_revision`: how many rows, and the newest id and time, of the tables these pages read
  that can grow — POAs (`plan`), versions, spending workbooks, budget movements and aclaraciones
  of findings (`finding_note`, shown on Calidad). Those tables
  are only ever inserted into (the database refuses UPDATE and DELETE on versions, movements and
  spending imports; nothing updates or deletes a POA), so their count grows with every commit
  and a new version or a new movement gives a new key at once, whichever worker stored it. It
  is read from the database on every request (one query) *before* the answer is computed: an
  answer is never kept under a revision older than the data it was computed from. This is
  stronger than the version ids the request resolves to: those are a function of the query, the
  date and the set of stored versions;
- who asks: not signed in, or the account's id, name, role, areas and state as read from the
  database on this request (a changed role or area gives another key; an account never receives
  an answer computed for another one, e.g. Presupuesto's form shows who records);
- today's date (the fecha de corte when the address gives none);
- the settings (all but the secret key: thresholds, open reading, the database…), Dash's
  address prefix, and a fingerprint of the code (the `dashboard` and `loaders` packages, assets
  included, and the versions of Dash, Plotly and the component libraries): a new release never
  serves answers of the previous one.

What is cached (`CACHED_CALLBACKS`, `CACHED_PAGES`) and why it is safe — each reads only stored
versions (through `state.page_data`, `state.version_views`, the overview), the POAs, the
budget movements and spending workbooks, packaged reference data and the account:
- the Pages router for Resumen (versions, movements), Metas, Cronograma, Calidad, Alineación,
  Presupuesto (movements, spending workbooks, the account's permission on the POA and its name),
  Historial, Municipio and Estado;
- the navbar's selection (POAs, versions), Metas' filter and detail, Calidad's filter and
  Historial's comparison.
Never cached: every callback that writes (uploads, movements, reversals, accounts), and the pages
that show other mutable state — Cargar POA (staged uploads, column profiles), Plantilla and
Auditoría (the audit trail, the accounts) —, any other path, and any answer that is not a plain
200 JSON answer: a callback that failed (its sentence travels in `sideUpdate`, see
`dashboard.feedback`), was prevented (204) or refused. A page that starts reading other mutable
state must leave these lists or add that state to `data_revision`.

The store is `diskcache` under `POA_DATA_DIR/cache/respuestas` (SQLite and files: safe across
processes and threads), bounded by `POA_CACHE_RESPUESTAS_MB`; the entries stored longest ago go
first, and none is kept more than a day. `POA_CACHE_RESPUESTAS=0` turns it off. When the disk
cache cannot be read or written, the request is answered as without it. Each answer it handles
says `X-Tablero-Cache: hit` or `miss`.

Everything in the key but the body is one hash, the token (`ResponseCache.token`). With open
reading, an answer the cache keeps (or serves) also says `X-Tablero-Reuse: <token>`, and the index
page carries the token of its own request (`dashboard/startup.py`): the browser keeps such an
answer and, on a later visit whose index page gives the same token, gives it again for the same
request while the page starts (until the first click or key) — the very answer this cache would
send. With closed reading no answer stays in a browser.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import fields
from datetime import date
from importlib import metadata
from pathlib import Path

import dash
import diskcache
import flask
from sqlalchemy import func, select

from dashboard import auth, ids
from dashboard.services import get_services
from loaders.settings import Settings
from loaders.store.schema import FindingNote, MovementRow, Plan, SpendingImport, Version

EXTENSION = "tablero_poa_response_cache"
DIRECTORY = Path("cache") / "respuestas"  # inside POA_DATA_DIR
HEADER = "X-Tablero-Cache"
REUSE_HEADER = "X-Tablero-Reuse"  # the token under which the browser may keep an answer
MB = 1024 * 1024
MAX_ENTRY = 8 * MB  # a larger answer is served but not kept
DISK_TIMEOUT = 2.0  # seconds a worker waits for another one writing the cache's index
# An answer's key holds today's date and the data's revision: after a day, or a new upload, it
# is never asked for again. Expired entries are dropped as new ones are written.
EXPIRE = 24 * 3600  # seconds
KEY_FLAG = "tablero_response_cache_key"  # flask.g: the key of a miss, to store its answer


def output_key(*outputs: tuple[str, str]) -> str:
    """A callback's output as Dash names it in `callback_map` and in the request's `output`."""
    names = [f"{ident}.{prop}" for ident, prop in outputs]
    return names[0] if len(names) == 1 else ".." + "...".join(names) + ".."


# Dash Pages' router (`auth.PAGES_ROUTER`): cached for these pages only, as
# `app.strip_relative_path` gives them.
CACHED_PAGES = frozenset({"", "metas", "cronograma", "calidad", "alineacion", "presupuesto",
                          "historial", "municipio", "estado"})
NAVBAR = output_key((ids.LOCATION, "search"), (ids.POA, "options"), (ids.POA, "value"),
                    (ids.VERSION, "options"), (ids.VERSION, "value"), (ids.CORTE, "value"),
                    (ids.VERSION_NOTICE, "children"), (ids.VERSION_NOTICE, "hidden"))
CACHED_CALLBACKS = frozenset({
    auth.PAGES_ROUTER,
    NAVBAR,  # dashboard.layout.sync_selection
    output_key(("metas-grid", "children"), ("metas-count", "children")),  # Metas' filters
    output_key(("metas-detail", "is_open"), ("metas-detail-title", "children"),
               ("metas-detail-body", "children")),  # an activity's detail
    output_key(("calidad-table", "rowData")),  # Calidad's severity filter
    output_key(("historial-compare", "children")),  # Historial's comparison
})
# What the output of Dash and of its component libraries depends on besides our code.
LIBRARIES = ("dash", "plotly", "dash-bootstrap-components", "dash-mantine-components",
             "dash-ag-grid", "flask")
log = logging.getLogger(__name__)


def _revision_query():
    columns = []
    for model in (Plan, Version, SpendingImport, MovementRow, FindingNote):
        table = model.__table__
        columns += [select(func.count()).select_from(table).scalar_subquery(),
                    select(func.max(table.c.id)).scalar_subquery()]
    columns += [select(func.max(Version.uploaded_at)).scalar_subquery(),
                select(func.max(SpendingImport.uploaded_at)).scalar_subquery(),
                select(func.max(MovementRow.created_at)).scalar_subquery()]
    return select(*columns)


REVISION = _revision_query()


def data_revision() -> tuple:
    """Counts, newest ids and newest times of the POAs, versions, spending workbooks,
    movements and aclaraciones: it changes with every row stored (see the module's
    docstring)."""
    with get_services().engine.connect() as conn:
        return tuple(conn.execute(REVISION).one())


def principal() -> tuple:
    """Who asks, as far as any page answer can depend on it."""
    user = auth.current_user()
    if user is None:
        return ("anónimo",)
    return ("cuenta", user.id, user.username, user.full_name, user.role, user.areas, user.active)


@functools.cache
def code_fingerprint() -> str:
    """The code that builds the answers: our packages' files (assets included) and the versions
    of the libraries that serialize them. Read once per process (≈ 50 ms)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    # dashboard/assets is a link to the top-level assets/, which rglob does not follow
    for folder in (root, (root / "assets").resolve(), root.parent / "loaders"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{folder.name}/{path.relative_to(folder)}".encode())
                digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def settings_fingerprint(settings: Settings) -> str:
    """Every setting but the secret key (never written anywhere, not even hashed)."""
    values = {f.name: str(getattr(settings, f.name)) for f in fields(settings)
              if f.name != "secret_key"}
    values["effective_database_url"] = settings.effective_database_url
    return json.dumps(values, sort_keys=True)


class ResponseCache:
    """The disk cache and the rule of what goes in it, for one app."""

    def __init__(self, app: dash.Dash, settings: Settings) -> None:
        self.app = app
        self.directory = Path(settings.data_dir) / DIRECTORY
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)  # like the database
        self.store = diskcache.Cache(str(self.directory), timeout=DISK_TIMEOUT,
                                     size_limit=settings.response_cache_mb * MB)
        identity = [code_fingerprint(), settings_fingerprint(settings),
                    app.config.requests_pathname_prefix, app.config.routes_pathname_prefix]
        self.identity = hashlib.sha256(json.dumps(identity).encode()).hexdigest()
        # Closed reading keeps no answer in a browser (`dashboard/security.py`: no-store).
        self.browser_reuse = settings.public_read

    # -- which requests ---------------------------------------------------------------------

    def cacheable(self, body: object) -> bool:
        """Whether the posted callback is one whose answer may be kept (see the docstring)."""
        if not isinstance(body, dict) or body.get("output") not in CACHED_CALLBACKS:
            return False
        if body["output"] != auth.PAGES_ROUTER:
            return True
        inputs = body.get("inputs")
        pathname = next((i.get("value") for i in inputs if isinstance(i, dict)
                         and i.get("id") == ids.LOCATION and i.get("property") == "pathname"),
                        None) if isinstance(inputs, list) else None
        return (isinstance(pathname, str)
                and self.app.strip_relative_path(pathname) in CACHED_PAGES)

    def token(self) -> str:
        """Everything an answer depends on besides the request's body, as one hash: the code and
        settings, the data's revision, who asks and today's date. The browser keeps answers
        under it (`dashboard/startup.py`)."""
        parts = [self.identity, repr(data_revision()), repr(principal()),
                 date.today().isoformat()]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def key(self, token: str, body: bytes) -> str:
        digest = hashlib.sha256(token.encode())
        digest.update(b"\n")
        digest.update(body)
        return digest.hexdigest()

    # -- the two hooks ------------------------------------------------------------------------

    def serve(self) -> flask.Response | None:
        """`before_request`, after the permission gate: the kept answer, if there is one."""
        request = flask.request
        prefix = self.app.config.routes_pathname_prefix.rstrip("/")
        if request.method != "POST" or request.path != prefix + auth.CALLBACK_PATH:
            return None
        if not self.cacheable(request.get_json(silent=True)):
            return None
        token = self.token()
        key = self.key(token, request.get_data(cache=True))
        try:
            kept = self.store.get(key)
        except Exception as exc:  # a cache that cannot be read never fails a page
            log.warning("response cache not read: %s", exc)
            kept = None
        if kept is None:
            flask.g.setdefault(KEY_FLAG, (token, key))
            return None
        response = flask.Response(kept, mimetype="application/json")
        response.headers[HEADER] = "hit"
        self.offer(response, token)
        return response

    def keep(self, response: flask.Response) -> flask.Response:
        """`after_request`: keep a computed answer under the key `serve` made for it."""
        flagged = flask.g.pop(KEY_FLAG, None)
        if flagged is None:
            return response
        token, key = flagged
        response.headers[HEADER] = "miss"
        if (response.status_code != 200 or response.mimetype != "application/json"
                or response.direct_passthrough or response.is_streamed
                or "Content-Encoding" in response.headers):
            return response
        data = response.get_data()
        if b'"sideUpdate"' in data or len(data) > MAX_ENTRY:  # a failed callback's sentence
            return response
        self.offer(response, token)
        try:
            self.store.set(key, data, expire=EXPIRE)
        except Exception as exc:  # nor one that cannot be written
            log.warning("response cache not written: %s", exc)
        return response

    def offer(self, response: flask.Response, token: str) -> None:
        """Let the browser keep this answer under `token` too (`dashboard/startup.py`), when
        reading is open: with closed reading no answer stays in a browser."""
        if self.browser_reuse:
            response.headers[REUSE_HEADER] = token


def register(app: dash.Dash) -> None:
    """Keep the page callbacks' answers (unless POA_CACHE_RESPUESTAS=0). Call it after
    `auth.register`: the permission gate runs first, and a refused request never reaches it."""
    settings = app.server.extensions["tablero_poa"].settings
    if not settings.response_cache:
        return
    try:
        cache = ResponseCache(app, settings)
    except Exception as exc:  # e.g. a read-only data folder: the app runs without it
        log.warning("response cache off: %s", exc)
        return
    app.server.extensions[EXTENSION] = cache
    app.server.before_request(cache.serve)
    app.server.after_request(cache.keep)
