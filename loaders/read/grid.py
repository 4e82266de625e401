"""Cell values of every sheet, read with python-calamine, in absolute (row, column) positions.

The same `Sheet` for every format: `read_sheets` for an .xlsx package, `read_values` for an .xls or
.ods already checked by its own module (loaders.read.xls, loaders.read.ods).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import python_calamine
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from loaders.errors import NotAPoaWorkbook
from loaders.read.package import Package, SheetPart, cell_name, check_size, read_part
from loaders.read.styles import StyleTable, read_style_table
from loaders.settings import Settings

Range = tuple[tuple[int, int], tuple[int, int]]
MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
DAMAGED = "El archivo .xlsx está dañado y no se puede leer; ábralo en Excel y guárdelo de nuevo."
# The program the refusals tell the user to open the file with, by format.
PROGRAMS = {"xlsx": "Excel", "xls": "Excel", "ods": "LibreOffice Calc"}
# What python-calamine raises for a package or a sheet it cannot parse.
CALAMINE_ERRORS = (python_calamine.CalamineError, ValueError, OSError, EOFError)


@dataclass
class Sheet:
    name: str
    path: str
    rows: list[list[object]]
    merged: list[Range] = field(default_factory=list)

    def value(self, row: int, col: int) -> object:
        if 0 <= row < len(self.rows):
            cells = self.rows[row]
            if 0 <= col < len(cells):
                value = cells[col]
                return None if value == "" else value
        return None

    def is_blank_row(self, row: int) -> bool:
        if not 0 <= row < len(self.rows):
            return True
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in self.rows[row])

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_sheets(package: Package, settings: Settings) -> list[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package.data))
    except python_calamine.PasswordError as exc:
        raise NotAPoaWorkbook(
            "El archivo está protegido con contraseña; quítela y guárdelo como .xlsx."
        ) from exc
    except CALAMINE_ERRORS as exc:
        raise NotAPoaWorkbook(_damaged_workbook(package)) from exc
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise NotAPoaWorkbook(_damaged_workbook(package)) from exc
    parts = {part.name: part for part in package.sheets}
    styles: list[StyleTable] = []  # read once, only if a sheet needs it
    sheets: list[Sheet] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            part = parts.get(meta.name)
            path = part.path if part else ""
            if part and part.far_negatives:
                if not styles:
                    styles.append(read_style_table(package))
                _check_dates(part, styles[0])
            sheets.append(_read_sheet(workbook, meta.name, path, settings, "xlsx"))
    finally:
        workbook.close()
    return sheets


def read_values(
    data: bytes,
    settings: Settings,
    kind: str,
    paths: dict[str, str],
    merged: dict[str, list[Range]] | None = None,
) -> list[Sheet]:
    """The sheets of an .xls or .ods (`kind`) whose structure passed its format's checks.

    `paths` names where each sheet lives in the file; `merged`, when given, the merged ranges of
    each sheet (python-calamine gives them for .xlsx and .xls, not for .ods).
    """
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise NotAPoaWorkbook(
            "El archivo está protegido con contraseña; quítela y guárdelo de nuevo."
        ) from exc
    except CALAMINE_ERRORS as exc:
        raise NotAPoaWorkbook(damaged_file(kind)) from exc
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise NotAPoaWorkbook(damaged_file(kind)) from exc
    sheets: list[Sheet] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            sheet = _read_sheet(workbook, meta.name, paths.get(meta.name, ""), settings, kind)
            if merged is not None:
                sheet.merged = list(merged.get(meta.name, []))
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _compact_rows(calamine_sheet) -> list[list[object]]:
    """The sheet's rows in absolute positions (row i of the list is row i + 1 of the sheet, cell
    j is column j + 1), each without its trailing empty cells: an empty row is `[]`. Whatever
    reads the grid afterwards costs in proportion to the filled cells, not to the rectangle
    from A1 to the farthest cell (one value at GR50000 made every pass visit ten million cells).
    """
    start, end = calamine_sheet.start, calamine_sheet.end
    if start is None or end is None:
        return []
    first_col = start[1]
    rows: list[list[object]] = []
    for row in calamine_sheet.iter_rows():
        if row.count("") == len(row):
            rows.append([])
            continue
        while row[-1] == "":
            row.pop()
        rows.append([""] * first_col + row if first_col else row)
    missing = end[0] + 1 - len(rows)  # rows above the used area, when not yielded
    return [[] for _ in range(missing)] + rows if missing > 0 else rows


def _read_sheet(workbook, name: str, path: str, settings: Settings, kind: str) -> Sheet:
    with _sheet_errors(name, kind):
        calamine_sheet = workbook.get_sheet_by_name(name)
        height, width = calamine_sheet.height, calamine_sheet.width
    check_size(name, height, width, settings)
    with _sheet_errors(name, kind):
        rows = _compact_rows(calamine_sheet)
        merged = list(calamine_sheet.merged_cell_ranges or [])
    check_text_length(name, rows)
    return Sheet(name, path, rows, merged)


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine (pyo3's PanicException derives from BaseException)."""
    return type(exc).__name__ == "PanicException"


def _check_dates(part: SheetPart, styles: StyleTable) -> None:
    """Refuse a date-formatted cell holding a number too negative to be a date: python-calamine
    panics converting it (a Rust panic, which also prints to stderr), so it is found first."""
    for ref, value, style in part.far_negatives:
        if style >= 0 and styles.get(style).date:
            where = f"La celda {part.name}!{ref}" if ref else f"Una celda de la hoja «{part.name}»"
            raise NotAPoaWorkbook(
                f"{where} tiene el valor {value}, que no se puede leer como fecha; corríjala y "
                "guarde de nuevo."
            )


@contextmanager
def _sheet_errors(sheet: str, kind: str = "xlsx") -> Iterator[None]:
    """Turn what python-calamine raises for one sheet into a refusal naming the sheet."""
    try:
        yield
    except CALAMINE_ERRORS as exc:
        raise NotAPoaWorkbook(_damaged_sheet(sheet, kind)) from exc
    except BaseException as exc:
        # A panic that _check_dates did not foresee: still a refusal, never a crash.
        if not _is_panic(exc):
            raise
        raise NotAPoaWorkbook(_damaged_sheet(sheet, kind)) from exc


def check_text_length(sheet: str, rows: list[list[object]]) -> None:
    """Refuse a sheet with a text longer than Excel allows in one cell."""
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise NotAPoaWorkbook(
                    f"La celda {sheet}!{cell_name(r, c)} tiene {len(value):,} caracteres y Excel "
                    f"admite como máximo {MAX_CELL_CHARS:,}; acórtela y guarde de nuevo."
                )


WORKBOOK_PARTS = (
    ("sharedStrings.xml", "los textos de las celdas"), ("styles.xml", "los formatos de las celdas"),
)


def _damaged_workbook(package: Package) -> str:
    """Why python-calamine could not open the workbook ("Cannot detect file format" is all it
    says): the shared strings or the styles, which it parses first, when they are not XML."""
    with zipfile.ZipFile(io.BytesIO(package.data)) as zf:
        for info in zf.infolist():
            for suffix, what in WORKBOOK_PARTS:
                if not info.filename.endswith(suffix):
                    continue
                try:
                    SafeET.fromstring(read_part(zf, info.filename))
                except (SafeET.ParseError, DefusedXmlException, LookupError):
                    return (
                        f"El archivo .xlsx está dañado: {what} (la parte interna "
                        f"«{info.filename}») no se pueden leer; ábralo en Excel y guárdelo de "
                        "nuevo."
                    )
    return DAMAGED


def _damaged_sheet(name: str, kind: str = "xlsx") -> str:
    return (
        f"La hoja «{name}» del archivo .{kind} está dañada y no se puede leer; ábralo en "
        f"{PROGRAMS[kind]} y guárdelo de nuevo."
    )


def damaged_file(kind: str) -> str:
    """The refusal of an .xls or .ods that python-calamine cannot open."""
    return (
        f"El archivo .{kind} está dañado y no se puede leer; ábralo en {PROGRAMS[kind]} y "
        "guárdelo de nuevo."
    )
