"""The security headers, without a browser: what the policy allows, and why it still fits Voila.

tests/browser/test_csp.py shows in Chromium that the pages work under the policy; these
check the policy's text, and that the two things it depends on still hold: the
inline script it allows by hash is the one Voila sends, and every script our
template runs instead of the lab template's inline ones is there.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from pmwidgets.web import headers
from pmwidgets.web.headers import CSP, HEARTBEAT, script_hash, security_headers

TEMPLATE = (
    Path(headers.__file__).resolve().parent / "share" / "jupyter" / "voila" / "templates" / "pmw"
)


def directives() -> dict[str, list[str]]:
    out = {}
    for part in CSP.split(";"):
        name, *sources = part.split()
        assert name not in out, f"{name} twice"
        out[name] = sources
    return out


def test_every_response_carries_the_policy() -> None:
    sent = security_headers()
    assert sent["Content-Security-Policy"] == CSP
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["Referrer-Policy"] == "same-origin"


def test_scripts_come_from_the_app_only_and_nothing_is_evaluated() -> None:
    d = directives()
    assert d["default-src"] == ["'none'"]
    assert d["script-src"] == ["'self'", script_hash(HEARTBEAT)]
    assert "'unsafe-eval'" not in CSP and "'unsafe-inline'" not in d["script-src"]
    assert d["base-uri"] == ["'none'"] and d["frame-ancestors"] == ["'none'"]


def test_the_page_connects_to_its_own_origin_only() -> None:
    d = directives()
    assert d["connect-src"] == ["'self'"]  # CSP 3: 'self' matches ws:// on the same host
    every = {s for sources in d.values() for s in sources}
    for wide in ("ws:", "wss:", "http:", "https:", "*", "blob:"):
        assert wide not in every, wide
    assert d["img-src"] == ["'self'", "data:"] and d["font-src"] == ["'self'"]


def test_the_hash_is_the_one_chromium_asks_for() -> None:
    # Chromium's console, blocking Voila's heartbeat under a policy without the hash,
    # named this source as the one that would allow it
    assert script_hash(HEARTBEAT) == "'sha256-m16tKAZfrqdfaIlK4k9Uc4bmwJm0z0f+0b2ahSGv/Ko='"
    assert script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_voila_still_sends_the_heartbeat_the_policy_allows() -> None:
    """If a Voila upgrade changes the heartbeat's text, its hash must change with it."""
    spec = importlib.util.find_spec("voila.handler")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    sent = re.findall(r"<script>(.*?)</script>", source)
    assert sent == [HEARTBEAT], sent


def test_the_template_runs_its_scripts_from_files_that_exist() -> None:
    text = (TEMPLATE / "index.html.j2").read_text(encoding="utf-8")
    named = set(re.findall(r"include_(?:js|url)\(['\"](static/[^'\"]+\.js)['\"]\)", text))
    ours = {"static/voila-log.js", "static/voila-page.js", "static/voila-cell.js",
            "static/voila-finish.js"}  # fmt: skip
    assert ours <= named, ours - named
    for name in named - {"static/voila-style.js"}:  # Voila's own, from its base template
        assert (TEMPLATE / name).is_file(), name
    # no inline script of its own: each <script> has a src, or is a data block
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
