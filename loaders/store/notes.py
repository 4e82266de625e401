"""Aclaraciones: answers to open findings, and the findings history they follow.

An aclaración is written on a version of a POA for one finding of it (its code and activity or
partida: `loaders.check.diff.finding_key`) by the área's director or by Planeación
(`may_answer`). It is stored once and never edited (the `finding_note` table refuses UPDATE and
DELETE), audited as `finding_note`, and shown beside the finding on that version and on the
next ones while the finding persists without a break (`loaders.check.followup.applies`). It
never changes the finding itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from loaders.check.diff import finding_key
from loaders.check.followup import (
    FindingKey,
    FollowUp,
    VersionFindings,
    applying_notes,
    follow_up,
)
from loaders.codes import BUDGET_CODE_TITLES, CODE_TITLES
from loaders.model import Finding
from loaders.store.accounts import UPLOAD, User, may, may_budget
from loaders.store.errors import write_transaction
from loaders.store.schema import FindingNote, FindingRow, Plan, Version
from loaders.store.versions import record_audit

ACTION = "finding_note"
MAX_TEXT = 2_000  # characters of one aclaración
AUDIT_QUOTE = 120  # characters of the text the audit entry quotes


class NoteRefused(ValueError):
    """An aclaración that cannot be stored; the message is a Spanish sentence for the user."""


@dataclass(frozen=True)
class Note:
    id: int
    plan_id: int
    version_id: int  # written on this version
    version_number: int
    code: str
    activity: int | None
    partida: str | None
    text: str
    author: str
    created_at: datetime

    @property
    def key(self) -> FindingKey:
        return (self.code, self.activity, self.partida)


def may_answer(user: User | None, plan) -> bool:
    """Who may answer a finding of `plan` (a `Plan` row or a `PlanInfo`: its área and municipio):
    Planeación and the administration for any POA; a `direccion` account only for its own
    áreas, by the rule that lets it record their spending (`may_budget`)."""
    if plan is None:
        return False
    return may(user, UPLOAD) or may_budget(user, plan)


def object_text(activity: int | None, partida: str | None) -> str:
    """«la actividad 5», «la partida 3761», «el POA»."""
    if activity is not None:
        return f"la actividad {activity}"
    if partida:
        return f"la partida {partida}"
    return "el POA"


# ---- reading ------------------------------------------------------------------------------------


def findings_history(session: Session, plan_id: int) -> list[VersionFindings]:
    """Every version of the POA with the findings stored with it, by version number."""
    versions = session.execute(
        select(Version.id, Version.number, Version.as_of)
        .where(Version.plan_id == plan_id).order_by(Version.number)
    ).all()
    rows = session.execute(
        select(FindingRow.version_id, FindingRow.code, FindingRow.severity, FindingRow.message,
               FindingRow.activity, FindingRow.partida, FindingRow.sheet, FindingRow.cell)
        .join(Version, Version.id == FindingRow.version_id)
        .where(Version.plan_id == plan_id).order_by(FindingRow.id)
    ).all()
    by_version: dict[int, list[Finding]] = {}
    for version_id, code, severity, message, activity, partida, sheet, cell in rows:
        by_version.setdefault(version_id, []).append(Finding(
            code=code, severity=severity, message=message, activity=activity, partida=partida,
            sheet=sheet, cell=cell))
    return [VersionFindings(vid, number, as_of, tuple(by_version.get(vid, ())))
            for vid, number, as_of in versions]


def plan_notes(session: Session, plan_id: int) -> list[Note]:
    """Every aclaración written on the POA, oldest first."""
    rows = session.execute(
        select(FindingNote, Version.number)
        .join(Version, Version.id == FindingNote.version_id)
        .where(FindingNote.plan_id == plan_id)
        .order_by(FindingNote.created_at, FindingNote.id)
    ).all()
    return [Note(n.id, n.plan_id, n.version_id, number, n.code, n.activity, n.partida, n.text,
                 n.author, n.created_at) for n, number in rows]


def notes_for_version(session: Session, plan_id: int,
                      version_id: int) -> dict[FindingKey, tuple[Note, ...]]:
    """The aclaraciones that apply to a version, by finding key: those written on it or on an
    earlier version while the finding persisted without a break up to it."""
    return applying_notes(findings_history(session, plan_id), plan_notes(session, plan_id),
                          version_id)


def version_followup(session: Session, plan_id: int, version_id: int
                     ) -> tuple[FollowUp, dict[FindingKey, tuple[Note, ...]]]:
    """The follow-up of a version's findings and the aclaraciones that apply to it."""
    history = findings_history(session, plan_id)
    return (follow_up(history, version_id),
            applying_notes(history, plan_notes(session, plan_id), version_id))


# ---- writing ------------------------------------------------------------------------------------


def add_note(session: Session, *, plan_id: int, version_id: int, key: FindingKey, text: str,
             author: str, remote_addr: str = "", now: datetime | None = None) -> Note:
    """Store an aclaración for the finding `key` of `version_id`, with its audit entry; the
    caller owns the transaction and has checked the permission (`may_answer`).

    Raises NoteRefused, storing nothing, when the text is empty or too long, the version is not
    of the POA, or the version has no finding with that key (only an open finding is answered).
    """
    text = (text or "").strip()
    if not text:
        raise NoteRefused("Escriba la aclaración antes de guardarla.")
    if len(text) > MAX_TEXT:
        raise NoteRefused(f"La aclaración tiene {len(text):,} caracteres; el máximo es "
                          f"{MAX_TEXT:,}. Resúmala o anexe el detalle al libro del POA.")
    version = session.get(Version, version_id)
    plan = session.get(Plan, plan_id)
    if version is None or plan is None or version.plan_id != plan_id:
        raise NoteRefused("Esa versión no es de este POA; no se guardó la aclaración.")
    code, activity, partida = key
    stored = session.scalars(select(FindingRow).where(FindingRow.version_id == version_id)).all()
    if not any(finding_key(_finding(r)) == (code, activity, partida) for r in stored):
        raise NoteRefused("Ese hallazgo no está abierto en la versión "
                          f"{version.number}; no se guardó la aclaración.")
    now = now or datetime.now().replace(microsecond=0)
    note_id = session.execute(insert(FindingNote).returning(FindingNote.id), [{
        "plan_id": plan_id, "version_id": version_id, "code": code, "activity": activity,
        "partida": partida, "text": text, "author": author, "created_at": now,
    }]).scalar_one()
    quote = text if len(text) <= AUDIT_QUOTE else text[:AUDIT_QUOTE - 1] + "…"
    record_audit(
        session, ACTION, user=author, remote_addr=remote_addr, now=now, version_id=version_id,
        detail=(f"aclaración {note_id} a {code} ({code_title(code)}) de "
                f"{object_text(activity, partida)}, versión {version.number} del POA {plan_id}: "
                f"«{quote}»"),
    )
    return Note(note_id, plan_id, version_id, version.number, code, activity, partida, text,
                author, now)


def save_note(engine: Engine, *, plan_id: int, version_id: int, key: FindingKey, text: str,
              author: str, remote_addr: str = "", now: datetime | None = None) -> Note:
    """`add_note` in its own write transaction. Raises NoteRefused or StorageUnavailable,
    storing nothing."""
    with write_transaction(engine) as session:
        return add_note(session, plan_id=plan_id, version_id=version_id, key=key, text=text,
                        author=author, remote_addr=remote_addr, now=now)


def code_title(code: str) -> str:
    """The Spanish title of a finding code (the code itself if it has none)."""
    return CODE_TITLES.get(code) or BUDGET_CODE_TITLES.get(code) or code


def _finding(r: FindingRow) -> Finding:
    return Finding(code=r.code, severity=r.severity, message=r.message, activity=r.activity,
                   partida=r.partida, sheet=r.sheet, cell=r.cell)
