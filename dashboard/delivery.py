"""How the browser gets the app's files: fewer, smaller, and only once.

Three things, all per app (`register(app, settings)` right after the app is made, and `Dash` as its
class):

1. **Component suites a page does not need stay out of the index page** (`LAZY_SUITES`): AG Grid
   (only Calidad shows one) and dash_table (nothing uses it). `assets/lazy_suites.js` puts a
   stand-in at `window.<library>` whose components fetch the library's bundle the first time a
   page shows one, then draw the library's own component; Dash's callbacks wait for it the way
   they wait for dcc.Graph. The bundle's address travels in a `<meta name="tablero-lazy-suites">`.
   Mantine (the date inputs, 204 KiB compressed) waits longer: until someone opens a date's
   calendar (`on_use`). Until then each date input is a plain button showing its date, which
   fetches Mantine when pressed and opens the calendar (`components.date_input`). Dash's
   `@babel/polyfill` (32 KiB) is left out as well (`DROPPED_SCRIPTS`): its one global still
   used, `regeneratorRuntime`, comes from `assets/regenerator-runtime.js`.
2. **Every component suite is asked for under a versioned folder**,
   `/_dash-component-suites/<package>/_v/<version stamp>/<file>` (`stamped_url`), instead of
   Dash's `<file>.v<version>m<mtime>.js`: webpack's own chunks (dcc's `async-graph.js`, AG Grid's
   `async-community.js`) are found next to the bundle that asks for them, so they land in the
   versioned folder too and are never asked for again. The stamp is Dash's own fingerprint.
3. **Compression and caching.** Pages, callbacks and downloads go through flask-compress at its
   fast levels (zstd 3, br 4, gzip 6), as each answer is different. Static files (`/assets/…`,
   `/_dash-component-suites/…`) are the same for everyone and never change under one address:
   a second flask-compress (`STATIC_COMPRESSION`) compresses each once at a high level (zstd 19
   brotli 11 for browsers that take it, zstd 19 or gzip 9 otherwise) and keeps the result on disk under
   `POA_DATA_DIR/cache/comprimidos`, shared by the workers (`CompressedFiles`). A file's first
   request waits for it (about a second for the biggest, the Plotly bundle, with zstd); every
   later one reads the stored bytes. Addresses that carry a version (the stamped folders, Dash's
   fingerprints, `/assets/x.js?m=<mtime>` of the file as it is now) are answered with
   `Cache-Control: public, max-age=31536000, immutable` (Dash's `_favicon.ico?v=<version>` too):
   a repeat visit neither downloads nor revalidates them.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import logging
import mimetypes
import os
import pkgutil
import re
import sys
import tempfile
import types
from dataclasses import dataclass
from pathlib import Path

import dash
import flask
from dash.fingerprint import build_fingerprint, cache_regex, check_fingerprint
from flask_compress import Compress
from werkzeug.security import safe_join

from dashboard import startup
from dashboard.dates import DATES_SETTINGS, MANTINE_THEME
from loaders.settings import Settings

IMMUTABLE = "public, max-age=31536000, immutable"
SUITES = "_dash-component-suites/"
STAMP_DIR = "_v"  # /_dash-component-suites/<package>/_v/<stamp>/<file>
LAZY_META = "tablero-lazy-suites"
FAVICON = "_favicon.ico"
MB = 1024 * 1024
log = logging.getLogger(__name__)

# Pages, callbacks, downloads: different each time, compressed fast (flask-compress's defaults).
DYNAMIC_COMPRESSION = {
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip", "deflate"],
    "COMPRESS_ZSTD_LEVEL": 3,
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_LEVEL": 6,
}
# Static files: compressed once, hard, and kept. Brotli 11 first: 5 % fewer bytes than zstd 19
# (Plotly bundle: 361 against 379 KiB); it takes a few seconds more, once per file and version.
STATIC_COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "zstd", "gzip"],
    "COMPRESS_ZSTD_LEVEL": 19,
    "COMPRESS_BR_LEVEL": 11,
    "COMPRESS_LEVEL": 9,
    "COMPRESS_REGISTER": False,  # called by `_static_files` for static files only
    "COMPRESS_STREAMS": False,  # files arrive as one body (`_static_files` reads them)
}
COMPRESSED_DIR = ("cache", "comprimidos")  # under the data folder
COMPRESSED_MAX_BYTES = 64 * MB  # a few versions of every bundle; the oldest go first


@dataclass(frozen=True)
class LazySuite:
    """A component library the index page leaves out: its main bundle is fetched when a page
    first shows one of its `components` (`assets/lazy_suites.js`)."""

    package: str  # served from /_dash-component-suites/<package>/
    bundle: str  # the main bundle, relative to the package
    version_module: str  # the module whose __version__ Dash puts in the bundle's fingerprint
    library: str  # the bundle defines window.<library>
    components: tuple[str, ...]
    # False: fetched when a page shows one of the components. True: only when someone uses one
    # (the stand-in draws a placeholder until then; `assets/lazy_suites.js`).
    on_use: bool = False
    # Passed to the stand-in as is (Mantine: the providers each date input is drawn inside).
    options: dict | None = None

    def path(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).parent / self.bundle

    def stamp(self) -> str:
        """Dash's fingerprint of the bundle (`v35_3_0m1796181393`): version and modification time."""
        version = importlib.import_module(self.version_module).__version__
        fingerprinted = build_fingerprint(self.bundle, version, int(self.path().stat().st_mtime))
        return fingerprinted.rsplit("/", 1)[-1].split(".")[1]


LAZY_SUITES = (
    LazySuite("dash_ag_grid", "dash_ag_grid.min.js", "dash_ag_grid", "dash_ag_grid", ("AgGrid",)),
    LazySuite("dash", "dash_table/bundle.js", "dash.dash_table", "dash_table", ("DataTable",)),
    LazySuite("dash_mantine_components", "dash_mantine_components.js", "dash_mantine_components",
              "dash_mantine_components", ("DatePickerInput",), on_use=True,
              options={"theme": MANTINE_THEME, "dates": DATES_SETTINGS}),
)
# Dash's own scripts the index page leaves out (module docstring, point 1).
DROPPED_SCRIPTS = (("dash", "deps/polyfill@"),)


class Dash(dash.Dash):
    """The app's Dash: its index page asks for component suites under versioned folders, leaves
    the lazy ones out (module docstring, points 1 and 2) and carries what Dash would ask for
    first (`dashboard/startup.py`)."""

    def interpolate_index(self, **kwargs) -> str:
        prefix = self.config.requests_pathname_prefix
        kwargs["scripts"] = index_scripts(kwargs.get("scripts", ""), prefix)
        kwargs["metas"] = (kwargs.get("metas", "") + lazy_meta(prefix)
                           + preload_links(kwargs["scripts"]))
        kwargs["config"] = kwargs.get("config", "") + startup.start_script(self)
        return super().interpolate_index(**kwargs)


def stamped_url(prefix: str, package: str, stamp: str, path: str) -> str:
    return f"{prefix}{SUITES}{package}/{STAMP_DIR}/{stamp}/{path}"


_SUITE_SCRIPT = re.compile(r'<script src="(?P<prefix>[^"]*)' + re.escape(SUITES)
                           + r'(?P<package>[^/"]+)/(?P<path>[^"]+)"></script>\n?')


def index_scripts(scripts: str, prefix: str) -> str:
    """Dash's `<script>` tags with every fingerprinted component suite moved to its stamped
    folder, and the main bundles of `LAZY_SUITES` left out."""
    lazy = {(s.package, s.bundle) for s in LAZY_SUITES}

    def move(match: re.Match) -> str:
        if match["prefix"] != prefix:
            return match[0]
        package, fingerprinted = match["package"], match["path"]
        path, has_fingerprint = check_fingerprint(fingerprinted)
        if (package, path) in lazy or any(
                package == p and path.startswith(start) for p, start in DROPPED_SCRIPTS):
            return ""
        if not has_fingerprint:
            return match[0]
        stamp = fingerprinted.rsplit("/", 1)[-1].split(".")[1]
        url = stamped_url(prefix, package, stamp, path)
        return f'<script src="{url}"></script>' + ("\n" if match[0].endswith("\n") else "")

    return _SUITE_SCRIPT.sub(move, scripts)


# webpack chunks every page with a chart needs, asked for by dcc only once a graph is drawn
# (after the layout and the callbacks): named in the index, they arrive with the bundles.
PRELOADED_CHUNKS = (("dcc/dash_core_components.js", "dcc/async-graph.js"),)


def preload_links(scripts: str) -> str:
    """`<link rel="preload">` for `PRELOADED_CHUNKS`, beside their bundle's stamped address."""
    links = []
    for bundle, chunk in PRELOADED_CHUNKS:
        match = re.search(r'<script src="([^"]*/)' + re.escape(bundle) + '"', scripts)
        if match:
            href = html.escape(match[1] + chunk, quote=True)
            links.append(f'\n<link rel="preload" as="script" href="{href}">')
    return "".join(links)


def lazy_meta(prefix: str) -> str:
    """The `<meta>` that tells `assets/lazy_suites.js` where each lazy library's bundle is."""
    suites = {
        s.library: {"src": stamped_url(prefix, s.package, s.stamp(), s.bundle),
                    "components": list(s.components), "onUse": s.on_use,
                    "options": s.options or {}}
        for s in LAZY_SUITES
    }
    content = html.escape(json.dumps(suites, separators=(",", ":")), quote=True)
    return f'\n<meta name="{LAZY_META}" content="{content}">'


# -- compressed copies of static files ------------------------------------------------------------


class CompressedFiles:
    """flask-compress's cache backend for static files: one file per (file, version, encoding)
    under `folder`, shared by every worker and kept across restarts; written whole or not at
    all, and at most `max_bytes` in all (the oldest copies go first). A folder that cannot be
    written only means the next request compresses again."""

    def __init__(self, folder: Path, max_bytes: int = COMPRESSED_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def _file(self, key: str) -> Path:
        return self.folder / hashlib.sha256(key.encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        try:
            return self._file(key).read_bytes()
        except OSError:
            return None

    def set(self, key: str, value: bytes) -> None:
        target = self._file(key)
        if target.exists():  # flask-compress stores again after every hit
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".part-")
            with os.fdopen(fd, "wb") as out:
                out.write(value)
            os.replace(temporary, target)
        except OSError as exc:
            log.warning("Compressed copy not stored in %s: %s", self.folder, exc)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            files = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.folder.iterdir()
                     if not p.name.startswith(".")]
        except OSError:
            return
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def static_source(app: dash.Dash, path: str) -> Path | None:
    """The file behind a static address (an asset, a registered component-suite file, Dash's
    favicon), or None. Component-suite files must be registered by Dash (as Dash requires)."""
    prefix = app.config.routes_pathname_prefix
    assets = prefix + app.config.assets_url_path.strip("/") + "/"
    if path == prefix + FAVICON:
        return Path(dash.__file__).parent / "favicon.ico"
    if path.startswith(assets):
        found = safe_join(app.config.assets_folder, path[len(assets):])
        return Path(found) if found and os.path.isfile(found) else None
    if not path.startswith(prefix + SUITES):
        return None
    package, _, rest = path[len(prefix + SUITES):].partition("/")
    parts = rest.split("/")
    if len(parts) > 2 and parts[0] == STAMP_DIR and cache_regex.match(parts[1]):
        in_package = "/".join(parts[2:])
    else:
        in_package = check_fingerprint(rest)[0]
    if in_package not in app.registered_paths.get(package, ()) or package not in sys.modules:
        return None
    found = safe_join(os.path.dirname(sys.modules[package].__file__), in_package)
    return Path(found) if found and os.path.isfile(found) else None


def static_key(app: dash.Dash, path: str) -> str | None:
    """What a compressed copy is kept under: the file, its size and modification time."""
    source = static_source(app, path)
    if source is None:
        return None
    stat = source.stat()
    return f"{source}|{stat.st_size}|{stat.st_mtime_ns}"


def immutable(app: dash.Dash, request: flask.Request) -> bool:
    """True when the address names one version of a file for ever: a stamped folder, one of
    Dash's fingerprints, an asset's `?m=` that is the file's modification time now, or Dash's
    favicon with Dash's version."""
    prefix = app.config.routes_pathname_prefix
    path = request.path
    if path.startswith(prefix + SUITES):
        rest = path[len(prefix + SUITES):].partition("/")[2]
        parts = rest.split("/")
        stamped = len(parts) > 2 and parts[0] == STAMP_DIR and cache_regex.match(parts[1])
        return bool(stamped) or check_fingerprint(rest)[1]
    if path == prefix + FAVICON:  # Dash's own icon, named by Dash's version
        return request.args.get("v") == dash.__version__
    stamp = request.args.get("m")
    source = static_source(app, path) if stamp else None
    return source is not None and stamp == str(source.stat().st_mtime)


# -- the app's hooks and route ---------------------------------------------------------------------


def register(app: dash.Dash, settings: Settings) -> None:
    """Compression, caching headers and the stamped suite folders for `app`. Call it right after
    the app is made (with `compress=False`): flask-compress must be the last to touch a response
    (Flask runs `after_request` hooks last-registered first)."""
    server = app.server
    server.config.update(DYNAMIC_COMPRESSION)
    Compress(server)
    # flask-compress reads its levels from `app.config`: the static files' compressor gets a
    # config of its own, holding the cache backend and the cache key.
    config = {
        **STATIC_COMPRESSION,
        "COMPRESS_CACHE_BACKEND": lambda: CompressedFiles(
            settings.data_dir.joinpath(*COMPRESSED_DIR)),
        "COMPRESS_CACHE_KEY": lambda request: static_key(app, request.path),
    }
    static_compressor = Compress(types.SimpleNamespace(config=config))
    static_prefixes = tuple(
        app.config.routes_pathname_prefix + p
        for p in (SUITES, app.config.assets_url_path.strip("/") + "/", FAVICON))

    @server.after_request
    def _static_files(response: flask.Response) -> flask.Response:
        request = flask.request
        if response.status_code != 200 or not request.path.startswith(static_prefixes):
            return response
        if immutable(app, request):
            response.headers["Cache-Control"] = IMMUTABLE
        if static_key(app, request.path) is None:
            return response  # not a known file: the fast compression handles it
        if response.is_streamed:  # an asset, sent from its file
            response.direct_passthrough = False
            response.make_sequence()
        return static_compressor.after_request(response)

    server.add_url_rule(
        f"{app.config.routes_pathname_prefix}{SUITES}<string:package>/{STAMP_DIR}"
        "/<string:stamp>/<path:path>",
        endpoint="tablero_stamped_suite",
        view_func=lambda package, stamp, path: stamped_suite(app, package, stamp, path),
    )


def stamped_suite(app: dash.Dash, package: str, stamp: str, path: str) -> flask.Response:
    """A component-suite file under its stamped folder: what Dash serves for the same file,
    kept by the browser for a year. Only files Dash registered are served."""
    if not cache_regex.match(stamp) or path not in app.registered_paths.get(package, ()):
        flask.abort(404)
    try:
        data = pkgutil.get_data(package, path)
    except OSError:
        data = None
    if data is None:
        flask.abort(404)
    extension = "." + path.rsplit(".", 1)[-1]
    response = flask.Response(
        data, mimetype=mimetypes.types_map.get(extension, "application/octet-stream"))
    response.headers["Cache-Control"] = IMMUTABLE
    return response
