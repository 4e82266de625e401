"""Read a POA workbook into a `PoaDocument`: tables found by header, values parsed, cells kept."""

from __future__ import annotations

import logging
from pathlib import Path

from loaders.codes import CODES
from loaders.errors import NotAPoaWorkbook
from loaders.mapping import FIELD_LABELS, ColumnMap, normalise
from loaders.model import (
    Activity,
    BudgetLine,
    ColumnUse,
    Finding,
    PlanIdentity,
    PoaDocument,
    SkippedRow,
)
from loaders.read.alignment import is_alignment_sheet, read_alignment
from loaders.read.grid import Sheet, cell_name
from loaders.read.identity import heading_years, labelled_values, most_common, place_from_text
from loaders.read.styles import CellStyle
from loaders.read.tables import (
    CATALOG_FIELDS,
    SCHEDULE_FIELDS,
    SKIP_REASONS,
    Table,
    find_tables,
)
from loaders.read.template import split_template, with_template
from loaders.read.values import (
    Invalid,
    TooLarge,
    as_text,
    is_mark,
    looks_like_fraction_column,
    parse_count,
    parse_date,
    parse_label,
    parse_number,
    parse_percent,
)
from loaders.read.workbook import Workbook, open_workbook
from loaders.settings import Settings
from loaders.text import fold, is_blank

TEXT_FIELDS = (
    "name", "eje", "linea_estrategica", "linea_accion", "actividad_especifica", "responsable",
)
COUNT_FIELDS = ("goal", "programmed", "achieved")
PERCENT_FIELDS = ("programmed_pct", "declared_pct")
DATE_FIELDS = ("start", "end")
log = logging.getLogger(__name__)
# What the plan's and budget's columns hold (loaders.store.schema): area, dirección and municipio are
# String(200) and joined, folded, into the plan's String(600) key; a partida is String(40).
MAX_IDENTITY = 190
MAX_PARTIDA = 40
KIND_LABELS = {"count": "un número entero", "percent": "un porcentaje", "date": "una fecha"}


def read_poa_file(path: str | Path, settings: Settings, *, year: int | None = None) -> PoaDocument:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotAPoaWorkbook(f"No se pudo abrir el archivo «{path.name}».") from exc
    return read_poa(data, settings, file_name=path.name, year=year)


def read_poa(
    data: bytes, settings: Settings, *, file_name: str = "", year: int | None = None,
    area: str | None = None, mapping: ColumnMap | None = None,
) -> PoaDocument:
    """Read the bytes of a workbook. Raises NotAPoaWorkbook when it is not a readable POA, or
    when it holds several áreas and `area` does not name one of them."""
    documents = read_workbook(data, settings, file_name=file_name, year=year, mapping=mapping)
    if len(documents) == 1:
        return documents[0]
    return choose_area(documents, area)


def read_workbook(
    data: bytes, settings: Settings, *, file_name: str = "", year: int | None = None,
    mapping: ColumnMap | None = None,
) -> list[PoaDocument]:
    """Every área's POA in a workbook: one document for most workbooks, one per área for a
    workbook that holds several. `mapping` (see loaders.mapping) places the columns whose
    headers the vocabulary does not know. Raises NotAPoaWorkbook when it is not a readable POA."""
    try:
        return _read_workbook(data, settings, file_name=file_name, year=year,
                              mapping=normalise(mapping))
    except NotAPoaWorkbook:
        raise
    except Exception as exc:
        raise unexpected_refusal(file_name) from exc


class SeveralAreas(NotAPoaWorkbook):
    """The workbook holds several áreas' POAs and none was chosen: `areas` names them."""

    def __init__(self, message: str, areas: list[str]) -> None:
        super().__init__(message)
        self.areas = areas


def choose_area(documents: list[PoaDocument], area: str | None) -> PoaDocument:
    """The document of the área named `area` (accents and case aside)."""
    names = ", ".join(f"«{d.plan.area}»" for d in documents)
    if not area:
        raise SeveralAreas(
            f"El libro tiene los POA de {len(documents)} áreas ({names}); elija una "
            "(en la línea de comandos, --area NOMBRE).", [d.plan.area for d in documents]
        )
    chosen = [d for d in documents if fold(d.plan.area) == fold(area)]
    if not chosen:
        raise NotAPoaWorkbook(f"El libro no tiene el área «{area}»; tiene {names}.")
    return chosen[0]


UNEXPECTED = (
    "No se pudo leer el libro: su contenido no tiene la forma de un POA; revise que sea "
    "la plantilla del POA guardada como .xlsx, .xls u .ods."
)


class UnforeseenFailure(NotAPoaWorkbook):
    """A refusal from a reader's safety net: an error no deliberate check foresaw.

    Callers see an ordinary NotAPoaWorkbook with a generic sentence; the fuzz tests require that
    this class is never raised, since every failure the fuzzer found has a check of its own.
    """

    unexpected = True


def unexpected_refusal(file_name: str, message: str = UNEXPECTED) -> NotAPoaWorkbook:
    """The safety net's refusal: a shape of workbook nobody foresaw ends as a plain refusal, never
    a crash. INFO, not ERROR: the user gets the sentence; the server log keeps the details."""
    log.info("unexpected failure reading %s", file_name, exc_info=True)
    return UnforeseenFailure(message)


def _read_workbook(data: bytes, settings: Settings, *, file_name: str, year: int | None,
                   mapping: ColumnMap) -> list[PoaDocument]:
    workbook = open_workbook(data, settings, file_name)
    # An official template's cover and instructions are not part of the POA (loaders.read.template).
    sheets, template = split_template(workbook.sheets)
    if all(sheet.is_blank_row(r) for sheet in sheets for r in range(len(sheet.rows))):
        raise NotAPoaWorkbook("El libro está vacío: ninguna hoja tiene datos.")
    tables = _tables(sheets, mapping)
    if not any(t.kind == "activities" for t in tables):
        raise NotAPoaWorkbook(
            "No se encontró la tabla de actividades: ninguna hoja tiene un encabezado con «Nº» "
            "y «Actividad»."
        )
    parts = split_areas(sheets, tables)
    if len(parts) == 1:
        return with_template([_Reader(workbook, sheets, tables).document(year)], template)
    documents = []
    for area_sheets, notes in parts:
        area_tables = _tables(area_sheets, mapping)
        if not any(t.kind == "activities" for t in area_tables):
            continue
        reader = _Reader(workbook, area_sheets, area_tables)
        reader.findings.extend(notes)
        documents.append(reader.document(year))
    return with_template(documents, template)


def _tables(sheets: list[Sheet], mapping: ColumnMap) -> list[Table]:
    tables = [table for sheet in sheets for table in find_tables(sheet, mapping)]
    # The optional "Alineación" sheet lists Nº and Actividad too: it is never an activity table
    # (unless the workbook has no other).
    kept = [t for t in tables if not is_alignment_sheet(t.sheet.name)]
    return kept if any(t.kind == "activities" for t in kept) else tables


def split_areas(sheets: list[Sheet], tables: list[Table]) -> list[tuple[list[Sheet], list[Finding]]]:
    """The workbook cut into one part per área it states (`Área: …` outside the tables): a sheet
    each, or a block of rows each on one sheet. One part (the whole workbook) when it names one
    área or none. A sheet naming no área goes with the área its name mentions; otherwise its
    tables are left out, and every part says so (never mixed into one área's POA)."""
    headings: dict[str, list[tuple[int, str]]] = {}
    for sheet in sheets:
        inside = {r for t in tables if t.sheet is sheet for r in range(t.top, t.end + 1)}
        found = []
        for r in range(len(sheet.rows)):
            if not sheet.rows[r] or r in inside:
                continue
            if len([v for v in sheet.rows[r] if not is_blank(v)]) > 3:
                continue  # a heading is a label and its value, never a row of headers
            if area := labelled_values(sheet, range(r, r + 1)).get("area"):
                found.append((r, area))
        headings[sheet.name] = found
    names = list(dict.fromkeys(fold(a) for found in headings.values() for _, a in found))
    if len(names) < 2:
        return [(sheets, [])]
    spans: dict[str, list[tuple[Sheet, int, int]]] = {name: [] for name in names}
    unassigned: list[Sheet] = []
    for sheet in sheets:
        found = headings[sheet.name]
        if not found:
            owner = next((n for n in names if n in fold(sheet.name)), None)
            if owner:
                spans[owner].append((sheet, 0, len(sheet.rows)))
            elif any(t.sheet is sheet for t in tables):
                unassigned.append(sheet)
            continue
        starts = []
        for i, (row, _) in enumerate(found):
            before = [t.end for t in tables if t.sheet is sheet and t.top < row]
            starts.append(0 if i == 0 else min(row, max(before, default=row - 1) + 1))
        for i, (_, area) in enumerate(found):
            end = starts[i + 1] if i + 1 < len(found) else len(sheet.rows)
            spans[fold(area)].append((sheet, starts[i], end))
    notes = [
        Finding("UNASSIGNED_SHEET", CODES["UNASSIGNED_SHEET"],
                f"La hoja «{sheet.name}» no dice a qué área pertenece (el libro tiene los POA de "
                f"{len(names)} áreas); sus tablas no se tomaron en cuenta.", sheet=sheet.name)
        for sheet in unassigned
    ]
    return [([_masked(sheet, [(a, b) for s, a, b in spans[name] if s is sheet])
              for sheet in sheets if any(s is sheet for s, _, _ in spans[name])], list(notes))
            for name in names]


def _masked(sheet: Sheet, keep: list[tuple[int, int]]) -> Sheet:
    """The sheet with only rows in `keep` ([start, end) spans): positions stay absolute."""
    rows = [cells if any(a <= r < b for a, b in keep) else [] for r, cells in enumerate(sheet.rows)]
    merged = [m for m in sheet.merged if any(a <= m[0][0] < b for a, b in keep)]
    return Sheet(sheet.name, sheet.path, rows, merged)


class _Reader:
    def __init__(self, workbook: Workbook, sheets: list[Sheet], tables: list[Table]) -> None:
        self.workbook = workbook
        self.sheets = sheets
        self.tables = tables
        self.findings: list[Finding] = []
        self.skipped: list[SkippedRow] = []

    # -- styles ---------------------------------------------------------------------------
    def _styles(self, sheet: Sheet, rows: list[int], cols: list[int]) -> dict:
        styles = self.workbook.cell_styles(sheet, rows, cols)
        if not self.workbook.fills_readable:
            # _table_styles asks for a table's month columns only when no month is marked by
            # value: then the months hang on fills this file cannot show, and the report says so.
            for table in self.tables:
                months = sorted(table.months.values())
                if table.sheet is sheet and table.rows == rows and months and set(months) <= set(
                    cols
                ):
                    self._finding("FILLS_NOT_READ", "warning", self.workbook.fills_not_read(
                        sheet.name), sheet=sheet, row=table.top, col=months[0])
                    break
        return styles

    def _table_styles(self, table: Table) -> dict[tuple[int, int], CellStyle]:
        sheet, rows = table.sheet, table.rows
        cols: set[int] = set()
        marks_by_value = any(
            is_mark(sheet.value(r, c)) for r in rows for c in table.months.values()
        )
        if table.months and not marks_by_value:
            cols.update(table.months.values())
            cols.add(table.fields["number"])
            if "name" in table.fields:
                cols.add(table.fields["name"])
        for name in PERCENT_FIELDS:
            col = table.fields.get(name)
            if col is None:
                continue
            values = [sheet.value(r, col) for r in rows]
            if any(isinstance(v, float | int) and -1.5 <= v <= 1.5 for v in values):
                cols.add(col)
        return self._styles(sheet, rows, sorted(cols)) if cols else {}

    # -- findings -------------------------------------------------------------------------
    def _finding(self, code: str, severity: str, message: str, *, activity=None, partida=None,
                 sheet: Sheet | None = None, row: int | None = None, col: int | None = None):
        self.findings.append(
            Finding(
                code=code, severity=severity, message=message, activity=activity,
                partida=partida, sheet=sheet.name if sheet else None,
                cell=cell_name(row, col) if row is not None and col is not None else None,
            )
        )

    def _invalid(self, table: Table, row: int, col: int, field: str, kind: str,
                 value: object, activity: int | None) -> None:
        who = f"de la actividad {activity}" if activity is not None else ""
        self._finding(
            "INVALID_VALUE", "error",
            f"«{FIELD_LABELS.get(field, field)}» {who} debe ser {KIND_LABELS[kind]}, "
            f"pero dice «{as_text(value)}».".replace("  ", " "),
            activity=activity, sheet=table.sheet, row=row, col=col,
        )

    # -- activities -----------------------------------------------------------------------
    def _roles(self) -> tuple[Table, list[Table]]:
        tables = [t for t in self.tables if t.kind == "activities"]
        primary = max(tables, key=lambda t: (t.score(CATALOG_FIELDS), -tables.index(t)))
        if primary.score(CATALOG_FIELDS) == 0:
            primary = tables[0]
        others = [t for t in tables if t is not primary and t.score(SCHEDULE_FIELDS) > 0]
        return primary, others

    def _read_rows(self, table: Table, *, primary: bool) -> list[tuple[str, Activity]]:
        """(join key, activity) for every row of the table that has a readable Nº; the others are
        reported (finding) and listed as skipped rows."""
        sheet = table.sheet
        styles = self._table_styles(table)
        fractions = {
            name: looks_like_fraction_column([sheet.value(r, table.fields[name]) for r in table.rows])
            for name in PERCENT_FIELDS if name in table.fields
        }
        read: list[tuple[str, Activity]] = []
        seen: dict[str, int] = {}
        key = table.fields["number"]
        for r in table.rows:
            raw_number = sheet.value(r, key)
            label = None
            try:
                label = parse_label(raw_number)
            except TooLarge as exc:
                self._finding(
                    "INVALID_VALUE", "error",
                    f"La fila {r + 1} de «{sheet.name}» tiene como Nº de actividad "
                    f"«{as_text(raw_number)}», un número mayor que {exc.limit:,}; no se puede "
                    "leer.",
                    sheet=sheet, row=r, col=key,
                )
                self._skip(sheet, r, "unreadable number")
                continue
            except Invalid:
                pass
            if label is None:
                name_col = table.fields.get("name")
                name = as_text(sheet.value(r, name_col)) if name_col is not None else ""
                self._finding(
                    "MISSING_FIELD", "error",
                    f"La fila {r + 1} de «{sheet.name}» ({name or 'sin nombre'}) no tiene Nº de "
                    "actividad; no se puede leer.",
                    sheet=sheet, row=r, col=key,
                )
                self._skip(sheet, r, "no number")
                continue
            if label.key in seen:
                self._finding(
                    "DUPLICATE_ACTIVITY", "error",
                    f"La actividad {label.written} aparece dos veces en «{sheet.name}» (filas "
                    f"{seen[label.key] + 1} y {r + 1}); se usa la primera.",
                    activity=label.number, sheet=sheet, row=r, col=key,
                )
                continue
            seen[label.key] = r
            activity = self._activity(table, r, label.number, styles, fractions, primary)
            activity.label = label.written
            read.append((label.key, activity))
        return read

    def _skip(self, sheet: Sheet, row: int, reason: str) -> None:
        self.skipped.append(SkippedRow(sheet.name, row + 1, reason))

    def _activity(self, table: Table, r: int, number: int, styles, fractions, primary) -> Activity:
        sheet = table.sheet
        activity = Activity(number=number)
        cells = activity.cells
        cells["number"] = (sheet.name, cell_name(r, table.fields["number"]))
        for name, col in table.fields.items():
            if name == "number":
                continue
            value = sheet.value(r, col)
            target = name if (primary or name != "name") else "name_cronograma"
            cells[target] = (sheet.name, cell_name(r, col))
            if name in TEXT_FIELDS:
                setattr(activity, target, as_text(value))
            elif name == "unit":
                activity.unit = as_text(value)
            else:
                self._typed(activity, table, r, col, name, value, styles, fractions)
        if table.months:
            base = styles.get((r, table.fields["number"]))
            base_fill = base.fill if base else None
            name_col = table.fields.get("name")
            if name_col is not None and base_fill is None:
                name_style = styles.get((r, name_col))
                base_fill = name_style.fill if name_style else None
            months = []
            for month, col in sorted(table.months.items()):
                style = styles.get((r, col))
                filled = style is not None and style.fill is not None and style.fill != base_fill
                if is_mark(sheet.value(r, col)) or filled:
                    months.append(month)
            activity.months_planned = months
            first = min(table.months.values())
            cells.setdefault("months", (sheet.name, cell_name(r, first)))
        return activity

    def _typed(self, activity, table, r, col, name, value, styles, fractions) -> None:
        try:
            if name in COUNT_FIELDS:
                setattr(activity, name, parse_count(value))
            elif name in PERCENT_FIELDS:
                style = styles.get((r, col))
                # A cell whose style is known and is not "%" holds points, not a fraction.
                plain = style is not None and not style.percent
                setattr(activity, name, parse_percent(
                    value, percent_format=style is not None and style.percent,
                    fractions=fractions.get(name, False) and not plain,
                ))
            elif name in DATE_FIELDS:
                setattr(activity, name, parse_date(value))
        except TooLarge as exc:
            self._finding(
                "INVALID_VALUE", "error",
                f"«{FIELD_LABELS[name]}» de la actividad {activity.number} dice "
                f"«{as_text(value)}», un número mayor que {exc.limit:,}.",
                activity=activity.number, sheet=table.sheet, row=r, col=col,
            )
        except Invalid:
            kind = "count" if name in COUNT_FIELDS else "percent" if name in PERCENT_FIELDS else "date"
            self._invalid(table, r, col, name, kind, value, activity.number)

    def activities(self) -> list[Activity]:
        primary, others = self._roles()
        read = self._read_rows(primary, primary=True)
        numbers = self._numbers(primary, read)
        activities = [a for _, a in read]
        for activity, number in zip(activities, numbers.values(), strict=True):
            activity.number = number
        by_key = dict(zip(numbers, activities, strict=True))
        for table in others:
            matched: set[str] = set()
            for key, extra in self._read_rows(table, primary=False):
                base = by_key.get(key)
                if base is None:
                    extra.name = extra.name_cronograma or ""
                    if extra.number in {a.number for a in activities}:
                        extra.number = max(a.number for a in activities) + 1
                    activities.append(extra)
                    by_key[key] = extra
                    self._finding(
                        "UNMATCHED_ACTIVITY", "warning",
                        f"La actividad {extra.label} está en «{table.sheet.name}» pero no en la "
                        f"tabla de actividades de «{primary.sheet.name}».",
                        activity=extra.number, sheet=table.sheet,
                        row=None, col=None,
                    )
                    continue
                matched.add(key)
                extra.number = base.number
                _merge(base, extra)
            for key, activity in by_key.items():
                if key not in matched and activity.cells.get("number", ("",))[0] == (
                    primary.sheet.name
                ) and table.rows:
                    self._finding(
                        "UNMATCHED_ACTIVITY", "warning",
                        f"La actividad {activity.label} está en la tabla de actividades pero no "
                        f"en «{table.sheet.name}».",
                        activity=activity.number, sheet=primary.sheet,
                    )
        return activities

    def _numbers(self, table: Table, read: list[tuple[str, Activity]]) -> dict[str, int]:
        """Each join key's integer: the number written, or — when two labels share it (A-1 and
        B-1) — the activity's place in the table, with a finding that says why."""
        numbers = {key: activity.number for key, activity in read}
        if len(set(numbers.values())) == len(numbers):
            return numbers
        by_number: dict[int, list[str]] = {}
        for _, activity in read:
            by_number.setdefault(activity.number, []).append(activity.label)
        shared = [" y ".join(labels) for labels in by_number.values() if len(labels) > 1]
        self._finding(
            "ACTIVITIES_RENUMBERED", "warning",
            f"En «{table.sheet.name}» hay claves de actividad con el mismo número "
            f"({'; '.join(shared[:3])}{'…' if len(shared) > 3 else ''}); se numeraron del 1 al "
            f"{len(read)} en el orden de la tabla y se conserva la clave escrita.",
            sheet=table.sheet, row=table.top, col=table.fields["number"],
        )
        return {key: i for i, (key, _) in enumerate(read, start=1)}

    # -- budget ---------------------------------------------------------------------------
    def budget(self) -> tuple[list[BudgetLine], float | None, tuple[str, str] | None]:
        lines: list[BudgetLine] = []
        total: float | None = None
        total_cell = None
        seen: dict[str, int] = {}
        for table in (t for t in self.tables if t.kind == "budget"):
            sheet = table.sheet
            pcol, acol = table.fields["partida"], table.fields["approved"]
            ncol = table.fields.get("name")
            for r in table.rows:
                code = as_text(sheet.value(r, pcol))
                name = as_text(sheet.value(r, ncol)) if ncol is not None else ""
                raw = sheet.value(r, acol)
                try:
                    amount = parse_number(raw)
                except Invalid:
                    amount = None
                    self._finding(
                        "INVALID_VALUE", "error",
                        f"El importe de la partida {code or name} debe ser una cantidad, pero dice "
                        f"«{as_text(raw)}».", partida=code or None, sheet=sheet, row=r, col=acol,
                    )
                if "total" in code.lower() or (not code and "total" in name.lower()):
                    total, total_cell = amount, (sheet.name, cell_name(r, acol))
                    continue
                if not code and not name:
                    continue
                if len(code) > MAX_PARTIDA:
                    self._finding(
                        "INVALID_VALUE", "error",
                        f"La fila {r + 1} de «{sheet.name}» tiene como partida un texto de "
                        f"{len(code):,} caracteres, no una clave del clasificador; no se tomó en "
                        "cuenta.", sheet=sheet, row=r, col=pcol,
                    )
                    continue
                if code in seen:
                    self._finding(
                        "DUPLICATE_PARTIDA", "error",
                        f"La partida {code} aparece dos veces en «{sheet.name}» (filas "
                        f"{seen[code] + 1} y {r + 1}).", partida=code, sheet=sheet, row=r, col=pcol,
                    )
                seen[code] = r
                lines.append(BudgetLine(
                    partida=code, name=name, approved=amount,
                    cells={"partida": (sheet.name, cell_name(r, pcol)),
                           "approved": (sheet.name, cell_name(r, acol))}
                    | ({"name": (sheet.name, cell_name(r, ncol))} if ncol is not None else {}),
                ))
        return lines, total, total_cell

    # -- identity -------------------------------------------------------------------------
    def identity(self, activities: list[Activity], year: int | None) -> tuple[PlanIdentity, str]:
        table_rows = {
            (t.sheet.name, r)
            for t in self.tables for r in range(t.top, max(t.end, t.bottom) + 1)
        }
        labels: dict[str, str] = {}
        place = None
        texts: list[str] = []
        for sheet in self.sheets:
            free_rows = [r for r in range(len(sheet.rows)) if (sheet.name, r) not in table_rows]
            for name, value in labelled_values(sheet, free_rows).items():
                labels.setdefault(name, value)
            for r in free_rows:
                for value in sheet.rows[r]:
                    if isinstance(value, str) and value.strip():
                        texts.append(value)
                        if place is None:
                            place = place_from_text(value)
        for table in self.tables:
            for part in _header_texts(table):
                texts.append(part)
        municipio, estado = "", ""
        if "municipio" in labels:
            found = place_from_text(labels["municipio"])
            municipio, estado = found if found else (labels["municipio"], "")
        elif place:
            municipio, estado = place
        source = "indicado" if year else ""
        if year is None:
            header_years = [y for t in self.tables for y in t.years] + heading_years(texts)
            if "year" in labels and labels["year"][:4].isdigit():
                header_years.append(int(labels["year"][:4]))
            year = most_common(header_years)
            source = "encabezado" if year else ""
        if year is None:
            dates = [d.year for a in activities for d in (a.start, a.end) if d]
            year = most_common(dates)
            source = "fechas" if year else ""
        area = labels.get("area") or most_common([a.responsable for a in activities]) or ""
        return PlanIdentity(
            municipio=self._fit("Municipio", municipio), estado=estado,
            direccion=self._fit("Dirección", labels.get("direccion", "")),
            area=self._fit("Área", area), fiscal_year=year, objetivo=labels.get("objetivo", ""),
            objetivos_especificos=labels.get("objetivos_especificos", ""),
        ), source

    def _fit(self, label: str, value: str) -> str:
        """The value cut to what the plan's columns hold, with a warning when it had to be cut.

        MAX_IDENTITY counts the folded text, which the plan's key joins (and folding may
        lengthen a text: "ß" becomes "ss")."""
        if len(fold(value)) <= MAX_IDENTITY:
            return value
        cut = value[:MAX_IDENTITY]
        while len(fold(cut)) > MAX_IDENTITY:
            cut = cut[:-1]
        cut = cut.rstrip()
        self._finding(
            "INVALID_VALUE", "warning",
            f"«{label}» dice un texto de {len(value):,} caracteres; se guardaron los primeros "
            f"{len(cut):,}.",
        )
        return cut

    def missing_columns(self) -> None:
        tables = [t for t in self.tables if t.kind == "activities"]
        fields = {f for t in tables for f in t.fields}
        primary, _ = self._roles()
        seen = list(dict.fromkeys(c.header for t in tables for c in t.columns))
        shown = ", ".join(f"«{h}»" for h in seen[:20]) + ("…" if len(seen) > 20 else "")
        for name in ("programmed", "achieved", "start", "end"):
            if name not in fields:
                self._finding(
                    "MISSING_FIELD", "warning",
                    f"No se encontró la columna «{FIELD_LABELS[name]}» en ninguna tabla de "
                    f"actividades; encabezados vistos: {shown}.",
                    sheet=primary.sheet, row=primary.top, col=primary.fields["number"],
                )

    def refuse_empty(self) -> None:
        """A header was found but no row could be read as an activity: never an empty success."""
        primary, _ = self._roles()
        skipped = [s for s in self.skipped_rows() if s.sheet == primary.sheet.name]
        why = "; ".join(f"fila {s.row}: {SKIP_REASONS[s.reason]}" for s in skipped[:5])
        raise NotAPoaWorkbook(
            f"La hoja «{primary.sheet.name}» tiene el encabezado de la tabla de actividades en la "
            f"fila {primary.top + 1}, pero ninguna fila debajo se pudo leer como actividad"
            + (f" ({why}{'…' if len(skipped) > 5 else ''})" if why else " (no hay filas con Nº)")
            + "; revise la columna «Nº»."
        )

    def columns(self) -> list[ColumnUse]:
        return [
            ColumnUse(t.sheet.name, cell_name(c.header_row, c.col), c.header, c.field, t.kind,
                      key=c.key, source=c.source, month=c.month, samples=_samples(t, c.col))
            for t in self.tables for c in t.columns
        ]

    def skipped_rows(self) -> list[SkippedRow]:
        rows = [SkippedRow(t.sheet.name, r + 1, reason) for t in self.tables
                for r, reason in t.skipped] + self.skipped
        order = {s.name: i for i, s in enumerate(self.sheets)}
        return sorted(set(rows), key=lambda s: (order.get(s.sheet, 0), s.row))

    def document(self, year: int | None) -> PoaDocument:
        activities = self.activities()
        if not activities:
            self.refuse_empty()
        self.missing_columns()
        budget, total, total_cell = self.budget()
        plan, source = self.identity(activities, year)
        alignment = read_alignment(self.sheets, [a.number for a in activities])
        self.findings.extend(alignment.findings)
        return PoaDocument(
            plan=plan, activities=activities, budget=budget, budget_total=total,
            budget_total_cell=total_cell, read_findings=self.findings, year_source=source,
            alignment=alignment.links, skipped=self.skipped_rows(), columns=self.columns(),
        )


def _samples(table: Table, col: int, count: int = 3) -> tuple[str, ...]:
    """The first `count` values of a column in the table's rows, as text (for the preview)."""
    found: list[str] = []
    for r in table.rows:
        value = table.sheet.value(r, col)
        if not is_blank(value):
            text = as_text(value)
            found.append(text if len(text) <= 60 else text[:59] + "…")
            if len(found) == count:
                break
    return tuple(found)


def _header_texts(table: Table) -> list[str]:
    sheet = table.sheet
    texts = []
    for r in range(max(0, table.top - 3), table.bottom + 1):
        for value in sheet.rows[r]:
            if isinstance(value, str) and value.strip():
                texts.append(value)
    return texts


def _merge(base: Activity, extra: Activity) -> None:
    """Fill `base` (activity table) with what the cronograma row says."""
    for name, cell in extra.cells.items():
        if name == "number":
            continue
        if name in base.cells and name != "name_cronograma" and (
                name == "months" or getattr(base, name) not in (None, "")):
            continue  # the activity table says it; an empty cell there does not hide this one
        if name != "months":
            setattr(base, name, getattr(extra, name))
        base.cells[name] = cell
    if extra.months_planned and not base.months_planned:
        base.months_planned = extra.months_planned
