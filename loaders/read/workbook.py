"""One door for every accepted workbook format: .xlsx, .xls (Excel 97–2003) and .ods.

`open_workbook` tells the format by the bytes, never by the file name: an OLE2 header is an .xls
(or an encrypted .xlsx, refused), a zip whose `mimetype` member says OpenDocument spreadsheet is an
.ods, any other zip goes through the .xlsx checks as always. Each format runs its own checks
before any parser sees the bytes, and all of them end in the same `Workbook`: the sheets as
`loaders.read.grid.Sheet` (values in absolute positions, merged ranges) and the styles of the
cells one asks for as `loaders.read.styles.CellStyle`. Nothing after this module knows which
format the bytes came from.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from loaders.errors import NotAPoaWorkbook
from loaders.read.grid import Sheet, read_sheets
from loaders.read.ods import is_spreadsheet, open_ods
from loaders.read.package import OLE2_MAGIC, Package, check_file_size, open_package
from loaders.read.styles import CellStyle, StyleTable, cell_styles, read_style_table
from loaders.read.xls import open_xls
from loaders.settings import Settings

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")  # what a folder import picks up
FORMAT_NAMES = {"xlsx": ".xlsx", "xls": ".xls (Excel 97-2003)", "ods": ".ods (LibreOffice)"}


class StyleSource(Protocol):
    @property
    def readable(self) -> bool: ...

    def cell_styles(
        self, sheet: Sheet, rows: Iterable[int], cols: Iterable[int]
    ) -> dict[tuple[int, int], CellStyle]: ...


class XlsxStyles:
    """The styles of an .xlsx package: its `styles.xml`, read once on first use."""

    readable = True  # a package without styles.xml has no fills at all, which is known

    def __init__(self, package: Package) -> None:
        self.package = package
        self.table: StyleTable | None = None

    def cell_styles(self, sheet: Sheet, rows, cols) -> dict[tuple[int, int], CellStyle]:
        if not sheet.path:
            return {}
        if self.table is None:
            self.table = read_style_table(self.package)
        return cell_styles(self.package, sheet.path, self.table, rows, cols)


@dataclass
class Workbook:
    format: str  # "xlsx", "xls" or "ods"
    sheets: list[Sheet]
    styles: StyleSource

    def cell_styles(
        self, sheet: Sheet, rows: Iterable[int], cols: Iterable[int]
    ) -> dict[tuple[int, int], CellStyle]:
        """Style of the cells at the given 0-based rows x columns of a sheet; a cell whose style
        is not known is absent."""
        return self.styles.cell_styles(sheet, rows, cols)

    @property
    def fills_readable(self) -> bool:
        """False when the fill colours (and % formats) of this file cannot be told: months
        marked only by colour cannot be seen. Asked after `cell_styles`, it is final."""
        return self.styles.readable

    def fills_not_read(self, sheet: str) -> str:
        """The sentence of a cronograma marked only by colour that this file cannot show."""
        return (
            f"Los meses del cronograma de la hoja «{sheet}» no tienen ninguna marca escrita y los "
            f"colores de relleno de este archivo {FORMAT_NAMES[self.format]} no se pudieron "
            "leer, así que no se sabe qué meses están programados; marque cada mes programado "
            "con «X»."
        )


def detect_format(data: bytes) -> str:
    """"xls" (an OLE2 file), "ods" (an OpenDocument spreadsheet) or "xlsx" (anything else,
    which the .xlsx checks accept or refuse)."""
    if data.startswith(OLE2_MAGIC):
        return "xls"
    # OpenDocument writes its `mimetype` member first and stored, so it is readable from the raw
    # bytes even when the rest of the zip is damaged.
    mimetype = data[38:138] if data[30:38] == b"mimetype" else b""
    if not mimetype:
        mimetype = _zip_mimetype(data)
    if is_spreadsheet(mimetype):
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise NotAPoaWorkbook(
            "El archivo es un documento OpenDocument pero no una hoja de cálculo; guárdelo como "
            "hoja de cálculo (.ods) o como libro de Excel (.xlsx)."
        )
    return "xlsx"


def _zip_mimetype(data: bytes) -> bytes:
    """The first bytes of the zip's `mimetype` member, b"" when there is none or no zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "mimetype" not in zf.namelist():
                return b""
            with zf.open("mimetype") as part:
                return part.read(100).strip()
    except Exception:  # a damaged zip: the .xlsx checks say what is wrong with it
        return b""


def open_workbook(data: bytes, settings: Settings, file_name: str = "") -> Workbook:
    """Check the bytes of an upload and read its sheets, or raise NotAPoaWorkbook."""
    if len(data) == 0:
        raise NotAPoaWorkbook("El archivo está vacío (0 bytes).")
    check_file_size(len(data), settings)
    kind = detect_format(data)
    if kind == "xls":
        sheets, styles = open_xls(data, settings)
        return Workbook("xls", sheets, styles)
    if kind == "ods":
        sheets, ods_styles = open_ods(data, settings)
        return Workbook("ods", sheets, ods_styles)
    package = open_package(data, settings, file_name)
    return Workbook("xlsx", read_sheets(package, settings), XlsxStyles(package))
