"""Alembic migrations: an empty database goes to head, an old `create_all` database is adopted
with its data, running twice is a no-op, concurrent processes agree, and downgrade works."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import UniqueConstraint, event, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

import loaders
from loaders.imports import import_workbook
from loaders.store.accounts import add_user
from loaders.store.engine import (
    alembic_config,
    create_immutability_triggers,
    create_schema,
    make_engine,
    schema_heads,
)
from loaders.store.queries import list_versions, load_version
from loaders.store.schema import IMMUTABLE_TABLES, AuditEntry, Base, MovementRow, Plan, Version
from tests.paths import REPO_ROOT

AS_OF = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)
PASSWORD = "clave-de-prueba-123"
TABLES = set(Base.metadata.tables)
PRE_BUDGET_TABLES = TABLES - {"user_account", "spending_import", "movement"}
WRITE_DDL = re.compile(r"^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE|BEGIN IMMEDIATE)\b", re.I)


def head() -> str:
    (only,) = ScriptDirectory.from_config(alembic_config()).get_heads()
    return only


def version_rows(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def differences(engine) -> list:
    """What `alembic revision --autogenerate` would emit: nothing when migrations match models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, Base.metadata)


def table_names(engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def physical_tables(engine) -> dict[str, int]:
    """Each table's storage identity (SQLite root page, PostgreSQL oid): a recreated table gets
    a new one."""
    sql = (
        "SELECT name, rootpage FROM sqlite_master WHERE type = 'table'"
        if engine.dialect.name == "sqlite"
        else "SELECT relname, oid::bigint FROM pg_class "
        "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
    )
    with engine.connect() as conn:
        return {name: ident for name, ident in conn.execute(text(sql)) if name in TABLES}


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        return {
            table.name: conn.execute(select(text("count(*)")).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name in names
        }


def trigger_names(engine) -> set[str]:
    sql = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with engine.connect() as conn:
        return set(conn.execute(text(sql)).scalars())


def expected_triggers(engine, tables=IMMUTABLE_TABLES) -> set[str]:
    if engine.dialect.name == "sqlite":
        return {f"{t}_no_{op}" for t in tables for op in ("update", "delete")}
    return {f"{t}_read_only" for t in tables}


def add_version_and_audit(engine) -> tuple[int, int]:
    """A plan with one version, and one audit entry; their ids."""
    with Session(engine) as s, s.begin():
        plan = Plan(key=f"k-{time.monotonic_ns()}", municipio="Sombrerete", fiscal_year=2026,
                    created_at=NOW)
        s.add(plan)
        s.flush()
        version = Version(plan_id=plan.id, number=1, uploaded_at=NOW, uploaded_by="ana",
                          file_name="poa.xlsx", sha256=f"{time.monotonic_ns():064d}", size=10,
                          as_of=AS_OF)
        entry = AuditEntry(at=NOW, user="ana", action="upload", detail="v1")
        s.add_all([version, entry])
        s.flush()
        return version.id, entry.id


def assert_read_only(engine) -> None:
    version_id, audit_id = add_version_and_audit(engine)
    for statement in (
        f"UPDATE version SET file_name = 'otro.xlsx' WHERE id = {version_id}",
        f"DELETE FROM version WHERE id = {version_id}",
        f"UPDATE audit SET detail = 'cambiado' WHERE id = {audit_id}",
        f"DELETE FROM audit WHERE id = {audit_id}",
    ):
        with pytest.raises(DBAPIError, match="solo lectura"), engine.begin() as conn:
            conn.execute(text(statement))
    with Session(engine) as s:
        assert s.get(Version, version_id).file_name == "poa.xlsx"
        assert s.get(AuditEntry, audit_id).detail == "v1"


def create_all_the_old_way(engine, tables=None) -> None:
    """What `create_schema` did before migrations: `create_all` plus the triggers."""
    chosen = None if tables is None else [Base.metadata.tables[t] for t in tables]
    Base.metadata.create_all(engine, tables=chosen)
    with engine.begin() as conn:
        create_immutability_triggers(
            conn, [t for t in IMMUTABLE_TABLES if tables is None or t in tables]
        )


@pytest.fixture
def fresh(db_url, settings):
    engine = make_engine(db_url, settings)
    yield engine
    engine.dispose()


# -- an empty database ---------------------------------------------------------------------------


def test_the_migrations_ship_inside_the_package_and_start_at_0001():
    config = alembic_config()
    location = Path(config.get_main_option("script_location"))
    assert location == Path(loaders.__file__).resolve().parent / "store" / "migrations"
    revisions = list(ScriptDirectory.from_config(config).walk_revisions())
    assert revisions[-1].revision == "0001"
    assert revisions[-1].down_revision is None
    assert revisions[0].revision == head()


def test_an_empty_database_is_upgraded_to_head_and_matches_the_models(fresh):
    assert table_names(fresh) == set()
    create_schema(fresh)
    assert version_rows(fresh) == [head()]
    assert table_names(fresh) == TABLES | {"alembic_version"}
    assert differences(fresh) == []
    with fresh.connect() as conn:
        inspector = inspect(conn)
        for table in Base.metadata.sorted_tables:
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes, table.name
            uniques = {u["name"] for u in inspector.get_unique_constraints(table.name)}
            assert {
                c.name for c in table.constraints if isinstance(c, UniqueConstraint)
            } == uniques, table.name
    assert trigger_names(fresh) == expected_triggers(fresh)
    assert_read_only(fresh)


def test_the_upgraded_database_stores_and_reads_a_workbook(fresh, settings, sample_bytes):
    create_schema(fresh)
    stored = import_workbook(fresh, sample_bytes, settings, file_name="s.xlsx",
                             uploaded_by="ana", as_of=AS_OF)
    with Session(fresh) as s:
        loaded = load_version(s, stored.version_id)
    assert loaded.version.file_name == "s.xlsx"
    assert loaded.doc.activity(1).achieved == 6


# -- a database made before migrations -----------------------------------------------------------


def test_a_database_made_the_old_way_is_stamped_not_recreated_and_keeps_its_data(
    fresh, settings, sample_bytes
):
    create_all_the_old_way(fresh)
    stored = import_workbook(fresh, sample_bytes, settings, file_name="viejo.xlsx",
                             uploaded_by="ana", as_of=AS_OF)
    add_user(fresh, "maria", PASSWORD, "consulta", by="admin")
    before_tables, before_rows = physical_tables(fresh), row_counts(fresh)
    assert "alembic_version" not in table_names(fresh)
    assert before_rows["activity"] > 0 and before_rows["user_account"] == 1

    create_schema(fresh)

    assert version_rows(fresh) == [head()]
    assert physical_tables(fresh) == before_tables
    assert row_counts(fresh) == before_rows
    assert differences(fresh) == []
    assert trigger_names(fresh) == expected_triggers(fresh)
    with Session(fresh) as s:
        versions = list_versions(s)
        loaded = load_version(s, stored.version_id)
    assert [v.file_name for v in versions] == ["viejo.xlsx"]
    assert loaded.doc.activity(1).achieved == 6
    assert_read_only(fresh)


def test_a_database_made_before_accounts_and_budget_gets_only_the_missing_tables(
    fresh, settings, sample_bytes
):
    create_all_the_old_way(fresh, PRE_BUDGET_TABLES)
    import_workbook(fresh, sample_bytes, settings, file_name="viejo.xlsx", uploaded_by="ana",
                    as_of=AS_OF)
    before_tables, before_rows = physical_tables(fresh), row_counts(fresh)
    assert set(before_tables) == PRE_BUDGET_TABLES

    create_schema(fresh)

    assert version_rows(fresh) == [head()]
    after = physical_tables(fresh)
    assert set(after) == TABLES
    assert {t: after[t] for t in PRE_BUDGET_TABLES} == before_tables
    assert row_counts(fresh) == {**before_rows, "user_account": 0, "spending_import": 0,
                                 "movement": 0}
    assert differences(fresh) == []
    assert trigger_names(fresh) == expected_triggers(fresh)
    with fresh.begin() as conn:
        plan_id = conn.execute(select(Plan.id)).scalar_one()
        conn.execute(MovementRow.__table__.insert().values(
            plan_id=plan_id, date=AS_OF, partida="2110", concepto="", momento="ejercido",
            amount=10.0, created_by="ana", created_at=NOW, source="formulario"))
    for statement in ("DELETE FROM movement", "UPDATE movement SET concepto = 'x'"):
        with pytest.raises(DBAPIError, match="solo lectura"), fresh.begin() as conn:
            conn.execute(text(statement))
    assert row_counts(fresh)["movement"] == 1


def test_a_foreign_table_with_missing_columns_is_refused_and_nothing_changes(fresh):
    with fresh.begin() as conn:
        conn.execute(text("CREATE TABLE plan (id INTEGER PRIMARY KEY, key VARCHAR(600))"))
        conn.execute(text("INSERT INTO plan (id, key) VALUES (7, 'ajeno')"))
    with pytest.raises(RuntimeError, match=r"tabla plan, pero le faltan las columnas area, "):
        create_schema(fresh)
    assert table_names(fresh) == {"plan"}
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT id, key FROM plan")).all() == [(7, "ajeno")]


def test_a_database_from_a_newer_release_is_refused_untouched(fresh):
    create_schema(fresh)
    with fresh.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(RuntimeError, match="revisión 9999 del esquema, que esta versión"):
        create_schema(fresh)
    assert version_rows(fresh) == ["9999"]
    assert table_names(fresh) == TABLES | {"alembic_version"}


# -- running again, and at the same time ---------------------------------------------------------


def test_create_schema_twice_is_a_no_op(fresh, settings, sample_bytes):
    create_schema(fresh)
    import_workbook(fresh, sample_bytes, settings, file_name="s.xlsx", uploaded_by="ana",
                    as_of=AS_OF)
    before = (physical_tables(fresh), row_counts(fresh), trigger_names(fresh))
    statements: list[str] = []

    @event.listens_for(fresh, "before_cursor_execute")
    def _record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    create_schema(fresh)
    event.remove(fresh, "before_cursor_execute", _record)

    assert statements, "the second call still reads the current revision"
    assert [s for s in statements if WRITE_DDL.match(s)] == []
    assert not any("advisory" in s for s in statements)
    assert (physical_tables(fresh), row_counts(fresh), trigger_names(fresh)) == before
    assert version_rows(fresh) == [head()]


CHILD = """
import sys, time
from pathlib import Path

import alembic.command, alembic.script, alembic.migration  # imported before the start line
from loaders.store.engine import create_schema, make_engine

url, ready, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
engine = make_engine(url)
ready.touch()
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.0005)
create_schema(engine)
engine.dispose()
print("listo")
"""


def test_processes_creating_the_schema_at_the_same_time_all_succeed(fresh, db_url, tmp_path):
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(4)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, db_url, str(r), str(go)],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for r in ready
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(r.exists() for r in ready) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()
        results = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [child.returncode for child in children] == [0] * len(children), results
    assert [out for out, _err in results] == ["listo\n"] * len(children)
    assert version_rows(fresh) == [head()]
    assert table_names(fresh) == TABLES | {"alembic_version"}
    assert differences(fresh) == []
    assert trigger_names(fresh) == expected_triggers(fresh)
    assert_read_only(fresh)


# -- downgrade, and the developer's command line -------------------------------------------------


def test_downgrade_to_base_then_upgrade_to_head(fresh):
    create_schema(fresh)
    with fresh.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert table_names(fresh) <= {"alembic_version"}
    assert version_rows(fresh) == []
    assert trigger_names(fresh) == set()
    if fresh.dialect.name == "postgresql":
        with fresh.connect() as conn:
            functions = conn.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname = 'poa_read_only'")
            ).scalar_one()
        assert functions == 0

    with fresh.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        assert schema_heads(conn) == (head(),)
    assert table_names(fresh) == TABLES | {"alembic_version"}
    assert differences(fresh) == []
    assert trigger_names(fresh) == expected_triggers(fresh)
    assert_read_only(fresh)


def test_the_developer_alembic_ini_upgrades_and_finds_nothing_to_generate(fresh, db_url):
    def alembic(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "loaders" / "store" / "alembic.ini"),
             "-x", f"url={db_url}", *args],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        )

    upgraded = alembic("upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    assert version_rows(fresh) == [head()]
    checked = alembic("check")
    assert checked.returncode == 0, checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
    assert trigger_names(fresh) == expected_triggers(fresh)
