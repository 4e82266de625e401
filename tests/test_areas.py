"""A workbook holding several áreas' POAs: each área is its own POA, never mixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_workbook
from loaders.read.poa import read_poa, read_workbook
from loaders.settings import Settings
from loaders.store.engine import create_schema, make_engine
from loaders.store.queries import list_plans, list_versions, load_version
from loaders.store.versions import AlreadyImported
from tests.paths import REPO_ROOT

AS_OF = date(2026, 11, 21)
HEADER = ("Nº", "Actividad", "Unidad de medida", "Meta programada", "Meta alcanzada",
          "% alcanzado", "Inicio", "Fin")
CULTURA = {
    "area": "Cultura", "activities": [
        (1, "Festival de otoño", "eventos", 2, 1, 50, "01/09/2026", "30/11/2026"),
        (2, "Talleres de danza", "talleres", 10, 9, 90, "01/02/2026", "30/11/2026"),
    ], "budget": [("3821", "Espectáculos culturales", 40_000), ("2111", "Papelería", 2_000)],
}
DEPORTE = {
    "area": "Deporte", "activities": [
        (1, "Liga municipal", "torneos", 1, 0, 0, "01/03/2026", "31/10/2026"),
        (2, "Carrera 10 km", "eventos", 1, 1, 100, "01/05/2026", "31/05/2026"),
        (3, "Escuelas deportivas", "escuelas", 4, 1, 40, "01/01/2026", "31/12/2026"),
    ], "budget": [("2731", "Artículos deportivos", 25_000)],
}


def _block(ws, row: int, area: dict) -> int:
    """Identity, activity table and budget of one área from `row` on; returns the next free row."""
    ws.cell(row, 1).value = "Municipio: Sombrerete, Zac."
    ws.cell(row + 1, 1).value = "Dirección: Desarrollo Social"
    ws.cell(row + 2, 1).value = f"Área: {area['area']}"
    row += 4
    for c, value in enumerate(HEADER, start=1):
        ws.cell(row, c).value = value
    for activity in area["activities"]:
        row += 1
        for c, value in enumerate(activity, start=1):
            ws.cell(row, c).value = value
    row += 2
    for c, value in enumerate(("Partida", "Nombre", "Importe"), start=1):
        ws.cell(row, c).value = value
    for line in area["budget"]:
        row += 1
        for c, value in enumerate(line, start=1):
            ws.cell(row, c).value = value
    return row + 3


def _save(wb, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.fixture
def one_sheet_each(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Cultura"
    _block(wb.active, 1, CULTURA)
    _block(wb.create_sheet("Deporte"), 1, DEPORTE)
    return _save(wb, tmp_path, "dos_areas.xlsx")


@pytest.fixture
def two_blocks(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "POA 2026"
    _block(wb.active, _block(wb.active, 1, CULTURA), DEPORTE)
    return _save(wb, tmp_path, "dos_bloques.xlsx")


def _summary(doc) -> tuple:
    return (doc.plan.area, [(a.number, a.name, a.achieved) for a in doc.activities],
            [(b.partida, b.approved) for b in doc.budget])


@pytest.mark.parametrize("layout", ["one_sheet_each", "two_blocks"])
def test_each_area_is_its_own_poa_with_its_own_activities_and_budget(layout, request):
    path = request.getfixturevalue(layout)
    docs = read_workbook(path.read_bytes(), Settings(), file_name=path.name)
    assert [_summary(d) for d in docs] == [
        ("Cultura", [(1, "Festival de otoño", 1), (2, "Talleres de danza", 9)],
         [("3821", 40_000.0), ("2111", 2_000.0)]),
        ("Deporte", [(1, "Liga municipal", 0), (2, "Carrera 10 km", 1),
                     (3, "Escuelas deportivas", 1)], [("2731", 25_000.0)]),
    ]
    assert [d.plan.direccion for d in docs] == ["Desarrollo Social"] * 2
    assert [d.plan.fiscal_year for d in docs] == [2026, 2026]


def test_a_sheet_that_names_no_area_is_left_out_and_every_plan_says_so(one_sheet_each, tmp_path):
    wb = openpyxl.load_workbook(one_sheet_each)
    shared = wb.create_sheet("Presupuesto")
    for r, row in enumerate((("Partida", "Nombre", "Importe"), ("5151", "Computadoras", 9_000)),
                            start=1):
        for c, value in enumerate(row, start=1):
            shared.cell(r, c).value = value
    path = _save(wb, tmp_path, "con_hoja_comun.xlsx")
    docs = read_workbook(path.read_bytes(), Settings(), file_name=path.name)
    assert [[b.partida for b in d.budget] for d in docs] == [["3821", "2111"], ["2731"]]
    for doc in docs:
        note = next(f for f in doc.read_findings if f.code == "UNASSIGNED_SHEET")
        assert note.message == ("La hoja «Presupuesto» no dice a qué área pertenece (el libro "
                                "tiene los POA de 2 áreas); sus tablas no se tomaron en cuenta.")


def test_read_poa_needs_the_area_of_a_workbook_of_several(one_sheet_each):
    data = one_sheet_each.read_bytes()
    with pytest.raises(NotAPoaWorkbook) as refused:
        read_poa(data, Settings())
    assert str(refused.value) == ("El libro tiene los POA de 2 áreas («Cultura», «Deporte»); "
                                  "elija una (en la línea de comandos, --area NOMBRE).")
    assert read_poa(data, Settings(), area="deporte").plan.area == "Deporte"
    with pytest.raises(NotAPoaWorkbook, match="no tiene el área «Obras»"):
        read_poa(data, Settings(), area="Obras")


def _cli(*args: str, env_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = None if env_dir is None else {**os.environ, "POA_DATA_DIR": str(env_dir)}
    return subprocess.run([sys.executable, "-m", "loaders", *args], capture_output=True,
                          text=True, cwd=REPO_ROOT, timeout=120, env=env)


def test_cli_check_prints_one_object_per_area_and_area_selects_one(two_blocks):
    run = _cli("check", str(two_blocks), "--json", "--as-of", "2026-11-21")
    assert run.returncode == 0, run.stderr
    plans = json.loads(run.stdout)["plans"]
    assert [p["plan"]["area"] for p in plans] == ["Cultura", "Deporte"]
    assert [len(p["activities"]) for p in plans] == [2, 3]
    assert [p["plan"]["budget_total"] for p in plans] == [42_000.0, 25_000.0]
    one = _cli("check", str(two_blocks), "--json", "--area", "Deporte", "--as-of", "2026-11-21")
    assert one.returncode == 0
    assert json.loads(one.stdout)["plan"]["area"] == "Deporte"
    missing = _cli("check", str(two_blocks), "--area", "Obras")
    assert missing.returncode == 2 and "no tiene el área «Obras»" in missing.stderr


def test_import_stores_each_area_as_a_version_of_its_own_poa_once(one_sheet_each, tmp_path):
    run = _cli("import", str(one_sheet_each), "--as-of", "2026-11-21", env_dir=tmp_path / "d")
    assert run.returncode == 0, run.stderr
    assert "Área «Cultura»: Guardada la versión 1" in run.stdout
    assert "Área «Deporte»: Guardada la versión 1" in run.stdout
    again = _cli("import", str(one_sheet_each), env_dir=tmp_path / "d")
    assert again.stdout.count("ya se cargó") == 2
    settings = Settings(data_dir=tmp_path / "d")
    engine = make_engine(settings=settings)
    create_schema(engine)
    with Session(engine) as session:
        plans = {p.area: p for p in list_plans(session)}
        versions = list_versions(session)
        deporte = load_version(session, plans["Deporte"].current_version_id)
    engine.dispose()
    assert sorted(plans) == ["Cultura", "Deporte"]
    assert len(versions) == 2
    assert [a.name for a in deporte.doc.activities] == [
        "Liga municipal", "Carrera 10 km", "Escuelas deportivas"]


def test_import_workbook_api_refuses_the_same_area_twice(one_sheet_each, tmp_path):
    settings = Settings(data_dir=tmp_path / "d")
    engine = make_engine(settings=settings)
    create_schema(engine)
    data = one_sheet_each.read_bytes()
    first = import_workbook(engine, data, settings, file_name="x.xlsx", uploaded_by="t",
                            as_of=AS_OF, area="Cultura")
    second = import_workbook(engine, data, settings, file_name="x.xlsx", uploaded_by="t",
                             as_of=AS_OF, area="Deporte")
    assert first.plan_id != second.plan_id
    with pytest.raises(AlreadyImported):
        import_workbook(engine, data, settings, file_name="x.xlsx", uploaded_by="t",
                        as_of=AS_OF, area="Cultura")
    engine.dispose()
