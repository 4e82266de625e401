"""Alembic environment of the Tablero POA.

At runtime `loaders.store.engine.create_schema` builds the configuration in code and hands over its own
connection in `config.attributes["connection"]` (already in a transaction that holds the schema
lock). From the command line (`alembic -c loaders/store/alembic.ini ...`, see README) the database is the one
of the settings (`POA_DATABASE_URL` or the SQLite file in `POA_DATA_DIR`), or `-x url=...`.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from loaders.settings import Settings
from loaders.store.engine import make_engine
from loaders.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _numbered_revision(migration_context, _revision, directives) -> None:
    """New revisions are numbered 0002, 0003, ... instead of random hex ids."""
    script = ScriptDirectory.from_config(config)
    numbers = [int(r.revision) for r in script.walk_revisions() if r.revision.isdigit()]
    for directive in directives:
        directive.rev_id = f"{max(numbers, default=0) + 1:04d}"


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: autogenerate emits batch (copy-and-move) operations.
        render_as_batch=connection.dialect.name == "sqlite",
        process_revision_directives=_numbered_revision,
    )


def run_with(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """`alembic upgrade --sql`: print the SQL instead of running it."""
    url = context.get_x_argument(as_dictionary=True).get("url")
    context.configure(
        url=url or Settings.from_env().effective_database_url,
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = make_engine(context.get_x_argument(as_dictionary=True).get("url"))
    try:
        with engine.connect() as connection:
            run_with(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
