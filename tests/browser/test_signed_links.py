"""Signed personal links and session cookies that were expired, altered or forged: all refused.

A link is refused at ``/pmw/signin`` with a 403 page saying why in one sentence,
and no cookie. A session cookie the server does not hold as a live session is no
identity: the page is the static sign-in page (401), no kernel, no workbook. A link of one person never
opens another person's workbook, and neither does a name in a header or a URL.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any

import figures
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from pmwidgets.services import identity, page_identity, sessions
from pmwidgets.store import Store

from .conftest import PmwServer, screenshot
from .hostile import TRACEBACK_MARKERS, open_page, page_text, secret, sign_in, store, visitor

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

PEOPLE = ("Mei Chen", "Richard Okafor", "Helen Lambert", "Anna Berg")


def signed_at(salt: str, key: str, person: str, age_seconds: float) -> str:
    """A token signed ``age_seconds`` ago, exactly as identity.py signs (same salt, same key)."""

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age_seconds)

    return URLSafeTimedSerializer(key, salt=salt, signer=Then).dumps(person)


def altered(token: str) -> str:
    """The token with the first character of its signature changed.

    Not the last one: in base64 the last character of a 20-byte signature carries
    two padding bits, so changing it may leave the signature as it was.
    """
    head, sig = token.rsplit(".", 1)
    return f"{head}.{'B' if sig[0] == 'A' else 'A'}{sig[1:]}"


def swapped(token: str, person: str) -> str:
    """The token with its person replaced, the signature kept."""
    payload = base64.urlsafe_b64encode(json.dumps(person).encode()).decode().rstrip("=")
    return ".".join([payload, *token.split(".")[1:]])


def link_cases(key: str) -> dict[str, tuple[str, str]]:
    """{case: (token, what the refusal says)} for /pmw/signin."""
    valid = identity.invite_token("mchen", key=key)
    days = identity.INVITE_DAYS * 86400
    return {
        f"expired ({identity.INVITE_DAYS + 1} days old)": (
            signed_at(identity._INVITE_SALT, key, "mchen", days + 86400),
            "expired",
        ),
        "one character of the signature changed": (altered(valid), "not valid"),
        "another person's id put into Mei's link": (swapped(valid, "hlambert"), "not valid"),
        "signed with another secret": (
            identity.invite_token("mchen", key="other-key"),
            "not valid",
        ),
        "a page's signed assertion used as a link": (
            page_identity.person_assertion("mchen", key=key),
            "not valid",
        ),
        "signed correctly, for nobody who exists": (
            identity.invite_token("ghost", key=key),
            "names nobody known here",
        ),
        "empty": ("", "not valid"),
        "20,000 characters": ("A" * 20_000, "not valid"),
        "markup in the token": ("<script>alert('xss')</script>", "not valid"),
    }


def test_altered_expired_and_forged_links_are_refused(browser, hostile_web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    key = secret(hostile_web)
    page = visitor(browser)
    request = page.context.request
    cases = link_cases(key)
    for case, (token, says) in cases.items():
        reply = request.get(f"{hostile_web.url}/pmw/signin", params={"t": token}, max_redirects=0)
        body = reply.text()
        assert reply.status == 403, (case, reply.status)
        assert says in body, (case, body)
        assert not any(m in body for m in TRACEBACK_MARKERS), case
        assert not any(p in body for p in PEOPLE), case
        assert "<script>alert" not in body, case
        assert identity.COOKIE not in reply.headers.get("set-cookie", ""), case
    assert not any(c["name"] == identity.COOKIE for c in page.context.cookies())
    # no token at all: the sign-in page, no cookie
    reply = request.get(f"{hostile_web.url}/pmw/signin", max_redirects=0)
    assert reply.status == 401 and "sign in with your personal link" in reply.text()
    assert identity.COOKIE not in reply.headers.get("set-cookie", "")
    # the control: a good link is accepted, so the refusals above are not a broken sign-in
    good = identity.invite_token("mchen", key=key)
    reply = request.get(f"{hostile_web.url}/pmw/signin", params={"t": good}, max_redirects=0)
    assert reply.status == 302 and identity.COOKIE in reply.headers.get("set-cookie", "")
    # how a person meets an expired link
    page.goto(
        f"{hostile_web.url}/pmw/signin?t={cases[f'expired ({identity.INVITE_DAYS + 1} days old)'][0]}",
        wait_until="domcontentloaded",
    )
    assert "This link has expired: ask for a new one." in page.inner_text("body")
    screenshot(page, "signed_link_expired")
    page.context.close()
    figures.record(
        "Signed links",
        cases=len(cases) + 1,
        refused=len(cases) + 1,
        wrong=0,
        about=(
            "Links that are expired, altered by one character, re-pointed at another person, "
            "signed with another secret, a page assertion used as a link, valid but for "
            "nobody known, empty, huge or holding markup: each refused with a 403 page in "
            "one sentence and no cookie. Session cookies altered, expired (11 h), unused for "
            "3 h, signed out, of the link's kind, the stored key of a live session, a page "
            "assertion, or plain names, and names in headers (even a correctly signed "
            "assertion) or in the address: the static sign-in page (401), no kernel, no "
            "workbook. A valid link of one person never opens another's workbook."
        ),
    )


def _cookie(server: PmwServer, value: str) -> dict[str, Any]:
    return {"name": identity.COOKIE, "value": value, "url": server.url + "/"}


def cookie_cases(store: Store, key: str) -> dict[str, tuple[str, str]]:
    """{case: (session cookie value, page it is tried on)}; none may give an identity.

    Sessions live on the server, so each case is a value the server does not hold
    as a live session. Each case goes to another page: each page has a preheated
    kernel waiting, and each must refuse on its own.
    """
    live = sessions.start_session(store, "hlambert")
    now = dt.datetime.now(dt.UTC)
    expired = sessions.start_session(store, "hlambert", now - dt.timedelta(hours=11))
    idle = sessions.start_session(store, "hlambert", now - dt.timedelta(hours=3))
    ended = sessions.start_session(store, "hlambert")
    sessions.end_session(store, ended)
    return {
        "altered session cookie": (("B" if live[0] == "A" else "A") + live[1:], "home.ipynb"),
        f"expired session ({sessions.SESSION_HOURS + 1} hours old)": (
            expired,
            "coach_dashboard.ipynb",
        ),
        "a session unused for 3 hours": (idle, "agreement.ipynb?workbook=1"),
        "a session that was signed out": (ended, "00_start_here.ipynb?workbook=1"),
        "a link's token used as the session cookie": (
            identity.invite_token("hlambert", key=key),
            "01_job_description.ipynb?workbook=1",
        ),
        "the stored key of a live session used as the cookie": (
            sessions.session_key(live),
            "03_development_plan.ipynb?workbook=1",
        ),
        "a page's signed assertion used as the cookie": (
            page_identity.person_assertion("hlambert", key=key),
            "04_check_ins.ipynb?workbook=1",
        ),
        "a name for a session cookie": ("hlambert", "05_review.ipynb?workbook=1"),
    }


def test_no_bad_session_cookie_names_anyone(demo_url: str) -> None:
    """Every case, without a browser: the server's session lookup itself."""
    with Store(demo_url) as store:
        for case, (value, _page) in cookie_cases(store, "a-test-secret").items():
            assert sessions.session_for(store, value) is None, case
        good = sessions.start_session(store, "hlambert")
        found = sessions.session_for(store, good)
        assert found is not None and found.person_id == "hlambert"


def test_bad_session_cookies_and_typed_names_are_no_identity(
    browser, hostile_web: PmwServer
) -> None:  # type: ignore[no-untyped-def]
    with store(hostile_web) as db:
        every = cookie_cases(db, secret(hostile_web))
    # make test renders the first three in Chromium; make soak all of them
    cases = dict(list(every.items())[: figures.scale(3, len(every))])
    refused = 0
    for case, (value, path) in cases.items():
        page = visitor(browser)
        page.context.add_cookies([_cookie(hostile_web, value)])
        # wait for whatever the page decides, then say what it was if it is wrong
        answer = page.goto(f"{hostile_web.url}/voila/render/{path}", wait_until="load")
        body = page_text(page)
        assert answer is not None and answer.status == 401, f"{case} on {path}: {body[-600:]}"
        assert "sign in with your personal link" in body, case
        assert not any(p in body for p in PEOPLE), case
        refused += 1
        page.context.close()
    # a name in a header or in the address is never an identity (no trusted header is set)
    page = visitor(browser)
    page.context.set_extra_http_headers(
        {
            "X-Remote-User": "hlambert",
            "Remote-User": "hlambert",
            "X-Forwarded-User": "hlambert",
            "X-Pmw-User": "hlambert",
            "Jupyterhub-User": "hlambert",
            # even the server's own assertion, correctly signed, is nothing from a browser
            page_identity.HEADER: page_identity.person_assertion(
                "hlambert", key=secret(hostile_web)
            ),
        }
    )
    answer = page.goto(
        f"{hostile_web.url}/voila/render/02_objectives.ipynb?workbook=1&user=hlambert",
        wait_until="load",
    )
    assert answer is not None and answer.status == 401
    assert not any(p in page_text(page) for p in PEOPLE)
    refused += 1
    screenshot(page, "signed_link_no_identity")
    page.context.close()
    figures.record("Signed links", cases=len(cases) + 1, refused=refused)


def test_a_link_of_one_person_does_not_open_anothers_workbook(
    browser, hostile_web: PmwServer
) -> None:  # type: ignore[no-untyped-def]
    page = visitor(browser)
    sign_in(page, hostile_web, "mchen")
    for stem in ("04_check_ins", "agreement"):
        open_page(page, hostile_web, f"{stem}.ipynb?workbook=4", ".pmw-status")
        page.wait_for_selector("text=workbook 4 is not available to you")
        body = page_text(page)
        assert "Anna Berg with Helen Lambert" not in body and "Workbook 4" not in body
    page.context.close()
    figures.record("Signed links", cases=2, refused=2)
