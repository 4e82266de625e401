"""Synthetic POA workbooks (`loaders/synth.py`, `python -m loaders synth` and `import-dir`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.check.budget import check_movements
from loaders.check.poa import check_document
from loaders.model import BudgetLine
from loaders.read.identity import place_from_text
from loaders.read.poa import read_poa
from loaders.read.spending import read_spending
from loaders.settings import Settings
from loaders.store.engine import make_engine
from loaders.store.schema import Plan, SpendingImport, Version
from loaders.synth import (
    AREAS,
    BANNER,
    load_municipios,
    plans,
    spending_path,
    write_large_workbook,
    write_workbooks,
)
from tests.paths import REPO_ROOT

AS_OF = date(2026, 9, 30)
PLANTED = {"PCT_MISMATCH", "END_BEFORE_START", "OUTSIDE_FISCAL_YEAR", "UNIT_NOT_A_UNIT"}
SCHEDULE = {"OVERDUE", "BEHIND_SCHEDULE"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[tuple[Path, object]]:
    """3 municipios × all 25 areas × 16 activities, with spending workbooks."""
    out = tmp_path_factory.mktemp("sinteticos")
    paths = write_workbooks(out, municipios=3, areas=len(AREAS), activities=16, spending=True)
    return list(zip(paths, plans(municipios=3, areas=len(AREAS), activities=16), strict=True))


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POA_")}
    env["POA_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_58_municipios_of_zacatecas_and_25_areas():
    municipios = load_municipios()
    assert [m.clave for m in municipios] == [f"{i:03d}" for i in range(1, 59)]
    names = [m.nombre for m in municipios]
    assert len(set(names)) == 58
    assert {"Sombrerete", "Fresnillo", "Zacatecas", "Trancoso", "Santa María de la Paz"} <= set(
        names)
    for name in names:  # the reader gives every name back from "NAME, ZAC." and "Name, Zacatecas"
        assert place_from_text(f"{name.upper()}, ZAC.") == (name, "Zacatecas")
        assert place_from_text(f"{name}, Zacatecas") == (name, "Zacatecas")
    assert len({a.name for a in AREAS}) == 25
    assert {"Obras Públicas", "Desarrollo Social", "Protección Civil", "DIF Municipal",
            "Migrantes", "Cultura", "Deporte", "Ecología", "Catastro", "Tesorería"} <= {
        a.name for a in AREAS}


def test_every_workbook_reads_back_its_activities_identity_and_synthetic_mark(generated):
    settings = Settings()
    for path, plan in generated:
        assert path.name.startswith("sintetico_") and path.suffix == ".xlsx"
        doc = read_poa(path.read_bytes(), settings, file_name=path.name)
        assert len(doc.activities) == 16
        assert (doc.plan.municipio, doc.plan.estado) == (plan.municipio, "Zacatecas")
        assert doc.plan.area == plan.area and doc.plan.area.endswith("(SINTÉTICO)")
        assert doc.plan.direccion == plan.direccion
        assert doc.plan.fiscal_year == 2026
        read = [(a.number, a.unit, a.goal, a.programmed, a.achieved, round(a.declared_pct),
                 a.start, a.end, tuple(a.months_planned)) for a in doc.activities]
        made = [(a.number, str(a.unit), a.goal, a.programmed, a.achieved, round(a.declared_pct),
                 a.start, a.end, a.months) for a in plan.activities]
        assert read == made, (path.name, plan.layout)
        assert [a.name for a in doc.activities] == [a.name for a in plan.activities]
        assert [(b.partida, b.name, b.approved) for b in doc.budget] == plan.budget
        assert doc.budget_total == pytest.approx(sum(a for _, _, a in plan.budget))
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:  # the banner opens every sheet
            assert workbook.get_sheet_by_name(name).to_python()[0][0] == BANNER


def test_the_layouts_vary_among_the_real_variants(generated):
    layouts = [plan.layout for _, plan in generated]
    assert {x.variant for x in layouts} == {"oficial", "dos_hojas", "una_hoja"}
    assert {x.dates for x in layouts} == {"excel", "text"}
    assert {x.pct for x in layouts} == {"fraction", "number", "text"}
    assert {x.marks for x in layouts} == {"fill", "X", "✓"}
    assert {x.money for x in layouts} == {"number", "text"}
    assert {x.municipio_label for x in layouts} == {True, False}
    assert len({x.offset for x in layouts}) >= 3


def test_data_is_plausible_and_the_planted_errors_are_found_at_a_low_rate(generated):
    settings = Settings()
    found: Counter[str] = Counter()
    planted: Counter[str] = Counter()
    achieved = programmed = 0
    for path, plan in generated:
        for a in plan.activities:
            assert 1 <= a.goal <= 200 and a.programmed == a.goal
            assert 0 <= a.achieved <= a.goal
            achieved, programmed = achieved + a.achieved, programmed + a.programmed
            planted["PCT_MISMATCH"] += abs(a.declared_pct - a.achieved / a.goal * 100) > 1
            planted["END_BEFORE_START"] += a.end < a.start
            planted["UNIT_NOT_A_UNIT"] += isinstance(a.unit, int)
        doc = read_poa(path.read_bytes(), settings, file_name=path.name)
        found.update(f.code for f in check_document(doc, AS_OF, settings))
    assert set(found) <= PLANTED | SCHEDULE  # nothing but what was planted, and the schedule
    activities = len(generated) * 16
    for code in ("PCT_MISMATCH", "END_BEFORE_START", "UNIT_NOT_A_UNIT"):
        assert found[code] == planted[code]
        assert 1 <= planted[code] <= activities * 0.08
    assert found["BEHIND_SCHEDULE"] + found["OVERDUE"] > 0
    assert achieved / programmed < 0.75  # mostly behind schedule


def test_spending_workbooks_read_without_problems_against_their_budget(generated):
    settings = Settings()
    codes: Counter[str] = Counter()
    for path, plan in generated:
        spending = spending_path(path)
        assert spending.name == path.name.replace(".xlsx", "_ejercicio.xlsx")
        movements, problems = read_spending(spending.read_bytes(), settings,
                                            file_name=spending.name)
        assert problems == []
        assert movements and {m.partida for m in movements} <= {c for c, _, _ in plan.budget}
        budget = [BudgetLine(c, n, a) for c, n, a in plan.budget]
        codes.update(f.code for f in check_movements(budget, movements, fiscal_year=2026))
    assert set(codes) <= {"BUDGET_OVERSPENT"}


def test_the_large_workbook_has_the_rows_asked_for(tmp_path):
    path = write_large_workbook(tmp_path / "grande.xlsx", 1000)
    doc = read_poa(path.read_bytes(), Settings(), file_name=path.name)
    assert [a.number for a in doc.activities] == list(range(1, 1001))
    assert doc.plan.area == "Libro de 1,000 actividades (SINTÉTICO)"
    assert (doc.plan.municipio, doc.plan.fiscal_year) == ("Sombrerete", 2026)
    assert all(a.goal and a.start and a.end for a in doc.activities)


def test_same_seed_same_bytes(tmp_path):
    first = write_workbooks(tmp_path / "a", municipios=2, areas=2, activities=4, seed=7,
                            spending=True)
    second = write_workbooks(tmp_path / "b", municipios=2, areas=2, activities=4, seed=7,
                             spending=True)
    other = write_workbooks(tmp_path / "c", municipios=2, areas=2, activities=4, seed=8)
    subset = write_workbooks(tmp_path / "d", municipios=1, areas=1, activities=4, seed=7)
    assert [p.name for p in first] == [p.name for p in second] == [p.name for p in other]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert spending_path(a).read_bytes() == spending_path(b).read_bytes()
    assert all(a.read_bytes() != c.read_bytes() for a, c in zip(first, other, strict=True))
    assert subset[0].read_bytes() == first[0].read_bytes()  # a workbook does not depend on the run
    big = [write_large_workbook(tmp_path / f"g{i}.xlsx", 50, seed=3) for i in range(2)]
    assert big[0].read_bytes() == big[1].read_bytes()


def test_cli_writes_the_workbooks_and_import_dir_stores_them(tmp_path):
    out, data = tmp_path / "libros", tmp_path / "datos"
    made = _run("synth", "--municipios", "2", "--areas", "3", "--activities", "5", "--out",
                str(out), "--spending", data_dir=data)
    assert made.returncode == 0, made.stderr
    assert "Listo: 6 libros POA (30 actividades) y 6 libros de ejercicio" in made.stdout
    assert "DATOS SINTÉTICOS" in made.stdout
    assert len(list(out.glob("sintetico_*_ejercicio.xlsx"))) == 6
    assert len(list(out.glob("sintetico_*.xlsx"))) == 12

    stored = _run("import-dir", str(out), "--as-of", "2026-09-30", data_dir=data)
    assert stored.returncode == 0, stored.stderr
    assert "6 versiones nuevas de POA, 0 ya estaban guardadas" in stored.stdout
    assert "6 libros de ejercicio nuevos" in stored.stdout
    engine = make_engine(settings=Settings(data_dir=data))
    with Session(engine) as session:
        areas = session.scalars(select(Plan.area)).all()
        versions = session.scalar(select(func.count()).select_from(Version))
        spending = session.scalar(select(func.count()).select_from(SpendingImport))
    engine.dispose()
    assert len(areas) == 6 and versions == 6 and spending == 6
    assert all(area.endswith("(SINTÉTICO)") for area in areas)

    again = _run("import-dir", str(out), data_dir=data)
    assert again.returncode == 0
    assert "0 versiones nuevas de POA, 6 ya estaban guardadas" in again.stdout


def test_cli_synth_with_import_stores_the_poas_in_the_configured_database(tmp_path):
    data = tmp_path / "datos"
    run = _run("synth", "--municipios", "2", "--areas", "3", "--activities", "5", "--import",
               data_dir=data)
    assert run.returncode == 0, run.stderr
    assert len(list((data / "sinteticos").glob("sintetico_*.xlsx"))) == 6
    assert "6 versiones nuevas de POA" in run.stdout
    engine = make_engine(settings=Settings(data_dir=data))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 6
    engine.dispose()


def test_import_dir_lists_refused_files_and_orphan_spending(tmp_path):
    folder = tmp_path / "libros"
    folder.mkdir()
    (folder / "basura.xlsx").write_text("no soy un libro")
    (folder / "suelto_ejercicio.xlsx").write_text("tampoco")
    run = _run("import-dir", str(folder), data_dir=tmp_path / "datos")
    assert run.returncode == 2
    assert "0 versiones nuevas de POA" in run.stdout and "1 rechazados" in run.stdout
    assert "rechazado: basura.xlsx: El archivo no es un libro de Excel .xlsx" in run.stdout
    assert "sin POA: suelto_ejercicio.xlsx" in run.stdout


def test_cli_refuses_counts_out_of_range(tmp_path):
    run = _run("synth", "--municipios", "59", data_dir=tmp_path)
    assert run.returncode == 2
    assert "no es un número entre 1 y 58" in run.stderr
    missing = _run("import-dir", str(tmp_path / "no-existe"), data_dir=tmp_path)
    assert missing.returncode == 2 and "no es una carpeta" in missing.stderr
