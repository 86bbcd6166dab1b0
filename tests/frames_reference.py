"""The tests' reference: the same frames, one workbook's whole state at a time.

Slow (one :meth:`Services.open` per workbook, and participation counted from the
event log) and plain, so that the set-based reading of
:mod:`pmwidgets.services.frames` can be tested against it, row for row. It lives
with the tests, not in the package: the package has one way to make each row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pmwidgets.domain.agreement import AgreementStatus
from pmwidgets.domain.kinds import CONTENT_KINDS
from pmwidgets.domain.participation import participation
from pmwidgets.domain.state import WorkbookState, next_step
from pmwidgets.domain.wording import describe_change
from pmwidgets.services import Services
from pmwidgets.services.frames import (
    ACTION_COLUMNS,
    CHECK_IN_COLUMNS,
    CHECK_IN_INTERVAL,
    CHECK_IN_STAGES,
    EVENT_COLUMNS,
    OBJECTIVE_COLUMNS,
    WORKBOOK_COLUMNS,
)
from pmwidgets.services.frames.reading import pending
from pmwidgets.services.frames.tables import Frames, typed_frame
from pmwidgets.store import Event

if TYPE_CHECKING:
    import pandas as pd


def frames_by_workbook(services: Services, today: dt.date | None = None) -> Frames:
    """The same frames as :func:`~pmwidgets.services.frames.frames`, built by opening one
    workbook at a time.

    The reference that the set-based reading is tested against: one
    :meth:`Services.open` per workbook, one read of the people and one of the
    event log; every frame is built at once.

    Parameters
    ----------
    services:
        The services of the person looking.
    today:
        The day to judge overdue check-ins against (default: today).

    Returns
    -------
    Frames
        The same frames, column for column.
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
        "objectives": typed_frame(rows["objectives"], OBJECTIVE_COLUMNS),
        "events": typed_frame(sorted(rows["events"], key=lambda r: r["seq"]), EVENT_COLUMNS),
        "check_ins": typed_frame(rows["check_ins"], CHECK_IN_COLUMNS),
        "actions": typed_frame(rows["actions"], ACTION_COLUMNS),
    }
    return Frames(typed_frame(rows["workbooks"], WORKBOOK_COLUMNS), today, built.__getitem__)


# --- rows, from one workbook's whole state -----------------------------------------


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
        "pending": ", ".join(pending(state)),
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
