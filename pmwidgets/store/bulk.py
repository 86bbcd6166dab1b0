"""Building many workbooks in memory and storing them in bulk (large synthetic organisations).

:class:`StagingStore` stands in for :class:`~.store.Store` under the services while
a large organisation is built. The services run unchanged (every access check,
rule and agreement step is theirs), but their reads and writes go to memory: a
write is a unit of work like :class:`~.writer.WorkbookWriter`'s, and every change
is appended to the hash chain as the same event (author, time, facilitator,
reason, before, after) that the store would append. :meth:`StagingStore.flush`
then stores the people, workbooks, records, agreements, confirmations and events
in ONE transaction of multi-row INSERTs, instead of one transaction (and one
``fsync``) per change. ``store.verify()`` passes on the result.

It is meant for one builder writing to a database nobody else writes to at the
time: :meth:`~StagingStore.flush` refuses to store anything if the event chain
moved on since the staging store read it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from ..domain.agreement import AgreementVersion, canonical_json
from ..domain.model import Person, Stage, Workbook
from ..domain.state import WorkbookState
from .chain import GENESIS, event_hash
from .engine import advance_sequences
from .errors import InvalidEntry, MissingEntry, StaleWrite, StoreError
from .models import (
    AgreementRow,
    ChainHeadRow,
    ConfirmationRow,
    EventRow,
    PersonRow,
    RecordRow,
    WorkbookRow,
)
from .rows import latest_agreements, person_from_row, workbook_from_row, workbook_state
from .snapshots import (
    agreement_key,
    agreement_snapshot,
    dump,
    person_snapshot,
    record_key,
    workbook_key,
    workbook_snapshot,
)
from .writer import _iso, utc_now

if TYPE_CHECKING:
    from .store import Store


@dataclass
class _Book:
    """One staged workbook: its row, records, agreements, and what was parsed of them."""

    row: WorkbookRow
    records: dict[tuple[str, int], RecordRow] = field(default_factory=dict)
    #: numbers of removed records per kind (never reused, as the store's writer does).
    removed: dict[str, set[int]] = field(default_factory=dict)
    agreements: dict[tuple[str, int], tuple[AgreementRow, list[ConfirmationRow]]] = field(
        default_factory=dict
    )
    parsed: dict[tuple[str, int], tuple[str, Any]] = field(default_factory=dict)
    states: dict[str | None, WorkbookState] = field(default_factory=dict)

    def parse(self, row: RecordRow, model: type[Any]) -> Any:
        """``model`` validated from the record's JSON, parsed once per content."""
        key = (row.kind, row.number)
        cached = self.parsed.get(key)
        if cached is not None and cached[0] == row.content:
            return cached[1]
        value = model.model_validate_json(row.content)
        self.parsed[key] = (row.content, value)
        return value

    def checkpoint(self) -> dict[str, Any]:
        """What a unit of work may change, to put back when it changes nothing."""
        return {
            "row": (self.row.version, self.row.updated_at, self.row.stage),
            "records": {
                key: (r, r.content, r.author_id, r.updated_at) for key, r in self.records.items()
            },
            "removed": copy.deepcopy(self.removed),
            "agreements": {
                key: (
                    a,
                    list(cs),
                    (a.opened_reason, a.agreed_hash, a.agreed_canonical, a.agreed_at),
                )
                for key, (a, cs) in self.agreements.items()
            },
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Undo a unit of work (see :meth:`checkpoint`)."""
        self.row.version, self.row.updated_at, self.row.stage = saved["row"]
        self.records = {}
        for key, (r, content, author, at) in saved["records"].items():
            r.content, r.author_id, r.updated_at = content, author, at
            self.records[key] = r
        self.removed = saved["removed"]
        self.agreements = {}
        for key, (a, cs, fields) in saved["agreements"].items():
            a.opened_reason, a.agreed_hash, a.agreed_canonical, a.agreed_at = fields
            self.agreements[key] = (a, cs)
        self.states.clear()


class StagingStore:
    """The parts of :class:`~.store.Store` that the services' use cases call, kept in memory.

    Parameters
    ----------
    store:
        The real store the staged rows are written to by :meth:`flush`.

    Examples
    --------
    >>> staging = StagingStore(store)  # doctest: +SKIP
    >>> svc = Services(cast(Store, staging), "ana")  # doctest: +SKIP
    >>> ...  # build workbooks through svc
    >>> staging.flush()  # one transaction  # doctest: +SKIP
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.url = store.url
        with store.reading() as s:
            head = s.get(ChainHeadRow, 1)
            self._seq, self._hash = (head.seq, head.hash) if head else (0, GENESIS)
            self._next_workbook = (s.scalar(select(func.max(WorkbookRow.id))) or 0) + 1
            self._next_agreement = (s.scalar(select(func.max(AgreementRow.id))) or 0) + 1
            self._next_confirmation = (s.scalar(select(func.max(ConfirmationRow.id))) or 0) + 1
            self._db_people = s.scalar(select(PersonRow.id).limit(1)) is not None
            self._db_workbooks = self._next_workbook > 1
        self._stored = (self._seq, self._hash)
        #: everyone staged so far (kept after a flush, for reads), and those not stored yet.
        self._people: dict[str, Person] = {}
        self._new_people: list[PersonRow] = []
        self._books: dict[int, _Book] = {}
        #: headers of every workbook staged so far, by person (kept after a flush).
        self._headers: dict[int, Workbook] = {}
        self._by_person: dict[str, list[int]] = {}
        self._events: list[dict[str, Any]] = []

    # --- people ---------------------------------------------------------------------

    def add_person(self, person: Person, actor_id: str, reason: str = "") -> Person:
        """Stage a person (see :meth:`Store.add_person`)."""
        if self._known_person(person.id):
            raise InvalidEntry(f"person {person.id} already exists")
        if person.manager_id and not self._known_person(person.manager_id):
            raise InvalidEntry(f"manager {person.manager_id} does not exist")
        row = PersonRow(
            id=person.id,
            name=person.name,
            email=person.email,
            roles=",".join(r.value for r in person.roles),
            manager_id=person.manager_id,
        )
        self._new_people.append(row)
        self._people[person.id] = person_from_row(row)
        self._append(
            actor_id=actor_id, action="person.added", entity="person", entity_key=row.id,
            before=None, after=person_snapshot(row), reason=reason,
        )  # fmt: skip
        return person

    def _known_person(self, person_id: str) -> bool:
        if person_id in self._people:
            return True
        if not self._db_people:
            return False
        try:
            self.store.get_person(person_id)
        except MissingEntry:
            return False
        return True

    def get_person(self, person_id: str) -> Person:
        """A staged or stored person, or MissingEntry."""
        staged = self._people.get(person_id)
        return staged if staged is not None else self.store.get_person(person_id)

    def find_people(self) -> list[Person]:
        """Everyone, stored and staged, by id."""
        everyone = {p.id: p for p in self.store.find_people()} | self._people
        return [everyone[k] for k in sorted(everyone)]

    # --- workbooks ------------------------------------------------------------------

    def add_workbook(
        self,
        workbook: Workbook,
        actor_id: str,
        facilitator_id: str | None = None,
        reason: str = "",
        at: str | None = None,
    ) -> Workbook:
        """Stage a new workbook at version 1 (see :meth:`Store.add_workbook`)."""
        for pid in (workbook.employee_id, workbook.manager_id, workbook.coach_id):
            if pid is not None and not self._known_person(pid):
                raise InvalidEntry(f"person {pid} does not exist")
        if workbook.id is not None:
            raise InvalidEntry("a staged workbook gets its id from the staging store")
        row = WorkbookRow(
            id=self._next_workbook,
            employee_id=workbook.employee_id,
            manager_id=workbook.manager_id,
            coach_id=workbook.coach_id,
            cycle_start=workbook.cycle_start,
            cycle_end=workbook.cycle_end,
            stage=workbook.stage.value,
            version=1,
            updated_at=at or utc_now(),
        )
        self._next_workbook += 1
        self._books[row.id] = _Book(row)
        header = workbook_from_row(row)
        self._headers[row.id] = header
        for pid in {row.employee_id, row.manager_id, row.coach_id} - {None}:
            self._by_person.setdefault(str(pid), []).append(row.id)
        self._append(
            actor_id=actor_id, facilitator_id=facilitator_id, action="workbook.created",
            entity="workbook", entity_key=str(row.id), before=None, after=workbook_snapshot(row),
            reason=reason, workbook_id=row.id, workbook_version=1, at=at,
        )  # fmt: skip
        return header

    def _book(self, workbook_id: int) -> _Book | None:
        return self._books.get(workbook_id)

    def get_workbook(self, workbook_id: int) -> Workbook:
        """A workbook's header, staged or stored."""
        book = self._book(workbook_id)
        if book is None:
            return self.store.get_workbook(workbook_id)
        return workbook_from_row(book.row)

    def find_workbooks(self, person_id: str | None = None) -> list[Workbook]:
        """All workbooks, or those of ``person_id``: stored and staged, by id."""
        found: dict[int, Workbook] = {}
        if self._db_workbooks:
            found |= {w.id or 0: w for w in self.store.find_workbooks(person_id)}
        ids = self._headers if person_id is None else self._by_person.get(person_id, [])
        for wb_id in ids:
            book = self._book(wb_id)
            found[wb_id] = workbook_from_row(book.row) if book else self._headers[wb_id]
        return [found[k] for k in sorted(found)]

    def load(self, workbook_id: int, viewer_id: str | None) -> WorkbookState:
        """Everything in one workbook (see :meth:`Store.load`)."""
        book = self._book(workbook_id)
        if book is None:
            return self.store.load(workbook_id, viewer_id)
        state = book.states.get(viewer_id)
        if state is None:
            records = [book.records[k] for k in sorted(book.records)]
            rows = sorted((a for a, _cs in book.agreements.values()), key=lambda a: a.number)
            confirmations = {
                a.id: sorted(cs, key=lambda c: (c.at, c.id)) for a, cs in book.agreements.values()
            }
            agreements = latest_agreements(rows, confirmations)
            state = workbook_state(book.row, records, agreements, viewer_id, book.parse)
            book.states[viewer_id] = state
        return state

    def require_version(self, workbook_id: int, expected_version: int) -> None:
        """StaleWrite unless the workbook is at ``expected_version``."""
        version = self.latest_version(workbook_id)
        if version != expected_version:
            raise StaleWrite(
                f"not saved: workbook {workbook_id} changed since you opened it "
                f"(version {expected_version}, now {version})",
                version,
            )

    def latest_version(self, workbook_id: int) -> int:
        """The workbook's current version."""
        book = self._book(workbook_id)
        return self.store.latest_version(workbook_id) if book is None else book.row.version

    @contextmanager
    def write(
        self,
        workbook_id: int,
        expected_version: int | None,
        actor_id: str,
        facilitator_id: str | None = None,
        at: str | None = None,
    ) -> Iterator[MemoryWriter]:
        """A unit of work on a staged workbook (see :meth:`Store.write`)."""
        book = self._book(workbook_id)
        if book is None:
            raise StoreError(f"workbook {workbook_id} is not staged here: write it with the store")
        if expected_version is not None:
            self.require_version(workbook_id, expected_version)
        saved, events, head = book.checkpoint(), len(self._events), (self._seq, self._hash)
        book.row.version += 1
        book.row.updated_at = at or utc_now()
        book.states.clear()
        writer = MemoryWriter(self, book, actor_id, facilitator_id, at)
        try:
            yield writer
        except BaseException:
            book.restore(saved)
            del self._events[events:]
            self._seq, self._hash = head
            raise
        if writer.changes == 0:
            book.restore(saved)  # nothing to record: no version bump either
        book.states.clear()

    # --- the chain --------------------------------------------------------------------

    def _append(self, **values: Any) -> None:
        values["before"], values["after"] = dump(values["before"]), dump(values["after"])
        self._append_dumped(**values)

    def _append_dumped(self, *, at: str | None = None, **values: Any) -> None:
        """Append one event whose before and after are canonical JSON text already."""
        fields: dict[str, Any] = {
            "seq": self._seq + 1,
            "at": at or utc_now(),
            "actor_id": values["actor_id"],
            "facilitator_id": values.get("facilitator_id"),
            "workbook_id": values.get("workbook_id"),
            "workbook_version": values.get("workbook_version"),
            "action": values["action"],
            "entity": values["entity"],
            "entity_key": values["entity_key"],
            "reason": values.get("reason") or "",
            "before": values["before"],
            "after": values["after"],
            "prev_hash": self._hash,
        }
        fields["hash"] = event_hash(fields)
        self._events.append(fields)
        self._seq, self._hash = fields["seq"], fields["hash"]

    def next_agreement_id(self) -> int:
        """An id for a new agreement row."""
        self._next_agreement += 1
        return self._next_agreement - 1

    def next_confirmation_id(self) -> int:
        """An id for a new confirmation row."""
        self._next_confirmation += 1
        return self._next_confirmation - 1

    @property
    def pending(self) -> int:
        """Events staged and not stored yet."""
        return len(self._events)

    def flush(self) -> None:
        """Store everything staged in ONE transaction; staged workbooks are then read from the store.

        Raises
        ------
        StoreError
            Someone else wrote to the database since the staging store began (or
            since the last flush): nothing of this batch is stored.
        """
        if not self._events:
            return
        with self.store.writing() as s:
            head = s.execute(
                select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()
            ).scalar_one_or_none()
            if ((head.seq, head.hash) if head else (0, GENESIS)) != self._stored:
                raise StoreError(
                    "the database changed while the organisation was being built; "
                    "nothing of this batch was stored"
                )
            books = list(self._books.values())
            batches: list[tuple[Any, list[dict[str, Any]]]] = [
                (PersonRow, [_columns(PersonRow, p) for p in self._new_people]),
                (WorkbookRow, [_columns(WorkbookRow, b.row) for b in books]),
                (
                    RecordRow,
                    [
                        _columns(RecordRow, r, skip=("id",))
                        for b in books
                        for r in b.records.values()
                    ],
                ),
                (
                    AgreementRow,
                    [_columns(AgreementRow, a) for b in books for a, _cs in b.agreements.values()],
                ),
                (
                    ConfirmationRow,
                    [
                        _columns(ConfirmationRow, c)
                        for b in books
                        for _a, cs in b.agreements.values()
                        for c in cs
                    ],
                ),
                (EventRow, self._events),
            ]
            for model, rows in batches:
                for start in range(0, len(rows), 5000):
                    s.execute(insert(model.__table__), rows[start : start + 5000])
            if head is None:
                s.execute(insert(ChainHeadRow), [{"id": 1, "seq": self._seq, "hash": self._hash}])
            else:
                s.execute(
                    update(ChainHeadRow)
                    .where(ChainHeadRow.id == 1)
                    .values(seq=self._seq, hash=self._hash)
                )
            # ids were given: move PostgreSQL's sequences past the new rows
            advance_sequences(s.connection(), ("workbooks", "agreements", "confirmations"))
        if self.store.checkpoints is not None:
            self.store.checkpoints.run()  # a batch is thousands of pages: copy them back now
        self._stored = (self._seq, self._hash)
        for b in books:
            self._headers[b.row.id] = workbook_from_row(b.row)
        self._new_people.clear()
        self._books.clear()
        self._events.clear()


def _record_dump(row: RecordRow) -> str:
    """``dump(record_snapshot(row))``, without parsing the content: it is canonical JSON already,
    and the snapshot's keys sort as content, kind, number."""
    kind = json.dumps(row.kind, ensure_ascii=False)
    return f'{{"content":{row.content},"kind":{kind},"number":{int(row.number)}}}'


def _columns(model: Any, row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A transient row's column values, for a multi-row INSERT."""
    return {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key not in skip}


class MemoryWriter:
    """A unit of work on one staged workbook: the same changes and events as
    :class:`~.writer.WorkbookWriter` makes, kept in memory until the staging store flushes."""

    def __init__(
        self,
        staging: StagingStore,
        book: _Book,
        actor_id: str,
        facilitator_id: str | None,
        at: str | None,
    ) -> None:
        self.staging = staging
        self.book = book
        self.workbook = book.row
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
        self._event_text(action, entity, key, dump(before), dump(after), reason)

    def _event_text(
        self,
        action: str,
        entity: str,
        key: str,
        before: str | None,
        after: str | None,
        reason: str,
    ) -> None:
        """Append the event of one change, given the canonical JSON of before and after."""
        if before is not None and after is not None and before == after:
            return  # nothing changed: no event, no version bump
        self.staging._append_dumped(
            actor_id=self.actor_id, facilitator_id=self.facilitator_id,
            workbook_id=self.workbook.id, workbook_version=self.workbook.version, action=action,
            entity=entity, entity_key=key, before=before, after=after, reason=reason, at=self.at,
        )  # fmt: skip
        self.changes += 1

    def next_number(self, kind: str) -> int:
        """The number the next record of ``kind`` gets (numbers are never reused)."""
        used = [n for k, n in self.book.records if k == kind]
        return max([0, *used, *self.book.removed.get(kind, ())]) + 1

    def put(self, kind: str, number: int | None, content: dict[str, Any], reason: str = "") -> int:
        """Insert or replace record ``kind``/``number``; returns the number."""
        if number is None:
            number = self.next_number(kind)
        row = self.book.records.get((kind, number))
        before = _record_dump(row) if row is not None else None
        text_ = canonical_json(content)
        if row is None:
            row = RecordRow(workbook_id=self.workbook.id, kind=kind, number=number, content=text_)
            self.book.records[(kind, number)] = row
            action = f"{kind}.added"
        else:
            row.content = text_
            action = f"{kind}.updated"
        row.author_id = self.actor_id
        row.updated_at = self.at or utc_now()
        key = record_key(self.workbook.id, kind, number)
        self._event_text(action, "record", key, before, _record_dump(row), reason)
        return number

    def remove(self, kind: str, number: int, reason: str = "") -> None:
        """Remove record ``kind``/``number``; its history stays in the event log."""
        row = self.book.records.pop((kind, number), None)
        if row is None:
            raise MissingEntry(f"{kind.replace('_', ' ')} {number} does not exist")
        self.book.removed.setdefault(kind, set()).add(number)
        key = record_key(self.workbook.id, kind, number)
        self._event_text(f"{kind}.removed", "record", key, _record_dump(row), None, reason)

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
        entry = self.book.agreements.get((version.subject, version.number))
        before = None
        if entry is None:
            row = AgreementRow(
                id=self.staging.next_agreement_id(),
                workbook_id=self.workbook.id,
                subject=version.subject,
                number=version.number,
            )
            confirmations: list[ConfirmationRow] = []
            self.book.agreements[(version.subject, version.number)] = (row, confirmations)
        else:
            row, confirmations = entry
            if row.agreed_hash is not None:
                raise InvalidEntry("an agreed version is frozen and cannot change")
            before = agreement_snapshot(row, confirmations)
        row.opened_reason = version.opened_reason
        row.agreed_hash = version.agreed_hash
        row.agreed_canonical = version.agreed_canonical
        row.agreed_at = _iso(version.agreed_at)
        for c in version.confirmations[len(confirmations) :]:
            confirmations.append(
                ConfirmationRow(
                    id=self.staging.next_confirmation_id(),
                    agreement_id=row.id,
                    person_id=c.person_id,
                    party=c.party,
                    content_hash=c.content_hash,
                    at=_iso(c.at),
                    facilitator_id=c.facilitator_id,
                )
            )
        key = agreement_key(self.workbook.id, version.subject, version.number)
        self._event(
            action, "agreement", key, before, agreement_snapshot(row, confirmations), reason
        )
