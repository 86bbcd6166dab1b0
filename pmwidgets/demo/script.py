"""The dated steps of one synthetic workbook, up to the stage it is meant to reach.

A :class:`WorkbookPlan` holds the people, the job and the steps, in the step
vocabulary of the demo's ``organisation.yaml`` (``set_job``, ``confirm``,
``add_objective``, ``rate``, ``add_action``, ``add_support``, ``check_in``,
``start_review``, ``assess``, ``coverage_reason``, ``note``), which
:func:`pmwidgets.demo.builder.run_step` replays. Every date lies between the
start of the cycle and ``today``, in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from random import Random
from typing import Any

from ..domain.model import JobDescription, Party, Stage
from . import content as text

_PARTIES: tuple[Party, Party] = ("employee", "manager")
#: a workbook at the check-ins stage whose last check-in is older than this is overdue.
OVERDUE_AFTER = dt.timedelta(weeks=8)


@dataclass
class WorkbookPlan:
    """One workbook to build: its people, cycle, job, target stage and dated steps."""

    employee: str
    manager: str
    coach: str | None
    cycle: tuple[dt.date, dt.date]
    job: JobDescription
    stage: Stage
    steps: list[dict[str, Any]] = field(default_factory=list)
    #: one-sided: only the employee wrote (objectives stage); overdue: last check-in long ago.
    one_sided: bool = False
    overdue: bool = False
    #: how many objectives (fewest, most) the employee and the manager write.
    objectives: tuple[int, int] = (3, 6)


def write_steps(
    plan: WorkbookPlan, first_name: str, rng: Random, today: dt.date, variant: str = ""
) -> None:
    """Fill ``plan.steps`` so that replaying them brings the workbook to ``plan.stage``.

    Parameters
    ----------
    plan : WorkbookPlan
        The workbook; its ``steps`` are replaced.
    first_name : str
        The employee's first name, for the text of support commitments and check-ins.
    rng : Random
        This workbook's own random source.
    today : date
        No step is dated later.
    variant : str, optional
        ``"one_sided"`` (objectives stage: the employee writes everything),
        ``"overdue"`` (check-ins stage: the last check-in is 10 to 18 weeks old,
        well past :data:`OVERDUE_AFTER`),
        ``"recent"`` (check-ins stage: the plan was agreed in the last weeks, no check-in yet).
    """
    plan.steps = []
    plan.one_sided = variant == "one_sided"
    plan.overdue = variant == "overdue"
    _Script(plan, first_name, rng, today, variant).write()


class _Script:
    def __init__(
        self, plan: WorkbookPlan, first_name: str, rng: Random, today: dt.date, variant: str
    ) -> None:
        self.plan, self.first_name, self.rng, self.today = plan, first_name, rng, today
        self.variant = variant
        start = plan.cycle[0]
        latest = {
            Stage.JOB_DESCRIPTION: today - dt.timedelta(days=7),
            Stage.OBJECTIVES: today - dt.timedelta(days=60),
            Stage.DEVELOPMENT: today - dt.timedelta(days=90),
        }.get(plan.stage, start + dt.timedelta(days=30))
        if variant == "recent":
            # started late: the plan was agreed in the last few weeks, no check-in is due yet
            start, latest = today - dt.timedelta(days=70), today - dt.timedelta(days=55)
        self.day = start + dt.timedelta(days=rng.randint(0, max(0, (latest - start).days)))

    def step(self, party: Party, do: str, gap: tuple[int, int] = (0, 2), **fields: Any) -> None:
        """A step by ``party``, ``gap`` days (at random) after the previous one."""
        self.day = min(self.today, self.day + dt.timedelta(days=self.rng.randint(*gap)))
        who = self.plan.employee if party == "employee" else self.plan.manager
        self.plan.steps.append({"date": self.day, "as": who, "do": do, **fields})

    def confirm_both(self, subject: str, facilitated: bool, gap: tuple[int, int]) -> None:
        first, second = self.rng.sample(_PARTIES, 2)
        accept = _ACCEPT
        self.step(first, "confirm", gap, subject=subject, facilitated=facilitated, accept=accept)
        self.step(
            second, "confirm", (0, 3), subject=subject, facilitated=facilitated, accept=accept
        )

    def confirm_one(self, subject: str, chance: float) -> None:
        if self.rng.random() < chance:
            self.step(self.rng.choice(_PARTIES), "confirm", (1, 5), subject=subject, accept=_ACCEPT)

    def write(self) -> None:
        stage, order = self.plan.stage, list(Stage)
        reached = [order.index(stage) >= order.index(s) for s in order]
        self.facilitated = self.plan.coach is not None and self.rng.random() < 0.7
        self.job_description(done=reached[1])
        if reached[1]:
            self.objectives(done=reached[2])
        if reached[2]:
            self.development(done=reached[3])
        if reached[3]:
            self.check_ins()
        if reached[4]:
            self.review()

    def job_description(self, done: bool) -> None:
        author: Party = "employee" if self.plan.one_sided or self.rng.random() < 0.2 else "manager"
        self.job_author = author
        reason = "Job description for this cycle, from the occupation catalogue"
        self.step(author, "set_job", (0, 0), reason=reason)
        if not done:
            self.confirm_one("job_description", 0.5)
            return
        self.confirm_both("job_description", self.facilitated, (1, 7))

    def objectives(self, done: bool) -> None:
        end = self.plan.cycle[1]
        first_due = min(end, self.day + dt.timedelta(days=90))
        sloppy = self.plan.one_sided and self.rng.random() < 0.7
        self.objs = text.objectives_for(
            self.plan.job, self.rng, first_due, end, sloppy, self.plan.objectives
        )
        authors: list[Party] = [
            "employee" if self.plan.one_sided else self.rng.choice(_PARTIES) for _ in self.objs
        ]
        if not self.plan.one_sided and "manager" not in [self.job_author, *authors]:
            authors[0] = "manager"
        for i, (objective, author) in enumerate(zip(self.objs, authors, strict=True)):
            self.step(author, "add_objective", (2, 8) if i == 0 else (0, 3), objective=objective)
        # agreeing needs every responsibility covered by an objective or excused with a reason
        linked = {n for o in self.objs for n in o["responsibilities"]}
        missing = [r.number for r in self.plan.job.responsibilities if r.number not in linked]
        complete = done or self.rng.random() < 0.5
        if not complete:
            missing = self.rng.sample(missing, min(len(missing), self.rng.randint(0, 2)))
        for number in missing:
            author = "employee" if self.plan.one_sided else self.rng.choice(("manager", *_PARTIES))
            why = self.rng.choice(_COVERAGE_REASONS)
            self.step(author, "coverage_reason", (0, 1), responsibility=number, why=why)
        if done:
            self.confirm_both("objectives", self.facilitated, (1, 7))
        elif complete and not sloppy:  # an objective with no measure cannot be confirmed
            self.confirm_one("objectives", 0.6)

    def development(self, done: bool) -> None:
        rng, end = self.rng, self.plan.cycle[1]
        competencies = text.rated_competencies(self.plan.job, rng)
        mine, theirs = text.ratings_for(competencies, rng)
        self.step("employee", "rate", (3, 10), ratings=mine)
        both_rated = done or rng.random() < 0.6
        if both_rated:
            self.step("manager", "rate", (0, 4), ratings=theirs)
        else:
            theirs = mine
        gaps = [c for c, need in competencies if min(mine[c], theirs[c]) < need]
        first_due = min(end, self.day + dt.timedelta(days=30))
        self.actions = text.actions_for(gaps, len(self.objs), rng, first_due, end)
        for action in self.actions:
            self.step(rng.choice(_PARTIES), "add_action", (0, 2), action=action)
        if done or rng.random() < 0.5:
            focus = gaps[0] if gaps else competencies[0][0]
            due = text.month_end(min(end, self.day + dt.timedelta(days=60)))
            for support in text.support_for(rng, self.first_name, focus, due):
                self.step("manager", "add_support", (0, 2), support=support)
        if not done:
            if both_rated:  # a plan is confirmed only with both parties' ratings
                self.confirm_one("development_plan", 0.3)
            return
        self.confirm_both("development_plan", False, (1, 6))
        self.plan_day = self.day

    def check_ins(self) -> None:
        rng, days = self.rng, dt.timedelta(days=1)
        self.paces = [rng.uniform(0.55, 1.2) for _ in self.objs]
        if self.plan.stage == Stage.CHECK_INS:
            if self.variant == "overdue":
                late = OVERDUE_AFTER + rng.randint(14, 70) * days
                last, count = self.today - late, rng.randint(1, 3)
            elif self.variant == "recent":
                last, count = self.today, 0
            else:
                last, count = self.today - rng.randint(0, 35) * days, rng.randint(1, 6)
        else:
            back = (5, 30) if self.plan.stage == Stage.REVIEW else (45, 90)
            self.review_day = self.today - rng.randint(*back) * days
            last, count = self.review_day - rng.randint(3, 10) * days, rng.randint(2, 6)
        first = min(last, self.plan_day + 14 * days)
        span = (last - first).days
        # spread over the time since the plan was agreed; the last one on ``last``
        dates = sorted({last - round(span * i / max(1, count - 1)) * days for i in range(count)})
        for on in dates:
            self.day = max(self.day, on)
            check_in = text.check_in_for(
                self.objs, self.paces, self.plan_day, self.day, self.first_name, rng
            )
            facilitated = self.plan.coach is not None and rng.random() < 0.4
            author = rng.choice(_PARTIES)
            self.step(author, "check_in", (0, 0), check_in=check_in, facilitated=facilitated)
            if rng.random() < 0.1:
                self.step("manager", "note", (0, 0), text=rng.choice(_NOTES))

    def review(self) -> None:
        rng, closed = self.rng, self.plan.stage == Stage.CLOSED
        self.day = max(self.day, self.review_day)
        self.step(
            rng.choice(_PARTIES), "start_review", (0, 0),
            reason="the work of the cycle is done: review brought forward",
        )  # fmt: skip
        mine = text.assessments_for(len(self.objs), self.paces, rng, shift=False)
        outcomes = _development_outcomes(len(self.actions), rng)
        self.step("employee", "assess", (1, 5), assessments=mine, development_outcomes=outcomes)
        if closed or rng.random() < 0.6:
            theirs = text.assessments_for(len(self.objs), self.paces, rng, shift=True)
            self.step("manager", "assess", (1, 6), assessments=theirs)
            if closed:
                self.confirm_both("review", self.facilitated, (1, 7))
            else:
                self.confirm_one("review", 0.4)


def _development_outcomes(actions: int, rng: Random) -> str:
    """What the development plan achieved, in a sentence or two."""
    done = rng.randint(max(1, actions - 2), actions)
    return f"{done} of {actions} development actions completed. " + rng.choice(
        (
            "The course was the most useful; the stretch assignment took longer than planned.",
            "Shadowing a colleague changed how I plan the work.",
            "The mentor's feedback helped most; keep it going next cycle.",
        )
    )


#: why a confirming person accepts a SMART criterion not met (used only when one is not)
_ACCEPT = "We agreed to sharpen the wording at the first check-in"

_COVERAGE_REASONS = (
    "Routine duty, done well already; no objective needed this cycle",
    "Covered by another team member this cycle",
    "Not part of the work this year while the project runs",
)

_NOTES = (
    "Ask about workload before the next check-in.",
    "Remember to mention the training budget for next year.",
    "Check whether the deadline for objective 2 is still realistic.",
)
