"""DateBox: dates in the organisation's order, whatever the browser's language."""

from __future__ import annotations

import datetime as dt

import pytest

from pmwidgets.widgets.date_box import DateBox


def test_the_box_shows_and_reads_the_organisation_s_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMW_DATE_ORDER", raising=False)
    box = DateBox("Due", dt.date(2027, 8, 31))
    assert (box.text.value, box.text.placeholder) == ("31/08/2027", "dd/mm/yyyy")
    box.text.value = "1/9/2026"
    assert box.value == dt.date(2026, 9, 1) and box.text.value == "01/09/2026"
    box.text.value = "2027-03-31"  # ISO is always read, and shown back in the local order
    assert box.value == dt.date(2027, 3, 31) and box.text.value == "31/03/2027"
    box.value = None
    assert box.text.value == ""


def test_an_american_organisation_writes_the_month_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMW_DATE_ORDER", "mdy")
    box = DateBox("Due", dt.date(2027, 8, 31))
    assert (box.text.value, box.text.placeholder) == ("08/31/2027", "mm/dd/yyyy")
    box.text.value = "9/1/2026"
    assert box.value == dt.date(2026, 9, 1)


@pytest.mark.parametrize("typed", ["30 June", "31/02/2027", "12/2027", "31/08/27", "<b>x</b>"])
def test_what_is_not_a_date_gets_one_line_and_no_date(
    monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    monkeypatch.delenv("PMW_DATE_ORDER", raising=False)
    box = DateBox("Due", dt.date(2027, 8, 31))
    box.text.value = typed
    assert box.value is None
    assert "write it as dd/mm/yyyy, for example 31/08/2027" in box.problem.value
    assert "<b>" not in box.problem.value and "\n" not in box.problem.value
    box.text.value = "31/08/2027"
    assert box.value == dt.date(2027, 8, 31) and "pmw-hidden" in box.problem._dom_classes


def test_a_disabled_box_takes_no_input() -> None:
    box = DateBox("Due")
    box.disabled = True
    assert box.text.disabled
