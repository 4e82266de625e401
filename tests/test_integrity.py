"""Stored versions never change, and simultaneous uploads both become versions."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loaders.imports import import_workbook
from loaders.settings import Settings
from loaders.store.engine import make_engine
from loaders.store.queries import list_versions, load_version
from tests.builders import activity, write_poa

AS_OF = date(2026, 11, 21)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE activity SET achieved = 99",
        "DELETE FROM activity",
        "UPDATE version SET file_name = 'otro.xlsx'",
        "UPDATE stored_file SET content = NULL",
        "DELETE FROM finding",
        "DELETE FROM audit",
    ],
)
def test_a_stored_version_cannot_be_changed(engine, settings, sample_bytes, statement):
    stored = import_workbook(engine, sample_bytes, settings, file_name="s.xlsx",
                             uploaded_by="u", as_of=AS_OF)
    with pytest.raises(DBAPIError, match="solo lectura"), engine.begin() as conn:
        conn.execute(text(statement))
    with Session(engine) as s:
        loaded = load_version(s, stored.version_id)
    assert loaded.doc.activity(1).achieved == 6
    assert loaded.version.file_name == "s.xlsx"
    assert len(loaded.stored_findings) == len(stored.findings)


def _import_in_child(url: str, path: str, barrier) -> None:
    engine = make_engine(url, Settings())
    data = Path(path).read_bytes()
    barrier.wait(timeout=60)
    import_workbook(engine, data, Settings(), file_name=Path(path).name, uploaded_by="proceso",
                    as_of=AS_OF)
    engine.dispose()


def test_two_imports_in_parallel_processes_are_both_stored(engine, db_url, tmp_path):
    paths = [
        write_poa(tmp_path / f"v{i}.xlsx", [activity(1, achieved=i, pct=f"{i * 5}%")])
        for i in (1, 2, 3)
    ]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(paths))
    children = [
        context.Process(target=_import_in_child, args=(db_url, str(p), barrier)) for p in paths
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [child.exitcode for child in children] == [0, 0, 0]
    with Session(engine) as s:
        versions = list_versions(s)
        achieved = sorted(load_version(s, v.id).doc.activity(1).achieved for v in versions)
    assert sorted(v.number for v in versions) == [1, 2, 3]
    assert len({v.plan_id for v in versions}) == 1
    assert achieved == [1, 2, 3]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        else:
            orphans = conn.execute(text(
                "SELECT count(*) FROM activity a LEFT JOIN version v ON v.id = a.version_id "
                "WHERE v.id IS NULL")).scalar()
            assert orphans == 0
