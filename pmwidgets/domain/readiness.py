"""Readiness to agree: everything that stops a subject of a workbook being confirmed now.

Gathered from the rules in :mod:`.rules` for one subject (job description,
objectives, development plan or review), listed at once: what must be fixed
before anyone can confirm, and which SMART criteria the confirming person may
accept, with a reason, instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from .errors import ValidationFailed
from .i18n import _
from .model import PARTIES, JobDescription, Objective, Workbook
from .rules import Criterion, shares_check, smart_check, weight_check

if TYPE_CHECKING:  # state.py imports the rules: the type is needed for annotations only
    from .state import WorkbookState

#: SMART criteria whose failure is a hard gap, never a matter of judgement.
_HARD: frozenset[Criterion] = frozenset({"relevant", "time_bound"})
_TITLE_CHARS = 60


@dataclass(frozen=True)
class SmartGap:
    """A SMART criterion an objective does not meet, which the confirming person may accept."""

    objective: int
    criterion: Criterion
    #: the sentence, as listed in :attr:`Readiness.acceptable`.
    message: str


@dataclass(frozen=True)
class Readiness:
    """What stands between a subject of a workbook and its confirmation.

    ``blocking`` must be fixed before anyone can confirm; ``gaps`` are the SMART
    criteria not met (which objective, which criterion), which the confirming person
    may accept with a reason. Every item is a plain sentence naming what it is about.
    """

    blocking: tuple[str, ...] = ()
    gaps: tuple[SmartGap, ...] = ()

    @property
    def acceptable(self) -> tuple[str, ...]:
        """The SMART criteria not met, in words, in the order of the page."""
        return tuple(g.message for g in self.gaps)

    @property
    def ready(self) -> bool:
        """Whether nothing blocks confirmation (acceptable gaps may remain)."""
        return not self.blocking


def agreement_readiness(
    state: WorkbookState, subject: str, today: dt.date | None = None
) -> Readiness:
    """Everything that stops ``subject`` being confirmed now, listed at once.

    Parameters
    ----------
    state:
        The workbook as it stands.
    subject:
        ``"job_description"``, ``"objectives"``, ``"development_plan"`` or ``"review"``.
    today:
        The date the SMART checks judge "soon" against (default: today).

    Returns
    -------
    Readiness
        Its ``blocking`` and ``acceptable`` sentences, in the order of the page.

    Raises
    ------
    ValidationFailed
        For a subject that cannot be agreed.
    """
    day = today or dt.date.today()
    key = ("readiness", subject, day)  # a snapshot never changes: every panel asks once
    found: Readiness | None = state._memo.get(key)
    if found is None:
        found = state._memo[key] = _readiness(state, subject, day)
    return found


def _readiness(state: WorkbookState, subject: str, today: dt.date) -> Readiness:
    if subject == "job_description":
        return Readiness(blocking=tuple(_job_description_gaps(state.job)))
    if subject == "objectives":
        return _objectives_readiness(state, today)
    if subject == "development_plan":
        return Readiness(blocking=tuple(_plan_gaps(state)))
    if subject == "review":
        return Readiness(blocking=tuple(_review_gaps(state)))
    raise ValidationFailed(_("nothing called {s} can be agreed").format(s=subject))


def _job_description_gaps(job: JobDescription | None) -> list[str]:
    if job is None:
        return [_("there is no job description yet")]
    if not job.responsibilities:
        return [_("the job description has no responsibilities: add at least one")]
    shares = shares_check(r.share for r in job.responsibilities)
    return [] if shares.ok else [shares.message]


def _objective_name(o: Objective) -> str:
    title = " ".join(o.title.split())
    if len(title) > _TITLE_CHARS:
        title = title[: _TITLE_CHARS - 1].rstrip() + "…"
    return _("objective {n} “{title}”").format(n=o.id, title=title)


def _objectives_readiness(state: WorkbookState, today: dt.date) -> Readiness:
    wb, job = state.workbook, state.job
    blocking: list[str] = []
    gaps: list[SmartGap] = []
    if job is None:
        blocking.append(_("there is no job description yet: confirm one before the objectives"))
    for o in sorted(state.objectives, key=lambda o: o.id or 0):
        name = _objective_name(o)
        missing: list[str] = []
        if not o.measure.strip():
            missing.append(_("{objective} has no measure").format(objective=name))
        if not o.target.strip():
            missing.append(_("{objective} has no target").format(objective=name))
        if not o.responsibilities:
            missing.append(_("{objective} serves no responsibility").format(objective=name))
        if o.weight <= 0:
            missing.append(_("{objective} has no weight").format(objective=name))
        blocking += missing
        for f in smart_check(o, wb, job, today=today):
            if f.ok or _covered_by(f.criterion, o):
                continue
            message = _("{objective}: {problem}").format(objective=name, problem=f.message)
            if f.criterion not in _HARD:
                gaps.append(SmartGap(o.id or 0, cast(Criterion, f.criterion), message))
            elif job is not None or f.criterion != "relevant":  # no job: said once, above
                blocking.append(message)
    weights = weight_check(state.objectives)
    if not weights.ok:
        blocking.append(weights.message)
    cov = state.coverage()
    if cov is not None and not cov.finding.ok:
        blocking.append(cov.finding.message)
    return Readiness(tuple(blocking), tuple(gaps))


def _covered_by(criterion: str, o: Objective) -> bool:
    """Whether a failed criterion only repeats a missing field already listed as blocking."""
    if criterion == "measurable":
        return not o.measure.strip() or not o.target.strip()
    if criterion == "achievable":
        return o.weight <= 0
    return False


def _plan_gaps(state: WorkbookState) -> list[str]:
    """What a plan lacks: both parties' ratings, and an action.

    Both rate the competencies they discuss (a catalogue job may list fifteen; not
    every one is in play each cycle): each party rates at least one, and a competency
    one of them rated is rated by the other too, so that its gap is known to both.
    """
    job, plan = state.job, state.plan
    blocking: list[str] = []
    if job is None:
        blocking.append(_("there is no job description yet, so no competencies to rate"))
    competencies = job.competencies if job else ()
    if competencies:
        for party in PARTIES:
            if not any(r.by == party for r in plan.ratings):
                blocking.append(
                    _("the {party} has not rated any competency yet").format(party=_(party))
                )
        for c in competencies:
            unrated = [p for p in PARTIES if plan.rating(c.name, p) is None]
            if len(unrated) == 1:
                blocking.append(
                    _("competency “{c}” is rated by the {rated} but not yet by the {party}").format(
                        c=c.name,
                        rated=_("employee" if unrated[0] == "manager" else "manager"),
                        party=_(unrated[0]),
                    )
                )
    if not any(a.status != "dropped" for a in plan.actions):
        blocking.append(_("there is no development action yet: add at least one"))
    return blocking


def _review_gaps(state: WorkbookState) -> list[str]:
    blocking: list[str] = []
    for o in sorted(state.objectives, key=lambda o: o.id or 0):
        missing = [p for p in PARTIES if state.review.assessment(o.id or 0, p) is None]
        if len(missing) == 2:
            blocking.append(
                _("{objective} is not assessed yet by either of you").format(
                    objective=_objective_name(o)
                )
            )
        elif missing:
            blocking.append(
                _("{objective} is not assessed yet by the {party}").format(
                    objective=_objective_name(o), party=_(missing[0])
                )
            )
    return blocking


#: the review starts within this many days of the cycle's end, or earlier with a reason
REVIEW_WINDOW_DAYS = 42


def review_opens(workbook: Workbook) -> dt.date:
    """The first day the review starts without a reason: six weeks before the cycle ends."""
    return workbook.cycle_end - dt.timedelta(days=REVIEW_WINDOW_DAYS)
