"""Plain view data built from a stored version on a fecha de corte: what pages and figures draw.

Pure functions of loader data; no I/O. Figures take these and return plotly figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from loaders.check.poa import check_document
from loaders.check.progress import (
    SEMAFORO_ORDER,
    Thresholds,
    efficiency_index,
    expected_index,
    status,
)
from loaders.model import Activity, Finding, PoaDocument
from loaders.settings import Settings
from loaders.text import activity_title

SEMAFORO_COLORS = {"verde": "#1a7f37", "amarillo": "#d4a106", "rojo": "#c62828", None: "#8c8c8c"}
SEMAFORO_WORDS = {"verde": "Verde", "amarillo": "Amarillo", "rojo": "Rojo", None: "Sin datos"}
SEMAFORO_ICONS = {"verde": "●", "amarillo": "▲", "rojo": "■", None: "○"}


@dataclass(frozen=True)
class ActivityView:
    """One activity with its derived progress on the fecha de corte."""

    number: int
    name: str
    eje: str
    achieved: int | None
    programmed: int | None
    real_pct: float | None
    expected_pct: float | None
    gap: float | None
    semaforo: str | None
    status_label: str
    declared_pct: float | None
    pct_mismatch: bool
    start: date | None
    end: date | None
    dates_valid: bool
    months_planned: tuple[int, ...]
    concluded: bool
    overdue: bool
    open: bool
    label: str = ""  # the number as written ("A-1"); "" for versions stored before labels

    @property
    def title(self) -> str:
        return activity_title(self.label, self.number, self.name)


@dataclass(frozen=True)
class PlanView:
    """Everything a page needs about one version of a POA on one fecha de corte."""

    as_of: date
    fiscal_year: int | None
    activities: tuple[ActivityView, ...]
    findings: tuple[Finding, ...]
    index_achieved: int
    index_programmed: int
    index_pct: float | None
    expected_index_pct: float | None
    budget_total: float

    @property
    def counts(self) -> Counter:
        return Counter(a.semaforo for a in self.activities)

    @property
    def severity_counts(self) -> Counter:
        return Counter(f.severity for f in self.findings)

    def attention(self) -> list[ActivityView]:
        """Activities that need attention, worst first (rojo before amarillo, biggest gap first)."""
        flagged = [a for a in self.activities if a.semaforo in ("rojo", "amarillo") or a.overdue]
        return sorted(
            flagged,
            key=lambda a: (SEMAFORO_ORDER.get(a.semaforo, 3), not a.overdue, a.gap or 0, a.number),
        )


def activity_view(a: Activity, as_of: date, thresholds: Thresholds) -> ActivityView:
    st = status(a, as_of, thresholds)
    mismatch = (
        a.declared_pct is not None and st.real is not None and abs(a.declared_pct - st.real) > 1
    )
    return ActivityView(
        number=a.number, name=a.name or (a.name_cronograma or ""), eje=a.eje,
        achieved=a.achieved, programmed=a.programmed, real_pct=st.real,
        expected_pct=st.expected, gap=st.gap, semaforo=st.semaforo, status_label=st.label,
        declared_pct=a.declared_pct, pct_mismatch=mismatch, start=a.start, end=a.end,
        dates_valid=st.dates_valid, months_planned=tuple(a.months_planned),
        concluded=st.concluded, overdue=st.overdue, open=st.open, label=a.label,
    )


def plan_view(doc: PoaDocument, as_of: date, settings: Settings) -> PlanView:
    thresholds = Thresholds(settings.green_gap, settings.yellow_gap)
    index = efficiency_index(doc.activities)
    return PlanView(
        as_of=as_of,
        fiscal_year=doc.plan.fiscal_year,
        activities=tuple(activity_view(a, as_of, thresholds) for a in doc.activities),
        findings=tuple(check_document(doc, as_of, settings)),
        index_achieved=index.achieved,
        index_programmed=index.programmed,
        index_pct=index.pct,
        expected_index_pct=expected_index(doc.activities, as_of),
        budget_total=sum(line.approved or 0 for line in doc.budget),
    )
