"""Appending to the event chain: the chain's tail as one write transaction sees it.

A write transaction reads the chain's head once, locked (``FOR UPDATE`` on PostgreSQL;
on SQLite the write transaction holds the database lock already), on its first event.
Each event appended after that is hashed onto the one before it in memory, and the
events of a unit of work are stored together when the unit ends
(:func:`store_events`: one multi-row INSERT and one update of the head), instead of
three statements per event. Events from concurrent writers still never share a
sequence number or a parent hash: the head stays locked until the transaction ends.

In a bulk load (:meth:`.database.Database.bulk`) one transaction holds many units: the
tail is kept from one to the next, and their events, with the row changes the writer
deferred (:func:`defer`), are stored together before anything is read through the
database and at each commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from .chain import GENESIS, event_hash
from .models import ChainHeadRow, EventRow
from .snapshots import dump

_HEAD = cast(Table, ChainHeadRow.__table__)
_EVENTS = cast(Table, EventRow.__table__)
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_ADD_HEAD = insert(_HEAD)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
_ADD_EVENTS = insert(_EVENTS)
#: where a transaction keeps its tail, and a bulk load its memory (``Session.info``).
_KEY = "pmw_chain_tail"
_LOAD = "pmw_bulk_load"


def utc_now() -> str:
    """The current time as ISO-8601 text in UTC, microsecond precision."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class LoadMemory:
    """What a bulk load wrote, kept from one of its commits to the next, so that its
    writer reads none of it back (see :meth:`.database.Database.bulk`)."""

    def __init__(self) -> None:
        #: workbooks the load made (``Store.add_workbook``): everything about them is known
        #: here (a workbook restored from a file is not: its rows were not written by it).
        self.created: set[int] = set()
        #: numbers of the records the load removed, by (workbook id, kind).
        self.removed: dict[tuple[int, str], list[int]] = {}
        #: agreement versions the load saved, by (workbook id, subject, number): the row
        #: and its confirmations.
        self.agreements: dict[tuple[int, str, int], tuple[Any, list[Any]]] = {}

    def note(self, fields: dict[str, Any]) -> None:
        """Remember the record an event says was removed."""
        _note_removal(self.removed, fields)


def _note_removal(removed: dict[tuple[int, str], list[int]], fields: dict[str, Any]) -> None:
    """Add the number of the record an event removed to ``removed``, by (workbook, kind)."""
    action = fields["action"]
    if fields["entity"] == "record" and action.endswith(".removed"):
        number = int(fields["entity_key"].rsplit("/", 1)[1])
        kind = action[: -len(".removed")]
        removed.setdefault((fields["workbook_id"], kind), []).append(number)


def load_memory(session: Session) -> LoadMemory | None:
    """The memory of the bulk load this session belongs to, or None outside one."""
    memory: LoadMemory | None = session.info.get(_LOAD)
    return memory


def start_load(session: Session) -> LoadMemory:
    """Make ``session`` a bulk load's: what it writes is remembered (:class:`LoadMemory`)."""
    memory = session.info[_LOAD] = LoadMemory()
    return memory


class Tail:
    """The chain's head as stored, and the events appended since, not stored yet."""

    def __init__(self, seq: int, hash_: str, stored: bool) -> None:
        #: the head as the database holds it (``stored``: whether its row exists).
        self.stored_head = (seq, hash_)
        self.row_exists = stored
        #: events appended and not stored yet, oldest first.
        self.pending: list[dict[str, Any]] = []
        #: numbers of the records those events removed, by (workbook id, kind).
        self.removed: dict[tuple[int, str], list[int]] = {}
        #: a bulk load's row changes not stored yet (see :func:`defer`), by rank and
        #: statement, each with its parameters by key (the last for a key wins).
        self.later: dict[tuple[int, Any], dict[Any, dict[str, Any]]] = {}
        #: the bulk load's memory, which each event appended updates (None outside one).
        self.memory: LoadMemory | None = None

    @property
    def head(self) -> tuple[int, str]:
        """(sequence number, hash) of the newest event, stored or not."""
        if self.pending:
            last = self.pending[-1]
            return last["seq"], last["hash"]
        return self.stored_head

    def append(self, fields: dict[str, Any]) -> str:
        """Hash one event onto the newest one and keep it; returns its hash."""
        seq, prev = self.head
        fields["seq"] = seq + 1
        fields["prev_hash"] = prev
        fields["hash"] = event_hash(fields)
        self.pending.append(fields)
        _note_removal(self.removed, fields)  # see pending_removals
        if self.memory is not None:
            self.memory.note(fields)
        return str(fields["hash"])


def tail_of(session: Session) -> Tail:
    """The transaction's tail: the head is read (locked) on the first call."""
    tail: Tail | None = session.info.get(_KEY)
    if tail is None:
        row = session.connection().execute(_READ_HEAD).first()
        tail = Tail(0, GENESIS, False) if row is None else Tail(row[0], row[1], True)
        tail.memory = load_memory(session)
        session.info[_KEY] = tail
    return tail


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
    """Append one event to the chain in the caller's transaction; returns its hash.

    ``before`` and ``after`` are snapshots (plain data), stored as canonical JSON. The
    event is stored when the unit of work ends (see :func:`store_events`).
    """
    return append_text(
        session, actor_id=actor_id, action=action, entity=entity, entity_key=entity_key,
        before=dump(before), after=dump(after), reason=reason, facilitator_id=facilitator_id,
        workbook_id=workbook_id, workbook_version=workbook_version, at=at,
    )  # fmt: skip


def append_text(
    session: Session,
    *,
    actor_id: str,
    action: str,
    entity: str,
    entity_key: str,
    before: str | None,
    after: str | None,
    reason: str = "",
    facilitator_id: str | None = None,
    workbook_id: int | None = None,
    workbook_version: int | None = None,
    at: str | None = None,
) -> str:
    """:func:`append_event`, given the canonical JSON of ``before`` and ``after`` already."""
    return tail_of(session).append(
        {
            "at": at or utc_now(),
            "actor_id": actor_id,
            "facilitator_id": facilitator_id,
            "workbook_id": workbook_id,
            "workbook_version": workbook_version,
            "action": action,
            "entity": entity,
            "entity_key": entity_key,
            "reason": reason or "",
            "before": before,
            "after": after,
        }
    )


def defer(session: Session, rank: int, statement: Any, params: dict[str, Any], key: Any) -> None:
    """Run ``statement`` with ``params`` when the events are stored (:func:`store_events`).

    For a bulk load, whose writer knows what it wrote last and reads none of it back:
    each statement then runs once for all its parameters, statements by ``rank``, and
    of two changes with the same ``key`` only the last is run.
    """
    tail_of(session).later.setdefault((rank, statement), {})[key] = params


def store_events(session: Session) -> None:
    """Store the events appended in this transaction (and what was deferred with them),
    and move the head past them."""
    tail: Tail | None = session.info.get(_KEY)
    if tail is None or not (tail.pending or tail.later):
        return
    conn = session.connection()
    for (_rank, statement), by_key in sorted(tail.later.items(), key=lambda item: item[0][0]):
        conn.execute(statement, list(by_key.values()))
    tail.later = {}
    if not tail.pending:
        return
    conn.execute(_ADD_EVENTS, tail.pending)
    seq, hash_ = tail.head
    if tail.row_exists:
        conn.execute(_MOVE_HEAD, {"seq": seq, "hash": hash_})
    else:
        conn.execute(_ADD_HEAD, {"id": 1, "seq": seq, "hash": hash_})
        tail.row_exists = True
    tail.stored_head = (seq, hash_)
    tail.pending = []
    tail.removed = {}


def pending_removals(session: Session, workbook_id: int, kind: str) -> list[int]:
    """Numbers of ``kind`` records removed from the workbook by events not stored yet."""
    tail: Tail | None = session.info.get(_KEY)
    return [] if tail is None else list(tail.removed.get((workbook_id, kind), ()))


def forget_tail(session: Session) -> None:
    """The transaction ended: the next one reads the head again."""
    session.info.pop(_KEY, None)
