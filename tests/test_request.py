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
    assert request.query_url() == f"ws://127.0.0.1:{voila_like_server}/base/voila/query/k-123"
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
