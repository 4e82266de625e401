"""Alignment of activities with Art. 122 fracciones and IOM dimensions: table alignment_link.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

One row per (version, activity, kind, code) read from the optional "Alineación" sheet of a POA
workbook (`loaders.read.alignment`); written with its version and, like the other rows of a version,
never updated or deleted (read-only triggers).

A database adopted at 0001 in the same upgrade (made by `create_all` with today's models) may
already have the table: it is then checked and kept, as 0001 does with its own tables.
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

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "alignment_link"
COLUMNS = ("id", "version_id", "activity", "kind", "code", "sheet", "cell")


def _adopted() -> bool:
    """True when an adopted database already has the table, with every column."""
    config = op.get_context().config
    if config is None or not config.attributes.get(ADOPT_PRE_ALEMBIC):
        return False
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(TABLE):
        return False
    present = {column["name"] for column in inspector.get_columns(TABLE)}
    if missing := sorted(set(COLUMNS) - present):
        raise RuntimeError(
            f"La base de datos ya tiene la tabla {TABLE}, pero le faltan las columnas "
            f"{', '.join(missing)}: no es una base del Tablero POA que se pueda adoptar."
        )
    return True


def upgrade() -> None:
    if not _adopted():
        op.create_table(
            TABLE,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("activity", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("code", sa.String(length=10), nullable=False),
            sa.Column("sheet", sa.String(length=200), nullable=False),
            sa.Column("cell", sa.String(length=20), nullable=False),
            sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("version_id", "activity", "kind", "code",
                                name="uq_alignment_link"),
        )
        op.create_index(op.f(f"ix_{TABLE}_version_id"), TABLE, ["version_id"], unique=False)
    # Idempotent: an adopted table keeps the triggers it has and gets any it lacks.
    create_immutability_triggers(op.get_bind(), [TABLE])


def downgrade() -> None:
    drop_immutability_triggers(op.get_bind(), [TABLE])
    op.drop_table(TABLE)  # its index goes with it
