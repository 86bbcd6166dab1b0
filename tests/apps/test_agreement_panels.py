"""AgreementPanel wired to a WorkbookSession on the demo database, driven as the front end would."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import pytest

from pmwidgets.apps.pages import agreement_panel
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain.agreement import AgreementStatus
from pmwidgets.services import Services, identity
from pmwidgets.store import Store
from pmwidgets.widgets.agreement_panel import AgreementPanel
from pmwidgets.widgets.lean import is_shown

XSS = "<script>alert('x')</script> No practical session held up"
NOT_A_PARTY = "only the employee and the manager of this workbook can do this"


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def panel(store: Store, who: str, wb: int, subject: Any, **kw: Any) -> AgreementPanel:
    p = agreement_panel(WorkbookSession(Services(store, who), wb), subject)
    for name, value in kw.items():
        setattr(p, name, value)
    return p


def text(widget: W.HTML) -> str:
    """The HTML value with entities decoded, for reading sentences."""
    return html.unescape(widget.value)


def shown(p: AgreementPanel) -> bool:
    return is_shown(p.confirm_button)


# --- what the panel shows -----------------------------------------------------------


def test_agreed_objectives_show_both_confirmations_with_dates_and_coach(demo: Store) -> None:
    p = panel(demo, "mchen", 1, "objectives")
    state = Services(demo, "mchen").open(1)
    full = state.subject_hash("objectives")
    assert "Agreed by both" in text(p.summary)
    assert "Version 1" in text(p.summary)
    assert f"Content fingerprint: {full[:12]}" in text(p.summary)
    assert f"<code>{full}</code>" in p.summary.value  # the full hash, to compare, in a fold
    assert p.summary.value.index("<details") < p.summary.value.index(full)
    assert p.seen_hash == full
    confirmations = text(p.confirmations)
    assert (
        "Mei Chen (employee) confirmed version 1 on 15 Sep 2026, "
        "in a session facilitated by Kate Walsh" in confirmations
    )
    assert (
        "Richard Okafor (manager) confirmed version 1 on 15 Sep 2026, "
        "in a session facilitated by Kate Walsh" in confirmations
    )
    assert "No changes since version 1 was agreed." in text(p.changes)
    assert not shown(p)
    assert "frozen" in text(p.explanation)


def test_version_two_shows_reason_and_difference_from_version_one(demo: Store) -> None:
    p = panel(demo, "rokafor", 3, "objectives")
    summary = text(p.summary)
    assert "Draft: not confirmed by either party" in summary
    # version 2 holds two changes: the amendment from the check-in, and the change made
    # to it in the draft; each with its reason
    assert "Version 2: the reasons for its changes" in summary
    assert "<li>amendment proposed at check-in: Move the due date of objective 2" in p.summary.value
    assert "<li>Amendment agreed in principle at the November check-in" in p.summary.value
    changes = text(p.changes)
    assert "What changed since version 1 was agreed" in changes
    assert (
        "Objective 2: target changed from “4 of 4 lifts examined and 100% of equipment "
        "registered by 31 December” to “4 of 4 lifts examined and 100% of equipment "
        "registered by 28 February”; due changed from 31 Dec 2026 to 28 Feb 2027" in changes
    )
    assert "Objective 1" not in changes and "Objective 3" not in changes
    assert "Diego Silva (employee) has not confirmed yet" in text(p.confirmations)
    assert "Richard Okafor (manager) has not confirmed yet" in text(p.confirmations)
    assert shown(p)
    assert p.confirm_button.description == "Confirm as Richard Okafor (manager)"
    assert (
        "You confirm that this is what you and Diego Silva agree; nothing is agreed until "
        "both confirm the same version." in text(p.explanation)
    )


def test_objectives_added_and_removed_are_named(demo: Store) -> None:
    context = WorkbookSession(Services(demo, "rokafor"), 3)
    p = agreement_panel(context, "objectives")
    svc, state = context.services, context.state
    new = state.objective(1).model_copy(update={"title": "Run a termly tool amnesty"})  # type: ignore[union-attr]
    version = state.workbook.version
    number = svc.add_objective(3, new, version, "A second look at tools")
    svc.remove_objective(3, 3, demo.latest_version(3), "Spending moves to the budget plan")
    context.reload()  # the panel is subscribed: it redraws
    changes = text(p.changes)
    assert f"Objective {number} added: “Run a termly tool amnesty”" in changes
    assert "Objective 3 removed: “Keep consumables spending within budget”" in changes
    assert p.seen_hash == context.state.subject_hash("objectives")


def test_no_button_for_a_review_before_the_review_stage(demo: Store) -> None:
    early = panel(demo, "mchen", 1, "review")  # workbook 1 is in check-ins
    assert not shown(early)
    assert "There is nothing to confirm yet." in text(early.explanation)
    # workbook 4 is in review, but Helen has not assessed every objective: everything
    # missing is listed at once, and there is no button until it is complete
    anna = panel(demo, "aberg", 4, "review")
    assert not shown(anna)
    assert "Before either of you can confirm" in text(anna.readiness)
    assert text(anna.readiness).count("is not assessed yet by the manager") >= 2


def test_coach_is_shown_without_a_button(demo: Store) -> None:
    p = panel(demo, "kwalsh", 3, "objectives")
    assert not shown(p)
    assert "Only the employee and the manager confirm" in text(p.explanation)


# --- confirming -------------------------------------------------------------------------


def test_both_confirm_the_job_description_and_the_stage_moves_on(demo: Store) -> None:
    confirmed: list[AgreementStatus] = []
    manager = panel(demo, "hlambert", 5, "job_description", on_confirmed=confirmed.append)
    assert manager.confirm_button.description == "Confirm as Helen Lambert (manager)"
    manager.confirm_button.click()
    assert manager.status.kind == "ok", manager.status.message
    assert manager.status.message == (
        "You confirmed version 1 of the job description; waiting for Sam Jones."
    )
    state = Services(demo, "sjones").open(5)
    version = state.agreements["job_description"]
    assert [(c.person_id, c.party) for c in version.confirmations] == [("hlambert", "manager")]
    assert version.confirmations[0].content_hash == state.subject_hash("job_description")
    assert state.agreement_status("job_description") == AgreementStatus.AWAITING_EMPLOYEE
    assert demo.events(5)[-1].action == "agreement.confirmed"
    assert confirmed == [AgreementStatus.AWAITING_EMPLOYEE]
    assert not shown(manager)
    assert "Helen Lambert (manager) confirmed version 1 on" in text(manager.confirmations)
    assert "Sam Jones (employee) has not confirmed yet" in text(manager.confirmations)

    employee = panel(demo, "sjones", 5, "job_description")
    assert employee.confirm_button.description == "Confirm as Sam Jones (employee)"
    employee.confirm_button.click()
    assert employee.status.kind == "ok", employee.status.message
    assert "Agreed by both" in employee.status.message
    state = Services(demo, "sjones").open(5)
    assert state.agreement_status("job_description") == AgreementStatus.AGREED
    assert state.workbook.stage.value == "objectives"
    assert "Agreed by both" in text(employee.summary)
    assert not shown(employee)


def test_facilitated_confirmation_names_the_coach(demo: Store) -> None:
    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    svc = Services(demo, "kwalsh", clock=lambda: at).acting_as("dsilva")
    p = agreement_panel(WorkbookSession(svc, 3), "objectives")
    assert is_shown(p.code) and is_shown(p.confirm_button)
    assert "Only Diego Silva can confirm" in text(p.explanation)
    p.confirm_button.click()  # the coach alone: no code
    assert p.status.kind == "error" and "personal code" in p.status.message
    p.code.value = "999999" if identity.personal_code("dsilva", at) != "999999" else "111111"
    p.confirm_button.click()  # a guess
    assert p.status.kind == "error" and "not their current personal code" in p.status.message
    assert p.code.value == ""  # a code typed is never left on the shared screen
    assert Services(demo, "rokafor").open(3).agreements["objectives"].confirmations == ()
    p.code.value = identity.personal_code("dsilva", at)  # read on Diego's own page
    p.confirm_button.click()
    assert p.status.kind == "ok", p.status.message
    assert (
        "Diego Silva (employee) confirmed version 2 on 20 Nov 2026, in a session "
        "facilitated by Kate Walsh, with their personal code" in text(p.confirmations)
    )
    stored = Services(demo, "rokafor").open(3).agreements["objectives"].confirmations
    assert [(c.person_id, c.facilitator_id) for c in stored] == [("dsilva", "kwalsh")]


@pytest.mark.parametrize(
    ("who", "wb", "subject"),
    [
        ("kwalsh", 1, "objectives"),  # the coach
        ("hlambert", 1, "objectives"),  # an admin, not a party of workbook 1
        ("kwalsh", 3, "objectives"),  # version 2 awaits both: only a party may confirm
        ("hlambert", 3, "objectives"),
        ("kwalsh", 1, "review"),
    ],
)
def test_forged_click_by_someone_who_is_not_a_party_stores_nothing(
    demo: Store, who: str, wb: int, subject: str
) -> None:
    p = panel(demo, who, wb, subject)
    assert not shown(p)
    before = demo.events()
    p.confirm_button.click()  # a browser can click a hidden button
    assert p.status.kind == "error"
    assert p.status.message == NOT_A_PARTY
    assert demo.events() == before


def test_forged_second_click_by_a_party_who_already_confirmed_stores_nothing(demo: Store) -> None:
    p = panel(demo, "hlambert", 5, "job_description")
    p.confirm_button.click()
    assert not shown(p)
    before = demo.events()
    p.confirm_button.click()
    assert p.status.kind == "error"
    assert p.status.message == "you have already confirmed this version"
    assert demo.events() == before


def test_confirming_content_that_changed_since_the_page_showed_it_is_refused(demo: Store) -> None:
    p = panel(demo, "hlambert", 5, "job_description")
    shown_hash = p.seen_hash
    # Sam changes the job description in another browser between refresh and click.
    sam = Services(demo, "sjones")
    job = sam.open(5).job
    assert job is not None
    sam.set_job_description(
        5, job.model_copy(update={"purpose": "Tailored together"}), demo.latest_version(5)
    )
    before = demo.events()
    p.confirm_button.click()
    assert p.status.kind == "error"
    assert p.status.message == (
        "the job description changed since you looked at it: read it again, then confirm"
    )
    assert demo.events() == before
    assert "job_description" not in Services(demo, "hlambert").open(5).agreements
    # the page now shows the new text and its fingerprint; confirming it works
    current = Services(demo, "hlambert").open(5).subject_hash("job_description")
    assert p.seen_hash == current != shown_hash
    assert current[:12] in text(p.summary)
    p.confirm_button.click()
    assert p.status.kind == "ok", p.status.message


def test_script_in_an_objective_title_is_escaped_in_the_difference(demo: Store) -> None:
    svc = Services(demo, "rokafor")
    old = svc.open(3).objective(1)
    assert old is not None
    svc.update_objective(
        3, 1, old.model_copy(update={"title": XSS}), demo.latest_version(3), "a clearer title"
    )
    p = panel(demo, "rokafor", 3, "objectives")
    assert "<script>" not in p.changes.value
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in p.changes.value
    assert (
        f"Objective 1: title changed from “No practical session held up by missing parts or tools” to “{XSS}”"
        in text(p.changes)
    )


def test_unknown_subject_is_a_programming_error(demo: Store) -> None:
    with pytest.raises(ValueError):
        panel(demo, "mchen", 1, "salary")


def test_someone_chosen_at_the_screen_gets_no_confirm_and_a_forged_click_stores_nothing(
    demo: Store,
) -> None:
    """In JupyterLab without a coach the person was picked from a list, not verified."""
    chosen = Services(demo, "sjones", verified=False)
    p = agreement_panel(WorkbookSession(chosen, 5), "job_description")
    assert not is_shown(p.confirm_button) and not is_shown(p.code)
    assert "own act" in text(p.explanation)
    p.confirm_button.click()  # a browser can send a click on a hidden button
    assert p.status.kind == "error" and "own act" in p.status.message
    version = Services(demo, "sjones").open(5).agreements.get("job_description")
    assert version is None or all(c.person_id != "sjones" for c in version.confirmations)


def test_an_untouched_step_shows_what_is_left_without_red(demo: Store) -> None:
    """Mei Chen's review has not started: nothing is wrong yet, so nothing is red; what
    is left to do is listed in a neutral colour, each line with its symbol."""
    p = panel(demo, "mchen", 1, "review")
    shown = "".join(w.value for w in (p.summary, p.confirmations, p.readiness))
    assert "Draft: not confirmed by either party" in text(p.summary)
    assert "pmw-bad" not in shown and "✗" not in shown
    assert shown.count("pmw-todo") >= 3
    assert "○</span> Mei Chen (employee) has not confirmed yet" in p.confirmations.value
