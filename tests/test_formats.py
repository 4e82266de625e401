""".xls (Excel 97–2003) and .ods (LibreOffice) workbooks read through the same pipeline as .xlsx.

The fixtures in tests/fixtures/formats/ were made by a real spreadsheet program: LibreOffice Calc
converted the sample workbooks (make_fixtures.sh, which also copies the .xlsx it converted), and
saved the POA sample with a password and with a Basic macro. CI has no LibreOffice and never
runs it: it reads the committed files. The cases LibreOffice cannot produce (an .xls with a VBA
project, an encrypted .xlsx, a damaged palette) are built here from those files, by code.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from loaders.check.poa import check_document
from loaders.errors import NotAPoaWorkbook
from loaders.read import ods as ods_module
from loaders.read import workbook as workbook_module
from loaders.read import xls as xls_module
from loaders.read.cfb import STREAM, CompoundFile
from loaders.read.package import MB
from loaders.read.poa import UnforeseenFailure, read_poa
from loaders.read.spending import read_spending
from loaders.read.workbook import open_workbook
from loaders.settings import Settings
from loaders.text import fmt_number
from tests.paths import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
POA, EXAMPLE, SPENDING = (
    "poa_migrantes_ex_braceros_2026", "ejemplo_desarrollo_social_2026", "ejercicio_presupuesto_2026"
)
AS_OF = date(2026, 11, 21)
ACTIVITY_FIELDS = (
    "number", "name", "unit", "goal", "programmed", "achieved", "declared_pct", "start", "end",
    "months_planned",
)
ALL_MONTHS = list(range(1, 13))
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def finding_keys(findings) -> list[tuple]:
    return sorted(
        (f.code, f.severity, f.activity, f.partida, f.sheet, f.cell, f.message) for f in findings
    )


def refusal(data: bytes, settings: Settings, file_name: str = "libro") -> str:
    with pytest.raises(NotAPoaWorkbook) as caught:
        read_poa(data, settings, file_name=file_name)
    message = caught.value.message
    assert "\n" not in message and not getattr(caught.value, "unexpected", False), message
    return message


def run_check(path: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, POA_DATA_DIR=str(tmp_path / "cli-data"))
    return subprocess.run(
        [sys.executable, "-m", "loaders", "check", str(path), *extra],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=120,
    )


def cli_refusal(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    result = run_check(path, tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stdout == "", result.stderr
    return lines[0]


# -- building variants by code ------------------------------------------------------------------


def rename_ole_entry(data: bytes, old: str, new: str, kind: int | None = None) -> bytes:
    """The OLE2 file with one directory entry renamed (and, when given, of another kind: 1 is a
    storage). Directory entries are 128 bytes, aligned; the name is UTF-16 in the first 64."""
    raw = old.encode("utf-16-le") + b"\0\0"
    position = data.find(raw)
    while position % 128:
        position = data.find(raw, position + 1)
        assert position != -1, old
    out = bytearray(data)
    out[position:position + 64] = (new.encode("utf-16-le") + b"\0\0").ljust(64, b"\0")
    out[position + 64:position + 66] = struct.pack("<H", (len(new) + 1) * 2)
    if kind is not None:
        out[position + 66] = kind
    return bytes(out)


def find_record(data: bytes, prefix: bytes, check: Callable[[bytes], bool]) -> int:
    """Where a BIFF record starting with `prefix` (and passing `check`) is in the file."""
    position = data.find(prefix)
    while position != -1 and not check(data[position:]):
        position = data.find(prefix, position + 1)
    assert position != -1, prefix
    return position


def with_damaged_palette(data: bytes) -> bytes:
    """The .xls with its PALETTE record claiming ten colours more than it holds: python-calamine
    does not need the palette, xlrd refuses to read the formatting."""
    def is_palette(chunk: bytes) -> bool:
        length, count = struct.unpack_from("<HH", chunk, 2)
        return length == 2 + 4 * count

    position = find_record(data, b"\x92\x00", is_palette)
    out = bytearray(data)
    count, = struct.unpack_from("<H", out, position + 4)
    out[position + 4:position + 6] = struct.pack("<H", count + 10)
    return bytes(out)


def with_dimensions(data: bytes, sheet_rows: int, new_rows: int) -> bytes:
    """The .xls with the DIMENSIONS record that says `sheet_rows` rows saying `new_rows`."""
    def says(chunk: bytes) -> bool:
        length, _, rows = struct.unpack_from("<HII", chunk, 2)
        return length == 14 and rows == sheet_rows

    position = find_record(data, b"\x00\x02", says)
    out = bytearray(data)
    out[position + 8:position + 12] = struct.pack("<I", new_rows)
    return bytes(out)


def with_huge_negative_date(data: bytes) -> bytes:
    """The POA .xls with Cronograma!V6 (the start date of activity 1, an RK in a MULRK record
    of row 6, columns V:W) holding -2**40: a date-formatted number no date can be."""
    head = struct.pack("<HH", 5, 21)  # row 6, column V

    def is_mulrk_of_v6(chunk: bytes) -> bool:
        return chunk[4:8] == head

    position = find_record(data, b"\xbd\x00", is_mulrk_of_v6)
    high = struct.unpack("<Q", struct.pack("<d", -(2.0 ** 40)))[0] >> 32
    out = bytearray(data)
    out[position + 10:position + 14] = struct.pack("<I", high & 0xFFFFFFFC)
    return bytes(out)


def rezip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The zip with members replaced (bytes) or removed (None), mimetype first and stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in names:
            content = changes[name] if name in changes else source.read(name)
            if content is None:
                continue
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(name, content, compress_type=method)
        for name, content in changes.items():
            if name not in names and content is not None:
                target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_file(rows_xml: str, *, sheet: str = "Hoja1", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .ods written by hand: one sheet whose rows are `rows_xml`."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{rows_xml}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", MANIFEST)
        for name, member in (extra or {}).items():
            zf.writestr(name, member)
    return out.getvalue()


def text_cell(text: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (f'<table:table-cell office:value-type="string"{times}><text:p>{text}</text:p>'
            "</table:table-cell>")


def never(*_args, **_kwargs):
    raise AssertionError("a parser ran before the guard refused the file")


# -- the same POA from every format -------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_settings() -> Settings:
    return Settings()


@pytest.mark.parametrize("ext", ["xls", "ods"])
@pytest.mark.parametrize("name", [POA, EXAMPLE])
def test_xls_and_ods_read_exactly_like_the_xlsx_they_were_converted_from(
    name, ext, plain_settings
):
    expected = read_poa(fixture(f"{name}.xlsx"), plain_settings, file_name=f"{name}.xlsx")
    got = read_poa(fixture(f"{name}.{ext}"), plain_settings, file_name=f"{name}.{ext}")
    assert len(got.activities) == len(expected.activities) > 0
    for want, have in zip(expected.activities, got.activities, strict=True):
        for field in ACTIVITY_FIELDS:
            assert getattr(have, field) == getattr(want, field), (want.number, field)
        assert have.cells == want.cells  # sheet and cell of every value, as Excel names them
    assert got.activities == expected.activities
    assert got.budget == expected.budget and got.budget_total == expected.budget_total
    assert got.plan == expected.plan and got.year_source == expected.year_source
    assert got.alignment == expected.alignment
    assert finding_keys(check_document(got, AS_OF, plain_settings)) == finding_keys(
        check_document(expected, AS_OF, plain_settings)
    )


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_poa_values_from_fills_and_percent_formats(ext, plain_settings):
    """The sample marks its months only by fill colour and writes % as fractions formatted %."""
    doc = read_poa(fixture(f"{POA}.{ext}"), plain_settings)
    assert len(doc.activities) == 16
    first, second = doc.activities[0], doc.activities[1]
    assert (first.number, first.name, first.unit, first.goal, first.programmed, first.achieved,
            first.declared_pct, first.start, first.end, first.months_planned) == (
        1, "Corazón de Plata", "20", 20, 20, 6, 30.0, date(2026, 1, 1), date(2026, 12, 31),
        ALL_MONTHS,
    )
    assert second.months_planned == list(range(1, 10)) and second.declared_pct == 30.0
    assert second.end == date(2026, 9, 30)
    assert [(b.partida, b.approved) for b in doc.budget] == [
        ("2111", 5000.0), ("2121", 5000.0), ("2611", 10000.0), ("3761", 50000.0),
        ("4244", 20000.0),
    ]
    assert (doc.plan.area, doc.plan.municipio, doc.plan.fiscal_year) == (
        "Migrantes y Ex braceros", "Sombrerete", 2026,
    )
    assert not [f for f in doc.read_findings if f.code == "FILLS_NOT_READ"]


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_example_months_marked_with_a_check_mark(ext, plain_settings):
    doc = read_poa(fixture(f"{EXAMPLE}.{ext}"), plain_settings)
    assert len(doc.activities) == 10
    first = doc.activities[0]
    assert (first.name, first.unit, first.goal, first.achieved, first.declared_pct,
            first.start, first.months_planned) == (
        "Becas municipales «Estudia en Sombrerete»", "becas", 300, 300, 100.0,
        date(2026, 2, 2), [2, 3, 4, 5, 6],
    )
    codes = [(f.code, f.activity, f.cell) for f in check_document(doc, AS_OF, plain_settings)]
    assert codes == [("PCT_MISMATCH", 8, "M18")]


@pytest.mark.parametrize("ext", ["xls", "ods"])
@pytest.mark.parametrize("name", [POA, EXAMPLE, SPENDING])
def test_sheets_keep_names_positions_and_merged_ranges(name, ext, plain_settings):
    xlsx = open_workbook(fixture(f"{name}.xlsx"), plain_settings)
    other = open_workbook(fixture(f"{name}.{ext}"), plain_settings)
    assert (xlsx.format, other.format) == ("xlsx", ext)
    assert [s.name for s in other.sheets] == [s.name for s in xlsx.sheets]
    for want, have in zip(xlsx.sheets, other.sheets, strict=True):
        assert have.rows == want.rows, want.name  # 1 == 1.0: the values, cell by cell
        assert sorted(have.merged) == sorted(want.merged), want.name


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_cell_styles_tell_fills_and_percent_like_the_xlsx(ext, plain_settings):
    xlsx = open_workbook(fixture(f"{POA}.xlsx"), plain_settings)
    other = open_workbook(fixture(f"{POA}.{ext}"), plain_settings)
    rows, months, percent_cols = range(5, 21), range(9, 21), (6, 8)

    def summary(book):
        sheet = next(s for s in book.sheets if s.name == "Cronograma")
        styles = book.cell_styles(sheet, rows, [*months, *percent_cols])
        filled = {(r, c) for (r, c), s in styles.items() if c in months and s.fill}
        percent = {(r, c) for (r, c), s in styles.items() if s.percent}
        return filled, percent

    filled, percent = summary(other)
    assert (filled, percent) == summary(xlsx)
    assert (5, 9) in filled and (6, 18) not in filled  # activity 2 ends in September
    assert percent == {(r, c) for r in rows for c in percent_cols}
    assert other.fills_readable


def test_format_is_told_by_the_bytes_not_the_name(plain_settings):
    doc = read_poa(fixture(f"{POA}.xls"), plain_settings, file_name="renombrado.xlsx")
    assert len(doc.activities) == 16
    assert open_workbook(fixture(f"{POA}.ods"), plain_settings, "libro.xls").format == "ods"


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_spending_workbook_reads_like_the_xlsx(ext, plain_settings):
    expected = read_spending(fixture(f"{SPENDING}.xlsx"), plain_settings)
    got = read_spending(fixture(f"{SPENDING}.{ext}"), plain_settings, file_name=f"g.{ext}")
    assert got == expected
    movements, _ = got
    assert len(movements) == 37
    assert sum(m.amount for m in movements) == sum(m.amount for m in expected[0])


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_cli_check_json_reads_the_sample(ext, tmp_path):
    result = run_check(FIXTURES / f"{POA}.{ext}", tmp_path, "--as-of", "2026-11-21", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["activities"]) == 16
    base = run_check(FIXTURES / f"{POA}.xlsx", tmp_path, "--as-of", "2026-11-21", "--json")
    expected = json.loads(base.stdout)
    assert report["activities"] == expected["activities"]
    assert report["budget"] == expected["budget"]
    assert report["findings"] == expected["findings"]
    second = report["activities"][1]
    assert (second["declared_pct"], second["months_planned"], second["start"]) == (
        30.0, list(range(1, 10)), "2026-01-01",
    )


# -- passwords and macros -----------------------------------------------------------------------

XLS_PASSWORD = (
    "El libro de Excel 97-2003 (.xls) está protegido con contraseña (cifrado); ábralo en Excel, "
    "quite la contraseña y guárdelo de nuevo."
)
ODS_PASSWORD = (
    "El archivo .ods está protegido con contraseña; ábralo en LibreOffice Calc, quite la "
    "contraseña y guárdelo de nuevo."
)
XLS_MACROS = (
    "El archivo contiene macros (un libro .xls con macros); guárdelo como libro de Excel sin "
    "macros (.xlsx o .xls)."
)
ODS_MACROS = (
    "El archivo contiene macros (un libro .ods con macros de LibreOffice); guárdelo sin macros "
    "(.ods o .xlsx)."
)


def test_xls_saved_with_a_password_is_refused(plain_settings, tmp_path):
    data = fixture("poa_con_contrasena.xls")
    assert refusal(data, plain_settings) == XLS_PASSWORD
    assert cli_refusal(data, tmp_path, "con_contrasena.xls") == XLS_PASSWORD


def test_ods_saved_with_a_password_is_refused(plain_settings, tmp_path):
    data = fixture("poa_con_contrasena.ods")
    assert refusal(data, plain_settings) == ODS_PASSWORD
    assert cli_refusal(data, tmp_path, "con_contrasena.ods") == ODS_PASSWORD


def test_ods_with_a_basic_macro_is_refused(plain_settings, tmp_path):
    data = fixture("poa_con_macros.ods")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "Basic/Standard/Modulo1.xml" in zf.namelist()  # what LibreOffice wrote
    assert refusal(data, plain_settings) == ODS_MACROS
    assert cli_refusal(data, tmp_path, "con_macros.ods") == ODS_MACROS


def test_ods_whose_manifest_lists_scripts_is_refused(plain_settings):
    manifest = MANIFEST.replace(
        "</manifest:manifest>",
        '<manifest:file-entry manifest:full-path="Scripts/python/m.py" '
        'manifest:media-type=""/></manifest:manifest>',
    )
    data = rezip(fixture(f"{POA}.ods"), {"META-INF/manifest.xml": manifest.encode()})
    assert refusal(data, plain_settings) == ODS_MACROS


def test_xls_with_a_vba_project_is_refused(plain_settings, tmp_path):
    """LibreOffice does not write VBA into an .xls: the VBA storage is put in by code."""
    data = rename_ole_entry(
        fixture(f"{POA}.xls"), "\x05SummaryInformation", "_VBA_PROJECT_CUR", kind=1
    )
    assert refusal(data, plain_settings) == XLS_MACROS
    assert cli_refusal(data, tmp_path, "con_macros.xls") == XLS_MACROS


def test_encrypted_xlsx_inside_an_ole2_file_is_refused(plain_settings):
    """An encrypted .xlsx is an OLE2 file holding EncryptionInfo and EncryptedPackage."""
    data = rename_ole_entry(fixture(f"{POA}.xls"), "Workbook", "EncryptedPackage")
    message = refusal(data, plain_settings)
    assert message == (
        "El archivo es un libro de Excel protegido con contraseña (cifrado); ábralo en Excel, "
        "quite la contraseña y guárdelo como .xlsx."
    )


def test_ole2_file_that_is_not_a_workbook_is_refused(plain_settings):
    data = rename_ole_entry(fixture(f"{POA}.xls"), "Workbook", "WordDocument")
    assert refusal(data, plain_settings) == (
        "El archivo es un documento de Office 97-2003 pero no un libro de Excel (le falta la "
        "hoja de cálculo); guárdelo como libro de Excel (.xlsx o .xls)."
    )


# -- limits, checked before any parser runs -----------------------------------------------------


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_file_over_the_size_limit_is_refused_before_parsing(ext, monkeypatch):
    monkeypatch.setattr(workbook_module, "open_xls", never)
    monkeypatch.setattr(workbook_module, "open_ods", never)
    data = fixture(f"{POA}.{ext}")
    assert refusal(data, Settings(max_file_mb=0.01)) == (
        f"El archivo pesa {fmt_number(len(data) / MB)} MB y el límite es {fmt_number(0.01)} MB."
    )


def test_ods_over_the_uncompressed_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(ods_module, "read_values", never)
    monkeypatch.setattr(ods_module, "_scan_content", never)
    data = fixture(f"{POA}.ods")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        declared = sum(info.file_size for info in zf.infolist())
    assert declared > 0.05 * MB
    assert refusal(data, Settings(max_uncompressed_mb=0.05)) == (
        f"El contenido del archivo ocupa {fmt_number(declared / MB)} MB descomprimido y el "
        f"límite es {fmt_number(0.05)} MB."
    )


def test_xls_declaring_streams_over_the_uncompressed_limit_is_refused(monkeypatch):
    monkeypatch.setattr(xls_module, "read_values", never)
    data = fixture(f"{POA}.xls")
    declared = sum(e.size for e in CompoundFile(data).entries if e.kind == STREAM)
    assert declared > 0.01 * MB
    assert refusal(data, Settings(max_uncompressed_mb=0.01)) == (
        f"El contenido del archivo declara {fmt_number(declared / MB)} MB y el límite es "
        f"{fmt_number(0.01)} MB."
    )


def test_xls_sheet_over_the_row_limit_is_refused_by_its_dimensions(monkeypatch):
    monkeypatch.setattr(xls_module, "read_values", never)
    assert refusal(fixture(f"{POA}.xls"), Settings(max_rows=20)) == (
        "La hoja «POA» tiene 25 filas y el límite es 20."
    )
    assert refusal(fixture(f"{POA}.xls"), Settings(max_columns=20)) == (
        "La hoja «Cronograma» tiene 23 columnas y el límite es 20."
    )


def test_xls_whose_dimensions_lie_is_refused_by_its_cells(monkeypatch):
    data = with_dimensions(fixture(f"{POA}.xls"), 25, 3)
    assert len(read_poa(data, Settings()).activities) == 16  # calamine does not mind
    monkeypatch.setattr(xls_module, "read_values", never)
    assert refusal(data, Settings(max_rows=20)) == "La hoja «POA» tiene 25 filas y el límite es 20."


def test_ods_rows_repeated_past_the_limit_are_refused_before_the_grid(monkeypatch):
    monkeypatch.setattr(ods_module, "read_values", never)
    rows = (f'<table:table-row table:number-rows-repeated="60000">{text_cell("x")}'
            "</table:table-row>")
    assert refusal(ods_file(rows), Settings()) == (
        "La hoja «Hoja1» tiene 60,000 filas y el límite es 50,000."
    )
    far = (f"<table:table-row>{text_cell('Nº')}</table:table-row>"
           '<table:table-row table:number-rows-repeated="50000"><table:table-cell/>'
           f"</table:table-row><table:table-row>{text_cell('x')}</table:table-row>")
    assert refusal(ods_file(far), Settings()) == (
        "La hoja «Hoja1» tiene 50,002 filas y el límite es 50,000."
    )
    wide = f"<table:table-row>{text_cell('x', 16384)}</table:table-row>"
    assert refusal(ods_file(wide), Settings()) == (
        "La hoja «Hoja1» tiene 16,384 columnas y el límite es 200."
    )


def test_ods_empty_rows_repeated_to_the_end_of_the_sheet_do_not_count():
    """LibreOffice writes the empty rest of every sheet as repeated rows and cells; so does the
    fixture (1,048,576 rows in all), and it reads."""
    with zipfile.ZipFile(io.BytesIO(fixture(f"{POA}.ods"))) as zf:
        assert b'table:number-rows-repeated="10485' in zf.read("content.xml")
    rows = (f"<table:table-row>{text_cell('Nº')}{text_cell('Actividad')}"
            '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048575">'
            '<table:table-cell table:style-name="ce1" table:number-columns-repeated="16384"/>'
            "</table:table-row>")
    tables = ods_module.check_ods(ods_file(rows), Settings())
    assert [(t.name, t.rows, t.columns) for t in tables] == [("Hoja1", 1, 2)]


# -- XML declarations and damage ----------------------------------------------------------------

DTD = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'


@pytest.mark.parametrize("member", ["content.xml", "styles.xml", "META-INF/manifest.xml"])
def test_ods_with_a_dtd_or_entity_is_refused(member, plain_settings, monkeypatch):
    monkeypatch.setattr(ods_module, "read_values", never)
    source = fixture(f"{POA}.ods")
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        xml = zf.read(member)
    declaration_end = xml.index(b"?>") + 2
    data = rezip(source, {member: xml[:declaration_end] + DTD + xml[declaration_end:]})
    assert refusal(data, plain_settings) == (
        "El archivo contiene declaraciones XML no permitidas (entidades o DTD); ábralo en "
        "LibreOffice Calc y guárdelo de nuevo como .ods."
    )


def test_damaged_files_are_one_sentence_refusals(plain_settings, tmp_path):
    xls, ods = fixture(f"{POA}.xls"), fixture(f"{POA}.ods")
    assert refusal(xls[: len(xls) // 2], plain_settings) == (
        "El archivo .xls está dañado (su estructura interna de Office 97-2003 no se puede leer); "
        "ábralo en Excel y guárdelo de nuevo."
    )
    broken_content = rezip(ods, {"content.xml": b"<office:document-content"})
    assert refusal(broken_content, plain_settings) == (
        "El archivo .ods está dañado (su parte interna «content.xml» no es XML válido); ábralo "
        "en LibreOffice Calc y guárdelo de nuevo."
    )
    no_manifest = rezip(ods, {"META-INF/manifest.xml": None})
    assert refusal(no_manifest, plain_settings) == (
        "El archivo .ods está incompleto: le falta su parte interna «META-INF/manifest.xml»; "
        "ábralo en LibreOffice Calc y guárdelo de nuevo."
    )
    odt = rezip(ods, {"mimetype": b"application/vnd.oasis.opendocument.text"})
    assert "no una hoja de cálculo" in refusal(odt, plain_settings)
    line = cli_refusal(xls[:3000], tmp_path, "cortado.xls")
    assert line.startswith("El archivo .xls está dañado")


def test_xls_date_cell_with_a_huge_negative_number_is_refused_naming_the_cell(tmp_path):
    """python-calamine panics turning such a number into a date; the scan finds it first."""
    data = with_huge_negative_date(fixture(f"{POA}.xls"))
    message = (
        "La celda Cronograma!V6 tiene el valor -1099511627776, que no se puede leer como fecha; "
        "corríjala y guarde de nuevo."
    )
    assert refusal(data, Settings()) == message
    assert cli_refusal(data, tmp_path, "fecha.xls") == message


# -- fills that cannot be read ------------------------------------------------------------------


def fills_not_read(doc) -> list:
    return [f for f in doc.read_findings if f.code == "FILLS_NOT_READ"]


def test_xls_whose_formatting_cannot_be_read_says_the_months_are_unknown(plain_settings):
    expected = read_poa(fixture(f"{POA}.xls"), plain_settings)
    data = with_damaged_palette(fixture(f"{POA}.xls"))
    doc = read_poa(data, plain_settings)
    [finding] = fills_not_read(doc)
    assert (finding.severity, finding.sheet, finding.cell, finding.activity) == (
        "warning", "Cronograma", "J3", None,
    )
    assert finding.message == (
        "Los meses del cronograma de la hoja «Cronograma» no tienen ninguna marca escrita y los "
        "colores de relleno de este archivo .xls (Excel 97-2003) no se pudieron leer, así que no "
        "se sabe qué meses están programados; marque cada mes programado con «X»."
    )
    assert all(a.months_planned == [] for a in doc.activities)
    # Everything else is read as before (the fractions are still seen as %).
    assert [replace(a, months_planned=[]) for a in doc.activities] == [
        replace(a, months_planned=[]) for a in expected.activities
    ]
    assert [a.declared_pct for a in doc.activities[:2]] == [30.0, 30.0]
    assert "FILLS_NOT_READ" in {f.code for f in check_document(doc, AS_OF, plain_settings)}


def test_ods_whose_styles_cannot_be_read_says_the_months_are_unknown(plain_settings):
    data = rezip(fixture(f"{POA}.ods"), {"styles.xml": b"<office:document-styles"})
    doc = read_poa(data, plain_settings)
    [finding] = fills_not_read(doc)
    assert finding.sheet == "Cronograma" and finding.cell == "J3"
    assert "archivo .ods (LibreOffice) no se pudieron leer" in finding.message
    assert finding.message.endswith("marque cada mes programado con «X».")
    assert all(a.months_planned == [] for a in doc.activities)


def test_months_marked_by_value_need_no_fills(plain_settings):
    """A cronograma marked with ✓ is read whole even when the file's fills cannot be read."""
    data = rezip(fixture(f"{EXAMPLE}.ods"), {"styles.xml": b"<office:document-styles"})
    doc = read_poa(data, plain_settings)
    assert not fills_not_read(doc)
    assert doc.activities == read_poa(fixture(f"{EXAMPLE}.ods"), plain_settings).activities


# -- fuzzing the new readers: a mutated .xls or .ods is read or refused on purpose ---------------

MAX_SECONDS = 10.0
# Where a mutation lands: anywhere, or at the n-th record or structure that the readers rely on
# (the OLE2 directory, BIFF records such as DIMENSIONS, BOUNDSHEET, MULRK, XF, MERGEDCELLS, SST;
# the XML tags and zip headers of an .ods).
XLS_ANCHORS = re.compile(
    rb"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k|R\x00o\x00o\x00t\x00|\x00\x02\x0e\x00|\x85\x00"
    rb"|\xbd\x00|\xe0\x00\x14\x00|\xe5\x00|\xfc\x00|\x09\x08\x10\x00|\x92\x00|\x1e\x04"
)
ODS_ANCHORS = re.compile(rb"<table:|<style:|number-(?:rows|columns)-|PK\x03\x04|PK\x01\x02")
SPECIAL = (
    b"\x00", b"\xff", b"\xff\xff\xff\xff", b"\xfe\xff\xff\xff", b"\x00\x00\x00\x00",
    b"\xff\x7f", b"\x00\x01", b"<", b">", b'"', b"&", b"999999999", b"-1", b"</table:table-row>",
    b'table:number-rows-repeated="70000"', b'table:number-columns-repeated="300"',
    b'office:value-type="float" office:value="1"', b"<text:p>x</text:p>",
)
mutations = st.lists(
    st.tuples(
        st.sampled_from(("flip", "overwrite", "insert", "delete", "truncate")),
        st.one_of(st.tuples(st.just("any"), st.integers(0, 2**20), st.just(0)),
                  st.tuples(st.just("anchor"), st.integers(0, 300), st.integers(0, 24))),
        st.one_of(st.binary(min_size=1, max_size=12), st.sampled_from(SPECIAL)),
    ),
    min_size=1, max_size=5,
)


def mutate(data: bytes, ops, anchors: re.Pattern) -> bytes:
    buf = bytearray(data)
    for kind, (where, n, offset), payload in ops:
        found = [m.start() for m in anchors.finditer(buf)] if where == "anchor" else []
        pos = (found[n % len(found)] + offset) if found else n
        pos = min(pos, len(buf)) if kind in ("insert", "truncate") else pos % max(len(buf), 1)
        if kind == "flip" and buf:
            buf[pos] ^= payload[0] or 1
        elif kind == "overwrite":
            buf[pos:pos + len(payload)] = payload
        elif kind == "insert":
            buf[pos:pos] = payload
        elif kind == "delete":
            del buf[pos:pos + 1 + payload[0] % 64]
        else:
            del buf[pos:]
    return bytes(buf)


def read_or_refuse(data: bytes) -> None:
    """A mutated workbook is read, or refused by a deliberate check (never the safety net)."""
    start = time.perf_counter()
    try:
        read_poa(data, Settings(), file_name="fuzz")
    except NotAPoaWorkbook as exc:
        assert not isinstance(exc, UnforeseenFailure), repr(exc.__cause__)
        assert exc.message and "\n" not in exc.message
    assert time.perf_counter() - start < MAX_SECONDS


FUZZ = hsettings(
    max_examples=150, deadline=None, derandomize=True, database=None, print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(name=st.sampled_from([POA, EXAMPLE]), ops=mutations)
def test_fuzzed_xls_is_read_or_refused(name, ops):
    read_or_refuse(mutate(fixture(f"{name}.xls"), ops, XLS_ANCHORS))


@FUZZ
@given(name=st.sampled_from([POA, EXAMPLE]), ops=mutations)
def test_fuzzed_ods_is_read_or_refused(name, ops):
    read_or_refuse(mutate(fixture(f"{name}.ods"), ops, ODS_ANCHORS))


@FUZZ
@given(
    name=st.sampled_from([POA, EXAMPLE]),
    member=st.sampled_from(["content.xml", "styles.xml", "META-INF/manifest.xml"]),
    ops=mutations,
)
def test_fuzzed_ods_part_is_read_or_refused(name, member, ops):
    """The XML of one part mutated and zipped again with valid CRCs, so the parsers see it."""
    source = fixture(f"{name}.ods")
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        xml = zf.read(member)
    read_or_refuse(rezip(source, {member: mutate(xml, ops, ODS_ANCHORS)}))


def ole2_patched(data: bytes, patches: dict[int, int]) -> bytes:
    """The file with u32 values written at the given offsets."""
    out = bytearray(data)
    for offset, value in patches.items():
        out[offset:offset + 4] = struct.pack("<I", value)
    return bytes(out)


def test_ole2_sector_chains_that_loop_are_refused_before_calamine(monkeypatch):
    """python-calamine follows the directory chain and the DIFAT chain without a bound: a loop
    would make it grow without end. The container check finds the loop first."""
    monkeypatch.setattr(xls_module, "read_values", never)
    data = fixture(f"{POA}.xls")
    sector = 512
    directory, = struct.unpack_from("<I", data, 48)
    first_fat, = struct.unpack_from("<I", data, 76)
    # The FAT entry of the directory's sector pointing back to that sector.
    looping_directory = ole2_patched(data, {(first_fat + 1) * sector + 4 * directory: directory})
    # A DIFAT sector whose "next" entry names itself.
    looping_difat = ole2_patched(data, {68: directory, (directory + 2) * sector - 4: directory})
    damaged = (
        "El archivo .xls está dañado (su estructura interna de Office 97-2003 no se puede leer); "
        "ábralo en Excel y guárdelo de nuevo."
    )
    for case in (looping_directory, looping_difat):
        start = time.perf_counter()
        assert refusal(case, Settings()) == damaged
        assert time.perf_counter() - start < 1.0


def test_xls_dimensions_whose_first_row_is_past_the_last_are_refused(monkeypatch):
    """python-calamine reserves (last - first) rows x columns from DIMENSIONS: a first row past
    the last wraps around to billions and aborts the process."""
    monkeypatch.setattr(xls_module, "read_values", never)
    data = fixture(f"{POA}.xls")

    def says(chunk: bytes) -> bool:
        length, first, rows = struct.unpack_from("<HII", chunk, 2)
        return length == 14 and first == 0 and rows == 25

    position = find_record(data, b"\x00\x02", says)
    broken = ole2_patched(data, {position + 4: 256})
    assert refusal(broken, Settings()) == (
        "El archivo .xls está dañado (la hoja «POA» declara un tamaño imposible); ábralo en Excel "
        "y guárdelo de nuevo."
    )
