"""A real Voila server and Debian's Chromium, driven by Playwright.

Voila runs as a subprocess on a free port (``--Voila.port_retries=0``), with its
config isolated, serving ``notebooks/`` against a copy of the demo database.
Every request that does not go to 127.0.0.1 is aborted (the lab template asks a
CDN for fonts). Chromium is Debian's, at /usr/bin/chromium: no browser download.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    PmwServer,
    Server,
    VoilaServer,
    demo_env,
    serve_demo_copy,
)

SCREENSHOTS = ROOT / "docs" / "screenshots"
__all__ = ["PmwServer", "VoilaServer", "open_page", "screenshot", "wait_ready"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def voila(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """Voila on a copy of the demo, with the coach Kate Walsh facilitating workbook 1."""
    folder = tmp_path_factory.mktemp("voila")
    env = demo_env(demo_template, folder, PMW_USER="kwalsh", PMW_WORKBOOK="1", PMW_ACTING="mchen")
    server = VoilaServer(env, folder / "voila.log")
    yield server
    server.stop()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context whose only reachable host is 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


def open_page(page: object, server: VoilaServer, stem: str) -> None:
    """Open a step page and wait until it is usable."""
    page.goto(f"{server.url}/voila/render/{stem}.ipynb", wait_until="domcontentloaded")  # type: ignore[attr-defined]
    page.wait_for_selector("#loading", state="detached", timeout=90_000)  # type: ignore[attr-defined]
    page.wait_for_selector(".pmw-session-bar", timeout=60_000)  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> None:
    """Save a screenshot of the whole page, at the page's own width (JupyterLab scrolls
    inside its own panels, so the window is made as tall as the content first)."""
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => Math.max(document.body.scrollHeight,"
        " ...[...document.querySelectorAll('#rendered_cells, .jp-OutputArea, main')].map(e => e.scrollHeight))"
    )
    width = page.viewport_size["width"]  # type: ignore[attr-defined]  # a phone stays a phone
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 7000)})  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def web(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PmwServer]:
    """The web app on a copy of the demo, as `make run` starts it."""
    server = serve_demo_copy(demo_template, tmp_path_factory.mktemp("web"), 10)
    yield server
    server.stop()


def wait_ready(page: object, selector: str = ".pmw-page") -> None:
    """Wait until Voila has executed the notebook and our app is on the page."""
    page.wait_for_selector("#loading", state="detached", timeout=90_000)  # type: ignore[attr-defined]
    page.wait_for_selector(selector, timeout=60_000)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def hostile_web(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PmwServer]:
    """One web app for the four hostile-user suites (see hostile.py), started once."""
    from .hostile import start_server

    server = start_server(demo_template, tmp_path_factory.mktemp("hostile"))
    yield server
    server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test's report says what the pages showed and what the servers logged.

    A page stuck on Voila's spinner looks the same whether the kernel never started,
    the notebook hung or the front end failed: the servers' logs (with times) and
    each open page's text and screenshot tell which, also on a CI machine.
    """
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None  # type: ignore[attr-defined]
    for n, pg in enumerate(p for c in getattr(browser, "contexts", []) for p in c.pages):
        try:
            text = pg.evaluate("() => document.body ? document.body.innerText : ''")
            shot = ROOT / ".test-failures" / f"{item.name}-{n}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(shot))
            report.sections.append(
                (f"page {n} at {pg.url}", f"{text[:1500]}\n(screenshot: {shot})")
            )
        except Exception as exc:  # a closed or crashed page: say so, keep the report
            report.sections.append((f"page {n}", f"could not be read: {exc}"))
    for server in Server.running:
        report.sections.append((f"{server.name} at {server.url}: last log lines", server.tail()))
