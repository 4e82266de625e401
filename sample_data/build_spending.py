"""Construye el libro de EJEMPLO ``ejercicio_presupuesto_2026.xlsx``: movimientos FICTICIOS del
ejercicio del presupuesto 2026 para las partidas del POA de ejemplo (2111, 2121, 2611, 3761, 4244).

Trae una ampliación (2611), una reducción (4244), los cuatro momentos contables en orden, una
reversión (folio F-012 revierte el F-011, capturado dos veces) y la partida 3761 con más ejercido
que su presupuesto modificado, para que el tablero muestre BUDGET_OVERSPENT.

Uso, desde la raíz del repositorio::

    python sample_data/build_spending.py

La salida es determinista (mismas marcas de tiempo en el zip).
"""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

try:  # importado como paquete: ``sample_data.build_spending``
    from .build_sample import _deterministic
except ImportError:  # ejecutado como script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_sample import _deterministic  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "ejercicio_presupuesto_2026.xlsx"
TITLE = "EJEMPLO — movimientos ficticios"
HEADERS = ["Folio", "Fecha", "Partida", "Concepto", "Momento", "Importe", "Revierte folio"]
HEADER_ROW = 4
MONEY_FORMAT = '"$ "#,##0.00'

# (folio, fecha, partida, concepto, momento, importe, revierte folio)
MOVEMENTS: list[tuple[str, date, str, str, str, float, str | None]] = [
    ("F-001", date(2026, 1, 15), "2611", "Ampliación por alza del precio de la gasolina",
     "Ampliación", 3000.0, None),
    ("F-002", date(2026, 1, 20), "4244", "Reducción para compensar la ampliación de combustibles",
     "Reducción", 3000.0, None),
    ("F-003", date(2026, 1, 31), "2611", "Contrato anual de combustible", "Comprometido", 12000.0,
     None),
    ("F-004", date(2026, 2, 10), "2111", "Papelería del primer semestre", "Comprometido", 3200.0,
     None),
    ("F-005", date(2026, 2, 20), "2111", "Papelería del primer semestre (factura A-311)",
     "Devengado", 3200.0, None),
    ("F-006", date(2026, 2, 25), "2111", "Papelería del primer semestre (orden de pago)",
     "Ejercido", 3200.0, None),
    ("F-007", date(2026, 2, 28), "2111", "Papelería del primer semestre (transferencia)", "Pagado",
     3200.0, None),
    ("F-008", date(2026, 3, 31), "2611", "Gasolina del primer trimestre", "Devengado", 2500.0, None),
    ("F-009", date(2026, 3, 31), "2611", "Gasolina del primer trimestre", "Ejercido", 2500.0, None),
    ("F-010", date(2026, 3, 3), "2121", "Impresión de trípticos para migrantes", "Comprometido",
     2000.0, None),
    ("F-011", date(2026, 3, 4), "2121", "Impresión de trípticos para migrantes (captura repetida)",
     "Comprometido", 2000.0, None),
    ("F-012", date(2026, 3, 5), "2121", "Reversión: el F-011 se capturó dos veces", "Comprometido",
     -2000.0, "F-011"),
    ("F-013", date(2026, 3, 18), "2121", "Trípticos entregados (factura B-77)", "Devengado", 2000.0,
     None),
    ("F-014", date(2026, 3, 25), "2121", "Trípticos (orden de pago)", "Ejercido", 2000.0, None),
    ("F-015", date(2026, 4, 2), "2611", "Gasolina del primer trimestre", "Pagado", 2500.0, None),
    ("F-016", date(2026, 4, 10), "3761", "Viaje a Los Ángeles: reunión con clubes de migrantes",
     "Comprometido", 48000.0, None),
    ("F-017", date(2026, 4, 30), "2121", "Trípticos (transferencia)", "Pagado", 2000.0, None),
    ("F-018", date(2026, 5, 8), "3761", "Viaje a Los Ángeles (comprobación de viáticos)",
     "Devengado", 48000.0, None),
    ("F-019", date(2026, 5, 12), "3761", "Viaje a Los Ángeles (orden de pago)", "Ejercido", 48000.0,
     None),
    ("F-020", date(2026, 5, 15), "3761", "Viaje a Los Ángeles (transferencia)", "Pagado", 48000.0,
     None),
    ("F-021", date(2026, 6, 5), "4244", "Aportación al programa municipal 2x1", "Comprometido",
     10000.0, None),
    ("F-022", date(2026, 6, 30), "2611", "Gasolina del segundo trimestre", "Devengado", 2500.0,
     None),
    ("F-023", date(2026, 6, 30), "2611", "Gasolina del segundo trimestre", "Ejercido", 2500.0, None),
    ("F-024", date(2026, 6, 30), "4244", "Aportación 2x1, primera ministración", "Devengado",
     10000.0, None),
    ("F-025", date(2026, 7, 10), "4244", "Aportación 2x1, primera ministración", "Ejercido", 5000.0,
     None),
    ("F-026", date(2026, 7, 15), "4244", "Aportación 2x1, primera ministración", "Pagado", 5000.0,
     None),
    ("F-027", date(2026, 7, 20), "2611", "Gasolina del segundo trimestre", "Pagado", 2500.0, None),
    ("F-028", date(2026, 8, 3), "3761", "Viaje a Chicago: feria de migrantes", "Comprometido",
     6000.0, None),
    ("F-029", date(2026, 8, 20), "3761", "Viaje a Chicago (comprobación de viáticos)", "Devengado",
     6000.0, None),
    ("F-030", date(2026, 8, 24), "3761", "Viaje a Chicago (orden de pago)", "Ejercido", 6000.0, None),
    ("F-031", date(2026, 8, 31), "3761", "Viaje a Chicago (transferencia)", "Pagado", 5000.0, None),
    ("F-032", date(2026, 9, 4), "2111", "Tóner y hojas para el segundo semestre", "Comprometido",
     1500.0, None),
    ("F-033", date(2026, 9, 15), "2111", "Tóner y hojas (factura A-402)", "Devengado", 1500.0, None),
    ("F-034", date(2026, 9, 16), "2111", "Tóner y hojas (orden de pago)", "Ejercido", 1500.0, None),
    ("F-035", date(2026, 9, 30), "2611", "Gasolina del tercer trimestre", "Devengado", 2500.0, None),
    ("F-036", date(2026, 9, 30), "2611", "Gasolina del tercer trimestre", "Ejercido", 2500.0, None),
    ("F-037", date(2026, 10, 2), "2111", "Tóner y hojas (transferencia parcial)", "Pagado", 1000.0,
     None),
]


def build_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Movimientos"
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14, color="FFC00000")
    ws.merge_cells("A1:G1")
    ws["A2"] = (
        "Ejercicio del presupuesto 2026 — Migrantes y Ex braceros (Sombrerete, Zacatecas). "
        "Importes inventados para probar el tablero; no son datos de la Tesorería."
    )
    ws.merge_cells("A2:G2")
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[2].height = 30
    fill = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
    for col, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
    for i, (folio, when, partida, concepto, momento, amount, reverses) in enumerate(MOVEMENTS):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=1, value=folio)
        ws.cell(row=r, column=2, value=when).number_format = "dd/mm/yyyy"
        ws.cell(row=r, column=3, value=partida)
        ws.cell(row=r, column=4, value=concepto)
        ws.cell(row=r, column=5, value=momento)
        ws.cell(row=r, column=6, value=amount).number_format = MONEY_FORMAT
        ws.cell(row=r, column=7, value=reverses)
    for letter, width in zip("ABCDEFG", (9, 12, 9, 58, 15, 15, 15), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    notes = wb.create_sheet("Léame")
    for line in (
        TITLE,
        "Una fila por movimiento: Fecha (dd/mm/aaaa), Partida (clave del Clasificador por Objeto "
        "del Gasto), Concepto, Momento e Importe.",
        "Momentos: Comprometido, Devengado, Ejercido, Pagado; modificaciones: Ampliación, Reducción.",
        "Una corrección es una fila nueva con importe negativo y, en «Revierte folio», el folio que "
        "cancela (de la misma partida y momento).",
    ):
        notes.append([line])
    return wb


def build(path: str | Path = DEFAULT_PATH) -> Path:
    """Escribe el libro de ejemplo en ``path`` y devuelve la ruta."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    build_workbook().save(buf)
    path.write_bytes(_deterministic(buf.getvalue()))
    return path


if __name__ == "__main__":
    print(f"Libro escrito en {build(DEFAULT_PATH)}")
