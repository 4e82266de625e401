"""The three layouts real areas give a POA workbook, written from a `PoaWorkbook` description.

- "oficial", the official template: «POA» (identity and the activity catalogue), «Cronograma»
  (goals, months and dates under a three-row merged header), «Presupuesto» and «Observaciones»
  (the signatures).
- "dos_hojas": «Actividades» (identity and catalogue), «Calendario» (goals, months and dates under
  a two-row merged header) and «Presupuesto» with the signatures below.
- "una_hoja": one sheet with one combined table under a one-row header, the budget below it and
  then the signatures.

Any of them may add the «Indicador» sheet (after the goals) and the «Alineación» sheet (last).
With a banner, every sheet opens with it in row 1 and its title goes to row 2; without, the title
is in row 1. The identity lines start two rows below the title and the activity headers at row 9
(row 10 in the one-sheet layout), lower if the identity lines need the room, plus the
presentation's offset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from loaders.model import Activity
from loaders.write.cells import (
    BOLD,
    BOLD_CENTER,
    CENTER,
    HEADER,
    TEXT,
    TITLE,
    TOTAL,
    WRAP,
    banner,
    date_cell,
    money_cell,
    month_style,
    percent_cell,
)
from loaders.write.poa import LABELS, PoaWorkbook
from loaders.write.xlsx import Sheet, Style, Workbook

MONTHS = (
    "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio",
    "Julio", "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre",
)
MONTH_NUMBERS = range(1, 13)
CATALOG = ("name", "eje", "linea_estrategica", "linea_accion", "actividad_especifica")
GOALS = ("unit", "goal", "programmed", "programmed_pct", "achieved", "declared_pct")
SCHEDULE = ("months", "start", "end")
TEXT_FIELDS = (*CATALOG, "name_cronograma", "responsable")
PERCENT_FIELDS = ("programmed_pct", "declared_pct")
DATE_FIELDS = ("start", "end")
CATALOG_HEADERS = (
    "Nº", "Actividad / Proyecto General", "Eje Estratégico del Plan Municipal de Desarrollo",
    "Línea Estratégica del Plan Municipal de Desarrollo",
    "Línea de Acción del Plan Municipal de Desarrollo", "Actividad Específica",
)


class _Writer:
    """One workbook being written: the pieces every layout is made of."""

    def __init__(self, book: PoaWorkbook) -> None:
        self.book = book
        self.p = book.presentation
        self.year = book.plan.fiscal_year
        self.wb = Workbook(book.properties)
        self.planned = month_style(self.p.month_fill) if self.p.months == "fill" else None

    def sheet(self, role: str, name: str, span: int, title: str,
              title_span: int = 0) -> tuple[Sheet, int]:
        """A new sheet with its banner and title; returns it and the title's row."""
        book = self.book
        ws = self.wb.sheet(book.sheet_names.get(role, name))
        row = 1
        if book.banner:
            banner(ws, book.banner, book.banner_spans.get(role, span))
            row = 2
        ws.put(row, 1, book.titles.get(role, title), TITLE)
        if title_span:
            ws.merge(row, 1, row, title_span)
        return ws, row

    def labels(self, ws: Sheet, row: int) -> int:
        """The identity lines from `row`; returns the next free row."""
        plan = self.book.plan
        for key in self.p.labels:
            if key is not None:
                value = getattr(plan, key)
                if key == "municipio" and plan.estado:
                    value = f"{plan.municipio}, {plan.estado}"
                ws.put(row, 1, LABELS[key], BOLD)
                ws.put(row, 2, value, WRAP)
            row += 1
        return row

    def first_width(self, narrowest: float) -> float:
        """The first column's width: wide enough for the identity labels it holds."""
        labels = [len(LABELS[key]) for key in self.p.labels if key is not None]
        return max([narrowest, *(n + 2 for n in labels)])

    def activities(self, ws: Sheet, first_row: int, fields: Sequence[str]) -> int:
        """One row per activity from `first_row`, a column per field ("months" takes twelve);
        returns the last row written."""
        cells = [self.cells(name) for name in fields]
        row = first_row - 1
        for row, act in enumerate(self.book.activities, start=first_row):
            ws.put_cells(row, 1, [pair for field in cells for pair in field(act)])
        return row

    def cells(self, name: str) -> Callable[[Activity], Sequence[tuple[object, Style]]]:
        """How a field becomes its cells: (value, style) pairs, one (twelve for the months)."""
        p = self.p
        if name == "months":
            if self.planned is not None:  # colour only, no value
                marked, blank = (None, self.planned), (None, CENTER)
            else:
                marked, blank = (p.months, CENTER), (None, CENTER)
            return lambda act: [marked if m in act.months_planned else blank for m in MONTH_NUMBERS]
        if name == "name_cronograma":
            return lambda act: ((act.name_cronograma or act.name, TEXT),)
        if name == "number":  # the key as written ("A-1", "1."), else the number
            return lambda act: ((act.number if act.label in ("", str(act.number)) else act.label,
                                 CENTER),)
        get = attrgetter(name)
        if name in PERCENT_FIELDS:
            return lambda act: (percent_cell(get(act), p.percent),)
        if name in DATE_FIELDS:
            return lambda act: (date_cell(get(act), p.dates),)
        style = TEXT if name in TEXT_FIELDS else CENTER
        return lambda act: ((get(act), style),)

    def budget(self, ws: Sheet, row: int, headers: tuple[str, str, str]) -> int:
        """Header and one row per partida (and a TOTAL that adds up); returns the next free row."""
        ws.put_row(row, 1, headers, HEADER)
        for line in self.book.budget:
            row += 1
            code = line.partida
            as_number = self.p.partida == "number" and code.isdigit()
            ws.put(row, 1, int(code) if as_number else code, CENTER)
            ws.put(row, 2, line.name, TEXT)
            ws.put(row, 3, *money_cell(line.approved, self.p.money))
        if self.p.budget_total:
            row += 1
            total = sum(line.approved for line in self.book.budget if line.approved is not None)
            ws.put(row, 1, "TOTAL", TOTAL)
            ws.put(row, 2, None, TOTAL)
            ws.put(row, 3, *money_cell(total, self.p.money, total=True))
        return row + 1

    def signatures(self, ws: Sheet, row: int, cols: Sequence[int]) -> None:
        """The signature blocks side by side from `row`, each block's first line in bold."""
        blocks = self.book.signatures
        if len(blocks) > len(cols):
            raise ValueError(f"This layout has room for {len(cols)} signatures, not {len(blocks)}.")
        for col, lines in zip(cols, blocks, strict=False):
            for i, text in enumerate(lines):
                if text is not None:
                    ws.put(row + i, col, text, BOLD if i == 0 else WRAP)

    def indicator(self) -> None:
        indicator = self.book.indicator
        if indicator is None:
            return
        ws, title = self.sheet("indicator", "Indicador", 3, "Indicador de Medida")
        ws.put_row(title + 2, 1, ("Nombre", "Variables", "Formula"), HEADER)
        ws.put_row(title + 3, 1, (indicator.nombre, indicator.variables, indicator.formula), TEXT)
        ws.widths = {1: 24, 2: 34, 3: 50}

    def alignment(self) -> None:
        alignment = self.book.alignment
        if alignment is None:
            return
        ws, title = self.sheet("alignment", "Alineación", 4, "Alineación de las actividades")
        ws.put(title + 1, 1, alignment.note, WRAP)
        ws.merge(title + 1, 1, title + 1, 4)
        ws.heights[title + 1] = 32
        header = title + 3
        ws.put_row(header, 1, ("Nº", "Actividad", "Fracciones del Art. 122", "Dimensiones OIM"),
                   HEADER)
        listed = [a for a in self.book.activities if a.number in alignment.rows]
        for row, act in enumerate(listed, start=header + 1):
            fracciones, dimensiones = alignment.rows[act.number]
            ws.put(row, 1, act.number, CENTER)
            ws.put(row, 2, act.name, TEXT)
            ws.put_row(row, 3, (fracciones, dimensiones), CENTER)
        ws.widths = {1: 6, 2: 48, 3: 22, 4: 18}
        ws.freeze = (header, 0)

    def header_row(self, after_labels: int, lowest: int, gap: int) -> int:
        """Where the activity headers go: at row `lowest` or `gap` rows below the identity lines
        (which end before `after_labels`), whichever is lower, plus the offset."""
        return max(lowest, after_labels + gap - 1) + self.p.offset

    def header_block(self, ws: Sheet, top: int, rows: Sequence[dict[int, str]], width: int,
                     merges: Sequence[tuple[int, int, int, int]]) -> None:
        """A merged header of len(rows) rows from `top`: every cell styled, also those a merge
        covers; `merges` are (row, col, row, col) relative to `top`."""
        for i, texts in enumerate(rows):
            for col in range(1, width + 1):
                ws.put(top + i, col, texts.get(col), HEADER)
        for r0, c0, r1, c1 in merges:
            ws.merge(top + r0, c0, top + r1, c1)


def _oficial(w: _Writer) -> None:
    year, o = w.year, w.p.offset
    ws, title = w.sheet("activities", "POA", 6, f"POA (PLAN OPERATIVO ANUAL) {year}", 6)
    header = w.header_row(w.labels(ws, title + 2), 9, 2)
    ws.put_row(header, 1, CATALOG_HEADERS, HEADER)
    ws.heights[header] = 45
    w.activities(ws, header + 1, ("number", *CATALOG))
    ws.widths = {1: w.first_width(8), 2: 36, 3: 24, 4: 24, 5: 44, 6: 44}
    ws.freeze = (header, 0)

    ws, title = w.sheet("schedule", "Cronograma", 9, f"CRONOGRAMA {year}")
    top = title + 2 + o
    first = {1: "N°", 2: "Actividad", 3: "Responsable", 4: "Unidad de medida", 5: "Meta Anual",
             6: str(year), 10: f"{year} Cronograma Programado", 22: "Fechas de metas"}
    second = {6: "Meta Programada", 8: "Meta Alcanzada", 22: "Inicio", 23: "fin"}
    second.update({10 + i: month for i, month in enumerate(MONTHS)})
    third = {6: "N°", 7: "%", 8: "N°", 9: "%"}
    merges = [(0, col, 2, col) for col in range(1, 6)]
    merges += [(0, 6, 0, 9), (0, 10, 0, 21), (0, 22, 0, 23), (1, 6, 1, 7), (1, 8, 1, 9)]
    merges += [(1, col, 2, col) for col in range(10, 24)]
    w.header_block(ws, top, (first, second, third), 23, merges)
    w.activities(ws, top + 3, ("number", "name_cronograma", "responsable", *GOALS, *SCHEDULE))
    ws.widths = {1: 5, 2: 40, 3: 24, 4: 12, 5: 9, 6: 11, 7: 7, 8: 11, 9: 7, 22: 12, 23: 12}
    ws.freeze = (top + 2, 2)

    w.indicator()
    ws, title = w.sheet("budget", "Presupuesto", 3, "Presupuesto Estimado")
    w.budget(ws, title + 2, ("PARTIDA", "NOMBRE", "CANTIDAD"))
    ws.widths = {1: 12, 2: 52, 3: 18}

    ws, _ = w.sheet("signatures", "Observaciones", 5, "Observaciones.")
    w.signatures(ws, 4, (1, 3, 5))
    ws.widths = {1: 44, 2: 4, 3: 42, 4: 4, 5: 44}
    w.alignment()


def _dos_hojas(w: _Writer) -> None:
    year, o = w.year, w.p.offset
    ws, title = w.sheet("activities", "Actividades", 7, f"POA {year} — {w.book.plan.direccion}")
    header = w.header_row(w.labels(ws, title + 2), 9, 2)
    ws.put_row(header, 1, ("Nº", "Actividad", "Eje", "Línea estratégica", "Línea de acción",
                           "Actividad específica", "Responsable"), HEADER)
    w.activities(ws, header + 1, ("number", *CATALOG, "responsable"))
    ws.widths = {1: w.first_width(8), 2: 40, 3: 28, 4: 24, 5: 40, 6: 40, 7: 24}
    ws.freeze = (header, 0)

    ws, title = w.sheet("schedule", "Calendario", 8, f"CRONOGRAMA {year}")
    top = title + 2 + o
    first = {1: "No.", 2: "Actividad", 3: "Unidad de medida", 4: "Meta anual",
             5: "Meta programada", 7: "Meta alcanzada", 9: f"Meses {year}", 21: "Inicio", 22: "Fin"}
    second = {5: "N°", 6: "%", 7: "N°", 8: "%"}
    second.update({9 + i: month.upper() for i, month in enumerate(MONTHS)})
    merges = [(0, col, 1, col) for col in (1, 2, 3, 4, 21, 22)]
    merges += [(0, 5, 0, 6), (0, 7, 0, 8), (0, 9, 0, 20)]
    w.header_block(ws, top, (first, second), 22, merges)
    ws.heights[top + 1] = 30
    w.activities(ws, top + 2, ("number", "name_cronograma", *GOALS, *SCHEDULE))
    ws.widths = {1: 6, 2: 40, 3: 16, 4: 9, 5: 9, 6: 8, 7: 9, 8: 8, 21: 12, 22: 12}
    ws.widths.update({9 + i: 7 for i in range(12)})
    ws.freeze = (top + 1, 2)

    w.indicator()
    ws, title = w.sheet("budget", "Presupuesto", 3, f"PRESUPUESTO {year}")
    row = w.budget(ws, title + 2, ("Partida", "Nombre", "Cantidad"))
    w.signatures(ws, row + 2, (1, 2, 3))
    ws.widths = {1: 24, 2: 52, 3: 36}
    w.alignment()


def _una_hoja(w: _Writer) -> None:
    year = w.year
    ws, title = w.sheet("activities", f"POA {year}", 7, f"PROGRAMA OPERATIVO ANUAL {year}")
    header = w.header_row(w.labels(ws, title + 2), 10, 3)
    headers = (
        "No.", "Actividad", "Eje", "Línea estratégica", "Línea de acción", "Actividad específica",
        "Responsable", "Unidad de medida", "Meta anual", "Meta programada N°",
        "Meta programada %", "Meta alcanzada N°", "Meta alcanzada %", *MONTHS, "Inicio", "Fin",
    )
    first_month = headers.index("Enero") + 1
    ws.put(header - 1, first_month, w.book.titles.get("schedule", f"CRONOGRAMA {year}"),
           BOLD_CENTER)
    ws.merge(header - 1, first_month, header - 1, first_month + 11)
    ws.put_row(header, 1, headers, HEADER)
    ws.heights[header] = 45
    last = w.activities(ws, header + 1, ("number", *CATALOG, "responsable", *GOALS, *SCHEDULE))
    row = last + 3
    ws.put(row, 1, w.book.titles.get("budget", "PRESUPUESTO ESTIMADO"), TITLE)
    row = w.budget(ws, row + 1, ("Partida", "Nombre", "Cantidad"))
    w.signatures(ws, row + 2, (2, 4, 6))
    ws.widths = {1: w.first_width(12), 2: 36, 3: 20, 4: 22, 5: 36, 6: 36, 7: 20, 8: 14}
    ws.widths.update({first_month + i: 5 for i in range(12)})
    ws.widths.update({first_month + 12: 12, first_month + 13: 12})
    ws.freeze = (header, 2)
    w.indicator()
    w.alignment()


LAYOUTS: dict[str, Callable[[_Writer], None]] = {
    "oficial": _oficial, "dos_hojas": _dos_hojas, "una_hoja": _una_hoja,
}


def poa_workbook(book: PoaWorkbook) -> Workbook:
    """The workbook of a POA description, before it becomes bytes: a caller may add sheets,
    validations and protection (the official template, `loaders.write.template`)."""
    if book.plan.fiscal_year is None:
        raise ValueError("The plan needs its fiscal year: the layouts' headings carry it.")
    writer = _Writer(book)
    LAYOUTS[book.presentation.layout](writer)
    return writer.wb


def poa_xlsx(book: PoaWorkbook) -> bytes:
    """The xlsx bytes of a POA workbook: the same description always gives the same bytes."""
    return poa_workbook(book).to_bytes()
