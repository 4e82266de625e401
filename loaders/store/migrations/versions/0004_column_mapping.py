"""Column mappings and staged uploads: version.column_map, tables column_profile, staged_upload.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

`version.column_map` keeps the mapping a version was read with (NULL before this revision and when
none was needed). `column_profile` holds one saved mapping per área; `staged_upload` the files
whose preview is open. Both tables change (a profile is replaced, a staged file removed): no
read-only triggers. A database adopted in the same upgrade (made by `create_all` with today's
models) may already have them: they are then kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not any(c["name"] == "column_map" for c in inspector.get_columns("version")):
        op.add_column("version", sa.Column("column_map", sa.JSON(), nullable=True))
    if not inspector.has_table("column_profile"):
        op.create_table(
            "column_profile",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("area_key", sa.String(length=400), nullable=False),
            sa.Column("municipio", sa.String(length=200), nullable=False),
            sa.Column("area", sa.String(length=200), nullable=False),
            sa.Column("mapping", sa.JSON(), nullable=False),
            sa.Column("headers", sa.JSON(), nullable=False),
            sa.Column("created_by", sa.String(length=200), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("area_key", name="uq_column_profile_area"),
        )
    if not inspector.has_table("staged_upload"):
        op.create_table(
            "staged_upload",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token", sa.String(length=64), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("owner", sa.String(length=200), nullable=False),
            sa.Column("file_name", sa.String(length=300), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("content", sa.LargeBinary(), nullable=True),
            sa.Column("mapping", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("token", name="uq_staged_upload_token"),
        )
        op.create_index(op.f("ix_staged_upload_expires_at"), "staged_upload", ["expires_at"],
                        unique=False)


def downgrade() -> None:
    op.drop_table("staged_upload")
    op.drop_table("column_profile")
    op.drop_column("version", "column_map")
