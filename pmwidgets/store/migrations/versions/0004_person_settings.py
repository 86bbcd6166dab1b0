"""a person's own settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 23:00:00

``person_settings`` holds what a person's pages remember for them (the steps whose
explanation they have seen). Operational, like ``web_sessions``: not part of the
hash-chained log, and not carried by ``pmw db transfer``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_settings",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("person_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("person_settings")
