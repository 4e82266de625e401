"""What python-calamine cannot give: whether a cell is formatted as % and its fill colour.

Read straight from the package: `styles.xml` through defusedxml, and the `s` (style index)
attribute of the wanted cells by a regular-expression scan of the sheet's XML, which never
expands entities and is far cheaper than loading the workbook with openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from loaders.errors import NotAPoaWorkbook
from loaders.read.package import Package, column_number, read_part

_PERCENT_BUILTIN = {9, 10}
# Built-in number formats that show a date or a time.
_DATE_BUILTIN = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_LITERAL = re.compile(r'"[^"]*"|\\.')  # quoted text and escaped characters of a format code
_SECTION = re.compile(r"\[[^\]]*\]")  # [Red], [$-80A], [h]…
_DATE_PART = re.compile(r"[dmyhs]", re.I)
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_ATTR = re.compile(rb'\b(r|s)="([^"]*)"')
_REF = re.compile(r"([A-Za-z]{1,3})0*([0-9]{1,7})")
_WHITE = {"FFFFFFFF", "00FFFFFF", "FFFFFF"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class CellStyle:
    percent: bool
    fill: str | None  # a key naming the fill colour, None when the cell has no visible fill
    date: bool = False  # a date or time format: a number there is read as a date


@dataclass(frozen=True)
class StyleTable:
    styles: tuple[CellStyle, ...]

    def get(self, index: int) -> CellStyle:
        if 0 <= index < len(self.styles):
            return self.styles[index]
        return CellStyle(percent=False, fill=None)


def read_style_table(package: Package) -> StyleTable:
    if not package.styles_path:
        return StyleTable(())
    with zipfile.ZipFile(io.BytesIO(package.data)) as zf:
        content = read_part(zf, package.styles_path)
    try:
        root = SafeET.fromstring(content)
    except (SafeET.ParseError, DefusedXmlException, LookupError) as exc:
        raise NotAPoaWorkbook(
            "El archivo .xlsx está dañado: los formatos de las celdas (la parte interna "
            f"«{package.styles_path}») no se pueden leer; ábralo en Excel y guárdelo de nuevo."
        ) from exc
    formats: dict[int, str] = {}
    fills: list[str | None] = []
    xfs: list[tuple[int, int]] = []
    for child in root:
        name = _local(child.tag)
        if name == "numFmts":
            for fmt in child:
                formats[_int(fmt.get("numFmtId"))] = fmt.get("formatCode", "")
        elif name == "fills":
            fills = [_fill_key(fill) for fill in child]
        elif name == "cellXfs":
            xfs = [(_int(xf.get("numFmtId")), _int(xf.get("fillId"))) for xf in child]
    styles = []
    for fmt_id, fill_id in xfs:
        percent, date = format_kind(formats.get(fmt_id, ""), fmt_id)
        fill = fills[fill_id] if 0 <= fill_id < len(fills) else None
        styles.append(CellStyle(percent=percent, fill=fill, date=date))
    return StyleTable(tuple(styles))


def format_kind(code: str, builtin: int | None = None) -> tuple[bool, bool]:
    """(percent, date) of a number format, by its code or by Excel's built-in id (the same ids
    in .xlsx and .xls)."""
    code = _LITERAL.sub("", code)
    percent = builtin in _PERCENT_BUILTIN or "%" in code
    date = builtin in _DATE_BUILTIN or bool(_DATE_PART.search(_SECTION.sub("", code)))
    return percent, date


def _fill_key(fill) -> str | None:
    for pattern in fill.iter():
        if _local(pattern.tag) != "patternFill":
            continue
        kind = pattern.get("patternType")
        if kind in (None, "none", "gray125"):
            return None
        for color in pattern:
            if _local(color.tag) != "fgColor":
                continue
            rgb = color.get("rgb")
            if rgb and rgb.upper() in _WHITE:
                return None
            if rgb:
                return f"{kind}:{rgb.upper()}"
            if color.get("theme") is not None:
                theme, tint = color.get("theme"), color.get("tint", "0")
                if theme == "0" and _number(tint) == 0:
                    return None
                return f"{kind}:theme{theme}:{tint}"
            if color.get("indexed") is not None:
                if color.get("indexed") in ("9", "64", "1"):
                    return None
                return f"{kind}:indexed{color.get('indexed')}"
        return f"{kind}:default"
    for gradient in fill.iter():
        if _local(gradient.tag) == "gradientFill":
            return "gradient"
    return None


def _int(text: str | bytes | None, default: int = 0) -> int:
    """An index attribute as Excel writes it (a plain non-negative integer), else `default`.

    Excel never writes anything else there. A damaged value (which python-calamine reads past)
    counts as "no such format" instead of refusing a workbook whose values could be read.
    """
    if text is None:
        return default
    text = text.decode("ascii", "replace") if isinstance(text, bytes) else text
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else default


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def cell_styles(
    package: Package,
    sheet_path: str,
    table: StyleTable,
    rows: Iterable[int],
    columns: Iterable[int],
) -> dict[tuple[int, int], CellStyle]:
    """Style of the cells at the given 0-based rows x columns of one sheet (absent = no style)."""
    wanted_rows, wanted_cols = set(rows), set(columns)
    if not wanted_rows or not wanted_cols or not table.styles:
        return {}
    first, last = min(wanted_rows), max(wanted_rows)
    with zipfile.ZipFile(io.BytesIO(package.data)) as zf:
        xml = read_part(zf, sheet_path)
    found: dict[tuple[int, int], CellStyle] = {}
    row, col = -1, -1
    for match in _TAG.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(2)))
        if match.group(1) == b"row":
            row = _int(attrs.get(b"r"), row + 2) - 1
            col = -1
            if row > last:
                break
            continue
        ref = attrs.get(b"r")
        if ref:
            m = _REF.match(ref.decode("ascii", "replace"))
            if m:
                col, row = column_number(m.group(1).upper()) - 1, int(m.group(2)) - 1
        else:
            col += 1
        if row < first or row not in wanted_rows or col not in wanted_cols:
            continue
        index = _int(attrs.get(b"s"), -1)
        if index >= 0:  # absent or unreadable: the cell's style stays unknown
            found[(row, col)] = table.get(index)
    return found
