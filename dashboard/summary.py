"""What the Resumen page says in words: the progress sentence, the budget's execution, the
changes since the previous version and the findings corrected and new since it. Pure functions of
plain data (no I/O, no Dash).

Numbers are written as the page shows them: percentages with one decimal (`fmt_pct`), gaps in
*puntos* computed from the two percentages as shown (so the reader can check the subtraction),
money in pesos (`fmt_money`). A number and its unit are joined by a non-breaking space, so a line
never ends between "11.6" and "%".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dashboard.views import ActivityView, PlanView
from loaders.check.budget import CENT, eaepe
from loaders.check.diff import VersionDiff
from loaders.model import BudgetLine, Movement
from loaders.store.queries import VersionInfo
from loaders.text import fmt_date, fmt_money, fmt_pct

NBSP = "\u00a0"
FIRST_VERSION = "Primera versión del POA"
NO_CHANGES = "Sin cambios"
CHANGES_SHOWN = 5  # lines listed; the rest is "y N cambios más"


def keep_together(text: str) -> str:
    """`text` with its spaces made non-breaking: «0.0 % (0 de 20)» stays on one line."""
    return text.replace(" ", NBSP)


def plural(n: int, singular: str, plural_: str) -> str:
    return f"{n}{NBSP}{singular if n == 1 else plural_}"


# ---- progress -----------------------------------------------------------------------------------


def gap_points(real: float | None, expected: float | None) -> float | None:
    """real − expected in puntos, from both values rounded as shown (one decimal each)."""
    if real is None or expected is None:
        return None
    return round(round(real, 1) - round(expected, 1), 1) + 0.0  # + 0.0: no "-0.0"


def fmt_gap(points: float | None) -> str:
    """«84.9 puntos abajo», «3.0 puntos arriba», «en lo esperado»; «—» without a value."""
    if points is None:
        return "—"
    if points == 0:
        return "en lo esperado"
    word = "abajo" if points < 0 else "arriba"
    return f"{abs(points):,.1f}{NBSP}puntos {word}"


def progress_text(real: float | None, achieved: int | None, programmed: int | None) -> str:
    """«0.0 % (0 de 20)», on one line."""
    shown = "—" if real is None else fmt_pct(real)
    return keep_together(f"{shown} ({achieved or 0} de {programmed or 0})")


def overdue_count(activities: Sequence[ActivityView]) -> int:
    """Activities whose window ended without reaching the goal (`ActivityView.overdue`, the same
    rule as the OVERDUE finding)."""
    return sum(1 for a in activities if a.overdue)


def concluded_count(activities: Sequence[ActivityView]) -> int:
    return sum(1 for a in activities if a.concluded)


def _lights(red: int, overdue: int) -> str:
    if red == 0 and overdue == 0:
        return "ninguna actividad en rojo ni vencida"
    red_text = ("ninguna actividad en rojo" if red == 0
                else plural(red, "actividad en rojo", "actividades en rojo"))
    overdue_text = ("ninguna vencida" if overdue == 0
                    else plural(overdue, "vencida", "vencidas"))
    return f"{red_text}, {overdue_text}"


def progress_sentence(view: PlanView) -> str:
    """The page's message in one sentence, e.g. «Avance de 11.6 % contra 96.5 % esperado al
    01/12/2026: 84.9 puntos abajo; 16 actividades en rojo, 8 vencidas.»"""
    on = fmt_date(view.as_of)
    index, expected = view.index_pct, view.expected_index_pct
    if index is None:
        head = f"Sin metas programadas al {on}: no hay avance que medir"
    elif expected is None:
        head = (f"Avance de {keep_together(fmt_pct(index))} al {on}, sin fechas para calcular "
                "lo esperado")
    else:
        head = (f"Avance de {keep_together(fmt_pct(index))} contra "
                f"{keep_together(fmt_pct(expected))} esperado al {on}: "
                f"{fmt_gap(gap_points(index, expected))}")
    lights = _lights(view.counts.get("rojo", 0), overdue_count(view.activities))
    return f"{head}; {lights}."


# ---- budget -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overspent:
    partida: str
    name: str
    ejercido: float
    modificado: float
    pct_ejercido: float | None  # None when the modified budget is 0


@dataclass(frozen=True)
class BudgetExecution:
    """The budget's totals on the fecha de corte and its overspent partidas."""

    partidas: int
    aprobado: float
    modificado: float
    ejercido: float
    pct_ejercido: float | None  # ejercido / modificado × 100; None when modificado is 0
    overspent: tuple[Overspent, ...]


def budget_execution(
    budget: Sequence[BudgetLine], movements: Sequence[Movement], as_of: date
) -> BudgetExecution:
    """The EAEPE's totals (the movements dated up to `as_of`, as on Presupuesto and in the
    Informe) and the partidas whose ejercido exceeds the modified budget (the BUDGET_OVERSPENT
    rule)."""
    rows, total = eaepe(budget, movements, as_of=as_of)
    overspent = tuple(
        Overspent(r.partida, r.name, r.ejercido, r.modificado, r.pct_ejercido)
        for r in rows if r.ejercido > r.modificado + CENT
    )
    return BudgetExecution(len(rows), total.aprobado, total.modificado, total.ejercido,
                           total.pct_ejercido, overspent)


def execution_text(ex: BudgetExecution) -> str:
    """«$73,200.00 de $90,000.00 modificado»."""
    return f"{fmt_money(ex.ejercido)} de {fmt_money(ex.modificado)} modificado"


def _overspent_item(o: Overspent) -> str:
    share = "sin presupuesto" if o.pct_ejercido is None else fmt_pct(o.pct_ejercido)
    return keep_together(f"{o.partida} ({share})")


def overspent_text(ex: BudgetExecution) -> str:
    """«1 partida sobregirada: 3761 (108.0 %)»; «Ninguna partida sobregirada»."""
    if not ex.overspent:
        return "Ninguna partida sobregirada"
    n = len(ex.overspent)
    head = plural(n, "partida sobregirada", "partidas sobregiradas")
    return f"{head}: " + ", ".join(_overspent_item(o) for o in ex.overspent)


# ---- changes since the previous version ---------------------------------------------------------


@dataclass(frozen=True)
class ChangeList:
    """What the page lists of a `VersionDiff`: its summary, the first lines, how many more."""

    first: bool
    summary: str
    lines: tuple[str, ...]
    more: int

    @property
    def more_text(self) -> str:
        """«y 1 cambio más», «y 12 cambios más»; "" when every change is listed."""
        if not self.more:
            return ""
        return f"y {plural(self.more, 'cambio más', 'cambios más')}"


def change_list(diff: VersionDiff | None, limit: int = CHANGES_SHOWN) -> ChangeList:
    """`diff=None` (or a `first` diff): there is no previous version."""
    if diff is None or diff.first:
        return ChangeList(True, FIRST_VERSION, (), 0)
    if diff.is_empty:
        return ChangeList(False, NO_CHANGES, (), 0)
    messages = tuple(c.message for c in diff.changes)
    return ChangeList(False, diff.summary, messages[:limit], max(0, len(messages) - limit))


def changes_heading(previous_number: int | None, previous_date: date | None) -> str:
    """«Cambios desde la versión 3 (02/12/2026)»; «Cambios» without a previous version."""
    if previous_number is None:
        return "Cambios"
    when = f" ({fmt_date(previous_date)})" if previous_date else ""
    return f"Cambios desde la versión {previous_number}{when}"


def previous_version(versions: Sequence[VersionInfo], version_id: int | None) -> VersionInfo | None:
    """The version of the same POA numbered just before `version_id`; None for the first."""
    current = next((v for v in versions if v.id == version_id), None)
    if current is None:
        return None
    earlier = [v for v in versions if v.plan_id == current.plan_id and v.number < current.number]
    return max(earlier, key=lambda v: v.number, default=None)


# ---- findings followed up since the previous version ---------------------------------------------


def followup_sentence(corrected: int, new: int) -> str:
    """«3 hallazgos corregidos, 2 nuevos desde la versión anterior»; «1 hallazgo corregido,
    ninguno nuevo…», «Ningún hallazgo corregido ni nuevo…». Only for a version with a previous
    one (a first version has nothing to compare)."""
    since = "desde la versión anterior"
    if corrected == 0 and new == 0:
        return f"Ningún hallazgo corregido ni nuevo {since}"
    head = ("Ningún hallazgo corregido" if corrected == 0
            else plural(corrected, "hallazgo corregido", "hallazgos corregidos"))
    tail = ("ninguno nuevo" if new == 0
            else f"{new}{NBSP}{'nuevo' if new == 1 else 'nuevos'}")
    return f"{head}, {tail} {since}"


def first_version_findings(n: int) -> str:
    """What a POA's first version says of its findings: «sus 36 hallazgos son nuevos», «su único
    hallazgo es nuevo», «no tiene hallazgos» (after «Primera versión del POA: »)."""
    if n == 0:
        return "no tiene hallazgos"
    if n == 1:
        return "su único hallazgo es nuevo"
    return f"sus {n:,} hallazgos son nuevos"
