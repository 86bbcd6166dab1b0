"""the organisation's settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 02:30:00

``organisation_settings`` holds what the organisation sets for everyone (how it writes
a date in a date box), with who set it last and when. Operational, like
``person_settings``: not part of the hash-chained log (it changes no workbook).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("organisation_settings")
