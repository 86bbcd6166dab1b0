"""WorkbookPicker on people and workbooks made in memory: listing, opening, creating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import ipywidgets as W
import pytest

from pmwidgets.domain.errors import NotAllowed
from pmwidgets.domain.model import Person, Role, Stage, Workbook
from pmwidgets.widgets.lean import is_shown
from pmwidgets.widgets.workbook_picker import WorkbookPicker

BOSS = Person(id="rokafor", name="Richard Okafor", roles=(Role.MANAGER,))
MEI = Person(id="mchen", name="Mei Chen", manager_id="rokafor")
DAN = Person(id="dsilva", name="Dan Silva", manager_id="rokafor")
KATE = Person(id="kwalsh", name="Kate Walsh", roles=(Role.COACH,))
PEOPLE = [BOSS, MEI, DAN, KATE]


def workbook(n: int, employee: str = "mchen", **more: Any) -> Workbook:
    return Workbook(
        id=n,
        employee_id=employee,
        manager_id="rokafor",
        cycle_start=dt.date(2026, 9, 1),
        cycle_end=dt.date(2027, 8, 31),
        **more,
    )


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_lists_the_workbooks_given_in_words() -> None:
    picker = WorkbookPicker(
        [workbook(1, stage=Stage.CHECK_INS), workbook(2, "dsilva")], PEOPLE, me=MEI
    )
    assert picker.workbooks.options == (
        ("Mei Chen with Richard Okafor — Check-ins (1 Sep 2026 – 31 Aug 2027)", 1),
        ("Dan Silva with Richard Okafor — Job description (1 Sep 2026 – 31 Aug 2027)", 2),
    )
    assert picker.workbooks.value == 1 and picker.value is None
    assert "Signed in as Mei Chen" in picker.signed_in.value
    assert not is_shown(picker.new_cycle)  # an employee does not open workbooks


def test_a_facilitated_session_names_the_coach() -> None:
    picker = WorkbookPicker([], PEOPLE, me=MEI, facilitator=KATE)
    assert "Kate Walsh facilitating, acting as Mei Chen" in picker.signed_in.value
    assert picker.status.message == "There are no workbooks for you yet."


def test_open_calls_on_open_then_sets_value() -> None:
    on_open = MagicMock()
    picker = WorkbookPicker([workbook(1), workbook(2, "dsilva")], PEOPLE, me=BOSS, on_open=on_open)
    picker.workbooks.value = 2
    picker.open_button.click()
    on_open.assert_called_once_with(2)
    assert picker.value == 2
    assert picker.status.message.startswith("Opened: Dan Silva with Richard Okafor")


def test_a_refused_open_is_said_in_words_and_opens_nothing() -> None:
    def refuse(_id: int) -> None:
        raise NotAllowed("workbook 1 is not available to you")

    picker = WorkbookPicker([workbook(1)], PEOPLE, me=MEI, on_open=refuse)
    picker.open_button.click()
    assert picker.status.kind == "error"
    assert picker.status.message == "workbook 1 is not available to you"
    assert picker.value is None


def test_setting_the_workbooks_redraws_the_list_keeping_the_choice() -> None:
    picker = WorkbookPicker([workbook(1), workbook(2, "dsilva")], PEOPLE, me=BOSS)
    picker.workbooks.value = 2
    picker.all_workbooks = [workbook(2, "dsilva"), workbook(3)]
    assert [i for _l, i in picker.workbooks.options] == [2, 3]
    assert picker.workbooks.value == 2


def test_create_hands_the_form_to_on_create_then_opens_the_new_workbook() -> None:
    on_open, made = MagicMock(), workbook(7, "dsilva")
    on_create = MagicMock(return_value=made)
    picker = WorkbookPicker([workbook(1)], PEOPLE, me=BOSS, on_open=on_open, on_create=on_create)
    assert is_shown(picker.new_cycle)
    picker.employee.value = "dsilva"
    assert picker.manager.value == "rokafor"  # the employee's own manager
    picker.coach.value = "kwalsh"
    picker.cycle_start.value, picker.cycle_end.value = dt.date(2026, 9, 1), dt.date(2027, 8, 31)
    picker.create_button.click()
    on_create.assert_called_once_with(
        "dsilva", "rokafor", dt.date(2026, 9, 1), dt.date(2027, 8, 31), "kwalsh"
    )
    assert [i for _l, i in picker.workbooks.options] == [1, 7]
    assert picker.workbooks.value == 7 and picker.value == 7
    on_open.assert_called_once_with(7)
    assert picker.status.message.startswith("Workbook created: Dan Silva")


def test_create_without_dates_is_refused_in_words() -> None:
    on_create = MagicMock()
    picker = WorkbookPicker([], PEOPLE, me=BOSS, on_create=on_create)
    picker.employee.value = "mchen"
    picker.cycle_end.value = None
    picker.create_button.click()
    assert picker.status.message == "choose the dates the cycle starts and ends"
    on_create.assert_not_called()


def test_names_are_escaped() -> None:
    evil = Person(id="evil", name="<script>alert(1)</script>", manager_id="rokafor")
    picker = WorkbookPicker([workbook(1, "evil")], [*PEOPLE, evil], me=evil)
    assert "<script>" not in picker.signed_in.value
    assert "&lt;script&gt;" in picker.signed_in.value
