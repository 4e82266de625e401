"""The xlsx file as a zip package: refusal of what is not a readable workbook, before parsing.

The limits run first on the zip's directory and on the first bytes of each part, so a zip bomb or
a sheet whose <dimension> is oversized is refused in milliseconds. Only then is every part
decompressed once (within the declared-size limit), so that a damaged part is refused here by
name, and every sheet scanned by regular expressions for cells past the limits, which the
<dimension> may not tell. XML that must be parsed (workbook, relationships) goes through
defusedxml.

Uploads come through `loaders.read.workbook.open_workbook`, which sends .xls (OLE2) and .ods files to
their own modules before they get here; the refusals of those formats below only serve callers of
`open_package` itself.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from operator import itemgetter

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from loaders.errors import NotAPoaWorkbook
from loaders.settings import Settings
from loaders.text import fmt_number

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=[\"']([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?[\"']")
_SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
# What zipfile raises for a member it cannot decompress: a bad local header, a CRC mismatch, a
# broken deflate stream (zlib.error), an unknown or undecodable compression method.
ZIP_READ_ERRORS = (
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError,
    NotImplementedError, RuntimeError,
)
CHUNK = 1024 * 1024
EXCEL_ROWS, EXCEL_COLUMNS, EXCEL_LAST_CELL = 1_048_576, 16_384, "XFD1048576"
# The `r` attribute (a whitespace before it) of a cell (`A1`, any case, leading zeros allowed) or
# of a row (`12`); only cells and rows have one in a sheet. It starts with a literal for speed.
_REFERENCE = re.compile(rb"r(?<=\sr)\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")
# A negative number as a cell's value; then, looking back from it, the tag of its cell.
_NEGATIVE_VALUE = re.compile(rb"v>\s*(-(?:[0-9.eE+-]+|(?i:inf(?:inity)?)))\s*<")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\b([^<]*)>")
_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
_CELL_STYLE = re.compile(rb"\ss\s*=\s*[\"']([0-9]{1,9})[\"']")
# Below this serial (in days) python-calamine cannot turn a date-formatted value into a date: it
# panics from about -1.0675e11.
MIN_DATE_SERIAL = -1e11


@dataclass(frozen=True)
class SheetPart:
    name: str
    path: str  # path of the sheet's XML inside the zip
    # Cells holding a number below MIN_DATE_SERIAL, as (reference, value as written, style
    # index or -1): python-calamine cannot read those as dates, see loaders.read.grid.
    far_negatives: tuple[tuple[str, str, int], ...] = ()
    extent: tuple[int, int] = (0, 0)  # (last row, last column) the scan found, 1-based


@dataclass(frozen=True)
class Package:
    """An xlsx whose structure passed every pre-parse check."""

    data: bytes
    sheets: tuple[SheetPart, ...]
    styles_path: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def damaged_part(name: str, sheet: str | None = None) -> str:
    """The refusal of a part of the zip that cannot be read."""
    if sheet is not None:
        return (
            f"La hoja «{sheet}» del archivo .xlsx está dañada (no se puede descomprimir ni "
            "leer); ábralo en Excel y guárdelo de nuevo."
        )
    return (
        f"El archivo .xlsx está dañado (su parte interna «{name}» no se puede descomprimir ni "
        "leer); ábralo en Excel y guárdelo de nuevo."
    )


def read_part(
    zf: zipfile.ZipFile, name: str, *, limit: int = -1, sheet: str | None = None
) -> bytes:
    """The bytes of a member (the first `limit` bytes when given), or a refusal naming it."""
    try:
        with zf.open(name) as part:
            return part.read(limit)
    except KeyError as exc:
        raise NotAPoaWorkbook(
            f"El archivo .xlsx está incompleto: le falta su parte interna «{name}»; ábralo en "
            "Excel y guárdelo de nuevo."
        ) from exc
    except ZIP_READ_ERRORS as exc:
        raise NotAPoaWorkbook(damaged_part(name, sheet)) from exc


def _parse_xml(zf: zipfile.ZipFile, name: str):
    content = read_part(zf, name)
    try:
        return SafeET.fromstring(content)
    except DefusedXmlException as exc:
        raise NotAPoaWorkbook(
            "El archivo contiene declaraciones XML no permitidas (entidades o DTD); "
            "ábralo en Excel y guárdelo de nuevo como .xlsx."
        ) from exc
    except (SafeET.ParseError, LookupError) as exc:  # LookupError: an unknown encoding declared
        raise NotAPoaWorkbook(
            f"El archivo .xlsx está dañado (su parte interna «{name}» no es XML válido); "
            "ábralo en Excel y guárdelo de nuevo."
        ) from exc


def cell_name(row: int, col: int) -> str:
    """Excel's name of a 0-based cell: (11, 7) -> "H12"."""
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


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
    except ZIP_READ_ERRORS as exc:
        raise NotAPoaWorkbook("El archivo .xlsx está dañado y no se puede abrir.") from exc
    with zf:
        names = {info.filename for info in infos}
        if "mimetype" in names and b"opendocument" in read_part(zf, "mimetype", limit=100):
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
        content_types = read_part(zf, "[Content_Types].xml")
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
        sheets = _check_parts(zf, infos, sheets, settings)
        _check_cells(sheets, settings)
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
    except ZIP_READ_ERRORS:
        # The part cannot be decompressed: nothing in it gets parsed, and _check_parts
        # refuses it once the sheets are known, naming the sheet when it is one.
        return False


def _check_parts(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], sheets: list[SheetPart], settings: Settings
) -> list[SheetPart]:
    """Decompress every member to its end, where zipfile checks its CRC, so that no later read
    of the package can fail halfway; and scan every sheet (see `_scan_sheet`). The total is
    bounded by the declared-size limit. Returns the sheets with what the scan found."""
    by_path = {sheet.path: sheet for sheet in sheets}
    for info in infos:
        sheet = by_path.get(info.filename)
        if sheet is not None:
            xml = read_part(zf, info.filename, sheet=sheet.name)
            by_path[info.filename] = _scan_sheet(sheet, xml, settings)
            continue
        try:
            with zf.open(info) as part:
                while part.read(CHUNK):
                    pass
        except ZIP_READ_ERRORS as exc:
            raise NotAPoaWorkbook(damaged_part(info.filename)) from exc
    return [by_path[sheet.path] for sheet in sheets]


def _scan_sheet(sheet: SheetPart, xml: bytes, settings: Settings) -> SheetPart:
    """Refuse a sheet whose cells or rows reach past the limits, whatever its <dimension> says,
    and note its cells with numbers too negative to be dates.

    python-calamine allocates the whole rectangle up to the farthest cell before anything else
    can look at it: one cell at XFD1048576 asks for half a terabyte and aborts the process.
    """
    references = _REFERENCE.findall(xml)
    # Distinct letters and digits first, at C speed: a sheet may have millions of cells.
    all_letters = set(map(itemgetter(0), references))
    all_digits = set(map(itemgetter(1), references))
    last_row = last_col = 0
    for digits in all_digits:
        number = digits.lstrip(b"0")
        row = int(number or b"0") if len(number) <= 9 else EXCEL_ROWS + 1
        if row > EXCEL_ROWS:
            _beyond_excel(sheet.name, next(r for r in references if r[1] == digits))
        last_row = max(last_row, row)
    for letters in all_letters:
        col = column_number(letters.upper().decode()) if len(letters) <= 4 else EXCEL_COLUMNS + 1
        if col > EXCEL_COLUMNS:
            _beyond_excel(sheet.name, next(r for r in references if r[0] == letters))
        last_col = max(last_col, col)
    last_row, last_col = _without_positions(xml, last_row, last_col)
    _check_size(sheet.name, last_row, last_col, settings)
    sheet = replace(sheet, extent=(last_row, last_col))
    negatives = []
    for match in _NEGATIVE_VALUE.finditer(xml):
        try:
            number = float(match.group(1))
        except ValueError:
            continue
        if number < MIN_DATE_SERIAL:
            attrs = _cell_attributes(xml, match.start())
            ref, style = _CELL_REF.search(attrs), _CELL_STYLE.search(attrs)
            negatives.append((
                ref.group(1).decode("ascii", "replace") if ref else "",
                match.group(1).decode(),
                int(style.group(1)) if style else -1,
            ))
    return replace(sheet, far_negatives=tuple(negatives)) if negatives else sheet


_ROW_TAGS = (b"<row ", b"<row>", b"<row/>")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
_ROW_WITH_R = re.compile(rb"<row\s[^>]*?\br\s*=")
_CELL_WITH_R = re.compile(rb"<c\s[^>]*?\br\s*=")
_ROW_START = re.compile(rb"<row(?:\s[^>]*)?/?>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"']\s*([0-9]{1,9})\s*[\"']")


def _without_positions(xml: bytes, last_row: int, last_col: int) -> tuple[int, int]:
    """The sheet's extent counting rows and cells that give no `r=` position: a reader places
    each one after the previous, so they reach as far as there are of them (a 24 KB file of
    position-less rows and cells made python-calamine size a sheet of half a terabyte)."""
    rows = sum(xml.count(tag) for tag in _ROW_TAGS)
    if rows > len(_ROW_WITH_R.findall(xml)):
        last_row = max(last_row, _last_row_placed(xml))
    cells = sum(xml.count(tag) for tag in _CELL_TAGS)
    if cells > len(_CELL_WITH_R.findall(xml)):
        widest = max((sum(chunk.count(tag) for tag in _CELL_TAGS)
                      for chunk in xml.split(b"<row")), default=0)
        last_col += widest
    return last_row, last_col


def _last_row_placed(xml: bytes) -> int:
    """The last row number when each row without `r=` follows the one before it."""
    current = last = 0
    for match in _ROW_START.finditer(xml):
        number = _ROW_NUMBER.search(match.group(0))
        current = int(number.group(1)) if number else current + 1
        last = max(last, current)
    return last


def _beyond_excel(sheet: str, reference: tuple[bytes, bytes]) -> None:
    ref = (reference[0] + reference[1]).decode()
    ref = ref if len(ref) <= 20 else ref[:20] + "…"
    raise NotAPoaWorkbook(
        f"La hoja «{sheet}» nombra la celda «{ref}», más allá de la última de Excel "
        f"({EXCEL_LAST_CELL}); ábralo en Excel y guárdelo de nuevo."
    )


def _cell_attributes(xml: bytes, end: int) -> bytes:
    """The attributes of the cell whose value ends at `end`: the nearest <c> tag before it,
    past its <v> and an optional formula (a few tags back at most)."""
    for _ in range(4):
        start = xml.rfind(b"<", 0, end)
        if start < 0:
            break
        match = _CELL_TAG.match(xml, start)
        if match:
            return match.group(1)
        end = start
    return b""


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
    head = read_part(zf, sheet.path, limit=4096, sheet=sheet.name)
    match = _DIMENSION.search(head)
    if not match:
        return
    col1, row1, col2, row2 = match.groups()
    last_row = int((row2 or row1 or b"1").decode())
    last_col = column_number((col2 or col1 or b"A").decode())
    _check_size(sheet.name, last_row, last_col, settings)


def _check_cells(sheets: list[SheetPart], settings: Settings) -> None:
    """Refuse a workbook whose sheets, each counted from A1 to its last cell, hold more cells
    than `max_cells`: python-calamine builds each sheet as that whole rectangle, so a few far
    cells on many sheets would cost seconds and hundreds of MB per sheet."""
    total = sum(rows * cols for rows, cols in (sheet.extent for sheet in sheets))
    if total <= settings.max_cells:
        return
    widest = max(sheets, key=lambda sheet: sheet.extent[0] * sheet.extent[1])
    rows, cols = widest.extent
    raise NotAPoaWorkbook(
        f"Las hojas del libro abarcan {total:,} celdas contando cada una desde A1 hasta su última "
        f"celda, y el límite es {settings.max_cells:,}; la hoja «{widest.name}» llega hasta la "
        f"celda {cell_name(max(rows, 1) - 1, max(cols, 1) - 1)}: borre las filas y columnas "
        "vacías o sobrantes al final de "
        "cada hoja y guarde de nuevo."
    )


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
has_doctype = _has_doctype
