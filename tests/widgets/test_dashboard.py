"""Dashboard on rows made in memory: counts, filters, sorting, pages, links and Read again."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import pytest

from pmwidgets.services.frames import WorkbookSummary
from pmwidgets.widgets.dashboard import Dashboard
from pmwidgets.widgets.lean import is_shown

XSS = "<script>alert('x')</script>"


def row(n: int, employee: str = "Mei Chen", **more: Any) -> WorkbookSummary:
    fields: dict[str, Any] = dict(
        workbook_id=n, employee_id=f"e{n}", employee=employee, manager_id="rokafor",
        manager="Richard Okafor", coach_id=None, coach=None, cycle_start=dt.date(2026, 9, 1),
        cycle_end=dt.date(2027, 8, 31), stage="check_ins", stage_label="Check-ins",
        next_step="Hold a check-in", job_title="Technician", version=3, objectives=3,
        weight_total=100, check_ins=1, last_check_in=dt.date(2026, 10, 1),
        next_check_in_due=dt.date(2026, 11, 12), overdue_check_in=False, pending="",
        one_sided=None, employee_contributions=4, manager_contributions=3,
        responsibilities=4, responsibilities_covered=3, responsibilities_excused=0,
        coverage_share=80, actions_experience=1, actions_exposure=1, actions_education=0,
    )  # fmt: skip
    return WorkbookSummary(**{**fields, **more})


ROWS = [
    row(1, "Mei Chen"),
    row(2, "dan Silva", overdue_check_in=True, coverage_share=None, job_title=None),
    row(3, "Ann Lee", stage="review", stage_label="Review", manager_id="hl", manager="Hana L"),
    row(4, "Bo Park", pending="Awaiting the manager's agreement", one_sided="employee"),
]


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def shown(d: Dashboard) -> list[int]:
    return [r.workbook_id for r in d.rows()]


def test_headline_counts_the_rows() -> None:
    d = Dashboard(ROWS)
    assert d.counts == {"workbooks": 4, "pending": 1, "overdue": 1, "one_sided": 1}
    assert "data-count='overdue'><div class='pmw-title'>1</div>" in d.headline.value
    assert ("Check-ins (3)", "check_ins") in d.stage.options
    assert [label for label, _v in d.manager.options] == [
        "All managers",
        "Hana L",
        "Richard Okafor",
    ]


def test_filters_narrow_the_rows() -> None:
    d = Dashboard(ROWS)
    d.stage.value = "review"
    assert shown(d) == [3]
    d.stage.value = ""
    d.attention.value = True
    assert shown(d) == [2, 4]
    d.attention.value = False
    d.search.value = "DAN"
    assert shown(d) == [2]
    d.search.value = ""
    d.manager.value = "rokafor"
    assert shown(d) == [1, 2, 4]


def test_sorting_by_name_ignores_case_and_missing_values_come_last() -> None:
    d = Dashboard(ROWS)
    d.sort.value = "employee"
    assert shown(d) == [3, 4, 2, 1]
    d.sort.value = "coverage_share"
    d.order.value = "descending"
    assert shown(d) == [1, 3, 4, 2]  # equal shares stay by number; none last


def test_pages_and_their_buttons() -> None:
    d = Dashboard(ROWS, page_size=3)
    assert d.pages == 2 and d.page_label.value == "Page 1 of 2 (4 workbooks)"
    assert d.previous_button.disabled and not d.next_button.disabled
    d.next_button.click()
    assert d.table.value.count("<tr data-workbook=") == 1
    assert d.next_button.disabled
    d.stage.value = "review"  # a filter goes back to the first page
    assert d.page == 0


def test_every_row_links_to_its_own_workbook_and_text_is_escaped() -> None:
    d = Dashboard([row(5, XSS)], link_base="/voila/render/")
    assert "href='/voila/render/02_objectives.ipynb?workbook=5'" in d.table.value
    assert "href='/voila/render/agreement.ipynb?workbook=5'" in d.table.value
    assert "<script>" not in d.table.value
    assert XSS in html.unescape(d.table.value)


def test_an_overdue_check_in_is_said_in_words() -> None:
    d = Dashboard(ROWS)
    overdue = d.table.value.split("data-workbook='2'")[1].split("</tr>")[0]
    assert "⚠ check-in overdue" in overdue
    assert "no job description yet" in overdue


def test_setting_the_rows_redraws_keeping_the_filters() -> None:
    d = Dashboard(ROWS)
    d.stage.value = "check_ins"
    d.summaries = [*ROWS, row(9, "Zoe Zed")]
    assert d.stage.value == "check_ins"
    assert shown(d) == [1, 2, 4, 9]
    assert d.counts["workbooks"] == 5


def test_read_again_uses_on_refresh_and_says_so() -> None:
    assert not is_shown(Dashboard(ROWS).refresh_button)  # nothing to read again with
    d = Dashboard(ROWS[:1], on_refresh=lambda: ROWS)
    assert is_shown(d.refresh_button)
    d.refresh_button.click()
    assert shown(d) == [1, 2, 3, 4]
    assert d.status.message == "Read 4 workbooks again."


def test_charts_are_svg_with_their_numbers() -> None:
    d = Dashboard(ROWS)
    for chart in (d.stage_image, d.coverage_image, d.mix_image):
        assert chart.value.startswith("<svg")
    assert "1 Mei Chen" in html.unescape(d.coverage_image.value)


@pytest.mark.parametrize("rows", [[], [row(1), row(2, "Ana Li")]])
def test_the_board_is_drawn_once_when_it_is_made(
    rows: list[WorkbookSummary], monkeypatch: pytest.MonkeyPatch
) -> None:
    """HR's board of 10,000 rows was drawn twice on every page build."""
    drawn = []
    real = Dashboard.refresh
    monkeypatch.setattr(Dashboard, "refresh", lambda self: (drawn.append(1), real(self))[1])
    board = Dashboard(rows)
    assert len(drawn) == 1
    assert board.counts["workbooks"] == len(rows)
