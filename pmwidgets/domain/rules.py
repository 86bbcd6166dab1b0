"""The rules a workbook is held to: SMART objectives, coverage of the job, weights.

Each rule returns findings a person can act on, never just a flag.
:func:`agreement_readiness` gathers them for one subject of a workbook: what
must be fixed before anyone can confirm it, and which SMART criteria the
confirming person may accept, with a reason, instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from .errors import ValidationFailed
from .i18n import _, format_date, ngettext
from .model import PARTIES, CoverageReason, JobDescription, Objective, Workbook, word_count

if TYPE_CHECKING:  # state.py imports this module: the type is needed for annotations only
    from .state import WorkbookState

Criterion = Literal["specific", "measurable", "achievable", "relevant", "time_bound"]
CRITERIA: tuple[Criterion, ...] = ("specific", "measurable", "achievable", "relevant", "time_bound")


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: whether it passed, and a sentence to act on."""

    criterion: str
    ok: bool
    message: str


# Words that make an objective sound like an aspiration rather than an outcome.
_VAGUE = re.compile(
    r"\b(improve|better|more|enhance|increase|reduce|support|help|work on|try|"
    r"strive|ensure|maximi[sz]e|optimi[sz]e|best|good|effective(ly)?)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")
_YES_NO = re.compile(
    r"\b(yes|no|done|complete[d]?|delivered|launched|published|approved|signed off|"
    r"passed|certified|in place|live|go-live|accredited)\b",
    re.IGNORECASE,
)
_MAX_SINGLE_WEIGHT = 50
_MIN_WEIGHT = 5


def smart_check(
    objective: Objective,
    workbook: Workbook,
    job: JobDescription | None,
    today: dt.date | None = None,
) -> tuple[Finding, ...]:
    """Check an objective against each SMART criterion.

    Parameters
    ----------
    objective:
        The objective as it stands (it may not be stored yet).
    workbook:
        Its workbook, for the cycle dates.
    job:
        The workbook's job description, to check the linked responsibilities.
    today:
        The date to judge "in the past" against (default: today).

    Returns
    -------
    tuple of Finding
        One finding per criterion, in S-M-A-R-T order.
    """
    return (
        _specific(objective),
        _measurable(objective),
        _achievable(objective, workbook, today or dt.date.today()),
        _relevant(objective, job),
        _time_bound(objective, workbook),
    )


def smart_score(findings: Iterable[Finding]) -> int:
    """How many of the five SMART criteria are met."""
    return sum(1 for f in findings if f.ok)


def _specific(o: Objective) -> Finding:
    words = word_count(o.title) + word_count(o.description)
    if words < 8:
        return Finding(
            "specific",
            False,
            _("not specific: describe in a sentence what will be different, and for whom"),
        )
    if not o.description.strip() and _VAGUE.search(o.title):
        return Finding(
            "specific",
            False,
            _("not specific: '{word}' alone is vague; say what exactly will change").format(
                word=_VAGUE.search(o.title).group(0)  # type: ignore[union-attr]
            ),
        )
    return Finding("specific", True, _("specific: it says what will be different"))


def _measurable(o: Objective) -> Finding:
    if not o.measure.strip():
        return Finding(
            "measurable",
            False,
            _("no measure: say how progress will be seen (a count, a rate, a date, a result)"),
        )
    if not (_NUMBER.search(o.target) or _YES_NO.search(o.target)):
        return Finding(
            "measurable",
            False,
            _("no measurable target: add a number, a date or a yes/no outcome"),
        )
    return Finding("measurable", True, _("measurable: it has a measure and a target"))


def _achievable(o: Objective, wb: Workbook, today: dt.date) -> Finding:
    if o.weight > _MAX_SINGLE_WEIGHT:
        return Finding(
            "achievable",
            False,
            _(
                "one objective carries {w}% of the weight: split it, or check together "
                "that it is achievable"
            ).format(w=o.weight),
        )
    if o.weight < _MIN_WEIGHT:
        return Finding(
            "achievable",
            False,
            _(
                "weight {w}% is too small to matter: merge it with another objective or drop it"
            ).format(w=o.weight),
        )
    start = max(today, wb.cycle_start)
    if wb.contains(o.due) and (o.due - start).days < 14:
        return Finding(
            "achievable",
            False,
            _("due in less than two weeks: allow enough time, or make it a check-in action"),
        )
    return Finding("achievable", True, _("achievable: its weight and time allowed are sensible"))


def _relevant(o: Objective, job: JobDescription | None) -> Finding:
    if job is None:
        return Finding(
            "relevant",
            False,
            _("no job description yet: confirm the job description before setting objectives"),
        )
    unknown = [n for n in o.responsibilities if job.responsibility(n) is None]
    if unknown:
        return Finding(
            "relevant",
            False,
            _("responsibility {n} is not in the job description: choose one that is").format(
                n=", ".join(str(n) for n in unknown)
            ),
        )
    return Finding(
        "relevant",
        True,
        ngettext(
            "relevant: it serves responsibility {n}",
            "relevant: it serves responsibilities {n}",
            len(o.responsibilities),
        ).format(n=", ".join(str(n) for n in o.responsibilities)),
    )


def _time_bound(o: Objective, wb: Workbook) -> Finding:
    if o.due < wb.cycle_start:
        return Finding(
            "time_bound",
            False,
            _(
                "due date {due} is before the cycle starts on {start}: choose a date inside the cycle"
            ).format(due=format_date(o.due), start=format_date(wb.cycle_start)),
        )
    if o.due > wb.cycle_end:
        return Finding(
            "time_bound",
            False,
            _(
                "due date {due} is after the cycle ends on {end}: choose a date inside the cycle"
            ).format(due=format_date(o.due), end=format_date(wb.cycle_end)),
        )
    return Finding("time_bound", True, _("time-bound: due {due}").format(due=format_date(o.due)))


def due_date_problem(due: dt.date, workbook: Workbook) -> str | None:
    """A sentence if ``due`` lies outside the workbook's cycle, else None."""
    if workbook.contains(due):
        return None
    return _("{due} is outside the cycle ({start} to {end})").format(
        due=format_date(due),
        start=format_date(workbook.cycle_start),
        end=format_date(workbook.cycle_end),
    )


# --- weights ----------------------------------------------------------------


def weight_check(objectives: Sequence[Objective]) -> Finding:
    """Whether the objectives' weights total 100, said in words (never colour alone)."""
    total = sum(o.weight for o in objectives)
    if not objectives:
        return Finding("weights", False, _("no objectives yet"))
    if total != 100:
        return Finding(
            "weights",
            False,
            _("weights total {total}, not 100: {hint}").format(
                total=total,
                hint=_("take {n} off").format(n=total - 100)
                if total > 100
                else _("{n} still to give").format(n=100 - total),
            ),
        )
    return Finding("weights", True, _("weights total 100"))


# --- shares of time ---------------------------------------------------------


def shares_check(shares: Iterable[int]) -> Finding:
    """Whether the responsibilities' shares of time total 100, said in words.

    Shares may be work in progress in a saved job description (all 0: not set
    yet, or partly set); they must total 100 before it can be confirmed.
    """
    total = sum(shares)
    if total == 100:
        return Finding("shares", True, _("shares of time total 100%"))
    if total == 0:
        return Finding(
            "shares",
            False,
            _(
                "shares of time are not set yet: give each responsibility its share of "
                "working time, totalling 100%"
            ),
        )
    if total > 100:
        return Finding(
            "shares",
            False,
            _("shares of time total {total}%, more than 100%: take {n} off").format(
                total=total, n=total - 100
            ),
        )
    return Finding(
        "shares", False, _("shares of time total {total}%, not 100%").format(total=total)
    )


# --- coverage ---------------------------------------------------------------

CoverageStatus = Literal["covered", "excused", "missing"]


@dataclass(frozen=True)
class CoverageRow:
    """How one responsibility is covered this cycle."""

    number: int
    text: str
    share: int
    objectives: tuple[int, ...]
    reason: str
    status: CoverageStatus


@dataclass(frozen=True)
class Coverage:
    """Coverage of the job description's responsibilities by objectives."""

    rows: tuple[CoverageRow, ...]

    @property
    def missing(self) -> tuple[CoverageRow, ...]:
        """Responsibilities with no objective and no reason."""
        return tuple(r for r in self.rows if r.status == "missing")

    @property
    def share_covered(self) -> int:
        """Percentage of working time served by at least one objective."""
        return sum(r.share for r in self.rows if r.status == "covered")

    @property
    def finding(self) -> Finding:
        """One sentence on the whole: complete, or which responsibilities need attention."""
        if not self.missing:
            return Finding("coverage", True, _("every responsibility has an objective or a reason"))
        numbers = ", ".join(str(r.number) for r in self.missing)
        return Finding(
            "coverage",
            False,
            ngettext(
                "responsibility {numbers} has no objective: add one, or say why it is left out this cycle",
                "responsibilities {numbers} have no objective: add one to each, or say why they are left out this cycle",
                len(self.missing),
            ).format(numbers=numbers),
        )


def coverage(
    job: JobDescription,
    objectives: Sequence[Objective],
    reasons: Sequence[CoverageReason] | Mapping[int, str] = (),
) -> Coverage:
    """Which responsibilities have objectives, which are left out on purpose, which are missing."""
    why = (
        dict(reasons)
        if isinstance(reasons, Mapping)
        else {r.responsibility: r.reason for r in reasons}
    )
    rows = []
    for r in job.responsibilities:
        ids = tuple(sorted(o.id or 0 for o in objectives if r.number in o.responsibilities))
        reason = why.get(r.number, "")
        status: CoverageStatus = "covered" if ids else ("excused" if reason.strip() else "missing")
        rows.append(CoverageRow(r.number, r.text, r.share, ids, reason, status))
    return Coverage(tuple(rows))


def objective_problems(
    objective: Objective, workbook: Workbook, job: JobDescription | None
) -> list[str]:
    """Hard errors that stop an objective being stored (unlike SMART advice)."""
    problems = []
    problem = due_date_problem(objective.due, workbook)
    if problem:
        problems.append(_("due: {p}").format(p=problem))
    if job is None:
        problems.append(_("confirm a job description before adding objectives"))
    else:
        unknown = [n for n in objective.responsibilities if job.responsibility(n) is None]
        if unknown:
            problems.append(
                _("responsibilities: {n} not in the job description").format(
                    n=", ".join(map(str, unknown))
                )
            )
    return problems


# --- readiness to agree -----------------------------------------------------

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
