"""Every finding code the loaders emit, with its severity and its Spanish title.

The POA codes of DESIGN.md are a public contract; the rest are our own. A new code goes here first,
then into the check that emits it and into the README's table of findings.
"""

CODES = {
    "PCT_MISMATCH": "error",
    "END_BEFORE_START": "error",
    "OUTSIDE_FISCAL_YEAR": "warning",
    "NAME_MISMATCH": "warning",
    "UNIT_NOT_A_UNIT": "warning",
    "MISSING_FIELD": "warning",
    "GOAL_MISMATCH": "warning",
    "ACHIEVED_OVER_GOAL": "warning",
    "DUPLICATE_ACTIVITY": "error",
    "MONTHS_OUTSIDE_WINDOW": "warning",
    "OVERDUE": "warning",
    "BEHIND_SCHEDULE": "warning",
    "BUDGET_TOTAL_MISMATCH": "error",
    "UNKNOWN_PARTIDA": "warning",
    # Codes of our own, beyond the public contract:
    "INVALID_VALUE": "error",
    "UNMATCHED_ACTIVITY": "warning",
    "DUPLICATE_PARTIDA": "error",
    "ACTIVITIES_RENUMBERED": "warning",
    "UNASSIGNED_SHEET": "warning",
    # The optional "Alineación" sheet (loaders.read.alignment):
    "UNKNOWN_FRACCION": "warning",
    "UNKNOWN_DIMENSION": "warning",
    "ALIGNMENT_UNKNOWN_ACTIVITY": "warning",
    "ALIGNMENT_NO_TABLE": "warning",
    # A cronograma marked only by fill colour in a file whose fills cannot be read:
    "FILLS_NOT_READ": "warning",
    # The official template issued by the tablero (loaders.read.template):
    "TEMPLATE_OUTDATED": "warning",
    "TEMPLATE_OTHER_AREA": "warning",
    # Reprogramaciones: a goal lowered between a version and the previous one
    # (loaders.check.reprogramming):
    "GOAL_LOWERED_AFTER_END": "warning",
    "GOAL_LOWERED_TO_ACHIEVED": "warning",
}
CODE_TITLES = {
    "PCT_MISMATCH": "Porcentaje que no cuadra con los números",
    "END_BEFORE_START": "Fecha de fin anterior al inicio",
    "OUTSIDE_FISCAL_YEAR": "Fecha fuera del año del POA",
    "NAME_MISMATCH": "Nombre distinto en actividades y cronograma",
    "UNIT_NOT_A_UNIT": "Unidad de medida con un número",
    "MISSING_FIELD": "Dato faltante",
    "GOAL_MISMATCH": "Meta anual distinta de la programada",
    "ACHIEVED_OVER_GOAL": "Meta alcanzada mayor que la programada",
    "DUPLICATE_ACTIVITY": "Actividad repetida",
    "MONTHS_OUTSIDE_WINDOW": "Meses marcados fuera de las fechas",
    "OVERDUE": "Actividad vencida",
    "BEHIND_SCHEDULE": "Actividad atrasada (semáforo rojo)",
    "BUDGET_TOTAL_MISMATCH": "Total del presupuesto que no cuadra",
    "UNKNOWN_PARTIDA": "Partida fuera del clasificador",
    "INVALID_VALUE": "Valor ilegible",
    "UNMATCHED_ACTIVITY": "Actividad en una sola tabla",
    "DUPLICATE_PARTIDA": "Partida repetida",
    "ACTIVITIES_RENUMBERED": "Actividades renumeradas (claves con el mismo número)",
    "UNASSIGNED_SHEET": "Hoja sin área en un libro de varias áreas",
    "UNKNOWN_FRACCION": "Fracción del Art. 122 que no existe",
    "UNKNOWN_DIMENSION": "Dimensión de la OIM que no existe",
    "ALIGNMENT_UNKNOWN_ACTIVITY": "Alineación de una actividad que no está en el POA",
    "ALIGNMENT_NO_TABLE": "Hoja de alineación sin tabla",
    "FILLS_NOT_READ": "Meses marcados sólo con color que no se pudieron leer",
    "TEMPLATE_OUTDATED": "Plantilla oficial de una versión anterior",
    "TEMPLATE_OTHER_AREA": "Plantilla oficial de otra área",
    "GOAL_LOWERED_AFTER_END": "Meta reducida después de terminar su periodo",
    "GOAL_LOWERED_TO_ACHIEVED": "Meta reducida a lo ya alcanzado",
}

BUDGET_CODES = {
    "BUDGET_OVERSPENT": "error",
    "UNKNOWN_PARTIDA": "warning",
    "MOMENTO_ORDER": "warning",
    "NEGATIVE_AMOUNT": "error",
    "OUTSIDE_FISCAL_YEAR": "warning",
    "PARTIDA_NOT_IN_POA": "warning",
    "PARTIDA_NAME_DIFFERS": "info",
    # found while reading a spending workbook
    "INVALID_VALUE": "error",
    "MISSING_FIELD": "warning",
    "UNKNOWN_MOMENTO": "error",
    "INVALID_REVERSAL": "error",
    "DUPLICATE_FOLIO": "warning",
}
BUDGET_CODE_TITLES = {
    "BUDGET_OVERSPENT": "Partida con gasto mayor que su presupuesto modificado",
    "UNKNOWN_PARTIDA": "Partida fuera del clasificador",
    "MOMENTO_ORDER": "Momentos contables fuera de orden",
    "NEGATIVE_AMOUNT": "Importe negativo que no es una reversión",
    "OUTSIDE_FISCAL_YEAR": "Movimiento fuera del año del POA",
    "PARTIDA_NOT_IN_POA": "Partida con movimientos que no está en el POA",
    "PARTIDA_NAME_DIFFERS": "Nombre de la partida distinto del oficial",
    "INVALID_VALUE": "Valor ilegible",
    "MISSING_FIELD": "Dato faltante",
    "UNKNOWN_MOMENTO": "Momento contable desconocido",
    "INVALID_REVERSAL": "Reversión que no corresponde",
    "DUPLICATE_FOLIO": "Folio repetido",
}
