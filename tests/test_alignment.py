"""Mandate alignment: the reference data, the optional "Alineación" sheet (the sample's and other
layouts of it), its findings, the coverage of Art. 122 and the IOM dimensions, the POA lines of
action taken from the IOM report, and storage on both engines."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loaders.check.alignment import (
    NO_GAPS,
    coverage,
    gap_sentences,
    iom_matches,
    matrix,
    report_note,
)
from loaders.check.poa import check_document
from loaders.codes import CODE_TITLES, CODES
from loaders.imports import import_workbook
from loaders.model import AlignmentLink, PoaDocument
from loaders.read.alignment import parse_dimensiones, parse_fracciones
from loaders.read.poa import read_poa
from loaders.reference import DIMENSION, FRACCION, load_reference
from loaders.settings import Settings
from loaders.store.queries import load_version
from tests.paths import SAMPLE_WORKBOOK

AS_OF = date(2026, 11, 21)
SHEET = "Alineación"
# The sample's mapping (sample_data/README.md, «La hoja Alineación»): Nº -> (fracciones, dims).
SAMPLE_MAPPING: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    1: (("V",), ("1",)),
    2: (("II", "V"), ("1", "6")),
    3: (("II",), ("1",)),
    4: (("II",), ("1",)),
    5: (("II",), ("1",)),
    6: (("IV", "VI"), ("3", "4")),
    7: (("V", "IX"), ("2",)),
    8: (("II",), ("1",)),
    9: (("II",), ("2",)),
    10: (("III", "VII"), ("4",)),
    11: (("II",), ("1", "2")),
    12: (("III",), ("3",)),
    13: (("III",), ("4",)),
    14: (("IV", "VI"), ("3",)),
    15: (("II",), ("1",)),
    16: (("II", "V"), ("3",)),
}
SAMPLE_LINKS = {
    (n, kind, code)
    for n, (fracciones, dims) in SAMPLE_MAPPING.items()
    for kind, codes in ((FRACCION, fracciones), (DIMENSION, dims))
    for code in codes
}
ALIGNMENT_CODES = {"UNKNOWN_FRACCION", "UNKNOWN_DIMENSION", "ALIGNMENT_UNKNOWN_ACTIVITY",
                   "ALIGNMENT_NO_TABLE"}


@pytest.fixture(scope="module")
def sample() -> PoaDocument:
    return read_poa(SAMPLE_WORKBOOK.read_bytes(), Settings(), file_name=SAMPLE_WORKBOOK.name)


def links_of(doc: PoaDocument) -> set[tuple[int, str, str]]:
    return {(link.activity, link.kind, link.code) for link in doc.alignment}


def with_sheet(build: Callable[[Workbook], None] | None) -> PoaDocument:
    """The sample workbook with its "Alineación" sheet replaced by what `build` writes (or
    removed when `build` is None), read back."""
    wb = load_workbook(SAMPLE_WORKBOOK)
    del wb[SHEET]
    if build is not None:
        build(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return read_poa(buffer.getvalue(), Settings(), file_name="variante.xlsx")


def edited_sample(**cells: object) -> PoaDocument:
    """The sample with some cells of its "Alineación" sheet changed (`C5="V, XIV"`)."""
    wb = load_workbook(SAMPLE_WORKBOOK)
    for ref, value in cells.items():
        wb[SHEET][ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return read_poa(buffer.getvalue(), Settings(), file_name="editado.xlsx")


# -- reference data ------------------------------------------------------------------------------


def test_reference_data_holds_the_twelve_fracciones_six_dimensions_and_the_areas():
    ref = load_reference()
    assert [f.numeral for f in ref.fracciones] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    assert ref.fraccion("XI").text == (
        "Brindar orientación y apoyo a las familias de los migrantes que pierdan la vida fuera "
        "del territorio estatal")
    assert ref.fraccion("IV").text == (
        "Promover la suscripción de convenios entre el Municipio, el Gobierno del Estado, los "
        "clubes y las organizaciones de migrantes")
    assert [f.numeral for f in ref.fracciones if f.residual] == ["XII"]
    assert [d.name for d in ref.dimensiones] == [
        "Derechos de las personas migrantes", "Enfoque de gobierno integral", "Alianzas",
        "Bienestar socioeconómico de las personas migrantes",
        "Movilidad en situaciones de crisis", "Migración segura, ordenada y regular"]
    assert ref.dimension(5).heading == (
        "Abordar eficazmente los aspectos relativos a la movilidad en situaciones de crisis")
    counts = {d.number: sum(1 for a in ref.areas if a.dimension == d.number)
              for d in ref.dimensiones}
    assert counts == {1: 3, 2: 3, 3: 4, 4: 3, 5: 4, 6: 3}
    assert {a.key: a.quote for a in ref.areas}["1.c"] == (
        "la ampliación de servicios de orientación y asesoramiento jurídico específicos para la "
        "población migrante extranjera")


def test_the_new_finding_codes_are_warnings_with_spanish_titles():
    for code in ALIGNMENT_CODES:
        assert CODES[code] == "warning"
        assert CODE_TITLES[code]


# -- one cell ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "codes", "unknown"), [
    ("I, III", ("I", "III"), ()),
    ("III y V", ("III", "V"), ()),
    ("Fracc. II", ("II",), ()),
    ("fracción ix; x", ("IX", "X"), ()),
    ("Art. 122 fr. XI", ("XI",), ()),
    ("I a III", ("I", "II", "III"), ()),
    ("IV-VI", ("IV", "V", "VI"), ()),
    ("2", (), ("2",)),
    (2, (), ("2",)),
    ("XIV, II", ("II",), ("XIV",)),
    ("IIII", (), ("IIII",)),
    ("", (), ()),
    ("—", (), ()),
    ("Ninguna", (), ()),
])
def test_fracciones_are_roman_numerals_in_any_notation(value, codes, unknown):
    parsed = parse_fracciones(value)
    assert (parsed.codes, parsed.unknown) == (codes, unknown)


@pytest.mark.parametrize(("value", "codes", "unknown"), [
    ("1, 6", ("1", "6"), ()),
    ("2 y 5", ("2", "5"), ()),
    (3, ("3",), ()),
    (4.0, ("4",), ()),
    ("Dimensión 3", ("3",), ()),
    ("D2", ("2",), ()),
    ("Alianzas", ("3",), ()),
    ("MIGRACION SEGURA, ORDENADA Y REGULAR", ("6",), ()),
    ("Movilidad en situaciones de crisis; 1", ("5", "1"), ()),
    ("Bienestar socioeconómico de las personas migrantes", ("4",), ()),
    ("Formular políticas basadas en datos y aplicación de enfoques de gobierno integrales",
     ("2",), ()),
    ("7", (), ("7",)),
    ("Alianzas y Cultura", ("3",), ("Cultura",)),
])
def test_dimensions_by_number_or_by_name(value, codes, unknown):
    parsed = parse_dimensiones(value)
    assert (parsed.codes, parsed.unknown) == (codes, unknown)


# -- the sample ----------------------------------------------------------------------------------


def test_the_sample_sheet_is_read_with_its_cells_and_no_finding(sample):
    assert links_of(sample) == SAMPLE_LINKS
    assert len(sample.alignment) == 41
    assert sample.alignment[0] == AlignmentLink(1, FRACCION, "V", SHEET, "C5")
    assert AlignmentLink(2, DIMENSION, "6", SHEET, "D6") in sample.alignment
    assert AlignmentLink(16, FRACCION, "V", SHEET, "C20") in sample.alignment
    assert sample.read_findings == []
    assert not [f for f in check_document(sample, AS_OF) if f.code in ALIGNMENT_CODES]
    assert len(sample.activities) == 16  # the sheet is not a table of activities


def test_coverage_of_the_sample_mapping(sample):
    cov = coverage([a.number for a in sample.activities], sample.alignment)
    assert cov.covered_fracciones == ("II", "III", "IV", "V", "VI", "VII", "IX")
    assert cov.uncovered_fracciones == ("I", "VIII", "X", "XI")
    assert "XI" in cov.uncovered_fracciones and cov.activities_of(FRACCION, "XI") == ()
    assert cov.residual == frozenset({"XII"}) and "XII" not in cov.uncovered_fracciones
    assert cov.expected_fracciones == 11
    assert cov.covered_dimensiones == ("1", "2", "3", "4", "6")
    assert cov.uncovered_dimensiones == ("5",)
    assert cov.activities_of(FRACCION, "II") == (2, 3, 4, 5, 8, 9, 11, 15, 16)
    assert cov.activities_of(FRACCION, "V") == (1, 2, 7, 16)
    assert cov.activities_of(FRACCION, "IX") == (7,)
    assert cov.activities_of(DIMENSION, "1") == (1, 2, 3, 4, 5, 8, 11, 15)
    assert cov.activities_of(DIMENSION, "3") == (6, 12, 14, 16)
    assert cov.activities_of(DIMENSION, "6") == (2,)
    assert cov.unaligned == ()


def test_each_cell_shows_the_activity_progress_on_the_fecha_de_corte(sample):
    cells = matrix(sample.activities, sample.alignment, AS_OF)
    assert len(cells) == 41
    second = cells[(2, FRACCION, "II")]
    assert (second.achieved, second.programmed, second.real_pct) == (6, 50, 12.0)
    assert (second.semaforo, second.label) == ("rojo", "Vencida")
    assert cells[(2, DIMENSION, "6")] == second
    six = cells[(6, DIMENSION, "4")]
    assert (six.achieved, six.programmed, six.real_pct, six.label) == (5, 10, 50.0, "En riesgo")
    assert (1, FRACCION, "XI") not in cells


def test_the_lines_of_action_taken_from_the_iom_report(sample):
    matches = iom_matches(sample.activities)
    assert {m.activity for m in matches} == {2, 3, 4, 5, 7, 9, 11, 13}
    assert {m.area.key for m in matches} == {"1.b", "1.c"}
    assert {m.field for m in matches} == {"linea_accion"}
    assert {m.area.dimension for m in matches} == {1}
    full = [m for m in matches if m.activity == 2 and m.area.key == "1.c"]
    assert len(full) == 1 and full[0].share == 1.0
    # Activity 1 follows what the report calls well developed (1.1), not an area to develop.
    assert not [m for m in matches if m.activity == 1]


def test_the_report_sentences_name_the_uncovered_fracciones_and_dimensions(sample):
    cov = coverage([a.number for a in sample.activities], sample.alignment)
    gaps = gap_sentences(cov)
    assert len(gaps) == 5
    assert gaps[3] == (
        "Fracción XI del Art. 122 (Familias de migrantes fallecidos): «Brindar orientación y "
        "apoyo a las familias de los migrantes que pierdan la vida fuera del territorio "
        "estatal». Ninguna actividad del POA la atiende.")
    assert gaps[4] == (
        "Dimensión 5 de la OIM, «Movilidad en situaciones de crisis»: ninguna actividad del POA "
        "la atiende.")
    assert report_note(cov, SHEET).startswith(
        "Según la hoja «Alineación» del POA, 7 de las 11 fracciones del Art. 122")
    assert "5 de las 6 dimensiones" in report_note(cov, SHEET)


def test_full_coverage_says_so_instead_of_listing_nothing():
    numbers = range(1, 13)
    links = [AlignmentLink(n, FRACCION, f.numeral)
             for n, f in zip(numbers, load_reference().fracciones, strict=True)]
    links += [AlignmentLink(n, DIMENSION, str(n)) for n in range(1, 7)]
    cov = coverage(numbers, links)
    assert cov.uncovered_fracciones == () and cov.uncovered_dimensiones == ()
    assert gap_sentences(cov) == (NO_GAPS,)


# -- findings ------------------------------------------------------------------------------------


def test_unknown_fracciones_dimensions_and_activities_are_reported_where_they_are():
    doc = edited_sample(C5="V, XIV", C6="2", D7="7, Alianzas", A21=17, B21="Otra", C21="I")
    found = {(f.code, f.sheet, f.cell): f for f in doc.read_findings}
    assert set(found) == {
        ("UNKNOWN_FRACCION", SHEET, "C5"), ("UNKNOWN_FRACCION", SHEET, "C6"),
        ("UNKNOWN_DIMENSION", SHEET, "D7"), ("ALIGNMENT_UNKNOWN_ACTIVITY", SHEET, "A21"),
    }
    xiv = found[("UNKNOWN_FRACCION", SHEET, "C5")]
    assert (xiv.severity, xiv.activity) == ("warning", 1)
    assert xiv.message == (
        "Actividad 1: «XIV» no es una fracción del Art. 122 (se escriben con números romanos, de "
        "la I a la XII); no se tomó en cuenta.")
    assert found[("UNKNOWN_FRACCION", SHEET, "C6")].message == (
        "Actividad 2: «2» no es una fracción del Art. 122 (se escriben con números romanos, de la "
        "I a la XII) (¿la fracción II?); no se tomó en cuenta.")
    assert "«7»" in found[("UNKNOWN_DIMENSION", SHEET, "D7")].message
    assert found[("ALIGNMENT_UNKNOWN_ACTIVITY", SHEET, "A21")].message == (
        "La hoja «Alineación» alinea la actividad «17», que no está en la tabla de actividades; "
        "esa fila no se tomó en cuenta.")
    links = links_of(doc)
    assert (1, FRACCION, "V") in links  # what the cell does name still counts
    assert (3, DIMENSION, "3") in links and (3, DIMENSION, "1") not in links
    assert not {(2, FRACCION, "II"), (2, FRACCION, "V")} & links
    assert not [link for link in doc.alignment if link.activity == 17]
    # the findings go through the checks like every other, with their place
    checked = [f for f in check_document(doc, AS_OF) if f.code in ALIGNMENT_CODES]
    assert {f.where for f in checked} == {"Alineación!C5", "Alineación!C6", "Alineación!D7",
                                         "Alineación!A21"}


def test_a_row_with_alignment_but_no_number_is_reported():
    doc = edited_sample(A21=None, B21="Sin número", C21="III")
    (finding,) = doc.read_findings
    assert (finding.code, finding.cell) == ("ALIGNMENT_UNKNOWN_ACTIVITY", "A21")
    assert links_of(doc) == SAMPLE_LINKS


def test_a_sheet_without_its_table_is_reported_once():
    def build(wb: Workbook) -> None:
        ws = wb.create_sheet("Alineacion")
        ws["A1"] = "Pendiente: alinear las actividades con el Art. 122"
    doc = with_sheet(build)
    assert doc.alignment == ()
    assert [(f.code, f.sheet, f.cell) for f in doc.read_findings] == [
        ("ALIGNMENT_NO_TABLE", "Alineacion", None)]


def test_a_workbook_without_the_sheet_has_no_alignment_and_no_finding(sample):
    doc = with_sheet(None)
    assert doc.alignment == () and doc.read_findings == []
    assert [a.number for a in doc.activities] == [a.number for a in sample.activities]
    cov = coverage([a.number for a in doc.activities], doc.alignment)
    assert not cov.has_links
    assert cov.uncovered_fracciones == ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
                                        "X", "XI")
    assert gap_sentences(cov) == () and report_note(cov, None) == ""
    # the IOM lines of action do not depend on the sheet
    assert {m.activity for m in iom_matches(doc.activities)} == {2, 3, 4, 5, 7, 9, 11, 13}


# -- other layouts of the sheet ------------------------------------------------------------------


def _rows(ws: Worksheet, first_row: int, first_col: int, values: Callable[[int], list]) -> None:
    for i, number in enumerate(SAMPLE_MAPPING):
        for j, value in enumerate(values(number)):
            ws.cell(row=first_row + i, column=first_col + j, value=value)


def lists_elsewhere(wb: Workbook) -> None:
    """Header in row 7 from column C, "No.", "Fracción(es) Art. 122" and "Dimensión(es) IGM";
    fracciones as "Fracc. II y V", dimensions by name without accents."""
    ws = wb.create_sheet("ALINEACION POA", 0)
    ws["C2"] = "Alineación con el mandato"
    for col, header in enumerate(("No.", "Actividad / Proyecto", "Fracción(es) Art. 122",
                                  "Dimensión(es) IGM"), start=3):
        ws.cell(row=7, column=col, value=header)
    names = {d.code: d.name.upper().replace("Ó", "O").replace("É", "E")
             for d in load_reference().dimensiones}

    def values(n: int) -> list:
        fracciones, dims = SAMPLE_MAPPING[n]
        return [str(n), f"Actividad {n}", "Fracc. " + " y ".join(fracciones),
                ", ".join(names[d] for d in dims)]
    _rows(ws, 8, 3, values)


def one_column_each_under_merged_headers(wb: Workbook) -> None:
    """Two-row header: "Fracciones del Art. 122" merged over I … XII, "Dimensiones OIM" merged
    over 1 … 6; planned cells marked "X" and "✓"."""
    ws = wb.create_sheet("Alineación")
    ws["A3"], ws["B3"] = "Nº", "Actividad"
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws["C3"] = "Fracciones del Art. 122"
    ws.merge_cells("C3:N3")
    ws["O3"] = "Dimensiones OIM"
    ws.merge_cells("O3:T3")
    numerals = [f.numeral for f in load_reference().fracciones]
    for i, numeral in enumerate(numerals):
        ws.cell(row=4, column=3 + i, value=numeral)
    for i in range(6):
        ws.cell(row=4, column=15 + i, value=i + 1)

    def values(n: int) -> list:
        fracciones, dims = SAMPLE_MAPPING[n]
        return ([n, f"Actividad {n}"] + ["X" if f in fracciones else None for f in numerals]
                + ["✓" if str(d) in dims else "" for d in range(1, 7)])
    _rows(ws, 5, 1, values)


def one_column_each_single_row(wb: Workbook) -> None:
    """One header row: "Num.", "Fracc. I" … "Fracc. XII", then the six dimensions by name;
    marks are 1 (and 0 for no)."""
    ws = wb.create_sheet("alineacion")
    ref = load_reference()
    headers = (["Num."] + [f"Fracc. {f.numeral}" for f in ref.fracciones]
               + [d.name for d in ref.dimensiones])
    for col, header in enumerate(headers, start=2):
        ws.cell(row=2, column=col, value=header)

    def values(n: int) -> list:
        fracciones, dims = SAMPLE_MAPPING[n]
        return ([n] + [1 if f.numeral in fracciones else 0 for f in ref.fracciones]
                + [1 if d.code in dims else 0 for d in ref.dimensiones])
    _rows(ws, 3, 2, values)


def mixed_notations(wb: Workbook) -> None:
    """List columns with the notations clerks use: "II; V", "Art. 122 fr. IV", dimensions as
    "Dimensión 1 y 6", and a blank row in the middle of the table."""
    ws = wb.create_sheet("Alineación del POA")
    for col, header in enumerate(("Nº", "Fracciones", "Dimensiones")):
        ws.cell(row=1, column=col + 1, value=header)
    row = 2
    for n, (fracciones, dims) in SAMPLE_MAPPING.items():
        if n == 9:
            row += 1  # a blank row
        ws.cell(row=row, column=1, value=n)
        ws.cell(row=row, column=2, value="Art. 122 fr. " + "; ".join(fracciones))
        ws.cell(row=row, column=3, value="Dimensión " + " y ".join(dims))
        row += 1


@pytest.mark.parametrize("build", [
    lists_elsewhere, one_column_each_under_merged_headers, one_column_each_single_row,
    mixed_notations,
], ids=lambda f: f.__name__)
def test_other_layouts_of_the_sheet_read_the_same(build, sample):
    doc = with_sheet(build)
    assert links_of(doc) == SAMPLE_LINKS
    assert doc.read_findings == []
    assert [(a.number, a.name, a.name_cronograma) for a in doc.activities] == [
        (a.number, a.name, a.name_cronograma) for a in sample.activities]


def test_an_alignment_sheet_with_activity_columns_is_not_an_activity_table(sample):
    """Responsable and Línea de acción next to Nº and Actividad would make it a table of
    activities anywhere else; on the alignment sheet they never do."""
    def build(wb: Workbook) -> None:
        ws = wb.create_sheet("Alineación")
        headers = ("Nº", "Actividad", "Responsable", "Línea de acción", "Fracciones",
                   "Dimensiones")
        for col, header in enumerate(headers, start=1):
            ws.cell(row=1, column=col, value=header)

        def values(n: int) -> list:
            fracciones, dims = SAMPLE_MAPPING[n]
            return [n, f"Otro nombre {n}", "Otra área", "—", ", ".join(fracciones),
                    ", ".join(dims)]
        _rows(ws, 2, 1, values)
    doc = with_sheet(build)
    assert links_of(doc) == SAMPLE_LINKS
    assert doc.read_findings == []
    assert [(a.name, a.name_cronograma, a.responsable) for a in doc.activities] == [
        (a.name, a.name_cronograma, a.responsable) for a in sample.activities]
    codes = sorted((f.code, f.activity) for f in check_document(doc, AS_OF))
    assert codes == sorted((f.code, f.activity) for f in check_document(sample, AS_OF))


# -- storage -------------------------------------------------------------------------------------


def test_the_alignment_is_stored_with_the_version_and_read_back(engine, settings, sample,
                                                                 sample_bytes):
    stored = import_workbook(engine, sample_bytes, settings, file_name="poa.xlsx",
                             uploaded_by="planeacion", as_of=AS_OF)
    with Session(engine) as s:
        loaded = load_version(s, stored.version_id)
    assert loaded.doc.alignment == sample.alignment
    cov = coverage([a.number for a in loaded.doc.activities], loaded.doc.alignment)
    assert cov.uncovered_fracciones == ("I", "VIII", "X", "XI")
    assert cov.uncovered_dimensiones == ("5",)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alignment_link")).scalar_one() == 41
    for statement in ("UPDATE alignment_link SET code = 'XI'", "DELETE FROM alignment_link"):
        with pytest.raises(DBAPIError, match="solo lectura"), engine.begin() as conn:
            conn.execute(text(statement))
    with Session(engine) as s:
        assert load_version(s, stored.version_id).doc.alignment == sample.alignment


def test_a_version_without_the_sheet_reads_back_without_alignment(engine, settings):
    wb = load_workbook(SAMPLE_WORKBOOK)
    del wb[SHEET]
    buffer = io.BytesIO()
    wb.save(buffer)
    stored = import_workbook(engine, buffer.getvalue(), settings, file_name="sin.xlsx",
                             uploaded_by="planeacion", as_of=AS_OF)
    with Session(engine) as s:
        assert load_version(s, stored.version_id).doc.alignment == ()
