"""The web layer's parts without a server: owners and limits, log redaction, page identity."""

from __future__ import annotations

import logging

from pmwidgets.services import page_identity
from pmwidgets.web.logs import Redact, redact
from pmwidgets.web.owners import Owners, fingerprint

KEY = "a-test-secret-that-is-long-enough-0123456789"
KERNEL = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


class FakeSocket:
    """Records how it was closed (a stand-in for tornado's handler in a unit test only)."""

    def __init__(self) -> None:
        self.closed: tuple[int | None, str | None] | None = None

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closed = (code, reason)


def test_a_kernel_belongs_to_the_person_whose_request_got_it() -> None:
    owners = Owners()
    place = owners.reserve("hlambert", "s1")
    assert owners.owner(KERNEL) is None  # a pool kernel, or one not handed out yet
    assert len(owners.pages_of("hlambert")) == 1  # the place counts while opening
    owners.claim(place, KERNEL)
    assert owners.owner(KERNEL) == "hlambert"
    assert owners.owner("ffffffff-4b5a-6978-8796-a5b4c3d2e1f0") is None
    owners.forget(place)  # the page handler forgets its place: the claimed kernel stays
    assert owners.owner(KERNEL) == "hlambert"
    assert [p.kernel_id for p in owners.pages_of_session("s1")] == [KERNEL]
    owners.forget(KERNEL)
    assert owners.owner(KERNEL) is None and owners.count() == 0


def test_a_page_closed_by_the_server_is_told_why() -> None:
    owners = Owners()
    owners.claim(owners.reserve("hlambert", "s1"), KERNEL)
    socket = FakeSocket()
    owners.connected(KERNEL, socket)
    owners.closing(KERNEL, 4001, "This page was closed because you opened more than 6 pages.")
    owners.hang_up(KERNEL)
    assert socket.closed == (4001, "This page was closed because you opened more than 6 pages.")


def test_pages_of_a_person_are_oldest_first() -> None:
    owners = Owners()
    first = owners.reserve("a", None)
    owners.reserve("b", None)
    second = owners.reserve("a", None)
    owners.claim(second, "k2")
    owners.claim(first, "k1")
    assert [p.kernel_id for p in owners.pages_of("a")] == ["k1", "k2"]


def test_the_log_keeps_kernel_ids_cookies_and_tokens_out() -> None:
    line = (
        f"Kernel started: {KERNEL} GET /voila/query/{KERNEL}?k=abc123 "
        'GET /pmw/signin?t=InJva29mb3Ii.Zx "Cookie": "pmw_session=SECRET; _xsrf=2|x"'
    )
    out = redact(line)
    assert KERNEL not in out and fingerprint(KERNEL) in out
    for secret in ("abc123", "InJva29mb3Ii", "SECRET", "2|x"):
        assert secret not in out
    record = logging.LogRecord(
        "x", logging.INFO, "f", 1, "Using pre-heated kernel: %s", (KERNEL,), None
    )
    Redact().filter(record)
    assert KERNEL not in record.getMessage()


def test_a_kernel_hears_who_asks_from_a_signed_assertion_only() -> None:
    signed = page_identity.person_assertion("hlambert", KEY)
    assert page_identity.person_from_assertion(signed, KEY) == "hlambert"
    assert page_identity.person_from_assertion(signed, "another-secret-" * 4) is None
    assert page_identity.person_from_assertion("hlambert", KEY) is None
    assert page_identity.person_from_assertion(signed[:-2] + "xx", KEY) is None
    assert page_identity.person_from_assertion("", KEY) is None


def test_only_the_kernel_knows_its_query_token() -> None:
    token = page_identity.kernel_query_token(KERNEL, KEY)
    assert page_identity.check_kernel_query_token(KERNEL, token, KEY)
    other = "1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    assert not page_identity.check_kernel_query_token(other, token, KEY)
    assert not page_identity.check_kernel_query_token(KERNEL, "", KEY)
    assert not page_identity.check_kernel_query_token(KERNEL, token, "another-secret-" * 4)


def test_only_well_framed_kernel_messages_pass() -> None:
    from kernel_client import pack

    from pmwidgets.web.handlers import well_framed

    good = pack("shell", [b"{}", b"{}", b"{}", b"{}"])
    assert well_framed(good)
    assert well_framed(pack("shell", [b"{}", b"{}", b"{}", b"{}", b"buffer"]))
    for bad in (
        b"garbage",  # seven bytes: hung the whole server
        b"\xff" * 8,  # a count of 2**64 - 1
        good[:-1],  # the last offset is past the end
        good + b"x",  # bytes after the last offset
        good.decode("latin-1"),  # text, not a v1 frame
        (10).to_bytes(8, "little") + good[8:],  # a count the offsets do not have
        pack("shell", [b"{}", b"{}"]),  # too few parts for a message
    ):
        assert not well_framed(bad), bad[:16]
