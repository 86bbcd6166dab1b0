"""The objectives page's panels wired to a WorkbookSession on the demo database, driven as the
front end would: ObjectiveEditor, ObjectiveList, CoverageView, SessionBar, AgreementPanel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import ipywidgets as W
import pytest
from apps.objectives_wiring import coverage, editor, fill, objectives, top_bar
from helpers import table_cells

from pmwidgets.apps.pages import agreement_panel
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain import AgreementStatus, Person
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.lean import is_shown

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_smart_feedback_updates_as_you_type_without_saving(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
    before = demo.latest_version(2)
    assert "✗" not in e.feedback.value and e.value is None  # no error before anyone types
    e.title.value = "Run a learner feedback survey each term"
    assert "choose the responsibilities it serves" in e.feedback.value
    fill(e)
    assert [f.ok for f in e.findings] == [True] * 5 and "5/5 SMART" in e.feedback.value
    e.target.value = "better"
    assert "no measurable target: add a number, a date or a yes/no outcome" in e.feedback.value
    assert "✗" in e.feedback.value  # a symbol and words, not colour alone
    e.due.value = dt.date(2028, 1, 1)
    assert "after the cycle ends" in e.feedback.value
    assert demo.latest_version(2) == before  # nothing stored while typing


def test_proposing_and_editing_store_under_the_authors_name(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2))
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
    m = editor(WorkbookSession(Services(demo, "rokafor"), 2), number=1)
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
    ctx = WorkbookSession(Services(demo, "mchen"), 1)
    assert ctx.state.agreement_status("objectives") == AgreementStatus.AGREED
    e = editor(ctx, number=4)
    assert is_shown(e.reason)
    version = demo.latest_version(1)
    e.target.value = "0 reportable incidents; 95% of weekly checks recorded"
    e.save_button.click()
    assert e.status.kind == "error" and "give a reason" in e.status.message
    assert demo.latest_version(1) == version
    e.reason.value = "Two weeks of checks lost to the workshop refit"
    e.save_button.click()
    assert e.status.kind == "ok"
    assert Services(demo, "mchen").open(1).agreements["objectives"].number == 2


def test_a_field_both_changed_is_shown_and_chosen_not_overwritten(demo: Store) -> None:
    e = editor(WorkbookSession(Services(demo, "tnguyen"), 2), number=1)
    other = Services(demo, "rokafor")
    other.update_objective(
        2,
        1,
        other.open(2).objective(1).model_copy(update={"target": "4 of 5"}),
        demo.latest_version(2),
    )  # type: ignore[union-attr]
    e.target.value = "My own target: 90%"
    e.save_button.click()
    assert e.status.kind == "error" and "Richard Okafor also changed" in e.status.message
    assert e.target.value == "My own target: 90%"  # not lost
    e.save_button.click()  # saving again is no way to overwrite his target unseen
    assert Services(demo, "rokafor").open(2).objective(1).target == "4 of 5"  # type: ignore[union-attr]
    view = e.conflicts.view
    assert view is not None and "“4 of 5”" in view.children[0].value
    view.choices[0].value = "mine"  # chosen, knowing his
    view.save_button.click()
    assert e.status.kind == "ok", e.status.message
    assert Services(demo, "rokafor").open(2).objective(1).target == "My own target: 90%"  # type: ignore[union-attr]


def test_someone_outside_the_workbook_cannot_save(demo: Store) -> None:
    ctx = WorkbookSession(Services(demo, "tnguyen"), 2)
    ctx.services = Services(demo, "aberg")  # a forged session: the page belongs to someone else
    e = editor(ctx)
    fill(e)
    version = demo.latest_version(2)
    e.save_button.click()
    assert e.status.kind == "error" and "not available to you" in e.status.message
    assert demo.latest_version(2) == version


def test_list_shows_weights_running_total_and_words(demo: Store) -> None:
    lst = objectives(WorkbookSession(Services(demo, "tnguyen"), 2))
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
    assert [o.id for o in Services(demo, "tnguyen").open(2).objectives] == [1, 2, 3, 4]
    lst.confirm_box.yes_button.click()
    assert lst.status.kind == "ok"
    assert [o.id for o in Services(demo, "tnguyen").open(2).objectives] == [1, 2, 4]
    assert "removed" in demo.events(2)[-1].action


def test_list_escapes_titles(demo: Store) -> None:
    svc = Services(demo, "tnguyen")
    o = svc.open(2).objective(1)
    svc.update_objective(2, 1, o.model_copy(update={"title": XSS}), demo.latest_version(2))  # type: ignore[union-attr]
    lst = objectives(WorkbookSession(svc, 2))
    assert "<script>" not in lst.table.value and "&lt;script&gt;" in lst.table.value


def test_coverage_shows_missing_and_stores_reasons(demo: Store) -> None:
    view = coverage(WorkbookSession(Services(demo, "rokafor"), 2))
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
    # the next responsibility still needing a reason is chosen, with an empty box; choosing
    # one that has a reason shows it, so it is never typed over unseen
    assert (view.responsibility.value, view.why.value) == (4, "")
    view.responsibility.value = 2
    assert view.why.value.startswith("Assessment is covered")
    view.responsibility.value = 4
    assert view.why.value == ""
    view.why.value = XSS
    view.save_button.click()
    assert "&lt;script&gt;" in view.table.value and "<script>" not in view.table.value
    assert "every responsibility has an objective or a reason" in view.summary.value


def test_coverage_refuses_an_outsider(demo: Store) -> None:
    ctx = WorkbookSession(Services(demo, "rokafor"), 2)
    view = coverage(ctx)
    ctx.services = Services(demo, "kwalsh")  # not this workbook's coach
    view.responsibility.value = 2
    view.why.value = "A forged reason"
    version = demo.latest_version(2)
    view.save_button.click()
    assert view.status.kind == "error" and demo.latest_version(2) == version


def test_two_people_editing_one_objective_lose_nothing(demo: Store) -> None:
    a = editor(WorkbookSession(Services(demo, "tnguyen"), 2), number=2)
    b_ctx = WorkbookSession(Services(demo, "rokafor"), 2)
    b = editor(b_ctx, number=2)
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


def test_the_same_field_changed_by_both_can_be_resolved_to_theirs(demo: Store) -> None:
    a = editor(WorkbookSession(Services(demo, "tnguyen"), 2), number=2)
    b_ctx = WorkbookSession(Services(demo, "rokafor"), 2)
    b = editor(b_ctx, number=2)
    a.target.value = "Target by Tuan"
    b.target.value = "Target by Richard"
    a.save_button.click()
    b_ctx.reload()
    assert b.target.value == "Target by Richard"  # what was typed is kept
    b.save_button.click()
    assert b.status.kind == "error" and "Tuan Nguyen also changed" in b.status.message
    assert Services(demo, "tnguyen").open(2).objective(2).target == "Target by Tuan"  # type: ignore[union-attr]
    view = b.conflicts.view
    assert view is not None
    view.choices[0].value = "theirs"  # Richard reads Tuan's and keeps it
    view.save_button.click()
    assert b.status.kind == "ok", b.status.message
    assert Services(demo, "tnguyen").open(2).objective(2).target == "Target by Tuan"  # type: ignore[union-attr]
    assert b.target.value == "Target by Tuan"


# --- after a save: every panel shows the new state, from the store ------------------


def test_every_panel_follows_a_save_made_in_another_kernel(demo_url: str) -> None:
    """Two kernels, two stores on one database: the manager saves; the employee's page,
    reloading as its watcher does, shows it in every panel."""
    with Store(demo_url) as mine, Store(demo_url) as theirs:
        ctx = WorkbookSession(Services(mine, "tnguyen"), 2)
        bar = top_bar(ctx)
        lst = objectives(ctx)
        view = coverage(ctx)
        panel = agreement_panel(ctx, "objectives")
        assert "one-sided: the employee wrote all" in bar.warning.value
        assert view.chart.children[0].value.count(">missing</text>") == 2
        fingerprint = panel.seen_hash
        manager = Services(theirs, "rokafor")
        state = manager.open(2)
        first = state.objective(1)
        assert first is not None
        manager.update_objective(
            2, 1, first.model_copy(update={"target": "4 of 5 sessions"}), state.workbook.version
        )
        manager.set_coverage_reason(
            2, 2, "Assessment is moderated by the department this year", theirs.latest_version(2)
        )
        assert ctx.changed_elsewhere()
        ctx.reload()
        assert "4 of 5 sessions" in lst.table.value
        assert bar.warning.value == ""  # the manager has contributed now
        assert view.chart.children[0].value.count(">missing</text>") == 1
        assert "responsibility 4 has no objective" in view.summary.value
        assert "left out on purpose" in view.table.value
        assert panel.seen_hash != fingerprint
        assert panel.seen_hash == Services(theirs, "tnguyen").open(2).subject_hash("objectives")


def _row(table: str, number: int) -> list[str]:
    """Objective ``number``'s cells in the table: No., title, serves, target, due, weight,
    running total, SMART, proposed by."""
    return next(r for r in table_cells(table) if r[0] == str(number))


def test_a_save_shows_in_the_table_and_in_what_changed_since_the_agreement(demo: Store) -> None:
    ctx = WorkbookSession(Services(demo, "mchen"), 1)
    lst = objectives(ctx)
    panel = agreement_panel(ctx, "objectives")
    assert "No changes since version 1 was agreed" in panel.changes.value
    assert _row(lst.table.value, 4)[7] == "5/5"
    lst.chooser.value = 4
    lst.edit_button.click()
    e = lst.editor
    e.target.value = "far fewer incidents"  # no number: not measurable any more
    e.reason.value = "The workshop refit changes what can be counted"
    e.save_button.click()
    assert e.status.kind == "ok", e.status.message
    row = _row(lst.table.value, 4)
    assert row[3] == "far fewer incidents" and row[7] == "4/5"
    assert "What changed since version 1 was agreed" in panel.changes.value
    assert "far fewer incidents" in panel.changes.value
    e.target.value = "0 reportable incidents"
    assert is_shown(e.reason)  # a draft of version 2: this change needs its reason too
    e.save_button.click()
    assert e.status.kind == "error" and "give the reason for this change too" in e.status.message
    e.reason.value = "Aim for none at all"
    e.save_button.click()
    assert e.status.kind == "ok", e.status.message
    reasons = Services(demo, "rokafor").open(1).agreements["objectives"].opened_reason
    assert reasons == "The workshop refit changes what can be counted\nAim for none at all"
    assert _row(lst.table.value, 4)[7] == "5/5"
    assert "0 reportable incidents" in panel.changes.value
    assert "far fewer incidents" not in panel.changes.value
    fresh = Services(demo, "rokafor").open(1)
    assert panel.seen_hash == fresh.subject_hash("objectives")
    assert fresh.objective(4).target == "0 reportable incidents"  # type: ignore[union-attr]


def test_a_save_based_on_what_another_kernel_changed_keeps_that_change(demo_url: str) -> None:
    with Store(demo_url) as mine, Store(demo_url) as theirs:
        e = editor(WorkbookSession(Services(mine, "tnguyen"), 2), number=1)
        other = Services(theirs, "rokafor")
        state = other.open(2)
        first = state.objective(1)
        assert first is not None
        other.update_objective(
            2, 1, first.model_copy(update={"target": "4 of 5"}), state.workbook.version
        )
        e.title.value = "Improve teaching in the workshop"  # a field Richard left alone
        e.save_button.click()  # this kernel has not seen Richard's save
        assert e.status.kind == "ok", e.status.message
        saved = other.open(2).objective(1)
        assert saved is not None and saved.target == "4 of 5"  # his change is kept
        assert saved.title == "Improve teaching in the workshop"


def test_the_coverage_chart_is_redrawn_only_when_the_coverage_changes(demo: Store) -> None:
    ctx = WorkbookSession(Services(demo, "tnguyen"), 2)
    view = coverage(ctx)
    lst = objectives(ctx)
    chart = view.chart.children[0]
    svg = chart.value
    lst.chooser.value = 1
    lst.edit_button.click()
    lst.editor.target.value = "9 of 10 learners say it helped"
    lst.editor.save_button.click()
    assert lst.editor.status.kind == "ok", lst.editor.status.message
    assert view.chart.children == (chart,) and chart.value == svg  # nothing new to draw
    view.responsibility.value = 2
    view.why.value = "Assessment is moderated by the department this year"
    view.save_button.click()
    assert view.status.kind == "ok", view.status.message
    assert view.chart.children == (chart,)  # the same widget, drawn again
    assert chart.value != svg and chart.value.count(">missing</text>") == 1
    assert chart.alt == "responsibility 4 has no objective: add one, or say why it is left out this cycle"  # fmt: skip


def test_names_of_people_added_after_the_page_opened_are_read(demo: Store) -> None:
    ctx = WorkbookSession(Services(demo, "tnguyen"), 2)
    assert ctx.names()["rokafor"] == "Richard Okafor"
    Services.operator(demo).add_person(Person(id="newbie", name="Nia Newbie"))
    assert ctx.names(["rokafor"]).get("newbie") is None  # nothing new asked for: not read
    assert ctx.names(["newbie"])["newbie"] == "Nia Newbie"
