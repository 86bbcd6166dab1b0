"""The preheated page's request reader (pmwidgets.apps.request) against a real websocket."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
import tornado.web
import tornado.websocket
from voila.utils import ENV_VARIABLE

from pmwidgets.apps import request
from pmwidgets.services import page_identity


def test_the_environment_names_are_voilas() -> None:
    for name in (
        request.PREHEAT,
        request.KERNEL_ID,
        request.WS_PROTOCOL,
        request.APP_IP,
        request.APP_PORT,
        request.SERVER_URL,
        request.WS_BASE_URL,
    ):
        assert name == ENV_VARIABLE[name].value


def test_not_preheated_returns_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    request.wait_for_request()  # no server anywhere: it must not try to connect
    assert "QUERY_STRING" not in os.environ


class _Query(tornado.websocket.WebSocketHandler):
    seen: ClassVar[list[str]] = []

    def open(self, kernel_id: str) -> None:  # type: ignore[override]
        _Query.seen.append(kernel_id)
        self.write_message(json.dumps({"QUERY_STRING": "workbook=3", "HTTP_COOKIE": "a=b"}))


@pytest.fixture
def voila_like_server() -> Iterator[int]:
    """A tornado server on a free port answering /base/voila/query/<id> as Voila does."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/base/voila/query/(.*)", _Query)])
        app.listen(port, "127.0.0.1")
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    yield port
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_a_preheated_kernel_reads_its_request(
    voila_like_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-123")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(voila_like_server))
    monkeypatch.setenv("VOILA_SERVER_URL", "/base/")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("HTTP_COOKIE", raising=False)
    token = page_identity.kernel_query_token("k-123")  # only this kernel can show it
    assert request.query_url() == (
        f"ws://127.0.0.1:{voila_like_server}/base/voila/query/k-123?k={token}"
    )
    request.wait_for_request()
    assert os.environ["QUERY_STRING"] == "workbook=3"
    assert os.environ["HTTP_COOKIE"] == "a=b"
    assert _Query.seen[-1] == "k-123"


def test_no_server_is_a_logged_warning_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])  # nobody listens here once closed
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    request.wait_for_request()
    assert "QUERY_STRING" not in os.environ
    assert "could not reach" in caplog.text


# --- building a page after its request, without holding up the page's HTML -----------


@pytest.fixture
def web_kernel(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """A web kernel's memory (fresh), as ``pmw serve`` sets it up."""
    from pmwidgets.apps import session

    memory: dict[str, object] = {}
    monkeypatch.setattr(session, "_web_memory", memory)
    monkeypatch.setenv("PMW_WEB", "1")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("HTTP_COOKIE", raising=False)
    return memory


def test_a_preheated_page_is_built_after_its_cell_once_the_request_is_in(
    voila_like_server: int, monkeypatch: pytest.MonkeyPatch, web_kernel: dict[str, object]
) -> None:
    from pmwidgets.apps import session

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-456")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(voila_like_server))
    monkeypatch.setenv("VOILA_SERVER_URL", "/base/")
    seen: list[str | None] = []

    async def cell() -> bool:
        # what the notebook's cell does: it must return before the page is built
        session.when_requested(lambda: seen.append(os.environ.get("QUERY_STRING")))
        returned_first = not seen
        for _ in range(500):
            if seen:
                break
            await asyncio.sleep(0.01)
        return returned_first

    assert asyncio.run(cell()) is True
    assert seen == ["workbook=3"]  # built once, with the request already in the environment
    assert _Query.seen[-1] == "k-456"
    assert web_kernel["request"] is True  # later reads do not wait for a request again
    assert session.load_selection().workbook == 3


def test_a_kernel_started_for_its_request_builds_just_after_the_cell(
    monkeypatch: pytest.MonkeyPatch, web_kernel: dict[str, object]
) -> None:
    from pmwidgets.apps import session

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)  # Voila put the request in the env
    seen: list[int] = []

    async def cell() -> tuple[bool, list[int]]:
        session.when_requested(lambda: seen.append(1))
        returned_first = not seen
        await asyncio.sleep(0.05)
        return returned_first, list(seen)

    assert asyncio.run(cell()) == (True, [1])


def test_without_an_event_loop_or_outside_the_web_a_page_is_built_at_once(
    monkeypatch: pytest.MonkeyPatch, web_kernel: dict[str, object]
) -> None:
    from pmwidgets.apps import session

    seen: list[int] = []
    session.when_requested(lambda: seen.append(1))  # web, but no loop (a script): at once
    assert seen == [1]
    monkeypatch.delenv("PMW_WEB")

    async def lab_cell() -> list[int]:
        session.when_requested(lambda: seen.append(2))  # JupyterLab: in the cell itself
        return list(seen)

    assert asyncio.run(lab_cell()) == [1, 2]


def test_a_failed_build_is_logged_not_raised_into_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
    web_kernel: dict[str, object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from pmwidgets.apps import session

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)

    def broken() -> None:
        raise RuntimeError("boom")

    async def cell() -> None:
        session.when_requested(broken)
        await asyncio.sleep(0.05)

    asyncio.run(cell())
    assert "building the page after its request failed" in caplog.text
