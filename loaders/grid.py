"""Cell values of every sheet, read with python-calamine, in absolute (row, column) positions."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import python_calamine

from loaders.errors import NotAPoaWorkbook
from loaders.settings import Settings
from loaders.xlsx_package import Package, check_size

Range = tuple[tuple[int, int], tuple[int, int]]


def cell_name(row: int, col: int) -> str:
    """Excel's name of a 0-based cell: (11, 7) -> "H12"."""
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


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
    except Exception as exc:  # calamine raises several unrelated types for a broken package
        raise NotAPoaWorkbook(
            "El archivo .xlsx está dañado y no se puede leer; ábralo en Excel y guárdelo de nuevo."
        ) from exc
    paths = {part.name: part.path for part in package.sheets}
    sheets: list[Sheet] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            calamine_sheet = workbook.get_sheet_by_name(meta.name)
            check_size(meta.name, calamine_sheet.height, calamine_sheet.width, settings)
            rows = calamine_sheet.to_python(skip_empty_area=False)
            merged = list(calamine_sheet.merged_cell_ranges or [])
            sheets.append(Sheet(meta.name, paths.get(meta.name, ""), rows, merged))
    except NotAPoaWorkbook:
        raise
    except Exception as exc:
        raise NotAPoaWorkbook(
            "El archivo .xlsx está dañado y no se puede leer; ábralo en Excel y guárdelo de nuevo."
        ) from exc
    finally:
        workbook.close()
    return sheets
