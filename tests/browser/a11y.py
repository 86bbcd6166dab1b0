"""What every page must satisfy at a laptop's and a phone's width, measured in the page.

- Nothing sticks out past the viewport's width (``getBoundingClientRect``), except
  inside a frame that scrolls sideways on its own and is itself within the width.
- The page scrolls as a document: no box scrolls its content inside itself, so a
  ``full_page`` screenshot and printing show the whole page.
- axe-core (from the npm registry, pinned by ``tests/browser/package-lock.json``,
  installed by ``make test``) finds no serious or critical violation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
WIDTHS = {"phone": PHONE, "laptop": LAPTOP}

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const framed = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX) && p.getBoundingClientRect().right <= width + 1) return true;
    } return false; };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
    if (r.right > width + 1 && !framed(e)) {
      out.push(`${e.tagName.toLowerCase()}.${String(e.className).split(' ').slice(0, 3).join('.')}`
               + ` right=${Math.round(r.right)} "${(e.innerText || e.value || '').slice(0, 40)}"`);
    }
  }
  return out;
}"""

_INNER_SCROLL = """() => [...document.querySelectorAll('body *')]
  .filter(e => !['SELECT', 'TEXTAREA'].includes(e.tagName))
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 4)
  .map(e => `${e.tagName.toLowerCase()}.${String(e.className).split(' ').filter(c => c !== 'lm-Widget').slice(0, 3).join('.')}`
            + ` ${e.clientHeight}/${e.scrollHeight} "${(e.innerText || '').slice(0, 30)}"`)"""


def local_context(browser: Any, size: dict[str, int], **options: Any) -> Any:
    """A browser context of viewport ``size`` whose only reachable host is 127.0.0.1."""
    ctx = browser.new_context(viewport=size, device_scale_factor=1, **options)
    ctx.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1"))
            else r.abort()
        ),
    )
    return ctx


def overflowing(page: Any) -> list[str]:
    """The elements that extend past the viewport's right edge, outside any frame of their own."""
    return list(page.evaluate(_OVERFLOW))


def inner_scrollers(page: Any) -> list[str]:
    """Boxes that scroll their content inside themselves (the page should, as a document)."""
    return list(page.evaluate(_INNER_SCROLL))


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of ``impacts``, each as one line naming the rule and the nodes.

    The page's Content-Security-Policy runs no injected script: the browser context
    must be made with ``bypass_csp=True`` (only the tests' own contexts are).
    """
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: `make test` installs it (npm ci in tests/browser)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}))"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}): {', '.join(v['nodes'])}"
        for v in found
        if v["impact"] in impacts
    ]


def first_screen(page: Any, selector: str) -> bool:
    """Whether the first element matching ``selector`` starts within the first screen."""
    return bool(
        page.evaluate(
            """s => { const e = document.querySelector(s); if (!e) return false;
                const r = e.getBoundingClientRect();
                return r.height > 0 && r.top + window.scrollY < window.innerHeight; }""",
            selector,
        )
    )
