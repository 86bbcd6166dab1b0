"""A coach's session in real JupyterLab (``pmw lab``), in Chromium.

The coach opens the session's first notebook, runs it, and sees the workbook; JupyterLab
asks nothing of the people in the room (no news prompt), nothing leaves the machine, and
the repository's notebooks are the same afterwards: the session works on its own copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import ROOT, LabServer, demo_env

from .conftest import SCREENSHOTS

SESSION = "2026-12-07-mei-chen"


def _fingerprints(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    }


@pytest.fixture(scope="module")
def lab(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """``pmw lab`` on a copy of the demo, for the coach Kate Walsh, in a working folder of
    its own (the repository's notebooks fingerprinted before it starts)."""
    folder = tmp_path_factory.mktemp("lab")
    env = demo_env(
        demo_template,
        folder,
        PMW_USER="kwalsh",
        PMW_WORKBOOK="1",
        PMW_ACTING="mchen",
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        JUPYTER_TOKEN="coach-session-token",
    )
    before = _fingerprints(ROOT / "notebooks")
    server = LabServer(env, folder / "lab.log", folder / "sessions", SESSION)
    server.repository_before = before  # type: ignore[attr-defined]
    yield server
    server.stop()


@pytest.fixture
def outbound(browser: object) -> Iterator[tuple[object, list[str]]]:
    """A page whose requests to anywhere but 127.0.0.1 are recorded and aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tried: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith("http://127.0.0.1"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            tried.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    yield context.new_page(), tried
    context.close()


def test_the_coach_runs_the_first_notebook_on_a_copy_with_nothing_leaving(
    lab: LabServer, outbound: tuple[object, list[str]]
) -> None:
    page, tried = outbound
    page.goto(lab.notebook_url("00_start_here.ipynb"), wait_until="domcontentloaded")  # type: ignore[attr-defined]
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)  # type: ignore[attr-defined]
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)  # type: ignore[attr-defined]
    page.click("#jp-MainMenu >> text=Run")  # type: ignore[attr-defined]
    page.click("li.lm-Menu-item >> text=Run All Cells")  # type: ignore[attr-defined]
    page.wait_for_selector(".jp-OutputArea .pmw-page", timeout=120_000)  # type: ignore[attr-defined]
    page.wait_for_selector(".jp-OutputArea >> text=Where this workbook stands", timeout=60_000)  # type: ignore[attr-defined]
    text = page.inner_text("body")  # type: ignore[attr-defined]
    assert "Mei Chen" in text
    assert "news" not in text.casefold()  # no "Would you like to get notified about … news?"
    assert not page.query_selector(".Toastify__toast")  # type: ignore[attr-defined]
    page.locator(".jp-OutputArea .pmw-page").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lab-session-start.png"))  # type: ignore[attr-defined]
    assert tried == []
    copy = lab.folder / SESSION / "00_start_here.ipynb"
    assert copy.exists()
    assert _fingerprints(ROOT / "notebooks") == lab.repository_before  # type: ignore[attr-defined]
