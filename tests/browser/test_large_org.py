"""The issue's 'done when': HR with about 200 workbooks opens the dashboard in the web app,
goes to a workbook from there, and downloads its agreement as a PDF."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmwidgets.demo.synthetic import build_synthetic
from pmwidgets.services import Services, open_store

from .conftest import PmwServer, screenshot, wait_ready

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PmwServer, str]]:
    folder = tmp_path_factory.mktemp("large")
    url = f"sqlite:///{folder / 'org.sqlite3'}"
    with open_store(url) as store:
        build_synthetic(store, 230, seed=11)
        admin = next(
            p.id for p in Services.operator(store).people() if "admin" in {r.value for r in p.roles}
        )
        workbooks = len(store.find_workbooks())
    assert workbooks >= 190
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMW_")}
    env.update(
        PMW_DATABASE_URL=url,
        PMW_SECRET="large-" + folder.name,
        XDG_STATE_HOME=str(folder / "state"),
        XDG_DATA_HOME=str(folder / "data"),
        JUPYTER_CONFIG_DIR=str(folder / "jupyter-config"),
    )
    server = PmwServer(env, folder / "serve.log")
    server.wait_preheated()  # HR comes to a server that has been up for a while
    yield server, admin
    server.stop()


def test_hr_with_about_200_workbooks(browser, large, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, admin = large
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort(),
    )
    page = context.new_page()
    page.set_default_navigation_timeout(120_000)
    page.set_default_timeout(60_000)
    page.goto(server.invite(admin), wait_until="domcontentloaded")
    wait_ready(page)
    page.goto(f"{server.url}/voila/render/coach_dashboard.ipynb", wait_until="domcontentloaded")
    wait_ready(page, ".pmw-dashboard-rows")
    counts = page.locator(".pmw-dashboard-count .pmw-title").first.inner_text()
    assert int(counts) >= 190
    assert "Page 1 of" in page.inner_text("body")
    screenshot(page, "web_dashboard_200")
    # open a workbook from the dashboard: the first one in check-ins
    stage = page.get_by_label(
        "Stage", exact=True
    )  # not the stage chart ("Workbooks at each stage")
    label = next(t for t in stage.locator("option").all_inner_texts() if t.startswith("Check-ins"))
    stage.select_option(label=label)
    page.wait_for_timeout(500)
    link = page.locator(".pmw-dashboard-rows a[href*='04_check_ins.ipynb?workbook=']").first
    workbook = link.get_attribute("href").split("workbook=")[1]  # type: ignore[union-attr]
    link.click()
    wait_ready(page, ".pmw-check-in-log")
    assert f"Workbook {workbook}:" in page.inner_text("body")
    page.goto(
        f"{server.url}/voila/render/agreement.ipynb?workbook={workbook}",
        wait_until="domcontentloaded",
    )
    wait_ready(page, ".pmw-agreement-document")
    page.click("text=Prepare the PDF")
    page.wait_for_selector("text=Download the agreement (PDF)")
    with page.expect_download() as info:
        page.click("text=Download the agreement (PDF)")
    pdf = tmp_path / "agreement.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Performance agreement" in text and "confirmed" in text
    context.close()
