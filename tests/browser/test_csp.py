"""The Content-Security-Policy in a real browser: the pages work under it, and it reports nothing.

The policy (pmwidgets/web/headers.py) runs no inline script, no eval, and connects
to the app's own origin only. Chromium reports every blocked load or script as a
``securitypolicyviolation`` event and a console error: any one of them here means
the policy broke something on the page, or the page tried something it should not.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

from pmwidgets.web.headers import CSP, HEARTBEAT, script_hash

from .conftest import PmwServer, wait_ready

pytestmark = pytest.mark.slow

#: every violation Chromium reports, on whichever page, to the test (survives navigation)
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => window.__pmwCspViolation({
  directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
  line: e.lineNumber, sample: e.sample, page: location.href}));
"""
#: script types a browser runs; any other (application/json, ...) is data
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


def directives(policy: str) -> dict[str, list[str]]:
    """A policy's directives, each with its sources."""
    out = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


class Scripts(HTMLParser):
    """The <script> elements of an HTML document: their attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[dict[str, str], str]] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = {k: v or "" for k, v in attrs}, []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.found.append((self._open, "".join(self._text)))
            self._open = None


def blocked_scripts(html: str, policy: str) -> list[str]:
    """The scripts of a served page that the policy would not run (it allows no 'unsafe-inline')."""
    allowed = set(directives(policy)["script-src"])
    parser = Scripts()
    parser.feed(html)
    assert parser.found, "no script at all: not a Voila page"
    blocked = []
    for attrs, text in parser.found:
        if attrs.get("type", "").lower() not in JS_TYPES:
            continue  # a data block: never run
        if "src" in attrs:
            if not attrs["src"].startswith("/") or attrs["src"].startswith("//"):
                blocked.append(f"script from elsewhere: {attrs['src']}")
        elif script_hash(text) not in allowed:
            blocked.append(f"inline script: {text.strip()[:80]!r}")
    return blocked


def ready(page: Any, selector: str = ".pmw-page") -> None:
    """Wait until the page is usable; if it never is, say first what the policy blocked."""
    try:
        wait_ready(page, selector)
    except Exception:
        assert page.csp["violations"] == [], "the page never became usable"
        raise


@pytest.fixture
def visitor(browser: Any) -> Iterator[Any]:
    """A page that reaches 127.0.0.1 only and records CSP violations, console errors and sockets."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("http://127.0.0.1"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    violations: list[dict[str, Any]] = []
    ctx.expose_binding("__pmwCspViolation", lambda _source, v: violations.append(v))
    ctx.add_init_script(REPORT_VIOLATIONS)
    page = ctx.new_page()
    page.set_default_navigation_timeout(90_000)
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.csp = {
        "violations": violations,
        "console": console,
        "outside": outside,
        "sockets": sockets,
    }
    yield page
    ctx.close()


def test_the_pages_work_under_the_policy_and_it_reports_nothing(
    visitor: Any, web: PmwServer
) -> None:
    page = visitor
    # home, by the person's own link
    home = page.goto(web.invite("rokafor"), wait_until="domcontentloaded")
    ready(page)  # the cells are shown: voila-page.js and voila-finish.js ran
    assert page.url.endswith("/voila/render/home.ipynb")
    served = home.headers["content-security-policy"]
    assert served == CSP
    assert "'unsafe-eval'" not in served
    assert "'unsafe-inline'" not in directives(served)["script-src"]
    assert directives(served)["connect-src"] == ["'self'"]
    assert not {"ws:", "wss:", "*", "http:", "https:"} & {
        s for sources in directives(served).values() for s in sources
    }
    assert blocked_scripts(home.text(), served) == []
    # a click opens a step page, whose widgets talk to their kernel over the websocket
    page.click(".pmw-home-table >> text=2 Objectives >> nth=0")
    ready(page, ".pmw-agreed-doc")  # agreed: a document, until a change is proposed
    assert "Workbook 1: Mei Chen with Richard Okafor" in page.inner_text("body")
    page.get_by_role("button", name="Propose a change").click()
    page.locator(".pmw-objective-editor").wait_for()
    title = page.locator(".pmw-objective-editor input[type=text]").first
    title.fill("x")
    title.press("Tab")
    title.fill("")
    title.press("Tab")
    page.wait_for_function(  # the kernel answered: the SMART feedback lists the missing title
        "() => document.querySelector('.pmw-objective-editor .pmw-smart')"
        ".innerText.includes('give the objective a title')",
        timeout=15_000,
    )
    # another step page, opened directly: its served HTML runs nothing the policy blocks
    step = page.goto(
        f"{web.url}/voila/render/04_check_ins.ipynb?workbook=1", wait_until="domcontentloaded"
    )
    ready(page)
    assert step.headers["content-security-policy"] == CSP
    assert blocked_scripts(step.text(), CSP) == []
    page.wait_for_timeout(500)  # late reports (fonts, images) arrive
    port = web.url.rsplit(":", 1)[1]
    assert page.csp["sockets"] and all(
        u.startswith(f"ws://127.0.0.1:{port}/api/kernels/") for u in page.csp["sockets"]
    ), page.csp["sockets"]  # connect-src 'self' let the page's own websocket through
    assert page.csp["violations"] == []
    assert page.csp["console"] == []
    assert page.csp["outside"] == []


def test_the_check_finds_what_the_policy_would_block() -> None:
    """The served-HTML check itself: an inline script, a foreign one; data and hashed ones pass."""
    page = (
        "<script src='/voila/static/voila.js'></script>"
        "<script type='application/json'>{\"a\": 1}</script>"
        f"<script>{HEARTBEAT}</script>"
        "<script>window.voila_finish();</script>"
        "<script src='https://cdn.example.org/x.js'></script>"
    )
    assert blocked_scripts(page, CSP) == [
        "inline script: 'window.voila_finish();'",
        "script from elsewhere: https://cdn.example.org/x.js",
    ]
