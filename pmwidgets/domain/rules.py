"""The rules a workbook is held to: SMART objectives, coverage of the job, weights.

Each rule returns findings a person can act on, never just a flag.
:func:`pmwidgets.domain.readiness.agreement_readiness` gathers them for one
subject of a workbook: what must be fixed before anyone can confirm it, and which
SMART criteria the confirming person may accept, with a reason, instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from .i18n import _, format_date, ngettext
from .model import CoverageReason, JobDescription, Objective, Workbook, word_count

if TYPE_CHECKING:  # state.py imports this module: the type is needed for annotations only
    pass

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


class CoverageRow(NamedTuple):
    """How one responsibility is covered this cycle (a named tuple: reports build one per
    responsibility of every workbook)."""

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
    serving: dict[int, list[int]] = {}  # responsibility: the objectives serving it, by id
    for o in sorted(objectives, key=lambda o: o.id or 0):
        for number in set(o.responsibilities):
            serving.setdefault(number, []).append(o.id or 0)
    rows = []
    for r in job.responsibilities:
        ids = tuple(serving.get(r.number, ()))
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
