"""Column mappings: what a clerk said the columns of an área's workbook hold.

The reader places most columns by their headers (`loaders.read.tables.VOCABULARY`); a header
nobody foresaw fills no field. A mapping finishes the job: for each header, as written, the field
it fills, "ignorar" (fill none) or a month of the cronograma. It is keyed by the header's
normalised text (`loaders.text.header_key`), so "Meta  Alcanzada (N°)" and "meta alcanzada no"
are one header, and a two-row header "Avance / Logrado" is the key "avance logrado".

The same mapping travels as JSON (the CLI's `--mapa FILE`, stored with each version and as the
área's profile)::

    {"columnas": {"Cumplimiento al corte": "alcanzada", "Observaciones": "ignorar",
                  "1er mes": "mes_1"}}
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from loaders.text import header_key

IGNORE = "ignore"
# The field names a mapping uses (JSON and the preview's selectors), in the order the preview
# offers them, with the internal field each fills.
FIELDS: dict[str, str] = {
    "numero": "number",
    "actividad": "name",
    "unidad": "unit",
    "meta_anual": "goal",
    "programada": "programmed",
    "pct_programado": "programmed_pct",
    "alcanzada": "achieved",
    "pct_declarado": "declared_pct",
    "inicio": "start",
    "fin": "end",
    "responsable": "responsable",
    "eje": "eje",
    "linea_estrategica": "linea_estrategica",
    "linea_accion": "linea_accion",
    "actividad_especifica": "actividad_especifica",
    **{f"mes_{m}": f"month:{m}" for m in range(1, 13)},
    "ignorar": IGNORE,
}
NAMES = {internal: name for name, internal in FIELDS.items()}
MONTHS = ("Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre")
# How the preview and the reports name each field.
FIELD_LABELS = {
    "number": "Nº", "name": "Actividad", "eje": "Eje estratégico",
    "linea_estrategica": "Línea estratégica", "linea_accion": "Línea de acción",
    "actividad_especifica": "Actividad específica", "responsable": "Responsable",
    "unit": "Unidad de medida", "goal": "Meta anual", "programmed": "Meta programada (N°)",
    "programmed_pct": "Meta programada (%)", "achieved": "Meta alcanzada (N°)",
    "declared_pct": "Meta alcanzada (%)", "start": "Inicio", "end": "Fin",
    **{f"month:{m}": f"Mes del cronograma: {name}" for m, name in enumerate(MONTHS, 1)},
    IGNORE: "Ignorar (sin usar)",
}
# What a POA cannot do without: the preview asks for these first.
REQUIRED = ("number", "name", "achieved")
REQUIRED_ONE_OF = ("programmed", "goal")

ColumnMap = dict[str, str]  # header key -> internal field, IGNORE or "month:N"


def month_of(field: str | None) -> int | None:
    """The month a mapped field names ("month:3" -> 3), else None."""
    if field and field.startswith("month:"):
        return int(field.split(":", 1)[1])
    return None


def normalise(mapping: Mapping[str, str] | None) -> ColumnMap:
    """Internal fields keyed by header key; entries that name no field are left out."""
    if not mapping:
        return {}
    return {header_key(k): v for k, v in mapping.items()
            if header_key(k) and v in NAMES}


def parse_json(text: str) -> ColumnMap:
    """A mapping from its JSON (see the module docstring). Raises ValueError with one Spanish
    sentence naming what is wrong."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(
            f"El mapa de columnas no es JSON válido ({exc.msg}, línea {exc.lineno})."
        ) from None
    columns = data.get("columnas") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise ValueError('El mapa de columnas debe ser un objeto con la clave «columnas»: '
                         '{"columnas": {"Encabezado": "campo"}}.')
    mapping: ColumnMap = {}
    for header, name in columns.items():
        if not isinstance(name, str) or name not in FIELDS:
            raise ValueError(
                f"En el mapa de columnas, «{header}» dice «{name}», que no es un campo; use uno "
                f"de: {', '.join(FIELDS)}."
            )
        if not header_key(header):
            raise ValueError(f"En el mapa de columnas hay un encabezado vacío («{header}»).")
        mapping[header_key(header)] = FIELDS[name]
    return mapping


def to_json(mapping: Mapping[str, str], headers: Mapping[str, str] | None = None) -> dict:
    """The JSON form; `headers` gives each key's header as written, when known."""
    headers = headers or {}
    return {"columnas": {headers.get(k, k): NAMES[v] for k, v in mapping.items() if v in NAMES}}


__all__ = ["FIELDS", "FIELD_LABELS", "IGNORE", "REQUIRED", "REQUIRED_ONE_OF", "ColumnMap",
           "month_of", "normalise", "parse_json", "to_json"]
