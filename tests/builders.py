"""Small real .xlsx POA workbooks for focused tests: an activity sheet and a cronograma sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

MONTHS = ["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]

BASE = {
    "name": "Asesoría a migrantes",
    "eje": "Más bienestar",
    "linea_estrategica": "Atención al migrante",
    "linea_accion": "Orientación jurídica",
    "actividad_especifica": "Asesorar trámites",
    "responsable": "Migrantes",
    "unit": "asesorías",
    "goal": 20,
    "programmed": 20,
    "achieved": 6,
    "pct": "30%",
    "start": date(2026, 1, 1),
    "end": date(2026, 12, 31),
    "months": list(range(1, 13)),
}


def activity(number: int, **fields) -> dict:
    row = {**BASE, "number": number, **fields}
    row.setdefault("name_cronograma", row["name"])
    return row


def write_poa(
    path: Path,
    activities: list[dict],
    *,
    budget: list[tuple[object, str, object]] | None = None,
    total: object | None = None,
    year_heading: int | None = 2026,
) -> Path:
    """Activities on "Actividades" (header row 3), cronograma on "Cronograma" (header row 2).

    Cells: activity n is on row 3 + n of Actividades and row 2 + n of Cronograma (n = position).
    Cronograma columns: A Nº, B Actividad, C Responsable, D Unidad, E Meta anual, F Meta
    programada, G Meta alcanzada, H % alcanzado, I..T months, U Inicio, V Fin.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Actividades"
    ws["A1"] = "Dirección:"
    ws["B1"] = "Secretaría de Prueba"
    ws["A2"] = "Área:"
    ws["B2"] = "Área de prueba"
    ws.append(["Nº", "Actividad", "Eje", "Línea estratégica", "Línea de acción",
               "Actividad específica"])
    for a in activities:
        ws.append([a["number"], a["name"], a["eje"], a["linea_estrategica"], a["linea_accion"],
                   a["actividad_especifica"]])
    cr = wb.create_sheet("Cronograma")
    cr["A1"] = f"Cronograma {year_heading}" if year_heading else "Cronograma"
    cr.append(["N°", "Actividad", "Responsable", "Unidad de medida", "Meta anual",
               "Meta programada", "Meta alcanzada", "% alcanzado", *MONTHS, "Inicio", "Fin"])
    for a in activities:
        marks = ["X" if m in a["months"] else None for m in range(1, 13)]
        cr.append([a["number"], a["name_cronograma"], a["responsable"], a["unit"], a["goal"],
                   a["programmed"], a["achieved"], a["pct"], *marks, a["start"], a["end"]])
    for row in cr.iter_rows(min_row=3, min_col=21, max_col=22):
        for cell in row:
            cell.number_format = "dd/mm/yyyy"
    if budget is not None:
        bs = wb.create_sheet("Presupuesto")
        bs.append(["Partida", "Nombre", "Cantidad"])
        for line in budget:
            bs.append(list(line))
        if total is not None:
            bs.append(["TOTAL", None, total])
    wb.save(path)
    return path
