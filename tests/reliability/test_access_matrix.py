"""Every role × every service action × every stage: only what the access rules permit succeeds.

The table below is written from DESIGN.md ("Identity and access") and
:mod:`pmwidgets.services.access`, not from what the code happens to do:

- the employee, the manager, the workbook's coach and admins read a workbook
  (and so does the operator, who holds the database); another coach, an
  unrelated employee and nobody do not;
- the same people write its content, except the operator (the command line
  writes no content);
- each party changes only their own ratings and assessments, and only the
  manager their support commitments;
- only the employee and the manager confirm and start the review; a coach
  does so only by acting as one of them in a facilitated session, and only for
  the workbooks they coach;
- private notes are written by anyone who reads the workbook, never on a shared
  screen, and seen by their author only.

A refused action raises ``NotAllowed`` or ``NotFound`` with one plain line, and
stores nothing (the event log and the workbook version are unchanged). A
permitted action either succeeds or is refused by a rule of the stage
(``ValidationFailed``), which also stores nothing; each permitted (action, role)
must succeed at one stage at least, so the table cannot pass by refusing all.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import figures
import pytest
from helpers import add_people, make_job

from pmwidgets.domain.errors import NotAllowed, NotFound, PmwError, ValidationFailed
from pmwidgets.domain.model import (
    Assessment,
    CheckIn,
    DevelopmentAction,
    DevelopmentPlan,
    JobDescription,
    Objective,
    Person,
    Rating,
    Review,
    Stage,
    SupportCommitment,
)
from pmwidgets.services import Services
from pmwidgets.services.frames import frames
from pmwidgets.store import Store

pytestmark = pytest.mark.reliability

STAGES = list(Stage)
#: one cycle per stage, so that one employee can have all six workbooks.
CYCLES = {s: (dt.date(2030 + i, 1, 1), dt.date(2030 + i, 12, 31)) for i, s in enumerate(STAGES)}

# --- who ------------------------------------------------------------------------------

ROLES = (
    "employee",
    "manager",
    "coach",
    "coach in session",
    "another coach",
    "another coach in session",
    "admin",
    "unrelated employee",
    "nobody",
    "operator",
)
READERS = {"employee", "manager", "coach", "coach in session", "admin", "operator"}
WRITERS = {"employee", "manager", "coach", "coach in session", "admin"}
#: the coach in session acts as the employee.
AS_EMPLOYEE = {"employee", "coach in session"}
AS_MANAGER = {"manager"}
PARTIES = AS_EMPLOYEE | AS_MANAGER
#: who can confirm: each party by their own (verified) sign-in. The coach in session acts
#: as the employee without the employee's personal code, so cannot (see test_confirmation)
CONFIRMERS = {"employee", "manager"}
NOTE_WRITERS = {"employee", "manager", "coach", "admin"}


def services(store: Store, role: str) -> Services:
    """The services of someone in ``role`` towards the workbooks (emp's, with boss, coached by coach)."""
    if role == "operator":
        return Services.operator(store)
    if role.endswith(" in session"):
        coach = "coach" if role == "coach in session" else "coach2"
        return Services(store, coach).acting_as("emp")
    person = {
        "employee": "emp",
        "manager": "boss",
        "coach": "coach",
        "another coach": "coach2",
        "admin": "admin",
        "unrelated employee": "other",
        "nobody": "",  # no verified identity: there is no such person
    }[role]
    return Services(store, person)


# --- what -----------------------------------------------------------------------------

Action = Callable[[Services, Store, int], Any]
REASON = "access matrix check"


def _v(store: Store, wb: int) -> int:
    return store.latest_version(wb)


def _op(store: Store, wb: int) -> Any:
    """The workbook as the operator reads it: the base every forged change starts from."""
    return Services.operator(store).open(wb)


def _job(store: Store, wb: int) -> JobDescription:
    n = len(store.events(wb))
    return make_job().model_copy(update={"purpose": f"Keeps the workshop ready ({n})."})


def _objective(store: Store, wb: int, title: str = "Cut the tool downtime") -> Objective:
    due = _op(store, wb).workbook.cycle_end
    return Objective(
        title=title,
        description="Fewer hours lost to broken tools.",
        responsibilities=(1, 2, 3),
        measure="Hours of downtime a month",
        target="Under 4 hours a month",
        due=due,
        weight=10,
        proposed_by="emp",
    )


def _plan_with(store: Store, wb: int, **change: Any) -> DevelopmentPlan:
    plan = _op(store, wb).plan
    return DevelopmentPlan.model_validate({**plan.model_dump(), **change})


def _rating(store: Store, wb: int, by: str) -> DevelopmentPlan:
    plan = _op(store, wb).plan
    old = plan.rating("Health and safety", by)  # type: ignore[arg-type]
    level = 2 if old is None or old.level != 2 else 3
    kept = [r for r in plan.ratings if r.by != by]
    new = Rating(competency="Health and safety", by=by, level=level, comment=REASON)  # type: ignore[arg-type]
    return plan.model_copy(update={"ratings": (*kept, new)})


def _action(store: Store, wb: int) -> DevelopmentPlan:
    plan = _op(store, wb).plan
    due = _op(store, wb).workbook.cycle_end
    extra = DevelopmentAction(
        kind="exposure",
        description=f"Shadow the safety officer ({len(plan.actions)})",
        gap="Health and safety",
        due=due,
    )
    return plan.model_copy(update={"actions": (*plan.actions, extra)})


def _support(store: Store, wb: int) -> DevelopmentPlan:
    plan = _op(store, wb).plan
    extra = SupportCommitment(text=f"Half a day a month for training ({len(plan.support)})")
    return plan.model_copy(update={"support": (*plan.support, extra)})


def _review_with(store: Store, wb: int, by: str | None) -> Review:
    review = _op(store, wb).review
    if by is None:
        return review.model_copy(
            update={"development_outcomes": f"Outcomes ({len(store.events(wb))})"}
        )
    old = review.assessment(1, by)  # type: ignore[arg-type]
    level = "met" if old is None or old.level != "met" else "exceeded"
    kept = [a for a in review.assessments if not (a.by == by and a.objective == 1)]
    new = Assessment(objective=1, by=by, level=level, comment=REASON)  # type: ignore[arg-type]
    return review.model_copy(update={"assessments": (*kept, new)})


def _check_in(store: Store, wb: int) -> CheckIn:
    start = _op(store, wb).workbook.cycle_start
    return CheckIn(on=start + dt.timedelta(days=60), goal="Half-term", reality="On track")


def _confirm(subject: str) -> Action:
    def run(svc: Services, store: Store, wb: int) -> Any:
        return svc.confirm(wb, subject, _op(store, wb).subject_hash(subject), accept_reason="as is")  # type: ignore[arg-type]

    return run


def _listed(svc: Services, _store: Store, wb: int) -> None:
    if wb not in [w.id for w in svc.workbooks()]:
        raise NotFound(f"workbook {wb} is not in the list")


def _on_dashboard(svc: Services, _store: Store, wb: int) -> None:
    if wb not in set(frames(svc).workbooks["workbook_id"]):
        raise NotFound(f"workbook {wb} is not on the dashboard")


#: (action, who may do it), in the order each role tries them on its own copy.
ACTIONS: dict[str, tuple[Action, set[str]]] = {
    "open": (lambda s, st, wb: s.open(wb), READERS),
    "listed among their workbooks": (_listed, READERS),
    "dashboard frames": (_on_dashboard, READERS),
    "history": (lambda s, st, wb: s.history(wb), READERS),
    "participation": (lambda s, st, wb: s.participation(wb), READERS),
    "agreement document": (lambda s, st, wb: s.agreement_document(wb), READERS),
    "export": (lambda s, st, wb: s.export_workbook(wb), READERS),
    "export with private notes": (
        lambda s, st, wb: s.export_workbook(wb, include_private=True),
        {"operator"},
    ),
    "verify": (lambda s, st, wb: s.verify(wb), READERS),
    "confirm job description": (_confirm("job_description"), CONFIRMERS),
    "confirm objectives": (_confirm("objectives"), CONFIRMERS),
    "confirm development plan": (_confirm("development_plan"), CONFIRMERS),
    "sign review": (_confirm("review"), CONFIRMERS),
    "set job description": (
        lambda s, st, wb: s.set_job_description(wb, _job(st, wb), _v(st, wb), REASON),
        WRITERS,
    ),
    "add objective": (
        lambda s, st, wb: s.add_objective(wb, _objective(st, wb), _v(st, wb), REASON),
        WRITERS,
    ),
    "update objective": (
        lambda s, st, wb: s.update_objective(
            wb, 1, _objective(st, wb, f"Changed title {_v(st, wb)}"), _v(st, wb), REASON
        ),
        WRITERS,
    ),
    "coverage reason": (
        lambda s, st, wb: s.set_coverage_reason(
            wb, 3, f"Covered by the team plan ({_v(st, wb)})", _v(st, wb), REASON
        ),
        WRITERS,
    ),
    "plan actions": (
        lambda s, st, wb: s.set_plan(wb, _action(st, wb), _v(st, wb), REASON),
        WRITERS,
    ),
    "employee's ratings": (
        lambda s, st, wb: s.set_plan(wb, _rating(st, wb, "employee"), _v(st, wb), REASON),
        AS_EMPLOYEE,
    ),
    "manager's ratings": (
        lambda s, st, wb: s.set_plan(wb, _rating(st, wb, "manager"), _v(st, wb), REASON),
        AS_MANAGER,
    ),
    "manager's support": (
        lambda s, st, wb: s.set_plan(wb, _support(st, wb), _v(st, wb), REASON),
        AS_MANAGER,
    ),
    "check-in": (lambda s, st, wb: s.save_check_in(wb, _check_in(st, wb), _v(st, wb)), WRITERS),
    "review outcomes": (
        lambda s, st, wb: s.set_review(wb, _review_with(st, wb, None), _v(st, wb), REASON),
        WRITERS,
    ),
    "employee's assessment": (
        lambda s, st, wb: s.set_review(wb, _review_with(st, wb, "employee"), _v(st, wb), REASON),
        AS_EMPLOYEE,
    ),
    "manager's assessment": (
        lambda s, st, wb: s.set_review(wb, _review_with(st, wb, "manager"), _v(st, wb), REASON),
        AS_MANAGER,
    ),
    "private note": (lambda s, st, wb: s.add_note(wb, "Ask about the Friday group"), NOTE_WRITERS),
    "remove objective": (
        lambda s, st, wb: s.remove_objective(wb, 1, _v(st, wb), REASON),
        WRITERS,
    ),
    "start review": (lambda s, st, wb: s.start_review(wb, _v(st, wb), "brought forward"), PARTIES),
}


# --- the workbooks, one per stage -----------------------------------------------------


def _both_confirm(store: Store, wb: int, subject: str) -> None:
    for who in ("emp", "boss"):
        svc = Services(store, who)
        svc.confirm(wb, subject, svc.open(wb).subject_hash(subject), accept_reason="as is")  # type: ignore[arg-type]


def build_workbooks(store: Store) -> dict[Stage, int]:
    """One workbook of emp with boss, coached by coach, at each stage (written by the parties)."""
    add_people(store)
    boss, emp = Services(store, "boss"), Services(store, "emp")
    ids: dict[Stage, int] = {}
    for target in STAGES:
        start, end = CYCLES[target]
        wb = boss.create_workbook("emp", "boss", start, end, coach_id="coach").id or 0
        ids[target] = wb
        boss.set_job_description(wb, make_job(), _v(store, wb))
        if target == Stage.JOB_DESCRIPTION:
            continue
        _both_confirm(store, wb, "job_description")
        emp.add_objective(
            wb, _objective(store, wb).model_copy(update={"weight": 100}), _v(store, wb)
        )
        if target == Stage.OBJECTIVES:
            continue
        _both_confirm(store, wb, "objectives")
        # a complete plan (both rated, an action), so that it can be confirmed
        emp.set_plan(wb, _rating(store, wb, "employee"), _v(store, wb))
        boss.set_plan(wb, _rating(store, wb, "manager"), _v(store, wb))
        emp.set_plan(wb, _action(store, wb), _v(store, wb))
        boss.set_plan(wb, _support(store, wb), _v(store, wb))
        if target == Stage.DEVELOPMENT:
            continue
        _both_confirm(store, wb, "development_plan")
        emp.save_check_in(wb, _check_in(store, wb), _v(store, wb))
        if target == Stage.CHECK_INS:
            continue
        boss.start_review(wb, _v(store, wb), "brought forward")
        emp.set_review(wb, _review_with(store, wb, "employee"), _v(store, wb))
        boss.set_review(wb, _review_with(store, wb, "manager"), _v(store, wb))
        if target == Stage.REVIEW:
            continue
        _both_confirm(store, wb, "review")
    for target, wb in ids.items():
        assert store.get_workbook(wb).stage == target
    return ids


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Stage, int]]:
    """An SQLite file holding the six workbooks; each role gets its own copy per stage."""
    path = tmp_path_factory.mktemp("matrix") / "template.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        ids = build_workbooks(store)
    return path, ids


def _copy(template: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(template) + suffix)
        if src.exists():
            shutil.copy(src, Path(str(dest) + suffix))
    return dest


def _trace(store: Store, wb: int) -> tuple[int, int]:
    """What would show that something was stored: the number of events and the version."""
    return len(store.events(wb)), store.latest_version(wb)


def _clear(exc: PmwError) -> None:
    text = str(exc)
    assert text.strip() and "\n" not in text and len(text) < 300, text
    for leak in ("Traceback", 'File "', "sqlalchemy", "Error("):
        assert leak not in text, text


# --- the matrix -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes(
    template: tuple[Path, dict[Stage, int]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[tuple[Stage, str, str], str]]:
    """Run every cell: {(stage, role, action): "ok" | "invalid" | "refused" | "WRONG: …"}."""
    path, ids = template
    folder = tmp_path_factory.mktemp("cells")
    found: dict[tuple[Stage, str, str], str] = {}
    for stage, wb in ids.items():
        for role in ROLES:
            db = _copy(path, folder / f"{stage.value}-{role.replace(' ', '-')}.sqlite3")
            with Store(f"sqlite:///{db}") as store:
                for name, (action, allowed) in ACTIONS.items():
                    found[stage, role, name] = _cell(store, wb, role, action, role in allowed)
    yield found


def _cell(store: Store, wb: int, role: str, action: Action, allowed: bool) -> str:
    before = _trace(store, wb)
    try:
        svc = services(store, role)
        action(svc, store, wb)
    except (NotAllowed, NotFound) as exc:
        _clear(exc)
        if _trace(store, wb) != before:
            return f"WRONG: refused ({exc}) but something was stored"
        return "refused" if not allowed else f"WRONG: permitted, but refused: {exc}"
    except ValidationFailed as exc:
        _clear(exc)
        if _trace(store, wb) != before:
            return f"WRONG: invalid ({exc}) but something was stored"
        if allowed:
            return "invalid"
        # someone who may read the workbook may hear a rule of its stage before the
        # rule of who does what: it reveals nothing they cannot see; nobody else may
        if role in READERS:
            return "refused"
        return f"WRONG: no access, yet told a rule of the workbook: {exc}"
    return "ok" if allowed else "WRONG: should be refused, but it succeeded"


def test_only_permitted_actions_succeed(outcomes: dict[tuple[Stage, str, str], str]) -> None:
    wrong = {k: v for k, v in outcomes.items() if v.startswith("WRONG")}
    assert not wrong, "\n".join(f"{s.value} / {r} / {a}: {v}" for (s, r, a), v in wrong.items())
    tally = Counter(outcomes.values())
    # every permitted (action, role) succeeds at one stage at least: the table is not vacuous
    for name, (_action, allowed) in ACTIONS.items():
        for role in allowed:
            done = [s for s in STAGES if outcomes[s, role, name] == "ok"]
            assert done, f"{role} could never {name}"
    assert len(outcomes) == len(STAGES) * len(ROLES) * len(ACTIONS)
    permitted = sum(1 for (_s, r, a) in outcomes if r in ACTIONS[a][1])
    assert permitted == tally["ok"] + tally["invalid"]
    figures.record(
        "Access matrix",
        cells=len(outcomes),
        allowed=permitted,
        refused=tally["refused"],
        wrong=len(wrong),
        services_cells=len(outcomes),
        services_permitted_and_done=tally["ok"],
        services_permitted_but_not_at_that_stage=tally["invalid"],
        about=(
            "Services layer: 10 roles (employee, manager, the workbook's coach, that coach "
            "acting as the employee, another coach, another coach acting as the employee, "
            "admin, an unrelated employee, nobody, the command line) × 28 actions (every read, "
            "export and dashboard frame, every content write, each party's own ratings, "
            "support and assessments, the four confirmations, starting the review, private "
            "notes) × one workbook at each of the 6 stages, each on its own copy, plus 8 "
            "actions across workbooks. A refused cell raises a one-line NotAllowed or NotFound "
            "and stores nothing; every permitted (action, role) succeeds at some stage. "
            "Browser: each role opens pages of workbook 1 (all 9 pages under make soak) and "
            "sees it, or a one-line refusal with nothing of it in the page."
        ),
    )


def test_a_closed_workbook_takes_no_content(outcomes: dict[tuple[Stage, str, str], str]) -> None:
    for name, (_a, allowed) in ACTIONS.items():
        if name.startswith(
            ("open", "listed", "dashboard", "history", "part", "agree", "exp", "ver")
        ):
            continue
        if name in ("private note", "sign review"):
            continue  # one's own notes stay possible; signing a signed review is a rule
        for role in allowed:
            assert outcomes[Stage.CLOSED, role, name] == "invalid", (role, name)


# --- actions outside one workbook -------------------------------------------------------

NEW_CYCLE = (dt.date(2040, 1, 1), dt.date(2040, 12, 31))
#: (action, who may) for actions that are not about one existing workbook.
GLOBAL: dict[str, tuple[Callable[[Services], Any], set[str]]] = {
    "open a workbook for a report, naming the coach": (
        lambda s: s.create_workbook("other", "boss", *NEW_CYCLE, coach_id="coach"),
        {"manager", "coach", "admin", "operator"},
    ),
    "open a workbook naming oneself its coach": (
        lambda s: s.create_workbook("other", "boss", *NEW_CYCLE, coach_id=s.me.id),
        {"coach", "another coach"},
    ),
    "open a workbook naming an employee as its coach": (
        lambda s: s.create_workbook("other", "boss", *NEW_CYCLE, coach_id="emp"),
        set(),
    ),
    "add a person": (
        lambda s: s.add_person(Person(id="newbie", name="New Person", manager_id="boss")),
        {"admin", "operator"},
    ),
    "add a library job": (
        lambda s: s.add_library_job(make_job()),
        {"manager", "coach", "another coach", "admin", "operator"},
    ),
    "verify every workbook": (lambda s: s.verify(), {"admin", "operator"}),
    "act for someone (coach mode)": (
        lambda s: s.acting_as("emp"),
        {"coach", "another coach", "coach in session", "another coach in session"},
    ),
    "import a workbook": (
        lambda s: s.import_workbook(Services.operator(s.store).export_workbook(1, True)),
        {"admin", "operator"},
    ),
}


@pytest.mark.parametrize("name", list(GLOBAL))
def test_actions_across_workbooks(
    name: str, template: tuple[Path, dict[Stage, int]], tmp_path: Path
) -> None:
    action, allowed = GLOBAL[name]
    tally: Counter[str] = Counter()
    for role in ROLES:
        db = _copy(template[0], tmp_path / f"{role.replace(' ', '-')}.sqlite3")
        with Store(f"sqlite:///{db}") as store:
            events = len(store.events())
            try:
                svc = services(store, role)
                action(svc)
            except (NotAllowed, NotFound) as exc:
                _clear(exc)
                assert role not in allowed, f"{role} may {name}, but: {exc}"
                assert len(store.events()) == events, f"{role}: refused, yet stored"
                tally["refused"] += 1
                continue
            except ValidationFailed as exc:
                _clear(exc)
                pytest.fail(f"{role} / {name}: {exc}")
            assert role in allowed, f"{role} must not {name}, but could"
            tally["ok"] += 1
    assert tally["ok"] == len(allowed)
    figures.record(
        "Access matrix",
        cells=len(ROLES),
        allowed=tally["ok"],
        refused=tally["refused"],
        wrong=0,
    )


def test_nobody_and_a_name_typed_into_a_url_are_no_identity(demo: Store) -> None:
    from pmwidgets.services import page_identity

    # a page's kernel believes the server's signed assertion only (the server checks sessions)
    for value in ("", "hlambert", "user=hlambert", "pmw_session=hlambert"):
        assert page_identity.person_from_assertion(value) is None
    with pytest.raises(NotFound):
        Services(demo, "")
    with pytest.raises(NotFound):
        Services(demo, "nobody-at-all")
