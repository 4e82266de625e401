"""SQLAlchemy 2.0 models: plan, version (with the original file), activities, budget, findings,
alignment.

A version, its file and its parsed rows are written once in one transaction and never updated.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column


class Base(DeclarativeBase):
    pass


class Bounded(TypeDecorator):
    """A `String(n)` that never refuses a text: a longer one is stored cut to n characters, its
    last one «…». SQLite would store any length and PostgreSQL would refuse the whole
    transaction; with this both engines keep the same text. The readers and forms cut or refuse
    with a finding first where a long text means something (identity fields, file names); this
    is the net under every text a user controls."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        limit = self.impl.length
        if isinstance(value, str) and limit and len(value) > limit:
            return value[: limit - 1] + "…"
        return value


class Plan(Base):
    """One POA: (municipio, dirección, área, año fiscal)."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("key", name="uq_plan_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(600))
    municipio: Mapped[str] = mapped_column(Bounded(200), default="")
    estado: Mapped[str] = mapped_column(Bounded(100), default="")
    direccion: Mapped[str] = mapped_column(Bounded(200), default="")
    area: Mapped[str] = mapped_column(Bounded(200), default="")
    fiscal_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Version(Base):
    """One upload of a POA workbook."""

    __tablename__ = "version"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_version_number"),
        UniqueConstraint("sha256", name="uq_version_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded_by: Mapped[str] = mapped_column(Bounded(200))
    file_name: Mapped[str] = mapped_column(Bounded(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    objetivo: Mapped[str] = mapped_column(Text, default="")
    objetivos_especificos: Mapped[str] = mapped_column(Text, default="")
    year_source: Mapped[str] = mapped_column(Bounded(20), default="")
    budget_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    budget_total_cell: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # The column mapping the workbook was read with (loaders.mapping), so that the version can
    # be read again exactly as it was; NULL when the vocabulary placed every column.
    column_map: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class StoredFile(Base):
    """The uploaded bytes, byte for byte, kept apart so listing versions never loads them."""

    __tablename__ = "stored_file"

    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ActivityRow(Base):
    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("version_id", "number", name="uq_activity_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(Bounded(40), nullable=True)  # as written ("A-1")
    name: Mapped[str] = mapped_column(Text, default="")
    name_cronograma: Mapped[str | None] = mapped_column(Text, nullable=True)
    eje: Mapped[str] = mapped_column(Text, default="")
    linea_estrategica: Mapped[str] = mapped_column(Text, default="")
    linea_accion: Mapped[str] = mapped_column(Text, default="")
    actividad_especifica: Mapped[str] = mapped_column(Text, default="")
    responsable: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int | None] = mapped_column(Integer, nullable=True)
    programmed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    programmed_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    achieved: Mapped[int | None] = mapped_column(Integer, nullable=True)
    declared_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    start: Mapped[date | None] = mapped_column(Date, nullable=True)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    months_planned: Mapped[list] = mapped_column(JSON, default=list)
    cells: Mapped[dict] = mapped_column(JSON, default=dict)


class BudgetRow(Base):
    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    partida: Mapped[str] = mapped_column(Bounded(40))
    name: Mapped[str] = mapped_column(Text, default="")
    approved: Mapped[float | None] = mapped_column(Float, nullable=True)
    cells: Mapped[dict] = mapped_column(JSON, default=dict)


class FindingRow(Base):
    """A finding of a version, as computed on the version's import date (its `as_of`)."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    activity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    partida: Mapped[str | None] = mapped_column(Bounded(40), nullable=True)
    sheet: Mapped[str | None] = mapped_column(Bounded(200), nullable=True)
    cell: Mapped[str | None] = mapped_column(Bounded(20), nullable=True)
    message: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(10), default="check")  # "read" or "check"


class AlignmentRow(Base):
    """An activity serving a fracción of Art. 122 or an IOM dimension (the "Alineación" sheet)."""

    __tablename__ = "alignment_link"
    __table_args__ = (
        UniqueConstraint("version_id", "activity", "kind", "code", name="uq_alignment_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"), index=True)
    activity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # "fraccion" | "dimension"
    code: Mapped[str] = mapped_column(String(10))  # "I" … "XII" | "1" … "6"
    sheet: Mapped[str] = mapped_column(Bounded(200), default="")
    cell: Mapped[str] = mapped_column(Bounded(20), default="")


class AuditEntry(Base):
    """Who did what, when and from where. Written once, never edited."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(Bounded(200))
    action: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    remote_addr: Mapped[str] = mapped_column(Bounded(100), default="")
    version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class UserAccount(Base):
    """A person who may sign in. The role and the areas are read from here on every request."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("username", name="uq_user_username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(Bounded(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    # Areas a `direccion` account may record spending for: [{"municipio": "", "area": ""}, ...];
    # an empty municipio means the area in any municipio.
    areas: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changes when the password changes or the account is disabled: older sessions stop working.
    session_stamp: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SpendingImport(Base):
    """One upload of a spending workbook for a plan: a version, with its bytes and findings."""

    __tablename__ = "spending_import"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_spending_import_number"),
        UniqueConstraint("sha256", name="uq_spending_import_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded_by: Mapped[str] = mapped_column(Bounded(200))
    file_name: Mapped[str] = mapped_column(Bounded(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    findings: Mapped[list] = mapped_column(JSON, default=list)


class MovementRow(Base):
    """One movement: from a spending import (`import_id`) or typed in the form (no import)."""

    __tablename__ = "movement"
    __table_args__ = (UniqueConstraint("reverses", name="uq_movement_reverses"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("spending_import.id"), index=True, nullable=True
    )
    date: Mapped[date] = mapped_column(Date)
    partida: Mapped[str] = mapped_column(Bounded(40))
    concepto: Mapped[str] = mapped_column(Text, default="")
    momento: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Numeric(16, 2, asdecimal=False))
    reverses: Mapped[int | None] = mapped_column(ForeignKey("movement.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(Bounded(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(20))  # "libro" | "formulario"
    sheet: Mapped[str | None] = mapped_column(Bounded(200), nullable=True)
    cell: Mapped[str | None] = mapped_column(Bounded(20), nullable=True)




class ColumnProfile(Base):
    """An área's saved column mapping: its next workbooks of the same layout are read with it.
    One per área (municipio and área, folded); a newer mapping replaces it."""

    __tablename__ = "column_profile"
    __table_args__ = (UniqueConstraint("area_key", name="uq_column_profile_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_key: Mapped[str] = mapped_column(Bounded(400))
    municipio: Mapped[str] = mapped_column(Bounded(200), default="")
    area: Mapped[str] = mapped_column(Bounded(200), default="")
    mapping: Mapped[dict] = mapped_column(JSON)  # header key -> field (loaders.mapping)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)  # header key -> as written
    created_by: Mapped[str] = mapped_column(Bounded(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # saved with it


class StagedUpload(Base):
    """An upload kept on the server while its preview is open (loaders.store.staging): the
    browser sends the file once; edits and «Guardar» name it by its token."""

    __tablename__ = "staged_upload"
    __table_args__ = (UniqueConstraint("token", name="uq_staged_upload_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(Bounded(200))
    file_name: Mapped[str] = mapped_column(Bounded(300))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Reprogramming(Base):
    """A change of an activity's meta anual, meta programada, inicio or fin between a version and
    the previous one of its POA, with why and who approved it (saved with the version)."""

    __tablename__ = "reprogramming"
    __table_args__ = (
        UniqueConstraint("version_id", "activity", "field", name="uq_reprogramming"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"), index=True)
    activity: Mapped[int] = mapped_column(Integer)  # the activity's number (Nº)
    field: Mapped[str] = mapped_column(String(20))  # "goal" | "programmed" | "start" | "end"
    # Values as ISO text ("50", "2026-03-01"); empty when the cell was blank.
    old_value: Mapped[str] = mapped_column(Bounded(40), default="")
    new_value: Mapped[str] = mapped_column(Bounded(40), default="")
    justification: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(Bounded(200))
    approved_at: Mapped[datetime] = mapped_column(DateTime)


class FindingNote(Base):
    """An aclaración: an answer to an open finding, written by the área's director or Planeación.
    It belongs to the finding's identity (plan, code, activity/partida) from the version it was
    written on, is shown while the finding persists, and never changes the finding."""

    __tablename__ = "finding_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"))  # written on this version
    code: Mapped[str] = mapped_column(String(40))
    activity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    partida: Mapped[str | None] = mapped_column(Bounded(40), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(Bounded(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


IMMUTABLE_TABLES = (
    "version", "stored_file", "activity", "budget_line", "finding", "audit", "spending_import",
    "movement", "alignment_link", "reprogramming", "finding_note",
)
