"""Storing an import as a new version: one transaction, bulk inserts, never an update.

A write the database refuses (busy, disk full, I/O or connection failure) raises
`loaders.errors.StorageUnavailable` with a Spanish sentence, and nothing of it is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loaders.check.reprogramming import Justification, Reprogramming, justification_for
from loaders.model import Activity, Finding, PlanIdentity, PoaDocument
from loaders.store.engine import WRITE
from loaders.store.errors import write_transaction
from loaders.store.mappings import save_profile
from loaders.store.reprogramming import against_latest, insert_reprogrammings
from loaders.store.schema import (
    ActivityRow,
    AlignmentRow,
    AuditEntry,
    BudgetRow,
    FindingRow,
    Plan,
    StoredFile,
    Version,
)
from loaders.text import fit_file_name, fold


@dataclass(frozen=True)
class Upload:
    """A read and checked workbook, ready to be stored."""

    data: bytes
    file_name: str
    sha256: str  # the file's SHA-256; with the área for a workbook of several áreas
    doc: PoaDocument
    findings: list[Finding]
    as_of: date
    areas: tuple[str, ...] = ()  # the áreas whose POAs the workbook holds, when several
    mapping: dict[str, str] = field(default_factory=dict)  # the column mapping it was read with


@dataclass(frozen=True)
class StoredVersion:
    plan_id: int
    version_id: int
    number: int
    sha256: str
    findings: list[Finding] = field(default_factory=list)
    # Goal and window changes against the POA's previous version, stored with their motivo.
    reprogrammings: tuple[Reprogramming, ...] = ()


class AlreadyImported(Exception):
    """The same bytes were stored before: the version that holds them."""

    def __init__(self, version_id: int, number: int, uploaded_at: datetime, plan: str) -> None:
        self.version_id = version_id
        self.number = number
        self.uploaded_at = uploaded_at
        self.plan = plan
        super().__init__(
            f"Este archivo ya se cargó el {uploaded_at:%d/%m/%Y a las %H:%M} "
            f"(versión {number} de {plan}); no se guardó de nuevo."
        )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_key(plan: PlanIdentity) -> str:
    parts = (plan.municipio, plan.direccion, plan.area, str(plan.fiscal_year or ""))
    return "|".join(fold(p) for p in parts)


def plan_label(plan: Plan) -> str:
    where = f" — {plan.municipio}" if plan.municipio else ""
    return f"{plan.area or 'POA'} {plan.fiscal_year}{where}"


def writer(engine: Engine) -> Engine:
    """The engine to write with: on SQLite its transactions take the write lock at BEGIN."""
    return engine.execution_options(**WRITE)


def find_duplicate(session: Session, sha256: str) -> AlreadyImported | None:
    row = session.execute(
        select(Version.id, Version.number, Version.uploaded_at, Plan)
        .join(Plan, Plan.id == Version.plan_id)
        .where(Version.sha256 == sha256)
    ).first()
    if row is None:
        return None
    return AlreadyImported(row[0], row[1], row[2], plan_label(row[3]))


def _plan_id(session: Session, plan: PlanIdentity, now: datetime) -> int:
    key = plan_key(plan)
    found = session.scalar(select(Plan.id).where(Plan.key == key))
    if found is not None:
        return found
    return session.execute(
        insert(Plan).returning(Plan.id),
        [{
            "key": key, "municipio": plan.municipio, "estado": plan.estado,
            "direccion": plan.direccion, "area": plan.area,
            "fiscal_year": plan.fiscal_year or 0, "created_at": now,
        }],
    ).scalar_one()


def store_upload(
    session: Session, upload: Upload, *, uploaded_by: str, now: datetime | None = None,
    justification: Justification = None,
) -> StoredVersion:
    """Store an upload as the next version of its plan. The caller owns the transaction.

    Its reprogramaciones against the plan's previous version are stored with it
    (`loaders.store.reprogramming`): with `justification` (one text for all, or one per activity
    number; "Sin justificación" when missing), approved by `uploaded_by` at the version's time.
    Their findings (GOAL_LOWERED_*) are findings of the new version."""
    duplicate = find_duplicate(session, upload.sha256)
    if duplicate:
        raise duplicate
    now = now or datetime.now().replace(microsecond=0)
    doc = upload.doc
    plan_id = _plan_id(session, doc.plan, now)
    # Against the latest version stored so far: read before the new one is inserted.
    check = against_latest(session, plan_id, doc, upload.as_of).check
    number = (
        session.scalar(select(func.max(Version.number)).where(Version.plan_id == plan_id)) or 0
    ) + 1
    version_id = session.execute(
        insert(Version).returning(Version.id),
        [{
            "plan_id": plan_id, "number": number, "uploaded_at": now, "uploaded_by": uploaded_by,
            "file_name": fit_file_name(upload.file_name), "sha256": upload.sha256,
            "size": len(upload.data),
            "as_of": upload.as_of, "objetivo": doc.plan.objetivo,
            "objetivos_especificos": doc.plan.objetivos_especificos,
            "year_source": doc.year_source, "budget_total": doc.budget_total,
            "budget_total_cell": list(doc.budget_total_cell) if doc.budget_total_cell else None,
            "column_map": dict(upload.mapping) or None,
        }],
    ).scalar_one()
    session.execute(insert(StoredFile), [{"version_id": version_id, "content": upload.data}])
    _insert_rows(session, version_id, doc)
    findings = [*upload.findings, *(f for f in check.findings if f not in upload.findings)]
    # The reprogramaciones' findings belong to the version, whatever the fecha de corte it is
    # read on: stored as the reading's findings are, they come back with its document
    # (`queries.load_version`) and every page shows them.
    _insert_findings(session, version_id, findings, {*doc.read_findings, *check.findings})
    insert_reprogrammings(session, version_id, check.reprogrammings, justification,
                          approved_by=uploaded_by, now=now)
    return StoredVersion(plan_id, version_id, number, upload.sha256, findings,
                         check.reprogrammings)


def activity_values(version_id: int, a: Activity) -> dict:
    """The `activity` row that stores `a`, column for column."""
    return {
        "version_id": version_id, "number": a.number, "label": a.label or None,
        "name": a.name, "name_cronograma": a.name_cronograma, "eje": a.eje,
        "linea_estrategica": a.linea_estrategica, "linea_accion": a.linea_accion,
        "actividad_especifica": a.actividad_especifica, "responsable": a.responsable,
        "unit": a.unit, "goal": a.goal, "programmed": a.programmed,
        "programmed_pct": a.programmed_pct, "achieved": a.achieved,
        "declared_pct": a.declared_pct, "start": a.start, "end": a.end,
        "months_planned": list(a.months_planned),
        "cells": {k: list(v) for k, v in a.cells.items()},
    }


def _insert_rows(session: Session, version_id: int, doc: PoaDocument) -> None:
    if doc.activities:
        session.execute(insert(ActivityRow), [activity_values(version_id, a)
                                              for a in doc.activities])
    if doc.budget:
        session.execute(insert(BudgetRow), [
            {
                "version_id": version_id, "position": i, "partida": line.partida,
                "name": line.name, "approved": line.approved,
                "cells": {k: list(v) for k, v in line.cells.items()},
            }
            for i, line in enumerate(doc.budget)
        ])
    if doc.alignment:
        session.execute(insert(AlignmentRow), [
            {
                "version_id": version_id, "activity": link.activity, "kind": link.kind,
                "code": link.code, "sheet": link.sheet, "cell": link.cell,
            }
            for link in doc.alignment
        ])


def _insert_findings(
    session: Session, version_id: int, findings: list[Finding], read: set[Finding]
) -> None:
    if findings:
        session.execute(insert(FindingRow), [
            {"version_id": version_id, "stage": "read" if f in read else "check", **f.to_dict()}
            for f in findings
        ])


def record_audit(
    session: Session,
    action: str,
    *,
    user: str,
    detail: str = "",
    remote_addr: str = "",
    version_id: int | None = None,
    now: datetime | None = None,
) -> None:
    session.execute(insert(AuditEntry), [{
        "at": now or datetime.now().replace(microsecond=0), "user": user, "action": action,
        "detail": detail, "remote_addr": remote_addr, "version_id": version_id,
    }])


def save_upload(
    engine: Engine, upload: Upload, *, uploaded_by: str, remote_addr: str = "", attempts: int = 5,
    justification: Justification = None,
) -> StoredVersion:
    """Store an upload in its own transaction, with its audit entry (and one more, action
    `reprogramming`, naming the activities whose goals or dates were reprogrammed).

    `justification` is the motivo of the reprogramaciones (`store_upload`): one text for all or
    one per activity number; the web upload refuses to save without one, the API and the CLI
    store "Sin justificación" (the CLI its own sentence).

    Two uploads at the same moment both end as versions: on SQLite the write lock queues them;
    on PostgreSQL the loser of a race for a version number or a new plan retries.
    Raises AlreadyImported, or StorageUnavailable (StorageBusy, StorageFull) when the database
    cannot take the write; either way nothing is stored.
    """
    for attempt in range(attempts):
        try:
            with write_transaction(engine) as session:
                stored = store_upload(session, upload, uploaded_by=uploaded_by,
                                      justification=justification)
                if upload.mapping:
                    save_profile(session, upload.doc, upload.mapping, by=uploaded_by,
                                 version_id=stored.version_id)
                record_audit(
                    session, "version_saved", user=uploaded_by, remote_addr=remote_addr,
                    version_id=stored.version_id,
                    detail=f"{upload.file_name} (v{stored.number}, sha256 {upload.sha256[:12]})",
                )
                if stored.reprogrammings:
                    record_audit(
                        session, "reprogramming", user=uploaded_by, remote_addr=remote_addr,
                        version_id=stored.version_id,
                        detail=reprogramming_detail(upload, stored, justification),
                    )
                return stored
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def reprogramming_detail(upload: Upload, stored: StoredVersion,
                         justification: Justification) -> str:
    """The audit entry of a version's reprogramaciones: the version, each change by activity
    number and name, and the motivo (once when one text covers them all)."""
    items = stored.reprogrammings
    motivos = {r.activity: justification_for(justification, r.activity) for r in items}
    one = len(set(motivos.values())) == 1
    changes = "; ".join(r.description + ("" if one else f" (motivo: «{motivos[r.activity]}»)")
                        for r in items)
    plan = upload.doc.plan
    count = f"{len(items)} " + ("reprogramación" if len(items) == 1 else "reprogramaciones")
    poa = f"{plan.area or 'POA'} {plan.fiscal_year or ''}".strip()
    text = f"{count} en la versión {stored.number} de «{poa}»: {changes}."
    if one:
        text += f" Motivo: «{next(iter(motivos.values()))}»."
    return text
