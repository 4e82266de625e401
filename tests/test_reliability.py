"""Reliability on real databases: an import killed with SIGKILL in the middle of its transaction,
a disk that fills up during an import, and a database locked by another writer.

Each time the previous version must stay exactly as it was, the database must pass its integrity
check, the user must get a `StorageUnavailable` with a plain Spanish sentence, and the next import
must work.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from select import select as wait_readable

import psycopg.errors
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from loaders.errors import (
    BUSY_MESSAGE,
    FAILED_MESSAGE,
    FULL_MESSAGE,
    StorageBusy,
    StorageFull,
    StorageUnavailable,
)
from loaders.imports import import_spending, import_workbook
from loaders.model import Movement
from loaders.store.budget import add_movement, movements_of, save_movement, save_reversal
from loaders.store.engine import create_schema, make_engine
from loaders.store.errors import classify, write_transaction
from loaders.store.queries import list_versions, load_version, original_file
from loaders.store.schema import AuditEntry, Base, MovementRow, Plan, SpendingImport
from sample_data.build_spending import DEFAULT_PATH as SPENDING_SAMPLE
from tests.builders import activity, write_poa
from tests.paths import REPO_ROOT
from tests.reliability_child import FINISHED, MARKER

AS_OF = date(2026, 11, 21)
BIG_ACTIVITIES = 4000
SHORT_WAIT_MS = 300
NOT_HUNG_S = 25  # far below the 30 s default busy timeout, far above the short one


@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory) -> Path:
    """A POA of the same area as the sample with thousands of activities (a long insert phase)."""
    rows = [
        activity(n, name=f"Actividad de prueba número {n}", achieved=n % 21,
                 pct=f"{(n % 21) * 5}%", months=[1 + n % 12, 1 + (n + 5) % 12])
        for n in range(1, BIG_ACTIVITIES + 1)
    ]
    return write_poa(tmp_path_factory.mktemp("grande") / "poa_grande.xlsx", rows)


def sqlite_path(engine) -> str:
    return make_url(str(engine.url)).database


def first_version(engine, settings, sample_bytes):
    """Version 1 of the sample POA, and the identity that makes other workbooks its next versions."""
    stored = import_workbook(engine, sample_bytes, settings, file_name="poa.xlsx",
                             uploaded_by="planeacion", as_of=AS_OF)
    with Session(engine) as s:
        plan = s.get(Plan, stored.plan_id)
        identity = {"municipio": plan.municipio, "direccion": plan.direccion, "area": plan.area}
    return stored, identity


def snapshot(engine) -> dict:
    """Everything stored: row counts of every table and each version read back in full."""
    with Session(engine) as s:
        counts = {
            table.name: s.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        versions = {}
        for v in list_versions(s):
            loaded = load_version(s, v.id)
            versions[v.id] = {
                "info": v, "activities": loaded.doc.activities, "budget": loaded.doc.budget,
                "findings": loaded.stored_findings, "file": original_file(s, v.id),
            }
    return {"counts": counts, "versions": versions}


def assert_sample_v1(state: dict, sample_bytes: bytes) -> None:
    [v1] = state["versions"].values()
    assert v1["info"].number == 1
    assert v1["file"] == ("poa.xlsx", sample_bytes)
    assert len(v1["activities"]) == 16
    assert v1["activities"][0].achieved == 6
    assert sum(b.approved for b in v1["budget"]) == 90000.0
    assert sorted(f.activity for f in v1["findings"] if f.code == "PCT_MISMATCH") == [2, 5, 7, 12]


def assert_consistent(engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        else:
            for child in ("activity", "finding", "stored_file", "budget_line"):
                orphans = conn.execute(text(
                    f"SELECT count(*) FROM {child} c LEFT JOIN version v ON v.id = c.version_id "
                    "WHERE v.id IS NULL")).scalar()
                assert orphans == 0, child


def import_big(engine, settings, big_workbook: Path, identity: dict, **kw):
    return import_workbook(engine, big_workbook.read_bytes(), settings,
                           file_name=big_workbook.name, uploaded_by="u", as_of=AS_OF,
                           identity=identity, **kw)


def assert_big_is_version_2(engine, stored, first) -> None:
    assert (stored.plan_id, stored.number) == (first.plan_id, 2)
    with Session(engine) as s:
        loaded = load_version(s, stored.version_id)
    assert len(loaded.doc.activities) == BIG_ACTIVITIES
    assert loaded.doc.activity(BIG_ACTIVITIES).achieved == BIG_ACTIVITIES % 21


# -- kill -9 in the middle of an import ---------------------------------------------------------


def wait_for_marker(child: subprocess.Popen, timeout: float = 120) -> str:
    ready, _, _ = wait_readable([child.stdout], [], [], timeout)
    line = child.stdout.readline().strip() if ready else ""
    if line != MARKER:
        child.kill()
        _, err = child.communicate(timeout=60)
        pytest.fail(f"the child did not stop inside the transaction: {line!r}\n{err}")
    return line


def test_an_import_killed_inside_its_transaction_leaves_the_previous_version_intact(
    engine, db_url, settings, sample_bytes, big_workbook
):
    first, identity = first_version(engine, settings, sample_bytes)
    before = snapshot(engine)
    assert_sample_v1(before, sample_bytes)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability_child", db_url, str(big_workbook),
         json.dumps(identity)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for_marker(child)
        if engine.dialect.name == "sqlite":
            # The version, the original file and thousands of activities do not fit in SQLite's
            # page cache: uncommitted pages were already spilled to the WAL when it is killed.
            assert Path(sqlite_path(engine) + "-wal").stat().st_size > 1_000_000
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
    assert FINISHED not in child.stdout.read()
    child.stdout.close()
    child.stderr.close()

    after = snapshot(engine)
    assert after == before
    assert_sample_v1(after, sample_bytes)
    assert_consistent(engine)

    # Locks were released and the journal recovered: the same import now ends as version 2.
    started = time.monotonic()
    second = import_big(engine, settings, big_workbook, identity)
    assert time.monotonic() - started < 120
    assert_big_is_version_2(engine, second, first)
    assert snapshot(engine)["versions"][first.version_id] == before["versions"][first.version_id]
    assert_consistent(engine)


# -- disk full ----------------------------------------------------------------------------------


def page_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("PRAGMA page_count")).scalar()


def engine_with_max_pages(url: str, settings, max_pages: int):
    """An engine whose database cannot grow beyond `max_pages` (SQLite then says "database or
    disk is full", exactly as when the disk itself is full)."""
    limited = make_engine(url, settings)

    @event.listens_for(limited, "connect")
    def _limit(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={max_pages}")

    return limited


@pytest.fixture
def sqlite_engine(tmp_path, settings):
    engine = make_engine(f"sqlite:///{tmp_path / 'poa.sqlite3'}", settings)
    create_schema(engine)
    yield engine
    engine.dispose()


def test_a_full_disk_during_an_import_raises_storage_full_and_keeps_the_earlier_version(
    sqlite_engine, settings, sample_bytes, big_workbook
):
    first, identity = first_version(sqlite_engine, settings, sample_bytes)
    before = snapshot(sqlite_engine)
    limit = page_count(sqlite_engine) + 2
    limited = engine_with_max_pages(str(sqlite_engine.url), settings, limit)
    try:
        with pytest.raises(StorageFull) as caught:
            import_big(limited, settings, big_workbook, identity)
        with limited.connect() as conn:
            assert conn.execute(text("PRAGMA max_page_count")).scalar() == limit
    finally:
        limited.dispose()
    problem = caught.value
    assert isinstance(problem, StorageUnavailable)
    assert problem.reason == "full"
    assert problem.message == FULL_MESSAGE == str(problem)
    assert problem.message.startswith("No hay espacio suficiente en el disco del servidor")
    assert "No se guardó nada y los datos anteriores siguen intactos." in problem.message
    assert isinstance(problem.__cause__, OperationalError)
    assert "database or disk is full" in str(problem.__cause__)

    assert snapshot(sqlite_engine) == before
    assert_consistent(sqlite_engine)
    assert page_count(sqlite_engine) <= limit

    # With room again (no page limit on this engine's connections) the same import works.
    second = import_big(sqlite_engine, settings, big_workbook, identity)
    assert_big_is_version_2(sqlite_engine, second, first)
    assert_consistent(sqlite_engine)


def test_a_full_disk_during_a_spending_import_raises_storage_full_and_stores_nothing(
    sqlite_engine, settings, sample_bytes
):
    first, _ = first_version(sqlite_engine, settings, sample_bytes)
    before = snapshot(sqlite_engine)
    spending = SPENDING_SAMPLE.read_bytes()
    limited = engine_with_max_pages(str(sqlite_engine.url), settings, page_count(sqlite_engine))
    try:
        with pytest.raises(StorageFull) as caught:
            import_spending(limited, first.plan_id, spending, settings,
                            file_name="ejercicio.xlsx", uploaded_by="tesoreria")
    finally:
        limited.dispose()
    assert caught.value.message == FULL_MESSAGE
    assert snapshot(sqlite_engine) == before
    assert_consistent(sqlite_engine)
    number, _ = import_spending(sqlite_engine, first.plan_id, spending, settings,
                                file_name="ejercicio.xlsx", uploaded_by="tesoreria")
    assert number == 1


def run_cli(*args: str, data_dir: Path, max_file_bytes: int | None = None):
    """`python -m loaders …`; with `max_file_bytes`, no file the process writes can grow beyond
    that size (RLIMIT_FSIZE: the kernel refuses the write, as on a full disk)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POA_")}
    env["POA_DATA_DIR"] = str(data_dir)

    def limit_file_size() -> None:
        if max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "loaders", *args], capture_output=True, text=True, cwd=REPO_ROOT,
        env=env, timeout=180, preexec_fn=limit_file_size,
    )


def test_the_cli_reports_a_refused_write_in_one_spanish_line_with_exit_3(
    tmp_path, sample_path, big_workbook
):
    data_dir = tmp_path / "datos"
    first = run_cli("import", str(sample_path), "--as-of", "2026-11-21", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    database = data_dir / "tablero_poa.sqlite3"
    original = database.read_bytes()
    assert not Path(f"{database}-wal").exists()  # checkpointed when the CLI closed the database

    # The write-ahead log may not grow past 64 KiB: the kernel refuses the import's writes.
    refused = run_cli("import", str(big_workbook), "--as-of", "2026-11-21", data_dir=data_dir,
                      max_file_bytes=64 * 1024)
    assert refused.returncode == 3, refused.stderr
    assert refused.stderr.strip() == FAILED_MESSAGE
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""

    engine = make_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as s:
            assert [(v.number, v.file_name) for v in list_versions(s)] == [
                (1, "poa_migrantes_ex_braceros_2026.xlsx")
            ]
        assert_consistent(engine)
    finally:
        engine.dispose()
    assert database.read_bytes() == original

    again = run_cli("import", str(big_workbook), "--as-of", "2026-11-21", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Guardada la versión 1 ")  # a plan of its own this time
    listed = run_cli("versions", data_dir=data_dir)
    assert listed.stdout.count("poa_grande.xlsx") == 1


# -- database locked by another writer ----------------------------------------------------------


def short_wait_engine(engine, settings):
    """Another engine on the same database that gives up on a lock after SHORT_WAIT_MS."""
    if engine.dialect.name == "sqlite":
        return make_engine(str(engine.url), settings, busy_timeout_ms=SHORT_WAIT_MS)
    url = engine.url.update_query_dict({"options": f"-c lock_timeout={SHORT_WAIT_MS}"})
    return make_engine(url.render_as_string(hide_password=False), settings)


@contextmanager
def another_writer(engine):
    """Hold the database's write lock from another connection until the block ends."""
    if engine.dialect.name == "sqlite":
        raw = sqlite3.connect(sqlite_path(engine), isolation_level=None)
        try:
            raw.execute("BEGIN IMMEDIATE")
            yield
        finally:
            raw.execute("ROLLBACK")
            raw.close()
        return
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()


@pytest.fixture
def impatient(engine, settings):
    short = short_wait_engine(engine, settings)
    yield short
    short.dispose()


def assert_busy(caught) -> None:
    problem = caught.value
    assert isinstance(problem, StorageUnavailable)
    assert problem.reason == "busy"
    assert problem.message == BUSY_MESSAGE
    assert problem.message.startswith("La base de datos está ocupada por otra carga")
    assert problem.message.endswith("No se guardó nada.")
    assert isinstance(problem.__cause__, OperationalError)


def test_a_locked_database_makes_an_import_raise_storage_busy_and_store_nothing(
    engine, impatient, settings, sample_bytes, big_workbook
):
    first, identity = first_version(engine, settings, sample_bytes)
    before = snapshot(engine)
    if engine.dialect.name == "sqlite":
        with impatient.connect() as conn:
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SHORT_WAIT_MS
    with another_writer(engine):
        started = time.monotonic()
        with pytest.raises(StorageBusy) as caught:
            import_big(impatient, settings, big_workbook, identity)
        assert time.monotonic() - started < NOT_HUNG_S
    assert_busy(caught)
    assert snapshot(engine) == before
    assert_consistent(engine)

    second = import_big(impatient, settings, big_workbook, identity)
    assert_big_is_version_2(engine, second, first)


def form(day: date, partida: str, amount: float) -> Movement:
    return Movement(date=day, partida=partida, concepto="Compra de papelería",
                    momento="comprometido", amount=amount)


def test_budget_writes_on_a_locked_database_raise_storage_busy_and_store_nothing(
    engine, impatient, settings, sample_bytes
):
    first, _ = first_version(engine, settings, sample_bytes)
    spending = SPENDING_SAMPLE.read_bytes()
    before = snapshot(engine)
    with another_writer(engine):
        with pytest.raises(StorageBusy) as spending_refused:
            import_spending(impatient, first.plan_id, spending, settings,
                            file_name="ejercicio.xlsx", uploaded_by="tesoreria",
                            remote_addr="10.1.2.3")
        with pytest.raises(StorageBusy) as movement_refused:
            save_movement(impatient, first.plan_id, form(date(2026, 5, 2), "2111", 1200.0),
                          user="directora", remote_addr="10.1.2.3")
        with pytest.raises(StorageBusy) as session_refused, write_transaction(impatient) as s:
            add_movement(s, first.plan_id, form(date(2026, 5, 3), "2111", 300.0),
                         user="directora")
    for caught in (spending_refused, movement_refused, session_refused):
        assert_busy(caught)
    assert snapshot(engine) == before

    number, _ = import_spending(impatient, first.plan_id, spending, settings,
                                file_name="ejercicio.xlsx", uploaded_by="tesoreria",
                                remote_addr="10.1.2.3")
    added = save_movement(impatient, first.plan_id, form(date(2026, 5, 2), "2111", 1200.0),
                          user="directora", remote_addr="10.1.2.4")
    reversal = save_reversal(impatient, added, user="directora", on=date(2026, 5, 4),
                             remote_addr="10.1.2.5")
    with Session(engine) as s:
        movements = movements_of(s, first.plan_id)
        imports = s.scalar(select(func.count()).select_from(SpendingImport))
        audit = s.execute(
            select(AuditEntry.action, AuditEntry.remote_addr)
            .where(AuditEntry.action != "version_saved").order_by(AuditEntry.id)
        ).all()
    assert number == 1 and imports == 1
    form_rows = [(m.id, m.amount, m.reverses) for m in movements if m.source == "formulario"]
    assert form_rows == [(added, 1200.0, None), (reversal, -1200.0, added)]
    assert [tuple(row) for row in audit] == [
        ("spending_imported", "10.1.2.3"),
        ("movement_added", "10.1.2.4"),
        ("movement_reversed", "10.1.2.5"),
    ]


def test_a_refused_movement_inside_a_write_transaction_stores_nothing(
    engine, settings, sample_bytes
):
    first, _ = first_version(engine, settings, sample_bytes)
    with pytest.raises(IntegrityError), write_transaction(engine) as s:
        add_movement(s, first.plan_id, form(date(2026, 5, 2), "2111", 100.0), user="d")
        s.execute(text("INSERT INTO movement (id) VALUES (NULL)"))  # violates NOT NULL
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(MovementRow)) == 0


# -- classification -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind", "reason"),
    [
        (psycopg.errors.DiskFull("could not extend file: No space left on device"),
         StorageFull, "full"),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
         StorageBusy, "busy"),
        (psycopg.errors.SerializationFailure("could not serialize access"), StorageBusy, "busy"),
        (psycopg.errors.DeadlockDetected("deadlock detected"), StorageBusy, "busy"),
        (psycopg.errors.AdminShutdown("terminating connection"), StorageUnavailable, "failed"),
        (sqlite3.OperationalError("database is locked"), StorageBusy, "busy"),
        (sqlite3.OperationalError("database or disk is full"), StorageFull, "full"),
        (sqlite3.OperationalError("disk I/O error"), StorageUnavailable, "failed"),
    ],
)
def test_driver_errors_are_classified_by_sqlstate_code_or_message(error, kind, reason):
    problem = classify(OperationalError("INSERT INTO version …", {}, error))
    assert type(problem) is kind
    assert problem.reason == reason
    assert problem.message.endswith(("No se guardó nada.", "siguen intactos."))


def test_constraint_violations_are_not_storage_problems():
    duplicate = psycopg.errors.UniqueViolation("duplicate key value")
    assert classify(IntegrityError("INSERT", {}, duplicate)) is None
    assert classify(ValueError("otra cosa")) is None
