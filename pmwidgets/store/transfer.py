"""Dumping one workbook with its whole history, and restoring such a dump exactly.

A dump holds the workbook, its records, its agreements with their
confirmations, its events (before and after of every change), and the people
they name. Restoring it re-chains the events into this database's log, keeps
their authors and times, and checks, before committing, that the history
replays to exactly the content restored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.agreement import canonical_json
from .appending import append_event, store_events, utc_now
from .errors import InvalidEntry
from .models import AgreementRow, ConfirmationRow, EventRow, PersonRow, RecordRow, WorkbookRow
from .rows import PrivateNotes
from .snapshots import person_snapshot, workbook_snapshot
from .verify import verify
from .writer import require_workbook

FORMAT = "pmwidgets.workbook"
FORMAT_VERSION = 1


def dump_workbook(s: Session, workbook_id: int, private_for: str | None) -> dict[str, Any]:
    """Everything about one workbook as plain data.

    Parameters
    ----------
    private_for:
        The person the dump is for (None: nobody in particular): it holds the private
        notes :attr:`~.rows.PrivateNotes.shown` shows them. A full backup, for
        :attr:`~.rows.PrivateNotes.EVERYONE`, holds every note. Who a dump is for, and
        who may have a full backup, is decided above the store.
    """
    wb = require_workbook(s, workbook_id)

    def shown(author: str | None) -> bool:
        return private_for == PrivateNotes.EVERYONE or PrivateNotes.shown(private_for, author)

    records = _records(s, workbook_id, shown)
    agreements = _agreements(s, workbook_id)
    events = _events(s, workbook_id, shown)
    ids: set[str | None] = {wb.employee_id, wb.manager_id, wb.coach_id}
    ids |= (
        {r["author_id"] for r in records}
        | {e["actor_id"] for e in events}
        | {e["facilitator_id"] for e in events}
    )
    ids |= {c["person_id"] for a in agreements for c in a["confirmations"]}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "workbook": {
            "id": wb.id,
            # without others' private notes, the version is the last exported event's:
            # the notes' own events (which also counted) are not in the file
            "version": max(
                (e["workbook_version"] for e in events if e["workbook_version"] is not None),
                default=wb.version,
            ),
            "updated_at": wb.updated_at,
            **workbook_snapshot(wb),
        },
        "people": _people(s, ids),
        "records": records,
        "agreements": agreements,
        "events": events,
    }


def _records(
    s: Session, workbook_id: int, shown: Callable[[str | None], bool]
) -> list[dict[str, Any]]:
    """The workbook's records, by kind and number; a private note only if ``shown`` (its author)."""
    return [
        {
            "kind": r.kind,
            "number": r.number,
            "content": json.loads(r.content),
            "author_id": r.author_id,
            "updated_at": r.updated_at,
        }
        for r in s.execute(
            select(RecordRow)
            .where(RecordRow.workbook_id == workbook_id)
            .order_by(RecordRow.kind, RecordRow.number)
        ).scalars()
        if r.kind != "note" or shown(r.author_id)
    ]


def _agreements(s: Session, workbook_id: int) -> list[dict[str, Any]]:
    """Every agreement version of the workbook, with its confirmations."""
    agreements: list[dict[str, Any]] = []
    for a in s.execute(
        select(AgreementRow)
        .where(AgreementRow.workbook_id == workbook_id)
        .order_by(AgreementRow.subject, AgreementRow.number)
    ).scalars():
        confirmations = s.execute(
            select(ConfirmationRow)
            .where(ConfirmationRow.agreement_id == a.id)
            .order_by(ConfirmationRow.at, ConfirmationRow.id)
        ).scalars()
        agreements.append(
            {
                "subject": a.subject,
                "number": a.number,
                "opened_reason": a.opened_reason,
                "agreed_hash": a.agreed_hash,
                "agreed_canonical": a.agreed_canonical,
                "agreed_at": a.agreed_at,
                "confirmations": [
                    {
                        "person_id": c.person_id,
                        "party": c.party,
                        "content_hash": c.content_hash,
                        "at": c.at,
                        "facilitator_id": c.facilitator_id,
                    }
                    for c in confirmations
                ],
            }
        )
    return agreements


def _events(
    s: Session, workbook_id: int, shown: Callable[[str | None], bool]
) -> list[dict[str, Any]]:
    """The workbook's events, oldest first; a private note's only if ``shown`` (its author)."""
    events: list[dict[str, Any]] = []
    prefix = f"{workbook_id}/"
    for e in s.execute(
        select(EventRow).where(EventRow.workbook_id == workbook_id).order_by(EventRow.seq)
    ).scalars():
        if e.action.startswith("note.") and not shown(e.actor_id):
            continue
        events.append(
            {
                "at": e.at,
                "actor_id": e.actor_id,
                "facilitator_id": e.facilitator_id,
                "workbook_version": e.workbook_version,
                "action": e.action,
                "entity": e.entity,
                "key": e.entity_key.removeprefix(prefix) if e.entity != "workbook" else "",
                "reason": e.reason,
                "before": json.loads(e.before) if e.before else None,
                "after": json.loads(e.after) if e.after else None,
            }
        )
    return events


def _people(s: Session, ids: set[str | None]) -> list[dict[str, Any]]:
    """The people with these ids, by id."""
    return [
        {"id": p.id, "name": p.name, "email": p.email, "roles": p.roles.split(",")}
        for p in s.execute(
            select(PersonRow).where(PersonRow.id.in_([i for i in ids if i])).order_by(PersonRow.id)
        ).scalars()
    ]


def restore_workbook(s: Session, data: dict[str, Any], actor_id: str) -> int:
    """Restore a validated dump inside the caller's transaction; returns the workbook id.

    The original id is kept when it is free; otherwise the next free id is used.
    Raises :class:`InvalidEntry` when the history does not replay to the content.
    """
    _add_missing_people(s, data["people"], actor_id)
    wb = _add_workbook(s, data["workbook"])
    for r in data["records"]:
        s.add(
            RecordRow(
                workbook_id=wb.id, kind=r["kind"], number=r["number"], content=canonical_json(r["content"]),
                author_id=r["author_id"], updated_at=r["updated_at"],
            )
        )  # fmt: skip
    for a in data["agreements"]:
        agreement = AgreementRow(
            workbook_id=wb.id, subject=a["subject"], number=a["number"], opened_reason=a["opened_reason"],
            agreed_hash=a["agreed_hash"], agreed_canonical=a["agreed_canonical"], agreed_at=a["agreed_at"],
        )  # fmt: skip
        s.add(agreement)
        s.flush()
        for c in a["confirmations"]:
            s.add(ConfirmationRow(agreement_id=agreement.id, **c))
    for e in data["events"]:
        key = str(wb.id) if e["entity"] == "workbook" else f"{wb.id}/{e['key']}"
        append_event(
            s, actor_id=e["actor_id"], facilitator_id=e["facilitator_id"], workbook_id=wb.id,
            workbook_version=e["workbook_version"], action=e["action"], entity=e["entity"], entity_key=key,
            before=e["before"], after=e["after"], reason=e["reason"], at=e["at"],
        )  # fmt: skip
    store_events(s)  # verified below, in this transaction
    s.flush()
    report = verify(s, wb.id)
    if not report.ok:
        raise InvalidEntry(f"the file's history does not match its content: {report.problem}")
    if workbook_snapshot(wb) != _last_workbook_state(data):
        raise InvalidEntry("the file's history does not match its workbook")
    return wb.id


def _add_missing_people(s: Session, people: list[dict[str, Any]], actor_id: str) -> None:
    """Add the people of a dump this database does not know (each with its event)."""
    for p in people:
        if s.get(PersonRow, p["id"]) is not None:
            continue
        row = PersonRow(
            id=p["id"],
            name=p["name"],
            email=p.get("email", ""),
            roles=",".join(p["roles"]),
            manager_id=None,
        )
        s.add(row)
        s.flush()
        append_event(
            s, actor_id=actor_id, action="person.added", entity="person", entity_key=row.id,
            before=None, after=person_snapshot(row), reason="imported with a workbook",
        )  # fmt: skip


def _add_workbook(s: Session, w: dict[str, Any]) -> WorkbookRow:
    """The dump's workbook row, added under its own id when that is free."""
    wb = WorkbookRow(
        employee_id=w["employee_id"],
        manager_id=w["manager_id"],
        coach_id=w["coach_id"],
        cycle_start=dt.date.fromisoformat(w["cycle_start"]),
        cycle_end=dt.date.fromisoformat(w["cycle_end"]),
        stage=w["stage"],
        version=w["version"],
        updated_at=w.get("updated_at") or utc_now(),
    )
    if s.get(WorkbookRow, w["id"]) is None:
        wb.id = w["id"]
    s.add(wb)
    s.flush()
    return wb


def _last_workbook_state(data: dict[str, Any]) -> Any:
    states = [e["after"] for e in data["events"] if e["entity"] == "workbook"]
    return states[-1] if states else None
