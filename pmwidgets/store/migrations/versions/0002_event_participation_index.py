"""index the event log by entity and workbook, for counting contributions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 03:00:00

The dashboard counts each party's contributions per workbook from the event log
(``entity = 'record'``, grouped by workbook, action and actor). With this
covering index the count reads the index alone, never the events' before and
after snapshots, and the count for a few workbooks is a range scan.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_participation",
            ["entity", "workbook_id", "action", "actor_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_participation")
