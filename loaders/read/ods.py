"""The .ods workbook (OpenDocument, LibreOffice Calc): checks before parsing, then values through
python-calamine and cell styles from the automatic styles.

Before python-calamine sees the bytes: the zip's declared sizes, a password (the manifest's
`encryption-data`), macros (`Basic/` or `Scripts/` in the package), a DTD or entity in the prolog
of any XML part, every member decompressed once, and a streaming parse (defusedxml) of
`content.xml` that counts, per sheet, the rows and columns up to the last one holding content:
`table:number-rows-repeated` / `number-columns-repeated` multiply a row or cell that holds
content, while the empty rows and cells repeated to the end of the sheet (LibreOffice writes a
million of them) count for nothing, since python-calamine does not build them either.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from loaders.errors import NotAPoaWorkbook
from loaders.read.grid import Range, Sheet, read_values
from loaders.read.package import CHUNK, MB, ZIP_READ_ERRORS, check_size, has_doctype
from loaders.read.styles import CellStyle
from loaders.settings import Settings
from loaders.text import fmt_number

log = logging.getLogger(__name__)

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
T_TABLE, T_ROW, T_COLUMN = f"{TABLE}table", f"{TABLE}table-row", f"{TABLE}table-column"
T_CELL, T_COVERED = f"{TABLE}table-cell", f"{TABLE}covered-table-cell"
ROWS_REPEATED, COLUMNS_REPEATED = f"{TABLE}number-rows-repeated", f"{TABLE}number-columns-repeated"
ROWS_SPANNED, COLUMNS_SPANNED = f"{TABLE}number-rows-spanned", f"{TABLE}number-columns-spanned"
STYLE_NAME, DEFAULT_CELL_STYLE = f"{TABLE}style-name", f"{TABLE}default-cell-style-name"
VALUE_TYPE, ANNOTATION = f"{OFFICE}value-type", f"{OFFICE}annotation"
BODY = f"{OFFICE}body"
MACRO_FOLDERS = ("basic/", "scripts/")
# Beyond any real sheet: a repeat or span written with more digits than this counts as this.
HUGE = 10 ** 9
PERCENT_STYLES = {f"{NUMBER}percentage-style"}
DATE_STYLES = {f"{NUMBER}date-style", f"{NUMBER}time-style"}
NO_FILL = {"transparent", "#ffffff", "#fff", "none"}

# What parsing a damaged XML part raises: a syntax error, or an XML declaration naming an encoding
# that does not exist (LookupError) or that expat cannot read (ValueError).
XML_ERRORS = (SafeET.ParseError, LookupError, ValueError)
DTD_REFUSAL = (
    "El archivo contiene declaraciones XML no permitidas (entidades o DTD); ábralo en "
    "LibreOffice Calc y guárdelo de nuevo como .ods."
)


def damaged(what: str) -> NotAPoaWorkbook:
    return NotAPoaWorkbook(
        f"El archivo .ods está dañado ({what}); ábralo en LibreOffice Calc y guárdelo de nuevo."
    )


@dataclass
class OdsTable:
    name: str
    rows: int = 0  # up to the last row holding content
    columns: int = 0  # up to the last column holding content
    merged: list[Range] = field(default_factory=list)


def is_spreadsheet(mimetype: bytes) -> bool:
    """True for the `mimetype` member of an .ods (or an .ots template)."""
    return mimetype.strip().startswith(MIMETYPE)


def open_ods(data: bytes, settings: Settings) -> tuple[list[Sheet], OdsStyles]:
    """Check an .ods and read its sheets, or raise NotAPoaWorkbook."""
    tables = check_ods(data, settings)
    sheets = read_values(
        data, settings, "ods", {t.name: "content.xml" for t in tables},
        {t.name: t.merged for t in tables},
    )
    return sheets, OdsStyles(data)


def check_ods(data: bytes, settings: Settings) -> list[OdsTable]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except ZIP_READ_ERRORS as exc:
        raise damaged("no se puede abrir") from exc
    with zf:
        names = {info.filename for info in infos}
        if any(info.flag_bits & 0x1 for info in infos):
            raise NotAPoaWorkbook(
                "El archivo .ods está cifrado; quite la contraseña en LibreOffice Calc y "
                "guárdelo de nuevo."
            )
        declared = sum(info.file_size for info in infos)
        if declared > settings.max_uncompressed_mb * MB:
            raise NotAPoaWorkbook(
                f"El contenido del archivo ocupa {fmt_number(declared / MB)} MB descomprimido y el "
                f"límite es {fmt_number(settings.max_uncompressed_mb)} MB."
            )
        manifest = _manifest(zf, names)
        if manifest["encrypted"]:
            raise NotAPoaWorkbook(
                "El archivo .ods está protegido con contraseña; ábralo en LibreOffice Calc, quite "
                "la contraseña y guárdelo de nuevo."
            )
        paths = [n.lower().lstrip("/") for n in names | manifest["paths"]]
        if any(p.startswith(MACRO_FOLDERS) for p in paths):
            raise NotAPoaWorkbook(
                "El archivo contiene macros (un libro .ods con macros de LibreOffice); guárdelo "
                "sin macros (.ods o .xlsx)."
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rdf")) and has_doctype(zf, info):
                raise NotAPoaWorkbook(DTD_REFUSAL)
        for required in ("content.xml", "META-INF/manifest.xml"):
            if required not in names:
                raise NotAPoaWorkbook(
                    f"El archivo .ods está incompleto: le falta su parte interna «{required}»; "
                    "ábralo en LibreOffice Calc y guárdelo de nuevo."
                )
        for info in infos:
            _read_to_end(zf, info)
        tables = _scan_content(zf, settings)
    if not tables:
        raise NotAPoaWorkbook("El libro no tiene hojas de cálculo.")
    return tables


def _read_to_end(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Decompress a member to its end, where zipfile checks its CRC."""
    try:
        with zf.open(info) as part:
            while part.read(CHUNK):
                pass
    except ZIP_READ_ERRORS as exc:
        raise damaged(f"su parte interna «{info.filename}» no se puede descomprimir") from exc


def _manifest(zf: zipfile.ZipFile, names: set[str]) -> dict:
    found: dict = {"encrypted": False, "paths": set()}
    if "META-INF/manifest.xml" not in names:
        return found
    for is_start, tag, attrib in _tags(zf, "META-INF/manifest.xml"):
        if not is_start:
            continue
        if tag == f"{MANIFEST}encryption-data":
            found["encrypted"] = True
        elif tag == f"{MANIFEST}file-entry":
            found["paths"].add(attrib.get(f"{MANIFEST}full-path", ""))  # type: ignore[union-attr]
    return found


def _count(text: str | None) -> int:
    """A repeat or span attribute: a positive integer, 1 when absent or unreadable."""
    if text is None:
        return 1
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    return max(1, int(text)) if len(text) <= 9 else HUGE


@dataclass
class _Cell:
    table: int  # index of the sheet
    row: int
    col: int
    rows: int  # the row's repeat
    columns: int  # the cell's repeat
    covered: bool  # a table:covered-table-cell (hidden under a merged range)
    attrib: dict[str, str]
    content: bool  # a value or text, not just a style
    row_style: str | None


class _Events:
    """A parser target that only notes start and end tags: no element tree is built."""

    def __init__(self) -> None:
        self.events: list[tuple[bool, str, dict[str, str] | None]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events.append((True, tag, attrib))

    def end(self, tag: str) -> None:
        self.events.append((False, tag, None))

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> list[tuple[bool, str, dict[str, str] | None]]:
        events, self.events = self.events, []
        return events


def _tags(
    zf: zipfile.ZipFile, name: str = "content.xml"
) -> Iterator[tuple[bool, str, dict[str, str] | None]]:
    """(is start, tag, attributes) of every element of an XML part, streamed through defusedxml
    (no DTD, no entities) without building a tree: memory stays flat whatever its size."""
    target = _Events()
    parser = SafeET.XMLParser(target=target, forbid_dtd=True)
    try:
        with zf.open(name) as part:
            while chunk := part.read(CHUNK):
                parser.feed(chunk)
                yield from target.drain()
        parser.close()
        yield from target.drain()
    except DefusedXmlException as exc:
        raise NotAPoaWorkbook(DTD_REFUSAL) from exc
    except XML_ERRORS as exc:
        raise damaged(f"su parte interna «{name}» no es XML válido") from exc
    except ZIP_READ_ERRORS as exc:
        raise damaged(f"su parte interna «{name}» no se puede descomprimir") from exc


def _walk(zf: zipfile.ZipFile) -> Iterator[tuple[str, object]]:
    """Stream `content.xml`: ("table", name), ("column", (default style, repeat)),
    ("cell", _Cell) once a cell ends and ("row", (row, repeat, table)) once its cells are seen.
    Only the sheets' own rows and cells count (not those of a table nested in a cell)."""
    table, depth, level, row, col = -1, 0, 0, 0, 0
    row_repeat, row_style = 1, None
    cell: dict[str, str] | None = None
    cell_level, cell_tag, content = 0, "", False
    for is_start, tag, attrib in _tags(zf):
        if is_start:
            level += 1
            if cell is not None:
                if level == cell_level + 1 and tag != ANNOTATION:
                    content = True
                if tag == T_TABLE:
                    depth += 1
                continue
            if tag == T_TABLE:
                depth += 1
                if depth == 1:
                    table, row = table + 1, 0
                    yield "table", attrib.get(f"{TABLE}name", "")  # type: ignore[union-attr]
            elif depth != 1:
                continue
            elif tag in (T_CELL, T_COVERED):
                cell, cell_level, cell_tag = attrib, level, tag
                content = VALUE_TYPE in attrib  # type: ignore[operator]
            elif tag == T_ROW:
                row_repeat = _count(attrib.get(ROWS_REPEATED))  # type: ignore[union-attr]
                row_style, col = attrib.get(DEFAULT_CELL_STYLE), 0  # type: ignore[union-attr]
            elif tag == T_COLUMN:
                yield "column", (
                    attrib.get(DEFAULT_CELL_STYLE),  # type: ignore[union-attr]
                    _count(attrib.get(COLUMNS_REPEATED)),  # type: ignore[union-attr]
                )
            continue
        if cell is not None and level == cell_level and tag == cell_tag:
            repeat = _count(cell.get(COLUMNS_REPEATED))
            yield "cell", _Cell(table, row, col, row_repeat, repeat, tag == T_COVERED, cell,
                                content, row_style)
            col += repeat
            cell = None
        elif tag == T_TABLE:
            depth -= 1
        elif tag == T_ROW and depth == 1 and cell is None:
            yield "row", (row, row_repeat, table)
            row += row_repeat
        level -= 1


def _scan_content(zf: zipfile.ZipFile, settings: Settings) -> list[OdsTable]:
    """The sheets of `content.xml` with their size in rows and columns holding content, refused
    as soon as one passes the limits."""
    tables: list[OdsTable] = []
    row_has_content = False
    for kind, item in _walk(zf):
        if kind == "table":
            tables.append(OdsTable(name=str(item)))
        elif kind == "cell":
            cell: _Cell = item  # type: ignore[assignment]
            current = tables[-1]
            if cell.content:
                row_has_content = True
                current.columns = max(current.columns, cell.col + cell.columns)
                if current.columns > settings.max_columns:
                    check_size(current.name, 0, current.columns, settings)
            spans = (
                _count(cell.attrib.get(ROWS_SPANNED)), _count(cell.attrib.get(COLUMNS_SPANNED))
            )
            if not cell.covered and spans != (1, 1):
                current.merged.append(
                    ((cell.row, cell.col), (cell.row + spans[0] - 1, cell.col + spans[1] - 1))
                )
        elif kind == "row":
            row, repeat, _ = item  # type: ignore[misc]
            current = tables[-1]
            if row_has_content:
                current.rows = max(current.rows, row + repeat)
                check_size(current.name, current.rows, current.columns, settings)
            row_has_content = False
    return tables


class OdsStyles:
    """Cell styles of an .ods: `style:style` (family table-cell) of `content.xml`'s automatic
    styles and of `styles.xml`, with their parents, `fo:background-color` and number style (a
    `number:percentage-style` is %, a date or time style a date). Read on first use."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.styles: dict[str, CellStyle] | None = None
        self.failed = False

    @property
    def readable(self) -> bool:
        return self._styles() is not None

    def _styles(self) -> dict[str, CellStyle] | None:
        if self.styles is None and not self.failed:
            try:
                self.styles = self._read_styles()
            except (NotAPoaWorkbook, *ZIP_READ_ERRORS, *XML_ERRORS, DefusedXmlException):
                log.info("the styles of an .ods could not be read", exc_info=True)
                self.failed = True
        return self.styles

    def _read_styles(self) -> dict[str, CellStyle]:
        number_kinds: dict[str, str] = {}
        cells: dict[str, tuple[str | None, str | None, str | None]] = {}
        default: list[str | None] = [None, None]  # data style, background
        with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
            parts = [n for n in ("styles.xml", "content.xml") if n in zf.namelist()]
            for part in parts:
                _collect_styles(_tags(zf, part), number_kinds, cells, default)
        return {name: _resolve(name, cells, number_kinds, default) for name in cells}

    def cell_styles(
        self, sheet: Sheet, rows: Iterable[int], cols: Iterable[int]
    ) -> dict[tuple[int, int], CellStyle]:
        """Style of the wanted cells of one sheet: the cell's own style, else its row's default
        cell style, else its column's (unless that is just "Default"); absent when none."""
        styles = self._styles()
        wanted_rows, wanted_cols = set(rows), set(cols)
        if styles is None or not wanted_rows or not wanted_cols:
            return {}
        last = max(wanted_rows)
        found: dict[tuple[int, int], CellStyle] = {}
        column_styles: list[tuple[int, int, str | None]] = []  # (first, end, style)
        inside = False
        with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
            for kind, item in _walk(zf):
                if kind == "table":
                    if inside:
                        break
                    inside = item == sheet.name
                    column_styles = []
                elif not inside:
                    continue
                elif kind == "column":
                    style, repeat = item  # type: ignore[misc]
                    first = column_styles[-1][1] if column_styles else 0
                    column_styles.append((first, first + repeat, style))
                elif kind == "row" and item[0] > last:  # type: ignore[index]
                    break
                elif kind == "cell":
                    _pick(item, wanted_rows, wanted_cols, column_styles, styles, found)
        return found


def _hits(wanted: set[int], first: int, count: int) -> list[int]:
    """The wanted positions among `count` repeated ones from `first`."""
    if count <= len(wanted):
        return [p for p in range(first, first + count) if p in wanted]
    return [p for p in wanted if first <= p < first + count]


def _pick(cell: _Cell, rows: set[int], cols: set[int], column_styles, styles, found) -> None:
    hit_rows = _hits(rows, cell.row, cell.rows)
    hit_cols = _hits(cols, cell.col, cell.columns) if hit_rows else []
    if not hit_cols:
        return
    own = cell.attrib.get(STYLE_NAME) or cell.row_style
    for c in hit_cols:
        name = own
        if name is None:
            name = next((s for first, end, s in column_styles if first <= c < end), None)
            name = None if name == "Default" else name
        style = styles.get(name) if name else None
        if style is not None:
            for r in hit_rows:
                found[(r, c)] = style


def _collect_styles(tags, number_kinds: dict, cells: dict, default: list) -> None:
    """Note the number styles (percentage, date, other) and the cell styles (parent, number
    style, background) of one part; in `content.xml`, only its automatic styles, before the
    sheets."""
    current: list | None = None  # [name, parent, data style, background] of a cell style
    for is_start, tag, attrib in tags:
        if not is_start:
            if current is not None and tag in (f"{STYLE}style", f"{STYLE}default-style"):
                if current[0] is None:
                    default[:] = current[2:]
                else:
                    cells[current[0]] = tuple(current[1:])
                current = None
            continue
        if tag == BODY:
            return
        name = attrib.get(f"{STYLE}name")  # type: ignore[union-attr]
        if tag in PERCENT_STYLES and name:
            number_kinds[name] = "percent"
        elif tag in DATE_STYLES and name:
            number_kinds[name] = "date"
        elif tag.startswith(NUMBER) and tag.endswith("-style") and name:
            number_kinds[name] = ""
        elif tag in (f"{STYLE}style", f"{STYLE}default-style") and attrib.get(  # type: ignore[union-attr]
            f"{STYLE}family"
        ) == "table-cell" and (name or tag == f"{STYLE}default-style"):
            current = [
                name if tag == f"{STYLE}style" else None,
                attrib.get(f"{STYLE}parent-style-name"),  # type: ignore[union-attr]
                attrib.get(f"{STYLE}data-style-name"),  # type: ignore[union-attr]
                None,
            ]
        elif tag == f"{STYLE}table-cell-properties" and current is not None:
            current[3] = attrib.get(f"{FO}background-color")  # type: ignore[union-attr]


def _resolve(name, cells, number_kinds, default) -> CellStyle:
    data_style = background = None
    seen: set[str] = set()
    while name in cells and name not in seen:
        seen.add(name)
        parent, own_data, own_background = cells[name]
        data_style = data_style or own_data
        background = background or own_background
        name = parent
    data_style = data_style or default[0]
    background = background or default[1]
    kind = number_kinds.get(data_style or "", "")
    fill = None
    if background and background.strip().lower() not in NO_FILL:
        fill = "solid:" + background.strip().lstrip("#").upper()
    return CellStyle(percent=kind == "percent", fill=fill, date=kind == "date")
