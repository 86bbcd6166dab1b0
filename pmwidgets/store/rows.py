"""Turning rows into domain objects, and the data a stale write carries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.agreement import AgreementVersion
from ..domain.errors import describe_validation_error
from ..domain.model import (
    CheckIn,
    CoverageReason,
    DevelopmentPlan,
    JobDescription,
    Note,
    Objective,
    Person,
    Review,
    Role,
    Stage,
    Workbook,
)
from ..domain.state import WorkbookState
from .appending import store_events
from .errors import Change, MissingEntry, StaleWrite, StoreError
from .models import AgreementRow, ConfirmationRow, EventRow, PersonRow, RecordRow
from .snapshots import WorkbookColumns
from .statements import LAST_EVENT_OF, LOCK_WORKBOOK
from .writer import WorkbookHead, WorkbookWriter, utc_now

if TYPE_CHECKING:
    from .cache import Cached


@dataclass(frozen=True)
class Event:
    """One entry of the event log, as read back."""

    seq: int
    at: str
    actor_id: str
    facilitator_id: str | None
    workbook_id: int | None
    workbook_version: int | None
    action: str
    entity: str
    entity_key: str
    reason: str
    before: object
    after: object
    hash: str


def open_unit(
    s: Session,
    workbook_id: int,
    expected_version: int | None,
    actor_id: str,
    facilitator_id: str | None,
    at: str | None,
    known: Cached | None = None,
) -> WorkbookWriter:
    """Lock the workbook's row, check its version, and open a unit of work for the next one.

    Through SQLAlchemy Core on the session's connection, as the writer's statements are
    (the ORM's unit of work cost more than the statements, on every save). ``known``
    is the workbook's head and records as this transaction last wrote them, where
    nobody else can have written since (a bulk load holds the database's write lock):
    they are not read.
    """
    if known is None:
        store_events(s)  # what a bulk load deferred, before reading the workbook's rows
        conn = s.connection()
        row = conn.execute(LOCK_WORKBOOK, {"workbook_id": workbook_id}).first()
        if row is None:
            raise MissingEntry(f"workbook {workbook_id} does not exist")
        last = conn.execute(LAST_EVENT_OF, {"workbook_id": workbook_id}).scalar_one_or_none()
        head = WorkbookHead.of(row)
    else:
        head, last = WorkbookHead.of(known.header), known.header.last_event
    if expected_version is not None and head.version != expected_version:
        raise stale_write(s, head, expected_version)
    base = (head.version, head.updated_at, last)
    head.version += 1  # stored by the writer's finish(), if the unit changes anything
    head.updated_at = at or utc_now()
    writer = WorkbookWriter(s, head, actor_id, facilitator_id, at)
    writer.base = base
    writer.known = None if known is None else known.records
    return writer


class Unchanged(Exception):
    """Raised inside a unit of work that changed nothing, to roll it back."""


def short_error(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0][:200]


def person_from_row(row: Any) -> Person:
    """The person of a people row (an ORM object or a Core row)."""
    return Person(
        id=row.id,
        name=row.name,
        email=row.email,
        roles=tuple(Role(r) for r in row.roles.split(",") if r),
        manager_id=row.manager_id,
    )


def workbook_from_row(row: WorkbookColumns) -> Workbook:
    return Workbook(
        id=row.id,
        employee_id=row.employee_id,
        manager_id=row.manager_id,
        coach_id=row.coach_id,
        cycle_start=row.cycle_start,
        cycle_end=row.cycle_end,
        stage=Stage(row.stage),
        version=row.version,
    )


_T = TypeVar("_T", JobDescription, DevelopmentPlan, Review)
_M = TypeVar("_M", bound=BaseModel)


def one_record(
    by_kind: dict[str, list[RecordRow]],
    kind: str,
    model: type[_T],
    parse: Callable[[RecordRow, type[Any]], Any] | None = None,
) -> _T | None:
    rows = by_kind.get(kind)
    if not rows:
        return None
    try:
        if parse is not None:
            parsed: _T = parse(rows[0], model)
            return parsed
        return model.model_validate_json(rows[0].content)
    except ValidationError as exc:
        raise StoreError(f"stored {kind} is unreadable: {describe_validation_error(exc)}") from None


def agreements_of(s: Session, workbook_id: int) -> dict[str, AgreementVersion]:
    """The latest agreement version per subject of one workbook (two queries)."""
    rows = list(
        s.execute(
            select(AgreementRow)
            .where(AgreementRow.workbook_id == workbook_id)
            .order_by(AgreementRow.number)
        ).scalars()
    )
    if not rows:
        return {}
    confirmations: dict[int, list[ConfirmationRow]] = {}
    for c in s.execute(
        select(ConfirmationRow)
        .where(ConfirmationRow.agreement_id.in_([r.id for r in rows]))
        .order_by(ConfirmationRow.at, ConfirmationRow.id)
    ).scalars():
        confirmations.setdefault(c.agreement_id, []).append(c)
    return latest_agreements(rows, confirmations)


def latest_agreements(
    rows: Sequence[AgreementRow], confirmations: Mapping[int, Sequence[ConfirmationRow]]
) -> dict[str, AgreementVersion]:
    """The latest version per subject, from one workbook's agreement rows (by number) and their
    confirmations (by agreement id, each list in the order ``(at, id)``)."""
    latest: dict[str, AgreementVersion] = {}
    for r in rows:
        latest[r.subject] = agreement_version(r, confirmations.get(r.id, ()))
    return latest


def agreement_version(
    r: AgreementRow, confirmations: Sequence[ConfirmationRow]
) -> AgreementVersion:
    """One agreement row and its confirmations as the domain's :class:`AgreementVersion`,
    validated in one call (which takes half the time ``model_construct`` does, nested:
    reports read tens of thousands of them); its times read as before validation."""
    return AgreementVersion.model_validate(
        {
            "subject": r.subject,
            "number": r.number,
            "opened_reason": r.opened_reason,
            "confirmations": [
                {
                    "person_id": c.person_id,
                    "party": c.party,
                    "content_hash": c.content_hash,
                    "at": dt.datetime.fromisoformat(c.at),
                    "facilitator_id": c.facilitator_id,
                }
                for c in confirmations
            ],
            "agreed_hash": r.agreed_hash,
            "agreed_canonical": r.agreed_canonical,
            "agreed_at": dt.datetime.fromisoformat(r.agreed_at) if r.agreed_at else None,
        }
    )


#: the kinds of record whose number is their model's id.
NUMBERED: frozenset[type[BaseModel]] = frozenset({Objective, CheckIn, Note})


def parse_record(row: RecordRow, model: type[_M]) -> _M:
    """A record's content as its domain model (validated); a numbered one (an objective, a
    check-in, a note) carries its record's number as its id, parsed with the rest (last in
    the text, so that it wins over a stored ``id``) rather than copied in afterwards."""
    text = row.content
    if model in NUMBERED:
        body = text.rstrip()
        if body.endswith("}") and not body[:-1].rstrip().endswith("{"):
            text = f'{body[:-1]},"id":{row.number}}}'
    return model.model_validate_json(text)


def _no_note(viewer_id: str | None, author_id: str | None) -> bool:
    """Until the services say who may see which private note, nobody sees any."""
    return False


class PrivateNotes:
    """Which private notes a reading holds: an access rule, decided above the store.

    :attr:`shown` answers, for the person a reading is for and a note's author, whether
    the reading holds the note. :mod:`pmwidgets.services.access` sets it to its
    ``may_see_note`` when the services are imported (as :mod:`pmwidgets.services.stale`
    sets :attr:`~.errors.StaleWrite.words`); until then, no reading holds any note. The
    store applies it to the states it builds (:func:`workbook_state`) and to the
    exports it dumps (:func:`~.transfer.dump_workbook`): it never decides it.
    """

    shown: ClassVar[Callable[[str | None, str | None], bool]] = _no_note
    #: whom a full backup is for: it holds every private note, whoever wrote it.
    EVERYONE: ClassVar[str] = "*"


def workbook_state(
    wb: WorkbookColumns,
    records: Iterable[RecordRow],
    agreements: dict[str, AgreementVersion],
    viewer_id: str | None = None,
    parse: Callable[[RecordRow, type[Any]], Any] = parse_record,
) -> WorkbookState:
    """A workbook's rows as one :class:`WorkbookState`, as ``viewer_id`` reads it.

    It holds the private notes :attr:`PrivateNotes.shown` shows ``viewer_id`` (None: a
    reading for nobody in particular). ``records`` are in the order ``(kind, number)``;
    ``parse`` turns one into its model (the store's cache passes one
    that remembers what it parsed).
    """
    by_kind: dict[str, list[RecordRow]] = {}
    for r in records:
        by_kind.setdefault(r.kind, []).append(r)
    reasons = tuple(parse(r, CoverageReason) for r in by_kind.get("coverage_reason", []))
    return WorkbookState(
        workbook=wb if isinstance(wb, Workbook) else workbook_from_row(wb),
        job=one_record(by_kind, "job_description", JobDescription, parse),
        objectives=tuple(
            _numbered(parse(r, Objective), r.number) for r in by_kind.get("objective", [])
        ),
        coverage_reasons=reasons,
        plan=one_record(by_kind, "plan", DevelopmentPlan, parse) or DevelopmentPlan(),
        check_ins=tuple(
            sorted(
                (_numbered(parse(r, CheckIn), r.number) for r in by_kind.get("check_in", [])),
                key=lambda c: (c.on, c.id or 0),
            )
        ),
        review=one_record(by_kind, "review", Review, parse) or Review(),
        agreements=agreements,
        stored_texts=_stored_texts(by_kind, reasons),
        notes=tuple(
            _numbered(parse(r, Note), r.number)
            for r in by_kind.get("note", [])
            if PrivateNotes.shown(viewer_id, r.author_id)
        ),
    )


def _stored_texts(
    by_kind: Mapping[str, Sequence[RecordRow]], reasons: Sequence[CoverageReason]
) -> dict[str, str]:
    """Each subject's stored text, as :attr:`WorkbookState.stored_texts` holds it: a subject
    stored as one record, that record's; the objectives, their records' (by number, each
    with its number as id) and the coverage reasons' (by responsibility) put together as
    their subject's canonical JSON is. (Only ever taken once its hash proves it.)"""
    texts = {
        subject: found[0].content
        for subject, kind in _SUBJECT_KINDS.items()
        if (found := by_kind.get(kind))
    }
    objectives = [_with_id(r.content, r.number) for r in by_kind.get("objective", [])]
    rows = by_kind.get("coverage_reason", [])
    order = sorted(range(len(rows)), key=lambda i: reasons[i].responsibility)
    if None not in objectives:
        texts["objectives"] = (
            f'{{"coverage_reasons":[{",".join(rows[i].content for i in order)}],'
            f'"objectives":[{",".join(o or "" for o in objectives)}]}}'
        )
    return texts


def _with_id(text: str, number: int) -> str | None:
    """An objective's stored text with its number as id, where its canonical JSON has it
    (keys in order: ``due``, ``id``, ``measure``); None if the text does not have that shape."""
    at = text.find(',"measure":')
    return None if at < 0 or '"id":' in text else f'{text[:at]},"id":{number}{text[at:]}'


#: the subjects stored as one record, and that record's kind.
_SUBJECT_KINDS = {
    "job_description": "job_description",
    "development_plan": "plan",
    "review": "review",
}

_N = TypeVar("_N", Objective, CheckIn, Note)


def _numbered(item: _N, number: int) -> _N:
    """``item`` carrying its record's number as its id (a copy, unless it already does)."""
    return item if item.id == number else item.model_copy(update={"id": number})


def event_from_row(r: EventRow) -> Event:
    return Event(
        seq=r.seq,
        at=r.at,
        actor_id=r.actor_id,
        facilitator_id=r.facilitator_id,
        workbook_id=r.workbook_id,
        workbook_version=r.workbook_version,
        action=r.action,
        entity=r.entity,
        entity_key=r.entity_key,
        reason=r.reason,
        before=json.loads(r.before) if r.before else None,
        after=json.loads(r.after) if r.after else None,
        hash=r.hash,
    )


def stale_write(s: Session, wb: WorkbookColumns, since: int) -> StaleWrite:
    """The :class:`StaleWrite` for a write based on version ``since`` of ``wb``: which
    workbook, which versions, and the latest three changes since (which of them a
    person is told of is decided above the store)."""
    store_events(s)  # a bulk load's, appended and not stored yet
    rows: Sequence[EventRow] = list(
        s.execute(
            select(EventRow)
            .where(EventRow.workbook_id == wb.id, EventRow.workbook_version > since)
            .order_by(EventRow.seq)
        ).scalars()
    )
    names = {pid: name for pid, name in s.execute(select(PersonRow.id, PersonRow.name))}
    changes = tuple(
        Change(
            actor_id=e.actor_id,
            actor=names.get(e.actor_id, e.actor_id),
            action=e.action,
            entity_key=e.entity_key,
            content=json.loads(e.after or e.before or "null"),
            at=e.at,
        )
        for e in rows[-3:]
    )
    return StaleWrite(
        None,
        wb.version,
        workbook_id=wb.id,
        expected_version=since,
        changes=changes,
        earlier=max(0, len(rows) - 3),
    )
