"""CheckInLog wired to a workbook of the demo: set values, click, then read the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import ipywidgets as W
import pytest

from pmwidgets.apps.wiring import check_in_log
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain.errors import NotFound
from pmwidgets.domain.model import CheckIn, ObjectiveProgress
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.check_in_log import CheckInLog

XSS = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def page(store: Store, person: str, wb_id: int = 1) -> CheckInLog:
    return wired(WorkbookSession(Services(store, person), wb_id))


def wired(ctx: WorkbookSession) -> CheckInLog:
    """The check-in log as the check-ins page wires it to the workbook."""
    log = check_in_log(ctx)
    assert isinstance(log, CheckInLog)
    return log


def check_ins(store: Store, wb_id: int = 1) -> tuple[CheckIn, ...]:
    return Services(store, "hlambert").open(wb_id).check_ins  # hlambert is an admin


def test_log_shows_the_demo_check_ins_newest_first(demo: Store) -> None:
    log = page(demo, "mchen")
    assert log.entries.titles == (
        "17 Nov 2026 — by Mei Chen",
        "3 Nov 2026 — by Richard Okafor",
        "13 Oct 2026 — by Mei Chen",
    )
    half_term = log.entries.bodies[1]
    assert "leaver&#x27;s employer" in half_term  # escaped, not raw
    assert (
        "Objective 1 Raise the Level 3 diagnostics pass rate: 30%, on track — "
        "evidence: Mock diagnostics test average 68%, up from 55%"
    ) in half_term
    assert "Objective 3 Catch learners who fall behind early: 35%, at risk" in half_term
    assert "<li>Record retention monthly</li>" in half_term
    chart = log.chart_box.children[0]
    assert isinstance(chart, W.HTML) and chart.value.startswith("<svg")
    assert chart.value.count("<polyline") == 4  # one line per objective with progress
    assert "15% on 13 Oct 2026, 30% on 3 Nov 2026" in chart.alt
    # one progress row per objective, starting from the latest percent recorded
    assert {n: r.percent.value for n, r in log.rows.items()} == {1: 30, 2: 40, 3: 35, 4: 25}
    cycle = log.state.workbook
    assert log.on.value == min(max(dt.date.today(), cycle.cycle_start), cycle.cycle_end)


def test_log_shows_a_proposed_amendment(demo: Store) -> None:
    log = page(demo, "dsilva", 3)
    entry = log.entries.bodies[0]
    assert "Proposed amendments" in entry
    assert "Objective 2: Move the due date of objective 2 to 28 February 2027" in entry


def test_saving_a_check_in_as_mchen(demo: Store) -> None:
    log = page(demo, "mchen")
    log.on.value = dt.date(2026, 11, 24)
    log.goal.value = "Exam preparation"
    log.reality.value = "Two session plans drafted"
    log.will.value = "Book the exam room"
    log.rows[1].status.value = "on_track"
    log.rows[1].percent.value = 45
    log.rows[1].evidence.value = "Mock test average 72%"
    log.rows[3].status.value = "at_risk"
    log.carried.value = "Record retention monthly\n\n  Share the session plans  \n"
    log.save_button.click()
    assert log.status.kind == "ok", log.status.message

    stored = check_ins(demo)
    assert len(stored) == 4
    new = max(stored, key=lambda c: c.id or 0)
    assert new.author == "mchen"
    assert new.on == dt.date(2026, 11, 24)
    assert (new.goal, new.reality, new.options, new.will) == (
        "Exam preparation",
        "Two session plans drafted",
        "",
        "Book the exam room",
    )
    assert new.progress == (
        ObjectiveProgress(
            objective=1, percent=45, status="on_track", evidence="Mock test average 72%"
        ),
        ObjectiveProgress(objective=3, percent=35, status="at_risk", evidence=""),
    )
    assert new.carried_forward == ("Record retention monthly", "Share the session plans")
    assert new.amendments == ()
    assert demo.events(1)[-1].actor_id == "mchen"

    # the form is cleared; the log and the list carried forward show the new check-in
    assert log.goal.value == log.will.value == log.carried.value == ""
    assert all(r.status.value == "" and r.evidence.value == "" for r in log.rows.values())
    assert log.rows[1].percent.value == 45
    assert log.entries.titles[0] == "24 Nov 2026 — by Mei Chen"
    assert "<li>Share the session plans</li>" in log.carried_in.value
    # nothing proposed: the objectives stay agreed
    assert Services(demo, "mchen").open(1).agreements["objectives"].agreed


def test_an_amendment_reopens_the_objectives(demo: Store) -> None:
    log = page(demo, "rokafor")
    log.on.value = dt.date(2026, 11, 24)
    log.goal.value = "The exam date moved"
    log.amend_objective.value = 2
    log.amend_proposal.value = "Move the award deadline to 28 February"
    log.amend_reason.value = "The exam board moved the January sitting"
    log.save_button.click()
    assert log.status.kind == "ok", log.status.message
    assert "agree them again" in log.status.message

    state = Services(demo, "mchen").open(1)
    assert state.agreements["objectives"].number == 2
    assert not state.agreements["objectives"].agreed
    new = max(state.check_ins, key=lambda c: c.id or 0)
    assert new.amendments[0].objective == 2
    assert new.amendments[0].reason == "The exam board moved the January sitting"
    assert log.amend_proposal.value == "" and log.amend_objective.value == 0


def test_an_incomplete_amendment_is_refused(demo: Store) -> None:
    log = page(demo, "rokafor")
    log.amend_proposal.value = "Drop objective 4"
    log.save_button.click()
    assert log.status.kind == "error"
    assert "reason" in log.status.message
    assert len(check_ins(demo)) == 3
    assert Services(demo, "mchen").open(1).agreements["objectives"].agreed


def test_a_date_outside_the_cycle_is_refused(demo: Store) -> None:
    log = page(demo, "mchen")
    version = demo.latest_version(1)
    log.on.value = dt.date(2027, 9, 15)
    log.goal.value = "After the cycle"
    log.save_button.click()
    assert log.status.kind == "error"
    assert "inside the cycle" in log.status.message
    assert len(check_ins(demo)) == 3
    assert demo.latest_version(1) == version
    assert log.goal.value == "After the cycle"


def test_an_empty_check_in_is_refused(demo: Store) -> None:
    log = page(demo, "mchen")
    log.save_button.click()
    assert log.status.kind == "error"
    assert len(check_ins(demo)) == 3


def test_a_person_who_cannot_see_the_workbook_is_refused(demo: Store) -> None:
    with pytest.raises(NotFound):
        WorkbookSession(Services(demo, "tnguyen"), 1)
    # a page whose identity is swapped for someone else's (a forged session) gets nowhere
    ctx = WorkbookSession(Services(demo, "mchen"), 1)
    log = wired(ctx)
    version = demo.latest_version(1)
    ctx.services = Services(demo, "tnguyen")
    log.goal.value = "Not my workbook"
    log.rows[1].status.value = "done"
    log.save_button.click()
    assert log.status.kind == "error"
    assert "not available to you" in log.status.message
    assert len(check_ins(demo)) == 3
    assert demo.latest_version(1) == version


def test_a_check_in_saved_on_an_old_page_is_added_beside_the_other(demo: Store) -> None:
    """A new check-in changes nothing anyone saved: Richard's, saved meanwhile, stays."""
    log = page(demo, "mchen")
    rokafor = Services(demo, "rokafor")
    rokafor.save_check_in(
        1, CheckIn(on=dt.date(2026, 11, 20), goal="Quick catch-up"), demo.latest_version(1)
    )
    log.on.value = dt.date(2026, 11, 24)
    log.goal.value = "Exam preparation"
    log.rows[2].status.value = "on_track"
    log.rows[2].percent.value = 60
    log.save_button.click()
    assert log.status.kind == "ok", log.status.message
    saved = check_ins(demo)
    assert len(saved) == 5
    assert {c.goal for c in saved} >= {"Quick catch-up", "Exam preparation"}
    assert log.entries.titles[0] == "24 Nov 2026 — by Mei Chen"


def test_xss_in_the_notes_is_escaped(demo: Store) -> None:
    log = page(demo, "mchen")
    log.on.value = dt.date(2026, 11, 24)
    log.goal.value = XSS
    log.options.value = "<img src=x onerror=alert(1)>"
    log.rows[1].status.value = "on_track"
    log.rows[1].evidence.value = XSS
    log.carried.value = XSS
    log.save_button.click()
    assert log.status.kind == "ok", log.status.message
    assert max(check_ins(demo), key=lambda c: c.id or 0).goal == XSS  # stored verbatim

    shown = log.entries.bodies[0] + log.carried_in.value
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
