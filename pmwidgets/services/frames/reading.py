"""The rows of the frames, as pure functions over the domain's state.

The store reads the visible workbooks' headers and states in a few queries
(:mod:`pmwidgets.store.many`); each row here is worked out from one workbook's
:class:`~pmwidgets.domain.state.WorkbookState` with the domain's own rules
(coverage, agreement status, the next step), so there is no second rule engine to
keep in step. Nothing here imports pandas: the values are plain Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...domain.agreement import SUBJECT_LABELS, SUBJECTS, AgreementStatus
from ...domain.i18n import _
from ...domain.kinds import CONTENT_KINDS
from ...domain.model import Person, Role, Workbook
from ...domain.next_action import next_check_in_due
from ...domain.participation import Participation
from ...domain.state import WorkbookState, next_step
from ...domain.wording import describe_change
from ...store import Store, many
from .. import access

#: the contributions each workbook's row counts: (action, actor id, how many record events).
Contributions = Sequence[tuple[str, str, int]]


def visible(store: Store, me: Person, facilitator: Person | None = None) -> list[Workbook]:
    """Headers of the workbooks ``me`` may see, by id: the rule of :meth:`Services.workbooks`,
    each checked with :func:`.access.can_read`."""
    headers = many.workbooks(store, None if Role.ADMIN in me.roles else me.id)
    return visible_among(headers, me, facilitator)


def visible_among(
    headers: Sequence[Workbook], me: Person, facilitator: Person | None = None
) -> list[Workbook]:
    """Those of ``headers`` that ``me`` may see (the same rule as :func:`visible`)."""
    if Role.ADMIN not in me.roles:
        headers = [h for h in headers if me.id in (h.employee_id, h.manager_id, h.coach_id)]
    return [h for h in headers if access.can_read(me, h, facilitator)]


#: the words of a situation (stage label, next step, pending) by the situation: the stage
#: and each subject's agreement status and version number, which is all they depend on.
Words = dict[Any, tuple[str, str, str]]


def workbook_row(
    state: WorkbookState, contributions: Contributions, words: Words | None = None
) -> dict[str, Any]:
    """The ``workbooks`` frame's row of one workbook, but for the people's names and
    ``overdue_check_in`` (which depend on more than the workbook: see :mod:`.summaries`).

    ``words``: the words said so far in this reading, by situation (the same few recur
    across thousands of workbooks: each is said once).
    """
    wb, said = state.workbook, _said(state, words)
    last = max((c.on for c in state.check_ins), default=None)
    counts = {"employee": 0, "manager": 0}
    for action, actor, count in contributions:
        party = wb.party_of(actor) if action.split(".")[0] in CONTENT_KINDS else None
        if party is not None:
            counts[party] += count
    who = Participation(counts["employee"], counts["manager"])
    cover = state.coverage()
    statuses = [r.status for r in cover.rows] if cover else []
    kinds = [a.kind for a in state.plan.actions]
    return {
        "workbook_id": wb.id,
        "employee_id": wb.employee_id,
        "manager_id": wb.manager_id,
        "coach_id": wb.coach_id,
        "cycle_start": wb.cycle_start,
        "cycle_end": wb.cycle_end,
        "stage": wb.stage.value,
        "stage_label": said[0],
        "next_step": said[1],
        "job_title": state.job.title if state.job else None,
        "version": wb.version,
        "objectives": len(state.objectives),
        "weight_total": sum(o.weight for o in state.objectives),
        "check_ins": len(state.check_ins),
        "last_check_in": last,
        "next_check_in_due": next_check_in_due(state),
        "pending": said[2],
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


def _said(state: WorkbookState, words: Words | None) -> tuple[str, str, str]:
    """The stage label, next step and pending subjects of ``state``, said once per situation."""
    situation = (
        state.workbook.stage,
        tuple(
            (s, state.agreement_status(s), state.agreements[s].number)
            for s in SUBJECTS
            if s in state.agreements
        ),
    )
    said = words.get(situation) if words is not None else None
    if said is None:
        said = (state.workbook.stage.label, next_step(state), ", ".join(pending(state)))
        if words is not None:
            words[situation] = said
    return said


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


def objective_rows(state: WorkbookState) -> Iterable[dict[str, Any]]:
    """The ``objectives`` frame's rows of one workbook."""
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


def check_in_rows(state: WorkbookState, names: Mapping[str, str]) -> Iterable[dict[str, Any]]:
    """The ``check_ins`` frame's rows of one workbook (authors named by ``names``)."""
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


def action_rows(state: WorkbookState) -> Iterable[dict[str, Any]]:
    """The ``actions`` frame's rows of one workbook."""
    for a in state.plan.actions:
        yield {"workbook_id": state.workbook.id, **a.model_dump(mode="json")}


def read_events(
    store: Store, headers: Sequence[Workbook], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The rows of the ``events`` frame for the workbooks ``headers``, oldest first: one
    query, no private note (not even its author's)."""
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "workbook_id": e.workbook_id,
            "actor_id": e.actor_id,
            "actor": names.get(e.actor_id, e.actor_id),
            "facilitator": names.get(e.facilitator_id, e.facilitator_id)
            if e.facilitator_id
            else None,
            "action": e.action,
            "what": describe_change(
                e.action, e.entity_key, json.loads(e.content) if e.content else None
            ),
            "reason": e.reason,
        }
        for e in many.event_lines(store, [h.id or 0 for h in headers])
    ]
