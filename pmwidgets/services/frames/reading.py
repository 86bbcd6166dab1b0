"""The set-based reading behind the frames: a few queries for all the workbooks at once.

Whatever the number of workbooks, the same statements: headers (:func:`visible`),
records, agreements and the confirmations of unagreed versions, and contributions
counted per workbook in SQL (:func:`read`); the events on their own
(:func:`read_events`). Nothing here imports pandas: the values are plain Python.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import case, func, or_, select, true
from sqlalchemy.orm import Session

from ...domain.agreement import (
    SUBJECT_LABELS,
    SUBJECTS,
    AgreementStatus,
    AgreementVersion,
    canonical_json,
    content_hash,
    status,
)
from ...domain.i18n import _
from ...domain.kinds import CONTENT_KINDS
from ...domain.model import DevelopmentPlan, Party, Person, Review, Role, Stage, Workbook
from ...domain.participation import Participation
from ...domain.state import WorkbookState, next_step
from ...domain.wording import describe_change
from ...store import Store
from ...store.models import (
    AgreementRow,
    ChainHeadRow,
    ConfirmationRow,
    EventRow,
    PersonRow,
    RecordRow,
    WorkbookRow,
)
from .. import access
from .columns import CHECK_IN_INTERVAL

#: above this many workbooks a query reads every row and keeps the wanted ones, rather
#: than naming each workbook (databases limit how many values one statement may carry).
IN_LIMIT = 900


class Header(NamedTuple):
    """A workbook's header as read for the frames (what :func:`.access.can_read` and the
    rows need; lighter than :class:`~pmwidgets.domain.model.Workbook`)."""

    id: int
    employee_id: str
    manager_id: str
    coach_id: str | None
    cycle_start: dt.date
    cycle_end: dt.date
    stage: Stage
    version: int

    def party_of(self, person_id: str) -> Party | None:
        """Whether this person is the workbook's employee or manager (or neither)."""
        if person_id == self.employee_id:
            return "employee"
        if person_id == self.manager_id:
            return "manager"
        return None


def visible(s: Session, me: Person, facilitator: Person | None = None) -> list[Header]:
    """Headers of the workbooks ``me`` may see, by id: the rule of :meth:`Services.workbooks`,
    each checked with :func:`.access.can_read`."""
    stmt = select(
        WorkbookRow.id,
        WorkbookRow.employee_id,
        WorkbookRow.manager_id,
        WorkbookRow.coach_id,
        WorkbookRow.cycle_start,
        WorkbookRow.cycle_end,
        WorkbookRow.stage,
        WorkbookRow.version,
    ).order_by(WorkbookRow.id)
    if Role.ADMIN not in me.roles:
        stmt = stmt.where(
            or_(
                WorkbookRow.employee_id == me.id,
                WorkbookRow.manager_id == me.id,
                WorkbookRow.coach_id == me.id,
            )
        )
    stages = {st.value: st for st in Stage}
    headers = [
        Header(i, e, m, c, start, end, stages[stage], version)
        for i, e, m, c, start, end, stage, version in s.connection().execute(stmt).all()
    ]
    return visible_among(headers, me, facilitator)


def visible_among(
    headers: Sequence[Header], me: Person, facilitator: Person | None = None
) -> list[Header]:
    """Those of ``headers`` that ``me`` may see (the same rule as :func:`visible`)."""
    if Role.ADMIN not in me.roles:
        headers = [h for h in headers if me.id in (h.employee_id, h.manager_id, h.coach_id)]
    return [h for h in headers if access.can_read(me, cast(Workbook, h), facilitator)]


def chain_head(s: Session) -> tuple[int, str] | None:
    """The event chain's head (its last event's number and hash): it moves with every write."""
    row = s.connection().execute(select(ChainHeadRow.seq, ChainHeadRow.hash)).first()
    return (row[0], row[1]) if row else None


def _among(column: Any, ids: Sequence[int]) -> Any:
    """A condition keeping ``ids`` (or every row, when there are too many to name)."""
    return column.in_(ids) if len(ids) <= IN_LIMIT else true()


def latest_events(s: Session, ids: Sequence[int] | None) -> dict[int, str]:
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
    found = {i: k for i, k in s.connection().execute(query).all() if i is not None}
    if ids is None or len(ids) <= IN_LIMIT:
        return found
    wanted = set(ids)
    return {i: k for i, k in found.items() if i in wanted}


def read_names(s: Session) -> dict[str, str]:
    """Every person's name by id (the frames name people; the kept rows hold ids)."""
    people = s.connection().execute(select(PersonRow.id, PersonRow.name)).all()
    return {i: name for i, name in people}


@lru_cache(maxsize=4096)
def _job(text: str) -> tuple[str, tuple[tuple[int, int], ...], str]:
    """Title, (number, share of time) of each responsibility, and hash of a stored job
    description (many workbooks share one from the library: each is parsed once)."""
    job = json.loads(text)
    shares = tuple((int(r["number"]), int(r.get("share", 0))) for r in job["responsibilities"])
    return str(job["title"]), shares, content_hash(text)


@lru_cache(maxsize=1)
def _empty_hashes() -> dict[str, str]:
    """Hashes of an empty development plan and an empty review (no record stored yet)."""
    return {
        "development_plan": content_hash(canonical_json(DevelopmentPlan().model_dump(mode="json"))),
        "review": content_hash(canonical_json(Review().model_dump(mode="json"))),
    }


@dataclass
class Read:
    """Rows read for a set of workbooks."""

    workbooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    objectives: list[dict[str, Any]] = field(default_factory=list)
    check_ins: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    #: (stage label, next step, pending) by stage and agreement statuses, said once per read.
    words: dict[Any, tuple[str, str, str]] = field(default_factory=dict)


class _Version:
    """What :func:`~pmwidgets.domain.agreement.status`, :func:`next_step` and :func:`pending`
    read of an agreement version: its number, agreed hash and confirmations."""

    __slots__ = ("agreed_hash", "confirmations", "number")

    def __init__(
        self, number: int, agreed_hash: str | None, confirmations: Sequence[tuple[str, str]]
    ) -> None:
        self.number, self.agreed_hash, self.confirmations = number, agreed_hash, confirmations

    @property
    def agreed(self) -> bool:
        """Whether both parties confirmed the same content."""
        return self.agreed_hash is not None

    def confirmed_by(self, content: str) -> frozenset[str]:
        """The parties whose confirmation is of the content with hash ``content``."""
        return frozenset(party for party, confirmed in self.confirmations if confirmed == content)


@dataclass
class _Content:
    """One workbook's stored content, as read: records by kind, latest agreement per subject."""

    records: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    #: subject: (number, agreed hash, agreed at, [(party, confirmed hash)])
    agreements: dict[str, tuple[int, str | None, str | None, list[tuple[str, str]]]] = field(
        default_factory=dict
    )
    #: (action, actor id): how many record events
    contributions: list[tuple[str, str, int]] = field(default_factory=list)


def read(s: Session, headers: Sequence[Header], rows: bool = False, detail: bool = False) -> Read:
    """Workbook rows (``rows``) and objective, check-in and action rows (``detail``) of
    the workbooks ``headers``, in four queries whatever their number."""
    ids = [h.id for h in headers]
    content: dict[int, _Content] = {i: _Content() for i in ids}
    conn = s.connection()
    for wb_id, kind, number, text in conn.execute(
        select(RecordRow.workbook_id, RecordRow.kind, RecordRow.number, RecordRow.content).where(
            RecordRow.kind != "note", _among(RecordRow.workbook_id, ids)
        )
    ).all():
        if wb_id in content:
            content[wb_id].records[kind].append((number, text))
    versions: dict[int, tuple[int, str, int, str | None, str | None]] = {}
    for agreement_id, wb_id, subject, number, agreed_hash, agreed_at in conn.execute(
        select(
            AgreementRow.id,
            AgreementRow.workbook_id,
            AgreementRow.subject,
            AgreementRow.number,
            AgreementRow.agreed_hash,
            AgreementRow.agreed_at,
        )
        .where(_among(AgreementRow.workbook_id, ids))
        .order_by(AgreementRow.number)
    ).all():
        if wb_id in content:  # the latest version of each subject wins
            content[wb_id].agreements[subject] = (number, agreed_hash, agreed_at, [])
            versions[agreement_id] = (wb_id, subject, number, agreed_hash, agreed_at)
    for agreement_id, party, confirmed in conn.execute(
        select(ConfirmationRow.agreement_id, ConfirmationRow.party, ConfirmationRow.content_hash)
        .join(AgreementRow, AgreementRow.id == ConfirmationRow.agreement_id)
        .where(AgreementRow.agreed_hash.is_(None), _among(AgreementRow.workbook_id, ids))
    ).all():
        version = versions.get(agreement_id)
        if version is not None:
            wb_id, subject, number = version[:3]
            latest = content[wb_id].agreements[subject]
            if latest[0] == number:
                latest[3].append((party, confirmed))
    if rows:
        for of, action, actor, count in conn.execute(
            select(EventRow.workbook_id, EventRow.action, EventRow.actor_id, func.count())
            .where(EventRow.entity == "record", _among(EventRow.workbook_id, ids))
            .group_by(EventRow.workbook_id, EventRow.action, EventRow.actor_id)
        ).all():
            if of is not None and of in content:
                content[of].contributions.append((action, actor, count))
    result = Read()
    for h in headers:
        _summarise(h, content[h.id], result, rows, detail)
    return result


@dataclass(frozen=True)
class _Agreements(WorkbookState):
    """A workbook's latest agreement versions, with the status of each worked out already
    (so that :func:`next_step` and :func:`pending` read them as from a whole state)."""

    statuses: Mapping[str, AgreementStatus] = field(default_factory=dict)

    def agreement_status(self, subject: Any) -> AgreementStatus:
        """The status worked out when the workbook was read."""
        return self.statuses.get(subject, AgreementStatus.DRAFT)


def _summarise(h: Header, c: _Content, out: Read, rows: bool, detail: bool) -> None:
    wb_id = h.id
    records = c.records
    job_text = records["job_description"][0][1] if records.get("job_description") else None
    job = _job(job_text) if job_text is not None else None
    objectives = [(n, json.loads(t)) for n, t in sorted(records.get("objective", []))]
    reasons = [(n, json.loads(t)) for n, t in sorted(records.get("coverage_reason", []))]
    plan_text = records["plan"][0][1] if records.get("plan") else None
    plan: dict[str, Any] = json.loads(plan_text) if plan_text else {}
    check_ins = sorted(
        ((n, json.loads(t)) for n, t in records.get("check_in", [])),
        key=lambda item: (item[1]["on"], item[0]),
    )

    def current_hash(subject: str) -> str:
        if subject == "job_description":
            return job[2] if job else content_hash(canonical_json(None))
        if subject == "objectives":
            return content_hash(
                canonical_json(
                    {
                        "objectives": [{**o, "id": n} for n, o in objectives],
                        "coverage_reasons": sorted(
                            (r for _n, r in reasons), key=lambda r: r["responsibility"]
                        ),
                    }
                )
            )
        text = plan_text if subject == "development_plan" else _first(records, "review")
        return content_hash(text) if text else _empty_hashes()[subject]

    versions = {
        subject: _Version(number, agreed_hash, confirmations)
        for subject, (number, agreed_hash, _at, confirmations) in c.agreements.items()
    }
    statuses = {
        subject: status(cast(AgreementVersion, v), current_hash(subject))
        for subject, v in versions.items()
    }
    objectives_agreed = statuses.get("objectives") == AgreementStatus.AGREED
    if detail:
        _detail_rows(wb_id, objectives, check_ins, plan, objectives_agreed, out)
    if not rows:
        return
    said = (h.stage, tuple(sorted((k, statuses[k], v.number) for k, v in versions.items())))
    words = out.words.get(said)
    if words is None:  # the same few situations recur: say each once
        state = _Agreements(
            workbook=cast(Workbook, h),
            agreements=cast(dict[str, AgreementVersion], versions),
            statuses=statuses,
        )
        words = out.words[said] = (h.stage.label, next_step(state), ", ".join(pending(state)))
    last = max((dt.date.fromisoformat(ci["on"]) for _n, ci in check_ins), default=None)
    agreed = [
        dt.datetime.fromisoformat(at).date() for _n, _h, at, _c in c.agreements.values() if at
    ]
    latest = max([d for d in (last, *agreed) if d is not None], default=None)
    due = (latest or h.cycle_start) + CHECK_IN_INTERVAL
    counts = {"employee": 0, "manager": 0}
    for action, actor, count in c.contributions:
        party = h.party_of(actor) if action.split(".")[0] in CONTENT_KINDS else None
        if party is not None:
            counts[party] += count
    who = Participation(counts["employee"], counts["manager"])
    statuses_of = _coverage(job, objectives, reasons)
    kinds = [a["kind"] for a in plan.get("actions", [])]
    out.workbooks[wb_id] = {
        "workbook_id": wb_id,
        "employee_id": h.employee_id,
        "manager_id": h.manager_id,
        "coach_id": h.coach_id,
        "cycle_start": h.cycle_start,
        "cycle_end": h.cycle_end,
        "stage": h.stage.value,
        "stage_label": words[0],
        "next_step": words[1],
        "job_title": job[0] if job else None,
        "version": h.version,
        "objectives": len(objectives),
        "weight_total": sum(int(o["weight"]) for _n, o in objectives),
        "check_ins": len(check_ins),
        "last_check_in": last,
        "next_check_in_due": due,
        "pending": words[2],
        "one_sided": who.one_sided,
        "employee_contributions": who.employee,
        "manager_contributions": who.manager,
        "responsibilities": len(statuses_of),
        "responsibilities_covered": sum(st == "covered" for st, _share in statuses_of),
        "responsibilities_excused": sum(st == "excused" for st, _share in statuses_of),
        "coverage_share": (
            sum(share for st, share in statuses_of if st == "covered") if job else None
        ),
        "actions_experience": kinds.count("experience"),
        "actions_exposure": kinds.count("exposure"),
        "actions_education": kinds.count("education"),
    }


def _first(records: Mapping[str, list[tuple[int, str]]], kind: str) -> str | None:
    found = records.get(kind)
    return found[0][1] if found else None


def _coverage(
    job: tuple[str, tuple[tuple[int, int], ...], str] | None,
    objectives: Sequence[tuple[int, dict[str, Any]]],
    reasons: Sequence[tuple[int, dict[str, Any]]],
) -> list[tuple[str, int]]:
    """(status, share) per responsibility, as :func:`pmwidgets.domain.rules.coverage` rules."""
    if job is None:
        return []
    served = {int(n) for _o, o in objectives for n in o["responsibilities"]}
    why = {int(r["responsibility"]): str(r.get("reason", "")) for _n, r in reasons}
    return [
        (
            "covered"
            if number in served
            else ("excused" if why.get(number, "").strip() else "missing"),
            share,
        )
        for number, share in job[1]
    ]


def _detail_rows(
    wb_id: int,
    objectives: Sequence[tuple[int, dict[str, Any]]],
    check_ins: Sequence[tuple[int, dict[str, Any]]],
    plan: Mapping[str, Any],
    agreed: bool,
    out: Read,
) -> None:
    for n, o in objectives:
        latest = next(
            (p for _c, ci in reversed(check_ins) for p in ci["progress"] if p["objective"] == n),
            None,
        )
        out.objectives.append(
            {
                "workbook_id": wb_id,
                "objective": n,
                "title": o["title"],
                "responsibilities": ", ".join(str(r) for r in o["responsibilities"]),
                "measure": o.get("measure", ""),
                "target": o.get("target", ""),
                "due": o["due"],
                "weight": o["weight"],
                "proposed_by": o["proposed_by"],
                "latest_percent": latest["percent"] if latest else None,
                "latest_status": latest["status"] if latest else None,
                "agreed": agreed,
            }
        )
    for n, ci in check_ins:
        out.check_ins.append(
            {
                "workbook_id": wb_id,
                "check_in": n,
                "on": ci["on"],
                "author_id": ci.get("author"),
                "goal": ci.get("goal", ""),
                "reality": ci.get("reality", ""),
                "options": ci.get("options", ""),
                "will": ci.get("will", ""),
                "objectives_discussed": ", ".join(str(p["objective"]) for p in ci["progress"]),
                "amendments": len(ci.get("amendments", ())),
            }
        )
    out.actions.extend({"workbook_id": wb_id, **a} for a in plan.get("actions", []))


def pending(state: WorkbookState) -> Iterable[str]:
    """Subjects awaiting agreement, in words: confirmed by one party, or reopened after agreement."""
    waiting = {
        AgreementStatus.AWAITING_EMPLOYEE: "employee",
        AgreementStatus.AWAITING_MANAGER: "manager",
    }
    for subject in SUBJECTS:
        if subject not in state.agreements:
            continue
        status_now = state.agreement_status(subject)
        party = waiting.get(status_now)
        if party is not None:
            yield _("{subject}: awaiting {party}").format(
                subject=_(SUBJECT_LABELS[subject]), party=_(party)
            )
        elif status_now == AgreementStatus.DRAFT and state.agreements[subject].number > 1:
            # changed after it was agreed: both must agree the new version
            yield _("{subject} version {n}: awaiting both").format(
                subject=_(SUBJECT_LABELS[subject]), n=state.agreements[subject].number
            )


def read_events(
    store: Store, headers: Sequence[Header], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The rows of the ``events`` frame for the workbooks ``headers``, oldest first: one
    query, no private note (not even its author's)."""
    ids = [h.id for h in headers]
    wanted = set(ids)
    # only a workbook's stage and an objective's title are said in words: read no other content
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
    rows = []
    with store.reading() as s:
        for seq, at, wb_id, actor, coach, action, key, reason, text in (
            s.connection().execute(stmt).all()
        ):
            if wb_id not in wanted or action.startswith("note."):
                continue
            rows.append(
                {
                    "seq": seq,
                    "at": at,
                    "workbook_id": wb_id,
                    "actor_id": actor,
                    "actor": names.get(actor, actor),
                    "facilitator": names.get(coach, coach) if coach else None,
                    "action": action,
                    "what": describe_change(action, key, json.loads(text) if text else None),
                    "reason": reason,
                }
            )
    return rows
