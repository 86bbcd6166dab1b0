"""A raw client of a page kernel's websocket, as any visitor could write one.

``pmw serve`` gives every page its own kernel, and the page's HTML names it
(``"kernelId"`` in Voila's ``jupyter-config-data``). Anyone signed in can open that
kernel's channels and send whatever Jupyter messages the server lets through
(comm_open, comm_msg, comm_close, comm_info_request, kernel_info_request,
shutdown_request: Voila's list). This client speaks what Voila's front end speaks,
protocol ``v1.kernel.websocket.jupyter.org``: every message is one binary frame,

    [n: u64][offset_0 .. offset_{n-1}: u64 each][channel][header][parent][metadata][content][buffers…]

with all integers little-endian and every offset counted from the frame's start
(``serialize_msg_to_ws_v1`` in jupyter_server/services/kernels/connection/base.py).
The server signs what it forwards to the kernel, so the client needs no key.

Synchronous on purpose, for tests: each call runs the client's own event loop
until it has what it waits for. Typical use::

    jar = sign_in(invite_link)
    html = get_page(jar, f"{url}/voila/render/02_objectives.ipynb?workbook=1")
    with KernelClient(url, kernel_id_of(html), cookie=cookie_header(jar)) as kc:
        comms = kc.comm_info("jupyter.widget")
        sent = kc.comm_msg(next(iter(comms)), {"method": "update", "state": {"index": 99}})
        for msg in kc.until_idle(sent):
            print(msg.msg_type, msg.content)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: the message protocol version the client claims (ipykernel 7 speaks 5.3 and later)
VERSION = "5.3"


@dataclass
class Message:
    """One message received from the kernel (through the server)."""

    channel: str
    header: dict[str, Any]
    parent_header: dict[str, Any]
    metadata: dict[str, Any]
    content: dict[str, Any]
    buffers: list[bytes] = field(default_factory=list)
    #: every part of the frame as text (buffers too, decoded leniently): what to search
    text: str = ""

    @property
    def msg_type(self) -> str:
        """The message's type (``stream``, ``error``, ``comm_msg``, ``status``…)."""
        return str(self.header.get("msg_type", ""))

    @property
    def parent_id(self) -> str:
        """The id of the message this one answers (empty if none)."""
        return str(self.parent_header.get("msg_id", ""))


def pack(channel: str, parts: Sequence[bytes]) -> bytes:
    """One protocol-v1 frame: the channel, then ``parts`` (header, parent, metadata, content, buffers)."""
    chunks = [channel.encode("utf-8"), *parts]
    count = len(chunks) + 1  # one offset per chunk, and one for the end
    offsets = [8 * (1 + count)]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    head = count.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(chunks)


def unpack(frame: bytes) -> Message:
    """Read one protocol-v1 frame the server sent."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    chunks = [frame[offsets[i] : offsets[i + 1]] for i in range(count - 1)]
    channel = chunks[0].decode("utf-8")
    header, parent, metadata, content = (json.loads(c) if c else {} for c in chunks[1:5])
    return Message(
        channel=channel,
        header=header,
        parent_header=parent,
        metadata=metadata,
        content=content,
        buffers=list(chunks[5:]),
        text="\n".join(c.decode("utf-8", errors="replace") for c in chunks),
    )


class KernelClient:
    """A connection to ``/api/kernels/<id>/channels``, sending and collecting Jupyter messages.

    ``base_url`` is the server's (``http://127.0.0.1:8866``); ``cookie`` the ``Cookie``
    header to send (see :func:`cookie_header`); ``headers`` any others (an ``Origin``);
    ``protocols`` the subprotocols offered (the server refuses any but v1). Every
    message received is kept in :attr:`received`, in order, whichever call read it.
    Connecting raises ``tornado.httpclient.HTTPClientError`` when the server refuses.
    """

    def __init__(
        self,
        base_url: str,
        kernel_id: str,
        cookie: str | None = None,
        session_id: str | None = None,
        timeout: float = 20,
        protocols: Sequence[str] = (PROTOCOL,),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.session = session_id or f"raw-{uuid.uuid4().hex[:12]}"
        self.url = (
            base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1).rstrip("/")
            + f"/api/kernels/{kernel_id}/channels?session_id={self.session}"
        )
        self.received: list[Message] = []
        # the client's own event loop, in a thread of its own: the calling thread may
        # already run one (Playwright's sync API does), and a loop cannot run inside another
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._count = 0
        self._reading: asyncio.Future[Any] | None = None
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        request = HTTPRequest(self.url, headers=sent, request_timeout=timeout)

        async def connect() -> WebSocketClientConnection:
            opening = websocket_connect(request, subprotocols=list(protocols))
            return await asyncio.wait_for(opening, timeout)

        try:
            self._conn = self._run(connect())
        except BaseException:
            self._stop()
            raise
        #: the protocol the server chose (None if it chose none)
        self.protocol = self._conn.selected_subprotocol

    # --- sending ---------------------------------------------------------------------

    def send(
        self,
        msg_type: str,
        content: Any,
        channel: str = "shell",
        buffers: Sequence[bytes] = (),
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Send one message; returns its ``msg_id``. ``content`` may be anything JSON can hold."""
        self._count += 1
        msg_id = f"{self.session}-{self._count}"
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.session,
            "username": "raw",
            "date": dt.datetime.now(dt.UTC).isoformat(),
            "version": VERSION,
        }
        parts = [json.dumps(p).encode("utf-8") for p in (header, {}, metadata or {}, content)]
        self.send_frame(pack(channel, [*parts, *buffers]))
        return msg_id

    def send_frame(self, frame: bytes) -> None:
        """Send a frame as it is (to try framing the server should refuse)."""

        async def write() -> None:
            await self._conn.write_message(frame, binary=True)

        self._run(write())

    def comm_open(
        self,
        target_name: str,
        data: Any = None,
        comm_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: Sequence[bytes] = (),
    ) -> str:
        """Open a comm to ``target_name`` (``jupyter.widget`` for a widget); returns the msg_id."""
        content = {
            "comm_id": comm_id or uuid.uuid4().hex,
            "target_name": target_name,
            "data": {} if data is None else data,
        }
        return self.send("comm_open", content, metadata=metadata, buffers=buffers)

    def comm_msg(
        self,
        comm_id: str,
        data: Any,
        buffers: Sequence[bytes] = (),
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Send ``data`` to the comm ``comm_id`` (a widget: ``{"method": "update", …}``)."""
        content = {"comm_id": comm_id, "data": data}
        return self.send("comm_msg", content, metadata=metadata, buffers=buffers)

    def comm_info_request(self, target_name: str | None = None) -> str:
        """Ask which comms are open (to ``target_name``, or all)."""
        return self.send("comm_info_request", {"target_name": target_name} if target_name else {})

    def kernel_info_request(self) -> str:
        """Ask the kernel who it is."""
        return self.send("kernel_info_request", {})

    # --- receiving -------------------------------------------------------------------

    def _next(self, timeout: float) -> Message | None:
        """The next message, or None if none came within ``timeout`` seconds.

        A read that timed out stays pending for the next call (it is never cancelled,
        so no message is lost between calls).
        """

        async def wait() -> asyncio.Future[Any]:
            if self._reading is None:
                self._reading = asyncio.ensure_future(self._conn.read_message())
            await asyncio.wait([self._reading], timeout=max(timeout, 0))
            return self._reading

        reading = self._run(wait())
        if not reading.done():
            return None
        self._reading = None
        frame = reading.result()
        if frame is None:
            raise ConnectionError("the server closed the kernel websocket")
        if isinstance(frame, str):  # the legacy protocol's JSON: not expected with v1
            data = json.loads(frame)
            message = Message(
                channel=str(data.get("channel", "")),
                header=data.get("header") or {},
                parent_header=data.get("parent_header") or {},
                metadata=data.get("metadata") or {},
                content=data.get("content") or {},
                text=frame,
            )
        else:
            message = unpack(frame)
        self.received.append(message)
        return message

    def collect(self, seconds: float) -> list[Message]:
        """Every message that arrives within ``seconds``."""
        got: list[Message] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            message = self._next(left)
            if message is not None:
                got.append(message)
        return got

    def until_idle(self, msg_id: str, timeout: float = 20, settle: float = 0.3) -> list[Message]:
        """Messages received until the kernel says it is idle after ``msg_id``, and ``settle`` more.

        Output that ipykernel sends from its I/O thread (a ``stream``) may come just
        after the idle status: ``settle`` seconds more catch it. Raises TimeoutError if
        the kernel never said it was idle.
        """
        got: list[Message] = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            message = self._next(left)
            if message is None:
                break
            got.append(message)
            if (
                message.msg_type == "status"
                and message.parent_id == msg_id
                and message.content.get("execution_state") == "idle"
            ):
                return got + self.collect(settle)
        raise TimeoutError(f"the kernel did not finish {msg_id} in {timeout} s: {got}")

    def reply(self, msg_id: str, timeout: float = 20) -> Message:
        """The shell channel's reply to ``msg_id``."""
        deadline = time.monotonic() + timeout
        for message in self.received:
            if message.channel == "shell" and message.parent_id == msg_id:
                return message
        while (left := deadline - time.monotonic()) > 0:
            new = self._next(left)
            if new is not None and new.channel == "shell" and new.parent_id == msg_id:
                return new
        raise TimeoutError(f"no reply to {msg_id} in {timeout} s")

    def comm_info(self, target_name: str | None = None, timeout: float = 20) -> dict[str, Any]:
        """The open comms (``{comm_id: {"target_name": …}}``), asked and answered."""
        reply = self.reply(self.comm_info_request(target_name), timeout)
        return dict(reply.content.get("comms") or {})

    def widget_states(self, timeout: float = 20) -> dict[str, dict[str, Any]]:
        """Every widget model's state, as the front end asks for it (``request_state``)."""
        ids = list(self.comm_info("jupyter.widget", timeout))
        states: dict[str, dict[str, Any]] = {}
        sent = [self.comm_msg(i, {"method": "request_state"}) for i in ids]
        for msg_id in sent:
            self.until_idle(msg_id, timeout, settle=0)
        for message in self.received:
            data = message.content.get("data") if message.msg_type == "comm_msg" else None
            if isinstance(data, dict) and data.get("method") == "update":
                states.setdefault(message.content["comm_id"], {}).update(data.get("state", {}))
        return states

    def _run(self, coroutine: Any) -> Any:
        """Run a coroutine on the client's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def _stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def close(self) -> None:
        """Close the websocket and the client's event loop."""

        async def shut() -> None:
            self._conn.close()
            await asyncio.sleep(0.05)
            if self._reading is not None:
                self._reading.cancel()

        self._run(shut())
        self._stop()

    def __enter__(self) -> KernelClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- signing in and finding a page's kernel ------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def sign_in(invite_link: str) -> http.cookiejar.CookieJar:
    """Follow a personal sign-in link (without going on to the home page); returns the cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    try:
        opener.open(invite_link, timeout=30)
    except urllib.error.HTTPError as exc:  # the 302 to the home page, not followed
        if exc.code != 302:
            raise
    return jar


def get_page(jar: http.cookiejar.CookieJar, url: str, timeout: float = 180) -> str:
    """A page's HTML, requested with the cookies in ``jar``."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=timeout) as reply:
        return str(reply.read().decode("utf-8"))


def cookie_header(jar: http.cookiejar.CookieJar) -> str:
    """The ``Cookie`` header a browser would send with the cookies in ``jar``."""
    return "; ".join(f"{c.name}={c.value}" for c in jar)


_KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


def kernel_id_of(html: str) -> str:
    """The page's kernel id, from the configuration Voila puts into the page's HTML."""
    found = _KERNEL_ID.search(html)
    if found is None:
        raise ValueError("no kernelId in this page")
    return found.group(1)
