"""A coach's whole facilitated session in real JupyterLab (``pmw lab``), in Chromium.

Kate Walsh, the coach, opens the session notebook and runs it once. From her
dashboard she opens Mei Chen's objectives: it is Mei Chen's workbook. She goes through
all five steps without a page load, switching who is acting between Mei Chen and her
manager Richard Okafor, and a change is saved at each step under the acting person's
name. She opens Anna Berg's workbook and every panel shows Anna's. She downloads an
agreement as a PDF from the dashboard. She reloads the browser, runs the notebook
again, and the session is where it was. Nothing left the machine, and the checkout's
``git status`` is what it was before.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import ROOT, LabServer, demo_env

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.slow
SESSION = "2027-01-12-kate-walsh"
KATE, MEI, RICHARD = "Kate Walsh (coach)", "Mei Chen (employee)", "Richard Okafor (manager)"


def git_status() -> set[str]:
    """The checkout's changed and untracked paths, but for the screenshots tests write."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {line[3:] for line in out.splitlines() if "docs/screenshots/" not in line}


@pytest.fixture(scope="module")
def lab(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """``pmw lab`` on a copy of the demo; nobody chosen yet (no ``PMW_USER``)."""
    folder = tmp_path_factory.mktemp("lab-journey")
    env = demo_env(
        demo_template,
        folder,
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        JUPYTER_TOKEN="coach-journey-token",
    )
    server = LabServer(env, folder / "lab.log", folder / "sessions", SESSION)
    yield server
    server.stop()


@pytest.fixture
def coach(browser: Any) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The coach's page; requests anywhere but 127.0.0.1 recorded and aborted, and every
    load of a page (not the first) recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tried: list[str] = []
    loads: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("http://127.0.0.1"):
            r.continue_()
        else:
            tried.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("load", lambda: loads.append(page.url))
    yield page, tried, loads
    context.close()


def run_all(page: Any) -> None:
    """Run the notebook as a coach would: Run → Run All Cells."""
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)
    page.click("#jp-MainMenu >> text=Run")
    page.click("li.lm-Menu-item >> text=Run All Cells")
    page.wait_for_selector(".jp-OutputArea .pmw-app", timeout=120_000)


def go(page: Any, stem: str) -> None:
    """Click step ``stem``'s pill in the session bar; wait until it is the current step."""
    page.locator(f".pmw-session-bar a[data-pmw-step='{stem}']").click()
    page.locator(f".pmw-session-bar a.pmw-step-current[data-pmw-step='{stem}']").wait_for()


def act(page: Any, who: str) -> None:
    """Switch who is acting, on the session bar."""
    page.locator(".pmw-session-bar").get_by_role("button", name=who).click()
    name = who.split(" (")[0]
    page.locator(".pmw-workbook-summary").get_by_text(f"{name} is acting").wait_for()


def visible_step(page: Any) -> Any:
    """The body of the step shown (the others are kept, hidden)."""
    return page.locator(".pmw-step-body:not(.pmw-hidden)")


def saved(page: Any) -> None:
    """Wait for the step's 'done' line."""
    visible_step(page).locator(".pmw-status-ok").first.wait_for(timeout=30_000)


def expect_workbook(page: Any, title: str, acting: str) -> None:
    """Every panel shows workbook ``title`` and ``acting`` acting, and only them."""
    summary = page.locator(".pmw-workbook-summary")
    summary.get_by_text(title).wait_for()
    assert f"{acting} is acting" in summary.inner_text() or "Signed in as" in summary.inner_text()
    assert page.locator(".pmw-workbook-summary").count() == 1
    pressed = page.locator(".pmw-session-bar .mod-active").inner_text()
    assert pressed.startswith(acting), pressed


def test_a_coach_s_whole_session_in_one_app_without_a_page_load(
    lab: LabServer, coach: tuple[Any, list[str], list[str]]
) -> None:
    page, tried, loads = coach
    before = git_status()
    page.goto(f"{lab.url}/doc/tree/{SESSION}/session.ipynb?token={lab.token}")
    run_all(page)

    # sign in as the coach; her dashboard lists her workbooks
    app = page.locator(".pmw-app")
    app.get_by_label("Who is at the screen?").select_option(label="Kate Walsh (coach)")
    app.get_by_role("button", name="Continue").click()
    rows = app.locator(".pmw-dashboard-rows tr[data-workbook]")
    rows.first.wait_for()
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.workbook)")) == ["1", "3", "4"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lab-session-dashboard.png"))
    first_load = len(loads)

    # Mei Chen's objectives, from the dashboard: her workbook, not anyone else's
    app.locator("tr[data-workbook='1'] a[data-pmw-step='02_objectives']").click()
    page.locator(".pmw-session-bar a.pmw-step-current[data-pmw-step='02_objectives']").wait_for()
    expect_workbook(page, "Workbook 1: Mei Chen with Richard Okafor", "Kate Walsh")
    assert "Raise the Level 3 diagnostics pass rate" in visible_step(page).inner_text()

    # 1 Job description: Richard changes the purpose
    go(page, "01_job_description")
    act(page, RICHARD)
    expect_workbook(page, "Workbook 1: Mei Chen with Richard Okafor", "Richard Okafor")
    step = visible_step(page)
    # agreed: it reads as a document; the editor is built, and opens, on "Propose a change"
    assert "Job description" in step.locator(".pmw-agreed-doc").inner_text()
    assert step.locator(".pmw-job-description-editor").count() == 0
    step.get_by_role("button", name="Propose a change").click()
    editor = step.locator(".pmw-job-description-editor")
    editor.get_by_label("Purpose").fill("Teaches and assesses automotive diagnostics, safely.")
    editor.get_by_label("Reason for change").fill("Assessment is half of the job this year")
    editor.get_by_role("button", name="Save job description").click()
    saved(page)

    # 2 Objectives: Mei changes the target of objective 1, with a reason
    go(page, "02_objectives")
    act(page, MEI)
    step = visible_step(page)
    # agreed: the objectives read as the document; the editors open on "Propose a change"
    assert step.locator(".pmw-objective-editor").is_hidden()
    assert "Objectives — version 1" in step.locator(".pmw-agreed-doc").inner_text()
    step.get_by_role("button", name="Propose a change").click()
    step.get_by_role("button", name="Open", exact=True).click()
    objective = step.locator(".pmw-objective-editor")
    objective.get_by_label("Target").fill("88% of learners pass at the first attempt")
    objective.get_by_label("Reason for change").fill("The spring cohort is stronger than planned")
    objective.get_by_role("button", name="Save objective").click()
    saved(page)
    page.screenshot(path=str(SCREENSHOTS / "lab-session-objectives.png"))

    # 3 Development plan: Mei marks an action done, with a reason
    go(page, "03_development_plan")
    expect_workbook(page, "Workbook 1: Mei Chen with Richard Okafor", "Mei Chen")
    visible_step(page).get_by_role("button", name="Propose a change").click()
    planner = visible_step(page).locator(".pmw-development-planner")
    planner.get_by_label("Action", exact=True).select_option(index=1)
    planner.get_by_label("Status").select_option(label="done")
    planner.get_by_label("Reason for change").fill("Finished in the autumn term")
    planner.get_by_role("button", name="Change status").click()
    saved(page)

    # 4 Check-ins: Richard records one
    go(page, "04_check_ins")
    act(page, RICHARD)
    log = visible_step(page).locator(".pmw-check-in-log")
    log.get_by_label("Goal", exact=True).fill("Half-term: where the diagnostics unit stands")
    log.get_by_role("button", name="Save check-in").click()
    saved(page)

    # 5 Review: Richard starts it early, with the reason
    go(page, "05_review")
    form = visible_step(page).locator(".pmw-review-form")
    form.get_by_label("Reason to start early").fill("Mei moves to the new campus in spring")
    form.get_by_role("button", name="Start the review").click()
    saved(page)
    expect_workbook(page, "Workbook 1: Mei Chen with Richard Okafor", "Richard Okafor")

    # back to the objectives: still Mei Chen's, with her change, Richard acting
    go(page, "02_objectives")
    assert "88% of learners pass" in visible_step(page).inner_text()

    # a second workbook, from the dashboard: every panel shows Anna Berg's
    go(page, "coach_dashboard")
    app.locator("tr[data-workbook='4'] a[data-pmw-step='02_objectives']").click()
    expect_workbook(page, "Workbook 4: Anna Berg with Helen Lambert", "Kate Walsh")
    text = visible_step(page).inner_text()
    assert "Raise the Level 3" not in text and "Richard Okafor" not in text
    for stem in ("00_start_here", "03_development_plan", "05_review", "agreement"):
        go(page, stem)
        assert "Mei Chen" not in visible_step(page).inner_text(), stem
    assert "Anna Berg" in visible_step(page).inner_text()  # the agreement document
    act(page, "Anna Berg (employee)")

    # the agreement of Mei Chen's workbook, as a PDF, from the dashboard (the coach's:
    # nobody else acts there)
    go(page, "coach_dashboard")
    page.locator(".pmw-workbook-summary").get_by_text("Signed in as Kate Walsh").wait_for()
    with page.expect_download() as download:
        app.locator("tr[data-workbook='1'] a[data-pmw-pdf]").click()
    assert download.value.suggested_filename == "performance-agreement-workbook-1.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    go(page, "02_objectives")
    act(page, "Helen Lambert (manager)")
    assert len(loads) == first_load, f"pages were loaded: {loads[first_load:]}"

    # saved (as autosave would), then reloaded: the notebook says how to start, with no
    # widget that its kernel may no longer know; run again, and the session is where it was
    copy = lab.folder / SESSION / "session.ipynb"
    unsaved = copy.stat().st_mtime_ns
    page.keyboard.press("Control+s")
    for _ in range(100):
        if copy.stat().st_mtime_ns != unsaved:
            break
        page.wait_for_timeout(100)
    assert copy.stat().st_mtime_ns != unsaved, "the notebook was not saved"
    assert "widget-view" not in copy.read_text(encoding="utf-8")
    page.reload()
    page.locator(".jp-RenderedMarkdown", has_text="To start, choose Run").wait_for(timeout=120_000)
    assert not page.get_by_text("model not found").count()
    run_all(page)
    page.locator(".pmw-session-bar a.pmw-step-current[data-pmw-step='02_objectives']").wait_for()
    expect_workbook(page, "Workbook 4: Anna Berg with Helen Lambert", "Helen Lambert")
    go(page, "05_review")
    assert "Anna Berg" in visible_step(page).inner_text()
    page.screenshot(path=str(SCREENSHOTS / "lab-session-review.png"))

    assert tried == []
    after = git_status()
    assert after == before, f"the session changed the checkout: {sorted(after ^ before)}"
