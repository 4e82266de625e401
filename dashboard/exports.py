"""Downloads built on the server: Excel and CSV tables with every text cell escaped against
formulas (CSV/formula injection: a cell a spreadsheet would run as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from loaders.model import Finding

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Text that a spreadsheet could run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([escape_cell(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"A": 14, "B": 24, "C": 12, "D": 18, "E": 90}
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SEVERITY_WORDS = {"error": "Error", "warning": "Advertencia", "info": "Aviso"}


FINDINGS_HEADERS = ("Severidad", "Código", "Actividad", "Ubicación", "Mensaje", "Partida")


def findings_rows(findings: Sequence[Finding]) -> list[list[object]]:
    return [
        [SEVERITY_WORDS.get(f.severity, f.severity), f.code, f.activity, f.where, f.message,
         f.partida]
        for f in findings
    ]


def findings_workbook(findings: Sequence[Finding]) -> bytes:
    return table_workbook("Hallazgos", FINDINGS_HEADERS, findings_rows(findings))


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """Comma-separated, UTF-8 with a BOM (so Excel reads the accents), text cells escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # comma, quotes only where needed, CRLF line ends
    writer.writerow([escape_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else escape_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def findings_csv(findings: Sequence[Finding]) -> bytes:
    return table_csv(FINDINGS_HEADERS, findings_rows(findings))
