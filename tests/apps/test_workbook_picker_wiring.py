"""WorkbookPicker, driven as the front end would: set values, click buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from unittest.mock import MagicMock

import ipywidgets as W
import pytest

from pmwidgets.apps.wiring import workbook_picker
from pmwidgets.domain.model import Person
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.lean import is_shown
from pmwidgets.widgets.workbook_picker import WorkbookPicker


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def wired(svc: Services, on_open: Callable[[int], None] | None = None) -> WorkbookPicker:
    """The picker as the pages wire it to the services."""
    found = workbook_picker(svc, on_open or (lambda _id: None))
    assert isinstance(found, WorkbookPicker)
    return found


def listed(picker: WorkbookPicker) -> list[int]:
    return [wb_id for _label, wb_id in picker.workbooks.options]


@pytest.mark.parametrize(
    ("who", "ids"),
    [("mchen", [1]), ("rokafor", [1, 2, 3]), ("kwalsh", [1, 3, 4]), ("hlambert", [1, 2, 3, 4, 5])],
)
def test_lists_exactly_the_workbooks_the_person_may_see(
    demo: Store, who: str, ids: list[int]
) -> None:
    picker = wired(Services(demo, who))
    assert listed(picker) == ids
    assert picker.value is None


def test_labels_say_who_stage_and_cycle(demo: Store) -> None:
    picker = wired(Services(demo, "mchen"))
    assert picker.workbooks.options[0][0] == (
        "Mei Chen with Richard Okafor — Check-ins (1 Sep 2026 – 31 Aug 2027)"
    )
    assert "Signed in as Mei Chen" in picker.signed_in.value


def test_facilitated_session_names_the_coach(demo: Store) -> None:
    picker = wired(Services(demo, "mchen", facilitator_id="kwalsh"))
    assert "Kate Walsh facilitating" in picker.signed_in.value


def test_open_sets_value_and_calls_on_open(demo: Store) -> None:
    on_open = MagicMock()
    picker = wired(Services(demo, "rokafor"), on_open)
    picker.workbooks.value = 2
    picker.open_button.click()
    assert picker.status.kind == "ok", picker.status.message
    assert picker.value == 2
    on_open.assert_called_once_with(2)


def test_open_of_a_workbook_not_listed_is_refused(demo: Store) -> None:
    """Even if the page's options were tampered with, the service checks access again."""
    on_open = MagicMock()
    picker = wired(Services(demo, "mchen"), on_open)
    picker.workbooks.options = [("forged", 4)]
    picker.workbooks.value = 4
    picker.open_button.click()
    assert picker.status.kind == "error"
    assert "not available to you" in picker.status.message
    assert picker.value is None
    on_open.assert_not_called()


def test_new_cycle_form_defaults(demo: Store) -> None:
    picker = wired(Services(demo, "hlambert"))
    year = dt.date.today().year
    assert picker.cycle_start.value == dt.date(year, 9, 1)
    assert picker.cycle_end.value == dt.date(year + 1, 8, 31)
    assert picker.coach.value == "" and picker.coach.options[0][0] == "No coach"
    assert [v for _l, v in picker.coach.options[1:]] == ["kwalsh"]
    assert {v for _l, v in picker.manager.options} == {"hlambert", "rokafor"}
    employees = {v for _l, v in picker.employee.options}
    assert "lmorris" in employees and "kwalsh" not in employees and "hlambert" not in employees
    picker.employee.value = "mchen"
    assert picker.manager.value == "rokafor"  # the employee's own manager
    picker.employee.value = "lmorris"
    assert picker.manager.value == "hlambert"
    assert is_shown(picker.new_cycle)


def test_create_workbook_selects_and_opens_it(demo: Store) -> None:
    on_open = MagicMock()
    picker = wired(Services(demo, "hlambert"), on_open)
    picker.employee.value = "lmorris"
    picker.coach.value = "kwalsh"
    picker.cycle_start.value = dt.date(2026, 9, 1)
    picker.cycle_end.value = dt.date(2027, 8, 31)
    picker.create_button.click()
    assert picker.status.kind == "ok", picker.status.message
    wbs = Services(demo, "hlambert").workbooks()
    assert len(wbs) == 6
    new = wbs[-1]
    assert (new.employee_id, new.manager_id, new.coach_id) == ("lmorris", "hlambert", "kwalsh")
    assert listed(picker) == [1, 2, 3, 4, 5, new.id]
    assert picker.workbooks.value == new.id and picker.value == new.id
    on_open.assert_called_once_with(new.id)
    assert demo.events(new.id)[-1].actor_id == "hlambert"
    assert wired(Services(demo, "lmorris")).workbooks.value == new.id


def test_employee_may_not_create_a_workbook(demo: Store) -> None:
    on_open = MagicMock()
    picker = wired(Services(demo, "mchen"), on_open)
    assert not is_shown(picker.new_cycle)  # hidden, but a browser can still click
    picker.employee.value = "mchen"
    picker.manager.value = "rokafor"
    picker.create_button.click()
    assert picker.status.kind == "error"
    assert "only the manager, the coach or an admin" in picker.status.message
    assert len(Services(demo, "hlambert").workbooks()) == 5
    assert picker.value is None
    on_open.assert_not_called()


def test_manager_may_not_create_for_someone_elses_report(demo: Store) -> None:
    picker = wired(Services(demo, "rokafor"))
    picker.employee.value = "lmorris"  # manager defaults to hlambert
    picker.create_button.click()
    assert picker.status.kind == "error"
    assert len(Services(demo, "hlambert").workbooks()) == 5


def test_bad_dates_are_refused_in_words(demo: Store) -> None:
    picker = wired(Services(demo, "hlambert"))
    picker.employee.value = "lmorris"
    picker.cycle_end.value = picker.cycle_start.value - dt.timedelta(days=1)
    picker.create_button.click()
    assert picker.status.kind == "error"
    assert "the cycle must end after it starts" in picker.status.message
    picker.cycle_end.value = None
    picker.create_button.click()
    assert "choose the dates" in picker.status.message
    assert len(Services(demo, "hlambert").workbooks()) == 5


def test_names_are_escaped(demo: Store) -> None:
    evil = "<script>alert(1)</script>"
    admin = Services(demo, "hlambert")
    admin.add_person(Person(id="evil", name=evil, manager_id="hlambert"))
    picker = wired(Services(demo, "evil"))
    assert "<script>" not in picker.signed_in.value
    assert "&lt;script&gt;" in picker.signed_in.value
    creator = wired(admin)
    creator.employee.value = "evil"
    creator.create_button.click()
    assert creator.status.kind == "ok", creator.status.message
    assert "<script>" not in creator.status.value and "&lt;script&gt;" in creator.status.value
