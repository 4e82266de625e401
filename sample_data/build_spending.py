"""Construye el libro de EJEMPLO ``ejercicio_presupuesto_2026.xlsx``: movimientos FICTICIOS del
ejercicio del presupuesto 2026 para las partidas del POA de ejemplo (2111, 2121, 2611, 3761, 4244).

Trae una ampliación (2611), una reducción (4244), los cuatro momentos contables en orden, una
reversión (folio F-012 revierte el F-011, capturado dos veces) y la partida 3761 con más ejercido
que su presupuesto modificado, para que el tablero muestre BUDGET_OVERSPENT.

Uso, desde la raíz del repositorio::

    python sample_data/build_spending.py

Aquí están los movimientos; cómo se escribe el libro lo hace ``loaders/write/spending.py``. La
salida es determinista (mismas marcas de tiempo en el zip).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from loaders.write.spending import FORMAT_NOTES, SpendingRow, SpendingWorkbook, spending_xlsx
from loaders.write.xlsx import Properties

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "ejercicio_presupuesto_2026.xlsx"
TITLE = "EJEMPLO — movimientos ficticios"
FIXED_TIMESTAMP = datetime(2026, 1, 15, 9, 0, 0)

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


def workbook() -> SpendingWorkbook:
    """Lo que lleva el libro: los movimientos y, en «Léame», cómo se llena."""
    return SpendingWorkbook(
        rows=[SpendingRow(*movement) for movement in MOVEMENTS],
        banner=TITLE,
        heading=(
            "Ejercicio del presupuesto 2026 — Migrantes y Ex braceros (Sombrerete, Zacatecas). "
            "Importes inventados para probar el tablero; no son datos de la Tesorería."
        ),
        notes=(
            TITLE,
            *FORMAT_NOTES,
            "Una corrección es una fila nueva con importe negativo y, en «Revierte folio», el folio "
            "que cancela (de la misma partida y momento).",
        ),
        notes_banner=False,
        properties=Properties(
            title="Ejercicio del presupuesto 2026 - Migrantes y Ex braceros - EJEMPLO",
            creator="Tablero POA (sample_data/build_spending.py)", stamp=FIXED_TIMESTAMP,
        ),
    )


def build(path: str | Path = DEFAULT_PATH) -> Path:
    """Escribe el libro de ejemplo en ``path`` y devuelve la ruta."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(spending_xlsx(workbook()))
    return path


if __name__ == "__main__":
    print(f"Libro escrito en {build(DEFAULT_PATH)}")
