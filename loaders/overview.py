"""The state overview: Índice de Eficiencia and semáforo counts per municipio and per area.

One query reads the few columns needed of every activity of every POA's current version; the
rest is a pure aggregation, so 20,000 activities become 58 municipios and their areas, never
20,000 drawn bars.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.progress import AMARILLO, ROJO, VERDE, Thresholds, expected_pct, semaforo
from loaders.schema import ActivityRow, Plan, Version


@dataclass(frozen=True)
class ActivityFacts:
    plan_id: int
    version_id: int
    municipio: str
    area: str
    direccion: str
    fiscal_year: int
    achieved: int | None
    programmed: int | None
    start: date | None
    end: date | None


@dataclass
class Tally:
    """Counts and sums of a group of activities (a POA, an area, a municipio, the state)."""

    name: str
    plans: set[int] = field(default_factory=set)
    activities: int = 0
    achieved: int = 0
    programmed: int = 0
    expected_weighted: float = 0.0
    expected_weight: int = 0
    verde: int = 0
    amarillo: int = 0
    rojo: int = 0
    sin_datos: int = 0
    overdue: int = 0
    plan_id: int | None = None
    version_id: int | None = None

    @property
    def index_pct(self) -> float | None:
        return self.achieved / self.programmed * 100 if self.programmed else None

    @property
    def expected_index_pct(self) -> float | None:
        if not self.expected_weight:
            return None
        return self.expected_weighted / self.expected_weight * 100

    @property
    def risk(self) -> float:
        return self.rojo / self.activities if self.activities else 0.0

    def add(self, f: ActivityFacts, light: str | None, expected: float | None,
            overdue: bool) -> None:
        self.plans.add(f.plan_id)
        self.activities += 1
        if f.programmed:
            self.programmed += f.programmed
            self.achieved += f.achieved or 0
            if expected is not None:
                self.expected_weight += f.programmed
                self.expected_weighted += f.programmed * expected / 100
        if light == VERDE:
            self.verde += 1
        elif light == AMARILLO:
            self.amarillo += 1
        elif light == ROJO:
            self.rojo += 1
        else:
            self.sin_datos += 1
        self.overdue += overdue


@dataclass(frozen=True)
class StateOverview:
    total: Tally
    municipios: list[Tally]  # worst first
    areas: dict[str, list[Tally]]  # municipio -> its POAs (one per area/dirección), worst first


def current_activities(session: Session, fiscal_year: int | None = None) -> list[ActivityFacts]:
    """The activities of the latest version of every POA (optionally of one fiscal year)."""
    latest = (select(Version.plan_id, func.max(Version.id).label("version_id"))
              .group_by(Version.plan_id).subquery())
    query = (
        select(Plan.id, latest.c.version_id, Plan.municipio, Plan.area, Plan.direccion,
               Plan.fiscal_year, ActivityRow.achieved, ActivityRow.programmed,
               ActivityRow.start, ActivityRow.end)
        .join(latest, latest.c.plan_id == Plan.id)
        .join(ActivityRow, ActivityRow.version_id == latest.c.version_id)
    )
    if fiscal_year is not None:
        query = query.where(Plan.fiscal_year == fiscal_year)
    return [ActivityFacts(*row) for row in session.execute(query)]


def fiscal_years(session: Session) -> list[int]:
    return list(session.scalars(select(Plan.fiscal_year).distinct()
                                .order_by(Plan.fiscal_year.desc())))


def _worst_first(tallies) -> list[Tally]:
    return sorted(tallies, key=lambda t: (-t.risk, t.index_pct or 0, t.name))


DEFAULT_THRESHOLDS = Thresholds()


def summarize(facts: list[ActivityFacts], as_of: date,
              thresholds: Thresholds = DEFAULT_THRESHOLDS) -> StateOverview:
    """Pure: the same semáforo rule as each POA's pages, summed per POA, municipio and state."""
    total = Tally("Estado")
    municipios: dict[str, Tally] = {}
    plans: dict[int, Tally] = {}
    plan_municipio: dict[int, str] = {}
    for f in facts:
        programmed = f.programmed or 0
        real = (f.achieved or 0) / programmed * 100 if programmed > 0 else None
        expected = expected_pct(f.start, f.end, as_of)
        concluded = programmed > 0 and (f.achieved or 0) >= programmed
        if concluded:
            light = VERDE
        elif real is not None and expected is not None:
            light = semaforo(real - expected, thresholds)
        else:
            light = None
        overdue = f.end is not None and as_of > f.end and programmed > 0 and not concluded
        municipio = f.municipio or "Municipio no indicado"
        if municipio not in municipios:
            municipios[municipio] = Tally(municipio)
        if f.plan_id not in plans:
            name = f.area or f.direccion or "Área no indicada"
            plans[f.plan_id] = Tally(name, plan_id=f.plan_id, version_id=f.version_id)
            plan_municipio[f.plan_id] = municipio
        for tally in (total, municipios[municipio], plans[f.plan_id]):
            tally.add(f, light, expected, overdue)
    areas: dict[str, list[Tally]] = defaultdict(list)
    for plan_id, tally in plans.items():
        areas[plan_municipio[plan_id]].append(tally)
    return StateOverview(
        total, _worst_first(municipios.values()),
        {m: _worst_first(t) for m, t in areas.items()},
    )
