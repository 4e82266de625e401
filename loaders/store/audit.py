"""Reading the audit trail (entries are written by `store.record_audit` and never edited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.store.schema import AuditEntry

ACTION_LABELS = {
    "version_saved": "Versión guardada",
    "reprogramming": "Reprogramación de metas",
    "finding_note": "Aclaración de un hallazgo",
    "upload_refused": "Carga rechazada",
    "upload_duplicate": "Carga repetida",
    "spending_imported": "Libro de ejercicio cargado",
    "spending_refused": "Libro de ejercicio rechazado",
    "movement_added": "Movimiento registrado",
    "movement_reversed": "Movimiento revertido",
    "login": "Ingreso",
    "login_failed": "Ingreso fallido",
    "logout": "Salida",
    "user_added": "Cuenta creada",
    "role_changed": "Cambio de rol",
    "user_disabled": "Cuenta desactivada",
    "user_enabled": "Cuenta reactivada",
    "password_changed": "Cambio de contraseña",
    "template_issued": "Plantilla oficial emitida",
    "profile_removed": "Mapeo de columnas quitado",
}


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    text: str = ""


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    action: str
    detail: str
    remote_addr: str
    version_id: int | None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def _where(query, flt: AuditFilter):
    if flt.user.strip():
        query = query.where(func.lower(AuditEntry.user).contains(flt.user.strip().lower(),
                                                                  autoescape=True))
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.since:
        query = query.where(AuditEntry.at >= datetime.combine(flt.since, time.min))
    if flt.until:
        query = query.where(AuditEntry.at < datetime.combine(flt.until + timedelta(days=1),
                                                             time.min))
    if flt.text.strip():
        query = query.where(func.lower(AuditEntry.detail).contains(flt.text.strip().lower(),
                                                                    autoescape=True))
    return query


def audit_entries(session: Session, flt: AuditFilter, limit: int = 500) -> tuple[list[AuditRow], int]:
    """The newest `limit` entries matching the filter, and how many match in all."""
    total = session.execute(_where(select(func.count()).select_from(AuditEntry), flt)).scalar_one()
    rows = session.execute(
        _where(select(AuditEntry), flt).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).scalars()
    return [AuditRow(r.id, r.at, r.user, r.action, r.detail, r.remote_addr, r.version_id)
            for r in rows], total
