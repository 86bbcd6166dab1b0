"""The cache's workbooks: what a store last read or wrote of each workbook, so that
reading it again is cheap.

A page reads its workbook after every save: once before the write (the services
check the change against the content) and once after it (every panel shows the
new state). Each read took a few milliseconds of SQL and parsing, most of it for
records that had not changed. A :class:`WorkbookCache` keeps, per workbook, the
rows read at one version, and the write's own changes once it is committed; a
read then fetches the workbook's header alone and, when the header is the one
cached, builds the state from what is cached, parsing only records whose text changed.

What is cached is keyed by the header's version, its ``updated_at`` and the hash of the
workbook's latest event. Every change to a workbook's records and agreements goes
through a unit of work that appends its events and moves the version in the same
transaction, and an event's hash covers the whole chain before it, so a header that
matches means the content is the one cached: another process's write, a bulk load, or
a backup put back while the app runs and written to again (which can reach the same
version with other content) are read from the database. What is cached belongs to one
:class:`~.store.Store` and is also dropped when that store restores a backup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, bindparam, select

from ...domain.agreement import AgreementVersion
from ...domain.state import WorkbookState
from ..models import AgreementRow, ConfirmationRow, EventRow, RecordRow, WorkbookRow
from ..rows import (
    PrivateNotes,
    agreement_version,
    latest_agreements,
    parse_record,
    workbook_state,
)
from ..writer import WorkbookHead, WorkbookWriter

#: workbooks cached per store (a page's kernel uses one; the command line a few).
CACHE_SIZE = 16

_WORKBOOKS = WorkbookRow.__table__
_AGREEMENTS = AgreementRow.__table__
_CONFIRMATIONS = ConfirmationRow.__table__


class Record(NamedTuple):
    """A record row's columns (what :func:`~..rows.workbook_state` reads)."""

    kind: str
    number: int
    content: str
    author_id: str


@dataclass
class Cached:
    """One workbook as read (or written) at one header."""

    header: WorkbookHead
    records: Mapping[tuple[str, int], Record]
    agreements: Mapping[str, AgreementVersion]
    #: the state built from it, per viewer and rule on private notes (their notes differ;
    #: a state built before the services set the rule holds none).
    states: dict[tuple[object, str | None], WorkbookState] = field(default_factory=dict)


#: the hash of a workbook's latest event (one step down the index on (workbook_id, seq)).
_LAST_EVENT = (
    select(EventRow.hash)
    .where(EventRow.workbook_id == _WORKBOOKS.c.id)
    .order_by(EventRow.seq.desc())
    .limit(1)
    .correlate(_WORKBOOKS)
    .scalar_subquery()
    .label("last_event")
)
_HEADER = select(_WORKBOOKS).where(_WORKBOOKS.c.id == bindparam("workbook_id"))
_KEYED_HEADER = select(_WORKBOOKS, _LAST_EVENT).where(_WORKBOOKS.c.id == bindparam("workbook_id"))


def read_header(conn: Connection, workbook_id: int, keyed: bool = True) -> WorkbookHead | None:
    """The workbook's header through SQLAlchemy Core, or None if there is no such workbook.

    ``keyed``: with the hash of its latest event, which what is cached is keyed by.
    """
    statement = _KEYED_HEADER if keyed else _HEADER
    row = conn.execute(statement, {"workbook_id": workbook_id}).first()
    if row is None:
        return None
    return WorkbookHead.of(row, row.last_event if keyed else None)


def read_content(conn: Connection, header: WorkbookHead) -> Cached:
    """The workbook's records and latest agreements, inside the caller's transaction.

    Four indexed queries through SQLAlchemy Core (its rows carry the column names
    as attributes, as the ORM's objects do), without the ORM's identity map and unit
    of work, which cost more than the queries themselves.
    """
    workbook_id = header.id
    records = {
        (r.kind, r.number): Record(r.kind, r.number, r.content, r.author_id)
        for r in conn.execute(
            select(RecordRow.kind, RecordRow.number, RecordRow.content, RecordRow.author_id)
            .where(RecordRow.workbook_id == workbook_id)
            .order_by(RecordRow.kind, RecordRow.number)
        )
    }
    agreements = conn.execute(
        select(_AGREEMENTS)
        .where(_AGREEMENTS.c.workbook_id == workbook_id)
        .order_by(_AGREEMENTS.c.number)
    ).all()
    confirmations: dict[int, list[Any]] = {}
    if agreements:
        for c in conn.execute(
            select(_CONFIRMATIONS)
            .join(_AGREEMENTS, _AGREEMENTS.c.id == _CONFIRMATIONS.c.agreement_id)
            .where(_AGREEMENTS.c.workbook_id == workbook_id)
            .order_by(_CONFIRMATIONS.c.at, _CONFIRMATIONS.c.id)
        ):
            confirmations.setdefault(c.agreement_id, []).append(c)
    latest = latest_agreements(cast(list[AgreementRow], agreements), confirmations)
    return Cached(header, records, latest)


class WorkbookCache:
    """The last content read or written of the few workbooks a store works on (see above)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[int, Cached] = OrderedDict()
        #: parsed records per workbook: (kind, number) -> (the text parsed, its model)
        self._parsed: dict[int, dict[tuple[str, int], tuple[str, Any]]] = {}

    def get(self, header: WorkbookHead) -> Cached | None:
        """What is cached of the workbook at exactly this header, if anything."""
        cached = self._entries.get(header.id)
        if cached is None or cached.header.key != header.key:
            return None
        self._entries.move_to_end(header.id)
        return cached

    def current(self, workbook_id: int) -> Cached | None:
        """What is cached of the workbook, unchecked: only where nobody else can have
        written it since (inside a bulk load, which holds the write lock)."""
        return self._entries.get(workbook_id)

    def put(self, cached: Cached) -> None:
        """Keep ``cached``, instead of anything cached of its workbook before."""
        wb_id = cached.header.id
        self._entries[wb_id] = cached
        self._entries.move_to_end(wb_id)
        while len(self._entries) > self.size:
            old, _old = self._entries.popitem(last=False)
            self._parsed.pop(old, None)

    def clear(self) -> None:
        """Forget everything (the database was replaced)."""
        self._entries.clear()
        self._parsed.clear()

    def state(self, cached: Cached, viewer_id: str | None) -> WorkbookState:
        """The state of ``cached`` as ``viewer_id`` sees it (built once per viewer)."""
        key = (PrivateNotes.shown, viewer_id)
        state = cached.states.get(key)
        if state is None:
            parsed = self._parsed.setdefault(cached.header.id, {})
            live = {key for key in cached.records}
            for gone in [key for key in parsed if key not in live]:
                del parsed[gone]

            def parse(row: RecordRow, model: type[Any]) -> Any:
                key = (row.kind, row.number)
                found = parsed.get(key)
                if found is not None and found[0] == row.content:
                    return found[1]
                value = parse_record(row, model)  # numbered once, not at every state built
                parsed[key] = (row.content, value)
                return value

            records = cast(list[RecordRow], [cached.records[k] for k in sorted(cached.records)])
            state = workbook_state(
                cached.header, records, dict(cached.agreements), viewer_id, parse
            )
            cached.states[key] = state
        return state

    def written(self, writer: WorkbookWriter) -> None:
        """After a unit of work committed: keep the content it made, from what it changed.

        Only when what is cached is the content the unit started from (the same header);
        otherwise nothing is cached of that workbook, and the next read reads it all.
        """
        wb_id = writer.workbook.id
        cached = self._entries.get(wb_id)
        if cached is None or writer.base is None or cached.header.key != writer.base:
            self._entries.pop(wb_id, None)
            return
        records = dict(cached.records)
        for (kind, number), value in writer.written.items():
            if value is None:
                records.pop((kind, number), None)
            else:
                records[(kind, number)] = Record(kind, number, *value)
        agreements = dict(cached.agreements)
        for subject, (row, confirmations) in writer.agreements_saved.items():
            ordered = sorted(confirmations, key=lambda c: (c.at, c.id or 0))
            version = agreement_version(row, ordered)
            current = agreements.get(subject)
            if current is None or version.number >= current.number:
                agreements[subject] = version
        self.put(Cached(WorkbookHead.of(writer.workbook, writer.last_event), records, agreements))
