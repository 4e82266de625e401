"""Read a POA workbook into a `PoaDocument`: tables found by header, values parsed, cells kept."""

from __future__ import annotations

import logging
from pathlib import Path

from loaders.errors import NotAPoaWorkbook
from loaders.model import Activity, BudgetLine, Finding, PlanIdentity, PoaDocument
from loaders.read.alignment import is_alignment_sheet, read_alignment
from loaders.read.grid import Sheet, cell_name, read_sheets
from loaders.read.identity import heading_years, labelled_values, most_common, place_from_text
from loaders.read.package import Package, open_package
from loaders.read.styles import CellStyle, cell_styles, read_style_table
from loaders.read.tables import CATALOG_FIELDS, SCHEDULE_FIELDS, Table, find_tables
from loaders.read.values import (
    Invalid,
    TooLarge,
    as_text,
    is_mark,
    looks_like_fraction_column,
    parse_count,
    parse_date,
    parse_number,
    parse_percent,
)
from loaders.settings import Settings
from loaders.text import fold

TEXT_FIELDS = (
    "name", "eje", "linea_estrategica", "linea_accion", "actividad_especifica", "responsable",
)
COUNT_FIELDS = ("goal", "programmed", "achieved")
PERCENT_FIELDS = ("programmed_pct", "declared_pct")
DATE_FIELDS = ("start", "end")
FIELD_LABELS = {
    "number": "Nº", "name": "Actividad", "eje": "Eje estratégico",
    "linea_estrategica": "Línea estratégica", "linea_accion": "Línea de acción",
    "actividad_especifica": "Actividad específica", "responsable": "Responsable",
    "unit": "Unidad de medida", "goal": "Meta anual", "programmed": "Meta programada (N°)",
    "programmed_pct": "Meta programada (%)", "achieved": "Meta alcanzada (N°)",
    "declared_pct": "Meta alcanzada (%)", "start": "Inicio", "end": "Fin",
}
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
    data: bytes, settings: Settings, *, file_name: str = "", year: int | None = None
) -> PoaDocument:
    """Read the bytes of a workbook. Raises NotAPoaWorkbook when it is not a readable POA."""
    try:
        return _read_poa(data, settings, file_name=file_name, year=year)
    except NotAPoaWorkbook:
        raise
    except Exception as exc:
        raise unexpected_refusal(file_name) from exc


UNEXPECTED = (
    "No se pudo leer el libro: su contenido no tiene la forma de un POA; revise que sea "
    "la plantilla del POA guardada como .xlsx."
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


def _read_poa(data: bytes, settings: Settings, *, file_name: str, year: int | None) -> PoaDocument:
    package = open_package(data, settings, file_name)
    sheets = read_sheets(package, settings)
    if all(sheet.is_blank_row(r) for sheet in sheets for r in range(len(sheet.rows))):
        raise NotAPoaWorkbook("El libro está vacío: ninguna hoja tiene datos.")
    tables = [table for sheet in sheets for table in find_tables(sheet)]
    # The optional "Alineación" sheet lists Nº and Actividad too: it is never an activity table
    # (unless the workbook has no other).
    kept = [t for t in tables if not is_alignment_sheet(t.sheet.name)]
    if any(t.kind == "activities" for t in kept):
        tables = kept
    activity_tables = [t for t in tables if t.kind == "activities"]
    if not activity_tables:
        raise NotAPoaWorkbook(
            "No se encontró la tabla de actividades: ninguna hoja tiene un encabezado con «Nº» "
            "y «Actividad»."
        )
    return _Reader(package, sheets, tables).document(year)


class _Reader:
    def __init__(self, package: Package, sheets: list[Sheet], tables: list[Table]) -> None:
        self.package = package
        self.sheets = sheets
        self.tables = tables
        self.findings: list[Finding] = []
        self.style_table = None

    # -- styles ---------------------------------------------------------------------------
    def _styles(self, sheet: Sheet, rows: list[int], cols: list[int]) -> dict:
        if not sheet.path:
            return {}
        if self.style_table is None:
            self.style_table = read_style_table(self.package)
        return cell_styles(self.package, sheet.path, self.style_table, rows, cols)

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

    def _read_rows(self, table: Table, *, primary: bool) -> list[Activity]:
        sheet = table.sheet
        styles = self._table_styles(table)
        fractions = {
            name: looks_like_fraction_column([sheet.value(r, table.fields[name]) for r in table.rows])
            for name in PERCENT_FIELDS if name in table.fields
        }
        activities: list[Activity] = []
        seen: dict[int, int] = {}
        key = table.fields["number"]
        for r in table.rows:
            raw_number = sheet.value(r, key)
            number = None
            try:
                number = parse_count(raw_number)
            except TooLarge as exc:
                self._finding(
                    "INVALID_VALUE", "error",
                    f"La fila {r + 1} de «{sheet.name}» tiene como Nº de actividad "
                    f"«{as_text(raw_number)}», un número mayor que {exc.limit:,}; no se puede "
                    "leer.",
                    sheet=sheet, row=r, col=key,
                )
                continue
            except Invalid:
                pass
            if number is None:
                name_col = table.fields.get("name")
                name = as_text(sheet.value(r, name_col)) if name_col is not None else ""
                self._finding(
                    "MISSING_FIELD", "error",
                    f"La fila {r + 1} de «{sheet.name}» ({name or 'sin nombre'}) no tiene Nº de "
                    "actividad; no se puede leer.",
                    sheet=sheet, row=r, col=key,
                )
                continue
            if number in seen:
                self._finding(
                    "DUPLICATE_ACTIVITY", "error",
                    f"La actividad {number} aparece dos veces en «{sheet.name}» (filas "
                    f"{seen[number] + 1} y {r + 1}); se usa la primera.",
                    activity=number, sheet=sheet, row=r, col=key,
                )
                continue
            seen[number] = r
            activities.append(self._activity(table, r, number, styles, fractions, primary))
        return activities

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
        activities = self._read_rows(primary, primary=True)
        by_number = {a.number: a for a in activities}
        for table in others:
            matched: set[int] = set()
            for extra in self._read_rows(table, primary=False):
                base = by_number.get(extra.number)
                if base is None:
                    extra.name = extra.name_cronograma or ""
                    activities.append(extra)
                    by_number[extra.number] = extra
                    self._finding(
                        "UNMATCHED_ACTIVITY", "warning",
                        f"La actividad {extra.number} está en «{table.sheet.name}» pero no en la "
                        f"tabla de actividades de «{primary.sheet.name}».",
                        activity=extra.number, sheet=table.sheet,
                        row=None, col=None,
                    )
                    continue
                matched.add(extra.number)
                _merge(base, extra)
            for activity in activities:
                if activity.number not in matched and activity.cells.get("number", ("",))[0] == (
                    primary.sheet.name
                ) and table.rows:
                    self._finding(
                        "UNMATCHED_ACTIVITY", "warning",
                        f"La actividad {activity.number} está en la tabla de actividades pero no "
                        f"en «{table.sheet.name}».",
                        activity=activity.number, sheet=primary.sheet,
                    )
        return activities

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
        fields = {f for t in self.tables if t.kind == "activities" for f in t.fields}
        primary, _ = self._roles()
        for name in ("programmed", "achieved", "start", "end"):
            if name not in fields:
                self._finding(
                    "MISSING_FIELD", "warning",
                    f"No se encontró la columna «{FIELD_LABELS[name]}» en ninguna tabla de "
                    "actividades.", sheet=primary.sheet, row=primary.top, col=primary.fields["number"],
                )

    def document(self, year: int | None) -> PoaDocument:
        activities = self.activities()
        self.missing_columns()
        budget, total, total_cell = self.budget()
        plan, source = self.identity(activities, year)
        alignment = read_alignment(self.sheets, [a.number for a in activities])
        self.findings.extend(alignment.findings)
        return PoaDocument(
            plan=plan, activities=activities, budget=budget, budget_total=total,
            budget_total_cell=total_cell, read_findings=self.findings, year_source=source,
            alignment=alignment.links,
        )


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
        if name in base.cells and name != "name_cronograma":
            continue
        if name != "months":
            setattr(base, name, getattr(extra, name))
        base.cells[name] = cell
    if extra.months_planned and not base.months_planned:
        base.months_planned = extra.months_planned
