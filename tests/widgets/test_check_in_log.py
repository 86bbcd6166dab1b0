"""CheckInLog on a workbook made in memory: the log, the form, ``value`` both ways, saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import ipywidgets as W
import pytest
from widgets.memory import objective, workbook

from pmwidgets.domain.errors import NotAllowed
from pmwidgets.domain.model import (
    Amendment,
    CheckIn,
    ObjectiveProgress,
    Stage,
)
from pmwidgets.domain.state import WorkbookState
from pmwidgets.store import StaleWrite
from pmwidgets.widgets.check_in_log import CheckInLog

XSS = "<script>alert('x')</script>"
NAMES = {"mchen": "Mei Chen", "rokafor": "Richard Okafor"}
WB = workbook(stage=Stage.CHECK_INS, version=9)


OBJECTIVES = (objective(1, "Pass rate"), objective(2, "Retention"))
PAST = (
    CheckIn(
        id=1,
        on=dt.date(2026, 10, 13),
        author="mchen",
        goal="First look",
        progress=(ObjectiveProgress(objective=1, percent=15, status="on_track"),),
        carried_forward=("Record retention monthly",),
    ),
    CheckIn(
        id=2,
        on=dt.date(2026, 11, 3),
        author="rokafor",
        reality=XSS,
        progress=(ObjectiveProgress(objective=1, percent=30, status="at_risk", evidence="Mock"),),
    ),
)


def state(**more: Any) -> WorkbookState:
    return WorkbookState(WB, **{"objectives": OBJECTIVES, "check_ins": PAST, **more})


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_the_log_is_newest_first_by_name_with_a_chart() -> None:
    log = CheckInLog(state(), NAMES)
    assert log.entries.titles == ("3 Nov 2026 — by Richard Okafor", "13 Oct 2026 — by Mei Chen")
    latest = log.entries.bodies[0]
    assert "Objective 1 Pass rate: 30%, at risk — evidence: Mock" in latest
    assert "<script>" not in latest and "&lt;script&gt;" in latest
    (chart,) = log.chart_box.children
    assert chart.value.startswith("<svg") and "15% on 13 Oct 2026, 30% on 3 Nov 2026" in chart.alt
    assert "No actions were carried forward" in log.carried_in.value  # none on 3 Nov
    assert {n: r.percent.value for n, r in log.rows.items()} == {1: 30, 2: 0}  # last recorded


def test_value_follows_the_form_and_is_none_while_empty() -> None:
    log = CheckInLog(state(), NAMES)
    assert log.value is None
    log.on.value = dt.date(2026, 11, 24)
    log.will.value = "Book the exam room"
    log.rows[2].status.value = "on_track"
    log.rows[2].percent.value = 10
    log.carried.value = "One\n\n  Two  "
    assert log.value == CheckIn(
        on=dt.date(2026, 11, 24),
        will="Book the exam room",
        progress=(ObjectiveProgress(objective=2, percent=10, status="on_track"),),
        carried_forward=("One", "Two"),
    )
    log.rows[1].evidence.value = "typed, but no status chosen"
    assert log.value is None


def test_setting_value_fills_the_form() -> None:
    log = CheckInLog(state(), NAMES)
    given = CheckIn(
        on=dt.date(2026, 12, 1),
        goal="Plan the spring",
        progress=(ObjectiveProgress(objective=2, percent=20, status="on_track", evidence="Log"),),
        amendments=(Amendment(objective=2, proposal="Move it to May", reason="Exams moved"),),
    )
    log.value = given
    assert (log.on.value, log.goal.value) == (dt.date(2026, 12, 1), "Plan the spring")
    assert (log.rows[2].percent.value, log.rows[2].evidence.value) == (20, "Log")
    assert log.rows[1].status.value == ""  # not discussed
    assert (log.amend_objective.value, log.amend_reason.value) == (2, "Exams moved")
    assert log.value == given
    log.value = None
    assert log.goal.value == "" and log.amend_objective.value == 0


def test_save_hands_the_check_in_to_on_save_and_clears_the_form() -> None:
    on_save = MagicMock(return_value=3)
    log = CheckInLog(state(), NAMES, on_save=on_save)
    log.goal.value = "Exam preparation"
    log.amend_proposal.value = "Drop objective 2"
    log.amend_reason.value = "The course closed"
    log.save_button.click()
    (check_in, reason), _kw = on_save.call_args
    assert check_in.goal == "Exam preparation" and reason == ""
    assert check_in.amendments[0].proposal == "Drop objective 2"
    assert log.status.kind == "ok"
    assert log.status.message == (
        "Check-in 3 saved. The proposed amendment reopened the objectives: "
        "both need to agree them again."
    )
    assert log.goal.value == "" and log.value is None


def test_an_empty_check_in_is_refused_in_words() -> None:
    on_save = MagicMock()
    log = CheckInLog(state(), NAMES, on_save=on_save)
    log.save_button.click()
    assert log.status.message == "write something about the conversation before saving"
    on_save.assert_not_called()


@pytest.mark.parametrize(
    "refusal",
    [
        NotAllowed("workbook 1 is not available to you"),
        StaleWrite("Richard Okafor saved a change since you opened this page.", 10),
    ],
)
def test_a_refusal_is_shown_in_words_and_the_typing_is_kept(refusal: Exception) -> None:
    def refuse(_c: CheckIn, _r: str) -> None:
        raise refusal

    log = CheckInLog(state(), NAMES, on_save=refuse)
    log.goal.value = "Kept"
    log.save_button.click()
    assert log.status.kind == "error" and log.status.message == str(refusal)
    assert "Traceback" not in log.status.value
    assert log.goal.value == "Kept"


def test_a_new_state_redraws_the_log_and_keeps_the_typing() -> None:
    log = CheckInLog(state(), NAMES)
    log.goal.value = "Still typing"
    newer = CheckIn(id=3, on=dt.date(2026, 11, 20), author="rokafor", goal="Catch-up")
    log.state = state(
        check_ins=(*PAST, newer), objectives=(*OBJECTIVES, objective(3, "Attendance"))
    )
    assert log.entries.titles[0] == "20 Nov 2026 — by Richard Okafor"
    assert sorted(log.rows) == [1, 2, 3]
    assert ("Objective 3: Attendance", 3) in log.amend_objective.options
    assert log.goal.value == "Still typing"
    assert log.based_on == 9
