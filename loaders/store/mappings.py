"""Saved column mappings, one per área (`column_profile`): what the clerk chose in the preview is
used again for that área's next workbooks of the same layout, and can be removed by Planeación.

A profile applies to a workbook when every header it maps is among the workbook's activity-table
headers (the same layout, maybe with a column more); the preview then says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loaders.mapping import ColumnMap
from loaders.model import PlanIdentity, PoaDocument
from loaders.store.schema import ColumnProfile
from loaders.text import fold


@dataclass(frozen=True)
class Profile:
    id: int
    municipio: str
    area: str
    mapping: ColumnMap
    headers: dict[str, str]  # header key -> as written
    created_by: str
    created_at: datetime


def area_key(plan: PlanIdentity) -> str:
    return f"{fold(plan.municipio)}|{fold(plan.area)}"


def _profile(row: ColumnProfile) -> Profile:
    return Profile(row.id, row.municipio, row.area, dict(row.mapping), dict(row.headers or {}),
                   row.created_by, row.created_at)


def save_profile(session: Session, doc: PoaDocument, mapping: ColumnMap, *, by: str,
                 version_id: int | None = None, now: datetime | None = None) -> None:
    """The área's profile becomes `mapping` (the caller owns the transaction)."""
    headers = {c.key: c.header for c in doc.columns if c.key in mapping}
    key = area_key(doc.plan)
    session.execute(delete(ColumnProfile).where(ColumnProfile.area_key == key))
    session.add(ColumnProfile(
        area_key=key, municipio=doc.plan.municipio, area=doc.plan.area, mapping=dict(mapping),
        headers=headers, created_by=by, created_at=now or datetime.now().replace(microsecond=0),
        version_id=version_id,
    ))


def profile_for(session: Session, doc: PoaDocument) -> Profile | None:
    """The área's profile when it fits this workbook's layout (every header it maps is there)."""
    row = session.scalar(select(ColumnProfile).where(ColumnProfile.area_key == area_key(doc.plan)))
    if row is None:
        return None
    keys = {c.key for c in doc.columns if c.table == "activities"}
    return _profile(row) if set(row.mapping) <= keys else None


def list_profiles(session: Session) -> list[Profile]:
    rows = session.scalars(select(ColumnProfile).order_by(ColumnProfile.municipio,
                                                          ColumnProfile.area)).all()
    return [_profile(r) for r in rows]


def remove_profile(session: Session, profile_id: int) -> Profile | None:
    """Remove a profile; returns what was removed (None when it was not there)."""
    row = session.get(ColumnProfile, profile_id)
    if row is None:
        return None
    removed = _profile(row)
    session.delete(row)
    return removed
