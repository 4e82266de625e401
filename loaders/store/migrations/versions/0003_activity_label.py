"""The activity's number as written in the workbook ("1.", "A-1"): column activity.label.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Versions stored before this revision have no label (NULL): the pages show their number.
A database adopted in the same upgrade (made by `create_all` with today's models) may already have
the column: it is then kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_label() -> bool:
    columns = sa.inspect(op.get_bind()).get_columns("activity")
    return any(c["name"] == "label" for c in columns)


def upgrade() -> None:
    if not _has_label():  # a plain ADD COLUMN: no table copy, the read-only triggers stay
        op.add_column("activity", sa.Column("label", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("activity", "label")  # SQLite ≥ 3.35 drops a column in place
