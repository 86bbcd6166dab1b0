"""The kernel websocket of ``pmw serve`` sends every message at once (TCP_NODELAY).

Without it, a kernel's small answers wait for the browser's delayed acknowledgement
(Nagle's algorithm): measured, a click 20 ms after another got its answer in 46–62 ms
from stock Voila and in 12 ms from ``pmw serve`` (docs/performance.md). Timing is not
asserted here; the socket option is, on a real tornado server and a real websocket.
The kernel side (jupyter_server's connection to the kernel) is not under test, so the
probe handler skips authentication and the kernel connection and records the option
at the moment the kernel connection would start.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any, ClassVar

import tornado.web
import tornado.websocket
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from pmwidgets.web.handlers import KERNEL_PROTOCOL, KernelChannels


class _Probe(KernelChannels):
    seen: ClassVar[list[int]] = []

    def prepare(self) -> None:  # no jupyter_server authentication in this probe
        return None

    async def get(self, *args: Any, **kwargs: Any) -> None:
        await tornado.websocket.WebSocketHandler.get(self, *args, **kwargs)

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        return KERNEL_PROTOCOL

    def on_close(self) -> None:
        return None


async def _nodelay_when_the_kernel_connects(monkeypatch: Any) -> list[int]:
    async def kernel_connects(handler: _Probe, *args: Any) -> None:
        sock = handler.ws_connection.stream.socket  # type: ignore[union-attr]
        _Probe.seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(KernelWebsocketHandler, "open", kernel_connects)
    app = tornado.web.Application([(r"/api/kernels/(.*)/channels", _Probe)])
    server = app.listen(0, "127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    url = f"ws://127.0.0.1:{port}/api/kernels/k-1/channels"
    conn = await tornado.websocket.websocket_connect(url, subprotocols=[KERNEL_PROTOCOL])
    for _ in range(200):
        if _Probe.seen:
            break
        await asyncio.sleep(0.01)
    conn.close()
    server.stop()
    return _Probe.seen


def test_the_kernel_websocket_sends_small_messages_at_once(monkeypatch: Any) -> None:
    assert asyncio.run(_nodelay_when_the_kernel_connects(monkeypatch)) == [1]


def test_kernel_channels_are_unix_sockets_unless_their_paths_would_not_fit() -> None:
    """A Unix socket's path holds 107 bytes: Voila's names add 65 to the temporary folder."""
    import uuid

    from pmwidgets.web.server import MAX_IPC_FOLDER, kernel_transport, voila_argv

    longest = f"/voila_abcdefgh/kernel-{uuid.uuid4()}-ipc-5"
    assert MAX_IPC_FOLDER + len(longest) <= 107
    assert kernel_transport("/tmp") == "ipc"
    assert kernel_transport("/t" + "x" * (MAX_IPC_FOLDER - 2)) == "ipc"
    assert kernel_transport("/t" + "x" * (MAX_IPC_FOLDER - 1)) == "tcp"
    assert kernel_transport("/" + "é" * 20) == "tcp"  # 21 characters, 41 bytes: bytes count
    argv = voila_argv(Path("notebooks"), 8866)
    assert f"--KernelManager.transport={kernel_transport()}" in argv
