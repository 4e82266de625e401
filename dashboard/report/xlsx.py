"""The Informe para cabildo as an Excel workbook: `report_xlsx(data) -> bytes` (openpyxl).

Sheets Portada, Actividades, Presupuesto, Hallazgos and Alineación. Numbers are numbers and dates
are dates, with Mexican formats (`#,##0.00`, `0.0 %`, `dd/mm/yyyy`); every text cell goes through
`dashboard.exports.escape_cell` and is stored as text, so nothing a POA says runs as a formula.
Letter paper, page numbers in the printed footer, the header row repeated on every printed page.
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
from loaders.codes import CODE_TITLES
from loaders.text import fmt_date

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


def _headers(ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
    for j, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws, row, j, text, font=BOLD)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.print_title_rows = f"{row}:{row}"  # repeated on every printed page
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


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
        ("Presupuesto ejercido", data.budget_total.ejercido, MONEY),
        ("Hallazgos", data.findings_total, COUNT),
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


ACTIVITY_HEADERS = ("Nº", "Actividad", "Eje", "Meta programada", "Meta alcanzada", "Avance real",
                    "Esperado al corte", "Brecha (puntos)", "Semáforo", "Estado",
                    "% declarado en el libro", "¿El % declarado cuadra?", "Inicio", "Fin",
                    "Meses programados")
ACTIVITY_WIDTHS = (6, 48, 28, 12, 12, 11, 11, 11, 13, 13, 12, 12, 12, 12, 24)


def _activities(ws: Worksheet, data: ReportData) -> None:
    _headers(ws, 1, ACTIVITY_HEADERS, ACTIVITY_WIDTHS)
    for i, a in enumerate(data.activities, start=2):
        values: list[tuple[object, str | None]] = [
            (a.number, "0"), (a.name, None), (a.eje, None), (a.programmed, COUNT),
            (a.achieved, COUNT), (fraction(a.real_pct), PCT), (fraction(a.expected_pct), PCT),
            (a.gap, POINTS), (a.semaforo_text, None), (a.status_label, None),
            (fraction(a.declared_pct), PCT),
            ("" if a.declared_pct is None else ("No" if a.pct_mismatch else "Sí"), None),
            (a.start, DATE), (a.end, DATE), (", ".join(map(str, a.months_planned)), None),
        ]
        for j, (value, fmt) in enumerate(values, start=1):
            cell = put(ws, i, j, value, fmt)
            if isinstance(value, str):
                cell.alignment = WRAP
        ws.cell(row=i, column=9).fill = PatternFill("solid", fgColor=SEMAFORO_FILLS[a.semaforo])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ACTIVITY_HEADERS))}{len(data.activities) + 1}"


EAEPE_HEADERS = ("Partida", "Nombre en el POA", "Nombre en el clasificador", "Aprobado",
                 "Ampliaciones", "Reducciones", "Modificado", "Comprometido", "Devengado",
                 "Ejercido", "Pagado", "Disponible", "% ejercido")
EAEPE_WIDTHS = (9, 34, 34, 14, 14, 14, 14, 14, 14, 14, 14, 14, 11)
EAEPE_KEYS = ("aprobado", "ampliaciones", "reducciones", "modificado", "comprometido",
              "devengado", "ejercido", "pagado", "disponible")


def _budget_line(ws: Worksheet, row: int, r: ReportBudgetRow, font: Font | None = None) -> None:
    put(ws, row, 1, "Total" if r.partida == "TOTAL" else r.partida, font=font)
    put(ws, row, 2, r.name if r.partida != "TOTAL" else "", font=font).alignment = WRAP
    put(ws, row, 3, r.official_name or "", font=font).alignment = WRAP
    for j, key in enumerate(EAEPE_KEYS, start=4):
        put(ws, row, j, getattr(r, key), MONEY, font=font)
    put(ws, row, 13, fraction(r.pct_ejercido), PCT, font=font)


def _budget(ws: Worksheet, data: ReportData) -> None:
    _headers(ws, 1, EAEPE_HEADERS, EAEPE_WIDTHS)
    for i, r in enumerate(data.budget_rows, start=2):
        _budget_line(ws, i, r)
    total_row = len(data.budget_rows) + 2
    _budget_line(ws, total_row, data.budget_total, BOLD)
    note = total_row + 2
    put(ws, note, 1, f"Movimientos registrados hasta la fecha de corte {fmt_date(data.as_of)}. "
        "Disponible = modificado − comprometido; % ejercido = ejercido / modificado.")


FINDING_HEADERS = ("Origen", "Severidad", "Código", "Qué significa", "Actividad", "Partida",
                   "Ubicación", "Mensaje")
FINDING_WIDTHS = (13, 13, 24, 34, 10, 10, 18, 90)


def _findings(ws: Worksheet, data: ReportData, all_findings) -> None:
    put(ws, 1, 1, "Hallazgos de calidad de datos", font=TITLE)
    put(ws, 2, 1, f"{data.findings_total} hallazgos del POA en esta versión a la fecha de "
        f"corte; {len(data.budget_findings)} del presupuesto.")
    row = 4
    put(ws, row, 1, "Severidad", font=BOLD)
    put(ws, row, 2, "Cuántos", font=BOLD)
    for severity, n in data.severity_counts:
        row += 1
        put(ws, row, 1, SEVERITY_PLURALS[severity])
        put(ws, row, 2, n, COUNT)
    row += 2
    for j, text in enumerate(("Código", "Qué significa", "Severidad", "Cuántos"), start=1):
        put(ws, row, j, text, font=BOLD)
    for c in data.code_counts:
        row += 1
        put(ws, row, 1, c.code)
        put(ws, row, 2, c.title)
        put(ws, row, 3, SEVERITY_WORDS.get(c.severity, c.severity))
        put(ws, row, 4, c.count, COUNT)
    row += 2
    _headers(ws, row, FINDING_HEADERS, FINDING_WIDTHS)
    ws.freeze_panes = None
    for origin, f in all_findings:
        row += 1
        values = (origin, f.severity_word, f.code, CODE_TITLES.get(f.code, ""), f.activity,
                  f.partida or "", f.where, f.message)
        for j, value in enumerate(values, start=1):
            cell = put(ws, row, j, value, "0" if j == 5 and value is not None else None)
            if isinstance(value, str):
                cell.alignment = WRAP


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
    ws = wb.create_sheet("Hallazgos")
    listed = [("POA", f) for f in data.findings] + [("Presupuesto", f)
                                                    for f in data.budget_findings]
    listed.sort(key=lambda item: SEVERITY_RANK.get(item[1].severity, 3))  # stable: errors first
    _findings(ws, data, listed)
    _print_setup(ws, data, landscape=True)
    ws = wb.create_sheet("Alineación")
    _alignment(ws, data)
    _print_setup(ws, data, landscape=False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

