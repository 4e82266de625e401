"""The official POA template the tablero issues to an área: its POA as stored, to be updated.

`template_xlsx(TemplateSource(...))` writes the workbook of one stored version of a POA in the
sample's official layout (`loaders.write.layouts`, "oficial": «POA», «Cronograma»,
«Presupuesto», «Observaciones» and, when the version has it, «Alineación»), prefilled with that
version: activities, goals, dates, months (marked with «X»), meta alcanzada and its %. Before them
go two sheets of its own:

«Portada», the cover, which the reader recognises (`loaders.read.template`). Title in A1, a note in
A2 (merged A2:B2), then one row per value from row 4, its label in column A and its value in
column B (labels: `loaders.model.COVER_LABELS`):

    A4  Plantilla                 B4  TPOA (TEMPLATE_ID)
    A5  Versión de la plantilla   B5  1 (TEMPLATE_FORMAT, a whole number)
    A6  Clave del POA             B6  the POA's id
    A7  Clave de la versión       B7  the id of the version it was issued from
    A8  Número de versión         B8  that version's number within the POA
    A9  Municipio                 B9  text
    A10 Estado                    B10 text
    A11 Dirección                 B11 text
    A12 Área                      B12 text
    A13 Año fiscal                B13 2026
    A14 Fecha de emisión          B14 an Excel date, dd/mm/yyyy

«Instrucciones», plain Spanish for the área, with the list of units of measure the «Unidad de
medida» cells offer (from `UNITS_ROW` down in column A).

In the workbook itself:
- every sheet is protected without a password; only the Cronograma's activity cells from
  «Responsable» to «fin» (columns C to W) are unlocked: the Nº and the name of each activity, the
  header rows, the identity lines, the catalogue, the budget, the cover and the instructions
  cannot be changed by mistake;
- data validation: whole numbers ≥ 0 for meta anual, meta programada and meta alcanzada; a
  number ≥ 0 for the two %; dates between 01/01 and 31/12 of the fiscal year for inicio and fin;
  a list for the unit of measure (another unit is allowed after Excel's question) and the list
  «X» for the months.

The «Municipio:» line of the POA sheet carries the municipio alone: the estado travels on the
cover (the reader takes it from there, `loaders.read.template`). The same source on the same day
gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from loaders.model import (
    COVER_LABELS,
    INSTRUCTIONS_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_ID,
    Activity,
    BudgetLine,
    PoaDocument,
)
from loaders.text import fmt_date, is_numeric_text, strip_accents
from loaders.write.cells import DATE_FORMAT, GREY, TITLE
from loaders.write.layouts import poa_workbook
from loaders.write.poa import UNDERLINE, AlignmentSheet, PoaWorkbook, Presentation
from loaders.write.xlsx import Properties, Sheet, Style, Validation, Workbook, column_letter

COVER_SHEET = "Portada"
COVER_FIRST_ROW = 4
UNITS_ROW = 14  # the first unit of measure in the «Instrucciones» sheet (column A)
INSTRUCTIONS_WIDTH = 90  # the instructions' column: a landscape letter page
INSTRUCTIONS_CHARS = 100  # about how many characters of a line fit in it
MARK = "X"  # how the template marks a planned month
EDITABLE_FILL = "FFFFF2CC"  # the columns the área updates every month (meta alcanzada and %)
# The Cronograma's columns in the official layout (loaders.write.layouts._oficial), 1-based.
SCHEDULE = "Cronograma"
COLUMNS = {
    "number": 1, "name": 2, "responsable": 3, "unit": 4, "goal": 5, "programmed": 6,
    "programmed_pct": 7, "achieved": 8, "declared_pct": 9, "first_month": 10, "last_month": 21,
    "start": 22, "end": 23,
}
UNITS = (
    "acciones", "actividades", "apoyos", "asesorías", "audiencias", "beneficiarios", "campañas",
    "capacitaciones", "constancias", "convenios", "cursos", "documentos", "eventos", "expedientes",
    "familias", "foros", "gestiones", "informes", "jornadas", "obras", "personas", "programas",
    "proyectos", "reuniones", "servicios", "solicitudes", "talleres", "trámites", "visitas",
)
ALIGNMENT_NOTE = (
    "Fracciones: facultades del Artículo 122, en números romanos. Dimensiones: Indicadores de "
    "Gobernanza de la Migración de la OIM, del 1 al 6."
)
LABEL = Style(bold=True, border=True, fill=GREY, vertical="top")
VALUE = Style(border=True, horizontal="left", vertical="top", wrap=True)
VALUE_DATE = replace(VALUE, number_format=DATE_FORMAT)
NOTE = Style(vertical="top", wrap=True)
SUBTITLE = Style(bold=True, size=12)


@dataclass(frozen=True)
class TemplateSource:
    """A stored version of a POA, as `loaders.store.queries.load_version` gives it back."""

    poa_id: int
    version_id: int
    version_number: int
    doc: PoaDocument
    issued: date


def template_file_name(area: str, fiscal_year: int | None) -> str:
    """`plantilla_<área>_<año>.xlsx`: lower case, only safe ASCII characters."""
    stem = f"plantilla_{strip_accents(area or 'poa').lower()}_{fiscal_year or ''}"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "_" for ch in stem)
    while "__" in safe:
        safe = safe.replace("__", "_")
    return f"{safe.strip('_')}.xlsx"


def template_book(source: TemplateSource) -> PoaWorkbook:
    """The POA sheets of the template: the version's content in the official layout."""
    doc, plan = source.doc, source.doc.plan
    if plan.fiscal_year is None:
        raise ValueError("The version has no fiscal year; a template cannot be issued.")
    return PoaWorkbook(
        plan=replace(plan, estado=""),  # the estado is on the cover (see the module's docstring)
        activities=[_activity(a) for a in doc.activities],
        budget=[BudgetLine(b.partida, b.name, b.approved) for b in doc.budget],
        properties=Properties(
            title=f"Plantilla oficial del POA {plan.fiscal_year} — {plan.area}",
            creator="Tablero POA (plantilla oficial)",
            stamp=datetime.combine(source.issued, time()),
            description=(f"{TEMPLATE_ID} {TEMPLATE_FORMAT}: POA {source.poa_id}, versión "
                         f"{source.version_number} (clave {source.version_id})"),
        ),
        presentation=Presentation(
            months=MARK, budget_total=doc.budget_total is not None,
            labels=("municipio", "direccion", "area", "objetivo", "objetivos_especificos"),
        ),
        signatures=[("Elaboró", None, UNDERLINE, "Nombre y firma del titular del área"),
                    ("Revisó", None, UNDERLINE, "Unidad de Planeación")],
        alignment=_alignment(doc),
    )


def _activity(a: Activity) -> Activity:
    return replace(a, months_planned=sorted(set(a.months_planned)), cells={})


def _alignment(doc: PoaDocument) -> AlignmentSheet | None:
    if not doc.alignment:
        return None
    rows: dict[int, tuple[list[str], list[str]]] = {}
    for link in doc.alignment:
        fracciones, dimensiones = rows.setdefault(link.activity, ([], []))
        codes = fracciones if link.kind == "fraccion" else dimensiones
        if link.code not in codes:
            codes.append(link.code)
    return AlignmentSheet(ALIGNMENT_NOTE, {n: (", ".join(f), ", ".join(d))
                                           for n, (f, d) in rows.items()})


def template_workbook(source: TemplateSource) -> Workbook:
    """The whole template, before it becomes bytes."""
    wb = poa_workbook(template_book(source))
    pages = list(wb.sheets)
    cover, instructions = wb.sheet(COVER_SHEET), wb.sheet(INSTRUCTIONS_SHEET)
    _cover(cover, source)
    units = _instructions(instructions, source)
    wb.sheets[:] = [cover, instructions, *pages]  # the template's own sheets first
    schedule = next(s for s in pages if s.name == SCHEDULE)
    _editable(schedule, source, units)
    for sheet in wb.sheets:
        sheet.protect()
    return wb


def template_xlsx(source: TemplateSource) -> bytes:
    """The xlsx bytes of the template: the same source always gives the same bytes."""
    return template_workbook(source).to_bytes()


def _cover(ws: Sheet, source: TemplateSource) -> None:
    plan = source.doc.plan
    ws.put(1, 1, "Plantilla oficial del POA", TITLE)
    ws.put(2, 1, "Emitida por el Tablero POA. No modifique esta hoja: el tablero la usa para "
                 "reconocer la plantilla, el área y la versión de la que salió. Cómo llenarla: "
                 f"hoja «{INSTRUCTIONS_SHEET}».", NOTE)
    ws.merge(2, 1, 2, 2)
    ws.heights[2] = 48
    values = {
        "template_id": TEMPLATE_ID, "format_version": TEMPLATE_FORMAT, "poa_id": source.poa_id,
        "version_id": source.version_id, "version_number": source.version_number,
        "municipio": plan.municipio, "estado": plan.estado, "direccion": plan.direccion,
        "area": plan.area, "fiscal_year": plan.fiscal_year, "issued": source.issued,
    }
    for row, (name, label) in enumerate(COVER_LABELS.items(), start=COVER_FIRST_ROW):
        ws.put(row, 1, label, LABEL)
        ws.put(row, 2, values[name], VALUE_DATE if name == "issued" else VALUE)
    ws.widths = {1: 26, 2: 60}


def units_of(activities: Sequence[Activity]) -> list[str]:
    """The units the «Unidad de medida» list offers: the usual ones and the version's own words
    (a number written as the unit is not one)."""
    own = {a.unit.strip() for a in activities if a.unit and not is_numeric_text(a.unit)}
    known = {u.casefold() for u in UNITS}
    return [*UNITS, *sorted(u for u in own if u.casefold() not in known)]


def _instructions(ws: Sheet, source: TemplateSource) -> str:
    """The instructions and the list of units; returns the list's range for the validation."""
    plan, year = source.doc.plan, source.doc.plan.fiscal_year
    ws.put(1, 1, f"Cómo llenar la plantilla del POA {year}", TITLE)
    lines = (
        f"Esta es la plantilla oficial del POA {year} del área {plan.area}, emitida por la Unidad "
        f"de Planeación el {fmt_date(source.issued)} con los datos de la versión "
        f"{source.version_number} guardada en el tablero.",
        f"1. Cada mes, en la hoja «{SCHEDULE}», escriba la meta alcanzada (N°) y su % (columnas H "
        "e I, en amarillo) de cada actividad.",
        "2. Si cambió la programación, corrija también el responsable, la unidad de medida, las "
        f"metas, los meses (escriba «{MARK}» en cada mes programado y deje vacíos los demás) y las "
        "fechas de inicio y fin.",
        "3. Las metas y la meta alcanzada son números enteros, 0 o mayores. El % se escribe como "
        "30 % (o 0.3).",
        f"4. Las fechas van como dd/mm/aaaa y dentro del año {year} (del 01/01/{year} al "
        f"31/12/{year}).",
        "5. La unidad de medida se elige de la lista de abajo; si necesita otra, escríbala y "
        "Excel le preguntará si desea continuar.",
        "6. El número y el nombre de cada actividad, los encabezados, los datos del área, el "
        "presupuesto y estas dos primeras hojas están protegidos para que no se cambien por "
        "error. Para agregar o quitar actividades, o cambiar su nombre, pida a la Unidad de "
        "Planeación una plantilla nueva.",
        "7. No cambie la hoja «Portada»: el tablero la usa para reconocer la plantilla, el área "
        "y la versión de la que salió, y compara lo que usted cambió contra esa versión.",
        "8. Guarde el libro como .xlsx (sin cambiarle el formato) y entréguelo a la Unidad de "
        "Planeación, que lo carga en el tablero.",
    )
    for row, text in enumerate(lines, start=3):
        ws.put(row, 1, text, NOTE)
        ws.heights[row] = 15 * math.ceil(len(text) / INSTRUCTIONS_CHARS) + 4
    assert 3 + len(lines) < UNITS_ROW - 1, "the instructions run into the list of units"
    ws.put(UNITS_ROW - 1, 1, "Unidades de medida", SUBTITLE)
    units = units_of(source.doc.activities)
    for row, unit in enumerate(units, start=UNITS_ROW):
        ws.put(row, 1, unit)
    ws.widths = {1: INSTRUCTIONS_WIDTH}
    last = UNITS_ROW + len(units) - 1
    return f"{INSTRUCTIONS_SHEET}!$A${UNITS_ROW}:$A${last}"


def _editable(ws: Sheet, source: TemplateSource, units: str) -> None:
    """Unlock the activity cells the área may change and give them their validations."""
    count = len(source.doc.activities)
    if not count:
        return
    rows = sorted(r for r, cells in ws.rows.items() if COLUMNS["number"] in cells)[-count:]
    first, last = rows[0], rows[-1]
    col = COLUMNS
    # What the área updates every month, highlighted (never the months: a fill there would read
    # as a planned month once no month holds a mark).
    ws.restyle(first, col["achieved"], last, col["declared_pct"], fill=EDITABLE_FILL)
    ws.unlock(first, col["responsable"], last, col["end"])

    def span(*names: str) -> tuple[str, ...]:
        return tuple(f"{column_letter(col[n])}{first}:{column_letter(col[n])}{last}"
                     for n in names)

    year = source.doc.plan.fiscal_year or source.issued.year
    ws.validate(Validation(
        "whole", span("goal", "programmed", "achieved"), 0, operator="greaterThanOrEqual",
        error_title="Número entero", prompt_title="Número entero",
        error="Escriba un número entero, 0 o mayor, sin decimales ni texto.",
        prompt="Un número entero, 0 o mayor.",
    ))
    ws.validate(Validation(
        "decimal", span("programmed_pct", "declared_pct"), 0, operator="greaterThanOrEqual",
        error_title="Porcentaje", prompt_title="Porcentaje",
        error="Escriba el porcentaje como 30 % (o 0.3), 0 o mayor.",
        prompt="El porcentaje, como 30 % (o 0.3).",
    ))
    ws.validate(Validation(
        "date", span("start", "end"), date(year, 1, 1), date(year, 12, 31),
        error_title="Fecha", prompt_title="Fecha",
        error=f"Escriba una fecha del año {year} como dd/mm/aaaa (del 01/01/{year} al "
              f"31/12/{year}).",
        prompt=f"Una fecha del año {year}, dd/mm/aaaa.",
    ))
    ws.validate(Validation(
        "list", span("unit"), units, error_style="warning",
        error_title="Unidad de medida", prompt_title="Unidad de medida",
        error="Esa unidad no está en la lista de la hoja «Instrucciones». ¿Desea usarla de todos "
              "modos?",
        prompt="Elija la unidad de la lista (personas, eventos, asesorías…).",
    ))
    months = (f"{column_letter(col['first_month'])}{first}:"
              f"{column_letter(col['last_month'])}{last}")
    ws.validate(Validation(
        "list", (months,), choices=(MARK,), error_title="Mes programado",
        prompt_title="Mes programado",
        error=f"Escriba «{MARK}» en los meses programados y deje vacíos los demás.",
        prompt=f"«{MARK}» si el mes está programado; vacío si no.",
    ))
