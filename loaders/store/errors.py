"""Why the database refused a write, as a `StorageUnavailable` with a Spanish sentence.

`classify` reads the driver's error (sqlite3 result code or PostgreSQL SQLSTATE, then the SQLite
message); `storage_errors()` translates inside a block; `write_transaction(engine)` is the one
way the loaders open a write transaction: a session whose transaction takes SQLite's write lock
at BEGIN, commits at the end of the block, and rolls back entirely on any error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from loaders.errors import StorageBusy, StorageFull, StorageUnavailable
from loaders.store.engine import WRITE

# SQLite primary result codes (the low byte of the extended code).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL = 5, 6, 13
SQLITE_BUSY_TEXT = ("database is locked", "database is busy", "database table is locked")
SQLITE_FULL_TEXT = ("database or disk is full",)
# PostgreSQL SQLSTATEs: lock_not_available, serialization_failure, deadlock_detected,
# too_many_connections; disk_full.
PG_BUSY = frozenset({"55P03", "40001", "40P01", "53300"})
PG_FULL = frozenset({"53100"})


def classify(exc: BaseException) -> StorageUnavailable | None:
    """The storage problem behind a database error, or None when it is not one (a constraint
    violation, a bad statement: those are bugs or business rules, not storage)."""
    if not isinstance(exc, DBAPIError):
        return None
    if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        return None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in PG_FULL:
        return StorageFull()
    if sqlstate in PG_BUSY:
        return StorageBusy()
    code = getattr(orig, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    text = str(orig).lower()
    if primary == SQLITE_FULL or any(t in text for t in SQLITE_FULL_TEXT):
        return StorageFull()
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or any(t in text for t in SQLITE_BUSY_TEXT):
        return StorageBusy()
    return StorageUnavailable()


@contextmanager
def storage_errors() -> Iterator[None]:
    """Raise `StorageUnavailable` (from the original error) for storage failures in the block."""
    try:
        yield
    except DBAPIError as exc:
        problem = classify(exc)
        if problem is None:
            raise
        raise problem from exc


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction: committed when the block ends, rolled back (nothing
    stored) when it raises; storage failures, commit included, become `StorageUnavailable`."""
    with storage_errors(), Session(engine.execution_options(**WRITE)) as session, session.begin():
        yield session
