"""A larger synthetic organisation, for trying the coach dashboard and for benchmarks.

``pmw demo --people N`` builds it: N people (about one manager per eight
employees, in a small hierarchy; at least two coaches, who facilitate about
half of the workbooks; one admin), and for every employee one workbook for a
twelve-month cycle that contains ``today``, with about ten months behind it.
Jobs come from the occupation catalogue. The workbooks stand at a realistic
mix of stages (see :data:`STAGE_MIX`), some one-sided, some with overdue
check-ins.

Like the small demo (:mod:`.demo`), each workbook is a list of dated steps
replayed through :class:`~.api.Services` with a backdated clock, using the
demo's own step runner, so events, hashes, confirmations and access checks are
all real and ``store.verify()`` passes.

By default the store builds in bulk (:meth:`~pmwidgets.store.Store.bulk`): the same
writer, checks and events, but every :data:`BATCH` workbooks in one transaction,
each change a savepoint of it, instead of one transaction (and one ``fsync``) per
change; the same rows and the same events (authors, reasons, times, hash chain),
many times faster (10,000 workbooks in minutes instead of about half an hour).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from random import Random
from typing import Any

from ..domain.errors import ValidationFailed
from ..domain.i18n import _
from ..domain.model import Stage
from ..io.jobs.catalogue import Catalogue, load_catalogue
from ..services.api import Services
from ..store import Store
from ..store.database import BulkLoad
from .builder import add_people, clock_for, run_step
from .script import WorkbookPlan, write_steps

#: share of employees' workbooks at each stage, in percent.
STAGE_MIX: tuple[tuple[Stage, int], ...] = (
    (Stage.JOB_DESCRIPTION, 10),
    (Stage.OBJECTIVES, 15),
    (Stage.DEVELOPMENT, 15),
    (Stage.CHECK_INS, 45),
    (Stage.REVIEW, 10),
    (Stage.CLOSED, 5),
)
MIN_PEOPLE = 10
EMPLOYEES_PER_MANAGER = 8
#: workbooks stored per transaction when building in bulk.
BATCH = 250
#: objectives per workbook at most: ten weights of 10% make 100.
MAX_OBJECTIVES = 10

Progress = Callable[[int, int], None]

FIRST_NAMES = (
    "Amara", "Wei", "Sofía", "Oluwaseun", "Priya", "Mateus", "Aiko", "Lars", "Fatima",
    "Dmitri", "Chloé", "Kwame", "Mei", "Rahul", "Ingrid", "Tomás", "Yuki", "Zainab",
    "Hamid", "Elena", "Kofi", "Anjali", "Bjørn", "Leila", "Juan", "Nadia", "Hiroshi",
    "Grace", "Arjun", "Siobhan", "Mohammed", "Lucía", "Jae-won", "Ewa", "Thabo", "Isabel",
    "Minh", "Ayşe", "Pedro", "Hana", "Samuel", "Noor", "Liam", "Ngozi", "Carlos", "Marta",
    "Tariq", "Ana", "Xiu", "Emeka",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Chen", "García", "Nguyen", "Patel", "Silva", "Tanaka", "Johansson", "Haddad",
    "Petrov", "Dubois", "Mensah", "Wang", "Sharma", "Andersen", "Fernández", "Sato", "Bello",
    "Rahimi", "Rossi", "Boateng", "Iyer", "Nilsen", "Morales", "Khalil", "Kobayashi",
    "Murphy", "Reddy", "O'Brien", "Hussain", "Santos", "Kim", "Nowak", "Dlamini", "Costa",
    "Tran", "Yılmaz", "Oliveira", "Park", "Cohen", "Adeyemi", "Müller", "Kaur", "Lopez",
    "Novak", "Ahmed", "Walsh", "Mwangi", "Singh", "Jensen",
)  # fmt: skip

#: e-mail domain of the synthetic organisation (reserved for examples, RFC 2606).
EMAIL_DOMAIN = "synthetic.example"


def person_names(count: int, rng: Random) -> list[str]:
    """``count`` full names, distinct while the name lists last, in a deterministic order."""
    combos = len(FIRST_NAMES) * len(LAST_NAMES)
    if count <= combos:
        picks = rng.sample(range(combos), count)
    else:  # more people than names: names repeat, ids stay unique
        picks = [rng.randrange(combos) for _ in range(count)]
    return [f"{FIRST_NAMES[i // len(LAST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}" for i in picks]


def email_for(name: str, person_id: str) -> str:
    """A work e-mail address: the name folded to ASCII, made unique by the person's id."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    local = ".".join(re.sub(r"[^a-z]", "", part) for part in folded.split())
    return f"{local}.{person_id}@{EMAIL_DOMAIN}"


def build_synthetic(
    store: Store,
    people: int,
    seed: int = 7,
    today: dt.date | None = None,
    progress: Progress | None = None,
    bulk: bool = True,
    objectives: tuple[int, int] = (3, 6),
) -> list[int]:
    """Build a synthetic organisation of ``people`` people in an empty store.

    Parameters
    ----------
    store : Store
        An empty store.
    people : int
        How many people, at least 10.
    seed : int, optional
        The same seed (and ``today``) builds the same organisation.
    today : date or None, optional
        The day the history leads up to (default: today); nothing is dated later.
    progress : callable or None, optional
        Called with (workbooks built, workbooks to build) after each workbook.
    bulk : bool, optional
        Store :data:`BATCH` workbooks per transaction, each change a savepoint
        (the default, :meth:`~pmwidgets.store.Store.bulk`); False writes every
        change in its own transaction, as people do. Both store the same rows
        and events.
    objectives : (int, int), optional
        The fewest and the most objectives per workbook (at most 10, for weights of
        at least 10% each); benchmarks ask for (9, 10).

    Returns
    -------
    list of int
        The ids of the workbooks built, one per employee.

    Raises
    ------
    ValidationFailed
        Fewer than 10 people asked for, a range of objectives outside 1 to 10,
        or the store already holds people.
    """
    _check_request(store, people, objectives)
    today = today or dt.date.today()
    rng = Random(seed)
    org = _organisation(people, rng)
    # planned one workbook at a time, as it is built: the same draws, a fraction of the memory
    plans = _plan(org, rng, load_catalogue(), today, objectives)
    if not bulk:
        return _build(store, org, plans, progress, None)
    with store.bulk(BATCH) as load:
        return _build(store, org, plans, progress, load)


def _check_request(store: Store, people: int, objectives: tuple[int, int]) -> None:
    """ValidationFailed unless :func:`build_synthetic` can build this in ``store``."""
    if not 1 <= objectives[0] <= objectives[1] <= MAX_OBJECTIVES:
        raise ValidationFailed(
            _("objectives per workbook must lie between 1 and {n}").format(n=MAX_OBJECTIVES)
        )
    if people < MIN_PEOPLE:
        raise ValidationFailed(
            _("a synthetic organisation needs at least {n} people").format(n=MIN_PEOPLE)
        )
    if store.find_people():
        raise ValidationFailed(
            _("the database already has people in it; the demo is built in an empty database")
        )


def _build(
    store: Store,
    org: _Org,
    plans: Iterator[WorkbookPlan],
    progress: Progress | None,
    load: BulkLoad | None,
) -> list[int]:
    """Add the people, then replay each workbook's plan; a bulk ``load`` commits by batch."""
    total = len(org.employees)
    add_people(store, org.people)
    replay = _Replay(store)
    ids = []
    for done, plan in enumerate(plans, start=1):
        ids.append(replay.build(plan))
        if load is not None:
            load.done()
        if progress is not None:
            progress(done, total)
    return ids


def people_for(workbooks: int) -> int:
    """How many people :func:`build_synthetic` needs for about ``workbooks`` workbooks."""
    count = max(MIN_PEOPLE, round(workbooks * 1.148))
    while _employees(count) < workbooks:
        count += 1
    while count > MIN_PEOPLE and _employees(count - 1) >= workbooks:
        count -= 1
    return count


def _employees(count: int) -> int:
    coaches = max(2, round(count / 50))
    rest = count - coaches - 1
    managers = max(2, round(rest / (EMPLOYEES_PER_MANAGER + 1)))
    return count - managers - coaches - 1


# --- the organisation ---------------------------------------------------------------


@dataclass(frozen=True)
class _Org:
    people: list[dict[str, Any]]
    #: (employee id, manager id) for everyone with a workbook
    employees: list[tuple[str, str]]
    coaches: list[str]
    names: dict[str, str]


def _organisation(count: int, rng: Random) -> _Org:
    coaches = max(2, round(count / 50))
    rest = count - coaches - 1
    managers = max(2, round(rest / (EMPLOYEES_PER_MANAGER + 1)))
    ids = [f"p{i:04d}" for i in range(1, count + 1)]
    names = dict(zip(ids, person_names(count, rng), strict=True))
    manager_ids = ids[:managers]
    coach_ids = ids[managers : managers + coaches]
    admin_id = ids[managers + coaches]
    employee_ids = ids[managers + coaches + 1 :]

    def person(pid: str, role: str, manager: str | None = None) -> dict[str, Any]:
        email = email_for(names[pid], pid)
        return {"id": pid, "name": names[pid], "email": email, "roles": [role], "manager": manager}

    # a small hierarchy: the director, heads reporting to the director, team leads below
    people = [
        person(pid, "manager", manager_ids[(i - 1) // 4] if i else None)
        for i, pid in enumerate(manager_ids)
    ]
    people += [person(pid, "coach") for pid in coach_ids]
    people.append(person(admin_id, "admin"))
    employees = [(pid, manager_ids[j % managers]) for j, pid in enumerate(employee_ids)]
    people += [person(pid, "employee", boss) for pid, boss in employees]
    return _Org(people, employees, coach_ids, names)


def _stages(count: int, rng: Random) -> list[Stage]:
    """Stages in the proportions of :data:`STAGE_MIX` (largest remainder), each present if possible."""
    exact = [count * share / 100 for _, share in STAGE_MIX]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    if count >= len(STAGE_MIX):
        for i, n in enumerate(counts):
            if n == 0:
                counts[i] += 1
                counts[counts.index(max(counts))] -= 1
    stages = [stage for (stage, _), n in zip(STAGE_MIX, counts, strict=True) for _ in range(n)]
    rng.shuffle(stages)
    return stages


def cycle_for(today: dt.date) -> tuple[dt.date, dt.date]:
    """Twelve months from the first of the month ten months before ``today``'s month."""
    months = today.year * 12 + today.month - 1 - 10
    start = dt.date(months // 12, months % 12 + 1, 1)
    return start, dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1)


def _eligible(catalogue: Catalogue) -> list[str]:
    """Occupations with enough responsibilities and competencies for a full workbook."""
    codes = []
    for entry in catalogue.entries:
        job = catalogue.get(entry.code)
        if len(job.responsibilities) >= 8 and len(job.competencies) >= 4:
            codes.append(entry.code)
    return codes


def _plan(
    org: _Org,
    rng: Random,
    catalogue: Catalogue,
    today: dt.date,
    objectives: tuple[int, int] = (3, 6),
) -> Iterator[WorkbookPlan]:
    codes = _eligible(catalogue)
    teams: dict[str, list[str]] = {}
    stages = _stages(len(org.employees), rng)
    shares = Counter(stages)
    seen: dict[Stage, int] = {}
    for (employee, manager), stage in zip(org.employees, stages, strict=True):
        team = teams.setdefault(manager, rng.sample(codes, 3))
        coach = rng.choice(org.coaches) if rng.random() < 0.5 else None
        job = catalogue.get(rng.choice(team))
        plan = WorkbookPlan(employee, manager, coach, cycle_for(today), job, stage)
        plan.objectives = objectives
        nth = seen[stage] = seen.get(stage, -1) + 1
        first_name = org.names[employee].split()[0]
        variant = _variant(stage, nth, shares[stage])
        write_steps(plan, first_name, Random(rng.getrandbits(64)), today, variant)
        yield plan


def _variant(stage: Stage, nth: int, share: int) -> str:
    """The special cases: the first workbooks of a stage are one-sided, overdue or recent."""
    if stage == Stage.OBJECTIVES and nth < max(1, round(share / 3)):
        return "one_sided"
    if stage == Stage.CHECK_INS:
        overdue = max(1, round(share / 4))
        if nth < overdue:
            return "overdue"
        if nth < overdue + round(share / 10):
            return "recent"
    return ""


# --- replaying the steps -------------------------------------------------------------


class _Replay:
    """Replays plans through Services with the demo's step runner.

    One Services object per acting person (and coach) is kept for the whole
    build, its clock moved to each step's date, so people are read once.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._services: dict[tuple[str, str | None], Services] = {}

    def _as(self, person: str, coach: str | None, day: dt.date, index: int) -> Services:
        svc = self._services.get((person, coach))
        if svc is None:
            svc = self._services[(person, coach)] = Services(self.store, person, coach)
        svc.clock = clock_for(day, index)
        return svc

    def build(self, plan: WorkbookPlan) -> int:
        first = plan.steps[0]["date"]
        wb = self._as(plan.manager, None, first, 0).create_workbook(
            plan.employee, plan.manager, *plan.cycle, coach_id=plan.coach, reason="new cycle"
        )
        assert wb.id is not None
        per_day: dict[dt.date, int] = {first: 0}
        for step in plan.steps:
            index = per_day[step["date"]] = per_day.get(step["date"], -1) + 1
            coach = plan.coach if step.get("facilitated") else None
            svc = self._as(step["as"], coach, step["date"], index)
            run_step(svc, wb.id, step, plan.job)
        return wb.id
