"""Derived progress, never typed: real %, expected % on a fecha de corte, semáforo, the index."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from loaders.model import Activity

VERDE, AMARILLO, ROJO = "verde", "amarillo", "rojo"
SEMAFORO_LABELS = {VERDE: "En tiempo", AMARILLO: "Con retraso", ROJO: "En riesgo"}
SEMAFORO_ORDER = {ROJO: 0, AMARILLO: 1, VERDE: 2}


@dataclass(frozen=True)
class Thresholds:
    green: float = -10.0  # gap >= green -> verde
    yellow: float = -25.0  # gap >= yellow -> amarillo, else rojo


def real_pct(achieved: int | None, programmed: int | None) -> float | None:
    if not programmed or programmed <= 0:
        return None
    return (achieved or 0) / programmed * 100


def dates_valid(start: date | None, end: date | None) -> bool:
    return start is not None and end is not None and end >= start


def expected_pct(start: date | None, end: date | None, as_of: date) -> float | None:
    """Share of the window elapsed on `as_of`, both ends counted; 0 before, 100 after."""
    if start is None or end is None:
        return None
    if as_of > end:
        return 100.0
    if as_of < start:
        return 0.0
    total = (end - start).days + 1
    return min(100.0, ((as_of - start).days + 1) / total * 100)


def semaforo(gap: float, thresholds: Thresholds = Thresholds()) -> str:
    if gap >= thresholds.green:
        return VERDE
    if gap >= thresholds.yellow:
        return AMARILLO
    return ROJO


@dataclass(frozen=True)
class ActivityStatus:
    number: int
    real: float | None
    expected: float | None
    gap: float | None
    semaforo: str | None
    concluded: bool
    overdue: bool
    open: bool
    ahead: bool
    dates_valid: bool

    @property
    def label(self) -> str:
        if self.semaforo is None:
            return "Sin datos"
        if self.concluded:
            return "Concluida"
        if self.overdue:
            return "Vencida"
        return SEMAFORO_LABELS[self.semaforo]


def status(activity: Activity, as_of: date, thresholds: Thresholds = Thresholds()) -> ActivityStatus:
    real = real_pct(activity.achieved, activity.programmed)
    expected = expected_pct(activity.start, activity.end, as_of)
    programmed = activity.programmed or 0
    concluded = programmed > 0 and (activity.achieved or 0) >= programmed
    ended = activity.end is not None and as_of > activity.end
    is_open = (
        activity.start is not None and activity.end is not None
        and activity.start <= as_of <= activity.end
    )
    gap = None if real is None or expected is None else real - expected
    light = None
    if concluded:
        light = VERDE
    elif gap is not None:
        light = semaforo(gap, thresholds)
    return ActivityStatus(
        number=activity.number, real=real, expected=expected, gap=gap, semaforo=light,
        concluded=concluded, overdue=ended and programmed > 0 and not concluded, open=is_open,
        ahead=gap is not None and gap > 0, dates_valid=dates_valid(activity.start, activity.end),
    )


@dataclass(frozen=True)
class EfficiencyIndex:
    achieved: int
    programmed: int

    @property
    def pct(self) -> float | None:
        return self.achieved / self.programmed * 100 if self.programmed else None


def efficiency_index(activities: Iterable[Activity]) -> EfficiencyIndex:
    """Índice de Eficiencia = Σ meta alcanzada / Σ meta programada × 100 (the seed's indicator)."""
    achieved = programmed = 0
    for a in activities:
        if a.programmed:
            programmed += a.programmed
            achieved += a.achieved or 0
    return EfficiencyIndex(achieved, programmed)


def expected_index(activities: Iterable[Activity], as_of: date) -> float | None:
    """The index the plan should show on `as_of` if every activity kept its calendar."""
    weight = expected = 0.0
    for a in activities:
        pct = expected_pct(a.start, a.end, as_of)
        if a.programmed and pct is not None:
            weight += a.programmed
            expected += a.programmed * pct / 100
    return expected / weight * 100 if weight else None
