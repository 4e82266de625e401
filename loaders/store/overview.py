"""The state overview: Índice de Eficiencia and semáforo counts per municipio and per area.

`overview_from_db` lets the database do the work: one GROUP BY query applies the semáforo rule
of `loaders.check.progress` to every activity of every POA's current version and returns one row per
POA, so 20,000 activities become a few hundred rows and then 58 municipios, never 20,000 drawn
bars. The tests hold it to each POA's own view (`dashboard.views.plan_view`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from loaders.check.progress import Thresholds
from loaders.store.schema import ActivityRow, Plan, Version


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


@dataclass(frozen=True)
class StateOverview:
    total: Tally
    municipios: list[Tally]  # worst first
    areas: dict[str, list[Tally]]  # municipio -> its POAs (one per area/dirección), worst first


def fiscal_years(session: Session) -> list[int]:
    return list(session.scalars(select(Plan.fiscal_year).distinct()
                                .order_by(Plan.fiscal_year.desc())))


def _worst_first(tallies) -> list[Tally]:
    return sorted(tallies, key=lambda t: (-t.risk, t.index_pct or 0, t.name))


DEFAULT_THRESHOLDS = Thresholds()


# -- the aggregation, done by the database -------------------------------------------------------

_EPOCH = date(1970, 1, 1)


def _day(column, dialect: str):
    """A date column as a day number (whole days apart are whole numbers apart)."""
    if dialect == "sqlite":
        return func.julianday(column)
    return column - literal(_EPOCH)


def _day_of(value: date, dialect: str) -> float:
    if dialect == "sqlite":
        return value.toordinal() + 1721424.5  # julianday() of that date
    return float((value - _EPOCH).days)


@dataclass(frozen=True)
class CurrentVersion:
    plan_id: int
    version_id: int
    municipio: str
    area: str
    direccion: str


@dataclass(frozen=True)
class PlanCounts:
    """What one version contributes to the overview on one fecha de corte (immutable, so a
    cache may keep it: a stored version never changes)."""

    activities: int
    achieved: int
    programmed: int
    expected_weighted: float
    expected_weight: int
    verde: int
    amarillo: int
    rojo: int
    sin_datos: int
    overdue: int


def current_versions(session: Session, fiscal_year: int | None = None,
                     as_of: date | None = None) -> list[CurrentVersion]:
    """The version of every POA (of one fiscal year) that the fecha de corte `as_of` shows, by
    the pages' rule (`queries.version_as_of`): the latest uploaded on or before that day, else
    the POA's first; without `as_of`, the latest. With the plan's identity."""
    if as_of is None:
        on_time = literal(True)
    else:
        on_time = Version.uploaded_at < datetime.combine(as_of + timedelta(days=1), time())
    rank = func.row_number().over(
        partition_by=Version.plan_id,
        order_by=(case((on_time, 0), else_=1),  # uploaded by the corte first…
                  case((on_time, Version.uploaded_at)).desc(),  # …the latest of them,
                  Version.uploaded_at.asc(),  # else the first uploaded
                  Version.number.desc()),
    ).label("rank")
    ranked = select(Version.plan_id, Version.id.label("version_id"), rank).subquery()
    query = (select(Plan.id, ranked.c.version_id, Plan.municipio, Plan.area, Plan.direccion)
             .join(ranked, ranked.c.plan_id == Plan.id).where(ranked.c.rank == 1)
             .order_by(Plan.id))
    if fiscal_year is not None:
        query = query.where(Plan.fiscal_year == fiscal_year)
    return [CurrentVersion(*row) for row in session.execute(query)]


def plan_counts(session: Session, version_ids: list[int], as_of: date,
                thresholds: Thresholds = DEFAULT_THRESHOLDS) -> dict[int, PlanCounts]:
    """Per version: the semáforo rule of `loaders.check.progress` applied by the database to each
    activity, in the same order of operations, so the floating-point results (and the semáforo
    at a threshold's edge) are the same as `loaders.check.progress.status` gives."""
    if not version_ids:
        return {}
    dialect = session.get_bind().dialect.name
    a = ActivityRow
    start, end = _day(a.start, dialect), _day(a.end, dialect)
    today = literal(_day_of(as_of, dialect))
    achieved = func.coalesce(a.achieved, 0)
    has_goal = a.programmed > 0
    smaller = func.min if dialect == "sqlite" else func.least
    per_activity = select(
        a.version_id.label("version_id"),
        achieved.label("achieved"),
        a.programmed.label("programmed"),
        a.end.is_not(None).label("has_end"),
        (today > end).label("ended"),
        case((has_goal, cast(achieved, Float) / a.programmed * 100.0), else_=None).label("real"),
        case(
            (or_(a.start.is_(None), a.end.is_(None)), None),
            (today > end, 100.0),
            (today < start, 0.0),
            else_=smaller(100.0, (today - start + 1) / (end - start + 1) * 100.0),
        ).label("expected"),
    ).where(a.version_id.in_(version_ids))
    # Materialized so each activity's expressions are computed once, not once per sum.
    rows = per_activity.cte("per_activity").prefix_with("MATERIALIZED")
    r = rows.c
    goal = r.programmed > 0
    concluded = and_(goal, r.achieved >= r.programmed)
    gap = r.real - r.expected
    light = case(
        (concluded, 1),
        (or_(r.real.is_(None), r.expected.is_(None)), 0),
        (gap >= thresholds.green, 1),
        (gap >= thresholds.yellow, 2),
        else_=3,
    )
    lights = select(
        r.version_id, r.achieved, r.programmed, r.expected, light.label("light"),
        and_(r.has_end, r.ended, goal, ~concluded).label("overdue"),
    ).cte("lights").prefix_with("MATERIALIZED")
    c = lights.c
    counted = and_(c.programmed.is_not(None), c.programmed != 0)  # `if f.programmed:` above
    weighted = and_(counted, c.expected.is_not(None))

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    query = select(
        c.version_id, func.count(),
        func.sum(case((counted, c.achieved), else_=0)),
        func.sum(case((counted, c.programmed), else_=0)),
        func.sum(case((weighted, c.programmed * c.expected / 100.0), else_=0.0)),
        func.sum(case((weighted, c.programmed), else_=0)),
        count(c.light == 1), count(c.light == 2), count(c.light == 3), count(c.light == 0),
        count(c.overdue),
    ).group_by(c.version_id)
    return {
        version_id: PlanCounts(int(n), int(ach or 0), int(prog or 0), float(exp_w or 0),
                               int(exp_n or 0), int(verde), int(amarillo), int(rojo),
                               int(sin_datos), int(overdue))
        for version_id, n, ach, prog, exp_w, exp_n, verde, amarillo, rojo, sin_datos, overdue
        in session.execute(query)
    }


def assemble(versions: list[CurrentVersion], counts: dict[int, PlanCounts]) -> StateOverview:
    """Sum per-version counts into the POAs, municipios and the state (pure)."""
    total = Tally("Estado")
    municipios: dict[str, Tally] = {}
    areas: dict[str, list[Tally]] = defaultdict(list)
    for v in versions:
        got = counts.get(v.version_id)
        if got is None or not got.activities:
            continue
        municipio = v.municipio or "Municipio no indicado"
        plan = Tally(v.area or v.direccion or "Área no indicada", plan_id=v.plan_id,
                     version_id=v.version_id)
        if municipio not in municipios:
            municipios[municipio] = Tally(municipio)
        for tally in (plan, municipios[municipio], total):
            tally.plans.add(v.plan_id)
            tally.activities += got.activities
            tally.achieved += got.achieved
            tally.programmed += got.programmed
            tally.expected_weighted += got.expected_weighted
            tally.expected_weight += got.expected_weight
            tally.verde += got.verde
            tally.amarillo += got.amarillo
            tally.rojo += got.rojo
            tally.sin_datos += got.sin_datos
            tally.overdue += got.overdue
        areas[municipio].append(plan)
    return StateOverview(total, _worst_first(municipios.values()),
                         {m: _worst_first(t) for m, t in areas.items()})


def overview_from_db(session: Session, as_of: date, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                     fiscal_year: int | None = None) -> StateOverview:
    """Every current POA (of one fiscal year) summed per POA, municipio and state on `as_of`."""
    versions = current_versions(session, fiscal_year, as_of)
    counts = plan_counts(session, [v.version_id for v in versions], as_of, thresholds)
    return assemble(versions, counts)
