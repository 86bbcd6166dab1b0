"""The page's HTTP request, for a preheated kernel: a lean ``voila.utils.wait_for_request``.

A preheated kernel runs its notebook before anyone asks for the page, then waits
here. When the page is requested, Voila sends the request's details (query string,
cookies, chosen headers) over the websocket ``/voila/query/<kernel id>`` and we
put them into ``os.environ``, exactly as ``voila.utils.wait_for_request`` does.

Why not call Voila's own function: importing ``voila.utils`` loads Voila's whole
server side (jupyter_server, nbconvert, jsonschema and its rfc3987 grammars),
about 2 s and 47 MiB in every kernel. Tornado's websocket client is already loaded
in an ipykernel (2.6 MiB more). The environment variable names are Voila's and are
checked against ``voila.utils.ENV_VARIABLE`` by the tests.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Callable

from ..services.page_identity import kernel_query_token

log = logging.getLogger("pmwidgets.apps")

PREHEAT = "VOILA_PREHEAT"
KERNEL_ID = "VOILA_KERNEL_ID"
WS_PROTOCOL = "VOILA_WS_PROTOCOL"
APP_IP = "VOILA_APP_IP"
APP_PORT = "VOILA_APP_PORT"
SERVER_URL = "VOILA_SERVER_URL"
WS_BASE_URL = "VOILA_WS_BASE_URL"


def query_url() -> str:
    """Where Voila will send this kernel's request (from the environment Voila set)."""
    protocol = os.environ.get(WS_PROTOCOL, "ws")
    ip = os.environ.get(APP_IP, "127.0.0.1")
    port = os.environ.get(APP_PORT, "8866")
    base = os.environ.get(WS_BASE_URL, os.environ.get(SERVER_URL, "/"))
    kernel_id = os.environ.get(KERNEL_ID, "")
    token = kernel_query_token(kernel_id)  # the server answers this kernel only
    return f"{protocol}://{ip}:{port}{base}voila/query/{kernel_id}?k={token}"


async def _receive(url: str) -> str | None:
    from tornado.websocket import websocket_connect

    try:
        conn = await asyncio.wait_for(websocket_connect(url), timeout=5)
    except (TimeoutError, OSError) as exc:
        where = url.split("/voila/query/")[0]  # neither the kernel id nor its token in a log
        log.warning("could not reach %s to read the page request: %s", where, exc)
        return None
    try:
        message = await conn.read_message()
    finally:
        conn.close()
    return message if isinstance(message, str) else None


def preheated() -> bool:
    """Whether this kernel was started ahead of its request (Voila's preheated pool)."""
    return os.environ.get(PREHEAT, "False") != "False"


def _apply(message: str | None) -> None:
    """Put the request Voila sent into ``os.environ``, as ``voila.utils`` does."""
    if message:
        for key, value in json.loads(message).items():
            os.environ[key] = value


def wait_for_request() -> None:
    """In a preheated kernel, wait for the page's request and put it into ``os.environ``.

    Returns at once when the kernel is not preheated (JupyterLab, nbval, a cold Voila
    kernel), as Voila's own function does. It blocks the kernel; a page should rather
    use :func:`after_request`, which does not hold up the page's HTML.
    """
    if not preheated():
        return
    received: list[str | None] = []
    # the kernel's own event loop is running, so the websocket gets a loop of its own
    worker = threading.Thread(target=lambda: received.append(asyncio.run(_receive(query_url()))))
    worker.start()
    worker.join()
    _apply(received[0] if received else None)


#: tasks waiting for their request (kept referenced until done)
_pending: set[asyncio.Task[None]] = set()


def after_request(build: Callable[[], None]) -> bool:
    """Run ``build`` on the kernel's event loop once the page's request is known.

    Voila sends a page's HTML only when every cell has finished, and the browser
    starts the widgets' front end (about 1.3 s of JavaScript) only after that HTML.
    A cell that builds the page itself makes everything wait for the build; a cell
    that returns the page's (still empty) container at once, and builds it just
    after, lets the kernel build while the browser starts. When the front end asks
    for the widgets, the kernel answers after the build, with the whole page.

    In a preheated kernel the build waits (without blocking the kernel) for the
    request Voila sends over its query websocket; in a kernel started for its
    request it runs as soon as the cell has returned.

    Returns False, having done nothing, when no event loop runs (a plain script or
    a test): the caller then builds at once.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False

    async def run() -> None:
        try:
            if preheated():
                _apply(await _receive(query_url()))
            build()
        except Exception:  # the builders show their own failures; this is the last guard
            log.exception("building the page after its request failed")

    task = loop.create_task(run())
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return True
