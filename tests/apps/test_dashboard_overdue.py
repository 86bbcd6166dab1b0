"""The dashboard flags a check-in as overdue only where check-ins are still being held."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import ipywidgets as W
import pytest

from pmwidgets.apps.dashboard import dashboard_for
from pmwidgets.services import Services
from pmwidgets.services.frames import frames
from pmwidgets.store import Store
from pmwidgets.widgets.dashboard import Dashboard

ROW = re.compile(r"<tr data-workbook='(\d+)'>(.*?)</tr>", re.S)
#: months after the demo's last check-ins: every due day has passed.
LONG_AFTER = dt.date(2027, 6, 1)


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def cells(d: Dashboard) -> dict[int, str]:
    """Each shown row's text, by workbook number."""
    return {
        int(n): html.unescape(re.sub(r"<[^>]+>", " ", row)) for n, row in ROW.findall(d.table.value)
    }


def test_a_workbook_in_review_is_not_flagged_overdue(demo: Store) -> None:
    svc = Services(demo, "hlambert")
    d = dashboard_for(svc, today=LONG_AFTER)
    rows = cells(d)
    stages = {r.workbook_id: r.stage for r in d.ordered}
    assert stages == {1: "check_ins", 2: "objectives", 3: "check_ins", 4: "review", 5: "job_description"}  # fmt: skip
    # Anna's workbook (4) is in review; her last check-in was in October 2026
    assert "last on" in rows[4]
    assert "check-in overdue" not in rows[4] and "next due" not in rows[4]
    for n in (1, 3):  # still holding check-ins: overdue, with the day it was due
        assert "⚠ check-in overdue" in rows[n] and "next due" in rows[n]
    assert d.counts["overdue"] == 2
    head = html.unescape(re.sub(r"<[^>]+>", " ", d.headline.value))
    assert re.search(r"\b2\s+with a check-in overdue", head)
    wbs = frames(svc, LONG_AFTER).workbooks
    assert d.counts["overdue"] == int(wbs["overdue_check_in"].sum())
    d.attention.value = True  # overdue (1, 3), one-sided (2); 4 needs nothing
    assert sorted(cells(d)) == [1, 2, 3]
