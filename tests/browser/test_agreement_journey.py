"""The journey where the first trial broke: agreements people can trust, in live use.

Real `pmw serve` and Chromium, one browser context per person (their own cookies):

- a coach alone cannot reach an agreement, on a shared screen, by any click or by a
  forged widget message; the person's own code, read on their own signed-in page,
  makes their confirmation count, and the record says how it was made;
- a save on a page that has not seen the other person's save keeps that save
  (the trial's job description sequence), and a field both changed is shown side by
  side for a choice, never overwritten silently;
- every message appears next to the button that was pressed, in the first screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from pmwidgets.services import Services
from pmwidgets.store import Store

from .a11y import overflowing
from .conftest import PmwServer, screenshot, wait_ready
from .hostile import Forger

pytestmark = pytest.mark.slow


@pytest.fixture
def people(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """``people(person)`` opens a page in that person's own browser context."""
    contexts: list[Any] = []
    outside: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    def open_as(person: str, width: int = 1280, height: int = 900) -> Any:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        ctx.route("**/*", route)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_navigation_timeout(90_000)
        page.set_default_timeout(30_000)
        return page

    open_as.outside = outside  # type: ignore[attr-defined]
    yield open_as
    assert outside == [], outside  # nothing left the machine
    for ctx in contexts:
        ctx.close()


def sign_in(page: Any, web: PmwServer, person: str) -> None:
    page.goto(web.invite(person), wait_until="domcontentloaded")
    wait_ready(page)


def open_step(page: Any, web: PmwServer, stem: str, workbook: int, selector: str) -> None:
    page.goto(
        f"{web.url}/voila/render/{stem}.ipynb?workbook={workbook}", wait_until="domcontentloaded"
    )
    wait_ready(page, selector)


def press(button: Any) -> None:
    """Click ``button`` as a person does: scrolled to where they look at it, mid-screen.

    Playwright scrolls a button only just into view, so one at the foot of the screen
    left its status line (just below it) a few pixels off-screen whenever anything above
    changed by a line after the click: a check of where Playwright scrolls, not of the page.
    """
    button.evaluate("b => b.scrollIntoView({block: 'center'})")
    button.click()


def in_first_screen(page: Any, locator: Any) -> None:
    """The element is inside the viewport as it is now (nobody scrolled after the click)."""
    locator.wait_for(state="visible")
    page.wait_for_timeout(400)  # as a person reads it: after the page has settled
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height, (
        f"not in the first screen: {box} (viewport height {height})"
    )


def store_of(web: PmwServer) -> Store:
    return Store(web.env["PMW_DATABASE_URL"])


def panel_status(page: Any) -> Any:
    return page.locator(".pmw-agreement-panel .pmw-status")


def test_a_coach_alone_cannot_agree_and_each_person_confirms_by_their_own_act(
    people: Any, web: PmwServer
) -> None:
    """Workbook 3: version 2 of Diego's objectives awaits both; coach Kate facilitates."""
    coach = people("kwalsh")
    sign_in(coach, web, "kwalsh")
    open_step(coach, web, "02_objectives", 3, ".pmw-agreement-panel")
    bar = coach.locator(".pmw-session-bar")
    bar.get_by_role("button", name="Diego Silva (employee)").click()
    confirm = coach.get_by_role("button", name="Confirm as Diego Silva (employee)")
    confirm.wait_for()
    panel = coach.locator(".pmw-agreement-panel")
    # the button and the words under it are two updates: wait for the words too
    panel.get_by_text("Only Diego Silva can confirm").first.wait_for()
    assert "Only Diego Silva can confirm" in panel.inner_text()
    # the coach alone: no code
    confirm.scroll_into_view_if_needed()
    confirm.click()
    coach.wait_for_selector(".pmw-agreement-panel >> text=type the personal code")
    in_first_screen(coach, panel_status(coach))
    # a guess
    code_box = panel.get_by_label("Their personal code")
    code_box.fill("000000")
    confirm.click()
    coach.wait_for_selector(".pmw-agreement-panel >> text=not their current personal code")
    in_first_screen(coach, panel_status(coach))
    assert code_box.input_value() == ""  # nothing typed is left on the shared screen
    # a forged click, and a forged code, sent as widget messages: refused as well
    forger = Forger(coach)
    forged = forger.find("ButtonModel", "Confirm as Diego Silva")
    forger.click(forged)
    coach.wait_for_timeout(800)
    with store_of(web) as store:
        version = Services.operator(store).open(3).agreements["objectives"]
        assert version.confirmations == ()  # nothing: the coach cannot confirm for Diego
    # Diego, on his own phone, signed in with his own link: his home page shows his code
    diego = people("dsilva", 390, 844)
    sign_in(diego, web, "dsilva")
    shown = diego.locator(".pmw-personal-code .pmw-code")
    shown.wait_for()
    in_first_screen(diego, shown)
    code = re.sub(r"\D", "", shown.inner_text())
    assert len(code) == 6
    screenshot(diego, "web_personal_code_phone")
    code_box.fill(code)
    confirm.click()
    coach.wait_for_selector(".pmw-agreement-panel >> text=waiting for Richard Okafor")
    in_first_screen(coach, panel_status(coach))
    text = panel.inner_text()
    assert "in a session facilitated by Kate Walsh, with their personal code" in text, text
    screenshot(coach, "web_session_confirmation")
    # Kate now acts as Richard: nothing says "waiting for Richard" while he acts, and
    # she cannot confirm for him either
    bar.get_by_role("button", name="Richard Okafor (manager)").click()
    coach.get_by_role("button", name="Confirm as Richard Okafor (manager)").wait_for()
    assert "waiting for Richard Okafor" not in panel.inner_text()
    coach.get_by_role("button", name="Confirm as Richard Okafor (manager)").click()
    coach.wait_for_selector(".pmw-agreement-panel >> text=type the personal code")
    assert "Agreed by both" not in panel.inner_text()
    # Richard confirms from his own sign-in, in his own browser: no code needed
    richard = people("rokafor")
    sign_in(richard, web, "rokafor")
    open_step(richard, web, "02_objectives", 3, ".pmw-agreement-panel")
    mine = richard.get_by_role("button", name="Confirm as Richard Okafor (manager)")
    assert richard.locator(".pmw-agreement-panel").get_by_label("Their personal code").count() in (
        0,
        1,
    )
    mine.click()
    richard.wait_for_selector(".pmw-agreement-panel >> text=Agreed by both: version 2")
    in_first_screen(richard, panel_status(richard))
    coach.wait_for_selector(".pmw-agreement-panel >> text=Agreed by both", timeout=15_000)
    with store_of(web) as store:
        agreed = Services.operator(store).open(3).agreements["objectives"]
        assert agreed.agreed
        how = {c.person_id: (c.method, c.facilitator_id) for c in agreed.confirmations}
        assert how == {"dsilva": ("session_code", "kwalsh"), "rokafor": ("own_sign_in", None)}
        report = store.verify(3)
        assert report.ok and dict(report.confirmations)["session_code"] >= 1


def test_the_trial_s_job_description_sequence_keeps_the_manager_s_title(
    people: Any, web: PmwServer
) -> None:
    """Workbook 5: Sam types a purpose; Helen changes the title and saves; Sam's save keeps
    Helen's title, and again; then both change the title and Sam chooses, side by side."""
    sam, helen = people("sjones"), people("hlambert")
    for page, who in ((sam, "sjones"), (helen, "hlambert")):
        sign_in(page, web, who)
        open_step(page, web, "01_job_description", 5, ".pmw-job-description-editor")
    sam_editor = sam.locator(".pmw-job-description-editor")
    sam_editor.get_by_label("Purpose").fill("Keeps the school's records and post in order.")
    helen_editor = helen.locator(".pmw-job-description-editor")
    helen_editor.get_by_label("Job title").fill("Senior office clerk")
    helen_editor.get_by_label("Job title").press("Tab")
    press(helen.get_by_role("button", name="Save job description"))
    helen.wait_for_selector(".pmw-job-description-editor >> text=Job description saved")
    in_first_screen(helen, helen.locator(".pmw-job-description-editor .pmw-status >> nth=0"))
    # Sam's page shows Helen's title (a field he did not touch) within seconds
    sam.wait_for_function(
        "() => [...document.querySelectorAll('.pmw-job-description-editor input')]"
        ".some(i => i.value === 'Senior office clerk')",
        timeout=15_000,
    )
    press(sam.get_by_role("button", name="Save job description"))
    sam.wait_for_selector(".pmw-job-description-editor >> text=Job description saved")
    in_first_screen(sam, sam.locator(".pmw-job-description-editor .pmw-status >> nth=0"))
    press(sam.get_by_role("button", name="Save job description"))  # and again
    sam.wait_for_timeout(1500)
    with store_of(web) as store:
        job = Services.operator(store).open(5).job
        assert job is not None and job.title == "Senior office clerk"
        assert job.purpose == "Keeps the school's records and post in order."
    # a true conflict: both change the title; Sam's save shows both, and stores nothing
    sam_editor.get_by_label("Job title").fill("Office and records clerk")
    helen_editor.get_by_label("Job title").fill("Senior administrative clerk")
    press(helen.get_by_role("button", name="Save job description"))
    helen.wait_for_selector(".pmw-job-description-editor >> text=Job description saved")
    press(sam.get_by_role("button", name="Save job description"))
    conflict = sam.locator(".pmw-conflict")
    conflict.wait_for()
    in_first_screen(sam, sam.locator(".pmw-job-description-editor .pmw-status >> nth=0"))
    table = conflict.inner_text()
    assert "Office and records clerk" in table and "Senior administrative clerk" in table
    assert "Helen Lambert" in table
    screenshot(sam, "web_conflict_side_by_side")
    press(sam.get_by_role("button", name="Save job description"))  # again: still no overwrite
    sam.wait_for_timeout(1000)
    with store_of(web) as store:
        assert Services.operator(store).open(5).job.title == "Senior administrative clerk"  # type: ignore[union-attr]
    conflict.get_by_role("radio", name="Keep mine").first.check()
    conflict.get_by_role("button", name="Save my choices").click()
    sam.wait_for_selector(".pmw-job-description-editor >> text=Your choice is saved")
    with store_of(web) as store:
        job = Services.operator(store).open(5).job
        assert job is not None and job.title == "Office and records clerk"
        assert job.purpose == "Keeps the school's records and post in order."


def test_two_check_ins_saved_at_once_are_both_kept(people: Any, web: PmwServer) -> None:
    """Workbook 1: Mei and Richard each record a check-in on pages open at the same time."""
    mei, richard = people("mchen"), people("rokafor")
    for page, who in ((mei, "mchen"), (richard, "rokafor")):
        sign_in(page, web, who)
        open_step(page, web, "04_check_ins", 1, ".pmw-check-in-log")
    mei.locator(".pmw-check-in-log").get_by_label("Goal", exact=True).fill(
        "Mei's goal for the term"
    )
    richard.locator(".pmw-check-in-log").get_by_label("Goal", exact=True).fill(
        "Richard's goal for the term"
    )
    mei.get_by_role("button", name="Save check-in").click()
    mei.wait_for_selector(".pmw-check-in-log >> text=saved")
    richard.get_by_role("button", name="Save check-in").click()
    richard.wait_for_selector(".pmw-check-in-log >> text=saved")
    in_first_screen(richard, richard.locator(".pmw-check-in-log > .pmw-status"))
    with store_of(web) as store:
        goals = {c.goal for c in Services.operator(store).open(1).check_ins}
    assert {"Mei's goal for the term", "Richard's goal for the term"} <= goals


def test_a_review_field_both_changed_is_chosen_side_by_side(people: Any, web: PmwServer) -> None:
    """Workbook 4 (in review): Anna and Helen both write the focus for the next cycle."""
    anna, helen = people("aberg"), people("hlambert")
    for page, who in ((anna, "aberg"), (helen, "hlambert")):
        sign_in(page, web, who)
        open_step(page, web, "05_review", 4, ".pmw-review-form")
    anna_form = anna.locator(".pmw-review-form")
    anna_form.get_by_label("Next-cycle focus").fill("Employer events in the spring")
    helen.locator(".pmw-review-form").get_by_label("Next-cycle focus").fill(
        "Apprenticeship places with fleet operators"
    )
    helen.get_by_role("button", name="Save my assessments").click()
    helen.wait_for_selector(".pmw-review-form >> text=saved")
    anna_form.get_by_label("Development outcomes").fill("Two new employer partners")
    anna.get_by_role("button", name="Save my assessments").click()
    conflict = anna.locator(".pmw-conflict")
    conflict.wait_for()
    in_first_screen(anna, anna.locator(".pmw-review-form > .pmw-status"))
    conflict.get_by_role("radio", name=re.compile("Keep Helen Lambert")).first.check()
    conflict.get_by_role("button", name="Save my choices").click()
    anna.wait_for_selector(".pmw-review-form >> text=Your choice is saved")
    with store_of(web) as store:
        review = Services.operator(store).open(4).review
    assert review.next_cycle_focus == "Apprenticeship places with fleet operators"
    assert review.development_outcomes == "Two new employer partners"


def test_a_plan_action_both_changed_is_chosen_and_the_rest_is_kept(
    people: Any, web: PmwServer
) -> None:
    """Workbook 1 (plan agreed): Richard adds a commitment and marks action 1 done while
    Mei, on a page that has not heard of it, marks the same action dropped."""
    mei, richard = people("mchen"), people("rokafor")
    for page, who in ((mei, "mchen"), (richard, "rokafor")):
        sign_in(page, web, who)
        open_step(page, web, "03_development_plan", 1, ".pmw-agreed-doc")
        page.get_by_role("button", name="Propose a change").click()  # the plan is agreed
        # action 1, after the drop-down's prompt ("Choose an action")
        page.locator(".pmw-development-planner").get_by_label("Action", exact=True).select_option(
            index=1
        )
    mine = mei.locator(".pmw-development-planner")
    mine.get_by_label("Status").select_option(label="dropped")  # typed, not yet saved
    theirs = richard.locator(".pmw-development-planner")
    theirs.get_by_label("Status").select_option(label="done")
    theirs.get_by_label("Reason for change").fill("The observation is finished")
    richard.get_by_role("button", name="Change status").click()
    richard.wait_for_selector(".pmw-development-planner >> text=is now done")
    in_first_screen(richard, richard.locator(".pmw-development-planner .pmw-status >> nth=1"))
    mine.get_by_label("Reason for change").fill("Tuan's tutorials moved to next term")
    mei.get_by_role("button", name="Change status").click()
    conflict = mei.locator(".pmw-conflict")
    conflict.wait_for()
    assert "dropped" in conflict.inner_text() and "done" in conflict.inner_text()
    with store_of(web) as store:
        plan = Services.operator(store).open(1).plan
    assert plan.actions[0].status == "done"  # nothing overwritten
    conflict.get_by_role("radio", name=re.compile("Keep Richard Okafor")).first.check()
    conflict.get_by_role("button", name="Save my choices").click()
    mei.wait_for_selector(".pmw-development-planner >> text=Your choice is saved")
    with store_of(web) as store:
        plan = Services.operator(store).open(1).plan
    assert plan.actions[0].status == "done"


def test_an_agreed_step_reads_as_a_document_until_someone_proposes_a_change(
    people: Any, web: PmwServer
) -> None:
    """Workbook 1 (objectives agreed, mid-year): Mei, on her phone, reads the agreed
    objectives as a document, not as forms to fill in again; she opens a change, thinks
    better of it, then proposes one with a reason. Richard, on his laptop, finds the
    draft to confirm, not the old document."""
    mei = people("mchen", 390, 844)
    sign_in(mei, web, "mchen")
    open_step(mei, web, "02_objectives", 1, ".pmw-agreed-doc")
    document = mei.locator(".pmw-agreed-doc")
    assert "Objectives — version 1" in document.inner_text()
    assert "Raise the Level 3 diagnostics pass rate" in document.inner_text()
    assert mei.locator(".pmw-objective-list").is_hidden()  # no forms to fill in again
    assert mei.locator(".pmw-objective-editor").is_hidden()
    with store_of(web) as store:
        before = store.latest_version(1)
    screenshot(mei, "web_agreed_objectives_phone")
    # she opens a change, and folds it away: nothing stored
    propose = mei.get_by_role("button", name="Propose a change")
    press(propose)
    note = mei.locator(".pmw-proposing")
    in_first_screen(mei, note)
    assert "proposing a change to the objectives" in note.inner_text()
    press(mei.get_by_role("button", name="Keep the agreed version"))
    document.wait_for()
    mei.get_by_text("Nothing changed: the agreed version stands.").wait_for()
    with store_of(web) as store:
        assert store.latest_version(1) == before
    # she proposes a change to objective 1's target, with a reason
    press(mei.get_by_role("button", name="Propose a change"))
    mei.locator(".pmw-objective-editor").wait_for()
    # the editors fit the phone too (a blank drop-down once stuck out past its edge)
    assert overflowing(mei) == [], overflowing(mei)
    assert mei.locator(".pmw-coverage-view").get_by_label("Why left out").is_hidden()
    screenshot(mei, "web_proposing_a_change_phone")
    press(mei.get_by_role("button", name="Open", exact=True))
    editor = mei.locator(".pmw-objective-editor")
    mei.wait_for_function(
        "() => [...document.querySelectorAll('.pmw-objective-editor input')]"
        ".some(i => i.value.startsWith('85% of learners'))"
    )
    editor.get_by_label("Target").fill("88% of learners pass at the first attempt")
    editor.get_by_label("Reason for change").fill("The spring cohort is stronger than planned")
    press(mei.get_by_role("button", name="Save objective"))
    mei.wait_for_selector("text=Objective 1 saved.")
    with store_of(web) as store:
        state = Services.operator(store).open(1)
    version = state.agreements["objectives"]
    assert version.number == 2 and not version.agreed
    assert "The spring cohort is stronger than planned" in version.opened_reason
    assert state.objective(1).target == "88% of learners pass at the first attempt"
    # the page is a draft now: editors, no document, no "proposing" note
    assert document.is_hidden() and note.is_hidden()
    # Richard finds the draft to read and confirm, not the agreed document
    richard = people("rokafor")
    sign_in(richard, web, "rokafor")
    open_step(richard, web, "02_objectives", 1, ".pmw-agreement-panel")
    card = richard.locator(".pmw-next-card").inner_text()
    assert "version 2 of the objectives" in card.lower(), card
    assert richard.locator(".pmw-agreed-doc").is_hidden()
    assert richard.get_by_role("button", name="Confirm as Richard Okafor (manager)").is_visible()
