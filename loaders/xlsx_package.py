"""The xlsx file as a zip package: refusal of what is not a readable workbook, before parsing.

Everything here runs on the zip's directory and on the first bytes of each part, so a zip bomb or
an oversized sheet is refused in milliseconds. XML that must be parsed (workbook, relationships)
goes through defusedxml.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from loaders.errors import NotAPoaWorkbook
from loaders.settings import Settings
from loaders.text import fmt_number

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=[\"']([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?[\"']")
_SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


@dataclass(frozen=True)
class SheetPart:
    name: str
    path: str  # path of the sheet's XML inside the zip


@dataclass(frozen=True)
class Package:
    """An xlsx whose structure passed every pre-parse check."""

    data: bytes
    sheets: tuple[SheetPart, ...]
    styles_path: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(zf: zipfile.ZipFile, name: str):
    try:
        return SafeET.fromstring(zf.read(name))
    except DefusedXmlException as exc:
        raise NotAPoaWorkbook(
            "El archivo contiene declaraciones XML no permitidas (entidades o DTD); "
            "ábralo en Excel y guárdelo de nuevo como .xlsx."
        ) from exc
    except (SafeET.ParseError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise NotAPoaWorkbook(
            "El archivo .xlsx está dañado (no se pudo leer su estructura interna); "
            "ábralo en Excel y guárdelo de nuevo."
        ) from exc


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def check_file_size(size: int, settings: Settings) -> None:
    if size > settings.max_file_mb * MB:
        raise NotAPoaWorkbook(
            f"El archivo pesa {fmt_number(size / MB)} MB y el límite es "
            f"{fmt_number(settings.max_file_mb)} MB."
        )


def open_package(data: bytes, settings: Settings, file_name: str = "") -> Package:
    """Check the bytes of an upload and return its package, or raise NotAPoaWorkbook."""
    if len(data) == 0:
        raise NotAPoaWorkbook("El archivo está vacío (0 bytes).")
    check_file_size(len(data), settings)
    if data.startswith(OLE2_MAGIC):
        raise NotAPoaWorkbook(
            "El archivo es un libro de Excel antiguo (.xls) o está protegido con contraseña; "
            "ábralo en Excel y guárdelo como .xlsx sin contraseña."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        kind = " (es un PDF)" if data.startswith(b"%PDF") else (
            " (parece texto o CSV)" if _looks_like_text(data) else ""
        )
        raise NotAPoaWorkbook(
            f"El archivo no es un libro de Excel .xlsx{kind}; guárdelo como libro de Excel (.xlsx)."
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NotAPoaWorkbook("El archivo .xlsx está dañado y no se puede abrir.") from exc
    with zf:
        names = {info.filename for info in infos}
        if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
            raise NotAPoaWorkbook(
                "El archivo es una hoja de cálculo OpenDocument (.ods); guárdelo como .xlsx."
            )
        if "[Content_Types].xml" not in names:
            raise NotAPoaWorkbook(
                "El archivo es un .zip pero no un libro de Excel .xlsx; "
                "guárdelo como libro de Excel (.xlsx)."
            )
        if any(info.flag_bits & 0x1 for info in infos):
            raise NotAPoaWorkbook(
                "El archivo está cifrado; quite la contraseña y guárdelo como .xlsx."
            )
        declared = sum(info.file_size for info in infos)
        if declared > settings.max_uncompressed_mb * MB:
            raise NotAPoaWorkbook(
                f"El contenido del archivo ocupa {fmt_number(declared / MB)} MB descomprimido y el "
                f"límite es {fmt_number(settings.max_uncompressed_mb)} MB."
            )
        content_types = zf.read("[Content_Types].xml")
        if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
            raise NotAPoaWorkbook(
                "El archivo contiene macros (.xlsm); guárdelo como libro de Excel sin macros (.xlsx)."
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) and _has_doctype(zf, info):
                raise NotAPoaWorkbook(
                    "El archivo contiene declaraciones XML no permitidas (entidades o DTD); "
                    "ábralo en Excel y guárdelo de nuevo como .xlsx."
                )
        workbook_path = _workbook_path(zf, names)
        sheets = _sheet_parts(zf, names, workbook_path)
        if not sheets:
            raise NotAPoaWorkbook("El libro no tiene hojas de cálculo.")
        for sheet in sheets:
            _check_dimension(zf, sheet, settings)
        styles = posixpath.join(posixpath.dirname(workbook_path), "styles.xml")
    return Package(data=data, sheets=tuple(sheets), styles_path=styles if styles in names else None)


def _has_doctype(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the part's prolog (before its root element) declares a DTD or entities.

    Only the prolog is read: the XML declaration, comments and processing instructions are
    skipped, however long, until the first element.
    """
    pending, closer, eof = b"", None, False
    try:
        with zf.open(info) as part:
            while True:
                if closer is not None:  # inside a comment or processing instruction
                    end = pending.find(closer)
                    if end < 0:
                        if eof:
                            return False
                        pending = pending[-(len(closer) - 1):]
                    else:
                        pending, closer = pending[end + len(closer):], None
                        continue
                else:
                    pending = pending.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
                    if pending.startswith((b"<!DOCTYPE", b"<!ENTITY")):
                        return True
                    opened = next(
                        (o for o in (b"<?", b"<!--") if pending.startswith(o)), None
                    )
                    if opened:
                        pending = pending[len(opened):]
                        closer = b"?>" if opened == b"<?" else b"-->"
                        continue
                    if len(pending) >= 9 or eof:
                        return False
                chunk = part.read(65536)
                eof = not chunk
                pending += chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise NotAPoaWorkbook(
            "El archivo .xlsx está dañado y no se puede abrir; ábralo en Excel y guárdelo de nuevo."
        ) from exc


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return all(b >= 32 or b in (9, 10, 13) for b in head)


def _workbook_path(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "_rels/.rels" in names:
        for rel in _parse_xml(zf, "_rels/.rels"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target in names:
                    return target
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    raise NotAPoaWorkbook(
        "El archivo es un .zip pero no un libro de Excel .xlsx; guárdelo como libro de Excel (.xlsx)."
    )


def _sheet_parts(zf: zipfile.ZipFile, names: set[str], workbook_path: str) -> list[SheetPart]:
    base = posixpath.dirname(workbook_path)
    rels_path = posixpath.join(base, "_rels", posixpath.basename(workbook_path) + ".rels")
    targets: dict[str, str] = {}
    if rels_path in names:
        for rel in _parse_xml(zf, rels_path):
            if rel.get("Type") == _SHEET_TYPE:
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(base, target)
                )
                targets[rel.get("Id", "")] = path
    sheets: list[SheetPart] = []
    for element in _parse_xml(zf, workbook_path).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        path = targets.get(rid)
        if path and path in names:
            sheets.append(SheetPart(name=element.get("name", ""), path=path))
    return sheets


def _check_dimension(zf: zipfile.ZipFile, sheet: SheetPart, settings: Settings) -> None:
    with zf.open(sheet.path) as part:
        head = part.read(4096)
    match = _DIMENSION.search(head)
    if not match:
        return
    col1, row1, col2, row2 = match.groups()
    last_row = int((row2 or row1 or b"1").decode())
    last_col = column_number((col2 or col1 or b"A").decode())
    _check_size(sheet.name, last_row, last_col, settings)


def _check_size(sheet: str, rows: int, columns: int, settings: Settings) -> None:
    if rows > settings.max_rows:
        raise NotAPoaWorkbook(
            f"La hoja «{sheet}» tiene {rows:,} filas y el límite es {settings.max_rows:,}."
        )
    if columns > settings.max_columns:
        raise NotAPoaWorkbook(
            f"La hoja «{sheet}» tiene {columns:,} columnas y el límite es {settings.max_columns:,}."
        )


check_size = _check_size
