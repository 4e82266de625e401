"""Construye el libro de ejemplo ``poa_migrantes_ex_braceros_2026.xlsx``.

Reproduce, como el archivo de oficina del que salió el documento fuente, el POA 2026 del
área "Migrantes y Ex braceros" (Sombrerete, Zacatecas), con TODOS sus valores tal cual,
errores incluidos (ver ``seed_poa.py`` y ``README.md``). Aquí se dice QUÉ lleva el libro; cómo se
escribe lo hace ``loaders/write/`` (la plantilla oficial, sin renglón de EJEMPLO).

Uso, desde la raíz del repositorio::

    python sample_data/build_sample.py

o desde código::

    from sample_data.build_sample import build
    build("ruta/al/libro.xlsx")

La salida es determinista: mismas fechas internas y mismas marcas de tiempo en el zip.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

try:  # importado como paquete: ``sample_data.build_sample``
    from . import seed_poa as seed
except ImportError:  # ejecutado como script: ``python sample_data/build_sample.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from sample_data import seed_poa as seed  # type: ignore[no-redef]

from loaders.model import Activity, BudgetLine, PlanIdentity
from loaders.write.layouts import MONTHS as MONTH_NAMES
from loaders.write.layouts import poa_xlsx
from loaders.write.poa import AlignmentSheet, Indicator, PoaWorkbook, Presentation, months_between
from loaders.write.xlsx import Properties

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "poa_migrantes_ex_braceros_2026.xlsx"

# Fecha fija para las propiedades del documento y las entradas del zip (salida determinista).
FIXED_TIMESTAMP = datetime(2026, 1, 15, 9, 0, 0)
MONTHS = list(MONTH_NAMES)


def month_overlaps(start: date, end: date, year: int, month: int) -> bool:
    """True si el mes ``month`` de ``year`` se traslapa con [start, end].

    Una ventana inválida (fin antes de inicio) no se traslapa con ningún mes.
    """
    return month in months_between(start, end, year)


# Hoja «Alineación» (no está en el documento fuente: es la alineación que derivamos de los textos;
# cada elección se explica en README.md). Nº -> (fracciones del Art. 122, dimensiones de la OIM).
ALINEACION: dict[int, tuple[str, str]] = {
    1: ("V", "1"),
    2: ("II, V", "1, 6"),
    3: ("II", "1"),
    4: ("II", "1"),
    5: ("II", "1"),
    6: ("IV, VI", "3, 4"),
    7: ("V, IX", "2"),
    8: ("II", "1"),
    9: ("II", "2"),
    10: ("III, VII", "4"),
    11: ("II", "1, 2"),
    12: ("III", "3"),
    13: ("III", "4"),
    14: ("IV, VI", "3"),
    15: ("II", "1"),
    16: ("II, V", "3"),
}
ALINEACION_NOTA = (
    "Fracciones: facultades de la Dirección de Atención a Migrantes (Artículo 122), en números"
    " romanos. Dimensiones: Indicadores de Gobernanza de la Migración de la OIM, del 1 al 6."
)


def workbook() -> PoaWorkbook:
    """Lo que lleva el libro: los valores de ``seed_poa.py`` en la plantilla oficial.

    Los meses del cronograma se colorean (azul, sin valor) donde el periodo de la actividad se
    traslapa con el mes; el presupuesto no tiene fila de total (el documento no la tiene).
    """
    year = seed.FISCAL_YEAR
    return PoaWorkbook(
        plan=PlanIdentity(
            direccion=seed.DIRECCION, area=seed.AREA, fiscal_year=year, objetivo=seed.OBJETIVO,
            objetivos_especificos=seed.OBJETIVOS_ESPECIFICOS,
        ),
        activities=[
            Activity(**act, months_planned=months_between(act["start"], act["end"], year))
            for act in seed.ACTIVITIES
        ],
        budget=[BudgetLine(partida, nombre, cantidad) for partida, nombre, cantidad in seed.BUDGET],
        properties=Properties(
            title=f"{seed.TITLE} {year} - {seed.AREA}",
            creator="Tablero POA (sample_data/build_sample.py)", stamp=FIXED_TIMESTAMP,
        ),
        presentation=Presentation(
            labels=("direccion", "area", None, "objetivo", "objetivos_especificos"),
            budget_total=False,
        ),
        titles={"activities": seed.TITLE, "schedule": "Cronograma"},
        signatures=seed.SIGNATURES,
        indicator=Indicator(**seed.INDICATOR),
        alignment=AlignmentSheet(ALINEACION_NOTA, ALINEACION),
    )


def build(path: str | Path = DEFAULT_PATH) -> Path:
    """Escribe el libro de ejemplo en ``path`` y devuelve la ruta."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(poa_xlsx(workbook()))
    return path


def main() -> None:
    path = build(DEFAULT_PATH)
    print(f"Libro escrito en {path}")


if __name__ == "__main__":
    main()
