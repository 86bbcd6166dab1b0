"""The columns of each frame and their dtypes, and the record of one workbook's row."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ...domain.model import Stage
from ...domain.next_action import CHECK_IN_INTERVAL as _CHECK_IN_INTERVAL

#: how long after a conversation the next check-in is due (the domain's rule).
CHECK_IN_INTERVAL = _CHECK_IN_INTERVAL
#: the stages in which check-ins are expected, so can be overdue: only the check-ins stage
#: (in review the year's conversations are over; a closed workbook expects nothing).
CHECK_IN_STAGES = (Stage.CHECK_INS,)
#: their values, as the ``stage`` column holds them.
CHECK_IN_VALUES = frozenset(s.value for s in CHECK_IN_STAGES)

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


class WorkbookSummary(NamedTuple):
    """One workbook's row of the ``workbooks`` frame, as plain Python values.

    The fields are the frame's columns, in its order (see :mod:`pmwidgets.services.frames`
    for what each one says). Where the frame has ``<NA>`` or ``NaT``, a summary has
    None; dates are :class:`datetime.date`. Made by
    :func:`~pmwidgets.services.frames.workbook_summaries`, which needs no pandas.
    """

    workbook_id: int
    employee_id: str
    employee: str
    manager_id: str
    manager: str
    coach_id: str | None
    coach: str | None
    cycle_start: dt.date
    cycle_end: dt.date
    stage: str
    stage_label: str
    next_step: str
    job_title: str | None
    version: int
    objectives: int
    weight_total: int
    check_ins: int
    last_check_in: dt.date | None
    next_check_in_due: dt.date
    overdue_check_in: bool
    pending: str
    one_sided: str | None
    employee_contributions: int
    manager_contributions: int
    responsibilities: int
    responsibilities_covered: int
    responsibilities_excused: int
    coverage_share: int | None
    actions_experience: int
    actions_exposure: int
    actions_education: int
