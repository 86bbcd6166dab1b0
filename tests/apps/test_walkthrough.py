"""A whole cycle for a demo employee, 00 to 05, in coach mode, using only the pages' widgets.

Laura Morris (graduate careers adviser, no workbook yet) and her manager Helen
Lambert sit with the coach Kate Walsh. Helen opens the workbook on the start
page; then Kate runs every step on one screen, switching who is acting. At the
end, every record is in the history under its author's name, both people's
contributions and both confirmations are there, and the workbook is closed.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import ipywidgets as W
import pytest

from pmwidgets.apps import (
    check_ins_page,
    development_page,
    job_description_page,
    objectives_page,
    review_page,
    start_page,
)
from pmwidgets.apps import session as app_session
from pmwidgets.apps.pages import StepPage
from pmwidgets.domain import AgreementStatus, Stage
from pmwidgets.services import Services, identity
from pmwidgets.store import Store
from pmwidgets.widgets.agreement_panel import AgreementPanel
from pmwidgets.widgets.check_in_log import CheckInLog
from pmwidgets.widgets.coverage_view import CoverageView
from pmwidgets.widgets.development_planner import DevelopmentPlanner
from pmwidgets.widgets.job_description_editor import JobDescriptionEditor
from pmwidgets.widgets.lean import is_shown
from pmwidgets.widgets.objective_list import ObjectiveList
from pmwidgets.widgets.review_form import ReviewForm
from pmwidgets.widgets.session_bar import SessionBar
from pmwidgets.widgets.workbook_picker import WorkbookPicker

T = TypeVar("T", bound=W.Widget)


def find(root: W.Widget, cls: type[T], index: int = 0) -> T:
    """The ``index``-th widget of type ``cls`` under ``root`` (depth first)."""
    found: list[T] = []

    def walk(w: W.Widget) -> None:
        if isinstance(w, cls):
            found.append(w)
        for child in getattr(w, "children", ()):
            walk(child)

    walk(root)
    assert len(found) > index, f"no {cls.__name__} on the page"
    return found[index]


@pytest.fixture
def pages(lab_store: Store) -> Store:
    return lab_store


def act(page: StepPage, person: str) -> None:
    """The coach switches who is acting, on the page's session bar."""
    bar = find(page, SessionBar)
    bar.acting_choice.value = person
    assert page.context is not None and page.context.services.me.id == person


def confirm(page: StepPage, person: str, panel_index: int = 0) -> None:
    """The person confirms at the coach's screen: the coach alone cannot; their own code,
    read on their own signed-in page, makes it count."""
    act(page, person)
    panel = find(page, AgreementPanel, panel_index)
    if is_shown(panel.accept):  # a SMART criterion not met: the person says why they accept
        panel.accept.value = "We agreed this as it is, in the session"
    panel.confirm_button.click()
    assert panel.status.kind == "error" and "personal code" in panel.status.message
    if is_shown(panel.accept):
        panel.accept.value = "We agreed this as it is, in the session"
    panel.code.value = identity.personal_code(person)
    panel.confirm_button.click()
    assert panel.status.kind == "ok", panel.status.message


def test_a_whole_cycle_in_coach_mode(pages: Store) -> None:
    store = pages
    # 00 Start here: Helen signs in and opens Laura's workbook with Kate as coach.
    page = start_page()
    chooser = find(page, W.Dropdown)
    chooser.value = "hlambert"
    find(page, W.Button).click()  # Continue
    picker = find(page, WorkbookPicker)
    picker.employee.value = "lmorris"
    picker.manager.value = "hlambert"
    picker.coach.value = "kwalsh"
    picker.cycle_start.value, picker.cycle_end.value = dt.date(2026, 9, 1), dt.date(2027, 8, 31)
    picker.create_button.click()
    assert picker.status.kind == "ok", picker.status.message
    wb_id = picker.value
    assert wb_id == 6 and page.context is not None and page.context.workbook_id == 6

    # From here Kate facilitates on one screen.
    app_session.save_selection(app_session.Selection(user="kwalsh", workbook=wb_id))

    # 01 Job description: start from the catalogue, confirm it together.
    page = job_description_page()
    act(page, "hlambert")
    editor = find(page, JobDescriptionEditor)
    editor.search_box.value = "career counselors"
    editor.search_button.click()
    editor.results.value = next(v for _label, v in editor.results.options if "21-1012.00" in str(v))
    editor.use_button.click()
    editor.title.value = "Graduate careers adviser"
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    confirm(page, "hlambert")
    confirm(page, "lmorris")
    assert store.get_workbook(wb_id).stage == Stage.OBJECTIVES

    # 02 Objectives: each proposes one; the rest of the job is left out with a reason; both agree.
    page = objectives_page()
    job = Services(store, "lmorris").open(wb_id).job
    assert job is not None
    for who, title, resp, weight in (
        ("lmorris", "Guidance interviews for every final-year learner", 1, 60),
        ("hlambert", "A careers resource library that learners use", 2, 40),
    ):
        act(page, who)
        objectives = find(page, ObjectiveList)
        objectives.new_button.click()
        e = objectives.editor
        e.title.value = title
        e.description.value = "Hold and record a one-to-one guidance interview with each final-year learner before March."
        e.responsibilities.value = (resp,)
        e.measure.value = "Interviews recorded in the learner system"
        e.target.value = "100% of final-year learners by 31 March"
        e.due.value = dt.date(2027, 3, 31)
        e.weight.value = weight
        e.save_button.click()
        assert e.status.kind == "ok", e.status.message
    assert "weights total 100" in find(page, ObjectiveList).total.value
    coverage = find(page, CoverageView)
    for number in [r.number for r in job.responsibilities][2:]:
        coverage.responsibility.value = number
        coverage.why.value = "Shared with the careers team this year"
        coverage.save_button.click()
        assert coverage.status.kind == "ok", coverage.status.message
    assert "every responsibility has an objective or a reason" in coverage.summary.value
    confirm(page, "lmorris")
    confirm(page, "hlambert")
    assert store.get_workbook(wb_id).stage == Stage.DEVELOPMENT

    # 03 Development plan: both rate; an action; Helen's support; both agree.
    page = development_page()
    competencies = [c.name for c in job.competencies][:2]
    for who, level in (("lmorris", 2), ("hlambert", 3)):
        act(page, who)
        planner = find(page, DevelopmentPlanner)
        for name in competencies:
            planner.rows[name].level.value = level
        planner.save_ratings_button.click()
        assert planner.said.kind == "ok", planner.said.message
    act(page, "lmorris")
    planner = find(page, DevelopmentPlanner)
    planner.kind.value = "exposure"
    planner.description.value = "Shadow two guidance interviews by the senior adviser"
    planner.link.value = next(v for _label, v in planner.link.options if v)
    planner.due.value = dt.date(2026, 12, 15)
    planner.add_action_button.click()
    assert planner.said.kind == "ok", planner.said.message
    act(page, "hlambert")
    planner = find(page, DevelopmentPlanner)
    planner.support_text.value = "Two afternoons a month protected for the shadowing"
    planner.add_support_button.click()
    assert planner.said.kind == "ok", planner.said.message
    confirm(page, "hlambert")
    confirm(page, "lmorris")
    assert store.get_workbook(wb_id).stage == Stage.CHECK_INS

    # 04 Check-ins: Laura brings progress and evidence.
    page = check_ins_page()
    act(page, "lmorris")
    log = find(page, CheckInLog)
    log.on.value = dt.date(2026, 11, 20)
    log.goal.value, log.reality.value = "Interviews so far", "24 of 60 learners interviewed"
    log.options.value, log.will.value = (
        "Group sessions for the rest?",
        "Book the remaining interviews by December",
    )
    row = log.rows[1]
    row.percent.value, row.status.value, row.evidence.value = 40, "on_track", "24 interview records"
    log.save_button.click()
    assert log.status.kind == "ok", log.status.message

    # 05 Review: Helen starts it; both assess; both sign.
    page = review_page()
    act(page, "hlambert")
    form = find(page, ReviewForm)
    form.start_button.click()  # months before the cycle ends: a reason is needed
    assert form.status.kind == "error" and "give the reason" in form.status.message
    form.start_reason.value = "Laura moves to the new campus in the spring"
    form.start_button.click()
    assert form.status.kind == "ok", form.status.message
    for who, level in (("lmorris", "met"), ("hlambert", "exceeded")):
        act(page, who)
        form = find(page, ReviewForm)
        for number in (1, 2):
            form.levels[number].value = level
            form.comments[number].value = f"{who}: see the check-in evidence"
        form.save_button.click()
        assert form.status.kind == "ok", form.status.message
    confirm(page, "lmorris")
    confirm(page, "hlambert")

    # The record: closed, verified, every contribution and confirmation under its author.
    svc = Services(store, "hlambert")
    state = svc.open(wb_id)
    assert state.workbook.stage == Stage.CLOSED
    for subject in ("job_description", "objectives", "development_plan", "review"):
        assert state.agreement_status(subject) == AgreementStatus.AGREED  # type: ignore[arg-type]
        confirmations = state.agreements[subject].confirmations
        assert {(c.person_id, c.facilitator_id) for c in confirmations} == {
            ("lmorris", "kwalsh"),
            ("hlambert", "kwalsh"),
        }
    events = svc.history(wb_id)
    content = [e for e in events if e.entity == "record"]
    assert {e.actor_id for e in content} == {"lmorris", "hlambert"}  # nobody else wrote anything
    assert all(e.facilitator_id == "kwalsh" for e in content)
    objectives_by = {o.title: o.proposed_by for o in state.objectives}
    assert objectives_by == {
        "Guidance interviews for every final-year learner": "lmorris",
        "A careers resource library that learners use": "hlambert",
    }
    for o in state.objectives:
        added = next(
            e
            for e in content
            if e.action == "objective.added" and e.entity_key.endswith(f"/{o.id}")
        )
        assert added.actor_id == o.proposed_by
    check_in = next(e for e in content if e.action == "check_in.added")
    assert check_in.actor_id == "lmorris"
    participation = svc.participation(wb_id)
    assert (
        participation.employee > 0 and participation.manager > 0 and participation.one_sided is None
    )
    assert store.verify().ok
