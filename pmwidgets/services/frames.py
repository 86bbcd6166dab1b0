"""Tidy pandas frames across every workbook a person may see, for coaches and HR.

:func:`frames` reads only the workbooks :meth:`Services.workbooks` returns, so
the access rules apply unchanged: an employee gets their own workbooks, a
manager those of their reports, a coach those they facilitate, an admin all.
Private notes never appear in any frame (not even one's own: these frames are
made to be shared and exported). The cost is one :meth:`Services.open` per
workbook, one read of the people and one read of the event log.

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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..domain.agreement import SUBJECT_LABELS, SUBJECTS, AgreementStatus
from ..domain.i18n import _
from ..domain.model import Stage
from ..domain.participation import participation
from ..domain.state import WorkbookState, next_step
from ..domain.wording import describe_change
from ..store import Event
from .api import Services
from .base import CONTENT_KINDS

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


@dataclass(frozen=True)
class Frames:
    """The tidy frames of every workbook one person may see (columns: see the module)."""

    workbooks: pd.DataFrame
    objectives: pd.DataFrame
    events: pd.DataFrame
    check_ins: pd.DataFrame
    actions: pd.DataFrame
    #: the day "overdue" was judged against.
    today: dt.date


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
    return Frames(
        workbooks=_frame(rows["workbooks"], WORKBOOK_COLUMNS),
        objectives=_frame(rows["objectives"], OBJECTIVE_COLUMNS),
        events=_frame(sorted(rows["events"], key=lambda r: r["seq"]), EVENT_COLUMNS),
        check_ins=_frame(rows["check_ins"], CHECK_IN_COLUMNS),
        actions=_frame(rows["actions"], ACTION_COLUMNS),
        today=today,
    )


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
    data: dict[str, pd.Series] = {}
    for name, dtype in columns.items():
        values = [r.get(name) for r in rows]
        if dtype.startswith("datetime64[ns,"):
            series = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        elif dtype.startswith("datetime64"):
            series = pd.to_datetime(pd.Series(values, dtype=object))
        else:
            series = pd.Series(values, dtype=object)
        data[name] = series.astype(dtype)
    return pd.DataFrame(data, columns=list(columns))
