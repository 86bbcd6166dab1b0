"""The canonical state of each stored row, as recorded in events and checked by verify.

Every kind of row has one function here that turns it into a JSON-able dict.
The event written for a change holds that dict after the change; ``verify``
recomputes it from the row as stored and compares.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Protocol

from ..domain.agreement import canonical_json
from .models import AgreementRow, ConfirmationRow, JobRow, PersonRow, RecordRow


def person_key(row: PersonRow) -> str:
    """Event key of a person."""
    return row.id


def person_snapshot(row: PersonRow) -> dict[str, Any]:
    """What an event records of a person."""
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "roles": row.roles,
        "manager_id": row.manager_id,
    }


def job_key(row: JobRow) -> str:
    """Event key of a library job description."""
    return str(row.id)


def job_snapshot(row: JobRow) -> dict[str, Any]:
    """What an event records of a library job description."""
    return {"title": row.title, "source": row.source, "content": json.loads(row.content)}


class WorkbookColumns(Protocol):
    """What is read of a workbook's row: an ORM object, a Core row, or the store's head of
    one (:class:`~.writer.WorkbookHead`)."""

    @property
    def id(self) -> int: ...
    @property
    def employee_id(self) -> str: ...
    @property
    def manager_id(self) -> str: ...
    @property
    def coach_id(self) -> str | None: ...
    @property
    def cycle_start(self) -> dt.date: ...
    @property
    def cycle_end(self) -> dt.date: ...
    @property
    def stage(self) -> str: ...
    @property
    def version(self) -> int: ...


def workbook_key(row: WorkbookColumns) -> str:
    """Event key of a workbook."""
    return str(row.id)


def workbook_snapshot(row: WorkbookColumns) -> dict[str, Any]:
    """What an event records of a workbook (its version is the event's own field)."""
    return {
        "employee_id": row.employee_id,
        "manager_id": row.manager_id,
        "coach_id": row.coach_id,
        "cycle_start": row.cycle_start.isoformat(),
        "cycle_end": row.cycle_end.isoformat(),
        "stage": row.stage,
    }


def record_key(workbook_id: int, kind: str, number: int) -> str:
    """Event key of a workbook record."""
    return f"{workbook_id}/{kind}/{number}"


def record_snapshot(row: RecordRow) -> dict[str, Any]:
    """What an event records of a workbook record."""
    return snapshot_of_record(row.kind, row.number, row.content)


def snapshot_of_record(kind: str, number: int, content: str) -> dict[str, Any]:
    """What an event records of a workbook record, from its kind, number and JSON text."""
    return {"kind": kind, "number": number, "content": json.loads(content)}


def record_text(kind: str, number: int, content: str) -> str:
    """``dump(snapshot_of_record(kind, number, content))`` without parsing ``content``.

    A record's stored text is canonical JSON already, and the snapshot's keys sort as
    content, kind, number: the event's text is put together around it.
    """
    return f'{{"content":{content},"kind":{json.dumps(kind, ensure_ascii=False)},"number":{int(number)}}}'


def agreement_key(workbook_id: int, subject: str, number: int) -> str:
    """Event key of an agreement version."""
    return f"{workbook_id}/{subject}/{number}"


def agreement_snapshot(row: AgreementRow, confirmations: list[ConfirmationRow]) -> dict[str, Any]:
    """What an event records of an agreement version and its confirmations."""
    return {
        "subject": row.subject,
        "number": row.number,
        "opened_reason": row.opened_reason,
        "agreed_hash": row.agreed_hash,
        "agreed_canonical": row.agreed_canonical,
        "agreed_at": row.agreed_at,
        "confirmations": [
            {
                "person_id": c.person_id,
                "party": c.party,
                "content_hash": c.content_hash,
                "at": c.at,
                "facilitator_id": c.facilitator_id,
            }
            for c in sorted(confirmations, key=lambda c: (c.at, c.id or 0))
        ],
    }


def dump(value: Any) -> str | None:
    """Canonical JSON of a snapshot, or None for "absent"."""
    return None if value is None else canonical_json(value)
