"""Engines: `POA_DATABASE_URL`, or the embedded SQLite file (WAL, foreign keys, synchronous=FULL).

The schema is versioned with Alembic: the migration environment ships inside the package
(`loaders/migrations/`), and `create_schema(engine)` upgrades the database to the newest revision.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from loaders.settings import Settings
from loaders.store.schema import IMMUTABLE_TABLES

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE = {"poa_write": True}

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Config attribute telling revision 0001 to adopt a database made by the pre-Alembic
# `create_all` path: check the tables it has, create only the missing ones.
ADOPT_PRE_ALEMBIC = "poa_adopt_pre_alembic"
# Key of the PostgreSQL advisory lock that serializes schema upgrades (any constant bigint).
SCHEMA_LOCK_KEY = 0x504F_415F_5343_484D


def _wal(cursor, busy_timeout_ms: int) -> None:
    """Put the database in WAL mode (it stays so, in the file). Switching needs a moment alone with
    a new file, and SQLite answers "database is locked" at once, without its busy wait, when
    several processes open the same new database together: try again until the busy time."""
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def make_engine(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
) -> Engine:
    """An engine for `url` (default: the settings' database), with SQLite tuned for safety.

    On SQLite a writer waits up to `busy_timeout_ms` for another writer's lock before failing
    with "database is locked" (see `loaders.store.errors`).
    """
    settings = settings or Settings.from_env()
    url = url or settings.effective_database_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = Path(parsed.database) if parsed.database and parsed.database != ":memory:" else None
    if database is not None:
        private_folder(database.parent)
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        _wal(cursor, busy_timeout_ms)
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        if database is not None:
            private_file(database)  # created by this first connection: 0600 before any write

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # Writers take the write lock at BEGIN, so two imports queue instead of failing.
        immediate = connection.get_execution_options().get("poa_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def private_folder(path: Path) -> None:
    """Create the SQLite file's folder readable by the owner only (0700); an existing folder keeps
    the permissions it has."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        path.chmod(0o700)  # mkdir's mode is filtered by the umask


def private_file(path: Path) -> None:
    """The SQLite file readable by the owner only (0600): it holds password hashes. SQLite gives
    its -wal and -shm files the permissions of the database file."""
    if path.exists() and path.stat().st_mode & 0o077:
        path.chmod(0o600)


def immutability_trigger_sql(dialect: str, tables: Iterable[str]) -> list[str]:
    """Statements (for `exec_driver_sql`) creating, or replacing, the triggers that refuse any
    UPDATE or DELETE on `tables`; they can run again safely."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON "
            f"{table} BEGIN SELECT RAISE(ABORT, '{table} es de solo lectura'); END"
            for table in tables
            for op in ("UPDATE", "DELETE")
        ]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION poa_read_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '%% es de solo lectura', TG_TABLE_NAME; END $$ LANGUAGE plpgsql",
            *(
                f"CREATE OR REPLACE TRIGGER {table}_read_only BEFORE UPDATE OR DELETE ON "
                f"{table} FOR EACH ROW EXECUTE FUNCTION poa_read_only()"
                for table in tables
            ),
        ]
    return []


def create_immutability_triggers(
    connection: Connection, tables: Iterable[str] = IMMUTABLE_TABLES
) -> None:
    """Create the read-only triggers on `tables` (migrations pass the tables of their revision)."""
    for statement in immutability_trigger_sql(connection.dialect.name, tables):
        connection.exec_driver_sql(statement)


def drop_immutability_triggers(
    connection: Connection, tables: Iterable[str], *, drop_function: bool = False
) -> None:
    """Drop the read-only triggers on `tables`; on PostgreSQL also their shared function when
    `drop_function` (only once no trigger uses it)."""
    dialect = connection.dialect.name
    for table in tables:
        if dialect == "sqlite":
            for op in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        elif dialect == "postgresql":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_read_only ON {table}")
    if drop_function and dialect == "postgresql":
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS poa_read_only()")


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration, built in code: the package's migration scripts, and the
    database of `connection` (passed to env.py in `config.attributes["connection"]`)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def schema_heads(connection: Connection) -> tuple[str, ...]:
    """The revisions the database is at (empty when Alembic never ran on it)."""
    from alembic.migration import MigrationContext

    return tuple(MigrationContext.configure(connection).get_current_heads())


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema revision (`alembic upgrade head`).

    An up-to-date database is left alone without taking any lock. Otherwise the upgrade runs in
    one transaction that holds a lock, so several processes starting at once (gunicorn workers)
    upgrade one after the other and the later ones find nothing to do: on PostgreSQL a
    transaction-level advisory lock, on SQLite the write lock taken at BEGIN IMMEDIATE (engines
    from `make_engine`). A database made before migrations existed (tables, but no
    `alembic_version`) is adopted at revision 0001: its tables are checked, kept with their
    data, and only the missing ones are created. A database at a revision this code does not
    know (made by a newer release) is refused with `RuntimeError`, untouched.
    """
    with _quiet_alembic():
        _upgrade_to_head(engine)


def _upgrade_to_head(engine: Engine) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    with engine.connect() as conn:
        if set(schema_heads(conn)) == heads:
            return
    with engine.connect() as conn:
        conn.execution_options(**WRITE)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            before = schema_heads(conn)
            if unknown := sorted(set(before) - {r.revision for r in script.walk_revisions()}):
                raise RuntimeError(
                    f"La base de datos está en la revisión {', '.join(unknown)} del esquema, "
                    "que esta versión del Tablero POA no conoce: actualice la aplicación."
                )
            config = alembic_config(conn)
            if not before and _has_pre_alembic_tables(conn):
                config.attributes[ADOPT_PRE_ALEMBIC] = True
            command.upgrade(config, "head")
    log.debug("Database schema at %s (was %s)", sorted(heads), list(before) or "none")


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Keep Alembic's INFO lines (plugins, "Context impl", "Running upgrade") off the console
    of the app and the command-line tools, unless the application configured the "alembic"
    logger."""
    logger = logging.getLogger("alembic")
    if logger.level != logging.NOTSET:
        yield
        return
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(logging.NOTSET)


def _has_pre_alembic_tables(conn: Connection) -> bool:
    from loaders.store.schema import Base

    return bool(set(inspect(conn).get_table_names()) & set(Base.metadata.tables))
