"""Reading stored POAs: plans, versions, and a version back as a `PoaDocument`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.model import (
    Activity,
    AlignmentLink,
    BudgetLine,
    Finding,
    PlanIdentity,
    PoaDocument,
)
from loaders.store.schema import (
    ActivityRow,
    AlignmentRow,
    BudgetRow,
    FindingRow,
    Plan,
    StoredFile,
    Version,
)


@dataclass(frozen=True)
class PlanInfo:
    id: int
    municipio: str
    estado: str
    direccion: str
    area: str
    fiscal_year: int
    versions: int
    current_version_id: int | None

    @property
    def label(self) -> str:
        where = f" — {self.municipio}" if self.municipio else ""
        return f"{self.area or 'POA'} {self.fiscal_year}{where}"


@dataclass(frozen=True)
class VersionInfo:
    id: int
    plan_id: int
    number: int
    uploaded_at: datetime
    uploaded_by: str
    file_name: str
    sha256: str
    size: int
    as_of: date

    @property
    def label(self) -> str:
        return f"v{self.number} · {self.uploaded_at:%d/%m/%Y %H:%M}"


@dataclass(frozen=True)
class LoadedVersion:
    plan: PlanInfo
    version: VersionInfo
    doc: PoaDocument
    stored_findings: list[Finding]


def list_plans(session: Session) -> list[PlanInfo]:
    counts = (
        select(
            Version.plan_id, func.count(Version.id).label("n"), func.max(Version.id).label("last")
        )
        .group_by(Version.plan_id)
        .subquery()
    )
    rows = session.execute(
        select(Plan, counts.c.n, counts.c.last)
        .outerjoin(counts, counts.c.plan_id == Plan.id)
        .order_by(Plan.municipio, Plan.fiscal_year.desc(), Plan.direccion, Plan.area)
    ).all()
    return [_plan_info(plan, n or 0, last) for plan, n, last in rows]


def _plan_info(plan: Plan, versions: int, last: int | None) -> PlanInfo:
    return PlanInfo(
        plan.id, plan.municipio, plan.estado, plan.direccion, plan.area, plan.fiscal_year,
        versions, last,
    )


def get_plan(session: Session, plan_id: int) -> PlanInfo | None:
    return next((p for p in list_plans(session) if p.id == plan_id), None)


def list_versions(session: Session, plan_id: int | None = None) -> list[VersionInfo]:
    query = select(
        Version.id, Version.plan_id, Version.number, Version.uploaded_at, Version.uploaded_by,
        Version.file_name, Version.sha256, Version.size, Version.as_of,
    ).order_by(Version.plan_id, Version.number)
    if plan_id is not None:
        query = query.where(Version.plan_id == plan_id)
    return [VersionInfo(*row) for row in session.execute(query).all()]


def version_as_of(versions: Sequence[VersionInfo], as_of: date) -> VersionInfo | None:
    """The version a fecha de corte shows by default: the latest uploaded on or before that day;
    when every version came later, the first one (the page says so). None without versions."""
    ordered = sorted(versions, key=lambda v: (v.uploaded_at, v.number))
    before = [v for v in ordered if v.uploaded_at.date() <= as_of]
    if before:
        return before[-1]
    return ordered[0] if ordered else None


def count_versions(session: Session) -> int:
    return session.scalar(select(func.count(Version.id))) or 0


def original_file(session: Session, version_id: int) -> tuple[str, bytes] | None:
    row = session.execute(
        select(Version.file_name, StoredFile.content)
        .join(StoredFile, StoredFile.version_id == Version.id)
        .where(Version.id == version_id)
    ).first()
    return (row[0], row[1]) if row else None


def load_version(session: Session, version_id: int) -> LoadedVersion | None:
    version = session.get(Version, version_id)
    if version is None:
        return None
    plan = session.get(Plan, version.plan_id)
    activities = [
        Activity(
            number=r.number, label=r.label or "", name=r.name,
            name_cronograma=r.name_cronograma, eje=r.eje,
            linea_estrategica=r.linea_estrategica, linea_accion=r.linea_accion,
            actividad_especifica=r.actividad_especifica, responsable=r.responsable, unit=r.unit,
            goal=r.goal, programmed=r.programmed, programmed_pct=r.programmed_pct,
            achieved=r.achieved, declared_pct=r.declared_pct, start=r.start, end=r.end,
            months_planned=list(r.months_planned or []),
            cells={k: tuple(v) for k, v in (r.cells or {}).items()},
        )
        for r in session.scalars(
            select(ActivityRow).where(ActivityRow.version_id == version_id).order_by(ActivityRow.id)
        )
    ]
    budget = [
        BudgetLine(r.partida, r.name, r.approved, {k: tuple(v) for k, v in (r.cells or {}).items()})
        for r in session.scalars(
            select(BudgetRow).where(BudgetRow.version_id == version_id).order_by(BudgetRow.position)
        )
    ]
    alignment = tuple(
        AlignmentLink(r.activity, r.kind, r.code, r.sheet, r.cell)
        for r in session.scalars(
            select(AlignmentRow).where(AlignmentRow.version_id == version_id)
            .order_by(AlignmentRow.id)
        )
    )
    rows = session.scalars(
        select(FindingRow).where(FindingRow.version_id == version_id).order_by(FindingRow.id)
    ).all()
    findings = [
        Finding(
            code=r.code, severity=r.severity, message=r.message, activity=r.activity,
            partida=r.partida, sheet=r.sheet, cell=r.cell,
        )
        for r in rows
    ]
    read_findings = [f for f, r in zip(findings, rows, strict=True) if r.stage == "read"]
    doc = PoaDocument(
        plan=PlanIdentity(
            municipio=plan.municipio, estado=plan.estado, direccion=plan.direccion,
            area=plan.area, fiscal_year=plan.fiscal_year, objetivo=version.objetivo,
            objetivos_especificos=version.objetivos_especificos,
        ),
        activities=activities, budget=budget, budget_total=version.budget_total,
        budget_total_cell=tuple(version.budget_total_cell) if version.budget_total_cell else None,
        read_findings=read_findings, year_source=version.year_source, alignment=alignment,
    )
    versions = session.scalar(select(func.count(Version.id)).where(Version.plan_id == plan.id))
    last = session.scalar(select(func.max(Version.id)).where(Version.plan_id == plan.id))
    info = VersionInfo(
        version.id, version.plan_id, version.number, version.uploaded_at, version.uploaded_by,
        version.file_name, version.sha256, version.size, version.as_of,
    )
    return LoadedVersion(_plan_info(plan, versions or 0, last), info, doc, findings)


def plan_for_identity(session: Session, identity: PlanIdentity) -> PlanInfo | None:
    """The stored plan an upload with this identity would become a version of."""
    from loaders.store.versions import plan_key

    found = session.scalar(select(Plan.id).where(Plan.key == plan_key(identity)))
    return get_plan(session, found) if found is not None else None


def finding_counts(session: Session, plan_id: int) -> dict[int, dict[str, int]]:
    """Per version of a plan, its stored findings counted by severity."""
    rows = session.execute(
        select(FindingRow.version_id, FindingRow.severity, func.count(FindingRow.id))
        .join(Version, Version.id == FindingRow.version_id)
        .where(Version.plan_id == plan_id)
        .group_by(FindingRow.version_id, FindingRow.severity)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for version_id, severity, n in rows:
        counts.setdefault(version_id, {})[severity] = n
    return counts
