"""Checking the event chain and every stored row against it: tampering is detected.

Three checks, in order, stopping at the first break so that it can be named:

1. the chain: each event's hash recomputes, and points at the previous one;
   the chain head matches the last event (so a deleted tail is caught);
2. every row (person, job, workbook, record, agreement) equals the state its
   latest event recorded, and no row exists without an event;
3. every agreed version: its canonical JSON hashes to the agreed hash, and
   both the employee and the manager confirmed that hash.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def verify(session: Session, workbook_id: int | None = None) -> VerifyReport:
    """Verify the whole database, or the rows of one workbook (the chain is always checked whole)."""
    events = list(session.execute(select(EventRow).order_by(EventRow.seq)).scalars())
    problem = _check_chain(session, events)
    if problem:
        return VerifyReport(False, len(events), 0, problem)
    latest: dict[tuple[str, str], str | None] = {}
    for e in events:
        latest[(e.entity, e.entity_key)] = e.after
    rows = 0
    for entity, key, snapshot, label in _rows(session, workbook_id):
        rows += 1
        if (entity, key) not in latest:
            return VerifyReport(
                False,
                len(events),
                rows,
                f"{label}: stored without any event (written behind the store's back)",
            )
        recorded = latest.pop((entity, key))
        if recorded != dump(snapshot):
            return VerifyReport(
                False,
                len(events),
                rows,
                f"{label}: stored content differs from its last recorded event",
            )
    for (entity, key), after in latest.items():
        if after is None:
            continue  # removed, and absent: as it should be
        if workbook_id is not None and (
            entity not in ("workbook", "record", "agreement")
            or key.split("/")[0] != str(workbook_id)
        ):
            continue
        return VerifyReport(
            False,
            len(events),
            rows,
            f"{entity} {key}: recorded in the event log but missing from the database",
        )
    problem = _check_agreements(session, workbook_id)
    if problem:
        return VerifyReport(False, len(events), rows, problem)
    return VerifyReport(True, len(events), rows)


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
    if head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        return f"event #{head.seq}: the chain head names it, but the log ends at #{last_seq} (events deleted)"
    return ""


def _rows(
    session: Session, workbook_id: int | None
) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """Yield (entity, key, snapshot, label) for every row in scope."""
    if workbook_id is None:
        for p in session.execute(select(PersonRow)).scalars():
            yield "person", person_key(p), person_snapshot(p), f"person {p.id}"
        for j in session.execute(select(JobRow)).scalars():
            yield "job", job_key(j), job_snapshot(j), f"library job description {j.id}"
    wb_stmt = select(WorkbookRow)
    rec_stmt = select(RecordRow)
    agr_stmt = select(AgreementRow)
    if workbook_id is not None:
        wb_stmt = wb_stmt.where(WorkbookRow.id == workbook_id)
        rec_stmt = rec_stmt.where(RecordRow.workbook_id == workbook_id)
        agr_stmt = agr_stmt.where(AgreementRow.workbook_id == workbook_id)
    for w in session.execute(wb_stmt).scalars():
        yield "workbook", workbook_key(w), workbook_snapshot(w), f"workbook {w.id}"
    for r in session.execute(rec_stmt).scalars():
        label = f"{r.kind.replace('_', ' ')} {r.number} of workbook {r.workbook_id}"
        yield "record", record_key(r.workbook_id, r.kind, r.number), record_snapshot(r), label
    confirmations: dict[int, list[ConfirmationRow]] = {}
    for c in session.execute(select(ConfirmationRow)).scalars():
        confirmations.setdefault(c.agreement_id, []).append(c)
    for a in session.execute(agr_stmt).scalars():
        label = f"agreement on the {a.subject.replace('_', ' ')} of workbook {a.workbook_id}, version {a.number}"
        snap = agreement_snapshot(a, confirmations.get(a.id, []))
        yield "agreement", agreement_key(a.workbook_id, a.subject, a.number), snap, label


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
