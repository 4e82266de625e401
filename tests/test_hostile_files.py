"""Hostile and wrong uploads: each one is refused with one Spanish sentence, before parsing.

Every file is built for real in `tmp_path` (zipfile, openpyxl, raw bytes); nothing is mocked.
The Python API must raise `NotAPoaWorkbook` with a message naming the problem, and
`python -m loaders check FILE` must exit 2 with exactly one line on stderr and no traceback.
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

import openpyxl
import openpyxl.xml
import pytest
from openpyxl.utils import get_column_letter

from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_spending, import_workbook
from loaders.read import grid
from loaders.read.poa import read_poa
from loaders.read.spending import read_spending
from loaders.read.workbook import open_workbook
from loaders.store.engine import create_schema, make_engine
from sample_data.build_spending import DEFAULT_PATH as SPENDING_SAMPLE
from tests.paths import REPO_ROOT
from tests.xlsx_parts import (
    set_cell,
    with_inline_strings,
    with_shared_strings,
    zip_members,
    zip_of,
)

MB = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_CT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_CT = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Safety bound for refusing a bomb: generous, the guard only reads the zip directory.
BOMB_SECONDS = 1.0

BILLION_LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
).encode()


# -- building files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_bytes(sample_path: Path) -> bytes:
    """The sample with its texts inline in the cells, where the edits below find them."""
    return with_inline_strings(sample_path.read_bytes())


def replace_once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        assert xml.count(old) == 1, old
        return xml.replace(old, new)

    return change


def spending_sample() -> bytes:
    return with_inline_strings(SPENDING_SAMPLE.read_bytes())


def rewrite(
    data: bytes,
    replace: dict[str, Callable[[bytes], bytes]] | None = None,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """A copy of the zip `data` with some members transformed and others added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename in replace:
                content = replace[info.filename](content)
            dst.writestr(info.filename, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def set_dimension(ref: str) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        new, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
        assert count == 1
        return new

    return change


def with_dtd(prefix: bytes = b"", reference: bytes | None = None) -> Callable[[bytes], bytes]:
    """Put a billion-laughs DTD (after `prefix`) before the root element of a part."""

    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            xml = xml.split(b"?>", 1)[1]
        if reference is not None:
            xml = xml.replace(reference, b"&lol9;", 1)
        return b'<?xml version="1.0" encoding="UTF-8"?>' + prefix + BILLION_LAUGHS_DTD + xml

    return change


def zip_bomb(sample: bytes) -> bytes:
    """The sample plus 150 MB of zeros, deflated to a few hundred KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sample)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        member = zipfile.ZipInfo("xl/media/zeros.bin")
        member.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(member, "w", force_zip64=True) as stream:
            chunk = bytes(MB)
            for _ in range(150):
                stream.write(chunk)
    data = out.getvalue()
    assert len(data) < 2 * MB  # a real bomb: small on disk
    return data


def declared_size_lie(sample: bytes) -> bytes:
    """The sample plus a 5-byte member whose central-directory entry declares ~4 GB."""
    data = bytearray(rewrite(sample, add={"xl/media/x.bin": b"hello"}))
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        if data[pos + 46 : pos + 46 + name_len] == b"xl/media/x.bin":
            data[pos + 24 : pos + 28] = struct.pack("<I", 0xFFFF_FFF0)
            break
        pos = data.find(b"PK\x01\x02", pos + 46 + name_len + extra_len + comment_len)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        assert zf.getinfo("xl/media/x.bin").file_size == 0xFFFF_FFF0
    return bytes(data)


def oversized_file(sample: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sample)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/media/noise.bin", os.urandom(21 * MB), compress_type=zipfile.ZIP_STORED)
    data = out.getvalue()
    assert 21 * MB < len(data) < 22 * MB
    return data


def zip_encrypted_flag(sample: bytes) -> bytes:
    """The sample with the 'encrypted' general-purpose flag set on every member."""
    data = bytearray(sample)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(signature)
        while pos != -1:
            data[pos + offset] |= 0x1
            pos = data.find(signature, pos + 4)
    return bytes(data)


def ole2(payload: bytes = b"") -> bytes:
    return OLE2_MAGIC + bytes(504) + payload + bytes(4096)


def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE2 file with these streams."""
    names = "".join(n.ljust(32, "\0") for n in ("EncryptionInfo", "EncryptedPackage"))
    return ole2(names.encode("utf-16-le"))


def ods_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return out.getvalue()


def zip_of_other_things() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("informe.txt", "Informe trimestral")
        zf.writestr("fotos/evento.jpg", b"\xff\xd8\xff\xe0" + bytes(200))
    return out.getvalue()


def workbook_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_xml(rows: int, columns: int) -> bytes:
    """A worksheet with real cells and no <dimension>: only the parsed size can tell."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{get_column_letter(c)}{r}"><v>{c}</v></c>' for c in range(1, columns + 1))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return f'<worksheet xmlns="{SHEET_NS}"><sheetData>{body}</sheetData></worksheet>'.encode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02" + bytes(300)
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


# Each case: (id, builder from the sample's bytes, words the refusal must contain).
CASES: list[tuple[str, Callable[[bytes], bytes], list[str]]] = [
    ("texto_plano", lambda s: b"Informe de actividades 2026\nTodo bien.\n",
     ["no es un libro de Excel", "texto o CSV", ".xlsx"]),
    ("csv", lambda s: "Nº,Actividad,Meta\n1,Corazón de Plata,20\n".encode(),
     ["no es un libro de Excel", "texto o CSV", ".xlsx"]),
    ("zip_de_otra_cosa", lambda s: zip_of_other_things(),
     [".zip", "no un libro de Excel", ".xlsx"]),
    # .ods and .xls are read now (tests/test_formats.py); these two are broken ones.
    ("ods", lambda s: ods_file(), [".ods", "dañado", "LibreOffice"]),
    ("xls_antiguo", lambda s: ole2(), [".xls", "dañado", "Excel"]),
    ("xlsx_con_contrasena", lambda s: encrypted_workbook(),
     ["contraseña", "guárdelo como .xlsx"]),
    ("zip_cifrado", zip_encrypted_flag, ["cifrado", "contraseña", ".xlsx"]),
    ("xlsm_vbaproject", lambda s: rewrite(s, add={"xl/vbaProject.bin": ole2()}),
     ["macros", ".xlsm"]),
    ("xlsm_content_type",
     lambda s: rewrite(s, {"[Content_Types].xml": lambda b: b.replace(MAIN_CT, MACRO_CT)}),
     ["macros", ".xlsm"]),
    ("cero_bytes", lambda s: b"", ["vacío"]),
    ("libro_vacio", lambda s: workbook_bytes([]), ["vacío"]),
    ("sin_tabla_de_actividades",
     lambda s: workbook_bytes([["Nombre", "Edad"], ["Ana", 30], ["Luis", 41]]),
     ["tabla de actividades", "Nº", "Actividad"]),
    ("mas_de_20_mb", oversized_file, ["21 MB", "20 MB"]),
    ("bomba_zip_ceros", zip_bomb, ["MB descomprimido", "ocupa 150", "100 MB"]),
    ("bomba_zip_tamano_declarado", declared_size_lie, ["descomprimido", "100 MB"]),
    ("dimension_50001_filas",
     lambda s: rewrite(s, {"xl/worksheets/sheet1.xml": set_dimension("A1:W50001")}),
     ["«POA»", "50,001 filas", "50,000"]),
    ("dimension_201_columnas",
     lambda s: rewrite(s, {"xl/worksheets/sheet2.xml": set_dimension("A1:GS21")}),
     ["«Cronograma»", "201 columnas", "200"]),
    ("hoja_real_50001_filas_sin_dimension",
     lambda s: rewrite(s, {"xl/worksheets/sheet3.xml": lambda b: sheet_xml(50_001, 1)}),
     ["«Indicador»", "50,001 filas"]),
    ("hoja_real_201_columnas_sin_dimension",
     lambda s: rewrite(s, {"xl/worksheets/sheet3.xml": lambda b: sheet_xml(1, 201)}),
     ["«Indicador»", "201 columnas"]),
    ("billion_laughs_styles", lambda s: rewrite(s, {"xl/styles.xml": with_dtd()}),
     ["entidades", "DTD"]),
    ("billion_laughs_hoja",
     lambda s: rewrite(
         s, {"xl/worksheets/sheet1.xml": with_dtd(reference=b"Apoyo a deportados")}
     ),
     ["entidades", "DTD"]),
    ("billion_laughs_workbook", lambda s: rewrite(s, {"xl/workbook.xml": with_dtd()}),
     ["entidades", "DTD"]),
    ("billion_laughs_content_types",
     lambda s: rewrite(s, {"[Content_Types].xml": with_dtd()}), ["entidades", "DTD"]),
    ("imagen_png_renombrada", lambda s: PNG, ["no es un libro de Excel", ".xlsx"]),
    ("pdf_renombrado", lambda s: PDF, ["no es un libro de Excel", ".xlsx"]),
    ("muestra_truncada", lambda s: s[: len(s) // 2], [".xlsx"]),
    # Found by tests/test_fuzz.py; the CLI must exit 2 for each, never crash or abort.
    ("celda_de_40000_caracteres",
     lambda s: rewrite(s, {"xl/worksheets/sheet1.xml": with_text("Apoyo a deportados", 40_000)}),
     ["POA!B11", "40,000 caracteres", "32,767"]),
    ("celda_mas_alla_de_excel",
     lambda s: rewrite(s, {"xl/worksheets/sheet3.xml": far_cell("XFD1048576")}),
     ["«Indicador»", "1,048,576 filas", "50,000"]),
    ("fecha_negativa_enorme",
     lambda s: rewrite(s, {"xl/worksheets/sheet2.xml": set_cell("V12", "-1e12")}),
     ["Cronograma!V12", "fecha"]),
    ("hoja_comprimida_danada",
     lambda s: damage_compressed_bytes(s, "xl/worksheets/sheet2.xml"),
     ["«Cronograma»", "dañada"]),
]
CASE_IDS = [case[0] for case in CASES]


def build(tmp_path: Path, sample_bytes: bytes, case_id: str) -> tuple[Path, bytes, list[str]]:
    _, builder, words = next(case for case in CASES if case[0] == case_id)
    data = builder(sample_bytes)
    path = tmp_path / f"{case_id}.xlsx"
    path.write_bytes(data)
    return path, data, words


def refusal(data: bytes, settings, file_name: str) -> str:
    with pytest.raises(NotAPoaWorkbook) as caught:
        read_poa(data, settings, file_name=file_name)
    message = caught.value.message
    assert message == str(caught.value)
    return message


def run_check(path: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, POA_DATA_DIR=str(tmp_path / "cli-data"))
    return subprocess.run(
        [sys.executable, "-m", "loaders", "check", str(path), *extra],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=120,
    )


def assert_cli_refuses(path: Path, tmp_path: Path) -> str:
    result = run_check(path, tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].strip()
    assert result.stdout == ""
    return lines[0]


# -- the builders themselves do not break a workbook -----------------------------------------


def test_rewriting_the_sample_zip_keeps_it_readable(sample_bytes, settings):
    doc = read_poa(rewrite(sample_bytes), settings, file_name="copia.xlsx")
    assert len(doc.activities) == 16


def test_editing_the_dimension_within_limits_keeps_the_sample_readable(sample_bytes, settings):
    data = rewrite(sample_bytes, {"xl/worksheets/sheet1.xml": set_dimension("A1:GR50000")})
    doc = read_poa(data, settings, file_name="limite.xlsx")
    assert len(doc.activities) == 16


# -- every hostile file: API refusal and CLI exit 2 ------------------------------------------


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_api_refuses_hostile_file_with_message_naming_the_problem(
    case_id, tmp_path, sample_bytes, settings
):
    path, data, words = build(tmp_path, sample_bytes, case_id)
    message = refusal(data, settings, path.name)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_cli_check_exits_2_with_one_line_and_no_traceback(case_id, tmp_path, sample_bytes):
    path, _, words = build(tmp_path, sample_bytes, case_id)
    line = assert_cli_refuses(path, tmp_path)
    for word in words:
        assert word in line, (word, line)


def test_damaged_xls_and_encrypted_xlsx_messages_say_what_to_do(tmp_path, sample_bytes, settings):
    _, data, _ = build(tmp_path, sample_bytes, "xls_antiguo")
    assert refusal(data, settings, "xls_antiguo.xls") == (
        "El archivo .xls está dañado (su estructura interna de Office 97-2003 no se puede leer); "
        "ábralo en Excel y guárdelo de nuevo."
    )
    _, data, _ = build(tmp_path, sample_bytes, "xlsx_con_contrasena")
    assert "guárdelo como .xlsx" in refusal(data, settings, "xlsx_con_contrasena.xls")


# -- zip bombs: refused from the zip directory, in well under a second ------------------------


@pytest.mark.parametrize("builder", [zip_bomb, declared_size_lie], ids=["ceros", "declarado"])
def test_zip_bomb_is_refused_in_under_a_second(builder, sample_bytes, settings):
    data = builder(sample_bytes)
    start = time.perf_counter()
    with pytest.raises(NotAPoaWorkbook) as caught:
        read_poa(data, settings, file_name="bomba.xlsx")
    elapsed = time.perf_counter() - start
    assert elapsed < BOMB_SECONDS, elapsed
    assert "descomprimido" in caught.value.message


def test_oversized_file_is_refused_before_opening_the_zip(sample_bytes, settings):
    data = oversized_file(sample_bytes)
    start = time.perf_counter()
    message = refusal(data, settings, "grande.xlsx")
    assert time.perf_counter() - start < BOMB_SECONDS
    assert message == "El archivo pesa 21 MB y el límite es 20 MB."


def test_dimension_over_limits_is_refused_before_parsing(sample_bytes, settings):
    data = rewrite(sample_bytes, {"xl/worksheets/sheet1.xml": set_dimension("A1:XFD1048576")})
    start = time.perf_counter()
    message = refusal(data, settings, "enorme.xlsx")
    assert time.perf_counter() - start < BOMB_SECONDS
    assert message == "La hoja «POA» tiene 1,048,576 filas y el límite es 50,000."


# -- XML entities ------------------------------------------------------------------------------


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_billion_laughs_is_refused_not_expanded(sample_bytes, settings):
    data = rewrite(sample_bytes, {"xl/styles.xml": with_dtd()})
    start = time.perf_counter()
    message = refusal(data, settings, "risas.xlsx")
    assert time.perf_counter() - start < BOMB_SECONDS
    assert message == (
        "El archivo contiene declaraciones XML no permitidas (entidades o DTD); "
        "ábralo en Excel y guárdelo de nuevo como .xlsx."
    )


# A comment may sit between the XML declaration and the DTD, so the DTD can start past the
# first kilobytes of a part; the file must still be refused, and quickly.
PADDING = b"<!--" + b" relleno " * 500 + b"-->"


@pytest.mark.parametrize(
    "part, reference",
    [("xl/styles.xml", None), ("xl/worksheets/sheet1.xml", b"Apoyo a deportados")],
    ids=["styles", "hoja"],
)
def test_billion_laughs_after_a_long_comment_is_refused_without_traceback(
    part, reference, tmp_path, sample_bytes, settings
):
    data = rewrite(sample_bytes, {part: with_dtd(PADDING, reference)})
    start = time.perf_counter()
    refusal(data, settings, "risas.xlsx")
    assert time.perf_counter() - start < BOMB_SECONDS
    path = tmp_path / "risas.xlsx"
    path.write_bytes(data)
    assert_cli_refuses(path, tmp_path)


def test_malformed_style_value_never_prints_a_traceback(tmp_path, sample_bytes):
    """A fill tint that is not a number: read or refused, but one line and no traceback."""
    data = rewrite(sample_bytes, {
        "xl/styles.xml": lambda b: b.replace(
            b'<fgColor rgb="FF8DB4E2" />', b'<fgColor theme="0" tint="abc" />', 1
        ),
    })
    path = tmp_path / "tinte.xlsx"
    path.write_bytes(data)
    result = run_check(path, tmp_path, "--as-of", "2026-11-21")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 2)
    if result.returncode == 2:
        assert len(result.stderr.splitlines()) == 1


# -- formula-looking text is data, not a formula ---------------------------------------------

HYPERLINK = '=HYPERLINK("http://evil","x")'


def with_hyperlink_name(sample: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        old = b"<t>Apoyo a deportados</t>"
        assert xml.count(old) == 1
        return xml.replace(old, f"<t>{HYPERLINK}</t>".encode())

    return rewrite(sample, {"xl/worksheets/sheet1.xml": change})


def test_formula_like_activity_name_comes_back_as_the_exact_text(sample_bytes, settings):
    doc = read_poa(with_hyperlink_name(sample_bytes), settings, file_name="hyper.xlsx")
    activity = next(a for a in doc.activities if a.number == 2)
    assert activity.name == HYPERLINK
    assert activity.name_cronograma == "Apoyo a deportados"


def test_cli_json_keeps_formula_like_text_verbatim(tmp_path, sample_bytes):
    path = tmp_path / "hyper.xlsx"
    path.write_bytes(with_hyperlink_name(sample_bytes))
    result = run_check(path, tmp_path, "--as-of", "2026-11-21", "--json")
    assert result.returncode == 0, result.stderr
    activity = next(a for a in json.loads(result.stdout)["activities"] if a["number"] == 2)
    assert activity["name"] == HYPERLINK


# -- cell text over Excel's limit of 32,767 characters -----------------------------------------

EXCEL_MAX_TEXT = 32_767


def with_text(old: str, length: int) -> Callable[[bytes], bytes]:
    """Replace the text `old` of one cell with `length` letters (openpyxl itself cuts a longer
    text to 32,767 when it writes, so the sheet's XML is edited instead)."""

    def change(xml: bytes) -> bytes:
        marker = f"<t>{old}</t>".encode()
        assert xml.count(marker) == 1
        return xml.replace(marker, b"<t>" + b"a" * length + b"</t>")

    return change


def lone_cell_workbook(length: int) -> bytes:
    """A workbook whose only cell is POA!B12: calamine's range then starts at row 12, column B."""
    wb = openpyxl.Workbook()
    wb.active.title = "POA"
    wb.active["B12"] = "marcador"
    out = io.BytesIO()
    wb.save(out)
    return rewrite(
        out.getvalue(), {"xl/worksheets/sheet1.xml": with_text("marcador", length)}
    )


def test_cell_text_over_the_excel_limit_is_refused_naming_the_absolute_cell(settings):
    message = refusal(lone_cell_workbook(40_000), settings, "larga.xlsx")
    assert message == (
        "La celda POA!B12 tiene 40,000 caracteres y Excel admite como máximo 32,767; "
        "acórtela y guarde de nuevo."
    )


def test_activity_name_one_character_over_the_limit_is_refused(sample_bytes, settings):
    data = rewrite(sample_bytes, {
        "xl/worksheets/sheet1.xml": with_text("Apoyo a deportados", EXCEL_MAX_TEXT + 1),
    })
    assert refusal(data, settings, "larga.xlsx") == (
        "La celda POA!B11 tiene 32,768 caracteres y Excel admite como máximo 32,767; "
        "acórtela y guarde de nuevo."
    )


def test_activity_name_of_exactly_32767_characters_is_read_whole(sample_bytes, settings):
    data = rewrite(sample_bytes, {
        "xl/worksheets/sheet1.xml": with_text("Apoyo a deportados", EXCEL_MAX_TEXT),
    })
    doc = read_poa(data, settings, file_name="limite.xlsx")
    assert doc.activity(2).name == "a" * EXCEL_MAX_TEXT
    assert len(doc.activities) == 16


SPENDING_CONCEPT = "Ampliación por alza del precio de la gasolina"


def test_spending_workbook_with_text_over_the_limit_is_refused(settings):
    data = rewrite(spending_sample(), {
        "xl/worksheets/sheet1.xml": with_text(SPENDING_CONCEPT, 40_000),
    })
    with pytest.raises(NotAPoaWorkbook) as caught:
        read_spending(data, settings, file_name="gastos.xlsx")
    assert caught.value.message == (
        "La celda Movimientos!D5 tiene 40,000 caracteres y Excel admite como máximo 32,767; "
        "acórtela y guarde de nuevo."
    )


def test_spending_concept_of_exactly_32767_characters_is_read_whole(settings):
    data = rewrite(spending_sample(), {
        "xl/worksheets/sheet1.xml": with_text(SPENDING_CONCEPT, EXCEL_MAX_TEXT),
    })
    movements, _ = read_spending(data, settings, file_name="gastos.xlsx")
    assert movements[0].concepto == "a" * EXCEL_MAX_TEXT
    assert movements[0].cell == "F5"


# -- crashes found by tests/test_fuzz.py, kept as plain regression tests ----------------------


def local_header(data: bytes, member: str) -> tuple[int, int, int]:
    """(offset of the member's local header, offset of its compressed bytes, their size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    start = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    return start, start + 30 + name_len + extra_len, info.compress_size


def damage_compressed_bytes(data: bytes, member: str) -> bytes:
    """Scramble 16 bytes in the middle of a member's deflate stream; the directory stays whole."""
    _, body, size = local_header(data, member)
    buf = bytearray(data)
    for i in range(body + size // 3, body + size // 3 + 16):
        buf[i] ^= 0x5A
    return bytes(buf)


def break_local_header(data: bytes, member: str) -> bytes:
    start, _, _ = local_header(data, member)
    return data[:start] + b"PK\x09\x09" + data[start + 4 :]


def test_damaged_deflate_stream_of_a_sheet_is_refused_naming_the_sheet(sample_bytes, settings):
    data = damage_compressed_bytes(sample_bytes, "xl/worksheets/sheet1.xml")
    assert refusal(data, settings, "danado.xlsx") == (
        "La hoja «POA» del archivo .xlsx está dañada (no se puede descomprimir ni leer); "
        "ábralo en Excel y guárdelo de nuevo."
    )


def test_damaged_deflate_stream_of_the_styles_is_refused_naming_the_part(sample_bytes, settings):
    data = damage_compressed_bytes(sample_bytes, "xl/styles.xml")
    assert refusal(data, settings, "danado.xlsx") == (
        "El archivo .xlsx está dañado (su parte interna «xl/styles.xml» no se puede "
        "descomprimir ni leer); ábralo en Excel y guárdelo de nuevo."
    )


def test_broken_local_header_of_content_types_is_refused(sample_bytes, settings):
    data = break_local_header(sample_bytes, "[Content_Types].xml")
    assert refusal(data, settings, "danado.xlsx") == (
        "El archivo .xlsx está dañado (su parte interna «[Content_Types].xml» no se puede "
        "descomprimir ni leer); ábralo en Excel y guárdelo de nuevo."
    )


def test_damaged_spending_workbook_is_refused_naming_the_sheet(settings):
    data = damage_compressed_bytes(spending_sample(), "xl/worksheets/sheet1.xml")
    with pytest.raises(NotAPoaWorkbook) as caught:
        read_spending(data, settings, file_name="gastos.xlsx")
    assert caught.value.message == (
        "La hoja «Movimientos» del archivo .xlsx está dañada (no se puede descomprimir ni "
        "leer); ábralo en Excel y guárdelo de nuevo."
    )


STYLES_UNREADABLE = (
    "El archivo .xlsx está dañado: los formatos de las celdas (la parte interna "
    "«xl/styles.xml») no se pueden leer; ábralo en Excel y guárdelo de nuevo."
)


@pytest.mark.parametrize("change", [
    lambda b: b + b"<x/>",
    lambda b: b.replace(b"</styleSheet>", b"<dxfs><</dxfs></styleSheet>"),
], ids=["basura_al_final", "etiqueta_rota"])
def test_styles_that_are_not_xml_are_refused(change, sample_bytes, settings):
    data = rewrite(sample_bytes, {"xl/styles.xml": change})
    assert refusal(data, settings, "estilos.xlsx") == STYLES_UNREADABLE


def test_style_indexes_that_are_not_numbers_are_read_as_no_format(sample_bytes, settings):
    data = rewrite(sample_bytes, {
        "xl/styles.xml": lambda b: b.replace(
            b'<xf numFmtId="0" fontId="0" fillId="0"', b'<xf numFmtId="abc" fontId="0" fillId="x"',
            1,
        ),
        # I12 is activity 7's declared % (0.75): with no known style, its column of fractions
        # still says it is 75 %.
        "xl/worksheets/sheet2.xml": set_cell("I12", "0.75", style="NaN"),
    })
    doc = read_poa(data, settings, file_name="indices.xlsx")
    assert doc.activity(7).declared_pct == 75.0
    assert doc.activity(1).months_planned == list(range(1, 13))


@pytest.mark.parametrize("value", ["-1e12", "-inf", "-Infinity"])
def test_date_cell_with_a_huge_negative_value_is_refused_naming_the_cell(
    value, sample_bytes, settings
):
    # python-calamine panics (a Rust panic, not an Exception) converting it to a date.
    data = rewrite(sample_bytes, {"xl/worksheets/sheet2.xml": set_cell("V12", value)})
    assert refusal(data, settings, "fecha.xlsx") == (
        f"La celda Cronograma!V12 tiene el valor {value}, que no se puede leer como fecha; "
        "corríjala y guarde de nuevo."
    )


class PanicException(BaseException):
    """Stands for pyo3's PanicException, which python-calamine raises on a Rust panic."""


def test_a_calamine_panic_on_a_sheet_is_a_refusal_naming_the_sheet():
    with pytest.raises(NotAPoaWorkbook) as caught, grid._sheet_errors("Cronograma"):
        raise PanicException("TimeDelta::milliseconds out of bounds")
    assert caught.value.message == (
        "La hoja «Cronograma» del archivo .xlsx está dañada y no se puede leer; ábralo en Excel "
        "y guárdelo de nuevo."
    )
    with pytest.raises(KeyboardInterrupt), grid._sheet_errors("Cronograma"):
        raise KeyboardInterrupt


def test_date_cell_with_a_large_negative_value_that_calamine_reads_is_a_finding(
    sample_bytes, settings
):
    data = rewrite(sample_bytes, {"xl/worksheets/sheet2.xml": set_cell("V12", "-1e10")})
    doc = read_poa(data, settings, file_name="fecha.xlsx")
    finding = next(f for f in doc.read_findings if f.cell == "V12")
    assert (finding.code, finding.sheet, finding.activity) == ("INVALID_VALUE", "Cronograma", 7)
    assert doc.activity(7).start is None


def far_cell(ref: str) -> Callable[[bytes], bytes]:
    """Sheet 3 ("Indicador") with its first cell moved to `ref`, <dimension> left as it was."""
    return lambda xml: xml.replace(b'<c r="A1"', f'<c r="{ref}"'.encode(), 1)


@pytest.mark.parametrize("ref, message", [
    ("XFD1048576", "La hoja «Indicador» tiene 1,048,576 filas y el límite es 50,000."),
    ("A50001", "La hoja «Indicador» tiene 50,001 filas y el límite es 50,000."),
    ("GS1", "La hoja «Indicador» tiene 201 columnas y el límite es 200."),
    ("XFE1", "La hoja «Indicador» nombra la celda «XFE1», más allá de la última de Excel "
     "(XFD1048576); ábralo en Excel y guárdelo de nuevo."),
    ("A99999999999", "La hoja «Indicador» nombra la celda «A99999999999», más allá de la "
     "última de Excel (XFD1048576); ábralo en Excel y guárdelo de nuevo."),
    ("a00000001048577", "La hoja «Indicador» nombra la celda «a00000001048577», más allá de "
     "la última de Excel (XFD1048576); ábralo en Excel y guárdelo de nuevo."),
])
def test_cell_far_past_the_limits_is_refused_before_calamine_allocates_it(
    ref, message, sample_bytes, settings
):
    # calamine allocates the whole rectangle up to the farthest cell: XFD1048576 asked for
    # 512 GB and aborted the process.
    data = rewrite(sample_bytes, {"xl/worksheets/sheet3.xml": far_cell(ref)})
    start = time.perf_counter()
    assert refusal(data, settings, "lejos.xlsx") == message
    assert time.perf_counter() - start < BOMB_SECONDS


def test_cell_reference_with_leading_zeros_within_limits_is_read(sample_bytes, settings):
    data = rewrite(sample_bytes, {"xl/worksheets/sheet3.xml": far_cell("A000001")})
    assert len(read_poa(data, settings, file_name="ceros.xlsx").activities) == 16


def sqlite_engine(tmp_path: Path, settings):
    engine = make_engine(f"sqlite:///{tmp_path / 'poa.sqlite3'}", settings)
    create_schema(engine)
    return engine


def test_count_too_large_to_store_is_a_finding_and_the_poa_is_stored(
    tmp_path, sample_bytes, settings
):
    # Meta anual of activity 7 (Cronograma!E12) = 1e20 made SQLite raise OverflowError.
    data = rewrite(sample_bytes, {"xl/worksheets/sheet2.xml": set_cell("E12", "1e20")})
    engine = sqlite_engine(tmp_path, settings)
    stored = import_workbook(
        engine, data, settings, file_name="grande.xlsx", uploaded_by="prueba",
        as_of=date(2026, 11, 21),
    )
    finding = next(f for f in stored.findings if f.cell == "E12")
    assert finding.code == "INVALID_VALUE"
    assert finding.message == (
        "«Meta anual» de la actividad 7 dice «100000000000000000000», un número mayor que "
        "2,147,483,647."
    )
    doc = read_poa(data, settings, file_name="grande.xlsx")
    assert doc.activity(7).goal is None
    assert doc.activity(7).programmed == 3
    engine.dispose()


def test_activity_number_too_large_to_store_is_a_finding(tmp_path, sample_bytes, settings):
    data = rewrite(sample_bytes, {"xl/worksheets/sheet1.xml": set_cell("A16", "1e20")})
    engine = sqlite_engine(tmp_path, settings)
    stored = import_workbook(
        engine, data, settings, file_name="numero.xlsx", uploaded_by="prueba",
        as_of=date(2026, 11, 21),
    )
    finding = next(f for f in stored.findings if f.cell == "A16")
    assert (finding.code, finding.sheet) == ("INVALID_VALUE", "POA")
    assert finding.message == (
        "La fila 16 de «POA» tiene como Nº de actividad «100000000000000000000», un número "
        "mayor que 2,147,483,647; no se puede leer."
    )
    engine.dispose()


@pytest.mark.parametrize("part, what", [
    ("xl/sharedStrings.xml", "los textos de las celdas"),
    ("xl/styles.xml", "los formatos de las celdas"),
])
def test_workbook_part_calamine_cannot_open_is_named(part, what, sample_bytes, settings):
    # python-calamine only says "Cannot detect file format" when these are cut short.
    data = rewrite(with_shared_strings(sample_bytes), {part: lambda b: b[: len(b) // 2]})
    assert refusal(data, settings, "cortado.xlsx") == (
        f"El archivo .xlsx está dañado: {what} (la parte interna «{part}») no se pueden leer; "
        "ábralo en Excel y guárdelo de nuevo."
    )


# -- values beyond what the database columns hold (found fuzzing on PostgreSQL) ---------------
# `engine` is conftest's: each test runs on SQLite and on PostgreSQL, whose columns enforce
# their sizes (VARCHAR(40), NUMERIC(16, 2), INTEGER).

AS_OF = date(2026, 11, 21)


def spending_import(engine, settings, sample_bytes: bytes, data: bytes):
    plan_id = import_workbook(
        engine, sample_bytes, settings, file_name="poa.xlsx", uploaded_by="prueba", as_of=AS_OF
    ).plan_id
    return import_spending(
        engine, plan_id, data, settings, file_name="gastos.xlsx", uploaded_by="prueba"
    )


def spending_with(edit: Callable[[bytes], bytes]) -> bytes:
    return rewrite(spending_sample(), {"xl/worksheets/sheet1.xml": edit})


def test_spending_amount_too_large_to_store_is_a_finding(engine, settings, sample_bytes):
    data = spending_with(set_cell("F5", "1e15"))
    number, findings = spending_import(engine, settings, sample_bytes, data)
    assert number == 1
    finding = next(f for f in findings if f.cell == "F5")
    assert (finding.code, finding.sheet) == ("INVALID_VALUE", "Movimientos")
    assert finding.message == (
        "El importe «1000000000000000» de la fila 5 no se puede guardar: debe ser menor que "
        "$100,000,000,000,000.00; el movimiento no se tomó en cuenta."
    )
    original, _ = read_spending(spending_sample(), settings)
    movements, _ = read_spending(data, settings)
    assert len(movements) == len(original) - 1


def test_spending_partida_longer_than_a_key_is_a_finding(engine, settings, sample_bytes):
    text = "2611 gasolina para las camionetas de la dirección"
    data = spending_with(set_cell("C5", text, kind="inlineStr"))
    _, findings = spending_import(engine, settings, sample_bytes, data)
    finding = next(f for f in findings if f.cell == "C5")
    assert (finding.code, finding.partida) == ("INVALID_VALUE", None)
    assert finding.message == (
        f"La partida «{text[:40]}…» de la fila 5 tiene 49 caracteres y no es una clave de "
        "partida; el movimiento no se tomó en cuenta."
    )


def test_poa_budget_partida_longer_than_a_key_is_a_finding(engine, settings, sample_bytes):
    text = "Papelería y útiles de oficina para todo el año 2026"
    data = rewrite(sample_bytes, {"xl/worksheets/sheet4.xml": set_cell("A4", text, kind="inlineStr")})
    stored = import_workbook(
        engine, data, settings, file_name="partida.xlsx", uploaded_by="prueba", as_of=AS_OF
    )
    finding = next(f for f in stored.findings if f.cell == "A4")
    assert (finding.code, finding.sheet) == ("INVALID_VALUE", "Presupuesto")
    assert finding.message == (
        "La fila 4 de «Presupuesto» tiene como partida un texto de 51 caracteres, no una clave "
        "del clasificador; no se tomó en cuenta."
    )
    doc = read_poa(data, settings)
    assert [line.partida for line in doc.budget] == ["2121", "2611", "3761", "4244"]


def test_identity_longer_than_its_column_is_cut_with_a_warning(engine, settings, sample_bytes):
    long_name = "Secretaría de Gobierno " + "y Desarrollo Institucional " * 10
    data = rewrite(sample_bytes, {"xl/worksheets/sheet1.xml": replace_once(
        b"<t>Secretar\xc3\xada de Gobierno<", f"<t>{long_name}<".encode(),
    )})
    stored = import_workbook(
        engine, data, settings, file_name="larga.xlsx", uploaded_by="prueba", as_of=AS_OF
    )
    finding = next(f for f in stored.findings if "Dirección" in f.message)
    assert (finding.code, finding.severity) == ("INVALID_VALUE", "warning")
    doc = read_poa(data, settings)
    assert len(doc.plan.direccion) <= 190
    assert long_name.strip().startswith(doc.plan.direccion)
    assert finding.message == (
        f"«Dirección» dice un texto de {len(long_name.strip()):,} caracteres; se guardaron los "
        f"primeros {len(doc.plan.direccion):,}."
    )


def test_a_far_sparse_cell_on_every_sheet_keeps_the_grid_the_size_of_its_content(
    sample_bytes, settings
):
    """One value at GR50000 on each sheet (inside the limits): the sample is read as before and
    the rows kept hold the filled cells only, so every later pass costs what the content costs."""
    members = zip_members(sample_bytes)
    sheets = [n for n in members if n.startswith("xl/worksheets/sheet")]
    for name in sheets:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:GR50000"/>', members[name])
        members[name] = xml.replace(
            b"</sheetData>", b'<row r="50000"><c r="GR50000"><v>1</v></c></row></sheetData>')
    data = zip_of(members)
    settings = replace(settings, max_cells=60_000_000)  # six sheets of 50,000 x 200
    doc = read_poa(data, settings, file_name="disperso.xlsx")
    assert len(doc.activities) == 16 and doc.activity(2).achieved == 6
    workbook = open_workbook(data, settings, "disperso.xlsx")
    for sheet in workbook.sheets:
        assert len(sheet.rows) == 50_000
        assert sheet.rows[-1] == [""] * 199 + [1.0]
        assert sum(len(row) for row in sheet.rows) < 200 + 40 * 30, sheet.name


def test_far_cells_on_many_sheets_are_refused_before_the_parser_builds_their_grids(
    sample_bytes, settings
):
    """The same far cell on every sheet counts 60 million cells from A1 (six sheets of 50,000
    rows by 200 columns): past the workbook's budget of 25 million, refused before parsing, with
    the sheet and the cell to clean."""
    members = zip_members(sample_bytes)
    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        members[name] = members[name].replace(
            b"</sheetData>", b'<row r="50000"><c r="GR50000"><v>1</v></c></row></sheetData>')
    with pytest.raises(NotAPoaWorkbook) as refused:
        open_workbook(zip_of(members), settings, "disperso.xlsx")
    assert refused.value.message == (
        "Las hojas del libro abarcan 60,000,000 celdas contando cada una desde A1 hasta su última "
        "celda, y el límite es 25,000,000; la hoja «POA» llega hasta la celda GR50000: borre las "
        "filas y columnas vacías o sobrantes al final de cada hoja y guarde de nuevo."
    )
    # two such sheets fit the budget and are read
    members = zip_members(sample_bytes)
    for name in sorted(n for n in members if n.startswith("xl/worksheets/sheet"))[:2]:
        members[name] = members[name].replace(
            b"</sheetData>", b'<row r="50000"><c r="GR50000"><v>1</v></c></row></sheetData>')
    assert len(read_poa(zip_of(members), settings, file_name="dos.xlsx").activities) == 16


def _without_positions(rows: int, cells: int, far_row: int | None = None) -> bytes:
    body = b"<row><c><v>1</v></c></row>" * rows + (
        b"<row>" + b"<c><v>2</v></c>" * cells + b"</row>") + (
        f'<row r="{far_row}"><c><v>3</v></c></row>'.encode() if far_row else b"")
    return f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode() + body + b"</sheetData></worksheet>"


@pytest.mark.parametrize("rows, cells, words", [
    (60_000, 1, ["«Indicador»", "filas", "50,000"]),
    (10, 300, ["«Indicador»", "columnas", "200"]),
])
def test_rows_and_cells_without_positions_are_counted_before_reading(
    rows, cells, words, tmp_path, sample_bytes
):
    """No `r=` on rows or cells: the scan counts them instead of seeing nothing. Run through the
    CLI in its own process: before the fix python-calamine aborted the process."""
    sheet = _without_positions(rows, cells)
    data = rewrite(sample_bytes, {"xl/worksheets/sheet3.xml": lambda b: sheet})
    assert len(data) < 200_000  # a small file
    path = tmp_path / "sin_posiciones.xlsx"
    path.write_bytes(data)
    message = assert_cli_refuses(path, tmp_path)
    assert all(word in message for word in words), message


def test_rows_without_positions_within_the_limits_are_read(sample_bytes, settings):
    sheet = _without_positions(100, 5)
    data = rewrite(sample_bytes, {"xl/worksheets/sheet3.xml": lambda b: sheet})
    assert len(read_poa(data, settings, file_name="ok.xlsx").activities) == 16
