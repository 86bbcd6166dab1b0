"""What one person should do next on one step of a workbook, and why, in a sentence each.

Each step page opens with this (the web app and the coach's session alike), so that a
manager who opens a link on a phone reads first what is theirs to do, with the action
right under it, not paragraphs of instructions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from .agreement import SUBJECT_LABELS, AgreementStatus, Subject
from .i18n import _, format_date
from .model import Party, Stage
from .readiness import agreement_readiness, review_opens
from .state import WorkbookState, next_step

#: how long after the last conversation (a check-in, or an agreement both confirmed) the
#: next check-in is due.
CHECK_IN_INTERVAL = dt.timedelta(weeks=6)

#: the subject each step agrees on (the check-ins step amends the objectives).
STEP_SUBJECTS: dict[str, Subject] = {
    "01_job_description": "job_description",
    "02_objectives": "objectives",
    "03_development_plan": "development_plan",
    "04_check_ins": "objectives",
    "05_review": "review",
}

#: the status in which a subject waits for each party's confirmation.
_AWAITING: dict[Party, AgreementStatus] = {
    "employee": AgreementStatus.AWAITING_EMPLOYEE,
    "manager": AgreementStatus.AWAITING_MANAGER,
}

#: where on its page the action is: the step's editor, its agreement panel, or another step.
Target = Literal["edit", "agree", "none"]


@dataclass(frozen=True)
class NextAction:
    """What to do now (``text``), why (``why``), and where: ``target`` is ``"edit"`` (the
    step's editor), ``"agree"`` (its agreement panel), ``"none"``, or ``step`` names
    another step to go to first."""

    text: str
    why: str
    target: Target = "none"
    step: str | None = None


def next_check_in_due(state: WorkbookState) -> dt.date:
    """When the next check-in is due: six weeks after the latest conversation (a check-in,
    or an agreement), or after the cycle's start."""
    last = max((c.on for c in state.check_ins), default=None)
    agreed = [v.agreed_at.date() for v in state.agreements.values() if v.agreed_at is not None]
    latest = max([d for d in (last, *agreed) if d is not None], default=None)
    return (latest or state.workbook.cycle_start) + CHECK_IN_INTERVAL


def next_action(
    state: WorkbookState, step: str, party: Party | None, today: dt.date | None = None
) -> NextAction:
    """What ``party`` (the employee or the manager; None: someone else, such as HR) should
    do next on ``step`` of the workbook in ``state``.

    >>> from pmwidgets.domain.examples import example_state
    >>> next_action(example_state(), "02_objectives", "manager").target in ("edit", "agree", "none")
    True
    """
    day = today or dt.date.today()
    if step == "04_check_ins":
        return _check_ins(state, day)
    subject = STEP_SUBJECTS.get(step)
    if subject is None:
        return _overview(state)
    before = _earlier_step(state, step)
    if before is not None:
        return before
    return _agreeing(state, subject, party, day)


#: the step where each stage's work is done.
_STAGE_STEPS: dict[Stage, str] = {
    Stage.JOB_DESCRIPTION: "01_job_description",
    Stage.OBJECTIVES: "02_objectives",
    Stage.DEVELOPMENT: "03_development_plan",
    Stage.CHECK_INS: "04_check_ins",
    Stage.REVIEW: "05_review",
}


def _overview(state: WorkbookState) -> NextAction:
    return NextAction(
        next_step(state) + ".",
        _("Each step is agreed by both of you, in turn."),
        "none",
        _STAGE_STEPS.get(state.workbook.stage),
    )


def _earlier_step(state: WorkbookState, step: str) -> NextAction | None:
    """A step that rests on an earlier one that is not agreed yet says so first; the
    review, before its stage, says when it opens."""
    stages = list(Stage)
    if step == "05_review" and stages.index(state.workbook.stage) < stages.index(Stage.REVIEW):
        opens = review_opens(state.workbook)
        return NextAction(
            _("The review comes at the end of the cycle: it opens on {day}.").format(
                day=format_date(opens)
            ),
            _("Until then, the check-ins gather what it will draw on."),
            "none",
            "04_check_ins",
        )
    jd = state.agreement_status("job_description")
    if step in ("02_objectives", "03_development_plan") and jd != AgreementStatus.AGREED:
        return NextAction(
            _("First agree the job description."),
            _("Objectives and development serve its responsibilities and competencies."),
            "none",
            "01_job_description",
        )
    return None


def _agreeing(
    state: WorkbookState, subject: Subject, party: Party | None, day: dt.date
) -> NextAction:
    label = _(SUBJECT_LABELS[subject])
    version = state.agreements.get(subject)
    number = version.number if version is not None else 1
    now = state.agreement_status(subject)
    other = {"employee": _("the manager"), "manager": _("the employee")}
    if now == AgreementStatus.AGREED:
        return NextAction(
            _("Nothing to do here: version {n} of the {subject} is agreed.").format(
                subject=label, n=number
            ),
            _("A change opens a new version, which both of you agree again."),
            "none",
        )
    mine = {
        "employee": AgreementStatus.AWAITING_EMPLOYEE,
        "manager": AgreementStatus.AWAITING_MANAGER,
    }
    if party is not None and now == mine[party]:
        return NextAction(
            _("Read version {n} of the {subject} and confirm it.").format(n=number, subject=label),
            _("{other} has confirmed it; it is agreed once you confirm the same text.").format(
                other=other[party].capitalize()
            ),
            "agree",
        )
    if party is not None and now != AgreementStatus.DRAFT:
        return NextAction(
            _("Wait for {other} to confirm version {n}.").format(other=other[party], n=number),
            _("You have confirmed it. A change now would ask both of you to confirm again."),
            "none",
        )
    if now != AgreementStatus.DRAFT:  # someone else (HR, an admin): who is awaited
        return NextAction(next_step(state) + ".", _("Each confirms by their own act."), "none")
    ready = agreement_readiness(state, subject, day)
    if ready.blocking:
        more = len(ready.blocking) - 1
        first = ready.blocking[0].rstrip(".")
        text = _("Complete the {subject}: {first}").format(subject=label, first=first)
        if more:
            text += " " + _("(and {n} more to fix)").format(n=more)
        return NextAction(text + ".", _("Both of you can confirm only a complete version."), "edit")
    return NextAction(
        _("Version {n} of the {subject} is ready: read it, then each of you confirms it.").format(
            n=number, subject=label
        ),
        _("It is agreed when both have confirmed the same version."),
        "agree",
    )


def _check_ins(state: WorkbookState, day: dt.date) -> NextAction:
    if state.workbook.stage in (Stage.REVIEW, Stage.CLOSED):
        return NextAction(
            _("The year's check-ins are over: the review draws on them."),
            _("What was recorded here stays as the review's evidence."),
            "none",
            "05_review",
        )
    if state.agreement_status("objectives") != AgreementStatus.AGREED and not state.check_ins:
        return NextAction(
            _("First agree the objectives."),
            _("Check-ins follow the progress of agreed objectives."),
            "none",
            "02_objectives",
        )
    due = next_check_in_due(state)
    when = format_date(due)
    if due <= day:
        text = _("A check-in is due (since {day}): meet, then record it.").format(day=when)
    else:
        text = _("Hold the next check-in and record it; it is due by {day}.").format(day=when)
    return NextAction(
        text, _("The review at the end draws on what you write down through the year."), "edit"
    )


def workbook_next(
    state: WorkbookState, party: Party | None, today: dt.date | None = None
) -> tuple[str, NextAction] | None:
    """The step of the workbook in ``state`` where ``party`` has something to do first, and
    what: a confirmation awaited from them comes first, then the work of the stage; None
    for a closed workbook."""
    agreeing = ("01_job_description", "02_objectives", "03_development_plan", "05_review")
    if party is not None:
        for stem in agreeing:
            if state.agreement_status(STEP_SUBJECTS[stem]) == _AWAITING[party]:
                return stem, next_action(state, stem, party, today)
    for stem in agreeing:  # something agreed was changed: both agree the new version first
        version = state.agreements.get(STEP_SUBJECTS[stem])
        draft = state.agreement_status(STEP_SUBJECTS[stem]) == AgreementStatus.DRAFT
        if version is not None and version.number > 1 and draft:
            return stem, next_action(state, stem, party, today)
    at = _STAGE_STEPS.get(state.workbook.stage)
    if at is None:
        return None
    found = next_action(state, at, party, today)
    if found.step is not None and found.step in STEP_SUBJECTS:
        at, found = found.step, next_action(state, found.step, party, today)
    return at, found
