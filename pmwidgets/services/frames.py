"""Tidy pandas frames across every workbook a person may see, for coaches and HR.

:func:`frames` reads only the workbooks the person may see, by the rule of
:meth:`Services.workbooks` and :func:`.access.can_read`: an employee gets their
own workbooks, a manager those of their reports, a coach those they facilitate,
an admin all. Private notes never appear in any frame (not even one's own: these
frames are made to be shared and exported).

The reading is set-based: a few queries for all the workbooks at once (headers,
records, agreements, and counts of contributions from the event log), whatever
their number. The ``workbooks`` frame is built at once; the other frames are
read when first used (the dashboard needs only ``workbooks``). What each
workbook's row says depends on nothing but that workbook's stored content, so
the rows are kept, per database and language, under the hash of the workbook's
latest event: the next call reads again only the workbooks that changed since
(:func:`warm` fills this at start-up). :func:`frames_by_workbook` builds the
same frames by opening one workbook at a time: the reference the fast reading is
tested against.

Each frame has one row per thing, with typed columns: dates are
``datetime64`` (``NaT`` when missing), counts and numbers ``Int64``, text
``string`` (``<NA>`` when missing), flags ``bool``.

``workbooks``: one row per workbook
    ``workbook_id``; ``employee_id``, ``employee``, ``manager_id``, ``manager``,
    ``coach_id``, ``coach`` (ids and names; the coach may be missing);
    ``cycle_start``, ``cycle_end``; ``stage`` (its value, e.g. ``check_ins``),
    ``stage_label`` and ``next_step`` (in words); ``job_title`` (missing before
    a job description is set); ``version`` (bumped by every write);
    ``objectives`` (count) and ``weight_total`` (sum of their weights);
    ``check_ins`` (count) and ``last_check_in`` (date of the latest);
    ``next_check_in_due``: six weeks after the latest conversation (the later of
    the last check-in and the last agreement), or six weeks after the cycle
    starts when there was neither; ``overdue_check_in``: the stage is check-ins
    or review and ``next_check_in_due`` is before ``today``; ``pending``: the
    subjects one party confirmed that await the other, e.g.
    ``"objectives: awaiting manager"``, comma separated (empty when none);
    ``one_sided``: ``employee`` or ``manager`` when that party wrote every
    contribution (see :mod:`pmwidgets.domain.participation`), else missing;
    ``employee_contributions``, ``manager_contributions``;
    ``responsibilities`` (in the job description), ``responsibilities_covered``
    (served by an objective), ``responsibilities_excused`` (left out with a
    reason); ``coverage_share``: percent of working time served by an
    objective (missing without a job description); ``actions_experience``,
    ``actions_exposure``, ``actions_education``: development actions by kind.

``objectives``: one row per objective
    ``workbook_id``, ``objective`` (its number), ``title``,
    ``responsibilities`` (the numbers it serves, e.g. ``"1, 2"``), ``measure``,
    ``target``, ``due``, ``weight``, ``proposed_by`` (person id);
    ``latest_percent`` and ``latest_status`` from the newest check-in that
    reports progress on it (missing when none does); ``agreed``: the objectives
    as they stand now are agreed by both.

``events``: one row per event of the visible workbooks, oldest first
    ``seq``, ``at`` (UTC timestamp), ``workbook_id``, ``actor_id``, ``actor``
    (name), ``facilitator`` (the coach's name, when facilitated), ``action``
    (e.g. ``objective.updated``), ``what`` (in words, e.g. ``changed objective
    2 “Cut delays”``), ``reason``.

``check_ins``: one row per check-in
    ``workbook_id``, ``check_in`` (its number), ``on``, ``author_id``,
    ``author`` (name), ``goal``, ``reality``, ``options``, ``will``,
    ``objectives_discussed`` (numbers with progress given, e.g. ``"1, 3"``),
    ``amendments`` (how many were proposed).

``actions``: one row per development action
    ``workbook_id``, ``kind`` (``experience``, ``exposure`` or ``education``),
    ``description``, ``gap`` (the competency), ``objective`` (its number),
    ``due``, ``status`` (``planned``, ``in_progress``, ``done``, ``dropped``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import case, func, or_, select, true
from sqlalchemy.orm import Session

from ..domain.agreement import (
    SUBJECT_LABELS,
    SUBJECTS,
    AgreementStatus,
    AgreementVersion,
    canonical_json,
    content_hash,
    status,
)
from ..domain.i18n import _, current_language
from ..domain.model import DevelopmentPlan, Party, Person, Review, Role, Stage, Workbook
from ..domain.participation import Participation, participation
from ..domain.state import WorkbookState, next_step
from ..domain.wording import describe_change
from ..store import Event, Store
from ..store.engine import sqlite_path
from ..store.models import (
    AgreementRow,
    ChainHeadRow,
    ConfirmationRow,
    EventRow,
    PersonRow,
    RecordRow,
    WorkbookRow,
)
from . import access
from .api import Services
from .base import CONTENT_KINDS

if TYPE_CHECKING:
    import pandas as pd

#: how long after a conversation the next check-in is due.
CHECK_IN_INTERVAL = dt.timedelta(weeks=6)
#: stages in which check-ins are expected.
CHECK_IN_STAGES = (Stage.CHECK_INS, Stage.REVIEW)

_S, _I, _D, _B = "string", "Int64", "datetime64[ns]", "bool"

WORKBOOK_COLUMNS: dict[str, str] = {
    "workbook_id": _I, "employee_id": _S, "employee": _S, "manager_id": _S, "manager": _S,
    "coach_id": _S, "coach": _S, "cycle_start": _D, "cycle_end": _D, "stage": _S,
    "stage_label": _S, "next_step": _S, "job_title": _S, "version": _I, "objectives": _I,
    "weight_total": _I, "check_ins": _I, "last_check_in": _D, "next_check_in_due": _D,
    "overdue_check_in": _B, "pending": _S, "one_sided": _S, "employee_contributions": _I,
    "manager_contributions": _I, "responsibilities": _I, "responsibilities_covered": _I,
    "responsibilities_excused": _I, "coverage_share": _I, "actions_experience": _I,
    "actions_exposure": _I, "actions_education": _I,
}  # fmt: skip
OBJECTIVE_COLUMNS: dict[str, str] = {
    "workbook_id": _I, "objective": _I, "title": _S, "responsibilities": _S, "measure": _S,
    "target": _S, "due": _D, "weight": _I, "proposed_by": _S, "latest_percent": _I,
    "latest_status": _S, "agreed": _B,
}  # fmt: skip
EVENT_COLUMNS: dict[str, str] = {
    "seq": _I, "at": "datetime64[ns, UTC]", "workbook_id": _I, "actor_id": _S, "actor": _S,
    "facilitator": _S, "action": _S, "what": _S, "reason": _S,
}  # fmt: skip
CHECK_IN_COLUMNS: dict[str, str] = {
    "workbook_id": _I, "check_in": _I, "on": _D, "author_id": _S, "author": _S, "goal": _S,
    "reality": _S, "options": _S, "will": _S, "objectives_discussed": _S, "amendments": _I,
}  # fmt: skip
ACTION_COLUMNS: dict[str, str] = {
    "workbook_id": _I, "kind": _S, "description": _S, "gap": _S, "objective": _I, "due": _D,
    "status": _S,
}  # fmt: skip


#: above this many workbooks a query reads every row and keeps the wanted ones, rather
#: than naming each workbook (databases limit how many values one statement may carry).
_IN_LIMIT = 900
#: databases whose rows are kept between calls (the most recently used).
_KEEP_DATABASES = 4


class Frames:
    """The tidy frames of every workbook one person may see (columns: see the module).

    ``workbooks`` is built at once; ``objectives``, ``events``, ``check_ins`` and
    ``actions`` are read when first used, for the same workbooks.
    """

    def __init__(
        self,
        workbooks: pd.DataFrame,
        today: dt.date,
        others: Callable[[str], pd.DataFrame],
    ) -> None:
        self.workbooks = workbooks
        #: the day "overdue" was judged against.
        self.today = today
        self._others = others
        self._built: dict[str, pd.DataFrame] = {}

    def _get(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            self._built[name] = self._others(name)
        return self._built[name]

    @property
    def objectives(self) -> pd.DataFrame:
        """One row per objective."""
        return self._get("objectives")

    @property
    def events(self) -> pd.DataFrame:
        """One row per event of the visible workbooks, oldest first (no private notes)."""
        return self._get("events")

    @property
    def check_ins(self) -> pd.DataFrame:
        """One row per check-in."""
        return self._get("check_ins")

    @property
    def actions(self) -> pd.DataFrame:
        """One row per development action."""
        return self._get("actions")


def frames(services: Services, today: dt.date | None = None) -> Frames:
    """Tidy frames of the workbooks ``services`` may see.

    Parameters
    ----------
    services:
        The services of the person looking; only their workbooks are read.
    today:
        The day to judge overdue check-ins against (default: today).

    Returns
    -------
    Frames
        Workbooks, objectives, events, check-ins and development actions.

    Examples
    --------
    >>> f = frames(Services(store, "kwalsh"))  # doctest: +SKIP
    >>> f.workbooks[f.workbooks.overdue_check_in][["employee", "next_check_in_due"]]  # doctest: +SKIP
    """
    today = today or dt.date.today()
    store = services.store
    kept = _kept(store)
    with store.reading() as s:  # one snapshot: who sees what, and what it says
        headers = _visible(s, services.me, services.facilitator)
        stale = kept.stale(s, headers)
        if stale:
            read = _read(s, stale, rows=True)
            keys = _latest_events(s, [h.id for h in stale])
            for h in stale:
                values = tuple(read.workbooks[h.id][c] for c in _KEPT_COLUMNS)
                kept.rows[h.id] = _Kept(keys.get(h.id, ""), h.version, values)
        names = _names(s)
    data: dict[str, list[Any]] = {c: [] for c in _KEPT_COLUMNS}
    if headers:
        columns = zip(*(kept.rows[h.id].values for h in headers), strict=True)
        data = dict(zip(_KEPT_COLUMNS, map(list, columns), strict=True))
    data["employee"] = [names.get(p, p) for p in data["employee_id"]]
    data["manager"] = [names.get(p, p) for p in data["manager_id"]]
    data["coach"] = [names.get(p, p) if p else None for p in data["coach_id"]]
    data["overdue_check_in"] = [
        stage in _CHECK_IN_VALUES and due < today
        for stage, due in zip(data["stage"], data["next_check_in_due"], strict=True)
    ]
    workbooks = _frame_columns(data, WORKBOOK_COLUMNS)
    return Frames(workbooks, today, _Later(store, headers, names).frame)


def warm(store: Store) -> int:
    """Read every workbook's row once (at start-up), so that the first :func:`frames`
    call of a person reads only what changed since; returns the number of workbooks."""
    return len(frames(Services.operator(store)).workbooks)


def frames_by_workbook(services: Services, today: dt.date | None = None) -> Frames:
    """The same frames as :func:`frames`, built by opening one workbook at a time.

    The reference that :func:`frames` is tested against: one
    :meth:`Services.open` per workbook, one read of the people and one of the
    event log; every frame is built at once.
    """

    today = today or dt.date.today()
    names = {p.id: p.name for p in services.people()}
    visible = services.workbooks()
    ids = {wb.id for wb in visible}
    by_workbook: dict[int, list[Event]] = defaultdict(list)
    for event in services.store.events():
        if event.workbook_id is not None and event.workbook_id in ids:
            by_workbook[event.workbook_id].append(event)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for header in visible:
        wb_id = header.id or 0
        state = services.open(wb_id)
        events = by_workbook.get(wb_id, [])
        rows["workbooks"].append(_workbook_row(state, events, names, today))
        rows["objectives"].extend(_objective_rows(state))
        rows["check_ins"].extend(_check_in_rows(state, names))
        rows["actions"].extend(
            {"workbook_id": wb_id, **a.model_dump(mode="json")} for a in state.plan.actions
        )
        rows["events"].extend(_event_rows(events, names))
    built: dict[str, pd.DataFrame] = {
        "objectives": _frame(rows["objectives"], OBJECTIVE_COLUMNS),
        "events": _frame(sorted(rows["events"], key=lambda r: r["seq"]), EVENT_COLUMNS),
        "check_ins": _frame(rows["check_ins"], CHECK_IN_COLUMNS),
        "actions": _frame(rows["actions"], ACTION_COLUMNS),
    }
    return Frames(_frame(rows["workbooks"], WORKBOOK_COLUMNS), today, built.__getitem__)


# --- kept rows ------------------------------------------------------------------------


#: the columns of the workbooks frame kept between calls (names and "overdue" are not).
_KEPT_COLUMNS = tuple(
    c for c in WORKBOOK_COLUMNS if c not in ("employee", "manager", "coach", "overdue_check_in")
)


class _Header(NamedTuple):
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


@dataclass(frozen=True)
class _Kept:
    """A workbook's row (values of :data:`_KEPT_COLUMNS`), as of its latest event."""

    key: str
    version: int
    values: tuple[Any, ...]


@dataclass
class _KeptRows:
    """The rows kept for one database and language."""

    rows: dict[int, _Kept] = field(default_factory=dict)
    #: the event chain's head when every kept row was last checked against the log.
    head: tuple[int, str] | None = None

    def stale(self, s: Session, headers: Sequence[_Header]) -> list[_Header]:
        """The workbooks among ``headers`` whose kept row is missing or out of date.

        Nothing was written since the last check when the chain's head is where it
        was; otherwise each workbook's latest event says whether it changed.
        """
        head = _chain_head(s)
        if head != self.head:
            if len(headers) > _IN_LIMIT:  # reading every key costs no more: check them all
                keys = _latest_events(s, None)
                self.rows = {i: k for i, k in self.rows.items() if keys.get(i, "") == k.key}
                self.head = head
            else:
                keys = _latest_events(s, [h.id for h in headers])
                for h in headers:
                    kept = self.rows.get(h.id)
                    if kept is not None and kept.key != keys.get(h.id, ""):
                        del self.rows[h.id]
        return [h for h in headers if (k := self.rows.get(h.id)) is None or k.version != h.version]


_KEPT: OrderedDict[tuple[str, str], _KeptRows] = OrderedDict()


def _kept(store: Store) -> _KeptRows:
    """The rows kept for this database and language; new ones for an in-memory database."""
    if sqlite_path(store.url) is None and store.url.startswith("sqlite"):
        return _KeptRows()  # every in-memory database is a different one
    key = (store.url, current_language())
    kept = _KEPT.pop(key, None) or _KeptRows()
    _KEPT[key] = kept  # most recently used last
    while len(_KEPT) > _KEEP_DATABASES:
        _KEPT.popitem(last=False)
    return kept


def forget() -> None:
    """Drop every kept row (the next :func:`frames` call reads everything again)."""
    _KEPT.clear()


# --- set-based reading ----------------------------------------------------------------


def _visible(s: Session, me: Person, facilitator: Person | None = None) -> list[_Header]:
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
        _Header(i, e, m, c, start, end, stages[stage], version)
        for i, e, m, c, start, end, stage, version in s.connection().execute(stmt).all()
    ]
    return [h for h in headers if access.can_read(me, cast(Workbook, h), facilitator)]


def _chain_head(s: Session) -> tuple[int, str] | None:
    """The event chain's head (its last event's number and hash): it moves with every write."""
    row = s.connection().execute(select(ChainHeadRow.seq, ChainHeadRow.hash)).first()
    return (row[0], row[1]) if row else None


def _among(column: Any, ids: Sequence[int]) -> Any:
    """A condition keeping ``ids`` (or every row, when there are too many to name)."""
    return column.in_(ids) if len(ids) <= _IN_LIMIT else true()


def _latest_events(s: Session, ids: Sequence[int] | None) -> dict[int, str]:
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
    if ids is None or len(ids) <= _IN_LIMIT:
        return found
    wanted = set(ids)
    return {i: k for i, k in found.items() if i in wanted}


def _names(s: Session) -> dict[str, str]:
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
class _Read:
    """Rows read for a set of workbooks."""

    workbooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    objectives: list[dict[str, Any]] = field(default_factory=list)
    check_ins: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    #: (stage label, next step, pending) by stage and agreement statuses, said once per read.
    words: dict[Any, tuple[str, str, str]] = field(default_factory=dict)


class _Version:
    """What :func:`~pmwidgets.domain.agreement.status`, :func:`next_step` and :func:`_pending`
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


def _read(
    s: Session, headers: Sequence[_Header], rows: bool = False, detail: bool = False
) -> _Read:
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
    result = _Read()
    for h in headers:
        _summarise(h, content[h.id], result, rows, detail)
    return result


@dataclass(frozen=True)
class _Agreements(WorkbookState):
    """A workbook's latest agreement versions, with the status of each worked out already
    (so that :func:`next_step` and :func:`_pending` read them as from a whole state)."""

    statuses: Mapping[str, AgreementStatus] = field(default_factory=dict)

    def agreement_status(self, subject: Any) -> AgreementStatus:
        """The status worked out when the workbook was read."""
        return self.statuses.get(subject, AgreementStatus.DRAFT)


def _summarise(h: _Header, c: _Content, out: _Read, rows: bool, detail: bool) -> None:
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
        words = out.words[said] = (h.stage.label, next_step(state), ", ".join(_pending(state)))
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
    out: _Read,
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


_CHECK_IN_VALUES = frozenset(s.value for s in CHECK_IN_STAGES)


class _Later:
    """The frames other than ``workbooks``, read when first asked for."""

    def __init__(self, store: Store, headers: Sequence[_Header], names: Mapping[str, str]) -> None:
        self.store, self.headers, self.names = store, headers, names
        self._detail: _Read | None = None

    def frame(self, name: str) -> pd.DataFrame:
        if name == "events":
            return self._events()
        if self._detail is None:
            with self.store.reading() as s:
                self._detail = _read(s, self.headers, detail=True)
        if name == "objectives":
            return _frame(self._detail.objectives, OBJECTIVE_COLUMNS)
        if name == "check_ins":
            for r in self._detail.check_ins:
                author = r["author_id"]
                r["author"] = self.names.get(author, author) if author else None
            return _frame(self._detail.check_ins, CHECK_IN_COLUMNS)
        return _frame(self._detail.actions, ACTION_COLUMNS)

    def _events(self) -> pd.DataFrame:
        ids = [h.id for h in self.headers]
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
        names = self.names
        rows = []
        with self.store.reading() as s:
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
        return _frame(rows, EVENT_COLUMNS)


# --- rows ---------------------------------------------------------------------------


def _workbook_row(
    state: WorkbookState, events: list[Event], names: Mapping[str, str], today: dt.date
) -> dict[str, Any]:
    wb = state.workbook
    last = max((c.on for c in state.check_ins), default=None)
    agreed = [v.agreed_at.date() for v in state.agreements.values() if v.agreed_at is not None]
    latest = max([d for d in (last, *agreed) if d is not None], default=None)
    due = (latest or wb.cycle_start) + CHECK_IN_INTERVAL
    who = participation(
        wb.party_of(e.actor_id)
        for e in events
        if e.entity == "record" and e.action.split(".")[0] in CONTENT_KINDS
    )
    cover = state.coverage()
    statuses = [r.status for r in cover.rows] if cover else []
    kinds = [a.kind for a in state.plan.actions]
    return {
        "workbook_id": wb.id,
        "employee_id": wb.employee_id,
        "employee": names.get(wb.employee_id, wb.employee_id),
        "manager_id": wb.manager_id,
        "manager": names.get(wb.manager_id, wb.manager_id),
        "coach_id": wb.coach_id,
        "coach": names.get(wb.coach_id, wb.coach_id) if wb.coach_id else None,
        "cycle_start": wb.cycle_start,
        "cycle_end": wb.cycle_end,
        "stage": wb.stage.value,
        "stage_label": wb.stage.label,
        "next_step": next_step(state),
        "job_title": state.job.title if state.job else None,
        "version": wb.version,
        "objectives": len(state.objectives),
        "weight_total": sum(o.weight for o in state.objectives),
        "check_ins": len(state.check_ins),
        "last_check_in": last,
        "next_check_in_due": due,
        "overdue_check_in": wb.stage in CHECK_IN_STAGES and due < today,
        "pending": ", ".join(_pending(state)),
        "one_sided": who.one_sided,
        "employee_contributions": who.employee,
        "manager_contributions": who.manager,
        "responsibilities": len(statuses),
        "responsibilities_covered": statuses.count("covered"),
        "responsibilities_excused": statuses.count("excused"),
        "coverage_share": cover.share_covered if cover else None,
        "actions_experience": kinds.count("experience"),
        "actions_exposure": kinds.count("exposure"),
        "actions_education": kinds.count("education"),
    }


def _pending(state: WorkbookState) -> Iterable[str]:
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


def _objective_rows(state: WorkbookState) -> Iterable[dict[str, Any]]:
    agreed = state.agreement_status("objectives") == AgreementStatus.AGREED
    for o in state.objectives:
        latest = next(
            (p for c in reversed(state.check_ins) for p in c.progress if p.objective == o.id),
            None,
        )
        yield {
            "workbook_id": state.workbook.id,
            "objective": o.id,
            "title": o.title,
            "responsibilities": ", ".join(str(n) for n in o.responsibilities),
            "measure": o.measure,
            "target": o.target,
            "due": o.due,
            "weight": o.weight,
            "proposed_by": o.proposed_by,
            "latest_percent": latest.percent if latest else None,
            "latest_status": latest.status if latest else None,
            "agreed": agreed,
        }


def _check_in_rows(state: WorkbookState, names: Mapping[str, str]) -> Iterable[dict[str, Any]]:
    for c in state.check_ins:
        yield {
            "workbook_id": state.workbook.id,
            "check_in": c.id,
            "on": c.on,
            "author_id": c.author,
            "author": names.get(c.author, c.author) if c.author else None,
            "goal": c.goal,
            "reality": c.reality,
            "options": c.options,
            "will": c.will,
            "objectives_discussed": ", ".join(str(p.objective) for p in c.progress),
            "amendments": len(c.amendments),
        }


def _event_rows(events: list[Event], names: Mapping[str, str]) -> Iterable[dict[str, Any]]:
    for e in events:
        if e.action.startswith("note."):  # private notes never appear, not even one's own
            continue
        yield {
            "seq": e.seq,
            "at": e.at,
            "workbook_id": e.workbook_id,
            "actor_id": e.actor_id,
            "actor": names.get(e.actor_id, e.actor_id),
            "facilitator": names.get(e.facilitator_id, e.facilitator_id)
            if e.facilitator_id
            else None,
            "action": e.action,
            "what": describe_change(e.action, e.entity_key, e.after or e.before),
            "reason": e.reason,
        }


# --- typing -------------------------------------------------------------------------


def _frame(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A frame with exactly ``columns``, in order, each of its declared dtype."""
    return _frame_columns({name: [r.get(name) for r in rows] for name in columns}, columns)


def _frame_columns(data: Mapping[str, list[Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A frame of the value lists in ``data``: exactly ``columns``, each of its declared dtype."""
    import pandas as pd

    typed: dict[str, pd.Series] = {}
    for name, dtype in columns.items():
        values = data[name]
        if dtype.startswith("datetime64[ns,"):
            series = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        elif dtype.startswith("datetime64"):
            series = pd.to_datetime(pd.Series(values, dtype=object))
        else:
            series = pd.Series(values, dtype=object)
        typed[name] = series.astype(dtype)
    return pd.DataFrame(typed, columns=list(columns))
