"""Engines: `POA_DATABASE_URL`, or the embedded SQLite file (WAL, foreign keys, synchronous=FULL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from loaders.schema import IMMUTABLE_TABLES, Base
from loaders.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE = {"poa_write": True}


def make_engine(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
) -> Engine:
    """An engine for `url` (default: the settings' database), with SQLite tuned for safety.

    On SQLite a writer waits up to `busy_timeout_ms` for another writer's lock before failing
    with "database is locked" (see `loaders.storage_errors`).
    """
    settings = settings or Settings.from_env()
    url = url or settings.effective_database_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # Writers take the write lock at BEGIN, so two imports queue instead of failing.
        immediate = connection.get_execution_options().get("poa_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_schema(engine: Engine) -> None:
    """Create missing tables, and triggers that refuse any UPDATE or DELETE of stored versions."""
    import loaders.budget_store  # noqa: F401  (registers its tables)

    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for table in IMMUTABLE_TABLES:
                for op in ("UPDATE", "DELETE"):
                    conn.exec_driver_sql(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON "
                        f"{table} BEGIN SELECT RAISE(ABORT, '{table} es de solo lectura'); END"
                    )
        elif engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION poa_read_only() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION '%% es de solo lectura', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
            )
            for table in IMMUTABLE_TABLES:
                conn.exec_driver_sql(
                    f"CREATE OR REPLACE TRIGGER {table}_read_only BEFORE UPDATE OR DELETE ON "
                    f"{table} FOR EACH ROW EXECUTE FUNCTION poa_read_only()"
                )
