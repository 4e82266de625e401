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

from loaders.xlsx_package import Package, column_number

_PERCENT_BUILTIN = {9, 10}
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_ATTR = re.compile(rb'\b(r|s)="([^"]*)"')
_REF = re.compile(r"([A-Z]+)(\d+)")
_WHITE = {"FFFFFFFF", "00FFFFFF", "FFFFFF"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class CellStyle:
    percent: bool
    fill: str | None  # a key naming the fill colour, None when the cell has no visible fill


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
        root = SafeET.fromstring(zf.read(package.styles_path))
    formats: dict[int, str] = {}
    fills: list[str | None] = []
    xfs: list[tuple[int, int]] = []
    for child in root:
        name = _local(child.tag)
        if name == "numFmts":
            for fmt in child:
                formats[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        elif name == "fills":
            fills = [_fill_key(fill) for fill in child]
        elif name == "cellXfs":
            xfs = [(int(xf.get("numFmtId", "0")), int(xf.get("fillId", "0"))) for xf in child]
    styles = []
    for fmt_id, fill_id in xfs:
        code = formats.get(fmt_id, "")
        percent = fmt_id in _PERCENT_BUILTIN or "%" in re.sub(r'"[^"]*"|\\.', "", code)
        fill = fills[fill_id] if 0 <= fill_id < len(fills) else None
        styles.append(CellStyle(percent=percent, fill=fill))
    return StyleTable(tuple(styles))


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
        xml = zf.read(sheet_path)
    found: dict[tuple[int, int], CellStyle] = {}
    row, col = -1, -1
    for match in _TAG.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(2)))
        if match.group(1) == b"row":
            row = int(attrs[b"r"]) - 1 if b"r" in attrs else row + 1
            col = -1
            if row > last:
                break
            continue
        ref = attrs.get(b"r")
        if ref:
            m = _REF.match(ref.decode())
            if m:
                col, row = column_number(m.group(1)) - 1, int(m.group(2)) - 1
        else:
            col += 1
        if row < first or row not in wanted_rows or col not in wanted_cols:
            continue
        style = attrs.get(b"s")
        if style is not None:
            found[(row, col)] = table.get(int(style))
    return found
