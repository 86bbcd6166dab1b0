"""The unit of work that changes one workbook: every change an event."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.agreement import AgreementVersion, canonical_json
from ..domain.model import Stage
from .appending import append_event, append_text, defer, load_memory, pending_removals, utc_now
from .errors import InvalidEntry, MissingEntry
from .models import AgreementRow, ConfirmationRow, RecordRow, WorkbookRow
from .snapshots import (
    agreement_key,
    agreement_snapshot,
    dump,
    record_key,
    record_text,
    workbook_key,
    workbook_snapshot,
)
from .statements import (
    ADD_AGREEMENT,
    ADD_CONFIRMATION,
    ADD_RECORD,
    AGREEMENT_AT,
    AGREEMENT_VALUES,
    CHANGE_AGREEMENT,
    CHANGE_RECORD,
    CONFIRMATIONS_OF,
    CONFIRMED,
    DROP_RECORD,
    EVENTS,
    MOVE_WORKBOOK,
    RECORD_AT,
    RECORDS,
)

#: the order in which a bulk load's deferred row changes run (see ``WorkbookWriter._run``).
_ADDED, _CHANGED, _DROPPED, _MOVED, _AGREED = range(5)

__all__ = ["WorkbookHead", "WorkbookWriter", "append_event", "require_workbook", "utc_now"]

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
        #: the workbook's records as this transaction last wrote them (their ``content``),
        #: by (kind, number), where nobody else can have written since (a bulk load):
        #: they are not read again.
        self.known: Mapping[tuple[str, int], Any] | None = None

    @property
    def workbook_id(self) -> int:
        """Id of the workbook being written."""
        return self.workbook.id

    def finish(self) -> None:
        """Store the workbook's new version, time and stage, if the unit changed anything
        (a unit that changed nothing makes no version)."""
        if not self.changes:
            return
        values = {"version": self.workbook.version, "updated_at": self.workbook.updated_at}
        self._run(
            _MOVED,
            MOVE_WORKBOOK,
            {"workbook_id": self.workbook.id, "stage": self.workbook.stage, **values},
        )

    def _run(self, rank: int, statement: Any, params: dict[str, Any]) -> None:
        """Run a row change now, or, where the unit knows the workbook's rows (a bulk
        load), with the events (see :func:`.appending.defer`): nothing reads them back."""
        if self.known is None:
            self.session.connection().execute(statement, params)
        else:
            key = (params.get("at_workbook"), params.get("at_kind"), params.get("at_number"))
            if rank == _ADDED:
                key = (params["workbook_id"], params["kind"], params["number"])
            elif rank == _MOVED:
                key = params["workbook_id"]
            elif rank == _AGREED:
                key = params["agreement"]
            defer(self.session, rank, statement, params, key)

    def version_made(self, current: int) -> int:
        """The version this unit made, or ``current`` when it changed nothing (and made none)."""
        return self.workbook.version if self.changes else current

    def _event(
        self, action: str, entity: str, key: str, before: Any, after: Any, reason: str
    ) -> None:
        self._event_text(action, entity, key, dump(before), dump(after), reason)

    def _event_text(
        self,
        action: str,
        entity: str,
        key: str,
        before_text: str | None,
        after_text: str | None,
        reason: str,
    ) -> None:
        """Append the event of one change, given the canonical JSON of before and after."""
        if before_text is not None and before_text == after_text:
            return  # nothing changed: no event, no version bump
        self.last_event = append_text(
            self.session, actor_id=self.actor_id, facilitator_id=self.facilitator_id,
            workbook_id=self.workbook.id, workbook_version=self.workbook.version, action=action,
            entity=entity, entity_key=key, before=before_text, after=after_text, reason=reason,
            at=self.at,
        )  # fmt: skip
        self.changes += 1

    def next_number(self, kind: str) -> int:
        """The number the next record of ``kind`` gets (numbers are never reused)."""
        conn = self.session.connection()
        used: int | None
        if self.known is not None:
            used = max([0, *(n for k, n in [*self.known, *self.written] if k == kind)])
        else:
            used = conn.execute(
                select(func.max(RECORDS.c.number)).where(
                    RECORDS.c.workbook_id == self.workbook.id, RECORDS.c.kind == kind
                )
            ).scalar_one_or_none()
        # numbers of removed records stay taken: look in the event log too, unless a bulk
        # load made the workbook and so knows every removal
        memory = load_memory(self.session)
        if self.known is not None and memory is not None and self.workbook.id in memory.created:
            removed = list(memory.removed.get((self.workbook.id, kind), ()))
        else:
            keys = conn.execute(
                select(EVENTS.c.entity_key).where(
                    EVENTS.c.workbook_id == self.workbook.id,
                    EVENTS.c.entity == "record",
                    EVENTS.c.action == f"{kind}.removed",
                )
            ).scalars()
            removed = [int(k.rsplit("/", 1)[1]) for k in keys]
            # and those whose events are not stored yet (this unit's, a bulk load's)
            removed += pending_removals(self.session, self.workbook.id, kind)
        return max([used or 0, *removed]) + 1

    def _at(self, kind: str, number: int) -> dict[str, Any]:
        """The parameters of :data:`AT_KEY` for record ``kind``/``number`` of this workbook."""
        return {"at_workbook": self.workbook.id, "at_kind": kind, "at_number": number}

    def _stored(self, kind: str, number: int) -> str | None:
        """The content of the stored record ``kind``/``number``, or None.

        Records are read and written through SQLAlchemy Core on the unit's connection
        (as events are): the ORM's unit of work cost more than the statements.
        """
        if self.known is not None:
            if (kind, number) in self.written:
                done = self.written[(kind, number)]
                return None if done is None else done[0]
            known = self.known.get((kind, number))
            return None if known is None else str(known.content)
        found = (
            self.session.connection()
            .execute(RECORD_AT, self._at(kind, number))
            .scalar_one_or_none()
        )
        return None if found is None else str(found)

    def put(self, kind: str, number: int | None, content: dict[str, Any], reason: str = "") -> int:
        """Insert or replace record ``kind``/``number`` (a new number when None); returns the number."""
        if number is None:
            number = self.next_number(kind)
        stored = self._stored(kind, number)
        text = canonical_json(content)
        if stored == text:
            return number  # nothing changed: no statement, no event, no new author
        values = {"content": text, "author_id": self.actor_id, "updated_at": self.at or utc_now()}
        if stored is None:
            new = {"workbook_id": self.workbook.id, "kind": kind, "number": number}
            self._run(_ADDED, ADD_RECORD, {**new, **values})
            action = f"{kind}.added"
        else:
            self._run(_CHANGED, CHANGE_RECORD, {**self._at(kind, number), **values})
            action = f"{kind}.updated"
        self.written[(kind, number)] = (text, self.actor_id)
        before = None if stored is None else record_text(kind, number, stored)
        key = record_key(self.workbook.id, kind, number)
        self._event_text(action, "record", key, before, record_text(kind, number, text), reason)
        return number

    def remove(self, kind: str, number: int, reason: str = "") -> None:
        """Remove record ``kind``/``number``; its history stays in the event log."""
        stored = self._stored(kind, number)
        if stored is None:
            raise MissingEntry(f"{kind.replace('_', ' ')} {number} does not exist")
        self._run(_DROPPED, DROP_RECORD, self._at(kind, number))
        self.written[(kind, number)] = None
        key = record_key(self.workbook.id, kind, number)
        self._event_text(
            f"{kind}.removed", "record", key, record_text(kind, number, stored), None, reason
        )

    def set_stage(self, stage: Stage, reason: str = "") -> None:
        """Move the workbook to ``stage``."""
        before = workbook_snapshot(self.workbook)
        self.workbook.stage = stage.value  # stored by finish(), with the version
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
        key = (self.workbook.id, version.subject, version.number)
        row, confirmations = self._agreement(*key)
        if row is None:
            row = AgreementRow(
                workbook_id=self.workbook.id, subject=version.subject, number=version.number
            )
            before = None
        else:
            if row.agreed_hash is not None:
                raise InvalidEntry("an agreed version is frozen and cannot change")
            before = agreement_snapshot(row, confirmations)
        row.opened_reason = version.opened_reason
        row.agreed_hash = version.agreed_hash
        row.agreed_canonical = version.agreed_canonical
        row.agreed_at = _iso(version.agreed_at)
        conn = self.session.connection()
        values = {c: getattr(row, c) for c in AGREEMENT_VALUES}
        if before is None:
            made = conn.execute(ADD_AGREEMENT, {"workbook_id": row.workbook_id, **values})
            row.id = int(made.inserted_primary_key[0])  # type: ignore[index]
        else:
            self._run(_AGREED, CHANGE_AGREEMENT, {"agreement": row.id, **values})
        for c in version.confirmations[len(confirmations) :]:
            new = ConfirmationRow(
                agreement_id=row.id,
                person_id=c.person_id,
                party=c.party,
                content_hash=c.content_hash,
                at=_iso(c.at),
                facilitator_id=c.facilitator_id,
            )
            made = conn.execute(ADD_CONFIRMATION, {k: getattr(new, k) for k in CONFIRMED})
            new.id = int(made.inserted_primary_key[0])  # type: ignore[index]
            confirmations.append(new)
        self.agreements_saved[version.subject] = (row, confirmations)
        if (memory := load_memory(self.session)) is not None:
            memory.agreements[key] = (row, list(confirmations))
        self._event(
            action,
            "agreement",
            agreement_key(*key),
            before,
            agreement_snapshot(row, confirmations),
            reason,
        )

    def _agreement(
        self, workbook_id: int, subject: str, number: int
    ) -> tuple[AgreementRow | None, list[ConfirmationRow]]:
        """The stored agreement version and its confirmations (None and [] if new).

        A bulk load knows those of the workbooks it made, and does not read them."""
        memory = load_memory(self.session)
        if memory is not None and self.known is not None and workbook_id in memory.created:
            row, confirmations = memory.agreements.get((workbook_id, subject, number), (None, []))
            return row, list(confirmations)
        conn = self.session.connection()
        where = {"at_workbook": workbook_id, "at_subject": subject, "at_number": number}
        found = conn.execute(AGREEMENT_AT, where).first()
        if found is None:
            return None, []
        stored = AgreementRow(**found._asdict())
        return stored, [
            ConfirmationRow(**c._asdict())
            for c in conn.execute(CONFIRMATIONS_OF, {"agreement": stored.id})
        ]


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
