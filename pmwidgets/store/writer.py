"""Appending events, and the unit of work that changes one workbook."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.agreement import AgreementVersion, canonical_json
from ..domain.model import Stage
from .chain import GENESIS, event_hash
from .errors import InvalidEntry, MissingEntry
from .models import AgreementRow, ChainHeadRow, ConfirmationRow, EventRow, RecordRow, WorkbookRow
from .snapshots import (
    agreement_key,
    agreement_snapshot,
    dump,
    record_key,
    record_snapshot,
    workbook_key,
    workbook_snapshot,
)


def utc_now() -> str:
    """The current time as ISO-8601 text in UTC, microsecond precision."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def append_event(
    session: Session,
    *,
    actor_id: str,
    action: str,
    entity: str,
    entity_key: str,
    before: Any,
    after: Any,
    reason: str = "",
    facilitator_id: str | None = None,
    workbook_id: int | None = None,
    workbook_version: int | None = None,
    at: str | None = None,
) -> EventRow:
    """Append one event to the chain inside the caller's transaction.

    The chain head is read with a row lock (``FOR UPDATE`` on PostgreSQL; on
    SQLite the write transaction already holds the database lock), so events
    from concurrent writers never share a sequence number or a parent hash.
    """
    head = session.execute(
        select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = ChainHeadRow(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": at or utc_now(),
        "actor_id": actor_id,
        "facilitator_id": facilitator_id,
        "workbook_id": workbook_id,
        "workbook_version": workbook_version,
        "action": action,
        "entity": entity,
        "entity_key": entity_key,
        "reason": reason or "",
        "before": dump(before),
        "after": dump(after),
        "prev_hash": head.hash,
    }
    fields["hash"] = event_hash(fields)
    row = EventRow(**fields)
    session.add(row)
    head.seq = fields["seq"]
    head.hash = fields["hash"]
    return row


class WorkbookWriter:
    """Changes to one workbook inside one transaction; every change is an event.

    Obtained from :meth:`pmwidgets.store.Store.write`, which checks the version,
    bumps it once, and commits or rolls back the whole unit.
    """

    def __init__(
        self,
        session: Session,
        workbook: WorkbookRow,
        actor_id: str,
        facilitator_id: str | None,
        at: str | None = None,
    ) -> None:
        self.session = session
        self.workbook = workbook
        self.actor_id = actor_id
        self.facilitator_id = facilitator_id
        self.at = at
        self.changes = 0

    @property
    def workbook_id(self) -> int:
        """Id of the workbook being written."""
        return self.workbook.id

    def _event(
        self, action: str, entity: str, key: str, before: Any, after: Any, reason: str
    ) -> None:
        if before is not None and after is not None and dump(before) == dump(after):
            return  # nothing changed: no event, no version bump
        append_event(
            self.session,
            actor_id=self.actor_id,
            facilitator_id=self.facilitator_id,
            workbook_id=self.workbook.id,
            workbook_version=self.workbook.version,
            action=action,
            entity=entity,
            entity_key=key,
            before=before,
            after=after,
            reason=reason,
            at=self.at,
        )
        self.changes += 1

    def next_number(self, kind: str) -> int:
        """The number the next record of ``kind`` gets (numbers are never reused)."""
        used = self.session.execute(
            select(func.max(RecordRow.number)).where(
                RecordRow.workbook_id == self.workbook.id, RecordRow.kind == kind
            )
        ).scalar_one_or_none()
        # numbers of removed records stay taken: look in the event log too
        keys = self.session.execute(
            select(EventRow.entity_key).where(
                EventRow.workbook_id == self.workbook.id,
                EventRow.entity == "record",
                EventRow.action == f"{kind}.removed",
            )
        ).scalars()
        removed = [int(k.rsplit("/", 1)[1]) for k in keys]
        return max([used or 0, *removed]) + 1

    def put(self, kind: str, number: int | None, content: dict[str, Any], reason: str = "") -> int:
        """Insert or replace record ``kind``/``number`` (a new number when None); returns the number."""
        if number is None:
            number = self.next_number(kind)
        row = self.session.execute(
            select(RecordRow).where(
                RecordRow.workbook_id == self.workbook.id,
                RecordRow.kind == kind,
                RecordRow.number == number,
            )
        ).scalar_one_or_none()
        before = record_snapshot(row) if row is not None else None
        text = canonical_json(content)
        if row is None:
            row = RecordRow(workbook_id=self.workbook.id, kind=kind, number=number, content=text)
            self.session.add(row)
            action = f"{kind}.added"
        else:
            row.content = text
            action = f"{kind}.updated"
        row.author_id = self.actor_id
        row.updated_at = self.at or utc_now()
        self._event(
            action,
            "record",
            record_key(self.workbook.id, kind, number),
            before,
            record_snapshot(row),
            reason,
        )
        return number

    def remove(self, kind: str, number: int, reason: str = "") -> None:
        """Remove record ``kind``/``number``; its history stays in the event log."""
        row = self.session.execute(
            select(RecordRow).where(
                RecordRow.workbook_id == self.workbook.id,
                RecordRow.kind == kind,
                RecordRow.number == number,
            )
        ).scalar_one_or_none()
        if row is None:
            raise MissingEntry(f"{kind.replace('_', ' ')} {number} does not exist")
        before = record_snapshot(row)
        self.session.delete(row)
        self._event(
            f"{kind}.removed",
            "record",
            record_key(self.workbook.id, kind, number),
            before,
            None,
            reason,
        )

    def set_stage(self, stage: Stage, reason: str = "") -> None:
        """Move the workbook to ``stage``."""
        before = workbook_snapshot(self.workbook)
        self.workbook.stage = stage.value
        self._event(
            "workbook.stage",
            "workbook",
            workbook_key(self.workbook),
            before,
            workbook_snapshot(self.workbook),
            reason,
        )

    def save_agreement(self, version: AgreementVersion, action: str, reason: str = "") -> None:
        """Store an agreement version: new, or with confirmations added / agreed."""
        row = self.session.execute(
            select(AgreementRow).where(
                AgreementRow.workbook_id == self.workbook.id,
                AgreementRow.subject == version.subject,
                AgreementRow.number == version.number,
            )
        ).scalar_one_or_none()
        before = None
        if row is None:
            row = AgreementRow(
                workbook_id=self.workbook.id, subject=version.subject, number=version.number
            )
            self.session.add(row)
            self.session.flush()
            confirmations: list[ConfirmationRow] = []
        else:
            if row.agreed_hash is not None:
                raise InvalidEntry("an agreed version is frozen and cannot change")
            confirmations = list(
                self.session.execute(
                    select(ConfirmationRow).where(ConfirmationRow.agreement_id == row.id)
                ).scalars()
            )
            before = agreement_snapshot(row, confirmations)
        row.opened_reason = version.opened_reason
        row.agreed_hash = version.agreed_hash
        row.agreed_canonical = version.agreed_canonical
        row.agreed_at = _iso(version.agreed_at)
        for c in version.confirmations[len(confirmations) :]:
            new = ConfirmationRow(
                agreement_id=row.id,
                person_id=c.person_id,
                party=c.party,
                content_hash=c.content_hash,
                at=_iso(c.at),
                facilitator_id=c.facilitator_id,
            )
            self.session.add(new)
            confirmations.append(new)
        self.session.flush()
        key = agreement_key(self.workbook.id, version.subject, version.number)
        self._event(
            action, "agreement", key, before, agreement_snapshot(row, confirmations), reason
        )


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_content(row: RecordRow) -> dict[str, Any]:
    """The JSON content of a record."""
    value: dict[str, Any] = json.loads(row.content)
    return value


def require_workbook(session: Session, workbook_id: int, lock: bool = False) -> WorkbookRow:
    """The workbook row, or MissingEntry."""
    stmt = select(WorkbookRow).where(WorkbookRow.id == workbook_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise MissingEntry(f"workbook {workbook_id} does not exist")
    return row
