"""Reads of one workbook's event log and agreements that need no whole state."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, select

from .errors import MissingEntry
from .models import AgreementRow, EventRow, WorkbookRow
from .snapshots import record_key


def contributions(conn: Connection, workbook_id: int) -> list[tuple[str, str, int]]:
    """How many record events each person wrote in the workbook, by action:
    ``[(action, actor_id, count), ...]``, counted through ``ix_events_participation``."""
    counts = conn.execute(
        select(EventRow.action, EventRow.actor_id, func.count())
        .where(EventRow.entity == "record", EventRow.workbook_id == workbook_id)
        .group_by(EventRow.action, EventRow.actor_id)
    ).all()
    return [(action, actor, int(n)) for action, actor, n in counts]


def last_agreed(conn: Connection, workbook_id: int, subject: str) -> tuple[int, str] | None:
    """(number, canonical JSON) of the latest version of ``subject`` both agreed, if any."""
    row = conn.execute(
        select(AgreementRow.number, AgreementRow.agreed_canonical)
        .where(
            AgreementRow.workbook_id == workbook_id,
            AgreementRow.subject == subject,
            AgreementRow.agreed_canonical.is_not(None),
        )
        .order_by(AgreementRow.number.desc())
        .limit(1)
    ).first()
    return (int(row[0]), str(row[1])) if row is not None and row[1] else None


def record_history(
    conn: Connection, workbook_id: int, kind: str, number: int, since: int
) -> tuple[Any, Any, int, tuple[str, ...]]:
    """A record at workbook version ``since`` and now, the version now, and who changed it
    after ``since`` (see :meth:`~.store.Store.record_history`)."""
    version = conn.execute(
        select(WorkbookRow.version).where(WorkbookRow.id == workbook_id)
    ).scalar_one_or_none()
    if version is None:
        raise MissingEntry(f"workbook {workbook_id} does not exist")
    rows = conn.execute(
        select(EventRow.workbook_version, EventRow.after, EventRow.actor_id)
        .where(
            EventRow.entity == "record",
            EventRow.entity_key == record_key(workbook_id, kind, number),
        )
        .order_by(EventRow.seq)
    ).all()
    then: Any = None
    now: Any = None
    authors: list[str] = []
    for made, after, actor in rows:
        content = json.loads(after)["content"] if after is not None else None
        if made is not None and made <= since:
            then = content
        elif actor not in authors:
            authors.append(actor)
        now = content
    return then, now, int(version), tuple(authors)
