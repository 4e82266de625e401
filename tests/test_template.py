"""The official template (issue 15): issued from a stored version, its cover, validations and
protection as Excel sees them (openpyxl), read back exactly, filled in and uploaded with the
change view against the version it was issued from, and the findings of a cover that is not this
área's or of an older template format. Real files, real SQLite and PostgreSQL databases."""

from __future__ import annotations

import io
import json
import subprocess
from collections import Counter
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from loaders.check.diff import compare
from loaders.check.poa import check_document
from loaders.codes import CODE_TITLES, CODES
from loaders.imports import import_workbook, prepare_upload
from loaders.model import (
    TEMPLATE_FORMAT,
    TEMPLATE_ID,
    Activity,
    BudgetLine,
    PlanIdentity,
    PoaDocument,
)
from loaders.read.poa import read_poa
from loaders.store.queries import load_version
from loaders.template_diff import comparison_version, upload_findings
from loaders.template_issue import TemplateUnavailable, choose_plan, issue_template
from loaders.write.layouts import poa_xlsx
from loaders.write.template import (
    UNITS,
    UNITS_ROW,
    TemplateSource,
    template_file_name,
    template_xlsx,
    units_of,
)
from loaders.write.xlsx import Properties, Validation, Workbook
from sample_data import build_sample
from tests.paths import REPO_ROOT, SAMPLE_DIR
from tests.test_cli import run_loaders

AS_OF = date(2026, 11, 21)
ISSUED = date(2026, 11, 21)
SHEETS = ["Portada", "Instrucciones", "POA", "Cronograma", "Presupuesto", "Observaciones",
          "Alineación"]
ACTIVITY_FIELDS = (
    "number", "label", "name", "name_cronograma", "eje", "linea_estrategica", "linea_accion",
    "actividad_especifica", "responsable", "unit", "goal", "programmed", "programmed_pct",
    "achieved", "declared_pct", "start", "end", "months_planned", "cells",
)
TEMPLATE_CODES = {"TEMPLATE_OUTDATED", "TEMPLATE_OTHER_AREA"}


def _import(engine, settings, data: bytes, name: str):
    return import_workbook(engine, data, settings, file_name=name, uploaded_by="planea",
                           as_of=AS_OF)


def _loaded(engine, version_id: int):
    with Session(engine) as session:
        return load_version(session, version_id)


def _edit(data: bytes, cells: dict[tuple[str, str], object]) -> bytes:
    """The workbook saved again by openpyxl with some cells changed, as an área would."""
    wb = load_workbook(io.BytesIO(data))
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _finding_keys(findings) -> Counter:
    return Counter((f.code, f.severity, f.activity, f.partida, f.sheet, f.cell, f.message)
                   for f in findings)


@pytest.fixture
def issued(engine, settings, sample_bytes):
    """The sample stored as version 1 of its POA, and the template issued from it."""
    stored = _import(engine, settings, sample_bytes, "poa_migrantes_ex_braceros_2026.xlsx")
    return stored, issue_template(engine, stored.plan_id, issued=ISSUED)


# -- the workbook as Excel sees it -------------------------------------------------------------


def test_the_sample_template_has_its_cover_validations_and_protection(issued, engine):
    stored, template = issued
    assert template.file_name == "plantilla_migrantes_y_ex_braceros_2026.xlsx"
    assert (template.plan.id, template.version.id, template.version.number) == (
        stored.plan_id, stored.version_id, 1)
    wb = load_workbook(io.BytesIO(template.data))
    assert wb.sheetnames == SHEETS
    cover = wb["Portada"]
    assert [[c.value for c in row] for row in cover["A4:B14"]] == [
        ["Plantilla", TEMPLATE_ID], ["Versión de la plantilla", TEMPLATE_FORMAT],
        ["Clave del POA", stored.plan_id], ["Clave de la versión", stored.version_id],
        ["Número de versión", 1], ["Municipio", "Sombrerete"], ["Estado", "Zacatecas"],
        ["Dirección", "Secretaría de Gobierno"], ["Área", "Migrantes y Ex braceros"],
        ["Año fiscal", 2026], ["Fecha de emisión", datetime(2026, 11, 21)],
    ]
    assert cover["B14"].number_format == "dd/mm/yyyy"
    # Every sheet is protected, without a password.
    for ws in wb:
        assert ws.protection.sheet is True, ws.title
        assert not ws.protection.password, ws.title
    schedule = wb["Cronograma"]
    # Header rows 3 to 5, the 16 activities in rows 6 to 21 (as in the sample).
    assert [schedule.cell(row=r, column=1).value for r in (6, 21)] == [1, 16]
    assert schedule["H6"].value == 6 and schedule["I6"].value == pytest.approx(0.3)
    assert schedule["I6"].number_format == "0%"
    assert schedule["H6"].fill.fgColor.rgb == "FFFFF2CC"  # what the área updates, highlighted
    # Activity 5 runs from March to September: «X» in those months, nothing in the others.
    assert [schedule.cell(row=10, column=9 + m).value for m in range(1, 13)] == (
        [None] * 2 + ["X"] * 7 + [None] * 3)
    editable = {(r, c) for r in range(6, 22) for c in range(3, 24)}
    for r in range(1, 23):
        for c in range(1, 25):
            assert schedule.cell(row=r, column=c).protection.locked is ((r, c) not in editable), (
                r, c)
    # Identity, catalogue and cover cells are locked.
    for sheet, ref in (("POA", "B5"), ("POA", "B10"), ("POA", "A9"), ("Portada", "B12"),
                       ("Presupuesto", "C4"), ("Instrucciones", f"A{UNITS_ROW}")):
        assert wb[sheet][ref].protection.locked, (sheet, ref)
    assert wb["POA"]["A5"].value == "Área:" and wb["POA"]["B5"].value == "Migrantes y Ex braceros"
    rules = {(v.type, v.operator, v.formula1, v.formula2, str(v.sqref), v.errorStyle)
             for v in schedule.data_validations.dataValidation}
    first, last = (date(2026, 1, 1) - date(1899, 12, 30)).days, (
        date(2026, 12, 31) - date(1899, 12, 30)).days
    units_end = UNITS_ROW + len(UNITS) - 1  # the sample's units are numbers: the usual ones
    assert rules == {
        ("whole", "greaterThanOrEqual", "0", None, "E6:E21 F6:F21 H6:H21", None),
        ("decimal", "greaterThanOrEqual", "0", None, "G6:G21 I6:I21", None),
        ("date", None, str(first), str(last), "V6:V21 W6:W21", None),
        ("list", None, f"Instrucciones!$A${UNITS_ROW}:$A${units_end}", None, "D6:D21",
         "warning"),
        ("list", None, '"X"', None, "J6:U21", None),
    }
    assert (first, last) == (46023, 46387)
    for v in schedule.data_validations.dataValidation:
        assert v.allow_blank and v.showErrorMessage and v.error and v.prompt
    for ws in wb:
        if ws.title != "Cronograma":
            assert ws.data_validations.dataValidation == [], ws.title
    instructions = wb["Instrucciones"]
    assert instructions["A1"].value == "Cómo llenar la plantilla del POA 2026"
    assert "meta alcanzada" in instructions["A4"].value
    assert instructions.cell(row=UNITS_ROW - 1, column=1).value == "Unidades de medida"
    assert [instructions.cell(row=r, column=1).value
            for r in range(UNITS_ROW, units_end + 1)] == list(UNITS)
    assert instructions.cell(row=units_end + 1, column=1).value is None
    # The same version on the same day gives the same bytes.
    again = issue_template(engine, stored.plan_id, issued=ISSUED)
    assert again.data == template.data


def test_an_untouched_template_reads_back_exactly(issued, engine, settings):
    stored, template = issued
    version = _loaded(engine, stored.version_id)
    doc = read_poa(template.data, settings, file_name=template.file_name)
    info = doc.template
    assert (info.sheet, info.format_version, info.poa_id, info.version_id, info.version_number,
            info.municipio, info.estado, info.area, info.fiscal_year, info.issued) == (
        "Portada", TEMPLATE_FORMAT, stored.plan_id, stored.version_id, 1, "Sombrerete",
        "Zacatecas", "Migrantes y Ex braceros", 2026, ISSUED)
    assert info.cells["area"] == "B12" and not info.outdated
    # No guessing: nothing skipped, no finding met while reading, the same plan and activities.
    assert doc.read_findings == [] and doc.skipped == []
    assert doc.plan == version.doc.plan
    assert doc.year_source == "encabezado"
    assert len(doc.activities) == 16
    for got, kept in zip(doc.activities, version.doc.activities, strict=True):
        for name in ACTIVITY_FIELDS:
            assert getattr(got, name) == getattr(kept, name), (kept.number, name)
    assert [(b.partida, b.name, b.approved) for b in doc.budget] == [
        (b.partida, b.name, b.approved) for b in version.doc.budget]
    assert doc.budget_total is None  # the sample has no TOTAL row, nor does its template
    assert doc.alignment == version.doc.alignment and len(doc.alignment) == 41
    # The findings are exactly the version's own, cell for cell and word for word.
    assert _finding_keys(check_document(doc, AS_OF, settings)) == _finding_keys(
        version.stored_findings)
    assert compare(version.doc, doc).is_empty


def test_a_filled_template_is_uploaded_exactly_against_the_version_it_came_from(
        issued, engine, settings, sample_bytes):
    stored, template = issued
    # Meanwhile another workbook became version 2 (activity 2: 6 → 8 achieved).
    v2 = _import(engine, settings, _edit(sample_bytes, {("Cronograma", "H7"): 8}), "poa_v2.xlsx")
    assert v2.number == 2
    # The área raises its achievements in the template (and moves a month mark).
    filled = _edit(template.data, {
        ("Cronograma", "H6"): 10, ("Cronograma", "I6"): 0.5,
        ("Cronograma", "H8"): 5, ("Cronograma", "I8"): 0.25,
        ("Cronograma", "J10"): "X",
    })
    upload = prepare_upload(filled, settings, file_name="plantilla_llena.xlsx", as_of=AS_OF)
    assert upload.doc.template.version_id == stored.version_id
    assert upload.doc.read_findings == [] and upload.doc.skipped == []
    base = comparison_version(engine, upload)
    assert (base.version.id, base.version.number) == (stored.version_id, 1)
    diff = compare(base.doc, upload.doc)
    assert [(c.kind, c.activity, c.before, c.after) for c in diff.changes] == [
        ("achieved", 1, 6, 10), ("declared_pct", 1, 30.0, 50.0),
        ("achieved", 3, 0, 5), ("declared_pct", 3, 0.0, 25.0),
        ("months", 5, [3, 4, 5, 6, 7, 8, 9], [1, 3, 4, 5, 6, 7, 8, 9]),
    ]
    assert [c.message for c in diff.changes][:2] == [
        "Actividad 1: meta alcanzada 6 → 10", "Actividad 1: % alcanzado 30.0 % → 50.0 %"]
    assert diff.summary == "3 actividades con cambios, 0 agregadas, 0 eliminadas"
    # Against the current version the área would seem to have undone version 2's change.
    current = _loaded(engine, v2.version_id)
    assert ("achieved", 2, 8, 6) in [(c.kind, c.activity, c.before, c.after)
                                     for c in compare(current.doc, upload.doc).changes]
    assert upload_findings(engine, upload) == []
    assert not {f.code for f in upload.findings} & TEMPLATE_CODES
    # Stored as version 3 of the same POA, with the new achievements.
    saved = import_workbook(engine, filled, settings, file_name="plantilla_llena.xlsx",
                            uploaded_by="planea", as_of=AS_OF)
    assert (saved.plan_id, saved.number) == (stored.plan_id, 3)
    doc = _loaded(engine, saved.version_id).doc
    assert [(a.number, a.achieved, a.declared_pct) for a in doc.activities[:3]] == [
        (1, 10, 50.0), (2, 6, 30.0), (3, 5, 25.0)]


def test_a_cover_edited_to_another_area_gives_its_finding(issued, engine, settings):
    _, template = issued
    edited = _edit(template.data, {("Portada", "B12"): "Obras Públicas (EJEMPLO)"})
    upload = prepare_upload(edited, settings, file_name="otra.xlsx", as_of=AS_OF)
    found = [f for f in upload.findings if f.code in TEMPLATE_CODES]
    assert [(f.code, f.severity, f.sheet, f.cell) for f in found] == [
        ("TEMPLATE_OTHER_AREA", "warning", "Portada", "B12")]
    assert found[0].message == (
        "La portada dice que esta plantilla se emitió para el área «Obras Públicas (EJEMPLO)» de "
        "Sombrerete, pero el libro dice el área «Migrantes y Ex braceros» de Sombrerete; revise "
        "que sea la plantilla de esta área (pida a la Unidad de Planeación la suya).")
    # The POA sheets say which POA it is; the workbook is read as always.
    assert upload.doc.plan.area == "Migrantes y Ex braceros"
    assert len(upload.doc.activities) == 16
    # Also when the «Área:» line of the POA sheet is the one changed.
    edited = _edit(template.data, {("POA", "B5"): "Cultura"})
    doc = read_poa(edited, settings)
    assert [(f.code, f.cell) for f in doc.read_findings] == [("TEMPLATE_OTHER_AREA", "B12")]
    assert "dice el área «Cultura» de Sombrerete" in doc.read_findings[0].message


def test_an_older_template_format_gives_its_finding(issued, settings):
    _, template = issued
    doc = read_poa(_edit(template.data, {("Portada", "B5"): 0}), settings)
    assert [(f.code, f.severity, f.sheet, f.cell, f.message) for f in doc.read_findings] == [
        ("TEMPLATE_OUTDATED", "warning", "Portada", "B5",
         f"La plantilla oficial es de la versión 0 del formato y la vigente es la "
         f"{TEMPLATE_FORMAT}; se leyó como cualquier libro, pero pida a la Unidad de Planeación "
         "la plantilla nueva.")]
    assert doc.template.outdated and len(doc.activities) == 16
    doc = read_poa(_edit(template.data, {("Portada", "B5"): None}), settings)
    assert [(f.code, f.cell) for f in doc.read_findings] == [("TEMPLATE_OUTDATED", "B5")]
    assert "no dice de qué versión del formato es" in doc.read_findings[0].message
    assert CODES["TEMPLATE_OUTDATED"] == CODES["TEMPLATE_OTHER_AREA"] == "warning"
    assert CODE_TITLES["TEMPLATE_OUTDATED"] and CODE_TITLES["TEMPLATE_OTHER_AREA"]


def test_a_workbook_without_the_cover_is_no_template(issued, settings, sample_bytes):
    _, template = issued
    assert read_poa(sample_bytes, settings).template is None
    # A cover whose «Plantilla» is not TPOA is not one: its sheets are read as any other.
    doc = read_poa(_edit(template.data, {("Portada", "B4"): "OTRA"}), settings)
    assert doc.template is None


def test_labels_units_and_a_total_of_any_version_come_back(settings):
    """A version not from the sample: keys written «A-1», its own units, a TOTAL row."""
    activities = [
        Activity(number=1, label="A-1", name="Pláticas en escuelas", responsable="Protección",
                 unit="pláticas", goal=12, programmed=12, programmed_pct=100.0, achieved=3,
                 declared_pct=25.0, start=date(2026, 2, 1), end=date(2026, 11, 30),
                 months_planned=[2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        Activity(number=2, label="A-2", name="Simulacros", responsable="Protección",
                 unit="simulacros", goal=2, programmed=2, programmed_pct=100.0, achieved=0,
                 declared_pct=0.0, start=date(2026, 4, 1), end=date(2026, 10, 31),
                 months_planned=[4, 10]),
    ]
    doc = PoaDocument(
        plan=PlanIdentity(municipio="Fresnillo", estado="Zacatecas", direccion="Presidencia",
                          area="Protección Civil", fiscal_year=2026),
        activities=activities, budget=[BudgetLine("2111", "Materiales de oficina", 1_500.0)],
        budget_total=1_500.0,
    )
    data = template_xlsx(TemplateSource(3, 9, 2, doc, ISSUED))
    read = read_poa(data, settings)
    assert read.read_findings == [] and read.plan == doc.plan
    assert [(a.number, a.label, a.unit, a.months_planned) for a in read.activities] == [
        (1, "A-1", "pláticas", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        (2, "A-2", "simulacros", [4, 10])]
    assert read.budget_total == 1_500.0 and read.budget[0].partida == "2111"
    assert (read.template.poa_id, read.template.version_id, read.template.version_number) == (
        3, 9, 2)
    units = load_workbook(io.BytesIO(data))["Instrucciones"]
    listed = [units.cell(row=r, column=1).value for r in range(UNITS_ROW, UNITS_ROW + 40)]
    assert listed[: len(UNITS) + 3] == [*UNITS, "pláticas", "simulacros", None]
    assert units_of(activities) == [*UNITS, "pláticas", "simulacros"]


# -- against the database (loaders.template_diff) ----------------------------------------------


def test_the_comparison_version_is_the_issued_one_only_when_it_is_this_poas(
        issued, engine, settings, sample_bytes):
    stored, template = issued
    plain = prepare_upload(sample_bytes, settings, file_name="poa.xlsx", as_of=AS_OF)
    assert comparison_version(engine, plain) is None  # not a template: the current version
    upload = prepare_upload(template.data, settings, file_name="t.xlsx", as_of=AS_OF)
    assert comparison_version(engine, upload).version.id == stored.version_id
    for cells in ({("Portada", "B8"): 7},  # a version number this database does not have there
                  {("Portada", "B7"): stored.version_id + 100},  # no such version
                  {("Portada", "B6"): stored.plan_id + 100}):  # another POA's id
        edited = prepare_upload(_edit(template.data, cells), settings, file_name="t.xlsx",
                                as_of=AS_OF)
        assert comparison_version(engine, edited) is None, cells
    # A template whose POA sheets now say another área: a POA not stored yet, nothing to compare.
    other = prepare_upload(_edit(template.data, {("POA", "B5"): "Cultura",
                                                 ("Portada", "B12"): "Cultura"}),
                           settings, file_name="t.xlsx", as_of=AS_OF)
    assert other.doc.plan.area == "Cultura" and comparison_version(engine, other) is None


def test_a_template_of_another_poa_with_its_area_rewritten_is_caught_at_upload(
        issued, engine, settings):
    stored, _ = issued
    example = (SAMPLE_DIR / "ejemplo_proteccion_civil_2026.xlsx").read_bytes()
    other = _import(engine, settings, example, "ejemplo_proteccion_civil_2026.xlsx")
    template = issue_template(engine, other.plan_id, issued=ISSUED)
    # Cover and «Área:» line both changed: the workbook agrees with itself...
    rewritten = _edit(template.data, {("Portada", "B12"): "Migrantes y Ex braceros",
                                      ("POA", "B5"): "Migrantes y Ex braceros"})
    upload = prepare_upload(rewritten, settings, file_name="t.xlsx", as_of=AS_OF)
    assert not {f.code for f in upload.findings} & TEMPLATE_CODES
    # ...but it was issued for the Protección Civil POA: the upload says so, and compares with
    # the current version of the POA it becomes a version of.
    found = upload_findings(engine, upload)
    assert [(f.code, f.severity, f.sheet, f.cell) for f in found] == [
        ("TEMPLATE_OTHER_AREA", "warning", "Portada", "B6")]
    assert found[0].message == (
        f"Esta plantilla se emitió para el POA {other.plan_id} (área «Protección Civil (EJEMPLO)» "
        "de Sombrerete, 2026), pero el libro dice área «Migrantes y Ex braceros» de Sombrerete; "
        "revise que sea la plantilla de esta área.")
    assert comparison_version(engine, upload) is None
    assert upload.doc.plan.area == "Migrantes y Ex braceros" and stored.plan_id != other.plan_id


def test_choosing_the_poa_of_an_area_and_what_cannot_be_issued(issued, engine, settings):
    stored, _ = issued
    with Session(engine) as session:
        assert choose_plan(session, "MIGRANTES y ex braceros").id == stored.plan_id
        assert choose_plan(session, "Migrantes y Ex braceros", municipio="sombrerete",
                           year=2026).id == stored.plan_id
        with pytest.raises(TemplateUnavailable, match="No hay un POA guardado del área «Cultura»"):
            choose_plan(session, "Cultura")
        with pytest.raises(TemplateUnavailable, match="en 2025"):
            choose_plan(session, "Migrantes y Ex braceros", year=2025)
    with pytest.raises(TemplateUnavailable, match="No existe el POA 999"):
        issue_template(engine, 999)
    assert template_file_name("Protección Civil (EJEMPLO)", 2026) == (
        "plantilla_proteccion_civil_ejemplo_2026.xlsx")


# -- the one writer ----------------------------------------------------------------------------


def test_the_writer_still_writes_the_sample_byte_for_byte(sample_bytes):
    assert poa_xlsx(build_sample.workbook()) == sample_bytes
    assert b"sheetProtection" not in _parts(sample_bytes) and b"dataValidation" not in _parts(
        sample_bytes)


def _parts(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return b"".join(zf.read(n) for n in zf.namelist())


def test_validations_and_protection_of_the_low_level_writer():
    wb = Workbook(Properties(title="t", creator="tests", stamp=datetime(2026, 1, 1)))
    ws = wb.sheet("Hoja")
    ws.put(1, 1, 5)
    ws.put(1, 2, "texto")
    ws.unlock(1, 1, 2, 1)
    ws.protect()
    ws.validate(Validation("whole", ("A1:A2",), 0, 10, error="De 0 a 10."))
    ws.validate(Validation("list", ("B1",), choices=("sí", "no")))
    book = load_workbook(io.BytesIO(wb.to_bytes()))
    sheet = book["Hoja"]
    assert sheet.protection.sheet and not sheet["A1"].protection.locked
    assert not sheet["A2"].protection.locked and sheet["B1"].protection.locked
    assert [(v.type, v.operator, v.formula1, v.formula2, str(v.sqref), v.error)
            for v in sheet.data_validations.dataValidation] == [
        ("whole", None, "0", "10", "A1:A2", "De 0 a 10."), ("list", None, '"sí,no"', None, "B1",
                                                           None)]
    for wrong in (dict(kind="texto", ranges=("A1",), formula1=1),
                  dict(kind="whole", ranges=(), formula1=1),
                  dict(kind="whole", ranges=("A1",), formula1=1),  # "between" needs two
                  dict(kind="list", ranges=("A1",)),
                  dict(kind="list", ranges=("A1",), choices=("x" * 300,)),
                  dict(kind="list", ranges=("A1",), choices=("a,b",)),
                  dict(kind="whole", ranges=("A1",), formula1=1, error="x" * 300)):
        with pytest.raises(ValueError):
            Validation(**wrong)


# -- the command line --------------------------------------------------------------------------


def test_the_cli_writes_the_template_of_an_area_or_of_a_poa(tmp_path, settings):
    data_dir = tmp_path / "datos"
    result = run_loaders("import", str(SAMPLE_DIR / "poa_migrantes_ex_braceros_2026.xlsx"),
                         "--as-of", AS_OF.isoformat(), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "salida"
    out.mkdir()
    result = _run_in(out, "plantilla", "--area", "migrantes y ex braceros", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    written = out / "plantilla_migrantes_y_ex_braceros_2026.xlsx"
    assert result.stdout.startswith(
        "Plantilla oficial del POA 1 (Migrantes y Ex braceros 2026 — Sombrerete) escrita en "
        "plantilla_migrantes_y_ex_braceros_2026.xlsx: versión 1 del ")
    doc = read_poa(written.read_bytes(), settings)
    assert (doc.template.poa_id, doc.template.version_number, len(doc.activities)) == (1, 1, 16)
    checked = run_loaders("check", str(written), "--as-of", AS_OF.isoformat())
    assert "  Plantilla oficial (formato 1) emitida de la versión 1 del POA 1 el " in checked.stdout
    checked = json.loads(run_loaders("check", str(written), "--json").stdout)
    assert {k: checked["template"][k] for k in ("format_version", "poa_id", "version_number",
                                                "area")} == {
        "format_version": 1, "poa_id": 1, "version_number": 1, "area": "Migrantes y Ex braceros"}
    target = tmp_path / "nueva" / "mi_plantilla.xlsx"
    result = run_loaders("plantilla", "--poa", "1", "--salida", str(target), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes()[:2] == b"PK"
    for args, message in (
        (("--area", "Cultura"), "No hay un POA guardado del área «Cultura».\n"),
        (("--poa", "7"), "No existe el POA 7.\n"),
        (("--poa", "1", "--year", "2026"), "--municipio y --year sólo van con --area.\n"),
    ):
        result = run_loaders("plantilla", *args, data_dir=data_dir)
        assert (result.returncode, result.stderr) == (2, message), args
    result = run_loaders("plantilla", data_dir=data_dir)
    assert result.returncode == 2 and "--poa" in result.stderr and "Traceback" not in result.stderr


def _run_in(cwd, *args: str, data_dir) -> subprocess.CompletedProcess:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("POA_")}
    env["POA_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run([sys.executable, "-m", "loaders", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)
