"""ObjectiveEditor, ObjectiveList and CoverageView, driven as the front end would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import ipywidgets as W
import pytest

from pmwidgets.domain import AgreementStatus
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.context import WorkbookContext
from pmwidgets.widgets.coverage_view import CoverageView
from pmwidgets.widgets.objective_editor import ObjectiveEditor
from pmwidgets.widgets.objective_list import ObjectiveList

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    W.Widget.close_all()


def fill(e: ObjectiveEditor, title: str = "Run a learner feedback survey each term") -> None:
    e.title.value = title
    e.description.value = (
        "Ask every learner in my groups for feedback on practical sessions each term."
    )
    e.responsibilities.value = (1,)
    e.measure.value = "Survey response rate and average score"
    e.target.value = "80% response; average 4 of 5"
    e.due.value = dt.date(2027, 6, 30)
    e.weight.value = 10


def test_smart_feedback_updates_as_you_type_without_saving(demo: Store) -> None:
    e = ObjectiveEditor(WorkbookContext(Services(demo, "tnguyen"), 2))
    before = demo.latest_version(2)
    assert "give the objective a title" in e.feedback.value and e.value is None
    fill(e)
    assert [f.ok for f in e.findings] == [True] * 5 and "5/5 SMART" in e.feedback.value
    e.target.value = "better"
    assert "no measurable target: add a number, a date or a yes/no outcome" in e.feedback.value
    assert "✗" in e.feedback.value  # a symbol and words, not colour alone
    e.due.value = dt.date(2028, 1, 1)
    assert "after the cycle ends" in e.feedback.value
    assert demo.latest_version(2) == before  # nothing stored while typing


def test_proposing_and_editing_store_under_the_authors_name(demo: Store) -> None:
    e = ObjectiveEditor(WorkbookContext(Services(demo, "tnguyen"), 2))
    fill(e, XSS)
    e.save_button.click()
    assert e.status.kind == "ok", e.status.message
    state = Services(demo, "rokafor").open(2)
    new = state.objective(e.number or 0)
    assert (
        new is not None and new.title == XSS and new.proposed_by == "tnguyen"
    )  # stored verbatim, as data
    assert demo.events(2)[-1].actor_id == "tnguyen"
    assert "<script>" not in e.heading.value
    m = ObjectiveEditor(WorkbookContext(Services(demo, "rokafor"), 2), number=1)
    m.measure.value = "Learner feedback scores each term"
    m.target.value = "Average 4 of 5 by June"
    m.save_button.click()
    assert m.status.kind == "ok"
    changed = Services(demo, "tnguyen").open(2).objective(1)
    assert (
        changed is not None
        and changed.target == "Average 4 of 5 by June"
        and changed.proposed_by == "tnguyen"
    )
    assert demo.events(2)[-1].actor_id == "rokafor"


def test_after_agreement_a_change_needs_a_reason(demo: Store) -> None:
    ctx = WorkbookContext(Services(demo, "mchen"), 1)
    assert ctx.state.agreement_status("objectives") == AgreementStatus.AGREED
    e = ObjectiveEditor(ctx, number=4)
    assert e.reason.layout.display == ""
    version = demo.latest_version(1)
    e.target.value = "0 reportable incidents; 95% of weekly checks recorded"
    e.save_button.click()
    assert e.status.kind == "error" and "give a reason" in e.status.message
    assert demo.latest_version(1) == version
    e.reason.value = "Two weeks of checks lost to the workshop refit"
    e.save_button.click()
    assert e.status.kind == "ok"
    assert Services(demo, "mchen").open(1).agreements["objectives"].number == 2


def test_a_stale_save_is_refused_and_what_was_typed_is_kept(demo: Store) -> None:
    e = ObjectiveEditor(WorkbookContext(Services(demo, "tnguyen"), 2), number=1)
    other = Services(demo, "rokafor")
    other.update_objective(
        2,
        1,
        other.open(2).objective(1).model_copy(update={"target": "4 of 5"}),
        demo.latest_version(2),
    )  # type: ignore[union-attr]
    e.target.value = "My own target: 90%"
    e.save_button.click()
    assert e.status.kind == "error" and "Richard Okafor changed objective 1" in e.status.message
    assert e.target.value == "My own target: 90%"  # not lost
    e.save_button.click()  # the context was reloaded: saving again works
    assert e.status.kind == "ok"
    assert Services(demo, "rokafor").open(2).objective(1).target == "My own target: 90%"  # type: ignore[union-attr]


def test_someone_outside_the_workbook_cannot_save(demo: Store) -> None:
    ctx = WorkbookContext(Services(demo, "tnguyen"), 2)
    ctx.services = Services(demo, "aberg")  # a forged session: the page belongs to someone else
    e = ObjectiveEditor(ctx)
    fill(e)
    version = demo.latest_version(2)
    e.save_button.click()
    assert e.status.kind == "error" and "not available to you" in e.status.message
    assert demo.latest_version(2) == version


def test_list_shows_weights_running_total_and_words(demo: Store) -> None:
    lst = ObjectiveList(WorkbookContext(Services(demo, "tnguyen"), 2))
    assert "weights total 90, not 100: 10 still to give" in lst.total.value
    assert "Running total" in lst.table.value and "90%" in lst.table.value
    lst.chooser.value = 1
    lst.edit_button.click()
    assert lst.editor.number == 1 and lst.editor.title.value == "Improve teaching"
    lst.new_button.click()
    fill(lst.editor)
    lst.editor.save_button.click()
    assert "weights total 100" in lst.total.value
    lst.chooser.value = 3
    lst.remove_button.click()
    assert lst.status.kind == "ok"
    assert [o.id for o in Services(demo, "tnguyen").open(2).objectives] == [1, 2, 4]
    assert "removed" in demo.events(2)[-1].action


def test_list_escapes_titles(demo: Store) -> None:
    svc = Services(demo, "tnguyen")
    o = svc.open(2).objective(1)
    svc.update_objective(2, 1, o.model_copy(update={"title": XSS}), demo.latest_version(2))  # type: ignore[union-attr]
    lst = ObjectiveList(WorkbookContext(svc, 2))
    assert "<script>" not in lst.table.value and "&lt;script&gt;" in lst.table.value


def test_coverage_shows_missing_and_stores_reasons(demo: Store) -> None:
    view = CoverageView(WorkbookContext(Services(demo, "rokafor"), 2))
    assert "responsibilities 2, 4 have no objective" in view.summary.value
    assert view.chart.children and view.chart.children[0].value.startswith("<svg")
    assert view.chart.children[0].value.count(">missing</text>") == 2
    view.responsibility.value = 2
    view.why.value = "Assessment is covered by the department's moderation plan this year"
    view.save_button.click()
    assert view.status.kind == "ok"
    reasons = Services(demo, "tnguyen").open(2).coverage_reasons
    assert [(r.responsibility, r.reason[:10]) for r in reasons] == [(2, "Assessment")]
    assert "responsibility 4 has no objective" in view.summary.value
    view.responsibility.value = 4
    view.why.value = XSS
    view.save_button.click()
    assert "&lt;script&gt;" in view.table.value and "<script>" not in view.table.value
    assert "every responsibility has an objective or a reason" in view.summary.value


def test_coverage_refuses_an_outsider(demo: Store) -> None:
    ctx = WorkbookContext(Services(demo, "rokafor"), 2)
    view = CoverageView(ctx)
    ctx.services = Services(demo, "kwalsh")  # not this workbook's coach
    view.responsibility.value = 2
    view.why.value = "A forged reason"
    version = demo.latest_version(2)
    view.save_button.click()
    assert view.status.kind == "error" and demo.latest_version(2) == version


def test_two_people_editing_one_objective_lose_nothing(demo: Store) -> None:
    a = ObjectiveEditor(WorkbookContext(Services(demo, "tnguyen"), 2), number=2)
    b_ctx = WorkbookContext(Services(demo, "rokafor"), 2)
    b = ObjectiveEditor(b_ctx, number=2)
    a.target.value = "100% of sessions checked, logged weekly"
    a.save_button.click()
    assert a.status.kind == "ok"
    b_ctx.reload()  # what the page's watcher does within a second
    assert b.target.value == "100% of sessions checked, logged weekly"  # untouched field follows
    b.measure.value = "PPE checks recorded in the session log"
    b.save_button.click()
    assert b.status.kind == "ok", b.status.message
    stored = Services(demo, "tnguyen").open(2).objective(2)
    assert stored is not None
    assert (stored.target, stored.measure) == (
        "100% of sessions checked, logged weekly",
        "PPE checks recorded in the session log",
    )


def test_the_same_field_changed_by_both_is_refused_once_then_kept(demo: Store) -> None:
    a = ObjectiveEditor(WorkbookContext(Services(demo, "tnguyen"), 2), number=2)
    b_ctx = WorkbookContext(Services(demo, "rokafor"), 2)
    b = ObjectiveEditor(b_ctx, number=2)
    a.target.value = "Target by Tuan"
    b.target.value = "Target by Richard"
    a.save_button.click()
    b_ctx.reload()
    assert b.target.value == "Target by Richard"  # what was typed is kept
    b.save_button.click()
    assert b.status.kind == "error" and "Tuan Nguyen changed objective 2" in b.status.message
    assert Services(demo, "tnguyen").open(2).objective(2).target == "Target by Tuan"  # type: ignore[union-attr]
    b.save_button.click()  # having been told, Richard saves his on purpose
    assert b.status.kind == "ok"
    assert Services(demo, "tnguyen").open(2).objective(2).target == "Target by Richard"  # type: ignore[union-attr]
