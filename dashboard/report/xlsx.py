"""The Informe para cabildo as an Excel workbook: `report_xlsx(data) -> bytes` (openpyxl).

Sheets Portada, Actividades, Presupuesto, Reprogramaciones (only when a goal or a date changed),
Hallazgos, Hallazgos por código, Seguimiento (the open findings with their age and aclaraciones;
not for a POA's first version without aclaraciones) and Alineación. Numbers are numbers and dates
are dates, with Mexican formats (`#,##0.00`, `0.0 %`, `dd/mm/yyyy`); every text cell goes through
`dashboard.exports.escape_cell` and is stored as text, so nothing a POA says runs as a formula.
Each table sheet starts with its header row, frozen, with Excel's filters on it; months are named
(«Ene», «Feb»…), never numbered. Letter paper, page numbers in the printed footer, the header row
repeated on every printed page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.exports import escape_cell
from dashboard.report.data import (
    ALIGNMENT_EMPTY,
    ALIGNMENT_TITLE,
    SEMAFORO_KEYS,
    SEVERITY_PLURALS,
    SEVERITY_WORDS,
    ReportBudgetRow,
    ReportData,
)
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.codes import BUDGET_CODE_TITLES, CODE_TITLES
from loaders.text import fmt_date, fmt_money, fmt_pct, month_name

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
MONEY = '"$"#,##0.00;-"$"#,##0.00'
PCT = "0.0 %"
COUNT = "#,##0"
POINTS = "0.0"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)
HEAD_FILL = PatternFill("solid", fgColor="E9ECEF")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
# Light fills with the word beside them: the colour is never alone.
SEMAFORO_FILLS = {"verde": "D4EDDA", "amarillo": "FFF3CD", "rojo": "F8D7DA", None: "E9ECEF"}
# An overspent partida: dark red text (#A4161A on #F8D7DA 5.9:1) on the rojo fill, and its word.
OVERSPENT_FILL = PatternFill("solid", fgColor="F8D7DA")
OVERSPENT_FONT = Font(color="A4161A", bold=True)
OVERSPENT_WORD = "⚠ Sobregirada"
GROUP_FILLS = {"official": PatternFill("solid", fgColor="DFE8F0"),
               "control": PatternFill("solid", fgColor="E9ECEF")}
GROUP_RULE = Border(left=Side(style="medium", color="5D6D6E"))
# «Ene», «Feb»… as the months' column headers and in lists of months.
MONTH_ABBR = tuple(month_name(m)[:3].capitalize() for m in range(1, 13))


def put(ws: Worksheet, row: int, column: int, value: object, number_format: str | None = None,
        font: Font | None = None):
    """Write one cell: text escaped and kept as text, numbers and dates with their format."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = escape_cell(value)
        cell.data_type = "s"  # never a formula, whatever the text
    else:
        cell.value = value
        if number_format:
            cell.number_format = number_format
        elif isinstance(value, datetime):
            cell.number_format = DATETIME
        elif isinstance(value, date):
            cell.number_format = DATE
    if font is not None:
        cell.font = font
    return cell


def fraction(pct: float | None) -> float | None:
    """A percentage (11.6) as the fraction Excel formats with `%` (0.116)."""
    return None if pct is None else pct / 100


def _headers(ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float], *,
             frozen_columns: int = 0, first_title_row: int | None = None) -> None:
    """The header row of a table sheet: bold on grey, repeated on every printed page (with the
    rows above it from `first_title_row`), and frozen with the rows above it and the first
    `frozen_columns` columns."""
    for j, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws, row, j, text, font=BOLD)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.print_title_rows = f"{first_title_row or row}:{row}"  # repeated on every printed page
    ws.freeze_panes = ws.cell(row=row + 1, column=frozen_columns + 1)


def _filter(ws: Worksheet, header_row: int, columns: int, last_row: int) -> None:
    """Excel's filter buttons on the header row, over the rows of the table."""
    last = max(last_row, header_row + 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last}"


def _print_setup(ws: Worksheet, data: ReportData, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    title = f"Informe para cabildo · {data.identity.title}".replace("&", "&&")
    ws.oddHeader.left.text = title
    ws.oddHeader.right.text = f"Fecha de corte: {fmt_date(data.as_of)}"
    ws.oddFooter.left.text = f"Versión {data.version.number}"
    ws.oddFooter.right.text = "Página &P de &N"


def _cover(ws: Worksheet, data: ReportData) -> None:
    ident, v = data.identity, data.version
    put(ws, 1, 1, "Informe para cabildo", font=TITLE)
    put(ws, 2, 1, f"Plan Operativo Anual {ident.fiscal_year or ''} · {ident.area}".strip())
    rows: list[tuple[str, object, str | None]] = [
        ("Municipio", ident.municipio, None),
        ("Estado", ident.estado, None),
        ("Dirección", ident.direccion, None),
        ("Área", ident.area, None),
        ("Año fiscal", ident.fiscal_year, "0"),
        ("Objetivo", ident.objetivo, None),
        ("Fecha de corte", data.as_of, DATE),
        ("Versión del POA", v.number, "0"),
        ("Cargada el", v.uploaded_at, DATETIME),
        ("Cargada por", v.uploaded_by, None),
        ("Archivo", v.file_name, None),
        ("Huella SHA-256", v.sha256, None),
        ("Informe generado", data.generated_at, DATETIME),
        (None, None, None),
        ("Índice de Eficiencia", fraction(data.index_pct), PCT),
        ("Meta alcanzada (suma)", data.index_achieved, COUNT),
        ("Meta programada (suma)", data.index_programmed, COUNT),
        ("Índice esperado a la fecha", fraction(data.expected_index_pct), PCT),
        ("Actividades", len(data.activities), COUNT),
        *[(f"{SEMAFORO_ICONS[k]} {SEMAFORO_WORDS[k]}", data.count(k), COUNT)
          for k in SEMAFORO_KEYS],
        ("Concluidas", data.concluded, COUNT),
        ("Vencidas", data.overdue, COUNT),
        ("Presupuesto aprobado", data.budget_total.aprobado, MONEY),
        ("Presupuesto modificado", data.budget_total.modificado, MONEY),
        ("Presupuesto devengado", data.budget_total.devengado, MONEY),
        ("Subejercicio", data.budget_total.subejercicio, MONEY),
        ("Presupuesto ejercido", data.budget_total.ejercido, MONEY),
        ("Partidas sobregiradas", _overspent_text(data), None),
        ("Hallazgos", data.findings_total, COUNT),
        *[(SEVERITY_PLURALS[s], n, COUNT) for s, n in data.severity_counts],
        ("Hallazgos del presupuesto", len(data.budget_findings), COUNT),
    ]
    for i, (label, value, fmt) in enumerate(rows, start=4):
        if label is None:
            continue
        put(ws, i, 1, label, font=BOLD)
        cell = put(ws, i, 2, value if value is not None else "", fmt)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80
    ws.sheet_view.showGridLines = False


def _overspent_text(data: ReportData) -> str:
    """«3761 (108.0 %, excede $4,000.00)», or «Ninguna»."""
    over = [r for r in data.budget_rows if r.overspent]
    if not over:
        return "Ninguna"
    return "; ".join(f"{r.partida} ({fmt_pct(r.pct_ejercido) + ', ' if r.pct_ejercido else ''}"
                     f"excede {fmt_money(r.excess)})" for r in over)


ACTIVITY_HEADERS = ("Nº", "Actividad", "Eje", "Meta programada", "Meta alcanzada", "Avance real",
                    "Esperado al corte", "Brecha (puntos)", "Semáforo", "Estado",
                    "% declarado en el libro", "¿El % declarado cuadra?", "Inicio", "Fin",
                    *MONTH_ABBR)
ACTIVITY_WIDTHS = (6, 48, 28, 12, 12, 11, 11, 11, 13, 13, 12, 12, 12, 12, *([5.5] * 12))
FIRST_MONTH_COLUMN = 15  # O: «Ene»; a planned month is marked «X», as in the cronograma


def _activities(ws: Worksheet, data: ReportData) -> None:
    _headers(ws, 1, ACTIVITY_HEADERS, ACTIVITY_WIDTHS, frozen_columns=2)
    for i, a in enumerate(data.activities, start=2):
        values: list[tuple[object, str | None]] = [
            (a.number, "0"), (a.name, None), (a.eje, None), (a.programmed, COUNT),
            (a.achieved, COUNT), (fraction(a.real_pct), PCT), (fraction(a.expected_pct), PCT),
            (a.gap, POINTS), (a.semaforo_text, None), (a.status_label, None),
            (fraction(a.declared_pct), PCT),
            ("" if a.declared_pct is None else ("No" if a.pct_mismatch else "Sí"), None),
            (a.start, DATE), (a.end, DATE),
        ]
        for j, (value, fmt) in enumerate(values, start=1):
            cell = put(ws, i, j, value, fmt)
            if isinstance(value, str):
                cell.alignment = WRAP
        for month in range(1, 13):
            cell = put(ws, i, FIRST_MONTH_COLUMN + month - 1,
                       "X" if month in a.months_planned else "")
            cell.alignment = Alignment(horizontal="center", vertical="top")
        ws.cell(row=i, column=9).fill = PatternFill("solid", fgColor=SEMAFORO_FILLS[a.semaforo])
    _filter(ws, 1, len(ACTIVITY_HEADERS), len(data.activities) + 1)


# The EAEPE as the CONAC publishes it, then the director's working columns («Control interno»).
EAEPE_OFFICIAL = (("aprobado", "Aprobado"), ("ampliaciones_netas", "Ampliaciones/ (Reducciones)"),
                  ("modificado", "Modificado"), ("devengado", "Devengado"),
                  ("pagado", "Pagado"), ("subejercicio", "Subejercicio"))
EAEPE_CONTROL = (("comprometido", "Comprometido"), ("ejercido", "Ejercido"),
                 ("disponible", "Disponible"))
EAEPE_HEADERS = ("Partida", "Nombre en el POA", "Nombre en el clasificador",
                 *[h for _, h in EAEPE_OFFICIAL], *[h for _, h in EAEPE_CONTROL], "% ejercido",
                 "Situación")
EAEPE_WIDTHS = (9, 34, 34, 14, 15, 14, 14, 14, 14, 14, 14, 14, 11, 16)
FIRST_AMOUNT, FIRST_CONTROL = 4, 4 + len(EAEPE_OFFICIAL)  # D, J
PCT_COLUMN = FIRST_CONTROL + len(EAEPE_CONTROL)  # M
SITUATION_COLUMN = PCT_COLUMN + 1  # N
# Negative amounts in parentheses, as the CONAC publishes them.
SIGNED_MONEY = '"$"#,##0.00;("$"#,##0.00)'
EAEPE_GROUP_ROW, EAEPE_HEADER_ROW = 1, 2


def _budget_line(ws: Worksheet, row: int, r: ReportBudgetRow, font: Font | None = None) -> None:
    total = r.partida == "TOTAL"
    over = r.overspent and not total
    font = OVERSPENT_FONT if over else font
    put(ws, row, 1, "Total" if total else r.partida, font=font)
    put(ws, row, 2, r.name if not total else "", font=font).alignment = WRAP
    put(ws, row, 3, r.official_name or "", font=font).alignment = WRAP
    for j, (key, _) in enumerate((*EAEPE_OFFICIAL, *EAEPE_CONTROL), start=FIRST_AMOUNT):
        cell = put(ws, row, j, getattr(r, key), SIGNED_MONEY, font=font)
        if j == FIRST_CONTROL:
            cell.border = GROUP_RULE
    put(ws, row, PCT_COLUMN, fraction(r.pct_ejercido), PCT, font=font)
    put(ws, row, SITUATION_COLUMN,
        f"{OVERSPENT_WORD}: excede {fmt_money(r.excess)}" if over else "", font=font)
    if over:
        for j in range(1, SITUATION_COLUMN + 1):
            ws.cell(row=row, column=j).fill = OVERSPENT_FILL


def _budget(ws: Worksheet, data: ReportData) -> None:
    # Row 1 groups the columns: «Formato CONAC (EAEPE)» over D:I, «Control interno» over J:N.
    groups = (("official", "Formato CONAC (EAEPE)", FIRST_AMOUNT, FIRST_CONTROL - 1),
              ("control", "Control interno", FIRST_CONTROL, SITUATION_COLUMN))
    for key, text, first, last in groups:
        cell = put(ws, EAEPE_GROUP_ROW, first, text, font=BOLD)
        cell.fill = GROUP_FILLS[key]
        cell.alignment = Alignment(horizontal="center", vertical="center")
        for j in range(first + 1, last + 1):
            ws.cell(row=EAEPE_GROUP_ROW, column=j).fill = GROUP_FILLS[key]
        ws.merge_cells(start_row=EAEPE_GROUP_ROW, start_column=first, end_row=EAEPE_GROUP_ROW,
                       end_column=last)
    ws.cell(row=EAEPE_GROUP_ROW, column=FIRST_CONTROL).border = GROUP_RULE
    _headers(ws, EAEPE_HEADER_ROW, EAEPE_HEADERS, EAEPE_WIDTHS, frozen_columns=2,
             first_title_row=EAEPE_GROUP_ROW)
    ws.cell(row=EAEPE_HEADER_ROW, column=FIRST_CONTROL).border = GROUP_RULE
    first = EAEPE_HEADER_ROW + 1
    for i, r in enumerate(data.budget_rows, start=first):
        _budget_line(ws, i, r)
    total_row = first + len(data.budget_rows)
    # The filter covers the partidas; the total row stays below them, outside the filter.
    _filter(ws, EAEPE_HEADER_ROW, len(EAEPE_HEADERS), total_row - 1)
    _budget_line(ws, total_row, data.budget_total, BOLD)
    note = total_row + 2
    put(ws, note, 1, f"Movimientos registrados hasta la fecha de corte {fmt_date(data.as_of)}. "
        "Formato CONAC: modificado = aprobado + ampliaciones − reducciones; subejercicio = "
        "modificado − devengado. Control interno: disponible = modificado − comprometido; "
        "% ejercido = ejercido / modificado; sobregirada = ejercido mayor que el modificado.")


FINDING_HEADERS = ("Origen", "Severidad", "Código", "Qué significa", "Actividad", "Partida",
                   "Ubicación", "Mensaje")
FINDING_WIDTHS = (13, 13, 24, 34, 10, 10, 18, 90)


def _findings(ws: Worksheet, data: ReportData, all_findings) -> None:
    """Every finding, of the POA and of the budget, errors first: one table from row 1."""
    _headers(ws, 1, FINDING_HEADERS, FINDING_WIDTHS)
    row = 1
    for origin, f in all_findings:
        row += 1
        title = CODE_TITLES.get(f.code, "") if origin == "POA" else (
            BUDGET_CODE_TITLES.get(f.code) or CODE_TITLES.get(f.code, ""))
        values = (origin, f.severity_word, f.code, title, f.activity, f.partida or "", f.where,
                  f.message)
        for j, value in enumerate(values, start=1):
            cell = put(ws, row, j, value, "0" if j == 5 and value is not None else None)
            if isinstance(value, str):
                cell.alignment = WRAP
    _filter(ws, 1, len(FINDING_HEADERS), row)


CODE_HEADERS = ("Código", "Qué significa", "Severidad", "Cuántos")
CODE_WIDTHS = (26, 60, 14, 10)


def _codes(ws: Worksheet, data: ReportData) -> None:
    """The POA's findings counted by code (the totals by severity are on the Portada)."""
    _headers(ws, 1, CODE_HEADERS, CODE_WIDTHS)
    for i, c in enumerate(data.code_counts, start=2):
        put(ws, i, 1, c.code)
        put(ws, i, 2, c.title).alignment = WRAP
        put(ws, i, 3, SEVERITY_WORDS.get(c.severity, c.severity))
        put(ws, i, 4, c.count, COUNT)
    _filter(ws, 1, len(CODE_HEADERS), len(data.code_counts) + 1)


FOLLOWUP_HEADERS = ("Estado", "Abierto", "Severidad", "Código", "Qué significa", "Actividad",
                    "Partida", "Ubicación", "Mensaje", "Aclaraciones")
FOLLOWUP_WIDTHS = (11, 28, 13, 24, 34, 10, 10, 18, 70, 60)


def _followup(ws: Worksheet, data: ReportData) -> None:
    """The open findings against the previous version (as the PDF's «Seguimiento»): the
    sentence, then one row per finding with its age and its aclaraciones."""
    follow = data.followup
    put(ws, 1, 1, follow.sentence, font=BOLD)
    _headers(ws, 3, FOLLOWUP_HEADERS, FOLLOWUP_WIDTHS)
    row = 3
    for f in follow.open:
        row += 1
        values = (f.status.capitalize(), f.age[:1].upper() + f.age[1:], f.severity_word, f.code,
                  f.title, f.activity, f.partida or "", f.where, f.message, "\n".join(f.notes))
        for j, value in enumerate(values, start=1):
            cell = put(ws, row, j, value, "0" if j == 6 and value is not None else None)
            if isinstance(value, str):
                cell.alignment = WRAP
    _filter(ws, 3, len(FOLLOWUP_HEADERS), row)


REPROGRAMMING_HEADERS = ("Actividad", "Campo", "Original", "Vigente", "Reprogramaciones",
                         "Aprobó")
REPROGRAMMING_WIDTHS = (40, 18, 13, 13, 90, 20)


def _reprogrammings(ws: Worksheet, data: ReportData) -> None:
    """Each reprogrammed goal or date (as the PDF's «Metas reprogramadas»): the original beside
    the current value, and every change with its date, version, approver and motivo."""
    _headers(ws, 1, REPROGRAMMING_HEADERS, REPROGRAMMING_WIDTHS)
    row = 1
    for r in data.reprogrammings:
        row += 1
        values = (r.heading, r.field, r.original, r.current, "\n".join(r.steps), r.approved_by)
        for j, value in enumerate(values, start=1):
            put(ws, row, j, value).alignment = WRAP
    _filter(ws, 1, len(REPROGRAMMING_HEADERS), row)


def _alignment(ws: Worksheet, data: ReportData) -> None:
    put(ws, 1, 1, ALIGNMENT_TITLE, font=TITLE)
    row = 2
    if data.alignment_note:
        put(ws, row, 1, data.alignment_note).alignment = WRAP
        row += 1
    row += 1
    if not data.alignment_gaps:
        put(ws, row, 1, ALIGNMENT_EMPTY)
    for gap in data.alignment_gaps:
        put(ws, row, 1, gap).alignment = WRAP
        row += 1
    ws.column_dimensions["A"].width = 120


def report_xlsx(data: ReportData) -> bytes:
    """The Informe para cabildo of `data` as the bytes of an .xlsx workbook."""
    wb = Workbook()
    wb.properties.creator = "Tablero POA"
    wb.properties.title = f"Informe para cabildo — {data.identity.title}"
    wb.properties.created = data.generated_at
    wb.properties.language = "es-MX"
    sheets = [("Portada", _cover, False), ("Actividades", _activities, True),
              ("Presupuesto", _budget, True)]
    for k, (title, fill, landscape) in enumerate(sheets):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        fill(ws, data)
        _print_setup(ws, data, landscape=landscape)
    if data.reprogrammings:  # only when a goal or a date changed
        ws = wb.create_sheet("Reprogramaciones")
        _reprogrammings(ws, data)
        _print_setup(ws, data, landscape=True)
    ws = wb.create_sheet("Hallazgos")
    listed = [("POA", f) for f in data.findings] + [("Presupuesto", f)
                                                    for f in data.budget_findings]
    listed.sort(key=lambda item: SEVERITY_RANK.get(item[1].severity, 3))  # stable: errors first
    _findings(ws, data, listed)
    _print_setup(ws, data, landscape=True)
    ws = wb.create_sheet("Hallazgos por código")
    _codes(ws, data)
    _print_setup(ws, data, landscape=False)
    follow = data.followup
    # Like the PDF: a first version (all its findings new, counted by code) only with aclaraciones.
    if follow is not None and (not follow.first or any(f.notes for f in follow.open)):
        ws = wb.create_sheet("Seguimiento")
        _followup(ws, data)
        _print_setup(ws, data, landscape=True)
    ws = wb.create_sheet("Alineación")
    _alignment(ws, data)
    _print_setup(ws, data, landscape=False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

