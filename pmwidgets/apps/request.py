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
    return f"{protocol}://{ip}:{port}{base}voila/query/{os.environ.get(KERNEL_ID, '')}"


async def _receive(url: str) -> str | None:
    from tornado.websocket import websocket_connect

    try:
        conn = await asyncio.wait_for(websocket_connect(url), timeout=5)
    except (TimeoutError, OSError) as exc:
        log.warning("could not reach %s to read the page request: %s", url, exc)
        return None
    try:
        message = await conn.read_message()
    finally:
        conn.close()
    return message if isinstance(message, str) else None


def wait_for_request() -> None:
    """In a preheated kernel, wait for the page's request and put it into ``os.environ``.

    Returns at once when the kernel is not preheated (JupyterLab, nbval, a cold Voila
    kernel), as Voila's own function does.
    """
    if os.environ.get(PREHEAT, "False") == "False":
        return
    received: list[str | None] = []
    # the kernel's own event loop is running, so the websocket gets a loop of its own
    worker = threading.Thread(target=lambda: received.append(asyncio.run(_receive(query_url()))))
    worker.start()
    worker.join()
    if received and received[0]:
        for key, value in json.loads(received[0]).items():
            os.environ[key] = value
