"""Uploads kept on the server while their preview is open (`staged_upload`).

The browser sends a workbook once; the preview's edits (identity, column mapping) and «Guardar»
name it by a random token, and only its owner may use it. A staged file lives `STAGE_MINUTES`,
at most `PER_OWNER` per account (the oldest goes first) and `TOTAL_MB` in all; it is removed when
saved, cancelled or expired (expired ones are swept whenever something is staged).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from loaders.errors import NotAPoaWorkbook
from loaders.mapping import ColumnMap
from loaders.store.errors import write_transaction
from loaders.store.schema import StagedUpload

STAGE_MINUTES = 120
PER_OWNER = 3
TOTAL_MB = 200
FULL = ("El servidor tiene demasiados archivos en revisión en este momento; guarde o cancele las "
        "vistas previas abiertas, o intente de nuevo en unos minutos.")
EXPIRED = ("La vista previa caducó (pasaron más de 2 horas) o ya se guardó o canceló; vuelva a "
           "cargar el archivo.")


@dataclass(frozen=True)
class Staged:
    token: str
    sha256: str
    file_name: str
    data: bytes
    mapping: ColumnMap


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def stage(engine: Engine, data: bytes, file_name: str, *, owner: str,
          mapping: ColumnMap | None = None, now: datetime | None = None) -> str:
    """Keep `data` for its owner's preview; returns its token. NotAPoaWorkbook (FULL) when the
    staging area is full."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with write_transaction(engine) as session:
        session.execute(delete(StagedUpload).where(StagedUpload.expires_at <= now))
        mine = session.scalars(select(StagedUpload.id).where(StagedUpload.owner == owner)
                               .order_by(StagedUpload.created_at.desc(), StagedUpload.id.desc())
                               ).all()
        if len(mine) >= PER_OWNER:
            session.execute(delete(StagedUpload).where(StagedUpload.id.in_(mine[PER_OWNER - 1:])))
        total = session.scalar(select(func.coalesce(func.sum(StagedUpload.size), 0))) or 0
        if total + len(data) > TOTAL_MB * 1024 * 1024:
            raise NotAPoaWorkbook(FULL)
        session.add(StagedUpload(
            token=token, sha256=hashlib.sha256(data).hexdigest(), owner=owner,
            file_name=file_name, size=len(data), content=data, mapping=dict(mapping or {}),
            created_at=now, expires_at=now + timedelta(minutes=STAGE_MINUTES),
        ))
    return token


def fetch(engine: Engine, token: str | None, *, owner: str, now: datetime | None = None
          ) -> Staged:
    """The staged upload of `token` when it is its owner's and alive; NotAPoaWorkbook (EXPIRED)
    otherwise."""
    if not token:
        raise NotAPoaWorkbook(EXPIRED)
    with Session(engine) as session:
        row = session.scalar(select(StagedUpload).where(
            StagedUpload.token == token, StagedUpload.owner == owner,
            StagedUpload.expires_at > (now or _now())))
        if row is None:
            raise NotAPoaWorkbook(EXPIRED)
        return Staged(row.token, row.sha256, row.file_name, row.content, dict(row.mapping))


def set_mapping(engine: Engine, token: str, mapping: ColumnMap, *, owner: str) -> None:
    with write_transaction(engine) as session:
        session.execute(update(StagedUpload).where(
            StagedUpload.token == token, StagedUpload.owner == owner).values(mapping=mapping))


def discard(engine: Engine, token: str | None, *, owner: str) -> None:
    if not token:
        return
    with write_transaction(engine) as session:
        session.execute(delete(StagedUpload).where(
            StagedUpload.token == token, StagedUpload.owner == owner))
