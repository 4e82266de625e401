"""Storing budget movements: spending workbook imports (versions) and movements typed in the form.

Stored movements are never updated or deleted (triggers refuse it): a correction is a new movement
that reverses an earlier one. `add_movement` and `reverse_movement` work in the caller's session,
as in `loaders.store.versions`; `save_movement`, `save_reversal` and `store_spending` run their own write
transaction, and raise `loaders.errors.StorageUnavailable` (nothing stored) when the database
cannot take the write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    Engine,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loaders.check.budget import check_movements, validate_movement
from loaders.model import MOMENTO_LABELS, BudgetLine, Finding, Movement
from loaders.store.errors import write_transaction
from loaders.store.schema import BudgetRow, MovementRow, Plan, SpendingImport, Version
from loaders.store.versions import (
    AlreadyImported,
    plan_label,
    record_audit,
    sha256_of,
)
from loaders.text import fit_file_name, fmt_date, fmt_money


class InvalidMovement(ValueError):
    """The form's movement was refused; `reasons` are Spanish sentences."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


@dataclass(frozen=True)
class SpendingImportInfo:
    id: int
    plan_id: int
    number: int
    uploaded_at: datetime
    uploaded_by: str
    file_name: str
    sha256: str
    size: int
    movements: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"v{self.number} · {self.uploaded_at:%d/%m/%Y %H:%M}"


def _now(now: datetime | None) -> datetime:
    return now or datetime.now().replace(microsecond=0)


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise ValueError(f"No existe el POA {plan_id}.")
    return plan


def plan_budget(session: Session, plan_id: int) -> list[BudgetLine]:
    """The budget lines of the plan's latest POA version (empty when it has none)."""
    last = session.scalar(select(func.max(Version.id)).where(Version.plan_id == plan_id))
    if last is None:
        return []
    return [
        BudgetLine(r.partida, r.name, r.approved, {k: tuple(v) for k, v in (r.cells or {}).items()})
        for r in session.scalars(
            select(BudgetRow).where(BudgetRow.version_id == last).order_by(BudgetRow.position)
        )
    ]


def _movement(row: MovementRow) -> Movement:
    return Movement(
        date=row.date, partida=row.partida, concepto=row.concepto, momento=row.momento,
        amount=float(row.amount), id=row.id, reverses=row.reverses, created_by=row.created_by,
        created_at=row.created_at, source=row.source, sheet=row.sheet, cell=row.cell,
    )


def _form_movements(session: Session, plan_id: int) -> list[MovementRow]:
    return list(session.scalars(
        select(MovementRow)
        .where(MovementRow.plan_id == plan_id, MovementRow.import_id.is_(None))
        .order_by(MovementRow.id)
    ))


def movements_of(session: Session, plan_id: int) -> list[Movement]:
    """The movements of the plan's latest spending import plus every movement typed in the form,
    by date (then by id)."""
    latest = session.scalar(
        select(SpendingImport.id).where(SpendingImport.plan_id == plan_id)
        .order_by(SpendingImport.number.desc()).limit(1)
    )
    imported = [] if latest is None else list(session.scalars(
        select(MovementRow).where(MovementRow.import_id == latest).order_by(MovementRow.id)
    ))
    rows = imported + _form_movements(session, plan_id)
    return sorted((_movement(r) for r in rows), key=lambda m: (m.date, m.id or 0))


def add_movement(
    session: Session,
    plan_id: int,
    m: Movement,
    *,
    user: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> int:
    """Store a movement typed in the form (after `validate_movement`); returns its id.

    Raises InvalidMovement, storing nothing, when the movement is not acceptable.
    """
    plan = _plan(session, plan_id)
    reasons = validate_movement(
        m, plan_budget(session, plan_id), fiscal_year=plan.fiscal_year or None,
        existing=movements_of(session, plan_id),
    )
    if reasons:
        raise InvalidMovement(reasons)
    now = _now(now)
    movement_id = session.execute(insert(MovementRow).returning(MovementRow.id), [{
        "plan_id": plan_id, "import_id": None, "date": m.date, "partida": m.partida.strip(),
        "concepto": m.concepto.strip(), "momento": m.momento, "amount": round(m.amount, 2),
        "reverses": None, "created_by": user, "created_at": now, "source": "formulario",
        "sheet": None, "cell": None,
    }]).scalar_one()
    record_audit(
        session, "movement_added", user=user, remote_addr=remote_addr, now=now,
        detail=f"movimiento {movement_id}: {MOMENTO_LABELS[m.momento]} {fmt_money(m.amount)} "
        f"partida {m.partida} del {fmt_date(m.date)} (POA {plan_id})",
    )
    return movement_id


def reverse_movement(
    session: Session,
    movement_id: int,
    *,
    user: str,
    on: date,
    remote_addr: str = "",
    now: datetime | None = None,
    plan_id: int | None = None,
) -> int:
    """Cancel a form movement with a new one (same partida and momento, negated amount).

    Raises ValueError with a Spanish sentence when the movement does not exist (or, given
    `plan_id`, is not of that POA), is itself a reversal, came from a spending workbook (correct
    the workbook and upload it again), was already reversed, or `on` is before it or outside the
    plan's fiscal year.
    """
    row = session.get(MovementRow, movement_id)
    if row is None or (plan_id is not None and row.plan_id != plan_id):
        raise ValueError(f"No existe el movimiento {movement_id} en este POA.")
    if row.reverses is not None:
        raise ValueError(
            f"El movimiento {movement_id} es una reversión (del movimiento {row.reverses}); "
            "no se puede revertir."
        )
    if row.import_id is not None:
        raise ValueError(
            f"El movimiento {movement_id} viene de un libro de ejercicio; corríjalo en el libro y "
            "cárguelo de nuevo."
        )
    earlier = session.execute(
        select(MovementRow.id, MovementRow.created_at).where(MovementRow.reverses == movement_id)
    ).first()
    if earlier is not None:
        raise ValueError(
            f"El movimiento {movement_id} ya se revirtió (movimiento {earlier[0]}, registrado el "
            f"{earlier[1]:%d/%m/%Y a las %H:%M}); no se puede revertir dos veces."
        )
    plan = _plan(session, row.plan_id)
    if on < row.date:
        raise ValueError(
            f"La reversión ({fmt_date(on)}) no puede ser anterior al movimiento que revierte "
            f"({fmt_date(row.date)})."
        )
    if plan.fiscal_year and on.year != plan.fiscal_year:
        raise ValueError(f"La fecha {fmt_date(on)} está fuera del año fiscal {plan.fiscal_year}.")
    now = _now(now)
    new_id = session.execute(insert(MovementRow).returning(MovementRow.id), [{
        "plan_id": row.plan_id, "import_id": None, "date": on, "partida": row.partida,
        "concepto": f"Reversión del movimiento {movement_id}: {row.concepto}",
        "momento": row.momento, "amount": -float(row.amount), "reverses": movement_id,
        "created_by": user, "created_at": now, "source": "formulario", "sheet": None, "cell": None,
    }]).scalar_one()
    record_audit(
        session, "movement_reversed", user=user, remote_addr=remote_addr, now=now,
        detail=f"movimiento {new_id} revierte el {movement_id} ({fmt_money(float(row.amount))}, "
        f"partida {row.partida})",
    )
    return new_id


def save_movement(
    engine: Engine,
    plan_id: int,
    m: Movement,
    *,
    user: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> int:
    """`add_movement` in its own write transaction. Raises InvalidMovement or StorageUnavailable,
    storing nothing."""
    with write_transaction(engine) as session:
        return add_movement(session, plan_id, m, user=user, remote_addr=remote_addr, now=now)


def save_reversal(
    engine: Engine,
    movement_id: int,
    *,
    user: str,
    on: date,
    remote_addr: str = "",
    now: datetime | None = None,
    plan_id: int | None = None,
) -> int:
    """`reverse_movement` in its own write transaction. Raises ValueError or StorageUnavailable,
    storing nothing."""
    with write_transaction(engine) as session:
        return reverse_movement(session, movement_id, user=user, on=on,
                                remote_addr=remote_addr, now=now, plan_id=plan_id)


def _duplicate(session: Session, sha256: str) -> AlreadyImported | None:
    found = session.execute(
        select(SpendingImport.id, SpendingImport.number, SpendingImport.uploaded_at, Plan)
        .join(Plan, Plan.id == SpendingImport.plan_id)
        .where(SpendingImport.sha256 == sha256)
    ).first()
    if found is None:
        return None
    return AlreadyImported(found[0], found[1], found[2], f"{plan_label(found[3])} (ejercicio)")


def _insert_movements(
    session: Session, plan_id: int, import_id: int, movements: list[Movement], user: str,
    now: datetime,
) -> None:
    """Originals first, then reversals with their targets' database ids."""
    def values(m: Movement, reverses: int | None) -> dict:
        return {
            "plan_id": plan_id, "import_id": import_id, "date": m.date, "partida": m.partida,
            "concepto": m.concepto, "momento": m.momento, "amount": round(m.amount, 2),
            "reverses": reverses, "created_by": user, "created_at": now, "source": "libro",
            "sheet": m.sheet, "cell": m.cell,
        }

    ids: dict[int, int] = {}
    for batch in ([m for m in movements if m.reverses is None],
                  [m for m in movements if m.reverses is not None]):
        if not batch:
            continue
        stored = session.execute(
            insert(MovementRow).returning(MovementRow.id, sort_by_parameter_order=True),
            [values(m, None if m.reverses is None else ids[m.reverses]) for m in batch],
        ).scalars().all()
        ids.update({m.id: new for m, new in zip(batch, stored, strict=True)})


def store_spending(
    engine: Engine,
    plan_id: int,
    data: bytes,
    movements: list[Movement],
    read_findings: list[Finding],
    *,
    file_name: str,
    uploaded_by: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> tuple[int, list[Finding]]:
    """Store a read spending workbook as the plan's next spending version, in one transaction,
    with its audit entry. Returns (version number, findings).

    The findings are `read_findings` (met reading the file) plus `check_movements` of its movements
    against the plan's latest POA budget. Raises AlreadyImported and StorageUnavailable
    (StorageBusy, StorageFull); then nothing is stored.
    """
    sha256 = sha256_of(data)
    for attempt in range(5):
        try:
            with write_transaction(engine) as session:
                duplicate = _duplicate(session, sha256)
                if duplicate:
                    raise duplicate
                plan = _plan(session, plan_id)
                findings = read_findings + check_movements(
                    plan_budget(session, plan_id), movements, fiscal_year=plan.fiscal_year or None
                )
                stamp = _now(now)
                number = (session.scalar(
                    select(func.max(SpendingImport.number)).where(SpendingImport.plan_id == plan_id)
                ) or 0) + 1
                import_id = session.execute(insert(SpendingImport).returning(SpendingImport.id), [{
                    "plan_id": plan_id, "number": number, "uploaded_at": stamp,
                    "uploaded_by": uploaded_by, "file_name": fit_file_name(file_name),
                    "sha256": sha256,
                    "size": len(data), "content": data, "findings": [f.to_dict() for f in findings],
                }]).scalar_one()
                _insert_movements(session, plan_id, import_id, movements, uploaded_by, stamp)
                record_audit(
                    session, "spending_imported", user=uploaded_by, remote_addr=remote_addr,
                    now=stamp, detail=f"{file_name} (ejercicio v{number}, {len(movements)} "
                    f"movimientos, sha256 {sha256[:12]}, POA {plan_id})",
                )
                return number, findings
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def spending_imports_of(session: Session, plan_id: int) -> list[SpendingImportInfo]:
    """The plan's spending imports, oldest first (without their bytes)."""
    counts = (
        select(MovementRow.import_id, func.count(MovementRow.id).label("n"))
        .where(MovementRow.plan_id == plan_id, MovementRow.import_id.is_not(None))
        .group_by(MovementRow.import_id).subquery()
    )
    rows = session.execute(
        select(
            SpendingImport.id, SpendingImport.plan_id, SpendingImport.number,
            SpendingImport.uploaded_at, SpendingImport.uploaded_by, SpendingImport.file_name,
            SpendingImport.sha256, SpendingImport.size, counts.c.n, SpendingImport.findings,
        )
        .outerjoin(counts, counts.c.import_id == SpendingImport.id)
        .where(SpendingImport.plan_id == plan_id)
        .order_by(SpendingImport.number)
    ).all()
    return [
        SpendingImportInfo(*row[:8], movements=row[8] or 0,
                           findings=[Finding(**f) for f in (row[9] or [])])
        for row in rows
    ]


def spending_file(session: Session, import_id: int) -> tuple[str, bytes] | None:
    """The original bytes of a spending import, byte for byte."""
    row = session.execute(
        select(SpendingImport.file_name, SpendingImport.content).where(SpendingImport.id == import_id)
    ).first()
    return (row[0], row[1]) if row else None
