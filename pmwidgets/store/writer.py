"""Appending events, and the unit of work that changes one workbook."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, delete, func, insert, select, update
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
    snapshot_of_record,
    workbook_key,
    workbook_snapshot,
)


def utc_now() -> str:
    """The current time as ISO-8601 text in UTC, microsecond precision."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


_HEAD = cast(Table, ChainHeadRow.__table__)
_EVENTS = cast(Table, EventRow.__table__)
_RECORDS = cast(Table, RecordRow.__table__)
_WORKBOOKS = cast(Table, WorkbookRow.__table__)

# The statements of a unit of work, built once: SQLAlchemy Core through the session's
# connection, because the ORM's unit of work (and building a statement per call) cost
# more than the statements themselves, on every save.
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_ADD_HEAD = insert(_HEAD)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
_ADD_EVENT = insert(_EVENTS)
_WORKBOOK_ID: BindParameter[int] = bindparam("workbook_id")
_RECORD_AT = select(_RECORDS.c.id, _RECORDS.c.content).where(
    _RECORDS.c.workbook_id == _WORKBOOK_ID,
    _RECORDS.c.kind == bindparam("kind"),
    _RECORDS.c.number == bindparam("number"),
)
_ADD_RECORD = insert(_RECORDS)
_CHANGE_RECORD = update(_RECORDS).where(_RECORDS.c.id == bindparam("record_id"))
_DROP_RECORD = delete(_RECORDS).where(_RECORDS.c.id == bindparam("record_id"))
#: the workbook's row, locked (``FOR UPDATE`` on PostgreSQL; SQLite's write lock is held).
LOCK_WORKBOOK = select(_WORKBOOKS).where(_WORKBOOKS.c.id == _WORKBOOK_ID).with_for_update()
#: the hash of the workbook's latest event.
LAST_EVENT_OF = (
    select(_EVENTS.c.hash)
    .where(_EVENTS.c.workbook_id == _WORKBOOK_ID)
    .order_by(_EVENTS.c.seq.desc())
    .limit(1)
)
#: a new version and time of the last write (parameters ``version``, ``updated_at``).
MOVE_WORKBOOK = update(_WORKBOOKS).where(_WORKBOOKS.c.id == _WORKBOOK_ID)


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
) -> str:
    """Append one event to the chain inside the caller's transaction; returns its hash.

    The chain head is read with a row lock (``FOR UPDATE`` on PostgreSQL; on
    SQLite the write transaction already holds the database lock), so events
    from concurrent writers never share a sequence number or a parent hash.
    The three statements go through SQLAlchemy Core on the session's connection:
    the ORM's unit of work cost more than the statements, on every save.
    """
    conn = session.connection()
    head = conn.execute(_READ_HEAD).first()
    if head is None:
        conn.execute(_ADD_HEAD, {"id": 1, "seq": 0, "hash": GENESIS})
        seq, prev = 0, GENESIS
    else:
        seq, prev = head
    fields: dict[str, Any] = {
        "seq": seq + 1,
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
        "prev_hash": prev,
    }
    fields["hash"] = event_hash(fields)
    conn.execute(_ADD_EVENT, fields)
    conn.execute(_MOVE_HEAD, {"seq": fields["seq"], "hash": fields["hash"]})
    return str(fields["hash"])


#: the workbook row's columns that the store's one row type (:class:`WorkbookHead`) holds.
HEAD_COLUMNS = (
    "id", "employee_id", "manager_id", "coach_id", "cycle_start", "cycle_end", "stage",
    "version", "updated_at",
)  # fmt: skip


def head_values(row: Any) -> dict[str, Any]:
    """The :data:`HEAD_COLUMNS` of a workbook row (a Core row or an ORM object)."""
    return {column: getattr(row, column) for column in HEAD_COLUMNS}


@dataclass
class WorkbookHead:
    """A workbook's row as the store holds it: read locked and changed through Core by a
    unit of work, or read (with the hash of the workbook's latest event) and cached."""

    id: int
    employee_id: str
    manager_id: str
    coach_id: str | None
    cycle_start: dt.date
    cycle_end: dt.date
    stage: str
    version: int
    updated_at: str
    #: the hash of the workbook's latest event, when it was read with the row.
    last_event: str | None = None

    @classmethod
    def of(cls, row: Any, last_event: str | None = None) -> WorkbookHead:
        """The head of a workbook row (a Core row, an ORM object or another head)."""
        return cls(**head_values(row), last_event=last_event)

    @property
    def key(self) -> tuple[int, str, str | None]:
        """What identifies the content at this head (see :mod:`.cache`)."""
        return (self.version, self.updated_at, self.last_event)


class WorkbookWriter:
    """Changes to one workbook inside one transaction; every change is an event.

    Obtained from :meth:`pmwidgets.store.Store.write`, which checks the version,
    bumps it once, and commits or rolls back the whole unit.
    """

    def __init__(
        self,
        session: Session,
        workbook: WorkbookHead,
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
        #: what identified the workbook's content when the unit began (see :mod:`.cache`):
        #: (version, updated_at, hash of its latest event).
        self.base: tuple[int, str, str | None] | None = None
        #: the hash of the latest event this unit appended.
        self.last_event: str | None = None
        #: records put, as (content, author), or removed (None), by (kind, number).
        self.written: dict[tuple[str, int], tuple[str, str] | None] = {}
        #: agreement versions saved, by subject: the row and its confirmations.
        self.agreements_saved: dict[str, tuple[AgreementRow, list[ConfirmationRow]]] = {}

    @property
    def workbook_id(self) -> int:
        """Id of the workbook being written."""
        return self.workbook.id

    def _event(
        self, action: str, entity: str, key: str, before: Any, after: Any, reason: str
    ) -> None:
        if before is not None and after is not None and dump(before) == dump(after):
            return  # nothing changed: no event, no version bump
        self.last_event = append_event(
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
        conn = self.session.connection()
        used = conn.execute(
            select(func.max(_RECORDS.c.number)).where(
                _RECORDS.c.workbook_id == self.workbook.id, _RECORDS.c.kind == kind
            )
        ).scalar_one_or_none()
        # numbers of removed records stay taken: look in the event log too
        keys = conn.execute(
            select(_EVENTS.c.entity_key).where(
                _EVENTS.c.workbook_id == self.workbook.id,
                _EVENTS.c.entity == "record",
                _EVENTS.c.action == f"{kind}.removed",
            )
        ).scalars()
        removed = [int(k.rsplit("/", 1)[1]) for k in keys]
        return max([used or 0, *removed]) + 1

    def _stored(self, kind: str, number: int) -> Any:
        """The stored record ``kind``/``number`` (its id and content), or None.

        Records are read and written through SQLAlchemy Core on the unit's connection
        (as events are): the ORM's unit of work cost more than the statements.
        """
        where = {"workbook_id": self.workbook.id, "kind": kind, "number": number}
        return self.session.connection().execute(_RECORD_AT, where).first()

    def put(self, kind: str, number: int | None, content: dict[str, Any], reason: str = "") -> int:
        """Insert or replace record ``kind``/``number`` (a new number when None); returns the number."""
        if number is None:
            number = self.next_number(kind)
        stored = self._stored(kind, number)
        before = snapshot_of_record(kind, number, stored.content) if stored is not None else None
        text = canonical_json(content)
        values = {"content": text, "author_id": self.actor_id, "updated_at": self.at or utc_now()}
        conn = self.session.connection()
        if stored is None:
            row = {"workbook_id": self.workbook.id, "kind": kind, "number": number, **values}
            conn.execute(_ADD_RECORD, row)
            action = f"{kind}.added"
        else:
            conn.execute(_CHANGE_RECORD, {"record_id": stored.id, **values})
            action = f"{kind}.updated"
        self.written[(kind, number)] = (text, self.actor_id)
        self._event(
            action,
            "record",
            record_key(self.workbook.id, kind, number),
            before,
            snapshot_of_record(kind, number, text),
            reason,
        )
        return number

    def remove(self, kind: str, number: int, reason: str = "") -> None:
        """Remove record ``kind``/``number``; its history stays in the event log."""
        stored = self._stored(kind, number)
        if stored is None:
            raise MissingEntry(f"{kind.replace('_', ' ')} {number} does not exist")
        before = snapshot_of_record(kind, number, stored.content)
        self.session.connection().execute(_DROP_RECORD, {"record_id": stored.id})
        self.written[(kind, number)] = None
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
        self.session.connection().execute(
            MOVE_WORKBOOK, {"workbook_id": self.workbook.id, "stage": stage.value}
        )
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
        self.agreements_saved[version.subject] = (row, confirmations)
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
