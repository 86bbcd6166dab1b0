"""DevelopmentPlanner driven as the front end would: set values, click, check the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import ipywidgets as W
import pytest
from helpers import CYCLE, add_people, agreed_job, new_workbook, table_cells

from pmwidgets.apps.wiring import development_planner
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain import Objective, Rating, Stage, SupportCommitment
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.development_planner import DevelopmentPlanner
from pmwidgets.widgets.lean import is_shown

HS = "Health and safety"  # the one competency of helpers.make_job, required level 4
EV = "Electric and hybrid vehicle safety"  # demo workbook 1: mchen 1, rokafor 2
SVG = "<svg"


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


@pytest.fixture
def fresh(sqlite_store: Store) -> tuple[Store, int]:
    """A workbook whose objectives both agreed: in the development stage, with no plan yet."""
    add_people(sqlite_store)
    wb = new_workbook(sqlite_store)
    agreed_job(sqlite_store, wb)
    objective = Objective(
        title="Bring the equipment register up to date",
        description="Every item of workshop equipment is on the register with its dates.",
        responsibilities=(1, 2, 3),
        measure="Items on the register",
        target="100% by 31 December",
        due=dt.date(2026, 12, 31),
        weight=100,
        proposed_by="emp",
    )
    Services(sqlite_store, "emp").add_objective(wb, objective, sqlite_store.latest_version(wb))
    for who in ("emp", "boss"):
        svc = Services(sqlite_store, who)
        svc.confirm(
            wb, "objectives", svc.open(wb).subject_hash("objectives"), accept_reason="one is enough"
        )
    assert sqlite_store.get_workbook(wb).stage == Stage.DEVELOPMENT
    return sqlite_store, wb


def planner(store: Store, wb: int, who: str) -> DevelopmentPlanner:
    return wired(WorkbookSession(Services(store, who), wb))


CONTEXTS: dict[int, WorkbookSession] = {}


def wired(ctx: WorkbookSession) -> DevelopmentPlanner:
    """The planner as the development plan page wires it to the workbook."""
    planner = development_planner(ctx)
    assert isinstance(planner, DevelopmentPlanner)
    CONTEXTS[id(planner)] = ctx
    return planner


def manager_rates(store: Store, wb: int, level: int, comment: str = "") -> None:
    boss = Services(store, "boss")
    state = boss.open(wb)
    mine = Rating(competency=HS, by="manager", level=level, comment=comment)
    plan = state.plan.model_copy(update={"ratings": (*state.plan.ratings, mine)})
    boss.set_plan(wb, plan, state.workbook.version)


def test_rating_choices_show_the_behavioural_anchors(fresh: tuple[Store, int]) -> None:
    p = planner(*fresh, "emp")
    row = p.rows[HS]
    labels = [label for label, _v in row.level.options]
    assert labels == ["Not rated", "1 – Follows rules", "2", "3", "4 – Owns inspections", "5"]
    assert row.level.description == "Employee's rating" and row.level.value is None
    assert row.other.value == "Manager: not rated yet"
    assert "required level 4" in row.title.value
    assert not is_shown(p.reason)  # not agreed yet: no reason needed
    assert "not rated yet" in p.gaps_table.value


def test_employee_rates_and_saves_leaving_the_managers_rating_alone(
    fresh: tuple[Store, int],
) -> None:
    store, wb = fresh
    manager_rates(store, wb, 3, "Good on PPE checks")
    before = Services(store, "boss").open(wb).plan.rating(HS, "manager")
    p = planner(store, wb, "emp")
    assert p.rows[HS].other.value == "Manager: 3 – Good on PPE checks"
    p.rows[HS].level.value = 2
    p.rows[HS].comment.value = "Never led an inspection"
    p.save_ratings_button.click()
    assert p.said.kind == "ok", p.said.message
    plan = Services(store, "emp").open(wb).plan
    mine = plan.rating(HS, "employee")
    assert mine is not None and (mine.level, mine.comment) == (2, "Never led an inspection")
    assert plan.rating(HS, "manager") == before
    assert "gap of 2 by the employee&#x27;s rating, 1 by the manager&#x27;s" in p.gaps_table.value
    assert p.gap_image.value.startswith(SVG)
    assert "employee 2, manager 3" in p.gap_image.alt


def test_the_managers_ratings_are_read_only_to_the_employee(demo: Store) -> None:
    p = planner(demo, 1, "mchen")
    assert p.rows[EV].level.value == 1  # her own rating, editable
    assert p.rows[EV].other.value == "Manager: 2"  # his, as text
    assert all(r.level.description == "Employee's rating" for r in p.rows.values())
    assert isinstance(p.rows[EV].other, W.Label)


def test_a_forged_save_of_the_managers_ratings_is_refused(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    manager_rates(store, wb, 3)
    version, events = store.latest_version(wb), len(store.events(wb))
    p = planner(store, wb, "emp")
    forged = Rating(competency=HS, by="manager", level=5)
    assert p.value is not None
    p.value = p.value.model_copy(update={"ratings": (forged,)})  # as a notebook user could
    p.save_ratings_button.click()
    assert p.said.kind == "error"
    assert "only the manager can change the manager's ratings" in p.said.message
    assert store.latest_version(wb) == version and len(store.events(wb)) == events
    stored = Services(store, "boss").open(wb).plan.rating(HS, "manager")
    assert stored is not None and stored.level == 3


def test_someone_who_is_not_a_party_sees_ratings_read_only(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    manager_rates(store, wb, 3)
    version = store.latest_version(wb)
    p = planner(store, wb, "coach")  # the coach, not acting for anyone
    assert p.rows == {} and not is_shown(p.save_ratings_button)
    assert "Only the employee and the manager rate competencies" in p.ratings_note.value
    assert "3" in [
        c for row in table_cells(p.gaps_table.value) for c in row
    ]  # the manager's rating, read-only
    p.save_ratings_button.click()  # a forged click on the hidden button
    assert p.said.kind == "error" and store.latest_version(wb) == version


def test_coach_mode_switches_whose_ratings_are_edited(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    coach = Services(store, "coach")
    ctx = WorkbookSession(coach, wb)
    p = wired(ctx)
    ctx.act_as(coach.acting_as("boss"))
    assert p.rows[HS].level.description == "Manager's rating"
    assert is_shown(p.support_form)
    p.rows[HS].level.value = 3
    p.save_ratings_button.click()
    assert p.said.kind == "ok", p.said.message
    ctx.act_as(coach.acting_as("emp"))
    assert p.rows[HS].level.description == "Employee's rating"
    assert p.rows[HS].level.value is None and p.rows[HS].other.value == "Manager: 3"
    assert not is_shown(p.support_form)


def test_add_actions_linked_to_a_gap_and_to_an_objective(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    p = planner(store, wb, "emp")
    assert CYCLE[0] <= p.due.value <= CYCLE[1]  # a month from today, inside the cycle
    p.kind.value = "experience"
    p.description.value = "Lead the weekly tool check with the lead instructor"
    p.link.value = ("gap", HS)
    p.add_action_button.click()
    assert p.said.kind == "ok", p.said.message
    assert p.description.value == ""  # ready for the next one
    p.kind.value = "education"
    p.description.value = "Register management course"
    p.link.value = ("objective", 1)
    p.due.value = dt.date(2027, 1, 31)
    p.add_action_button.click()
    assert p.said.kind == "ok", p.said.message
    actions = Services(store, "boss").open(wb).plan.actions
    assert [(a.kind, a.gap, a.objective) for a in actions] == [
        ("experience", HS, None),
        ("education", None, 1),
    ]
    assert actions[1].due == dt.date(2027, 1, 31) and actions[1].status == "planned"
    assert "Gap: Health and safety" in p.actions_table.value
    assert "Objective 1: Bring the equipment register up to date" in p.actions_table.value
    assert p.mix_text.value == (
        "2 actions: 50% experience, 0% exposure, 50% education; the guide is 70-20-10"
    )


def test_an_action_needs_a_link_and_a_date_in_the_cycle(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    version = store.latest_version(wb)
    p = planner(store, wb, "emp")
    p.description.value = "Shadow the LOLER examiner"
    p.add_action_button.click()
    assert p.said.kind == "error" and "choose the gap or the objective" in p.said.message
    p.link.value = ("gap", HS)
    p.due.value = CYCLE[1] + dt.timedelta(days=1)
    p.add_action_button.click()
    assert p.said.kind == "error" and "outside the cycle" in p.said.message
    assert store.latest_version(wb) == version
    assert p.description.value == "Shadow the LOLER examiner"  # nothing typed is lost


def test_change_an_actions_status_and_remove_one(demo: Store) -> None:
    p = planner(demo, 1, "mchen")
    p.reason.value = "Course passed in January"
    p.action_pick.value = 1
    p.action_status.value = "done"
    p.set_status_button.click()
    assert p.said.kind == "ok", p.said.message
    p.reason.value = "Observation no longer needed"
    p.action_pick.value = 3
    p.remove_action_button.click()
    assert len(Services(demo, "rokafor").open(1).plan.actions) == 3  # asked first
    assert "Remove action 3" in p.remove_question.question.value
    p.remove_question.yes_button.click()
    assert p.said.kind == "ok", p.said.message
    actions = Services(demo, "rokafor").open(1).plan.actions
    assert [a.status for a in actions] == ["done", "planned"] and len(actions) == 2
    assert p.mix_text.value.startswith("2 actions: 50% experience, 0% exposure, 50% education")


def test_mix_sentence_and_charts(demo: Store) -> None:
    p = planner(demo, 1, "rokafor")
    assert p.mix_text.value == (
        "3 actions: 33% experience, 33% exposure, 33% education; the guide is 70-20-10"
    )
    assert p.mix_image.value.startswith(SVG) and "experience 33%" in p.mix_image.value
    assert p.mix_image.alt == p.mix_text.value
    assert p.gap_image.value.startswith(SVG)
    assert "gap of 2 by the employee&#x27;s rating, 1 by the manager&#x27;s" in p.gaps_table.value


def test_support_commitments_only_by_the_manager(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    boss = planner(store, wb, "boss")
    assert is_shown(boss.support_form)
    boss.support_text.value = "Pay for the LOLER refresher course"
    boss.support_due.value = dt.date(2026, 12, 15)
    boss.add_support_button.click()
    assert boss.said.kind == "ok", boss.said.message
    assert Services(store, "emp").open(wb).plan.support == (
        SupportCommitment(text="Pay for the LOLER refresher course", due=dt.date(2026, 12, 15)),
    )
    version, events = store.latest_version(wb), len(store.events(wb))
    emp = planner(store, wb, "emp")
    assert not is_shown(emp.support_form)
    assert "Pay for the LOLER refresher course" in emp.support_table.value
    emp.support_text.value = "A company car"
    emp.add_support_button.click()  # a forged click on the hidden button
    assert emp.said.kind == "error"
    assert "only the manager can change the manager's support" in emp.said.message
    assert store.latest_version(wb) == version and len(store.events(wb)) == events


def test_a_change_to_the_agreed_plan_needs_a_reason(demo: Store) -> None:
    version = demo.latest_version(1)
    p = planner(demo, 1, "mchen")
    assert is_shown(p.reason) and "Version 1" in p.reason_note.value
    p.rows[EV].level.value = 2
    p.save_ratings_button.click()
    assert p.said.kind == "error" and "give a reason" in p.said.message
    assert demo.latest_version(1) == version and p.rows[EV].level.value == 2
    p.reason.value = "Passed the IMI award"
    p.save_ratings_button.click()
    assert p.said.kind == "ok", p.said.message
    state = Services(demo, "rokafor").open(1)
    rating = state.plan.rating(EV, "employee")
    assert rating is not None and rating.level == 2
    plan_v2 = state.agreements["development_plan"]
    assert (plan_v2.number, plan_v2.opened_reason, plan_v2.agreed) == (
        2,
        "Passed the IMI award",
        False,
    )
    # a draft of version 2: a further change needs its own reason too, which joins v2's
    assert p.reason.value == "" and is_shown(p.reason)
    assert "proposed change to what was agreed" in p.reason_note.value


def test_a_save_on_an_old_page_keeps_the_other_s_ratings(fresh: tuple[Store, int]) -> None:
    """The manager saved first, on another page: the employee's save keeps his rating."""
    store, wb = fresh
    p = planner(store, wb, "emp")
    p.rows[HS].level.value = 2
    p.rows[HS].comment.value = "Never led an inspection"
    p.description.value = "Half-typed action"
    manager_rates(store, wb, 3)  # the manager saves first, on another page
    p.save_ratings_button.click()
    assert p.said is p.ratings_status  # said right under the button pressed
    assert p.said.kind == "ok", p.said.message
    plan = Services(store, "boss").open(wb).plan
    assert sorted((r.by, r.level) for r in plan.ratings) == [("employee", 2), ("manager", 3)]
    assert p.description.value == "Half-typed action"
    assert p.rows[HS].other.value == "Manager: 3"  # the page now shows what changed


def test_an_action_both_changed_is_chosen_side_by_side(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    emp, boss = planner(store, wb, "emp"), planner(store, wb, "boss")
    emp.kind.value, emp.description.value = "experience", "Lead the lift inspection"
    emp.link.value = emp.link.options[1][1]
    emp.add_action_button.click()
    assert emp.said.kind == "ok", emp.said.message
    CONTEXTS[id(boss)].reload()
    emp.action_pick.value = boss.action_pick.value = 1
    boss.action_status.value = "done"
    boss.set_status_button.click()
    assert boss.said.kind == "ok", boss.said.message
    emp.action_status.value = "dropped"  # the employee's page still shows "planned"
    emp.set_status_button.click()
    assert emp.said is emp.actions_status and emp.said.kind == "error"
    assert "Bea Boss also changed a field you changed" in emp.said.message
    view = emp.conflicts.view
    assert view is not None and len(view.choices) == 1
    table = view.children[0].value
    assert (
        "<td>dropped</td><td>done</td>" in table
        and "Action lead the lift inspection: status" in table
    )
    assert Services(store, "emp").open(wb).plan.actions[0].status == "done"  # nothing stored
    view.save_button.click()  # no choice made yet
    assert "choose which value to keep" in view.status.message
    view.choices[0].value = "mine"
    view.save_button.click()
    assert emp.said.kind == "ok", emp.said.message
    assert Services(store, "emp").open(wb).plan.actions[0].status == "dropped"
    assert emp.conflicts.view is None


def test_a_refresh_updates_what_others_wrote_and_keeps_what_is_typed(
    fresh: tuple[Store, int],
) -> None:
    store, wb = fresh
    ctx = WorkbookSession(Services(store, "emp"), wb)
    p = wired(ctx)
    p.rows[HS].level.value = 4
    p.description.value = "Half-typed action"
    manager_rates(store, wb, 3)
    ctx.reload()  # as after another widget of the page saved
    assert p.rows[HS].other.value == "Manager: 3" and p.rows[HS].level.value == 4
    assert p.description.value == "Half-typed action"
    assert "3" in [c for row in table_cells(p.gaps_table.value) for c in row]


def test_user_text_is_escaped(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    manager_rates(store, wb, 3, "<img src=x onerror=alert(2)>")
    p = planner(store, wb, "emp")
    p.description.value = "<script>alert(1)</script> shadowing"
    p.link.value = ("gap", HS)
    p.add_action_button.click()
    assert p.said.kind == "ok", p.said.message
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in p.actions_table.value
    assert "<script>" not in p.actions_table.value
    boss = planner(store, wb, "coach")  # sees the manager's comment in the gaps table
    assert "&lt;img src=x" in boss.gaps_table.value and "<img" not in boss.gaps_table.value
    assert "<script>" not in p.said.value


def test_a_plan_that_could_not_be_read_back_is_never_sent(fresh: tuple[Store, int]) -> None:
    store, wb = fresh
    p = planner(store, wb, "emp")
    p.rows[HS].level.value = 2
    assert p.value is not None
    twice = Rating(competency=HS.lower(), by="employee", level=5)
    p.value = p.value.model_copy(update={"ratings": (*p.value.ratings, twice)})  # unvalidated
    version = store.latest_version(wb)
    p.save_ratings_button.click()
    assert p.said.kind == "error" and "twice" in p.said.message
    assert store.latest_version(wb) == version
    assert Services(store, "emp").open(wb).plan.ratings == ()  # the workbook still loads
