"""The coach's session in real JupyterLab (``pmw lab``): opening it, and moving in it.

- **Opening the session**: from Run → Run All Cells in ``session.ipynb`` until the
  coach's first screen (who is at the screen) is drawn; then from *Continue* until the
  dashboard is drawn.
- **Moving between steps**: from a click on a step link until the step is drawn, the
  first visit (the step is built) and the later ones (it is shown again), over the five
  steps; and opening a workbook from the dashboard.
- **The old way**, for the ratio: what moving to a step cost before the app, a full
  load of JupyterLab on the step's notebook and Run All until the step is drawn.

Each is a median over rounds in one sitting; the target for moving between steps is
under 0.5 s (issue 15).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import Row

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import CHROMIUM, CHROMIUM_ARGS, LabServer, demo_env  # noqa: E402

SECTION = "JupyterLab session (pmw lab)"
STEPS = ("01_job_description", "02_objectives", "03_development_plan", "04_check_ins", "05_review")
#: a step is drawn: its pill is the current one and its body is shown
DRAWN = (
    "stem => !!document.querySelector(`.pmw-session-bar a.pmw-step-current[data-pmw-step='${stem}']`)"
    " && !!document.querySelector('.pmw-step-body:not(.pmw-hidden) > *')"
)


def _demo(folder: Path) -> Path:
    from pmwidgets.demo.builder import build_demo
    from pmwidgets.store import Store

    path = folder / "demo-template.sqlite3"
    if not path.exists():
        with Store(f"sqlite:///{path}") as s:
            build_demo(s)
    return path


def _clicked(page: Any, selector: str, stem: str) -> float:
    """Milliseconds from a click on ``selector`` until step ``stem`` is drawn."""
    start = time.perf_counter()
    page.click(selector)
    page.wait_for_function(DRAWN, arg=stem, polling="raf", timeout=60_000)
    return (time.perf_counter() - start) * 1000


def _run_all(page: Any, ready: str) -> float:
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)
    page.click("#jp-MainMenu >> text=Run")
    start = time.perf_counter()
    page.click("li.lm-Menu-item >> text=Run All Cells")
    page.wait_for_selector(ready, timeout=120_000)
    return (time.perf_counter() - start) * 1000


def measure(folder: Path, quick: bool) -> list[Row]:
    """Time opening the session and moving in it, and the old way for the ratio."""
    from playwright.sync_api import sync_playwright

    rounds = 2 if quick else 5
    folder.mkdir(parents=True, exist_ok=True)
    # pmw lab refuses a working folder inside the repository (where .bench is)
    sessions = Path(tempfile.mkdtemp(prefix="pmw-bench-lab-"))
    template = _demo(folder)
    opened, signed, first, again, from_board, reloaded = [], [], [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in range(rounds):
            work = folder / f"round-{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            env = demo_env(template, work, JUPYTER_RUNTIME_DIR=str(work / "rt"), JUPYTER_TOKEN="b")
            lab = LabServer(env, work / "lab.log", sessions / f"round-{n}", "bench")
            try:
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                ctx.route(
                    "**/*",
                    lambda r: (
                        r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort()
                    ),
                )
                page = ctx.new_page()
                page.goto(f"{lab.url}/doc/tree/bench/session.ipynb?token=b")
                opened.append(_run_all(page, ".pmw-app >> text=Who is at the screen?"))
                page.select_option(".pmw-app select", label="Kate Walsh (coach)")
                start = time.perf_counter()
                page.click(".pmw-app button:has-text('Continue')")
                page.wait_for_selector(".pmw-app .pmw-dashboard-rows tr[data-workbook='1']")
                signed.append((time.perf_counter() - start) * 1000)
                from_board.append(
                    _clicked(
                        page,
                        "tr[data-workbook='1'] a[data-pmw-step='00_start_here']",
                        "00_start_here",
                    )
                )
                for visits in (first, again):
                    for stem in STEPS:
                        visits.append(
                            _clicked(page, f".pmw-session-bar a[data-pmw-step='{stem}']", stem)
                        )
                # the old way: JupyterLab loaded on the step's notebook, then Run All
                start = time.perf_counter()
                page.goto(f"{lab.url}/doc/tree/bench/02_objectives.ipynb?token=b")
                _run_all(page, ".pmw-app .pmw-agreed-doc, .pmw-app .pmw-objective-list")
                reloaded.append((time.perf_counter() - start) * 1000)
                ctx.close()
            finally:
                lab.stop()
        browser.close()
    shutil.rmtree(sessions, ignore_errors=True)
    old = sorted(reloaded)[len(reloaded) // 2]

    def row(measure: str, samples: list[float], target: str = "", note: str = "") -> Row:
        r = Row(SECTION, measure, "ms", samples, target=target, note=note)
        if target:
            r.met = r.median < 500
        r.ratio = r.median / old if samples is not reloaded else 1.0
        return r

    return [
        row(
            "open the session: Run All until the first screen",
            opened,
            note="kernel start and imports included",
        ),
        row("sign in: Continue until the dashboard", signed),
        row("open a workbook from the dashboard", from_board, "< 500 ms", "ratio: to the old way"),
        row("move to a step, first visit (built)", first, "< 500 ms", "five steps per round"),
        row("move to a step again (kept)", again, "< 500 ms", "five steps per round"),
        row(
            "the old way: load JupyterLab on the step's notebook, Run All",
            reloaded,
            note="what one move cost before the app (reference, 1.00×)",
        ),
    ]
