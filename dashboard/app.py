"""`create_app(settings=None)`: a fresh Dash app with its own engine; nothing at module level."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import dash
from sqlalchemy.orm import Session

import sample_data
from dashboard import (
    api,
    auth,
    delivery,
    downloads,
    feedback,
    layout,
    open_data,
    request_limits,
    response_cache,
    security,
)
from dashboard.report import routes as report_routes
from dashboard.services import EXTENSION, Services
from loaders.errors import NotAPoaWorkbook, StorageUnavailable
from loaders.imports import import_spending, import_workbook
from loaders.read.package import MB
from loaders.settings import Settings
from loaders.store.accounts import ensure_admin
from loaders.store.engine import create_schema, make_engine
from loaders.store.queries import count_versions
from loaders.store.versions import AlreadyImported

PACKAGE_DIR = Path(__file__).resolve().parent
# `dashboard/assets` is a link to the top-level `assets/`; the wheel carries the files themselves.
ASSETS_DIR = PACKAGE_DIR / "assets"
# The sample data travels as the `sample_data` package (its workbooks are package data).
SAMPLE_DIR = Path(sample_data.__file__).resolve().parent
SAMPLE_WORKBOOK = SAMPLE_DIR / "poa_migrantes_ex_braceros_2026.xlsx"
SAMPLE_SPENDING = "ejercicio_presupuesto_2026.xlsx"  # the example spending of the sample POA
log = logging.getLogger(__name__)


def seed_if_empty(services: Services) -> None:
    """On first start with an empty database, import the sample data so a new user sees it.

    The examples of other areas (`ejemplo_*.xlsx` beside the sample) go first and the real POA
    last, so the real POA is the one shown by default. When another process (a second worker
    starting at the same moment) stores a sample first, this one leaves the seeding to it.
    """
    from sqlalchemy.exc import IntegrityError

    with Session(services.engine) as session:
        if count_versions(session):
            return
    sample = services.settings.sample_workbook or SAMPLE_WORKBOOK
    examples = sorted(sample.parent.glob("ejemplo_*.xlsx")) if sample.parent.is_dir() else []
    stored = None
    for path in [*examples, sample]:
        if not path.is_file():
            log.warning("No sample workbook at %s.", path)
            continue
        try:
            stored = import_workbook(
                services.engine, path.read_bytes(), services.settings, file_name=path.name,
                uploaded_by="ejemplo", as_of=date.today(),
            )
        except (AlreadyImported, IntegrityError):
            log.info("Sample data is being imported by another process; skipped here.")
            return
        except (NotAPoaWorkbook, StorageUnavailable) as exc:
            log.error("Sample workbook %s not imported: %s", path.name, exc)
    spending = sample.parent / SAMPLE_SPENDING
    if stored is not None and spending.is_file():
        try:
            import_spending(services.engine, stored.plan_id, spending.read_bytes(),
                            services.settings, file_name=spending.name, uploaded_by="ejemplo")
        except (NotAPoaWorkbook, AlreadyImported, StorageUnavailable) as exc:
            log.error("Sample spending workbook not imported: %s", exc)


def announce_admin(password: str | None) -> None:
    """Print the first administrator's password once, on the console that started the app."""
    if password is None:
        return
    print(
        "\n  Se creó la cuenta de administración del Tablero POA.\n"
        f"  Usuario: admin    Contraseña: {password}\n"
        "  Anótela ahora: no se volverá a mostrar. Cámbiela con\n"
        "  python -m dashboard users password admin\n",
        flush=True,
    )


def create_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or Settings.from_env()
    engine = make_engine(settings=settings)
    create_schema(engine)
    services = Services(settings=settings, engine=engine)
    seed_if_empty(services)
    announce_admin(ensure_admin(engine))

    app = delivery.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(ASSETS_DIR),
        # Bootstrap (Bootswatch "Flatly") is served from assets/: municipal networks may have
        # no internet, so nothing is fetched from a CDN. Plotly too: assets/plotly-tablero.min.js
        # (plotly.js with only our trace types, .ci/plotly-bundle/) sets window.Plotly before
        # any chart renders, so dcc.Graph never loads the full plotly.min.js it would fetch.
        suppress_callback_exceptions=True,
        title="Tablero POA",
        update_title=None,
        on_error=feedback.on_callback_error,  # no traceback reaches a user
        compress=False,  # dashboard.delivery compresses: fast for answers, hard for files
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"http-equiv": "content-language", "content": "es-MX"},
        ],
    )
    delivery.register(app, settings)  # first: flask-compress must touch responses last
    # The page's language for screen readers, spell-checkers and the browser's own controls.
    app.index_string = app.index_string.replace("<html>", '<html lang="es-MX">', 1)
    app.server.extensions[EXTENSION] = services
    request_limits.register(app)  # before the gate: sizes checked before anything is parsed
    auth.register(app, settings)
    # Uploads arrive base64-encoded inside the callback's JSON: 4/3 of the file plus some room.
    app.server.config["MAX_CONTENT_LENGTH"] = int(settings.max_file_mb * MB * 4 / 3 + MB)
    downloads.register_routes(app.server)
    report_routes.register_routes(app.server)  # the Informe para cabildo (PDF, Excel)
    open_data.register_routes(app.server)  # datos abiertos (ZIP) and the JSON API
    api.register_routes(app.server)
    security.register(app)
    response_cache.register(app)  # page answers kept for all workers; after the gate
    app.layout = layout.frame
    layout.register_callbacks(app)
    for page in dash.page_registry.values():
        module = sys.modules.get(page["module"])
        register = getattr(module, "register_callbacks", None)
        if register:
            register(app)
    return app
