"""Stored reprogramaciones (table `reprogramming`): written with their version, read back for the
pages and the report.

A version's reprogramaciones are found (`loaders.check.reprogramming.detect`) against the latest
version of its POA stored before it, and written in the version's own transaction
(`loaders.store.versions.store_upload`) with the justification, the account that uploaded the
version (who approved) and the time. Rows are never updated (a trigger refuses it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from loaders.check.reprogramming import (
    NO_JUSTIFICATION,
    GoalHistory,
    Justification,
    RecordedReprogramming,
    Reprogramming,
    ReprogrammingCheck,
    Value,
    detect,
    histories,
    justification_for,
    parse_value,
)
from loaders.model import Activity, PlanIdentity, PoaDocument
from loaders.store.schema import ActivityRow, Version
from loaders.store.schema import Reprogramming as ReprogrammingRow


@dataclass(frozen=True)
class Previous:
    """The version a new one is compared with: the POA's latest, and its activities."""

    version_id: int
    number: int
    uploaded_at: datetime
    doc: PoaDocument  # its activities, with the fields a reprogramación compares


@dataclass(frozen=True)
class Pending:
    """What saving a document as the next version of its POA would record: the version it is
    compared with (None for a new POA) and its reprogramaciones and findings."""

    previous: Previous | None
    check: ReprogrammingCheck


def _activity(r: ActivityRow) -> Activity:
    """A stored activity with what a reprogramación compares (`loaders.check.diff.compare`):
    number, name, goals, achieved, dates, months and cells."""
    return Activity(
        number=r.number, label=r.label or "", name=r.name, name_cronograma=r.name_cronograma,
        goal=r.goal, programmed=r.programmed, programmed_pct=r.programmed_pct,
        achieved=r.achieved, declared_pct=r.declared_pct, start=r.start, end=r.end,
        months_planned=list(r.months_planned or []),
        cells={k: tuple(v) for k, v in (r.cells or {}).items()},
    )


def latest_version(session: Session, plan_id: int) -> Previous | None:
    """The POA's latest stored version (by number) with its activities; None before its
    first."""
    row = session.execute(select(Version.id, Version.number, Version.uploaded_at)
                          .where(Version.plan_id == plan_id)
                          .order_by(Version.number.desc()).limit(1)).first()
    if row is None:
        return None
    activities = [_activity(r) for r in session.scalars(
        select(ActivityRow).where(ActivityRow.version_id == row[0]).order_by(ActivityRow.id))]
    return Previous(row[0], row[1], row[2], PoaDocument(PlanIdentity(), activities, []))


def against_latest(session: Session, plan_id: int | None, doc: PoaDocument,
                   as_of: date) -> Pending:
    """The reprogramaciones of `doc` against its POA's latest version, on the fecha de corte
    `as_of` of the version it would become (none for a new POA: `plan_id` None)."""
    previous = latest_version(session, plan_id) if plan_id is not None else None
    return Pending(previous, detect(previous.doc if previous else None, doc, as_of))


def insert_reprogrammings(session: Session, version_id: int, items: Sequence[Reprogramming],
                          justification: Justification, *, approved_by: str,
                          now: datetime) -> None:
    """Write a version's reprogramaciones, each with its motivo (NO_JUSTIFICATION when none was
    given). The caller owns the transaction."""
    if not items:
        return
    session.execute(insert(ReprogrammingRow), [
        {"version_id": version_id, "activity": r.activity, "field": r.field,
         "old_value": r.old_value, "new_value": r.new_value,
         "justification": justification_for(justification, r.activity, NO_JUSTIFICATION),
         "approved_by": approved_by, "approved_at": now}
        for r in items
    ])


def recorded(session: Session, plan_id: int,
             up_to_number: int | None = None) -> list[RecordedReprogramming]:
    """Every reprogramación of the POA (of its versions up to number `up_to_number`), in version
    order."""
    query = (
        select(ReprogrammingRow, Version.number, Version.as_of)
        .join(Version, Version.id == ReprogrammingRow.version_id)
        .where(Version.plan_id == plan_id)
        .order_by(Version.number, ReprogrammingRow.activity, ReprogrammingRow.id)
    )
    if up_to_number is not None:
        query = query.where(Version.number <= up_to_number)
    return [
        RecordedReprogramming(
            version_id=row.version_id, version_number=number, as_of=as_of,
            activity=row.activity, field=row.field,
            before=parse_value(row.field, row.old_value),
            after=parse_value(row.field, row.new_value), justification=row.justification,
            approved_by=row.approved_by, approved_at=row.approved_at,
        )
        for row, number, as_of in session.execute(query).all()
    ]


def first_version_values(session: Session, plan_id: int,
                         keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Value]:
    """The values of (activity, field) in the POA's first version ("the original"); a key whose
    activity the first version did not have is left out."""
    keys = set(keys)
    if not keys:
        return {}
    first = session.scalar(select(Version.id).where(Version.plan_id == plan_id)
                           .order_by(Version.number).limit(1))
    if first is None:
        return {}
    numbers = {n for n, _ in keys}
    rows = session.scalars(select(ActivityRow).where(
        ActivityRow.version_id == first, ActivityRow.number.in_(numbers)).order_by(ActivityRow.id))
    values: dict[tuple[int, str], Value] = {}
    seen: set[int] = set()
    for row in rows:
        if row.number in seen:  # a repeated number: its first row
            continue
        seen.add(row.number)
        for number, field in keys:
            if number == row.number:
                values[(number, field)] = getattr(row, field)
    return values


def goal_histories(session: Session, plan_id: int,
                   up_to_number: int | None = None) -> list[GoalHistory]:
    """Each reprogrammed (activity, field) of the POA up to a version: its original value (the
    first version's) and its reprogramaciones."""
    records = recorded(session, plan_id, up_to_number)
    originals = first_version_values(session, plan_id, {(r.activity, r.field) for r in records})
    return histories(records, originals)




@dataclass(frozen=True)
class ActivityInVersion:
    """One activity as a version of its POA states it (for the activity's year)."""

    version_number: int
    as_of: date
    achieved: int | None
    programmed: int | None
    start: date | None
    end: date | None


def activity_by_version(session: Session, plan_id: int, number: int,
                        up_to_number: int | None = None) -> list[ActivityInVersion]:
    """Activity `number` in each version of the POA that has it (its first row when the number
    repeats), in version order, up to version number `up_to_number`."""
    query = (
        select(Version.number, Version.as_of, ActivityRow.achieved, ActivityRow.programmed,
               ActivityRow.start, ActivityRow.end)
        .join(Version, Version.id == ActivityRow.version_id)
        .where(Version.plan_id == plan_id, ActivityRow.number == number)
        .order_by(Version.number, ActivityRow.id)
    )
    if up_to_number is not None:
        query = query.where(Version.number <= up_to_number)
    seen: set[int] = set()
    out = []
    for row in session.execute(query).all():
        if row[0] in seen:
            continue
        seen.add(row[0])
        out.append(ActivityInVersion(*row))
    return out


__all__ = [
    "ActivityInVersion", "Pending", "Previous", "activity_by_version", "against_latest",
    "first_version_values", "goal_histories", "insert_reprogrammings", "latest_version",
    "recorded",
]
