"""Initial schema: plans, versions and their rows, audit, accounts, spending imports, movements.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Written from `alembic revision --autogenerate` and reviewed: plain operations, so later
revisions build on a fixed base whatever the models become.

A database made before migrations existed (by `Base.metadata.create_all`) is adopted here when
`loaders.store.engine.create_schema` sets `ADOPT_PRE_ALEMBIC`: each table it already has is checked for
this revision's columns and kept as is, with its data; only missing tables are created (an
install older than accounts or budget movements lacks those).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from loaders.store.engine import (
    ADOPT_PRE_ALEMBIC,
    create_immutability_triggers,
    drop_immutability_triggers,
)

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows are never updated or deleted, as of this revision.
IMMUTABLE = (
    "version", "stored_file", "activity", "budget_line", "finding", "audit", "spending_import",
    "movement",
)
TABLES = (
    "plan", "version", "stored_file", "activity", "budget_line", "finding", "audit",
    "user_account", "spending_import", "movement",
)


def _existing_tables() -> dict[str, set[str]]:
    """Columns of each table already there when adopting a pre-Alembic database, else {}."""
    config = op.get_context().config
    if config is None or not config.attributes.get(ADOPT_PRE_ALEMBIC):
        return {}
    inspector = sa.inspect(op.get_bind())
    return {
        name: {column["name"] for column in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name in TABLES
    }


def _table(
    existing: dict[str, set[str]], name: str, *elements: sa.SchemaItem, indexes: Sequence[str] = ()
) -> None:
    """Create table `name` with a non-unique index on each of `indexes`; when the adopted
    database already has it, check that it has every column instead."""
    if name in existing:
        expected = {e.name for e in elements if isinstance(e, sa.Column)}
        if missing := sorted(expected - existing[name]):
            raise RuntimeError(
                f"La base de datos ya tiene la tabla {name}, pero le faltan las columnas "
                f"{', '.join(missing)}: no es una base del Tablero POA que se pueda adoptar."
            )
        return
    op.create_table(name, *elements)
    for column in indexes:
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)


def upgrade() -> None:
    existing = _existing_tables()
    _table(
        existing, "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("municipio", sa.String(length=200), nullable=False),
        sa.Column("estado", sa.String(length=100), nullable=False),
        sa.Column("direccion", sa.String(length=200), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_plan_key"),
    )
    _table(
        existing, "version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("objetivo", sa.Text(), nullable=False),
        sa.Column("objetivos_especificos", sa.Text(), nullable=False),
        sa.Column("year_source", sa.String(length=20), nullable=False),
        sa.Column("budget_total", sa.Float(), nullable=True),
        sa.Column("budget_total_cell", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "number", name="uq_version_number"),
        sa.UniqueConstraint("sha256", name="uq_version_sha256"),
        indexes=["plan_id"],
    )
    _table(
        existing, "stored_file",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
        sa.PrimaryKeyConstraint("version_id"),
    )
    _table(
        existing, "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_cronograma", sa.Text(), nullable=True),
        sa.Column("eje", sa.Text(), nullable=False),
        sa.Column("linea_estrategica", sa.Text(), nullable=False),
        sa.Column("linea_accion", sa.Text(), nullable=False),
        sa.Column("actividad_especifica", sa.Text(), nullable=False),
        sa.Column("responsable", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=True),
        sa.Column("programmed", sa.Integer(), nullable=True),
        sa.Column("programmed_pct", sa.Float(), nullable=True),
        sa.Column("achieved", sa.Integer(), nullable=True),
        sa.Column("declared_pct", sa.Float(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("months_planned", sa.JSON(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "number", name="uq_activity_number"),
        indexes=["version_id"],
    )
    _table(
        existing, "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("partida", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("approved", sa.Float(), nullable=True),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=["version_id"],
    )
    _table(
        existing, "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("activity", sa.Integer(), nullable=True),
        sa.Column("partida", sa.String(length=40), nullable=True),
        sa.Column("sheet", sa.String(length=200), nullable=True),
        sa.Column("cell", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=["version_id"],
    )
    _table(
        existing, "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("remote_addr", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=["action", "at"],
    )
    _table(
        existing, "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_stamp", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", name="uq_user_username"),
    )
    _table(
        existing, "spending_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        # Nullable, as the model declares it (its mapped_column is wrapped in `deferred`).
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "number", name="uq_spending_import_number"),
        sa.UniqueConstraint("sha256", name="uq_spending_import_sha256"),
        indexes=["plan_id"],
    )
    _table(
        existing, "movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("partida", sa.String(length=40), nullable=False),
        sa.Column("concepto", sa.Text(), nullable=False),
        sa.Column("momento", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2, asdecimal=False), nullable=False),
        sa.Column("reverses", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("sheet", sa.String(length=200), nullable=True),
        sa.Column("cell", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["spending_import.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.ForeignKeyConstraint(["reverses"], ["movement.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reverses", name="uq_movement_reverses"),
        indexes=["import_id", "plan_id"],
    )
    # Idempotent: an adopted database keeps the triggers it has and gets any it lacks.
    create_immutability_triggers(op.get_bind(), IMMUTABLE)


def downgrade() -> None:
    drop_immutability_triggers(op.get_bind(), IMMUTABLE, drop_function=True)
    for name in reversed(TABLES):
        op.drop_table(name)  # its indexes go with it
