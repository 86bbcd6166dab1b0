"""Set-based reads: many workbooks in a few queries, as the domain's own objects.

Never a statement per workbook: headers (:func:`workbooks`), the content of a set of
them as :class:`~pmwidgets.domain.state.WorkbookState` (:func:`each_state`, four
statements per :data:`PART` workbooks), contributions counted per workbook in SQL
(:func:`contributions`), the hash of each one's latest event (:func:`latest_events`),
and the events of a set (:func:`event_lines`). Reports over many workbooks (the frames,
the dashboard) read through here; they apply the domain's rules to what it returns.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import Connection, case, func, or_, select, true

from ..domain.model import Stage, Workbook
from ..domain.state import WorkbookState
from .cache.workbooks import Record
from .models import (
    AgreementRow,
    ChainHeadRow,
    ConfirmationRow,
    EventRow,
    RecordRow,
    WorkbookRow,
)
from .rows import NUMBERED, latest_agreements, parse_record, workbook_state

if TYPE_CHECKING:
    from .store import Store

#: above this many workbooks a query reads every row and keeps the wanted ones, rather
#: than naming each workbook (databases limit how many values one statement may carry).
IN_LIMIT = 900

_STAGES = {st.value: st for st in Stage}


class EventLine(NamedTuple):
    """One event as the ``events`` frame shows it: its content only when it is said in words
    (a workbook's stage, an objective's title), else None."""

    seq: int
    at: str
    workbook_id: int
    actor_id: str
    facilitator_id: str | None
    action: str
    entity_key: str
    reason: str
    content: str | None


def _within(column: Any, ids: Sequence[int]) -> Any:
    """A condition keeping at least ``ids`` (sorted): their range when they fill most of it
    (as every workbook does for HR: a range reads the index as naming each does, without
    binding each), else :func:`_among`."""
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        return column.between(ids[0], ids[-1])
    return _among(column, ids)


def _among(column: Any, ids: Sequence[int]) -> Any:
    """A condition keeping ``ids`` (or every row, when there are too many to name)."""
    return column.in_(ids) if len(ids) <= IN_LIMIT else true()


def chain_head(store: Store) -> tuple[int, str] | None:
    """The event chain's head (its last event's number and hash): it moves with every write."""
    with store.peeking() as conn:
        row = conn.execute(select(ChainHeadRow.seq, ChainHeadRow.hash)).first()
    return (int(row[0]), str(row[1])) if row else None


def _headers(stmt: Any) -> Any:
    w = WorkbookRow.__table__.c
    return stmt.with_only_columns(
        w.id, w.employee_id, w.manager_id, w.coach_id, w.cycle_start, w.cycle_end, w.stage,
        w.version,
    ).order_by(w.id)  # fmt: skip


def _workbook(row: Any) -> Workbook:
    """A header from the stored columns, without validating them again."""
    i, e, m, c, start, end, stage, version = row
    return Workbook.model_construct(
        id=i, employee_id=e, manager_id=m, coach_id=c, cycle_start=start, cycle_end=end,
        stage=_STAGES[stage], version=version,
    )  # fmt: skip


def workbooks(store: Store, person_id: str | None = None) -> list[Workbook]:
    """Every workbook's header, or those in which ``person_id`` is employee, manager or
    coach, by id."""
    w = WorkbookRow.__table__.c
    stmt = _headers(select(w.id))
    if person_id is not None:
        stmt = stmt.where(
            or_(w.employee_id == person_id, w.manager_id == person_id, w.coach_id == person_id)
        )
    with store.reading_core() as conn:
        return [_workbook(row) for row in conn.execute(stmt).all()]


def headers_of(store: Store, ids: Sequence[int]) -> list[Workbook]:
    """The headers of the workbooks ``ids`` (sorted), by id."""
    if not ids:
        return []
    w = WorkbookRow.__table__.c
    wanted = set(ids)
    with store.reading_core() as conn:
        rows = conn.execute(_headers(select(w.id)).where(_within(w.id, ids))).all()
    return [_workbook(row) for row in rows if row[0] in wanted]


def latest_events(store: Store, ids: Sequence[int] | None) -> dict[int, str]:
    """The hash of each workbook's latest event (of all, when ``ids`` is None): it changes
    with every write to the workbook."""
    if ids is not None and not ids:
        return {}
    last = (
        select(func.max(EventRow.seq))
        .where(EventRow.workbook_id.is_not(None))
        .group_by(EventRow.workbook_id)
    )
    if ids is not None:
        last = last.where(_among(EventRow.workbook_id, ids))
    query = select(EventRow.workbook_id, EventRow.hash).where(EventRow.seq.in_(last))
    with store.reading_core() as conn:
        found = {i: k for i, k in conn.execute(query).all() if i is not None}
    if ids is None or len(ids) <= IN_LIMIT:
        return found
    wanted = set(ids)
    return {i: k for i, k in found.items() if i in wanted}


def moved_since(store: Store, head: tuple[int, str]) -> dict[int, str] | None:
    """The hash of the latest event of each workbook written after ``head`` (the chain's
    head as it was then), or None when ``head`` is no longer in the chain (the database
    was put back from a copy): the events up to a hash are those that hash proves."""
    seq, hash_ = head
    with store.reading_core() as conn:
        if conn.execute(select(EventRow.hash).where(EventRow.seq == seq)).scalar() != hash_:
            return None
        found: dict[int, str] = {}
        for wb_id, key in conn.execute(
            select(EventRow.workbook_id, EventRow.hash)
            .where(EventRow.seq > seq, EventRow.workbook_id.is_not(None))
            .order_by(EventRow.seq)
        ):
            if wb_id is not None:  # (the query leaves none out: typed as nullable)
                found[wb_id] = key  # the latest last
    return found


@contextmanager
def uncollected() -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are built.

    Reading a thousand workbooks builds a few hundred thousand objects, none of them in a
    cycle (they are freed by reference counting like any other). The collector would
    still go over the ever larger heap again and again as they are made: half the time of
    the reading, for nothing. It runs as usual afterwards (if it ran before).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def states(store: Store, ids: Sequence[int]) -> dict[int, WorkbookState]:
    """The state of each of these workbooks (those that exist), by id, without private
    notes (nobody's): :func:`each_state`, kept."""
    with uncollected():
        return {state.workbook.id or 0: state for state in each_state(store, ids)}


#: how many workbooks :func:`each_state` reads at a time.
PART = 250


def each_state(store: Store, ids: Sequence[int]) -> Iterator[WorkbookState]:
    """The state of each of these workbooks (those that exist), by id, without private
    notes (nobody's), each built when it is asked for.

    Read :data:`PART` workbooks at a time, each part in one snapshot of four queries:
    headers, records, agreements and confirmations. A caller that turns each state into
    a row and lets it go holds one part's rows and one state at a time, not every
    workbook's: reading a thousand workbooks builds a few hundred thousand objects, and
    a new kernel's heap need not grow to hold them all at once (half the pages to touch,
    a tenth less time). Pause the collector around the loop (:func:`uncollected`).
    """
    ordered = sorted(set(ids))
    parse = _shared_parse()
    for start in range(0, len(ordered), PART):
        with store.reading_core() as conn:
            part = _Part.read(conn, ordered[start : start + PART])
        yield from part.states(parse)


class _Agreement(NamedTuple):
    """An agreement row's columns, as :func:`~.rows.agreement_version` reads them: by name,
    which a named tuple answers in a tenth of the time a SQLAlchemy row does (a report
    reads tens of thousands of columns; so for the records, as :class:`~.cache.Record`)."""

    id: int
    workbook_id: int
    subject: str
    number: int
    opened_reason: str
    agreed_hash: str | None
    agreed_canonical: str | None
    agreed_at: str | None


class _Confirmation(NamedTuple):
    """A confirmation row's columns, as :func:`~.rows.agreement_version` reads them."""

    id: int
    agreement_id: int
    person_id: str
    party: str
    content_hash: str
    at: str
    facilitator_id: str | None


def _columns(table: Any, kind: type[tuple[Any, ...]]) -> list[Any]:
    """The columns of ``table`` named by the fields of the named tuple ``kind``, in order."""
    return [table.__table__.c[name] for name in kind._fields]  # type: ignore[attr-defined]


class _Part(NamedTuple):
    """The rows of a few workbooks, read in one snapshot."""

    headers: list[Workbook]
    #: by workbook, in the order ``(kind, number)``; private notes left out
    records: dict[int, list[Record]]
    #: by workbook, the latest version's row of each subject (the state holds no other)
    agreements: dict[int, dict[str, _Agreement]]
    #: by agreement, each list in the order ``(at, id)``
    confirmations: dict[int, list[_Confirmation]]

    @classmethod
    def read(cls, conn: Connection, ids: Sequence[int]) -> _Part:
        """The rows of the workbooks ``ids`` (sorted, at most :data:`IN_LIMIT`), in four
        queries (those of other workbooks in their range are left out)."""
        wanted = set(ids)
        w = WorkbookRow.__table__.c
        headers = [
            _workbook(row)
            for row in conn.execute(_headers(select(w.id)).where(_within(w.id, ids))).all()
            if row[0] in wanted
        ]
        records: dict[int, list[Record]] = {i: [] for i in ids}
        for wb_id, kind, number, content, author in conn.execute(  # in their unique index's order
            select(RecordRow.workbook_id, *_columns(RecordRow, Record))
            .where(RecordRow.kind != "note", _within(RecordRow.workbook_id, ids))
            .order_by(RecordRow.workbook_id, RecordRow.kind, RecordRow.number)
        ).all():
            if wb_id in wanted:
                records[wb_id].append(Record(kind, number, content, author))
        agreements: dict[int, dict[str, _Agreement]] = {}
        for row in conn.execute(  # in the order of their unique index: the agreed texts unsorted
            select(*_columns(AgreementRow, _Agreement))
            .where(_within(AgreementRow.workbook_id, ids))
            .order_by(AgreementRow.workbook_id, AgreementRow.subject, AgreementRow.number)
        ).all():
            a = _Agreement._make(row)
            if a.workbook_id in wanted:  # a later version of the subject replaces an earlier
                agreements.setdefault(a.workbook_id, {})[a.subject] = a
        latest = {a.id for by_subject in agreements.values() for a in by_subject.values()}
        confirmations: dict[int, list[_Confirmation]] = {}
        if agreements:
            for row in conn.execute(
                select(*_columns(ConfirmationRow, _Confirmation))
                .join(AgreementRow, AgreementRow.id == ConfirmationRow.agreement_id)
                .where(_within(AgreementRow.workbook_id, ids))
                .order_by(ConfirmationRow.at, ConfirmationRow.id)
            ).all():
                c = _Confirmation._make(row)
                if c.agreement_id in latest:
                    confirmations.setdefault(c.agreement_id, []).append(c)
        return cls(headers, records, agreements, confirmations)

    def states(self, parse: Callable[[Any, type[Any]], Any]) -> Iterator[WorkbookState]:
        """Each workbook's state, by id, built as it is asked for."""
        # the named tuples have the columns of the rows these functions are typed for
        confirmations = cast(Mapping[int, Sequence[ConfirmationRow]], self.confirmations)
        for h in self.headers:
            agreements = cast(list[AgreementRow], list(self.agreements.get(h.id or 0, {}).values()))
            yield workbook_state(
                h,  # type: ignore[arg-type]  # a Workbook has the columns a row has
                cast(list[RecordRow], self.records.get(h.id or 0, [])),
                latest_agreements(agreements, confirmations),
                None,
                parse,
            )


def _shared_parse() -> Callable[[Any, type[Any]], Any]:
    """:func:`~.rows.parse_record`, parsing each text of an unnumbered kind once: many
    workbooks hold the same job description (from the library), and a parsed model is
    immutable, so they share it."""
    parsed: dict[tuple[type[Any], str], Any] = {}

    def parse(row: Any, model: type[Any]) -> Any:
        if model in NUMBERED:
            return parse_record(row, model)
        key = (model, row.content)
        found = parsed.get(key)
        if found is None:
            found = parsed[key] = parse_record(row, model)
        return found

    return parse


def contributions(store: Store, ids: Sequence[int]) -> dict[int, list[tuple[str, str, int]]]:
    """How many record events each person wrote in each of these workbooks, by action:
    ``{workbook: [(action, actor_id, count), ...]}``, counted in the database."""
    found: dict[int, list[tuple[str, str, int]]] = {i: [] for i in ids}
    with store.reading_core() as conn:
        for of, action, actor, count in conn.execute(
            select(EventRow.workbook_id, EventRow.action, EventRow.actor_id, func.count())
            .where(EventRow.entity == "record", _among(EventRow.workbook_id, ids))
            .group_by(EventRow.workbook_id, EventRow.action, EventRow.actor_id)
        ).all():
            if of is not None and of in found:
                found[of].append((action, actor, int(count)))
    return found


def event_lines(store: Store, ids: Sequence[int]) -> list[EventLine]:
    """The events of these workbooks, oldest first, in one query; never a private note's
    (not even to its author)."""
    wanted = set(ids)
    content = case(
        (
            or_(EventRow.action.like("workbook.%"), EventRow.action.like("objective.%")),
            func.coalesce(EventRow.after, EventRow.before),
        ),
        else_=None,
    )
    stmt = (
        select(
            EventRow.seq,
            EventRow.at,
            EventRow.workbook_id,
            EventRow.actor_id,
            EventRow.facilitator_id,
            EventRow.action,
            EventRow.entity_key,
            EventRow.reason,
            content,
        )
        .where(
            EventRow.workbook_id.is_not(None),
            _among(EventRow.workbook_id, ids),
            EventRow.action.not_like("note.%"),  # private notes never appear
        )
        .order_by(EventRow.seq)
    )
    with store.reading_core() as conn:
        return [
            EventLine(*row)
            for row in conn.execute(stmt).all()
            if row[2] in wanted and not row[5].startswith("note.")
        ]
