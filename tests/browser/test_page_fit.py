"""Every page at a laptop's width (1280×900) and a phone's (390×844), as people meet them.

For each page (home, the five steps, the agreement, the dashboard, sign-in and error
pages), at both widths:

- nothing extends past the viewport's width;
- the page scrolls as a document, so the ``full_page`` screenshot is the whole page;
- the person's next action starts within the first screen;
- axe-core finds no serious or critical violation.

Each page's screenshot goes to ``docs/screenshots/pages/`` (the README shows some).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from servers import ROOT

from pmwidgets.widgets.session_bar import STEPS as BAR_STEPS

from .a11y import WIDTHS, axe_violations, first_screen, inner_scrollers, local_context, overflowing
from .conftest import PmwServer, wait_ready

pytestmark = pytest.mark.slow
SHOTS = ROOT / "docs" / "screenshots" / "pages"


@dataclass(frozen=True)
class Visit:
    """A page as one person opens it: ``ready`` shows it is drawn, ``action`` is the
    element holding what this person should do next."""

    name: str
    person: str | None
    path: str
    ready: str
    action: str


STEP = ".pmw-next"
VISITS = [
    Visit("home", "rokafor", "voila/render/home.ipynb", ".pmw-home-table", STEP),
    *(
        Visit(stem, "rokafor", f"voila/render/{stem}.ipynb?workbook=1", ".pmw-session-bar", STEP)
        for stem, _label in BAR_STEPS
    ),
    Visit("employee_objectives", "tnguyen", "voila/render/02_objectives.ipynb?workbook=2",
          ".pmw-session-bar", STEP),
    Visit("agreement", "rokafor", "voila/render/agreement.ipynb?workbook=1", ".pmw-downloads",
          ".pmw-downloads"),
    Visit("dashboard", "kwalsh", "voila/render/coach_dashboard.ipynb", ".pmw-dashboard-rows",
          ".pmw-dashboard-counts"),
    Visit("not_available", "mchen", "voila/render/02_objectives.ipynb?workbook=4",
          ".pmw-status-error", ".pmw-status-error"),
    Visit("no_identity", None, "voila/render/home.ipynb", "main.pmw-plain", "main.pmw-plain"),
    Visit("link_refused", None, "pmw/signin?t=bWNoZW4.forged.signature", "main.pmw-plain",
          "main.pmw-plain"),
]  # fmt: skip


@pytest.fixture
def contexts(browser: Any) -> Iterator[Any]:
    """Browser contexts of a given size; only 127.0.0.1 is reachable. ``bypass_csp``
    lets the test inject axe-core: the pages' own policy runs no injected script."""
    made: list[Any] = []

    def open_context(size: dict[str, int]) -> Any:
        ctx = local_context(browser, size, bypass_csp=True)
        made.append(ctx)
        return ctx

    yield open_context
    for ctx in made:
        ctx.close()


def _problems(page: Any, visit: Visit, width: str) -> list[str]:
    found = [f"sticks out: {e}" for e in overflowing(page)[:6]]
    found += [f"scrolls inside itself: {e}" for e in inner_scrollers(page)[:6]]
    if not first_screen(page, visit.action):
        found.append(f"the next action ({visit.action}) is not within the first screen")
    found += axe_violations(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{visit.name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    from PIL import Image

    with Image.open(shot) as image:
        if image.height < height - 2:
            found.append(f"the full-page screenshot is {image.height} px of {height}")
    return [f"{visit.name} at {width}: {p}" for p in found]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_leads_with_the_next_action_and_passes_axe(
    contexts: Any, web: PmwServer, width: str
) -> None:
    pages: dict[str | None, Any] = {}
    problems: list[str] = []
    for visit in VISITS:
        if visit.person not in pages:
            page = contexts(WIDTHS[width]).new_page()
            page.set_default_timeout(60_000)
            if visit.person is not None:
                page.goto(web.invite(visit.person), wait_until="domcontentloaded")
                wait_ready(page)
            pages[visit.person] = page
        page = pages[visit.person]
        page.goto(f"{web.url}/{visit.path}", wait_until="domcontentloaded")
        if visit.person is not None:
            wait_ready(page, visit.ready)
        else:
            page.wait_for_selector(visit.ready)
        page.wait_for_timeout(400)  # let the widgets settle their sizes
        problems += _problems(page, visit, width)
    assert not problems, "\n".join(problems)
