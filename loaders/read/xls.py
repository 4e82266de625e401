"""The .xls workbook (Excel 97–2003, BIFF8; also Excel 5.0/95, BIFF5): checks before parsing, then
values through python-calamine and cell styles through xlrd.

Before any parser sees the bytes, the OLE2 container is read with `loaders.read.cfb` (every
sector chain bounded) and the workbook stream is walked record by record: a password (FILEPASS),
macros (a VBA storage, an Excel 4 macro sheet), declared stream sizes over the limit and sheets
over the row or column limit (their DIMENSIONS record and every cell record) are refused there.
"""

from __future__ import annotations

import io
import logging
import struct
from dataclasses import dataclass, field

import xlrd

from loaders.errors import NotAPoaWorkbook
from loaders.read.cfb import STREAM, CompoundFile, CompoundFileError
from loaders.read.grid import Sheet, cell_name, read_values
from loaders.read.package import MB, MIN_DATE_SERIAL, check_size
from loaders.read.styles import CellStyle, format_kind
from loaders.settings import Settings
from loaders.text import fmt_number

log = logging.getLogger(__name__)

BOF, EOF, FILEPASS, BOUNDSHEET, DIMENSIONS, CODEPAGE = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200, 0x0042
XF, FORMAT, FORMAT_BIFF5 = 0x00E0, 0x041E, 0x001E
FORMULA, NUMBER, RK, MULRK = 0x0006, 0x0203, 0x027E, 0x00BD
# Records of one cell that start with its row and column (u16 each): FORMULA, BLANK, NUMBER,
# LABEL, BOOLERR, RK, LABELSST, RSTRING.
CELL_RECORDS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
# Records of a run of cells: row, first column ... last column (MULRK, MULBLANK).
RUN_RECORDS = frozenset({0x00BD, 0x00BE})
GLOBALS = 0x0005  # the BOF of the workbook globals
SHEET_WORKSHEET, SHEET_MACROS, SHEET_CHART, SHEET_VBA = 0, 1, 2, 6
# Storages and streams that hold macros: VBA (Excel 97 and later; "VBA" inside it) and the
# Excel 5/95 "_VBA_PROJECT".
MACRO_ENTRIES = frozenset({"_vba_project_cur", "_vba_project", "vba", "macros"})
ENCRYPTED_OOXML = frozenset({"encryptedpackage", "encryptioninfo"})
WHITE = (255, 255, 255)

DAMAGED = (
    "El archivo .xls está dañado ({what}); ábralo en Excel y guárdelo de nuevo."
)
PROTECTED_XLSX = (
    "El archivo es un libro de Excel protegido con contraseña (cifrado); ábralo en Excel, quite "
    "la contraseña y guárdelo como .xlsx."
)
PROTECTED_XLS = (
    "El libro de Excel 97-2003 (.xls) está protegido con contraseña (cifrado); ábralo en Excel, "
    "quite la contraseña y guárdelo de nuevo."
)
MACROS = (
    "El archivo contiene macros (un libro .xls con macros); guárdelo como libro de Excel sin "
    "macros (.xlsx o .xls)."
)


def damaged(what: str) -> NotAPoaWorkbook:
    return NotAPoaWorkbook(DAMAGED.format(what=what))


@dataclass
class XlsSheet:
    name: str
    kind: int
    offset: int
    rows: int = 0
    columns: int = 0
    # Cells whose number python-calamine cannot turn into a date, as (row, column, value, xf).
    far_numbers: list[tuple[int, int, float, int]] = field(default_factory=list)


@dataclass
class XlsStructure:
    """What the checks found: the workbook stream, its BIFF version and its sheets, and the
    number format of each cell format (XF) with the codes of the custom ones."""

    stream: bytes
    biff: int
    sheets: list[XlsSheet] = field(default_factory=list)
    xf_formats: list[int] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)

    def is_date(self, xf: int) -> bool:
        if not 0 <= xf < len(self.xf_formats):
            return False
        number_format = self.xf_formats[xf]
        return format_kind(self.formats.get(number_format, ""), number_format)[1]


def open_xls(data: bytes, settings: Settings) -> tuple[list[Sheet], XlsStyles]:
    """Check an OLE2 file and read its sheets, or raise NotAPoaWorkbook."""
    structure = check_xls(data, settings)
    sheets = read_values(data, settings, "xls", {s.name: "Workbook" for s in structure.sheets})
    return sheets, XlsStyles(structure.stream)


def check_xls(data: bytes, settings: Settings) -> XlsStructure:
    try:
        container = CompoundFile(data)
    except CompoundFileError as exc:
        # An encrypted .xlsx is an OLE2 file too; say so even when its container is damaged.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise NotAPoaWorkbook(PROTECTED_XLSX) from exc
        raise damaged("su estructura interna de Office 97-2003 no se puede leer") from exc
    names = {entry.name.lower() for entry in container.entries}
    if names & ENCRYPTED_OOXML:
        raise NotAPoaWorkbook(PROTECTED_XLSX)
    entry = container.find("Workbook", "Book")
    if entry is None:
        raise NotAPoaWorkbook(
            "El archivo es un documento de Office 97-2003 pero no un libro de Excel (le falta la "
            "hoja de cálculo); guárdelo como libro de Excel (.xlsx o .xls)."
        )
    if names & MACRO_ENTRIES:
        raise NotAPoaWorkbook(MACROS)
    declared = sum(e.size for e in container.entries if e.kind == STREAM)
    if declared > settings.max_uncompressed_mb * MB:
        raise NotAPoaWorkbook(
            f"El contenido del archivo declara {fmt_number(declared / MB)} MB y el límite es "
            f"{fmt_number(settings.max_uncompressed_mb)} MB."
        )
    try:
        stream = container.read(entry)
    except CompoundFileError as exc:
        raise damaged("la hoja de cálculo interna está incompleta") from exc
    structure = _globals(stream)
    if any(s.kind in (SHEET_MACROS, SHEET_VBA) for s in structure.sheets):
        raise NotAPoaWorkbook(MACROS)
    for sheet in structure.sheets:
        if sheet.kind == SHEET_WORKSHEET:
            _scan_sheet(structure, sheet, settings)
            _check_dates(structure, sheet)
    if not any(s.kind == SHEET_WORKSHEET for s in structure.sheets):
        raise NotAPoaWorkbook("El libro no tiene hojas de cálculo.")
    return structure


def _records(stream: bytes, start: int):
    """(type, offset of its data, length) of each record from `start` on."""
    pos, end = start, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + length > end:
            raise damaged("un registro de la hoja de cálculo está cortado")
        yield kind, pos + 4, length
        pos += 4 + length
    raise damaged("la hoja de cálculo interna termina antes de tiempo")


def _globals(stream: bytes) -> XlsStructure:
    if len(stream) < 8 or struct.unpack_from("<H", stream, 0)[0] != BOF:
        raise damaged("no empieza como un libro de Excel 97-2003")
    version, kind = struct.unpack_from("<HH", stream, 4)
    if kind != GLOBALS or version not in (0x0500, 0x0600):
        raise damaged("no es un libro de Excel 5.0 a 2003")
    structure = XlsStructure(stream=stream, biff=8 if version == 0x0600 else 5)
    codepage = "cp1252"
    for record, offset, length in _records(stream, 0):
        body = stream[offset:offset + length]
        if record == EOF:
            return structure
        if record == FILEPASS:
            raise NotAPoaWorkbook(PROTECTED_XLS)
        if record == CODEPAGE and length >= 2:
            number = struct.unpack_from("<H", body)[0]
            codepage = f"cp{number}" if number not in (1200, 0x8000, 0x8001) else "cp1252"
        if record == XF and length >= 4:
            structure.xf_formats.append(struct.unpack_from("<H", body, 2)[0])
        if record in (FORMAT, FORMAT_BIFF5) and length >= 3:
            structure.formats[struct.unpack_from("<H", body)[0]] = _format_code(
                body[2:], structure.biff, codepage
            )
        if record == BOUNDSHEET and length >= 7:
            position, _, sheet_kind = struct.unpack_from("<IBB", body)
            structure.sheets.append(
                XlsSheet(_sheet_name(body[6:], structure.biff, codepage), sheet_kind, position)
            )
    return structure


def _sheet_name(raw: bytes, biff: int, codepage: str) -> str:
    count = raw[0]
    if biff == 8 and len(raw) >= 2:
        chars = raw[2:2 + count * 2] if raw[1] & 1 else raw[2:2 + count]
        return chars.decode("utf-16-le" if raw[1] & 1 else "latin-1", "replace")
    try:
        return raw[1:1 + count].decode(codepage, "replace")
    except LookupError:
        return raw[1:1 + count].decode("cp1252", "replace")


def _format_code(raw: bytes, biff: int, codepage: str) -> str:
    if biff == 8 and len(raw) >= 3:
        count, flags = struct.unpack_from("<HB", raw)
        chars = raw[3:3 + count * 2] if flags & 1 else raw[3:3 + count]
        return chars.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
    if not raw:
        return ""
    try:
        return raw[1:1 + raw[0]].decode(codepage, "replace")
    except LookupError:
        return raw[1:1 + raw[0]].decode("cp1252", "replace")


def _rk(value: int) -> float:
    """The number of an RK value: a 30-bit integer or the top of a double, maybe / 100."""
    if value & 2:
        number = float(struct.unpack("<i", struct.pack("<I", value))[0] >> 2)
    else:
        number = struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    return number / 100 if value & 1 else number


def _numbers(record: int, stream: bytes, offset: int, length: int):
    """(column, xf, number) of each number a NUMBER, RK, MULRK or FORMULA record holds."""
    if record == NUMBER and length >= 14:
        col, xf = struct.unpack_from("<HH", stream, offset + 2)
        yield col, xf, struct.unpack_from("<d", stream, offset + 6)[0]
    elif record == RK and length >= 10:
        col, xf, value = struct.unpack_from("<HHI", stream, offset + 2)
        yield col, xf, _rk(value)
    elif record == MULRK and length >= 6:
        col, = struct.unpack_from("<H", stream, offset + 2)
        for position in range(offset + 4, offset + length - 2 - 5, 6):
            xf, value = struct.unpack_from("<HI", stream, position)
            yield col, xf, _rk(value)
            col += 1
    elif record == FORMULA and length >= 14 and stream[offset + 12:offset + 14] != b"\xff\xff":
        col, xf = struct.unpack_from("<HH", stream, offset + 2)
        yield col, xf, struct.unpack_from("<d", stream, offset + 6)[0]


def _check_dates(structure: XlsStructure, sheet: XlsSheet) -> None:
    """Refuse a date-formatted cell holding a number no date can be: python-calamine panics
    converting it (as for .xlsx, see loaders.read.grid), so it is found first."""
    for row, col, value, xf in sheet.far_numbers:
        if structure.is_date(xf):
            raise NotAPoaWorkbook(
                f"La celda {sheet.name}!{cell_name(row, col)} tiene el valor {value:.15g}, que no "
                "se puede leer como fecha; corríjala y guarde de nuevo."
            )


def _scan_sheet(structure: XlsStructure, sheet: XlsSheet, settings: Settings) -> None:
    """Refuse a sheet past the limits: by its DIMENSIONS record as soon as it is met, then by
    the farthest cell record, whatever DIMENSIONS said. Embedded charts (a BOF…EOF inside the
    sheet) are skipped."""
    stream = structure.stream
    if sheet.offset + 8 > len(stream) or struct.unpack_from("<H", stream, sheet.offset)[0] != BOF:
        raise damaged(f"no se encuentra la hoja «{sheet.name}»")
    depth, last_row, last_col = 0, -1, -1
    for record, offset, length in _records(stream, sheet.offset):
        if record == BOF:
            depth += 1
        elif record == EOF:
            depth -= 1
            if depth == 0:
                break
        elif depth != 1:
            continue
        elif record == DIMENSIONS:
            layout = "<IIHH" if structure.biff == 8 else "<HHHH"
            if length >= struct.calcsize(layout):
                first_row, rows, first_col, columns = struct.unpack_from(layout, stream, offset)
                # python-calamine reserves (rows - first row) x (columns - first column) cells
                # from this record: a first row past the last one wraps around to billions.
                if (rows and first_row >= rows) or (columns and first_col >= columns):
                    raise damaged(f"la hoja «{sheet.name}» declara un tamaño imposible")
                check_size(sheet.name, rows, columns, settings)
        elif record in CELL_RECORDS and length >= 4:
            row, col = struct.unpack_from("<HH", stream, offset)
            last_row, last_col = max(last_row, row), max(last_col, col)
            if record in (NUMBER, RK, FORMULA):
                _note_far_numbers(sheet, record, stream, offset, length)
        elif record in RUN_RECORDS and length >= 6:
            row, = struct.unpack_from("<H", stream, offset)
            col, = struct.unpack_from("<H", stream, offset + length - 2)
            last_row, last_col = max(last_row, row), max(last_col, col)
            if record == MULRK:
                _note_far_numbers(sheet, record, stream, offset, length)
    sheet.rows, sheet.columns = last_row + 1, last_col + 1
    check_size(sheet.name, sheet.rows, sheet.columns, settings)


def _note_far_numbers(sheet: XlsSheet, record: int, stream: bytes, offset: int, length: int):
    row, = struct.unpack_from("<H", stream, offset)
    for col, xf, value in _numbers(record, stream, offset, length):
        if value < MIN_DATE_SERIAL:
            sheet.far_numbers.append((row, col, value, xf))


class XlsStyles:
    """Cell styles of an .xls through xlrd (formatting_info=True), loaded on first use.

    xlrd gets the workbook stream already checked, not the OLE2 file. When it cannot read the
    formatting (a damaged palette or format record that python-calamine did not need), fills
    and % formats are unknown and `readable` says so.
    """

    def __init__(self, stream: bytes) -> None:
        self.stream = stream
        self.book = None
        self.failed = False
        self.cache: dict[int, CellStyle] = {}

    def _book(self):
        if self.book is None and not self.failed:
            try:
                self.book = xlrd.open_workbook(
                    file_contents=self.stream, formatting_info=True, on_demand=True,
                    ragged_rows=True, logfile=io.StringIO(),
                )
            except Exception:
                log.info("xlrd could not read the formatting of an .xls", exc_info=True)
                self.failed = True
        return self.book

    @property
    def readable(self) -> bool:
        return self._book() is not None

    def cell_styles(self, sheet: Sheet, rows, cols) -> dict[tuple[int, int], CellStyle]:
        book = self._book()
        wanted_cols = sorted(set(cols))
        if book is None or not wanted_cols:
            return {}
        try:
            xsheet = book.sheet_by_name(sheet.name)
        except Exception:
            log.info("xlrd could not read the sheet %r of an .xls", sheet.name, exc_info=True)
            self.failed, self.book = True, None
            return {}
        found: dict[tuple[int, int], CellStyle] = {}
        for r in sorted(set(rows)):
            if not 0 <= r < xsheet.nrows:
                continue
            length = xsheet.row_len(r)
            for c in wanted_cols:
                if 0 <= c < length:
                    style = self._style(book, xsheet.cell_xf_index(r, c))
                    if style is not None:
                        found[(r, c)] = style
        return found

    def _style(self, book, index: int) -> CellStyle | None:
        if index in self.cache:
            return self.cache[index]
        style = None
        if 0 <= index < len(book.xf_list):
            xf = book.xf_list[index]
            fmt = book.format_map.get(xf.format_key)
            percent, date = format_kind(fmt.format_str if fmt else "", xf.format_key)
            style = CellStyle(percent=percent, fill=_fill_key(book, xf), date=date)
        self.cache[index] = style
        return style


def _fill_key(book, xf) -> str | None:
    background = xf.background
    pattern = background.fill_pattern
    if not pattern:
        return None
    index = background.pattern_colour_index
    rgb = book.colour_map.get(index)
    if rgb is None:
        return f"{pattern}:indexed{index}"  # a system colour: still a fill, of unknown RGB
    if pattern == 1 and tuple(rgb) == WHITE:
        return None
    return "{}:{:02X}{:02X}{:02X}".format(pattern, *rgb)
