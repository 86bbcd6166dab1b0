"""DevelopmentPlanner on a workbook made in memory: ratings, gaps, actions, support, conflicts."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import pytest
from widgets.memory import workbook

from pmwidgets.domain.errors import EditConflict, NotAllowed
from pmwidgets.domain.merge import merge3
from pmwidgets.domain.model import (
    Competency,
    DevelopmentAction,
    DevelopmentPlan,
    JobDescription,
    Rating,
    Responsibility,
)
from pmwidgets.domain.state import WorkbookState
from pmwidgets.widgets.development_planner import DevelopmentPlanner
from pmwidgets.widgets.lean import is_shown

HS, EV = "Health and safety", "Evaluation"
JOB = JobDescription(
    title="Technician",
    responsibilities=(Responsibility(number=1, text="Runs the workshop", share=100),),
    competencies=(
        Competency(name=HS, required=4, anchors={3: "Runs the checks"}),
        Competency(name=EV, required=3),
    ),
)
WB = workbook(version=12)
PLAN = DevelopmentPlan(
    ratings=(Rating(competency=EV, by="manager", level=2, comment="Needs data"),),
    actions=(
        DevelopmentAction(
            kind="experience", description="Shadow the audit", gap=HS, due=dt.date(2026, 12, 1)
        ),
    ),
)


def state(**more: Any) -> WorkbookState:
    return WorkbookState(more.pop("wb", WB), **{"job": JOB, "plan": PLAN, **more})


class Saves:
    """An ``on_save`` that keeps what it was given (plan, reason, version)."""

    def __init__(self) -> None:
        self.calls: list[tuple[DevelopmentPlan, str, int]] = []
        self.planner: DevelopmentPlanner | None = None

    def __call__(self, plan: DevelopmentPlan, reason: str) -> None:
        assert self.planner is not None
        self.calls.append((plan, reason, self.planner.based_on))


def planner(party: str | None = "employee", **more: Any) -> tuple[DevelopmentPlanner, Saves]:
    saves = Saves()
    p = DevelopmentPlanner(state(**more), party, {"rokafor": "Richard Okafor"}, on_save=saves)  # type: ignore[arg-type]
    saves.planner = p
    return p, saves


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_own_ratings_are_inputs_and_the_others_are_words() -> None:
    p, _s = planner()
    assert list(p.rows) == [HS, EV]
    assert p.rows[EV].other.value == "Manager: 2 – Needs data"
    assert ("3 – Runs the checks", 3) in p.rows[HS].level.options
    gaps = html.unescape(p.gaps_table.value)
    assert "a gap of 1 by the manager's rating; the employee has not rated yet" in gaps
    assert p.gap_image.value.startswith("<svg")
    assert not is_shown(p.support_form)  # the manager's alone


def test_value_is_the_plan_with_the_typed_ratings_and_setting_it_fills_them() -> None:
    p, _s = planner()
    p.rows[HS].level.value = 3
    p.rows[HS].comment.value = "Ran the audit"
    assert p.value is not None
    assert p.value.rating(HS, "employee") == Rating(
        competency=HS, by="employee", level=3, comment="Ran the audit"
    )
    assert p.value.rating(EV, "manager") == PLAN.ratings[0]  # kept exactly
    p.value = PLAN.model_copy(update={"ratings": (Rating(competency=EV, by="employee", level=4),)})
    assert (p.rows[EV].level.value, p.rows[HS].level.value) == (4, None)


def test_save_my_ratings_sends_the_plan_and_the_version_typing_started_from() -> None:
    p, saves = planner()
    p.rows[HS].level.value = 2
    p.state = state(wb=WB.model_copy(update={"version": 13}))  # another save: typing kept
    assert p.rows[HS].level.value == 2 and p.based_on == 12
    p.save_ratings_button.click()
    ((plan, reason, version),) = saves.calls
    assert (plan.rating(HS, "employee").level, reason, version) == (2, "", 12)  # type: ignore[union-attr]
    assert p.said is p.ratings_status and p.said.message == "Your ratings are saved."


def test_someone_who_is_no_party_rates_nothing() -> None:
    p, saves = planner(party=None)
    assert not is_shown(p.ratings_box)
    assert "Only the employee and the manager rate competencies" in p.ratings_note.value
    p.save_ratings_button.click()  # a browser can still click a hidden button
    assert p.said.message == "only the employee and the manager rate competencies"
    assert saves.calls == []


def test_adding_an_action_checks_it_then_saves_the_plan_with_it() -> None:
    p, saves = planner()
    p.add_action_button.click()
    assert p.said.message == "choose the gap or the objective this action develops"
    p.link.value = ("gap", EV)
    p.description.value = "Read the evaluation guide"
    p.kind.value = "education"
    p.due.value = dt.date(2028, 1, 1)
    p.add_action_button.click()
    assert p.said.kind == "error" and p.said.message.startswith("due:")
    p.due.value = dt.date(2027, 1, 15)
    p.add_action_button.click()
    (plan, _r, _v) = saves.calls[-1]
    assert plan.actions[-1].description == "Read the evaluation guide"
    assert p.said.message == "Action 2 added." and p.description.value == ""


def test_changing_and_removing_an_action() -> None:
    p, saves = planner()
    p.action_pick.value = 1
    p.action_status.value = "done"
    p.set_status_button.click()
    assert saves.calls[-1][0].actions[0].status == "done"
    assert p.said.message == "Action 1 is now done."
    p.remove_action_button.click()
    assert saves.calls[-1][0].actions != ()  # asked first
    p.remove_question.keep_button.click()
    p.remove_question.yes_button.click()  # a forged click after "Keep it": nothing
    assert saves.calls[-1][0].actions != ()
    p.remove_action_button.click()
    p.remove_question.yes_button.click()
    assert saves.calls[-1][0].actions == ()


def test_the_manager_commits_support() -> None:
    p, saves = planner("manager")
    assert is_shown(p.support_form)
    p.support_text.value = "Pay for the course"
    p.add_support_button.click()
    assert saves.calls[-1][0].support[0].text == "Pay for the course"
    assert p.said is p.support_status and p.said.message == "Commitment added."


def test_a_refusal_is_said_under_the_section_in_words() -> None:
    p, _s = planner()

    def refuse(_plan: DevelopmentPlan, _reason: str) -> None:
        raise NotAllowed("only the manager can change the manager's ratings")

    p.on_save = refuse
    p.rows[HS].level.value = 1
    p.save_ratings_button.click()
    assert p.ratings_status.kind == "error"
    assert p.ratings_status.message == "only the manager can change the manager's ratings"
    assert p.rows[HS].level.value == 1


def test_a_conflict_shows_both_values_and_saves_the_choice() -> None:
    p, saves = planner()
    base = PLAN.model_dump(mode="json")
    mine = {**base, "actions": [{**base["actions"][0], "status": "done"}]}
    theirs = {**base, "actions": [{**base["actions"][0], "status": "dropped"}]}
    merged, found = merge3(base, mine, theirs, "plan")
    conflict = EditConflict(
        "Richard Okafor also changed it", "plan", 1, merged, found, 14, ("rokafor",)
    )

    def once(plan: DevelopmentPlan, reason: str) -> None:
        if not saves.calls:
            saves.calls.append((plan, reason, -1))
            raise conflict
        saves(plan, reason)

    p.on_save = once
    p.action_pick.value = 1
    p.action_status.value = "done"
    p.set_status_button.click()
    assert p.actions_status.message == "Richard Okafor also changed it"
    view = p.conflicts.view
    assert view is not None and "Richard Okafor" in view.children[0].value
    view.choices[0].value = "mine"
    view.save_button.click()
    plan, _reason, version = saves.calls[-1]
    assert plan.actions[0].status == "done" and version == 14
    assert p.conflicts.view is None
