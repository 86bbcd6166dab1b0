"""The HTTP headers every response of ``pmw serve`` carries.

The Content-Security-Policy is the last line of defence: user text is escaped
before it enters any HTML (see :mod:`pmwidgets.widgets`), and this policy stops a
page from running script it did not load from the app, and from loading or sending
anything outside the app's own origin.

It is the tightest that Voila's front end works under, measured in Chromium on every
page (tests/browser/test_csp.py): everything is denied (``default-src 'none'``) and
each allowance below is one the pages were seen to need, with what broke without it.
Not needed, so not allowed: ``'unsafe-eval'`` (nothing in Voila's, JupyterLab's or
the widgets' code evaluates strings), ``'unsafe-inline'`` for scripts (our ``pmw``
template runs the lab template's inline scripts from files instead), websockets to
other hosts (``ws:``/``wss:``), ``blob:`` images and ``data:`` fonts.
"""

from __future__ import annotations

import base64
import hashlib

from tornado.httputil import HTTPHeaders
from tornado.web import OutputTransform

#: the one inline script left on a page: Voila's handler sends it, inline, when a cell
#: runs longer than its keep-alive timeout (a page whose kernel was not preheated), to
#: keep the connection open; it calls the page's ``voila_heartbeat``, which only logs.
#: tests/test_headers.py checks that Voila still sends exactly this text.
HEARTBEAT = "window.voila_heartbeat()"


def script_hash(text: str) -> str:
    """The CSP source that allows an inline script of exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


DIRECTIVES: dict[str, str] = {
    # nothing that is not allowed below: no plugins, frames, workers, media, manifests
    "default-src": "'none'",
    # Voila's, JupyterLab's and the widgets' bundles, and our template's files; the
    # heartbeat by its hash (blocked, it was reported as a violation on slow pages).
    "script-src": f"'self' {script_hash(HEARTBEAT)}",
    # 'unsafe-inline' kept: without it the pages lose their layout and cannot be used
    # (the home page's links could not be clicked). JupyterLab's and the widgets' CSS is
    # injected as <style> elements by their bundles (about 140 per page), the template
    # has <style> blocks and style attributes, widgets set style attributes, and our
    # HTML widgets carry <style>. None of it can load anything from outside (below).
    "style-src": "'self' 'unsafe-inline'",
    # data: kept: the lab template's favicon is a data: URL (it saves a request), and
    # JupyterLab's CSS draws icons (the select arrow) as data: SVG images.
    "img-src": "'self' data:",
    # JupyterLab's fonts, from the template's static files (without: 25 fonts blocked)
    "font-src": "'self'",
    # the page's own origin only, its kernel's websocket included: CSP 3 makes 'self'
    # match ws:// (and wss://) on the same host and port, and Chromium does.
    "connect-src": "'self'",
    # no <base> can redirect the page's relative addresses
    "base-uri": "'none'",
    # the app's own handlers only (the sign-out page's form posts to the app)
    "form-action": "'self'",
    # no site may frame the app (clickjacking); the app never frames itself
    "frame-ancestors": "'none'",
}

CSP = "; ".join(f"{name} {value}" for name, value in DIRECTIVES.items())


def security_headers() -> dict[str, str]:
    """The headers added to every response."""
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


class SecurityHeaders(OutputTransform):
    """Adds :func:`security_headers` to every answer the server sends.

    Jupyter's handlers add them from the settings; this covers the rest: static
    files, and tornado's own answers (a bare 404 or 403).
    """

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        """The answer with the headers it lacks."""
        for name, value in security_headers().items():
            if name not in headers:
                headers[name] = value
        return status_code, headers, chunk
