"""Checks of a read POA. A check never stops an import: every problem becomes a Finding."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from datetime import date

from loaders.check.progress import ROJO, Thresholds, status
from loaders.codes import CODES
from loaders.model import SEVERITY_ORDER, Activity, Finding, PoaDocument
from loaders.reference import load_catalog
from loaders.settings import Settings
from loaders.text import fmt_date, fmt_money, fmt_number, fmt_pct, fold, is_numeric_text, month_name

PCT_TOLERANCE = 1.0
REQUIRED_FIELDS = {
    "name": ("Actividad", "warning"),
    "eje": ("Eje estratégico", "warning"),
    "linea_estrategica": ("Línea estratégica", "warning"),
    "linea_accion": ("Línea de acción", "warning"),
    "actividad_especifica": ("Actividad específica", "warning"),
    "responsable": ("Responsable", "warning"),
    "unit": ("Unidad de medida", "warning"),
    "goal": ("Meta anual", "warning"),
    "programmed": ("Meta programada", "error"),
    "achieved": ("Meta alcanzada", "warning"),
    "declared_pct": ("% de meta alcanzada", "warning"),
    "start": ("Inicio", "error"),
    "end": ("Fin", "error"),
}

ActivityCheck = Callable[[Activity, "Context"], Iterator[Finding]]


class Context:
    def __init__(self, doc: PoaDocument, as_of: date, thresholds: Thresholds) -> None:
        self.doc = doc
        self.as_of = as_of
        self.thresholds = thresholds
        self.year = doc.plan.fiscal_year


def _at(code: str, activity: Activity, field: str, message: str, severity: str | None = None):
    sheet, cell = activity.cell(field)
    return Finding(
        code=code, severity=severity or CODES[code], message=message, activity=activity.number,
        sheet=sheet or None, cell=cell or None,
    )


def check_missing(a: Activity, ctx: Context) -> Iterator[Finding]:
    for field, (label, severity) in REQUIRED_FIELDS.items():
        if field not in a.cells or (field == "name" and "name" not in a.cells):
            continue
        value = getattr(a, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            yield _at(
                "MISSING_FIELD", a, field,
                f"La actividad {a.number} no tiene «{label}».", severity,
            )


def check_percent(a: Activity, ctx: Context) -> Iterator[Finding]:
    if a.declared_pct is None or a.achieved is None or not a.programmed:
        return
    real = a.achieved / a.programmed * 100
    if abs(real - a.declared_pct) > PCT_TOLERANCE:
        yield _at(
            "PCT_MISMATCH", a, "declared_pct",
            f"Actividad {a.number}: la meta alcanzada {a.achieved} de {a.programmed} es "
            f"{fmt_pct(real)}, pero se declaró {fmt_pct(a.declared_pct)}.",
        )


def check_dates(a: Activity, ctx: Context) -> Iterator[Finding]:
    if a.start and a.end and a.end < a.start:
        yield _at(
            "END_BEFORE_START", a, "end",
            f"Actividad {a.number}: la fecha de fin {fmt_date(a.end)} es anterior al inicio "
            f"{fmt_date(a.start)}.",
        )
    if ctx.year:
        for field, label in (("start", "inicio"), ("end", "fin")):
            value = getattr(a, field)
            if value and value.year != ctx.year:
                yield _at(
                    "OUTSIDE_FISCAL_YEAR", a, field,
                    f"Actividad {a.number}: la fecha de {label} {fmt_date(value)} está fuera del "
                    f"año fiscal {ctx.year}.",
                )


def check_name(a: Activity, ctx: Context) -> Iterator[Finding]:
    if a.name_cronograma is None or not a.name or not a.name_cronograma:
        return
    if fold(a.name) != fold(a.name_cronograma):
        yield _at(
            "NAME_MISMATCH", a, "name_cronograma",
            f"Actividad {a.number}: se llama «{a.name}» en la tabla de actividades y "
            f"«{a.name_cronograma}» en el cronograma.",
        )


def check_unit(a: Activity, ctx: Context) -> Iterator[Finding]:
    if a.unit and is_numeric_text(a.unit):
        yield _at(
            "UNIT_NOT_A_UNIT", a, "unit",
            f"Actividad {a.number}: la unidad de medida dice «{a.unit}», un número; debe decir "
            "qué se cuenta (asesorías, eventos, personas…).",
        )


def check_goals(a: Activity, ctx: Context) -> Iterator[Finding]:
    if a.goal is not None and a.programmed is not None and a.goal != a.programmed:
        yield _at(
            "GOAL_MISMATCH", a, "programmed",
            f"Actividad {a.number}: la meta anual es {fmt_number(a.goal)} y la meta programada "
            f"{fmt_number(a.programmed)}.",
        )
    if a.achieved is not None and a.programmed is not None and a.achieved > a.programmed:
        yield _at(
            "ACHIEVED_OVER_GOAL", a, "achieved",
            f"Actividad {a.number}: la meta alcanzada {fmt_number(a.achieved)} supera la "
            f"programada {fmt_number(a.programmed)}.",
        )


def check_months(a: Activity, ctx: Context) -> Iterator[Finding]:
    if not (a.months_planned and a.start and a.end and a.end >= a.start and ctx.year):
        return
    outside = [
        m for m in a.months_planned
        if not (a.start <= _month_end(ctx.year, m) and _month_start(ctx.year, m) <= a.end)
    ]
    if outside:
        names = ", ".join(month_name(m) for m in outside)
        yield _at(
            "MONTHS_OUTSIDE_WINDOW", a, "months",
            f"Actividad {a.number}: el cronograma marca {names}, fuera de sus fechas "
            f"{fmt_date(a.start)} – {fmt_date(a.end)}.",
        )


def check_schedule(a: Activity, ctx: Context) -> Iterator[Finding]:
    st = status(a, ctx.as_of, ctx.thresholds)
    if st.overdue:
        yield _at(
            "OVERDUE", a, "achieved",
            f"Actividad {a.number}: terminó el {fmt_date(a.end)} y lleva {a.achieved or 0} de "
            f"{a.programmed} ({fmt_pct(st.real or 0)}).",
        )
    elif st.open and st.semaforo == ROJO:
        yield _at(
            "BEHIND_SCHEDULE", a, "achieved",
            f"Actividad {a.number}: al {fmt_date(ctx.as_of)} lleva {fmt_pct(st.real or 0)} y "
            f"debería llevar {fmt_pct(st.expected or 0)} (semáforo rojo).",
        )


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


ACTIVITY_CHECKS: tuple[ActivityCheck, ...] = (
    check_missing, check_percent, check_dates, check_name, check_unit, check_goals, check_months,
    check_schedule,
)


def check_budget(doc: PoaDocument) -> Iterator[Finding]:
    catalog = load_catalog()
    for line in doc.budget:
        if not catalog.is_known(line.partida):
            sheet, cell = line.cells.get("partida", (None, None))
            yield Finding(
                code="UNKNOWN_PARTIDA", severity=CODES["UNKNOWN_PARTIDA"],
                message=f"La partida «{line.partida}» ({line.name}) no está en el Clasificador "
                "por Objeto del Gasto del CONAC.",
                partida=line.partida, sheet=sheet, cell=cell,
            )
    if doc.budget_total is not None:
        total = sum(line.approved or 0 for line in doc.budget)
        if abs(total - doc.budget_total) > 0.005:
            sheet, cell = doc.budget_total_cell or (None, None)
            yield Finding(
                code="BUDGET_TOTAL_MISMATCH", severity=CODES["BUDGET_TOTAL_MISMATCH"],
                message=f"El total del presupuesto dice {fmt_money(doc.budget_total)}, pero la "
                f"suma de las partidas es {fmt_money(total)}.",
                sheet=sheet, cell=cell,
            )


def check_document(doc: PoaDocument, as_of: date, settings: Settings | None = None) -> list[Finding]:
    """Every finding of a document on a fecha de corte, errors first."""
    settings = settings or Settings()
    ctx = Context(doc, as_of, Thresholds(settings.green_gap, settings.yellow_gap))
    findings = list(doc.read_findings)
    for activity in doc.activities:
        for check in ACTIVITY_CHECKS:
            findings.extend(check(activity, ctx))
    findings.extend(check_budget(doc))
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], f.activity is None, f.activity or 0, f.code),
    )
