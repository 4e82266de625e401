"""`create_app(settings=None)`: a fresh Dash app with its own engine; nothing at module level."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import dash
from sqlalchemy.orm import Session

from dashboard import layout
from dashboard.services import EXTENSION, Services
from loaders.db import create_schema, make_engine
from loaders.errors import NotAPoaWorkbook
from loaders.queries import count_versions
from loaders.settings import REPO_ROOT, Settings
from loaders.store import import_workbook

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = REPO_ROOT / "assets"
log = logging.getLogger(__name__)


def seed_if_empty(services: Services) -> None:
    """On first start with an empty database, import the sample so a new user sees real data."""
    with Session(services.engine) as session:
        if count_versions(session):
            return
    path = services.settings.sample_workbook
    if not path.is_file():
        log.warning("No sample workbook at %s; starting empty.", path)
        return
    try:
        import_workbook(
            services.engine, path.read_bytes(), services.settings, file_name=path.name,
            uploaded_by="ejemplo", as_of=date.today(),
        )
    except NotAPoaWorkbook as exc:
        log.error("The sample workbook could not be imported: %s", exc.message)


def create_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or Settings.from_env()
    engine = make_engine(settings=settings)
    create_schema(engine)
    services = Services(settings=settings, engine=engine)
    seed_if_empty(services)

    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(ASSETS_DIR),
        # Bootstrap (Bootswatch "Flatly") is served from assets/: municipal networks may have
        # no internet, so nothing is fetched from a CDN.
        suppress_callback_exceptions=True,
        title="Tablero POA",
        update_title=None,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"http-equiv": "content-language", "content": "es-MX"},
        ],
    )
    app.server.extensions[EXTENSION] = services
    app.layout = layout.frame
    layout.register_callbacks(app)
    for page in dash.page_registry.values():
        module = sys.modules.get(page["module"])
        register = getattr(module, "register_callbacks", None)
        if register:
            register(app)
    return app
