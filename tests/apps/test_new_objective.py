"""A new objective on the objectives page: nothing invented, everything missing said at once."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import ipywidgets as W
import pytest
from apps.objectives_wiring import editor, fill, objectives

from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.objective_editor import ObjectiveEditor


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    W.Widget.close_all()


def _lines(e: ObjectiveEditor) -> list[str]:
    """The feedback's lines, as the person reads them."""
    found = re.findall(r"<div class='[^']*'>(.*?)</div>", e.feedback.value)
    return [html.unescape(re.sub("<[^>]+>", "", line)).strip() for line in found]


def test_a_new_objective_starts_empty_and_shows_no_error_before_anyone_types(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    assert e.due.value is None and e.weight.value == ""  # no invented date or weight
    assert (e.title.value, e.measure.value, e.target.value, e.responsibilities.value) == (
        "",
        "",
        "",
        (),
    )
    assert not e.touched and e.value is None
    assert "✗" not in e.feedback.value and "pmw-bad" not in e.feedback.value
    assert "appear here as you type" in e.feedback.value
    # every field is a real widget the front end can drive; the weight can be empty
    assert all(isinstance(w, W.DOMWidget) for w in (e.due, e.weight, e.title))
    assert isinstance(e.weight, W.Text) and e.weight.get_state()["value"] == ""
    assert e.weight.description == "Weight (%)"


def test_the_list_opens_an_empty_new_objective(demo: Store) -> None:
    lst = objectives(WorkbookSession(Services(demo, "tnguyen"), 2))
    lst.chooser.value = 1
    lst.edit_button.click()
    assert lst.editor.weight.value == "60" and lst.editor.due.value is not None
    lst.new_button.click()
    e = lst.editor
    assert e.number is None and e.due.value is None and e.weight.value == ""
    assert "✗" not in e.feedback.value


def test_once_touched_the_feedback_lists_everything_missing_at_once(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    e.title.value = "Run a learner feedback survey each term"
    assert e.touched
    assert _lines(e) == [
        "Not complete yet:",
        "✗ choose the responsibilities it serves",
        "✗ add a measure before agreeing: how progress will be seen",
        "✗ add a target before agreeing: a number, a date or a yes/no outcome",
        "✗ choose a due date inside the cycle",
        "✗ give it a weight from 1 to 100 (%)",
    ]
    e.responsibilities.value = (1,)
    e.due.value = dt.date(2027, 6, 30)
    e.weight.value = "a lot"
    assert _lines(e)[-1] == "✗ the weight must be a whole number from 1 to 100, not “a lot”"
    e.weight.value = "20%"
    lines = _lines(e)
    # complete enough to save: what it still needs to be agreed, and the SMART feedback
    assert lines[:3] == [
        "Not complete yet:",
        "✗ add a measure before agreeing: how progress will be seen",
        "✗ add a target before agreeing: a number, a date or a yes/no outcome",
    ]
    assert "3/5 SMART" in lines and not any("no measure" in line for line in lines)
    assert e.value is not None and e.value.weight == 20
    e.measure.value = "Survey response rate"
    e.target.value = "80% response by June"
    assert "Not complete yet:" not in _lines(e)


def test_saving_without_a_due_date_or_weight_says_so_in_one_line(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    before = demo.latest_version(2)
    e.save_button.click()  # an untouched, empty form
    assert e.status.kind == "error"
    assert e.status.message == (
        "Not complete yet: give the objective a title; choose the responsibilities it serves;"
        " choose a due date inside the cycle; give it a weight from 1 to 100 (%)"
    )
    assert e.touched and "✗ choose a due date inside the cycle" in _lines(e)  # shown now
    fill(e)
    e.due.value = None
    e.weight.value = ""
    e.save_button.click()
    assert e.status.kind == "error" and "\n" not in e.status.message
    assert e.status.message == (
        "Not complete yet: choose a due date inside the cycle; give it a weight from 1 to 100 (%)"
    )
    assert demo.latest_version(2) == before  # nothing stored, no crash
    e.weight.value = "0"
    e.save_button.click()
    assert "the weight must be a whole number from 1 to 100, not “0”" in e.status.message


def test_an_objective_without_measure_or_target_saves_as_a_draft(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    fill(e)
    e.measure.value = e.target.value = ""
    e.save_button.click()
    assert e.status.kind == "ok", e.status.message
    stored = Services(demo, "rokafor").open(2).objective(e.number or 0)
    assert stored is not None and (stored.measure, stored.target, stored.weight) == ("", "", 10)


def test_a_template_may_supply_the_due_date_and_weight(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    e.load(None, template={"due": dt.date(2027, 3, 31), "weight": 25, "responsibilities": (1, 99)})
    assert (e.due.value, e.weight.value, e.responsibilities.value) == (
        dt.date(2027, 3, 31),
        "25",
        (1,),  # a responsibility the job does not have is not chosen
    )
    assert not e.touched and "✗" not in e.feedback.value  # nobody has typed yet
    e.title.value = "Run a learner feedback survey each term"
    assert "✗ choose a due date inside the cycle" not in _lines(e)
    assert "✗ give it a weight from 1 to 100 (%)" not in _lines(e)


def test_cancel_empties_a_new_objective_and_hides_the_feedback_again(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    e.title.value = "Half typed"
    assert e.touched and "✗" in e.feedback.value
    e.cancel_button.click()
    assert e.title.value == "" and not e.touched and "✗" not in e.feedback.value


def test_an_existing_objective_shows_its_feedback_at_once(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2), number=1)
    assert not e.touched and "SMART" in e.feedback.value
    assert e.weight.value == "60" and e.value is not None and e.value.weight == 60


def test_a_rule_of_the_model_is_said_in_words_too(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    fill(e, "x" * 301)
    assert e.value is None
    assert any(line.startswith("✗ title:") for line in _lines(e)), _lines(e)
    e.save_button.click()
    assert e.status.kind == "error" and e.status.message.startswith("title:")
