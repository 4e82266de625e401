"""Reprogramaciones and aclaraciones: tables reprogramming, finding_note.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

`reprogramming` keeps each change of a goal or a window between a version and the previous one,
with its justification and who approved it (written with the version). `finding_note` keeps the
aclaraciones answering open findings. Both are written once and never edited: read-only triggers.
A database adopted in the same upgrade (made by `create_all` with today's models) may already
have them: they are then kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from loaders.store.engine import create_immutability_triggers, drop_immutability_triggers

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("reprogramming", "finding_note")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("reprogramming"):
        op.create_table(
            "reprogramming",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("activity", sa.Integer(), nullable=False),
            sa.Column("field", sa.String(length=20), nullable=False),
            sa.Column("old_value", sa.String(length=40), nullable=False),
            sa.Column("new_value", sa.String(length=40), nullable=False),
            sa.Column("justification", sa.Text(), nullable=False),
            sa.Column("approved_by", sa.String(length=200), nullable=False),
            sa.Column("approved_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("version_id", "activity", "field", name="uq_reprogramming"),
        )
        op.create_index(op.f("ix_reprogramming_version_id"), "reprogramming", ["version_id"],
                        unique=False)
    if not inspector.has_table("finding_note"):
        op.create_table(
            "finding_note",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("plan_id", sa.Integer(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=40), nullable=False),
            sa.Column("activity", sa.Integer(), nullable=True),
            sa.Column("partida", sa.String(length=40), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("author", sa.String(length=200), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
            sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_finding_note_plan_id"), "finding_note", ["plan_id"],
                        unique=False)
    create_immutability_triggers(op.get_bind(), TABLES)


def downgrade() -> None:
    drop_immutability_triggers(op.get_bind(), TABLES)
    op.drop_table("finding_note")
    op.drop_table("reprogramming")
