"""A small, fast, deterministic xlsx writer: cells, styles, merges, column widths, row heights,
frozen panes, data validation and sheet protection, written straight as SpreadsheetML into a zip.

No openpyxl: its write-only mode cannot merge cells and its normal mode is ten times slower, and
synthetic workbooks of 20,000 rows must stay quick. A cell's look is a `Style` value; the writer
numbers the distinct styles in order of first use and writes the fonts, fills, borders and number
formats they need. The document properties and the zip entries carry the fixed `Properties.stamp`,
so the same cells always give the same bytes.

What the official template needs (`loaders.write.template`) is here too: `Style.locked=False`
marks a cell the user may edit once its sheet is protected (`Sheet.protect`, no password), and
`Sheet.validations` lists `Validation`s (whole numbers, decimals, dates between two days, lists).
The schema places `<sheetProtection>` right after `<sheetData>` and `<dataValidations>` after
`<mergeCells>` (see `Workbook._sheet_xml`). A workbook that uses none of them is written exactly as
before: the same cells give the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OFFICE = "application/vnd.openxmlformats-officedocument"
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_EPOCH_TIME = datetime(1899, 12, 30)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Number formats Excel knows by number; any other format code gets a number from 164 up.
_BUILTIN_FORMATS = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
}
_FONT_NAME = '<name val="Calibri"/><family val="2"/>'
_THIN = '<{0} style="thin"><color rgb="FF000000"/></{0}>'


@dataclass(frozen=True)
class Style:
    """How one cell looks. Colours are ARGB hex, as in "FFD9D9D9"."""

    bold: bool = False
    size: float = 11
    color: str | None = None  # the font's colour
    fill: str | None = None  # a solid fill of this colour
    border: bool = False  # a thin black line on the four sides
    horizontal: str | None = None  # "left", "center" or "right"
    vertical: str | None = None  # "top", "center" or "bottom"
    wrap: bool = False
    number_format: str = "General"  # "dd/mm/yyyy", "0%", '"$ "#,##0.00'…
    locked: bool = True  # False: editable when the sheet is protected (Excel's default is locked)


DEFAULT = Style()
VALIDATION_KINDS = ("whole", "decimal", "date", "list")
VALIDATION_OPERATORS = ("between", "greaterThanOrEqual")


@dataclass(frozen=True)
class Validation:
    """A data validation rule over some cell ranges ("E6:E21"), as Excel checks it on entry.

    `kind` "whole", "decimal" or "date" with `operator` "greaterThanOrEqual" (`formula1` the
    minimum) or "between" (`formula1` and `formula2`); a date is given as a `date` and written as
    its serial number. `kind` "list" takes its choices from `formula1`: either `choices` (written
    as the quoted list "X,✓") or a range ("Instrucciones!$A$20:$A$35"). `error_style` "stop"
    refuses a wrong value; "warning" lets the user keep it after a question.
    """

    kind: str
    ranges: tuple[str, ...]
    formula1: object = None
    formula2: object = None
    operator: str = "between"
    choices: tuple[str, ...] = ()
    allow_blank: bool = True
    error_style: str = "stop"
    error_title: str = ""
    error: str = ""
    prompt_title: str = ""
    prompt: str = ""

    def __post_init__(self) -> None:
        if self.kind not in VALIDATION_KINDS:
            raise ValueError(f"A validation's kind must be one of {VALIDATION_KINDS}.")
        if self.kind != "list" and self.operator not in VALIDATION_OPERATORS:
            raise ValueError(f"A validation's operator must be one of {VALIDATION_OPERATORS}.")
        if self.error_style not in ("stop", "warning", "information"):
            raise ValueError("error_style must be 'stop', 'warning' or 'information'.")
        if not self.ranges:
            raise ValueError("A validation needs at least one range of cells.")
        if self.kind == "list" and bool(self.choices) == (self.formula1 is not None):
            raise ValueError("A list validation takes either its choices or a range (formula1).")
        if len(self.error_title) > 32 or len(self.prompt_title) > 32:
            raise ValueError("Excel shows at most 32 characters of a validation's title.")
        if len(self.error) > 225 or len(self.prompt) > 255:
            raise ValueError("Excel shows at most 225 characters of an error, 255 of a prompt.")
        if any("," in choice or '"' in choice for choice in self.choices):
            raise ValueError("A choice of a list cannot hold a comma or a double quote.")
        if self.choices and len(",".join(self.choices)) > 255:
            raise ValueError("Excel keeps at most 255 characters of choices; use a range.")
        if self.kind != "list" and (self.formula1 is None or (
                self.operator == "between") != (self.formula2 is not None)):
            raise ValueError("A 'between' validation needs formula1 and formula2; another, "
                             "formula1 alone.")

    def xml(self) -> str:
        attrs = [f'type="{self.kind}"']
        if self.error_style != "stop":
            attrs.append(f'errorStyle="{self.error_style}"')
        if self.kind != "list" and self.operator != "between":
            attrs.append(f'operator="{self.operator}"')
        if self.allow_blank:
            attrs.append('allowBlank="1"')
        attrs.append('showInputMessage="1" showErrorMessage="1"')
        for name, text in (("errorTitle", self.error_title), ("error", self.error),
                           ("promptTitle", self.prompt_title), ("prompt", self.prompt)):
            if text:
                attrs.append(f'{name}="{_xml_attr(text)}"')
        attrs.append(f'sqref="{" ".join(self.ranges)}"')
        if self.choices:
            first = _xml_text('"' + ",".join(self.choices) + '"')
            formulas = f"<formula1>{first}</formula1>"
        else:
            formulas = "".join(
                f"<{tag}>{_xml_text(_formula(value))}</{tag}>"
                for tag, value in (("formula1", self.formula1), ("formula2", self.formula2))
                if value is not None
            )
        return f'<dataValidation {" ".join(attrs)}>{formulas}</dataValidation>'


def _formula(value: object) -> str:
    """A validation bound as Excel writes it: a date as its serial number, a number as is."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return str((value - _EXCEL_EPOCH).days)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"A validation bound cannot be a {type(value).__name__}.")
    return str(value)


@dataclass(frozen=True)
class Properties:
    """The document's properties; `stamp` is when it was created and modified (fixed)."""

    title: str
    creator: str
    stamp: datetime
    description: str = ""


@cache
def column_letter(col: int) -> str:
    """Excel's letters of a 1-based column: 1 -> "A", 28 -> "AB"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """Excel's name of a 1-based cell: (12, 8) -> "H12"."""
    return f"{column_letter(col)}{row}"


class _Styles:
    """The distinct styles of a workbook, numbered in order of first use (0 is DEFAULT)."""

    def __init__(self) -> None:
        self.numbers: dict[Style, int] = {DEFAULT: 0}
        # Most cells share a handful of Style objects: looking them up by identity is cheaper than
        # hashing them. The objects are kept so that their ids are never reused.
        self.by_id: dict[int, int] = {id(DEFAULT): 0}
        self._kept: list[Style] = [DEFAULT]
        self._by_number: list[Style] = []

    def style(self, number: int) -> Style:
        """The style written as `number`."""
        if len(self._by_number) != len(self.numbers):
            self._by_number = list(self.numbers)  # in number order
        return self._by_number[number]

    def number(self, style: Style) -> int:
        number = self.by_id.get(id(style))
        if number is None:
            if not isinstance(style, Style):
                raise TypeError(f"A cell's style must be a Style, not {style!r}.")
            number = self.numbers.setdefault(style, len(self.numbers))
            self.by_id[id(style)] = number
            self._kept.append(style)
        return number

    def xml(self) -> str:
        formats: dict[str, int] = {}
        fonts: dict[tuple[bool, float, str | None], int] = {(False, 11, None): 0}
        fills: dict[str, int] = {}
        xfs = []
        for style in self.numbers:  # in number order
            fmt = _BUILTIN_FORMATS.get(style.number_format)
            if fmt is None:
                fmt = formats.setdefault(style.number_format, 164 + len(formats))
            font = fonts.setdefault((style.bold, style.size, style.color), len(fonts))
            fill = fills.setdefault(style.fill, 2 + len(fills)) if style.fill else 0
            xfs.append(_xf(style, fmt, font, fill))
        out = [_XML, f'<styleSheet xmlns="{_MAIN_NS}">']
        if formats:
            out.append(f'<numFmts count="{len(formats)}">')
            out.extend(f'<numFmt numFmtId="{n}" formatCode="{_xml_attr(code)}"/>'
                       for code, n in formats.items())
            out.append("</numFmts>")
        out.append(f'<fonts count="{len(fonts)}">')
        for bold, size, color in fonts:
            colour = f'<color rgb="{color}"/>' if color else ""
            out.append(f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/>{colour}{_FONT_NAME}'
                       "</font>")
        out.append(f'</fonts><fills count="{2 + len(fills)}"><fill><patternFill patternType="none"/>'
                   '</fill><fill><patternFill patternType="gray125"/></fill>')
        out.extend(f'<fill><patternFill patternType="solid"><fgColor rgb="{color}"/>'
                   '<bgColor indexed="64"/></patternFill></fill>' for color in fills)
        out.append('</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/>'
                   f"</border><border>{''.join(_THIN.format(side) for side in _SIDES)}<diagonal/>"
                   '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
                   f'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">')
        out.extend(xfs)
        out.append('</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
                   'builtinId="0"/></cellStyles></styleSheet>')
        return "".join(out)


_SIDES = ("left", "right", "top", "bottom")


def _xf(style: Style, fmt: int, font: int, fill: int) -> str:
    applied = "".join(
        f' apply{what}="1"' for what, used in (
            ("NumberFormat", fmt), ("Font", font), ("Fill", fill), ("Border", style.border),
            ("Alignment", style.horizontal or style.vertical or style.wrap),
        ) if used
    )
    head = (f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" '
            f'borderId="{int(style.border)}" xfId="0"{applied}')
    if not (style.horizontal or style.vertical or style.wrap):
        if style.locked:
            return head + "/>"
        return f'{head} applyProtection="1"><protection locked="0"/></xf>'
    align = "".join((
        f' horizontal="{style.horizontal}"' if style.horizontal else "",
        f' vertical="{style.vertical}"' if style.vertical else "",
        ' wrapText="1"' if style.wrap else "",
    ))
    if style.locked:
        return f"{head}><alignment{align}/></xf>"
    return f'{head} applyProtection="1"><alignment{align}/><protection locked="0"/></xf>'


class Sheet:
    """The cells of one worksheet (1-based rows and columns), merges, widths, heights, panes."""

    def __init__(self, name: str, styles: _Styles) -> None:
        if not name or len(name) > 31 or _BAD_SHEET_NAME.search(name):
            raise ValueError(f"Excel does not accept the sheet name {name!r}.")
        self.name = name
        self._styles = styles
        self._known = styles.by_id  # id(style) -> its number, for the styles already seen
        self.rows: dict[int, dict[int, tuple[object, int]]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.freeze: tuple[int, int] | None = None  # (rows, columns) frozen at the top left
        self.protected = False  # sheet protection without password (see `protect`)
        self.validations: list[Validation] = []

    def put(self, row: int, col: int, value: object, style: Style = DEFAULT) -> None:
        """Set a cell (again: the last value and style win). None or "" leaves it empty."""
        number = self._known.get(id(style))
        if number is None:
            number = self._styles.number(style)
        self.rows.setdefault(row, {})[col] = (value, number)

    def put_row(self, row: int, first_col: int, values: Iterable[object],
                style: Style = DEFAULT) -> None:
        """Cells side by side from `first_col`, all in one style."""
        self.put_cells(row, first_col, [(value, style) for value in values])

    def put_cells(self, row: int, first_col: int, cells: Iterable[tuple[object, Style]]) -> None:
        """Cells side by side from `first_col`, each with its (value, style)."""
        known, row_cells = self._known, self.rows.setdefault(row, {})
        for col, (value, style) in enumerate(cells, start=first_col):
            number = known.get(id(style))
            if number is None:
                number = self._styles.number(style)
            row_cells[col] = (value, number)

    def merge(self, row0: int, col0: int, row1: int, col1: int) -> None:
        self.merges.append((row0, col0, row1, col1))

    def protect(self) -> None:
        """Protect the sheet without a password: only cells whose style has `locked=False` can be
        edited; columns and rows can still be resized."""
        self.protected = True

    def restyle(self, row0: int, col0: int, row1: int, col1: int, **changes: object) -> None:
        """Change some fields of the style of every cell of a rectangle, keeping the others
        (`fill="FFFFF2CC"`, `locked=False`); a missing cell is created empty."""
        restyled: dict[int, int] = {}
        for row in range(row0, row1 + 1):
            cells = self.rows.setdefault(row, {})
            for col in range(col0, col1 + 1):
                value, number = cells.get(col, (None, 0))
                if number not in restyled:
                    style = replace(self._styles.style(number), **changes)
                    restyled[number] = self._styles.number(style)
                cells[col] = (value, restyled[number])

    def unlock(self, row0: int, col0: int, row1: int, col1: int) -> None:
        """Make the cells of a rectangle editable under protection, keeping their look."""
        self.restyle(row0, col0, row1, col1, locked=False)

    def validate(self, validation: Validation) -> None:
        self.validations.append(validation)


class Workbook:
    def __init__(self, properties: Properties) -> None:
        self.properties = properties
        self.sheets: list[Sheet] = []
        self._styles = _Styles()
        self._strings: dict[str, int] = {}

    def sheet(self, name: str) -> Sheet:
        if any(s.name.casefold() == name.casefold() for s in self.sheets):
            raise ValueError(f"The workbook already has a sheet named {name!r}.")
        sheet = Sheet(name, self._styles)
        self.sheets.append(sheet)
        return sheet

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())
        return path

    def _cell(self, ref: str, s: str, value: object) -> str:
        """A cell of any other kind than text or a whole number (see _sheet_xml)."""
        if value is None or value == "":
            return f'<c r="{ref}"{s}/>'
        if isinstance(value, str):
            index = self._strings.setdefault(value, len(self._strings))
            return f'<c r="{ref}"{s} t="s"><v>{index}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"{s}><v>{value}</v></c>'
        if isinstance(value, datetime):
            value = (value - _EXCEL_EPOCH_TIME).total_seconds() / 86400
        elif isinstance(value, date):
            return f'<c r="{ref}"{s}><v>{(value - _EXCEL_EPOCH).days}</v></c>'
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"Cell {ref}: Excel cannot hold the number {value!r}.")
            text = str(int(value)) if value.is_integer() else repr(value)
            return f'<c r="{ref}"{s}><v>{text}</v></c>'
        raise TypeError(f"Cell {ref}: cannot write a {type(value).__name__}.")

    def _sheet_xml(self, sheet: Sheet) -> str:
        last_row = max(sheet.rows, default=1)
        last_col = max((c for cells in sheet.rows.values() for c in cells), default=1)
        out = [
            f'{_XML}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><dimension ref="A1:'
            f'{cell_ref(last_row, last_col)}"/><sheetViews><sheetView workbookViewId="0"'
        ]
        if sheet is self.sheets[0]:
            out.append(' tabSelected="1"')
        if sheet.freeze:
            rows, cols = sheet.freeze
            split = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
            pane = "bottomRight" if rows and cols else ("bottomLeft" if rows else "topRight")
            out.append(f'><pane{split} topLeftCell="{cell_ref(rows + 1, cols + 1)}" '
                       f'activePane="{pane}" state="frozen"/></sheetView></sheetViews>')
        else:
            out.append("/></sheetViews>")
        out.append('<sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths:
            out.append("<cols>")
            out.extend(f'<col min="{col}" max="{col}" width="{sheet.widths[col]:g}" '
                       'customWidth="1"/>' for col in sorted(sheet.widths))
            out.append("</cols>")
        out.append("<sheetData>")
        # The loop below writes every cell: text and whole numbers, most of them, inline.
        cell, strings, empty = self._cell, self._strings, {}
        letters = [""] + [column_letter(c) for c in range(1, last_col + 1)]
        s_attrs = [""] + [f' s="{n}"' for n in range(1, len(self._styles.numbers))]
        for r in sorted(sheet.rows.keys() | sheet.heights.keys()):
            height = sheet.heights.get(r)
            out.append(f'<row r="{r}" ht="{height:g}" customHeight="1">' if height else
                       f'<row r="{r}">')
            for c, (value, style) in sorted(sheet.rows.get(r, empty).items()):
                kind = value.__class__
                if kind is str and value:
                    index = strings.get(value)
                    if index is None:
                        index = strings[value] = len(strings)
                    out.append(f'<c r="{letters[c]}{r}"{s_attrs[style]} t="s"><v>{index}</v></c>')
                elif kind is int:
                    out.append(f'<c r="{letters[c]}{r}"{s_attrs[style]}><v>{value}</v></c>')
                else:
                    out.append(cell(f"{letters[c]}{r}", s_attrs[style], value))
            out.append("</row>")
        out.append("</sheetData>")
        if sheet.protected:
            out.append('<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" '
                       'formatRows="0"/>')
        if sheet.merges:
            out.append(f'<mergeCells count="{len(sheet.merges)}">')
            out.extend(f'<mergeCell ref="{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"/>'
                       for r0, c0, r1, c1 in sheet.merges)
            out.append("</mergeCells>")
        if sheet.validations:
            out.append(f'<dataValidations count="{len(sheet.validations)}">')
            out.extend(v.xml() for v in sheet.validations)
            out.append("</dataValidations>")
        out.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                   'footer="0.3"/><pageSetup orientation="landscape"/></worksheet>')
        return "".join(out)

    def to_bytes(self) -> bytes:
        if not self.sheets:
            raise ValueError("A workbook needs at least one sheet.")
        sheets = [self._sheet_xml(sheet) for sheet in self.sheets]  # first: they fill the tables
        parts = {
            "[Content_Types].xml": self._content_types(),
            "_rels/.rels": (
                f'{_XML}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
                f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/><Relationship '
                f'Id="rId2" Type="{_PKG_REL_NS}/metadata/core-properties" '
                f'Target="docProps/core.xml"/><Relationship Id="rId3" '
                f'Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>'
            ),
            "docProps/app.xml": (
                f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'extended-properties"><Application>Tablero POA</Application></Properties>'
            ),
            "docProps/core.xml": self._core(),
            "xl/workbook.xml": (
                f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/>'
                "</bookViews><sheets>"
                + "".join(f'<sheet name="{_xml_attr(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, s in enumerate(self.sheets, start=1))
                + "</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": self._workbook_rels(),
            "xl/styles.xml": self._styles.xml(),
            "xl/sharedStrings.xml": (
                f'{_XML}<sst xmlns="{_MAIN_NS}" count="{len(self._strings)}" '
                f'uniqueCount="{len(self._strings)}">'
                + "".join(f'<si><t xml:space="preserve">{_xml_text(text)}</t></si>'
                          for text in self._strings)
                + "</sst>"
            ),
        }
        for i, xml in enumerate(sheets, start=1):
            parts[f"xl/worksheets/sheet{i}.xml"] = xml
        when = self.properties.stamp.timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in parts.items():
                info = zipfile.ZipInfo(name, date_time=when)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, content.encode("utf-8"))
        return buffer.getvalue()

    def _content_types(self) -> str:
        def override(part: str, kind: str) -> str:
            return f'<Override PartName="/{part}" ContentType="{kind}"/>'

        sheet = f"{_OFFICE}.spreadsheetml.worksheet+xml"
        return "".join((
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>',
            override("xl/workbook.xml", f"{_OFFICE}.spreadsheetml.sheet.main+xml"),
            *(override(f"xl/worksheets/sheet{i}.xml", sheet)
              for i in range(1, len(self.sheets) + 1)),
            override("xl/styles.xml", f"{_OFFICE}.spreadsheetml.styles+xml"),
            override("xl/sharedStrings.xml", f"{_OFFICE}.spreadsheetml.sharedStrings+xml"),
            override("docProps/core.xml",
                     "application/vnd.openxmlformats-package.core-properties+xml"),
            override("docProps/app.xml", f"{_OFFICE}.extended-properties+xml"),
            "</Types>",
        ))

    def _core(self) -> str:
        p = self.properties
        stamp = p.stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        return "".join((
            f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
            f"<dc:title>{_xml_text(p.title)}</dc:title>",
            f"<dc:description>{_xml_text(p.description)}</dc:description>" if p.description else "",
            f"<dc:creator>{_xml_text(p.creator)}</dc:creator>",
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>',
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>',
            "</cp:coreProperties>",
        ))

    def _workbook_rels(self) -> str:
        n = len(self.sheets)
        return "".join((
            f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">',
            *(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" '
              f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)),
            f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>',
            f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        ))


def _xml_text(text: str) -> str:
    return escape(_CONTROL.sub("", text))


def _xml_attr(text: str) -> str:
    return escape(_CONTROL.sub("", text), {'"': "&quot;"})
