"""The loader's output: the CLI's JSON contract and a readable Spanish report."""

from __future__ import annotations

from collections import Counter
from datetime import date

from loaders.check.progress import efficiency_index
from loaders.codes import CODE_TITLES
from loaders.mapping import FIELD_LABELS, REQUIRED, REQUIRED_ONE_OF
from loaders.model import ColumnUse, Finding, PoaDocument
from loaders.read.tables import SKIP_REASONS, classify
from loaders.text import fmt_date, fmt_money, fmt_pct

SEVERITY_TITLES = {"error": "Errores", "warning": "Advertencias", "info": "Avisos"}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def document_to_json(doc: PoaDocument, findings: list[Finding]) -> dict:
    """`{"plan": …, "activities": […], "budget": […], "findings": […]}` as DESIGN.md defines."""
    index = efficiency_index(doc.activities)
    plan = doc.plan
    return {
        "plan": {
            "municipio": plan.municipio, "estado": plan.estado, "direccion": plan.direccion,
            "area": plan.area, "fiscal_year": plan.fiscal_year, "fiscal_year_source": doc.year_source,
            "objetivo": plan.objetivo, "objetivos_especificos": plan.objetivos_especificos,
            "efficiency_index": round(index.pct, 1) if index.pct is not None else None,
            "achieved_total": index.achieved, "programmed_total": index.programmed,
            "budget_total": sum(line.approved or 0 for line in doc.budget),
        },
        "activities": [
            {
                "number": a.number, "label": a.shown_label, "name": a.name,
                "name_cronograma": a.name_cronograma,
                "eje": a.eje, "linea_estrategica": a.linea_estrategica,
                "linea_accion": a.linea_accion, "actividad_especifica": a.actividad_especifica,
                "responsable": a.responsable, "unit": a.unit, "goal": a.goal,
                "programmed": a.programmed, "programmed_pct": a.programmed_pct,
                "achieved": a.achieved, "declared_pct": a.declared_pct,
                "start": _iso(a.start), "end": _iso(a.end),
                "months_planned": sorted(a.months_planned),
                "cells": {k: f"{v[0]}!{v[1]}" for k, v in a.cells.items()},
            }
            for a in doc.activities
        ],
        "budget": [
            {"partida": line.partida, "name": line.name, "approved": line.approved}
            for line in doc.budget
        ],
        "findings": [f.to_dict() for f in findings],
        "skipped": [{"sheet": s.sheet, "row": s.row, "reason": s.reason} for s in doc.skipped],
        "columns": [
            {"sheet": c.sheet, "cell": c.cell, "header": c.header, "field": c.field,
             "table": c.table, "source": c.source, "samples": list(c.samples)}
            for c in doc.columns
        ],
        "mapping_questions": mapping_questions(doc),
        "template": None if doc.template is None else {
            "format_version": doc.template.format_version, "poa_id": doc.template.poa_id,
            "version_id": doc.template.version_id,
            "version_number": doc.template.version_number, "area": doc.template.area,
            "municipio": doc.template.municipio, "fiscal_year": doc.template.fiscal_year,
        },
    }


def reading_summary(doc: PoaDocument) -> str:
    """ "16 actividades leídas, 2 filas omitidas (fila 14: subtotal; fila 20: vacía)" """
    n = len(doc.activities)
    text = f"{n} actividad{'es' if n != 1 else ''} leída{'s' if n != 1 else ''}"
    if not doc.skipped:
        return text + ", ninguna fila omitida"
    several = len({s.sheet for s in doc.skipped}) > 1
    rows = "; ".join(
        f"{s.sheet + ' ' if several else ''}fila {s.row}: {SKIP_REASONS.get(s.reason, s.reason)}"
        for s in doc.skipped[:12]
    )
    more = "…" if len(doc.skipped) > 12 else ""
    k = len(doc.skipped)
    return f"{text}, {k} fila{'s' if k != 1 else ''} omitida{'s' if k != 1 else ''} ({rows}{more})"


def unrecognised_columns(doc: PoaDocument) -> list[str]:
    """ "columna no reconocida: «Observaciones» en Cronograma!R5", one per column that filled
    no field."""
    return [f"columna no reconocida: «{c.header}» en {c.sheet}!{c.cell}"
            for c in doc.columns if c.field is None]


def template_line(doc: PoaDocument) -> str:
    """ "Plantilla oficial (formato 1) emitida de la versión 3 del POA 7 el 01/12/2026" """
    t = doc.template
    if t is None:
        return ""
    return (f"Plantilla oficial (formato {t.format_version or '?'}) emitida de la versión "
            f"{t.version_number or '?'} del POA {t.poa_id or '?'}"
            + (f" el {fmt_date(t.issued)}" if t.issued else "") + ".")


def mapping_questions(doc: PoaDocument) -> list[str]:
    """What the clerk must settle before the columns can be trusted, one sentence each: a field a
    POA needs that no column fills, and a field two columns claim (the second fills nothing)."""
    columns = [c for c in doc.columns if c.table == "activities"]
    filled = {c.field for c in columns if c.field}
    questions = []
    for name in REQUIRED:
        if name not in filled:
            questions.append(f"Ninguna columna se leyó como «{FIELD_LABELS[name]}»: elija cuál es.")
    if not filled & set(REQUIRED_ONE_OF):
        questions.append(f"Ninguna columna se leyó como «{FIELD_LABELS['programmed']}» ni como "
                         f"«{FIELD_LABELS['goal']}»: elija cuál es.")
    for c in columns:
        if c.source == "ocupado":
            taken = next((o for o in columns if o.field and o.sheet == c.sheet
                          and o.field == _wanted(c)), None)
            questions.append(
                f"«{c.header}» ({c.sheet}!{c.cell}) parece "
                f"«{FIELD_LABELS.get(_wanted(c) or '', 'otro campo')}», que ya se leyó de "
                f"«{taken.header if taken else 'otra columna'}»: elija qué es cada una."
            )
    return questions


def _wanted(column: ColumnUse) -> str | None:
    return classify(column.key)


def text_report(doc: PoaDocument, findings: list[Finding], as_of: date) -> str:
    plan = doc.plan
    index = efficiency_index(doc.activities)
    lines = [
        f"POA {plan.fiscal_year or '(año no indicado)'} — {plan.area or '(área no indicada)'}",
        f"Dirección: {plan.direccion or '(no indicada)'}",
        f"Municipio: {plan.municipio or '(no indicado)'}"
        + (f", {plan.estado}" if plan.estado else ""),
        f"Fecha de corte: {fmt_date(as_of)}",
        "",
        f"Lectura: {reading_summary(doc)}",
        *([f"  {template_line(doc)}"] if doc.template else []),
        *(f"  {line}" for line in unrecognised_columns(doc)),
        *(f"  Falta decidir: {q}" for q in mapping_questions(doc)),
        "",
        f"Actividades: {len(doc.activities)}",
    ]
    for a in doc.activities:
        dates = f"{fmt_date(a.start) if a.start else '—'} a {fmt_date(a.end) if a.end else '—'}"
        lines.append(
            f"  {a.shown_label:>5} {a.name[:60]:<60} {a.achieved if a.achieved is not None else '—'}"
            f" de {a.programmed if a.programmed is not None else '—'}   {dates}"
        )
    if index.pct is not None:
        lines.append(
            f"Índice de Eficiencia: {index.achieved} / {index.programmed} = {fmt_pct(index.pct)}"
        )
    lines += ["", f"Presupuesto: {len(doc.budget)} partidas"]
    for line in doc.budget:
        amount = fmt_money(line.approved) if line.approved is not None else "—"
        lines.append(f"  {line.partida:<6} {line.name[:50]:<50} {amount:>15}")
    total = sum(line.approved or 0 for line in doc.budget)
    lines.append(f"  {'Total':<57} {fmt_money(total):>15}")
    counts = Counter(f.severity for f in findings)
    lines += ["", f"Hallazgos: {len(findings)}"]
    for severity, title in SEVERITY_TITLES.items():
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        lines.append(f"{title} ({counts[severity]}):")
        for f in group:
            where = f" [{f.where}]" if f.where else ""
            lines.append(f"  - {f.code} ({CODE_TITLES.get(f.code, f.code)}){where}: {f.message}")
    return "\n".join(lines) + "\n"
