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
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from openpyxl.utils import get_column_letter

from loaders.errors import NotAPoaWorkbook
from loaders.reader import read_poa
from loaders.settings import REPO_ROOT

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
    ("ods", lambda s: ods_file(), [".ods", "guárdelo como .xlsx"]),
    ("xls_antiguo", lambda s: ole2(), [".xls", "guárdelo como .xlsx"]),
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
    ("bomba_zip_ceros", zip_bomb, ["descomprimido", "150.1 MB", "100 MB"]),
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


def test_old_xls_and_encrypted_messages_say_to_save_as_xlsx(tmp_path, sample_bytes, settings):
    for case_id in ("xls_antiguo", "xlsx_con_contrasena"):
        _, data, _ = build(tmp_path, sample_bytes, case_id)
        assert "guárdelo como .xlsx" in refusal(data, settings, f"{case_id}.xls")


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
