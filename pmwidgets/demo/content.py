"""What the people of the synthetic organisation write: names, objectives, plans, check-ins.

Every function draws from the :class:`random.Random` it is given, so the same
seed writes the same organisation. The text is data, in English, like the
small demo's ``data/demo/organisation.yaml``: it is what people typed, so it is
not translated. Objectives are grounded in the job description: each one's
title comes from the verb phrase of a responsibility (an O*NET task statement),
and its measure and target carry numbers and dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from random import Random
from typing import Any

from ..domain.model import JobDescription

# --- objectives --------------------------------------------------------------------

# Where a task statement's verb phrase ends: a qualifier or a participle clause, ...
_QUALIFIER = re.compile(
    r",? (?:such as|including|using|according to|in order to|in accordance with)\b"
    r"|, \w+ing\b|[;:(]"
)
# ... or, in a long statement, its purpose or circumstances.
_PURPOSE = re.compile(r",? (?:to|for|by|with|based on|under|from|at|as|so that|when|if)\b")
_TRAILING = {"and", "or", "of", "to", "the", "a", "an", "in", "on", "for", "with", "by"}
_LINKS = {"into", "at", "from", "about", "through", "within", "between"}

#: (title suffix, how, measure, target template); targets get numbers and a date.
_KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("on schedule", "Deadlines are agreed up front and tracked in the team log.",
     "Share of this work finished by the agreed deadline, from the team log",
     "{high}% on time by {due}, up from {low}% last cycle"),
    ("right first time", "Each piece of work is checked against an agreed checklist; rework is logged.",
     "Items needing rework, from the quality log",
     "At most {few} rework items a quarter by {due} (last cycle {many})"),
    ("with a written, shared procedure", "The steps are written down, reviewed with the team and used by everyone.",
     "Procedure approved and in use, from the team's case records",
     "Procedure approved by {mid}; used in {few2} of the next {many2} cases by {due}"),
    ("in less time", "Hand-offs and waiting are cut so that the work is finished sooner.",
     "Average working days from request to completion",
     "Down from {many} to {few} working days by {due}"),
    ("to the satisfaction of the people served", "The people served rate the work in a short survey each quarter.",
     "Average score (1 to 5) in the quarterly survey of the people served",
     "At least 4.{digit} out of 5 in the survey before {due} (now 3.{digit2})"),
    ("at a higher volume", "Volume grows without loss of quality, tracked in the monthly report.",
     "Completed per month, from the monthly report",
     "{many2} a month by {due}, up from {few2}"),
)  # fmt: skip


def verb_phrase(text: str, max_words: int = 9) -> str:
    """The verb phrase that opens a task statement, without qualifiers, in at most ``max_words``.

    >>> verb_phrase("Raise and shape clay into wares, such as vases, on revolving wheels.")
    'Raise and shape clay into wares'
    """
    phrase = _cut(" ".join(text.split()).rstrip("."), _QUALIFIER, 2)
    if len(phrase.split()) > 6:
        phrase = _cut(phrase, _PURPOSE, 4)
    words = phrase.split()
    if len(words) > max_words:
        comma = next((i for i, w in enumerate(words) if i >= 2 and w.endswith(",")), None)
        if comma is not None and comma < max_words:
            words = words[: comma + 1]
        else:  # end before the last preposition or conjunction, not in the middle of it
            words = words[:max_words]
            link = [i for i, w in enumerate(words) if i >= 3 and w.lower() in _TRAILING | _LINKS]
            words = words[: link[-1]] if link else words
    if len(words) > 4 and words[-2] in ("and", "or") and words[-3].endswith(","):
        words = words[:-2]  # "payments, or arrange": a dangling verb
    while len(words) > 2 and words[-1].strip(",").lower() in _TRAILING:
        words.pop()
    return " ".join(words).rstrip(",") or text[:80]


def _cut(phrase: str, pattern: re.Pattern[str], min_words: int) -> str:
    for match in pattern.finditer(phrase):
        if len(phrase[: match.start()].split()) >= min_words:
            return phrase[: match.start()]
    return phrase


def long_date(day: dt.date) -> str:
    """A date as people write it in an objective: ``30 June 2027``."""
    return f"{day.day} {day:%B %Y}"


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def weights(count: int, rng: Random) -> list[int]:
    """``count`` weights in steps of 5, each 10 to 40, totalling 100."""
    result = [10] * count
    units = (100 - 10 * count) // 5
    while units:
        i = rng.randrange(count)
        if result[i] < 40:
            result[i] += 5
            units -= 1
    return sorted(result, reverse=True)


def objectives_for(
    job: JobDescription,
    rng: Random,
    first_due: dt.date,
    cycle_end: dt.date,
    sloppy: bool = False,
    count: tuple[int, int] = (3, 6),
) -> list[dict[str, Any]]:
    """Three to six objectives (or as many as ``count`` allows, at most ten and at most the
    job's responsibilities), each linked to responsibilities of ``job``, weights totalling 100.

    Due dates are month ends between ``first_due`` and ``cycle_end``. ``sloppy``
    leaves the measure of the last objective out and its target vague, as one
    person writing alone sometimes does.
    """
    low, high = count
    many = rng.randint(min(low, len(job.responsibilities)), min(high, len(job.responsibilities)))
    top = [r.number for r in job.responsibilities[:10]]
    primaries = rng.sample(top, many)
    others = [r.number for r in job.responsibilities if r.number not in primaries]
    months = _month_ends(first_due, cycle_end)
    result = []
    for primary, weight in zip(primaries, weights(many, rng), strict=True):
        links = {primary}
        for _ in range(rng.choice((0, 1, 1, 2))):
            if others:
                links.add(others.pop(rng.randrange(len(others))))
        text = job.responsibilities[primary - 1].text
        suffix, how, measure, target = rng.choice(_KINDS)
        due = rng.choice(months)
        numbers = _numbers(rng, due)
        result.append(
            {
                "title": f"{verb_phrase(text)} {suffix}",
                "description": f"{' '.join(text.split())} {how}",
                "responsibilities": sorted(links),
                "measure": measure,
                "target": target.format(**numbers),
                "due": due,
                "weight": weight,
            }
        )
    if sloppy:
        result[-1].update(measure="", target="Better results", description="")
    return result


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], month_end(start)
    while day <= end:
        days.append(day)
        day = month_end(day + dt.timedelta(days=1))
    return days or [end]


def _numbers(rng: Random, due: dt.date) -> dict[str, Any]:
    few, many = rng.randint(2, 5), rng.randint(7, 14)
    return {
        "high": rng.choice((90, 95, 98)),
        "low": rng.randint(70, 85),
        "few": few,
        "many": many,
        "few2": few * 10,
        "many2": many * 10,
        "digit": rng.randint(0, 5),
        "digit2": rng.randint(4, 9),
        "due": long_date(due),
        "mid": long_date(month_end(due - dt.timedelta(days=rng.randint(45, 75)))),
    }


# --- development plan --------------------------------------------------------------


def rated_competencies(job: JobDescription, rng: Random) -> list[tuple[str, int]]:
    """Up to six of the job's competencies to rate: (name, required level)."""
    chosen = job.competencies[: rng.randint(3, 6)]
    return [(c.name, c.required) for c in chosen]


def ratings_for(
    competencies: Sequence[tuple[str, int]], rng: Random
) -> tuple[dict[str, int], dict[str, int]]:
    """The employee's and the manager's ratings of current proficiency (usually close)."""
    mine = {
        name: _level(required + rng.choice((-2, -1, -1, 0, 0, 0, 1)))
        for name, required in competencies
    }
    theirs = {name: _level(level + rng.choice((-1, 0, 0, 0, 1))) for name, level in mine.items()}
    return mine, theirs


def _level(value: int) -> int:
    return max(1, min(5, value))


_ACTION_TEXT = {
    "experience": (
        "Take on a stretch assignment that uses {c} every week, with a monthly debrief",
        "Lead one piece of live work where {c} matters, and write up what was learned",
        "Run the next cycle of the work for objective {o} with the manager reviewing each step",
    ),
    "exposure": (
        "Shadow a colleague who is strong in {c} for two sessions and discuss them afterwards",
        "Join the {c} community of practice and bring one idea back to the team each month",
        "Ask a mentor from another team for feedback on the approach to objective {o}",
    ),
    "education": (
        "Complete a short course in {c} and share three takeaways with the team",
        "Read two practical guides on {c} and try one technique at work",
        "Attend a one-day workshop relevant to objective {o}",
    ),
}


def actions_for(
    gaps: Sequence[str], objectives: int, rng: Random, first_due: dt.date, cycle_end: dt.date
) -> list[dict[str, Any]]:
    """Two to five development actions of the three kinds, roughly 70-20-10 but never exact.

    Each links to a competency gap (when there are any) or to an objective number.
    """
    months = _month_ends(first_due, cycle_end)
    result = []
    for _ in range(rng.randint(2, 5)):
        kind = rng.choices(("experience", "exposure", "education"), weights=(55, 27, 18))[0]
        action: dict[str, Any] = {"kind": kind, "due": rng.choice(months)}
        if gaps and rng.random() < 0.7:
            action["gap"] = rng.choice(gaps)
            template = rng.choice(_ACTION_TEXT[kind][:2])
        else:
            action["objective"] = rng.randint(1, objectives)
            template = _ACTION_TEXT[kind][2]
        action["description"] = template.format(
            c=action.get("gap", "").lower(), o=action.get("objective")
        )
        result.append(action)
    return result


def support_for(
    rng: Random, first_name: str, competency: str, due: dt.date
) -> list[dict[str, Any]]:
    """One or two of the manager's support commitments."""
    options: list[dict[str, Any]] = [
        {"text": f"Give {first_name} {rng.randint(2, 6)} hours a month of protected time "
                 f"for {competency.lower()}"},
        {"text": f"Pay the course fee (up to {rng.randint(3, 12) * 100} euros) and give "
                 "one study day", "due": due},
        {"text": f"Introduce {first_name} to a mentor in another team", "due": due},
        {"text": "Go through the development actions at every check-in"},
    ]  # fmt: skip
    return rng.sample(options, rng.randint(1, 2))


# --- check-ins and review ----------------------------------------------------------

_GOALS = (
    "Where the objectives stand, and what gets in the way.",
    "Progress since the last conversation, especially on objective {n}.",
    "Mid-cycle look at the objectives and the development actions.",
    "The workload this month and what to drop to make room for objective {n}.",
)
_OPTIONS = (
    "Ask a colleague to take over part of the routine work; move a deadline; split the task.",
    "Try the approach another team uses; book time with the manager to unblock it.",
    "Keep the current plan, or bring the next milestone forward.",
)
_WILL = (
    "{first} updates the tracker every Friday; the manager raises the blocker with the other team.",
    "Next milestone by {date}; review it at the next check-in.",
    "{first} drafts the next step and sends it to the manager by {date}.",
)


def progress_at(pace: float, start: dt.date, due: dt.date, on: dt.date) -> tuple[int, str]:
    """Percent done and status on ``on`` for an objective moving at ``pace`` (1.0 = on plan)."""
    span = max((due - start).days, 1)
    percent = min(100, max(0, round(100 * pace * (on - start).days / span / 5) * 5))
    if percent >= 100:
        return 100, "done"
    if percent == 0:
        return 0, "not_started"
    if pace >= 0.9 or (on - start).days < span / 4:
        return percent, "on_track"
    return percent, "at_risk" if pace >= 0.7 else "off_track"


def check_in_for(
    objectives: Sequence[dict[str, Any]],
    paces: Sequence[float],
    start: dt.date,
    on: dt.date,
    first_name: str,
    rng: Random,
) -> dict[str, Any]:
    """A GROW check-in on ``on``, with progress and evidence for some or all objectives."""
    numbers = sorted(rng.sample(range(1, len(objectives) + 1), rng.randint(2, len(objectives))))
    progress, reality = [], []
    for n in numbers:
        percent, status = progress_at(paces[n - 1], start, objectives[n - 1]["due"], on)
        evidence = f"{round(percent / 10)} of 10 milestones met; tracker updated {long_date(on)}"
        progress.append(
            {"objective": n, "percent": percent, "status": status, "evidence": evidence}
        )
        reality.append(f"objective {n} at {percent}% ({status.replace('_', ' ')})")
    later = long_date(on + dt.timedelta(days=rng.randint(10, 30)))
    check_in: dict[str, Any] = {
        "goal": rng.choice(_GOALS).format(n=rng.choice(numbers)),
        "reality": "; ".join(reality).capitalize() + ".",
        "options": rng.choice(_OPTIONS),
        "will": rng.choice(_WILL).format(first=first_name, date=later),
        "progress": progress,
    }
    if rng.random() < 0.3:
        check_in["carried_forward"] = ["Finish the development action agreed last time"]
    return check_in


_LEVELS = ("not_met", "partly_met", "met", "exceeded")


def assessments_for(
    objectives: int, paces: Sequence[float], rng: Random, shift: bool
) -> list[dict[str, Any]]:
    """One assessment per objective, from how it went; ``shift`` lets a party see it differently."""
    result = []
    for n in range(1, objectives + 1):
        pace = paces[n - 1]
        index = 3 if pace >= 1.05 else 2 if pace >= 0.9 else 1 if pace >= 0.7 else 0
        if shift and rng.random() < 0.25:
            index = max(0, min(3, index + rng.choice((-1, 1))))
        comment = f"{round(min(1.0, pace) * 100)}% of the target reached, from the check-in records"
        result.append({"objective": n, "level": _LEVELS[index], "comment": comment})
    return result
