"""Storing imports on real SQLite and PostgreSQL: versions, originals, duplicates, atomicity."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from loaders.imports import import_workbook
from loaders.store import versions as store
from loaders.store.queries import list_plans, list_versions, load_version, original_file
from loaders.store.schema import ActivityRow, BudgetRow, FindingRow, Plan, StoredFile, Version
from loaders.store.versions import AlreadyImported
from tests.builders import activity, write_poa

AS_OF = date(2026, 11, 21)


def table_counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Plan, Version, StoredFile, ActivityRow, BudgetRow, FindingRow)
        }


def test_sample_import_stores_every_row_and_the_original_bytes(engine, settings, sample_bytes):
    stored = import_workbook(
        engine, sample_bytes, settings, file_name="poa.xlsx", uploaded_by="planeacion",
        as_of=AS_OF,
    )
    assert stored.number == 1
    assert stored.sha256 == hashlib.sha256(sample_bytes).hexdigest()
    with Session(engine) as s:
        loaded = load_version(s, stored.version_id)
        name, content = original_file(s, stored.version_id)
    assert content == sample_bytes and name == "poa.xlsx"
    assert loaded.plan.area == "Migrantes y Ex braceros"
    assert loaded.plan.municipio == "Sombrerete"
    assert loaded.plan.fiscal_year == 2026
    assert len(loaded.doc.activities) == 16
    a7 = loaded.doc.activity(7)
    assert (a7.start, a7.end, a7.achieved, a7.declared_pct) == (
        date(2026, 1, 1), date(2025, 12, 31), 1, 75.0
    )
    assert loaded.doc.activity(2).months_planned == list(range(1, 10))
    assert sum(b.approved for b in loaded.doc.budget) == 90000.0
    assert loaded.version.uploaded_by == "planeacion"
    assert sorted(f.code for f in loaded.stored_findings) == sorted(f.code for f in stored.findings)
    pct = [f for f in loaded.stored_findings if f.code == "PCT_MISMATCH"]
    assert sorted(f.activity for f in pct) == [2, 5, 7, 12]
    assert {(f.sheet, f.cell) for f in pct if f.activity == 2} == {("Cronograma", "I7")}


def test_same_bytes_are_recognised_and_not_stored_twice(engine, settings, sample_bytes):
    first = import_workbook(
        engine, sample_bytes, settings, file_name="a.xlsx", uploaded_by="x", as_of=AS_OF
    )
    before = table_counts(engine)
    with pytest.raises(AlreadyImported) as caught:
        import_workbook(engine, sample_bytes, settings, file_name="b.xlsx", uploaded_by="y",
                        as_of=AS_OF)
    assert caught.value.version_id == first.version_id
    assert "ya se cargó el" in str(caught.value)
    assert table_counts(engine) == before


def test_a_changed_workbook_becomes_version_two_of_the_same_plan(engine, settings, tmp_path):
    v1 = write_poa(tmp_path / "v1.xlsx", [activity(1, achieved=2, pct="10%")])
    v2 = write_poa(tmp_path / "v2.xlsx", [activity(1, achieved=10, pct="50%")])
    a = import_workbook(engine, v1.read_bytes(), settings, file_name="v1.xlsx", uploaded_by="u",
                        as_of=AS_OF)
    b = import_workbook(engine, v2.read_bytes(), settings, file_name="v2.xlsx", uploaded_by="u",
                        as_of=AS_OF)
    assert (a.plan_id, a.number) == (b.plan_id, 1) and b.number == 2
    with Session(engine) as s:
        plans = list_plans(s)
        versions = list_versions(s, a.plan_id)
        old = load_version(s, a.version_id)
        new = load_version(s, b.version_id)
    assert [(p.versions, p.current_version_id) for p in plans] == [(2, b.version_id)]
    assert [v.number for v in versions] == [1, 2]
    assert old.doc.activity(1).achieved == 2 and new.doc.activity(1).achieved == 10


def test_a_failure_midway_leaves_the_database_exactly_as_before(
    engine, settings, sample_bytes, tmp_path, monkeypatch
):
    first = write_poa(tmp_path / "v1.xlsx", [activity(1)])
    import_workbook(engine, first.read_bytes(), settings, file_name="v1.xlsx", uploaded_by="u",
                    as_of=AS_OF)
    before = table_counts(engine)

    def explode(*args, **kwargs):
        raise OSError("disco lleno (simulado)")

    # Activities and the file are already inserted when the findings fail.
    monkeypatch.setattr(store, "_insert_findings", explode)
    with pytest.raises(OSError):
        import_workbook(engine, sample_bytes, settings, file_name="s.xlsx", uploaded_by="u",
                        as_of=AS_OF)
    assert table_counts(engine) == before
    with Session(engine) as s:
        assert [v.file_name for v in list_versions(s)] == ["v1.xlsx"]


def test_plan_identity_can_be_given_when_the_workbook_does_not_say(engine, settings, tmp_path):
    path = write_poa(tmp_path / "p.xlsx", [activity(1)])
    stored = import_workbook(
        engine, path.read_bytes(), settings, file_name="p.xlsx", uploaded_by="u", as_of=AS_OF,
        identity={"municipio": "Fresnillo", "area": ""},
    )
    with Session(engine) as s:
        plan = s.get(Plan, stored.plan_id)
    assert (plan.municipio, plan.area, plan.direccion) == (
        "Fresnillo", "Área de prueba", "Secretaría de Prueba"
    )


def test_sqlite_runs_with_wal_foreign_keys_and_full_sync(settings, tmp_path):
    from loaders.store.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", settings)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()
