"""ReviewForm on a workbook made in memory: columns, ``value`` both ways, saving, conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import ipywidgets as W
import pytest
from widgets import memory

from pmwidgets.domain.errors import EditConflict, NotAllowed
from pmwidgets.domain.merge import merge3
from pmwidgets.domain.model import (
    Assessment,
    CheckIn,
    Objective,
    ObjectiveProgress,
    Review,
    Stage,
    Workbook,
)
from pmwidgets.domain.state import WorkbookState
from pmwidgets.widgets.lean import is_shown
from pmwidgets.widgets.review_form import ReviewForm

XSS = "<script>alert('x')</script>"
NAMES = {"mchen": "Mei Chen", "rokafor": "Richard Okafor"}


def workbook(stage: Stage = Stage.REVIEW, version: int = 20) -> Workbook:
    return memory.workbook(stage=stage, version=version)


def objective(n: int) -> Objective:
    return memory.objective(n, f"Objective title {n}", measure="Pass rate")


REVIEW = Review(
    assessments=(Assessment(objective=1, by="manager", level="exceeded", comment=XSS),),
    development_outcomes="Two courses",
)
EVIDENCE = (
    CheckIn(
        id=1,
        on=dt.date(2026, 11, 3),
        progress=(ObjectiveProgress(objective=1, percent=60, status="on_track", evidence="Mock"),),
    ),
)


def state(**more: Any) -> WorkbookState:
    fields: dict[str, Any] = {
        "objectives": (objective(1), objective(2)),
        "review": REVIEW,
        "check_ins": EVIDENCE,
    }
    return WorkbookState(more.pop("wb", workbook()), **{**fields, **more})


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_the_acting_party_edits_their_column_beside_the_evidence() -> None:
    form = ReviewForm(state(), "employee", NAMES)
    assert sorted(form.levels) == [1, 2]
    assert "Manager&#x27;s assessment by Richard Okafor" in form.others[1, "manager"].value
    assert "&lt;script&gt;" in form.others[1, "manager"].value
    assert "<script>" not in form.others[1, "manager"].value
    assert "Mock" in form.evidence[1].value and "60%" in form.evidence[1].value
    assert "No evidence was recorded" in form.evidence[2].value
    assert form.outcomes.value == "Two courses"
    assert is_shown(form.save_button) and not is_shown(form.start_button)


def test_value_is_the_review_with_this_partys_assessments() -> None:
    form = ReviewForm(state(), "employee", NAMES)
    form.levels[2].value = "met"
    form.comments[2].value = "On time"
    form.next_focus.value = "Spring exams"
    assert form.value == Review(
        assessments=(
            *REVIEW.assessments,
            Assessment(objective=2, by="employee", level="met", comment="On time"),
        ),
        development_outcomes="Two courses",
        next_cycle_focus="Spring exams",
    )
    form.levels[2].value = ""  # a comment without a level
    assert form.value is None


def test_setting_value_fills_this_partys_column() -> None:
    form = ReviewForm(state(), "manager", NAMES)
    form.value = Review(
        assessments=(Assessment(objective=2, by="manager", level="not_met", comment="Late"),),
        next_cycle_focus="Retention",
    )
    assert (form.levels[2].value, form.comments[2].value) == ("not_met", "Late")
    assert form.levels[1].value == "" and form.next_focus.value == "Retention"


def test_save_hands_value_and_the_version_typing_started_from_to_on_save() -> None:
    calls: list[tuple[Review, int]] = []
    form = ReviewForm(state(), "employee", NAMES)
    form.on_save = lambda review, _reason: calls.append((review, form.based_on))
    form.levels[1].value = "met"
    form.state = state(wb=workbook(version=21))  # someone saved meanwhile: typing kept
    assert form.levels[1].value == "met" and form.based_on == 20
    form.save_button.click()
    assert form.status.message == "Your assessments are saved."
    ((saved, version),) = calls
    assert version == 20
    assert saved.assessment(1, "employee") == Assessment(objective=1, by="employee", level="met")
    assert saved.assessment(1, "manager") == REVIEW.assessments[0]  # theirs, kept exactly


def test_a_refusal_is_shown_in_words_and_the_typing_stays() -> None:
    form = ReviewForm(state(), "employee", NAMES, on_save=MagicMock(side_effect=NotAllowed("no")))
    form.comments[1].value = "Kept"
    form.levels[1].value = "met"
    form.save_button.click()
    assert (form.status.kind, form.status.message) == ("error", "no")
    assert form.comments[1].value == "Kept"


def test_a_conflict_shows_both_values_and_saves_the_choice_against_its_version() -> None:
    base = {"next_cycle_focus": ""}
    merged, found = merge3(
        base, {"next_cycle_focus": "Mine"}, {"next_cycle_focus": "Theirs"}, "review"
    )
    record = {**REVIEW.model_dump(mode="json"), **merged}
    conflict = EditConflict(
        "Richard Okafor also changed it", "review", 1, record, found, 23, ("rokafor",)
    )
    saved: list[tuple[Review, int]] = []

    def on_save(review: Review, _reason: str) -> None:
        if not saved and review.next_cycle_focus == "Mine":
            saved.append((review, -1))
            raise conflict
        saved.append((review, form.based_on))

    form = ReviewForm(state(), "employee", NAMES, on_save=on_save)
    form.next_focus.value = "Mine"
    form.save_button.click()
    assert form.status.message == "Richard Okafor also changed it"
    view = form.conflicts.view
    assert view is not None and "Theirs" in view.children[0].value
    view.choices[0].value = "mine"
    view.save_button.click()
    assert form.status.message == "Your choice is saved."
    assert saved[-1][0].next_cycle_focus == "Mine" and saved[-1][1] == 23
    assert form.conflicts.view is None


def test_starting_the_review_hands_the_reason_to_on_start() -> None:
    on_start = MagicMock()
    form = ReviewForm(state(wb=workbook(Stage.CHECK_INS)), "manager", NAMES, on_start=on_start)
    assert is_shown(form.start_button) and not is_shown(form.body)
    assert "Starting the review moves this workbook to its last step" in form.stage_note.value
    form.start_reason.value = "Leaving in June"
    form.start_button.click()
    on_start.assert_called_once_with("Leaving in June")
    assert form.start_reason.value == ""


def test_another_acting_party_gets_their_own_column() -> None:
    form = ReviewForm(state(), "employee", NAMES)
    assert (1, "manager") in form.others
    form.party = "manager"
    assert (1, "employee") in form.others and (1, "manager") not in form.others
    assert form.levels[1].value == "exceeded"
