"""WSGI entry point for several worker processes::

    gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server

Every worker imports this module and builds its own app with `create_app()`: its own engine and
connection pool, nothing shared in memory. Sessions are signed cookies checked against the database
on every request, and the signing key comes from POA_SECRET_KEY or POA_DATA_DIR/secret_key, so any
worker serves any request.

The work of a first start (tables, sample data, the `admin` account, the local secret key) is done
by one worker at a time, under a lock file in POA_DATA_DIR (and, on PostgreSQL, an advisory lock,
for workers on several machines): the first worker does it, the others wait and then find it done.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dash
from sqlalchemy import Engine, text

from dashboard import auth
from dashboard.app import announce_admin, create_app, seed_if_empty
from dashboard.services import EXTENSION, Services
from loaders.settings import Settings
from loaders.store.accounts import ensure_admin
from loaders.store.engine import create_schema, make_engine

LOCK_FILE = ".arranque.lock"
PG_LOCK_KEY = 0x504F41  # "POA": the advisory lock of a first start
# Gunicorn's exit code for "the worker failed to boot": the master stops instead of restarting
# forever a worker that cannot start (a configuration error will not fix itself).
WORKER_BOOT_ERROR = 3


@contextmanager
def startup_lock(settings: Settings, engine: Engine) -> Iterator[None]:
    """Hold the first-start lock: one process at a time in the block, on this machine (a lock
    file) and, on PostgreSQL, among machines (an advisory lock)."""
    path = Path(settings.data_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            if engine.dialect.name == "postgresql":
                with engine.connect() as conn:
                    conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
                    try:
                        yield
                    finally:
                        conn.execute(text("SELECT pg_advisory_unlock(:key)"),
                                     {"key": PG_LOCK_KEY})
            else:
                yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def first_start(settings: Settings) -> None:
    """What a first start does once: check the secret (creating the local key file), create the
    tables, import the sample data into an empty database and create `admin` (printing its
    password). Harmless when done already."""
    engine = make_engine(settings=settings)
    try:
        with startup_lock(settings, engine):
            auth.secret_key(settings)  # a ConfigurationError stops the start before any write
            create_schema(engine)
            seed_if_empty(Services(settings=settings, engine=engine))
            announce_admin(ensure_admin(engine))
    finally:
        engine.dispose()


def build_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or Settings.from_env()
    first_start(settings)
    app = create_app(settings)
    engine = app.server.extensions[EXTENSION].engine
    # With `gunicorn --preload` the app is built before the fork: a worker must not reuse the
    # parent's database connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return app


try:
    app = build_app()
except auth.ConfigurationError as exc:
    print(f"No se inició el tablero: {exc}", file=sys.stderr, flush=True)
    raise SystemExit(WORKER_BOOT_ERROR) from None

server = app.server
