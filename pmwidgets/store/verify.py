"""Checking the event chain and every stored row against it: tampering is detected.

Four checks, in order, stopping at the first break so that it can be named:

1. the chain: each event's hash recomputes, and points at the previous one;
   the chain head matches the last event (so a deleted tail is caught);
2. every row (person, job, workbook, record, agreement) equals the state its
   latest event recorded, a record's author is who wrote that event, and no
   row exists without an event;
3. every workbook's version is the version its last event recorded;
4. every agreed version: its canonical JSON hashes to the agreed hash, and
   both the employee and the manager confirmed that hash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.agreement import content_hash
from .chain import GENESIS, HASHED_FIELDS, event_hash
from .models import (
    AgreementRow,
    ChainHeadRow,
    ConfirmationRow,
    EventRow,
    JobRow,
    PersonRow,
    RecordRow,
    WorkbookRow,
)
from .snapshots import (
    agreement_key,
    agreement_snapshot,
    dump,
    job_key,
    job_snapshot,
    person_key,
    person_snapshot,
    record_key,
    record_snapshot,
    workbook_key,
    workbook_snapshot,
)


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of a verification: ok, or the first broken record named."""

    ok: bool
    events: int
    rows: int
    problem: str = ""
    #: the chain's newest event and its hash, when the chain checked out: a person who
    #: notes them can later ask whether today's chain still holds that event unchanged
    head: str = ""
    #: how the confirmations in scope were made: (method, count), e.g.
    #: ``(("own_sign_in", 12), ("session_code", 8))`` (see ``Confirmation.method``)
    confirmations: tuple[tuple[str, int], ...] = ()


def verify(
    session: Session, workbook_id: int | None = None, noted_head: tuple[int, str] | None = None
) -> VerifyReport:
    """Verify the whole database, or the rows of one workbook (the chain is always checked whole).

    ``noted_head`` is a head printed by an earlier verification (``N:HASH``, as
    (N, HASH)): the chain must still hold event N with that hash.
    Deleting the newest writes whole (events, chain head and rows together) leaves
    a shorter chain that checks out by itself; it fails this check.
    """
    try:
        report = _verify(session, workbook_id)
        if report.ok and noted_head is not None:
            problem = _check_noted_head(session, noted_head)
            if problem:
                return VerifyReport(False, report.events, report.rows, problem, report.head)
        if not report.ok:  # one printable line, whatever an edited or imported row holds
            one_line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in report.problem)
            report = VerifyReport(False, report.events, report.rows, one_line, report.head)
        return report
    except (ValueError, TypeError, LookupError) as exc:  # e.g. a date edited into nonsense
        return VerifyReport(
            False,
            0,
            0,
            f"a stored value cannot be read, so it was edited behind the store's back: {exc}",
        )


def _verify(session: Session, workbook_id: int | None) -> VerifyReport:
    events = list(session.execute(select(EventRow).order_by(EventRow.seq)).scalars())
    problem = _check_chain(session, events)
    if problem:
        return VerifyReport(False, len(events), 0, problem)
    latest: dict[tuple[str, str], str | None] = {}
    actor: dict[tuple[str, str], str] = {}
    for e in events:
        latest[(e.entity, e.entity_key)] = e.after
        actor[(e.entity, e.entity_key)] = e.actor_id
    rows, problem = _check_rows(session, workbook_id, latest, actor)
    problem = (
        problem
        or _check_nothing_missing(latest, workbook_id)
        or _check_versions(session, events, workbook_id)
        or _check_agreements(session, workbook_id)
    )
    methods: dict[str, int] = {}
    if not problem:
        problem = _check_confirmations(session, workbook_id, methods)
    if problem:
        return VerifyReport(False, len(events), rows, problem)
    head = f"{events[-1].seq}:{events[-1].hash}" if events else ""
    return VerifyReport(
        True, len(events), rows, head=head, confirmations=tuple(sorted(methods.items()))
    )


def _check_rows(
    session: Session,
    workbook_id: int | None,
    latest: dict[tuple[str, str], str | None],
    actor: dict[tuple[str, str], str],
) -> tuple[int, str]:
    """Each row in scope equals what its latest event recorded, by that event's author.

    Returns how many rows were checked (up to the first broken one) and the problem, if
    any. Takes every row it checks out of ``latest``: what is left there was recorded
    but is not stored.
    """
    rows = 0
    for entity, key, snapshot, label, author in _rows(session, workbook_id):
        rows += 1
        if (entity, key) not in latest:
            return rows, f"{label}: stored without any event (written behind the store's back)"
        recorded = latest.pop((entity, key))
        if recorded != dump(snapshot):
            return rows, f"{label}: stored content differs from its last recorded event"
        if author is not None and author != actor[(entity, key)]:
            return rows, (
                f"{label}: stored as written by {_shown(author)}, but its last event was "
                f"written by {_shown(actor[(entity, key)])}"
            )
    return rows, ""


def _check_nothing_missing(
    unmatched: dict[tuple[str, str], str | None], workbook_id: int | None
) -> str:
    """Nothing the log records as present (in scope) is missing from the database.

    ``unmatched`` is each entity's latest recorded state, for the entities no stored
    row matched; a removed one (None) is absent, as it should be.
    """
    for (entity, key), after in unmatched.items():
        if after is None:
            continue
        if workbook_id is not None and (
            entity not in ("workbook", "record", "agreement")
            or key.split("/")[0] != str(workbook_id)
        ):
            continue
        return f"{entity} {key}: recorded in the event log but missing from the database"
    return ""


def _shown(value: str) -> str:
    """An id from the database as one printable line: quoted, with escapes, if it is not
    (a report is one line, whatever an edited or imported row holds)."""
    return value if value.isprintable() else repr(value)


def _check_noted_head(session: Session, noted: tuple[int, str]) -> str:
    seq, digest = noted
    found = session.get(EventRow, seq)
    if found is None:
        return (
            f"event #{seq}: noted as the chain's head earlier, but no longer in the log "
            "(the newest events were deleted)"
        )
    if found.hash != digest:
        return f"event #{seq}: its hash is not the one noted earlier (the history was rewritten)"
    return ""


def _check_versions(session: Session, events: list[EventRow], workbook_id: int | None) -> str:
    """Each workbook's version is the version its last event recorded (every write bumps it once)."""
    recorded: dict[int, int | None] = {}
    for e in events:
        if e.workbook_id is not None:
            recorded[e.workbook_id] = e.workbook_version
    stmt = select(WorkbookRow.id, WorkbookRow.version).order_by(WorkbookRow.id)
    if workbook_id is not None:
        stmt = stmt.where(WorkbookRow.id == workbook_id)
    for wb_id, version in session.execute(stmt):
        if wb_id in recorded and recorded[wb_id] != version:
            return (
                f"workbook {wb_id}: its version is {version}, but its last event "
                f"recorded version {recorded[wb_id]}"
            )
    return ""


def _check_chain(session: Session, events: list[EventRow]) -> str:
    prev = GENESIS
    for expected_seq, e in enumerate(events, start=1):
        if e.seq != expected_seq:
            return f"event #{expected_seq}: missing from the event log (next found is #{e.seq})"
        if e.prev_hash != prev:
            return (
                f"event #{e.seq}: does not follow event #{e.seq - 1} (events deleted or reordered)"
            )
        fields = {name: getattr(e, name) for name in HASHED_FIELDS}
        if event_hash(fields) != e.hash:
            return f"event #{e.seq} ({e.action} {e.entity_key}): its content was changed after it was written"
        prev = e.hash
    head = session.get(ChainHeadRow, 1)
    last_seq, last_hash = (events[-1].seq, events[-1].hash) if events else (0, GENESIS)
    if head is None:
        if events:
            return f"chain head: missing, though the log holds {last_seq} events (deleted)"
        return ""
    if head.seq == last_seq + 1:
        return f"event #{head.seq}: the chain head names it, but the log ends at #{last_seq} (events deleted)"
    if head.seq > last_seq:
        return (
            f"event #{last_seq + 1}: missing (events #{last_seq + 1} to #{head.seq} deleted: "
            f"the chain head names #{head.seq}, but the log ends at #{last_seq})"
        )
    if head.seq < last_seq:
        return (
            f"event #{head.seq + 1}: not covered by the chain head, which names #{head.seq} "
            "(events appended behind the store's back, or the head was changed)"
        )
    if head.hash != last_hash:
        return f"chain head: its hash is not the hash of event #{last_seq} (the head or that event was replaced)"
    return ""


def _rows(
    session: Session, workbook_id: int | None
) -> Iterator[tuple[str, str, dict[str, Any], str, str | None]]:
    """Yield (entity, key, snapshot, label, author or None) for every row in scope."""
    if workbook_id is None:
        for p in session.execute(select(PersonRow)).scalars():
            yield "person", person_key(p), person_snapshot(p), f"person {p.id}", None
        for j in session.execute(select(JobRow)).scalars():
            label = f"library job description {j.id}"
            yield "job", job_key(j), _readable(job_snapshot, j), label, None
    wb_stmt = select(WorkbookRow)
    rec_stmt = select(RecordRow)
    agr_stmt = select(AgreementRow)
    if workbook_id is not None:
        wb_stmt = wb_stmt.where(WorkbookRow.id == workbook_id)
        rec_stmt = rec_stmt.where(RecordRow.workbook_id == workbook_id)
        agr_stmt = agr_stmt.where(AgreementRow.workbook_id == workbook_id)
    for w in session.execute(wb_stmt).scalars():
        yield "workbook", workbook_key(w), workbook_snapshot(w), f"workbook {w.id}", None
    for r in session.execute(rec_stmt).scalars():
        label = f"{r.kind.replace('_', ' ')} {r.number} of workbook {r.workbook_id}"
        key = record_key(r.workbook_id, r.kind, r.number)
        yield "record", key, _readable(record_snapshot, r), label, r.author_id
    confirmations: dict[int, list[ConfirmationRow]] = {}
    for c in session.execute(select(ConfirmationRow)).scalars():
        confirmations.setdefault(c.agreement_id, []).append(c)
    for a in session.execute(agr_stmt).scalars():
        label = f"agreement on the {a.subject.replace('_', ' ')} of workbook {a.workbook_id}, version {a.number}"
        snap = agreement_snapshot(a, confirmations.get(a.id, []))
        yield "agreement", agreement_key(a.workbook_id, a.subject, a.number), snap, label, None


def _readable(snapshot: Callable[[Any], dict[str, Any]], row: Any) -> dict[str, Any]:
    """The row's snapshot; one that no event can match if its stored JSON is unreadable."""
    try:
        return snapshot(row)
    except ValueError:
        return {"unreadable": row.content}


def _check_agreements(session: Session, workbook_id: int | None) -> str:
    stmt = select(AgreementRow).where(AgreementRow.agreed_hash.is_not(None))
    if workbook_id is not None:
        stmt = stmt.where(AgreementRow.workbook_id == workbook_id)
    for a in session.execute(stmt).scalars():
        label = f"agreement on the {a.subject.replace('_', ' ')} of workbook {a.workbook_id}, version {a.number}"
        if a.agreed_canonical is None or content_hash(a.agreed_canonical) != a.agreed_hash:
            return f"{label}: the agreed text does not match its SHA-256"
        wb = session.get(WorkbookRow, a.workbook_id)
        confirmed = {
            (c.party, c.person_id)
            for c in session.execute(
                select(ConfirmationRow).where(ConfirmationRow.agreement_id == a.id)
            ).scalars()
            if c.content_hash == a.agreed_hash
        }
        if wb is None or {("employee", wb.employee_id), ("manager", wb.manager_id)} - confirmed:
            return f"{label}: not confirmed by both the employee and the manager"
    return ""


def _check_confirmations(session: Session, workbook_id: int | None, methods: dict[str, int]) -> str:
    """Each confirmation is by the workbook's own employee or manager, as that party, and
    one made in a facilitated session names the workbook's coach; counts them by method."""
    stmt = (
        select(ConfirmationRow, AgreementRow, WorkbookRow)
        .join(AgreementRow, ConfirmationRow.agreement_id == AgreementRow.id)
        .join(WorkbookRow, AgreementRow.workbook_id == WorkbookRow.id)
    )
    if workbook_id is not None:
        stmt = stmt.where(WorkbookRow.id == workbook_id)
    for c, a, wb in session.execute(stmt.order_by(ConfirmationRow.id)).all():
        label = (
            f"confirmation by {c.person_id} of the {a.subject.replace('_', ' ')} of workbook "
            f"{wb.id}, version {a.number}"
        )
        party_person = {"employee": wb.employee_id, "manager": wb.manager_id}.get(c.party)
        if party_person != c.person_id:
            return f"{label}: {c.person_id} is not the workbook's {c.party}"
        if c.facilitator_id is not None and c.facilitator_id != wb.coach_id:
            return f"{label}: made in a session facilitated by {c.facilitator_id}, who is not the workbook's coach"
        method = "session_code" if c.facilitator_id else "own_sign_in"
        methods[method] = methods.get(method, 0) + 1
    return ""
