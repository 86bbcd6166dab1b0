"""The JupyterLab session app (StepPage in place): moving between steps and workbooks on
one kernel, one selection for every panel and notebook, and what a browser may ask.

The browser journey is tests/browser/test_lab_journey.py; these check the kernel's side.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import ipywidgets as W
import pytest

from pmwidgets.apps import objectives_page, session_app
from pmwidgets.apps import session as app_session
from pmwidgets.apps.step_page import StepPage
from pmwidgets.cli.lab import strip_widget_views
from pmwidgets.store import Store
from pmwidgets.widgets.lean import is_shown, widget_tree
from pmwidgets.widgets.objective_list import ObjectiveList


@pytest.fixture
def lab(lab_store: Store) -> Store:
    """JupyterLab's mode on a copy of the demo, nobody chosen yet."""
    return lab_store


def choose(**values: object) -> None:
    app_session.save_selection(replace(app_session.load_selection(), **values))  # type: ignore[arg-type]


def summary(page: StepPage) -> str:
    assert page.bar is not None
    return str(page.bar.summary.value)


def shown_step(page: StepPage) -> str:
    shown = [stem for stem, box in page._boxes.items() if box in page.children and is_shown(box)]
    assert len(shown) == 1, shown
    return shown[0]


def main_view(page: StepPage, stem: str) -> W.Widget:
    """A step's own view: after its next action (and the fold with how it works)."""
    from pmwidgets.widgets.agreed_document import AgreedDocument
    from pmwidgets.widgets.next_action_card import NextActionCard

    kids = page._boxes[stem].children
    assert isinstance(kids[0], NextActionCard)
    if isinstance(kids[2], AgreedDocument):  # an agreed step: its editors, as proposing builds
        return kids[2].editors[0]
    return kids[2]


def test_a_step_leads_with_the_next_action_and_explains_itself_on_the_first_visit(
    lab: Store,
) -> None:
    choose(user="kwalsh", workbook=3, acting="dsilva")
    page = session_app("02_objectives")
    card, fold = page._boxes["02_objectives"].children[:2]
    assert "Next for you" in card.value
    assert "Version 2 of the objectives is ready" in card.value
    assert "href='#pmw-02_objectives-agree'" in card.value
    assert "<details class='pmw-guide' open>" in fold.value  # Kate's first visit
    page.bar.acting_choice.value = "kwalsh"  # type: ignore[union-attr]
    assert "Next in this workbook" in card.value  # the coach is not a party
    again = session_app("02_objectives")  # the notebook run again: a second visit
    fold = again._boxes["02_objectives"].children[1]
    assert "<details class='pmw-guide'>" in fold.value and "How this step works" in fold.value


def test_moving_between_steps_keeps_one_session_and_builds_each_step_once(lab: Store) -> None:
    choose(user="kwalsh", workbook=1)
    page = session_app()
    assert page.in_place and page.catcher is not None and "pmw-app" in page._dom_classes
    ctx = page.context
    assert ctx is not None and shown_step(page) == "00_start_here"
    page.catcher.clicked({"step": "02_objectives", "workbook": "1"})
    objectives = main_view(page, "02_objectives")
    assert isinstance(objectives, ObjectiveList) and shown_step(page) == "02_objectives"
    page.go("03_development_plan")
    page.go("02_objectives")
    assert main_view(page, "02_objectives") is objectives, "built again"
    assert page.context is ctx and shown_step(page) == "02_objectives"
    nav = page.bar.nav.value  # type: ignore[union-attr]
    assert "data-pmw-step='02_objectives' data-pmw-workbook='1' aria-current='page'" in nav
    assert nav.count("aria-current") == 1
    assert app_session.load_selection().step == "02_objectives"


def test_switching_who_acts_reaches_every_built_step(lab: Store) -> None:
    choose(user="kwalsh", workbook=1)
    page = session_app("02_objectives")
    page.go("04_check_ins")
    page.bar.acting_choice.value = "rokafor"  # type: ignore[union-attr]
    objectives = main_view(page, "02_objectives")
    assert objectives.editor.author == "rokafor"
    assert "Richard Okafor is acting" in summary(page)
    assert app_session.load_selection().acting == "rokafor"


def test_a_dashboard_link_opens_that_workbook_in_every_panel(lab: Store) -> None:
    choose(user="kwalsh")
    page = session_app()
    assert page.context is None and "coach_dashboard" not in page._boxes
    board = page.children[-1]
    assert "data-pmw-workbook='4'" in str(board.children[0].table.value)
    page.catcher.clicked({"step": "02_objectives", "workbook": "4"})  # type: ignore[union-attr]
    assert page.context is not None and page.context.workbook_id == 4
    assert "Workbook 4: Anna Berg with Helen Lambert" in summary(page)
    page.go("00_start_here", 1)
    assert page.context.workbook_id == 1 and "Mei Chen" in summary(page)
    assert app_session.load_selection().workbook == 1
    assert "02_objectives" not in page._boxes, "Anna's steps are not kept for Mei's workbook"


def test_a_workbook_the_coach_may_not_see_is_refused_whatever_the_browser_sends(
    lab: Store,
) -> None:
    choose(user="kwalsh", workbook=1)
    page = session_app()
    page.catcher.clicked({"step": "02_objectives", "workbook": "2"})  # type: ignore[union-attr]
    assert page.status.kind == "error"
    assert page.context is not None and page.context.workbook_id == 1
    assert app_session.load_selection().workbook == 1
    page.catcher.clicked({"step": "../../etc", "workbook": "1"})  # type: ignore[union-attr]
    page.catcher.clicked({"step": "home", "workbook": "1"})  # type: ignore[union-attr]
    assert page.status.kind == "error" and "not part of this session" in page.status.message
    page.catcher.clicked({"pdf": "2"})  # type: ignore[union-attr]
    assert page.status.kind == "error"


def test_an_employee_sees_no_dashboard_and_may_not_open_it(lab: Store) -> None:
    choose(user="mchen", workbook=1)
    page = session_app()
    assert "coach_dashboard" not in page.bar.nav.value  # type: ignore[union-attr]
    page.catcher.clicked({"step": "coach_dashboard"})  # type: ignore[union-attr]
    assert page.status.kind == "error" and "for coaches and HR" in page.status.message
    assert page.step == "00_start_here" and app_session.load_selection().step is None


def test_another_notebook_s_choice_is_followed_so_no_page_shows_the_last_workbook(
    lab: Store,
) -> None:
    choose(user="kwalsh", workbook=1)
    first, second = session_app(), objectives_page()
    assert first.comm is None, "running a notebook again closes the kernel's earlier app"
    assert second.selection_changed() is False
    choose(workbook=4, acting=None)
    assert second.selection_changed() is True
    assert second.context is not None and second.context.workbook_id == 4
    assert "Another notebook" in second.status.message


def test_the_session_app_opens_on_the_step_shown_last(lab: Store) -> None:
    choose(user="kwalsh", workbook=1, step="05_review")
    assert session_app().step == "05_review"
    choose(step="no_such_step")
    assert session_app().step == "00_start_here"


def test_the_agreement_pdf_is_sent_to_the_browser_for_a_workbook_one_may_see(lab: Store) -> None:
    choose(user="kwalsh", workbook=1)
    page = session_app()
    sent: list[tuple[object, object]] = []
    page.catcher.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign, union-attr]
    page.catcher.clicked({"pdf": "4"})  # type: ignore[union-attr]
    assert page.status.kind == "ok", page.status.message
    ((content, buffers),) = sent
    assert content == {
        "download": "performance-agreement-workbook-4.pdf",
        "mime": "application/pdf",
    }
    assert bytes(buffers[0]).startswith(b"%PDF")  # type: ignore[index]


def test_a_notebook_is_saved_without_its_widget_views() -> None:
    view = {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": ["VBox()"]}}  # fmt: skip
    text = {"output_type": "stream", "name": "stdout", "text": ["hello\n"]}
    model = {
        "type": "notebook",
        "content": {
            "cells": [{"cell_type": "code", "outputs": [view, text]}, {"cell_type": "markdown"}],
            "metadata": {"widgets": {"state": {}}},
        },
    }
    strip_widget_views(model, path="s/session.ipynb")
    assert model["content"]["cells"][0]["outputs"] == [text]  # type: ignore[index]
    assert "widgets" not in model["content"]["metadata"]  # type: ignore[index]
    other = {"type": "file", "content": "x"}
    strip_widget_views(other)
    assert other == {"type": "file", "content": "x"}


def test_each_session_folder_remembers_its_own_choice(
    lab: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two coaching sessions (two folders) on one database: the second starts by asking
    who is at the screen, and a choice in one never moves the other."""
    (tmp_path / "monday").mkdir()
    (tmp_path / "tuesday").mkdir()
    monkeypatch.chdir(tmp_path / "monday")
    choose(user="kwalsh", workbook=1, acting="mchen")
    monkeypatch.chdir(tmp_path / "tuesday")
    assert app_session.load_selection() == app_session.Selection()
    choose(user="kwalsh", workbook=4)
    monkeypatch.chdir(tmp_path / "monday")
    assert app_session.load_selection() == app_session.Selection("kwalsh", 1, "mchen")


def test_continue_without_a_name_signs_nobody_in(lab: Store) -> None:
    page = session_app()
    chooser = next(w for w in widget_tree(page) if isinstance(w, W.Dropdown))
    assert chooser.value == "" and chooser.options[0][0] == "Choose your name"
    next(w for w in widget_tree(page) if isinstance(w, W.Button)).click()
    assert page.status.kind == "error" and "Choose your name first" in page.status.message
    assert app_session.load_selection().user is None
    chooser.value = "kwalsh"
    next(w for w in widget_tree(page) if isinstance(w, W.Button)).click()
    assert app_session.load_selection().user == "kwalsh"
    assert "Choose a workbook" in page.children[len(page.top)].value


def test_the_dashboard_is_the_coach_s_so_nobody_else_acts_on_it(lab: Store) -> None:
    choose(user="kwalsh", workbook=4)
    page = session_app("02_objectives")
    page.bar.acting_choice.value = "hlambert"  # type: ignore[union-attr]
    page.go("coach_dashboard")
    assert page.context is not None and page.context.acting.id == "kwalsh"
    assert app_session.load_selection().acting is None
    assert "Kate Walsh is acting again" in page.status.message


@pytest.mark.parametrize(
    ("workbook", "chosen", "first"),
    [(3, 1, "1. LOLER inspection refresher course"), (1, None, "Choose an action")],
)
def test_no_drop_down_is_blank(lab: Store, workbook: int, chosen: int | None, first: str) -> None:
    """One choice is chosen; several start on a prompt that says what to choose."""
    choose(user="kwalsh", workbook=workbook)
    page = session_app("03_development_plan")
    planner = main_view(page, "03_development_plan")
    pick = planner.action_pick
    assert pick.value == chosen and pick.options[0][0] == first
    page.go("02_objectives")
    for w in widget_tree(page):
        if isinstance(w, W.Dropdown):
            shown = dict((v, label) for label, v in w.options).get(w.value)
            assert shown, f"{w.description!r} is blank"
