"""The spending workbook (ejercicio del presupuesto): one row per movement on «Movimientos», under a
banner and a line saying what the workbook is, and a «Léame» sheet of notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from loaders.write.cells import CENTER, HEADER, WRAP, banner, date_cell, money_cell
from loaders.write.xlsx import Properties, Workbook

HEADERS = ("Folio", "Fecha", "Partida", "Concepto", "Momento", "Importe", "Revierte folio")
HEADER_ROW = 4
# What «Léame» says about the format.
FORMAT_NOTES = (
    "Una fila por movimiento: Fecha (dd/mm/aaaa), Partida (clave del Clasificador por Objeto del "
    "Gasto), Concepto, Momento e Importe.",
    "Momentos: Comprometido, Devengado, Ejercido, Pagado; modificaciones: Ampliación, Reducción.",
)


@dataclass(frozen=True)
class SpendingRow:
    folio: str
    date: date
    partida: str
    concepto: str
    momento: str  # "Comprometido", "Devengado", "Ejercido", "Pagado", "Ampliación", "Reducción"
    amount: float
    reverses: str | None = None  # the folio a correction cancels


@dataclass
class SpendingWorkbook:
    rows: Sequence[SpendingRow]
    banner: str  # row 1 of «Movimientos»
    heading: str  # row 2: what the workbook is
    notes: Sequence[str]  # «Léame», one line a row
    properties: Properties
    dates: str = "excel"  # Excel dates formatted dd/mm/yyyy, or "text" "15/03/2026"
    money: str = "number"  # 1234.5 formatted "$ "#,##0.00, or "text" "$ 1,234.50"
    notes_banner: bool = True  # «Léame» opens with the banner too, and a blank row


def spending_xlsx(book: SpendingWorkbook) -> bytes:
    """The xlsx bytes of a spending workbook: the same description always gives the same bytes."""
    wb = Workbook(book.properties)
    ws = wb.sheet("Movimientos")
    banner(ws, book.banner, len(HEADERS))
    ws.put(2, 1, book.heading, WRAP)
    ws.merge(2, 1, 2, len(HEADERS))
    ws.heights[2] = 30
    ws.put_row(HEADER_ROW, 1, HEADERS, HEADER)
    for row, m in enumerate(book.rows, start=HEADER_ROW + 1):
        ws.put(row, 1, m.folio)
        ws.put(row, 2, *date_cell(m.date, book.dates))
        ws.put(row, 3, m.partida, CENTER)
        ws.put_row(row, 4, (m.concepto, m.momento))
        ws.put(row, 6, *money_cell(m.amount, book.money))
        if m.reverses:
            ws.put(row, 7, m.reverses)
    ws.widths = {1: 9, 2: 12, 3: 9, 4: 58, 5: 15, 6: 16, 7: 15}
    ws.freeze = (HEADER_ROW, 0)

    notes = wb.sheet("Léame")
    first = 1
    if book.notes_banner:
        banner(notes, book.banner, 1)
        first = 3
    for row, line in enumerate(book.notes, start=first):
        notes.put(row, 1, line)
    notes.widths = {1: 100}
    return wb.to_bytes()
