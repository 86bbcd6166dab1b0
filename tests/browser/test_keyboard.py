"""Agreeing objectives with the keyboard only, in two browser contexts, focus always visible.

Diego Silva (employee) and Richard Okafor (manager) each open workbook 3's objectives
from their sign-in link. Neither touches a mouse: each presses Tab to the next action's
link, Enter to go to the confirmation, Tab to their own Confirm button, and Enter.
Every element that takes the focus on the way must show it: an outline of 2 px or more
(ipywidgets' own mark, a 1 px pale line, is not enough).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .a11y import LAPTOP, PHONE, local_context
from .conftest import PmwServer, wait_ready

pytestmark = pytest.mark.slow

_FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return {text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60),
          tag: e.tagName.toLowerCase(), ring, inside: !!e.closest('.pmw-page, .pmw-topbar')}; }"""


@pytest.fixture
def keyboard_people(browser: Any) -> Iterator[Any]:
    made: list[Any] = []

    def open_as(size: dict[str, int]) -> Any:
        ctx = local_context(browser, size)
        made.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        return page

    yield open_as
    for ctx in made:
        ctx.close()


def tab_to(page: Any, wanted: str, limit: int = 120) -> list[str]:
    """Press Tab until the focused element's text starts with ``wanted``; returns the
    elements passed whose focus could not be seen."""
    unseen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(_FOCUSED)
        if found is None:
            continue
        if not found["ring"]:
            unseen.append(f"{found['tag']} {found['text']!r}")
        if found["text"].startswith(wanted):
            return unseen
    raise AssertionError(f"Tab never reached {wanted!r} in {limit} presses")


def test_two_people_agree_objectives_with_the_keyboard_only(
    keyboard_people: Any, web: PmwServer
) -> None:
    diego, richard = keyboard_people(PHONE), keyboard_people(LAPTOP)  # one on a phone
    for page, who in ((diego, "dsilva"), (richard, "rokafor")):
        page.goto(web.invite(who), wait_until="domcontentloaded")
        wait_ready(page)
        page.goto(f"{web.url}/voila/render/02_objectives.ipynb?workbook=3")
        wait_ready(page, ".pmw-next")
    unseen: list[str] = []
    for page, name, party in (
        (diego, "Diego Silva", "employee"),
        (richard, "Richard Okafor", "manager"),
    ):
        # Diego first: both still to confirm; then Richard, whose card has followed
        # Diego's confirmation without a reload: it is his turn now
        wanted = (
            "Version 2 of the objectives is ready"
            if party == "employee"
            else "Read version 2 of the objectives and confirm it"
        )
        page.locator(".pmw-next", has_text=wanted).wait_for(timeout=20_000)
        unseen += tab_to(page, "Go to the confirmation")
        page.keyboard.press("Enter")  # the link moves the page (and the focus order) there
        page.wait_for_function("() => location.hash === '#pmw-02_objectives-agree'")
        unseen += tab_to(page, f"Confirm as {name} ({party})")
        page.keyboard.press("Enter")
        page.wait_for_selector(
            ".pmw-agreement-panel >> text=Agreed by both"
            if party == "manager"
            else ".pmw-agreement-panel >> text=waiting for the manager",
            timeout=20_000,
        )
    diego.wait_for_selector(".pmw-agreement-panel >> text=Agreed by both", timeout=20_000)
    assert "version 2 of the objectives is agreed" in diego.locator(".pmw-next").inner_text()
    # agreed: the objectives read as a document, and its "Propose a change" is reachable
    # (the page opened again, as Diego would the next day: Tab starts from the top)
    diego.reload(wait_until="domcontentloaded")
    wait_ready(diego, ".pmw-agreed-doc")
    assert "Objectives — version 2" in diego.locator(".pmw-agreed-doc").inner_text()
    unseen += tab_to(diego, "Propose a change")
    # the history is a fold the keyboard opens (an Accordion's title was a div Tab skipped)
    unseen += tab_to(diego, "▸ History of this workbook")
    diego.keyboard.press("Enter")
    diego.locator(".pmw-history-view").wait_for(timeout=20_000)
    assert "▾ History of this workbook" in diego.evaluate("document.activeElement.innerText")
    assert not unseen, f"focus not visible on: {unseen}"
