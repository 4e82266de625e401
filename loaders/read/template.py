"""The official template's own sheets: its cover («Portada») and its «Instrucciones».

The template (written by `loaders.write.template`) is the official layout of the sample workbook
plus two sheets of its own. The POA sheets are read like any workbook, by their headers; this
module only recognises the cover, reads what it says into a `TemplateInfo`, and keeps the two
sheets out of the reading: no table, identity, year or área is ever taken from them, and they are
never reported as sheets without an área.

The cover is recognised by its content, not by its sheet name: a row whose column A says
«Plantilla» and whose column B says `TEMPLATE_ID` ("TPOA"). Its other rows are read by their
labels in column A (accents, case and a trailing colon aside; `loaders.model.COVER_LABELS`),
each value in column B of the same row:

| label (column A)          | value (column B)       | `TemplateInfo`     |
|---------------------------|------------------------|--------------------|
| Plantilla                 | TPOA                   | (recognition)      |
| Versión de la plantilla   | 1                      | `format_version`   |
| Clave del POA             | 7                      | `poa_id`           |
| Clave de la versión       | 12                     | `version_id`       |
| Número de versión         | 3                      | `version_number`   |
| Municipio, Estado, Dirección, Área | text          | the same names     |
| Año fiscal                | 2026                   | `fiscal_year`      |
| Fecha de emisión          | a date (dd/mm/aaaa)    | `issued`           |

A value that cannot be read is None. When a cover is found, a sheet named «Instrucciones» is the
template's too and is left out as well. The identity is the one the POA sheets state, as for any
workbook; only what they leave empty (the estado: the template's «Municipio:» line carries the
municipio alone) is taken from the cover.

Findings (`template_findings`), both warnings, on the cover's cell:
- `TEMPLATE_OUTDATED`: the cover's format version is older than `TEMPLATE_FORMAT` (or missing).
  The workbook is still read as any other: its POA sheets are the official layout.
- `TEMPLATE_OTHER_AREA`: the cover's área or municipio (accents and case aside) differs from the
  identity read from the workbook's own POA sheets — the cover or the «Área:» line was edited, or
  another área's template was filled in. (Against the stored POA the template was issued for, at
  upload time, see `loaders.template_diff.upload_findings`.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from loaders.codes import CODES
from loaders.model import (
    COVER_LABELS,
    INSTRUCTIONS_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_ID,
    Finding,
    PlanIdentity,
    PoaDocument,
    TemplateInfo,
)
from loaders.read.grid import Sheet, cell_name
from loaders.read.values import Invalid, as_text, parse_count, parse_date
from loaders.text import fold

COVER_ROWS = 40  # the cover's labels are within its first rows
_FIELDS = {fold(label): name for name, label in COVER_LABELS.items()}
_NUMBERS = ("format_version", "poa_id", "version_id", "version_number", "fiscal_year")
_TEXTS = ("municipio", "estado", "direccion", "area")


def split_template(sheets: list[Sheet]) -> tuple[list[Sheet], TemplateInfo | None]:
    """The sheets to read as the POA, and the template's cover when the workbook is one."""
    for sheet in sheets:
        info = read_cover(sheet)
        if info is not None:
            kept = [s for s in sheets if s is not sheet and fold(s.name) != fold(INSTRUCTIONS_SHEET)]
            return kept, info
    return sheets, None


def _label(value: object) -> str:
    return fold(as_text(value)).rstrip(":").strip()


def read_cover(sheet: Sheet) -> TemplateInfo | None:
    """What the sheet says as a template's cover, or None when it is not one."""
    found: dict[str, tuple[object, str]] = {}
    for r in range(min(len(sheet.rows), COVER_ROWS)):
        name = _FIELDS.get(_label(sheet.value(r, 0)))
        if name is not None and name not in found:
            found[name] = (sheet.value(r, 1), cell_name(r, 1))
    template_id = found.get("template_id")
    if template_id is None or as_text(template_id[0]).strip().upper() != TEMPLATE_ID:
        return None
    values: dict[str, object] = {}
    for name in _NUMBERS:
        values[name] = _count(found.get(name, (None, ""))[0])
    for name in _TEXTS:
        values[name] = as_text(found.get(name, (None, ""))[0]).strip()
    return TemplateInfo(
        sheet=sheet.name, **values, issued=_date(found.get("issued", (None, ""))[0]),
        cells={name: cell for name, (_, cell) in found.items()},
    )


def _count(value: object) -> int | None:
    try:
        return parse_count(value)
    except Invalid:
        return None


def _date(value: object) -> date | None:
    try:
        return parse_date(value)
    except Invalid:
        return None


def template_findings(doc: PoaDocument, info: TemplateInfo) -> list[Finding]:
    """TEMPLATE_OUTDATED and TEMPLATE_OTHER_AREA for a document read from a template."""
    findings = []
    if info.outdated:
        said = (f"es de la versión {info.format_version} del formato"
                if info.format_version is not None else "no dice de qué versión del formato es")
        findings.append(Finding(
            "TEMPLATE_OUTDATED", CODES["TEMPLATE_OUTDATED"],
            f"La plantilla oficial {said} y la vigente es la {TEMPLATE_FORMAT}; se leyó como "
            "cualquier libro, pero pida a la Unidad de Planeación la plantilla nueva.",
            sheet=info.sheet, cell=info.cells.get("format_version") or info.cells["template_id"],
        ))
    plan = doc.plan
    differs = [
        name for name, cover, read in (("area", info.area, plan.area),
                                       ("municipio", info.municipio, plan.municipio))
        if cover and read and fold(cover) != fold(read)
    ]
    if differs:
        findings.append(Finding(
            "TEMPLATE_OTHER_AREA", CODES["TEMPLATE_OTHER_AREA"],
            f"La portada dice que esta plantilla se emitió para {_who(info.area, info.municipio)}, "
            f"pero el libro dice {_who(plan.area, plan.municipio)}; revise que sea la plantilla de "
            "esta área (pida a la Unidad de Planeación la suya).",
            sheet=info.sheet, cell=info.cells.get(differs[0]),
        ))
    return findings


def _who(area: str, municipio: str) -> str:
    return f"el área «{area or 'sin nombre'}»" + (f" de {municipio}" if municipio else "")


def with_template(documents: list[PoaDocument], info: TemplateInfo | None) -> list[PoaDocument]:
    """The documents read from a template's POA sheets, each carrying its cover and findings."""
    if info is not None:
        for doc in documents:
            doc.template = info
            doc.read_findings.extend(template_findings(doc, info))
            doc.plan = _completed(doc.plan, info)
    return documents


def _completed(plan: PlanIdentity, info: TemplateInfo) -> PlanIdentity:
    """The identity read from the POA sheets, with what they do not say taken from the cover
    (the template's «Municipio:» line carries no estado; the cover does)."""
    missing = {name: getattr(info, name) for name in (*_TEXTS, "fiscal_year")
               if getattr(plan, name) in ("", None) and getattr(info, name) not in ("", None)}
    return replace(plan, **missing) if missing else plan
