"""Malformed widget messages get a reference, never a traceback (pmwidgets.apps.kernel_errors).

A signed-in visitor opens a page, reads its kernel's id from the page's HTML and
writes to the kernel's websocket directly (tests/kernel_client.py). For each
malformed message the browser may get one plain line with a reference; the server's
log has that reference with the traceback; the kernel goes on serving the page; the
database is untouched.

The servers and kernels started here run without ``PYTEST_CURRENT_TEST`` in their
environment: ipykernel does not capture file descriptor 2 when it sees that
variable, and that capture is one of the ways a traceback reached the browser.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import figures
import pytest
from kernel_client import KernelClient, Message, cookie_header, get_page, kernel_id_of, sign_in
from servers import ROOT, PmwServer, row_counts, serve_demo_copy

#: what would show that a traceback reached the browser
MARKERS = ("Traceback", 'File "', '.py", line', "most recent call last", "site-packages")
LINE = re.compile(r"That change could not be applied \(reference ([0-9a-f]{8})\)\.\n")
#: a step being drafted (workbook 2: Tuan Nguyen's objectives): its editors are on the page
PAGE = "02_objectives.ipynb?workbook=2"
pytestmark = [pytest.mark.slow, pytest.mark.reliability]


@pytest.fixture(scope="module")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PmwServer]:
    """``pmw serve`` on a copy of the demo, with its kernels as in production."""
    web = serve_demo_copy(demo_template, tmp_path_factory.mktemp("kernel-errors"))
    yield web
    web.stop()


def _leaks(messages: list[Message], server: PmwServer) -> list[str]:
    """Traceback markers and server paths found in what the browser received."""
    paths = {str(ROOT), sys.prefix, sys.base_prefix, str(Path(server.log).parent)}
    found = []
    for message in messages:
        for needle in (*MARKERS, *paths):
            if needle in message.text:
                found.append(f"{needle!r} in a {message.msg_type}: {message.text[-600:]}")
    return found


def _connect(server: PmwServer, person: str, page: str) -> KernelClient:
    """Sign in as ``person``, open ``page`` and connect to its kernel, as a visitor's script would."""
    jar = sign_in(server.invite(person))
    html = get_page(jar, f"{server.url}/voila/render/{page}")
    return KernelClient(server.url, kernel_id_of(html), cookie=cookie_header(jar))


def _built(kc: KernelClient, least: int = 5, timeout: float = 90) -> dict[str, dict[str, Any]]:
    """Every widget's state once the page is built (it is built after its HTML is sent).

    Built: at least ``least`` widgets, and as many as a second earlier.
    """
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline:
        count = len(kc.comm_info("jupyter.widget"))
        if count == seen and count >= least:
            return kc.widget_states()
        seen = count
        time.sleep(1)
    raise TimeoutError(f"the page was not built in {timeout} s ({seen} widgets)")


def _first(states: dict[str, dict[str, Any]], model: str, **state: Any) -> str:
    found = [
        i
        for i, s in states.items()
        if s.get("_model_name") == model and all(s.get(k) == v for k, v in state.items())
    ]
    assert found, f"no {model} with {state} among {len(states)} models"
    return found[0]


def _attacks(kc: KernelClient, states: dict[str, dict[str, Any]]) -> dict[str, Callable[[], str]]:
    """The malformed messages of the hostile trial, each a call that sends one and returns its id."""
    dropdown = _first(states, "DropdownModel")
    text = _first(states, "TextModel")
    button = _first(states, "ButtonModel")
    widget = {"version": "2.1.0"}
    return {
        "comm_open to an unknown target": lambda: kc.comm_open("no.such.target", {}),
        "comm_open of a widget without state": lambda: kc.comm_open(
            "jupyter.widget", {"state": {}}, metadata=widget
        ),
        "comm_open of a widget, wrong protocol": lambda: kc.comm_open(
            "jupyter.widget", {"state": {}}, metadata={"version": "0.1"}
        ),
        "comm_open of the control comm, wrong protocol": lambda: kc.comm_open(
            "jupyter.widget.control", {}, metadata={"version": "0.1"}
        ),
        "index out of range": lambda: kc.comm_msg(
            dropdown, {"method": "update", "state": {"index": 9999}, "buffer_paths": []}
        ),
        "negative index": lambda: kc.comm_msg(
            dropdown, {"method": "update", "state": {"index": -5}, "buffer_paths": []}
        ),
        "a value of the wrong type": lambda: kc.comm_msg(
            text, {"method": "update", "state": {"value": {"a": 1}}}
        ),
        "comm_msg to an unknown comm": lambda: kc.comm_msg("no-such-comm", {"method": "update"}),
        "comm_msg without a comm id": lambda: kc.send("comm_msg", {"data": {}}),
        "garbage data": lambda: kc.comm_msg(dropdown, "garbage"),
        "data without a method": lambda: kc.comm_msg(dropdown, {"state": {"index": 0}}),
        "a method that does not exist": lambda: kc.comm_msg(dropdown, {"method": "explode"}),
        "update without state": lambda: kc.comm_msg(dropdown, {"method": "update", "state": 3}),
        "a buffer where none is expected": lambda: kc.comm_msg(
            dropdown,
            {"method": "update", "state": {"index": 0}, "buffer_paths": [["value", "x"]]},
            buffers=[b"\x00\x01binary"],
        ),
        "buffer paths without buffers": lambda: kc.comm_msg(
            text, {"method": "update", "state": {"value": "x"}, "buffer_paths": [["value"]]}
        ),
        "a custom message that is not a dict": lambda: kc.comm_msg(
            button, {"method": "custom", "content": "click"}
        ),
        "comm_close of an unknown comm": lambda: kc.send("comm_close", {"comm_id": "nope"}),
    }


def test_malformed_widget_messages_get_a_reference_never_a_traceback(server: PmwServer) -> None:
    before = row_counts(server)
    with _connect(server, "tnguyen", PAGE) as kc:
        states = _built(kc, least=50)
        kc.collect(1)  # whatever the page still had to say
        start = len(kc.received)
        references: dict[str, str] = {}
        for name, attack in _attacks(kc, states).items():
            sent = attack()
            answer = kc.until_idle(sent, settle=0.5)
            lines = [
                m for m in answer if m.msg_type == "stream" and m.content.get("name") == "stderr"
            ]
            assert len(lines) <= 1, f"{name}: {[m.content for m in lines]}"
            for line in lines:
                match = LINE.fullmatch(str(line.content.get("text", "")))
                assert match, f"{name}: not one plain line: {line.content}"
                references[name] = match.group(1)
            assert not [m for m in answer if m.msg_type == "error"], name
        # the kernel's shell channel drops these before handling them: no answer at all
        kc.send("comm_msg", [1, 2, 3])
        kc.send("comm_open", "nonsense")
        kc.send("comm_msg", {"comm_id": ["a list"], "data": {}})
        kc.send("comm_close", {"comm_id": {"%s": "%d"}})
        kc.collect(2)
        # the page is still served: comm info, kernel info, and a click that opens a panel
        assert len(kc.comm_info("jupyter.widget")) >= len(states)
        assert kc.reply(kc.kernel_info_request()).content.get("status") == "ok"
        history = _first(states, "VBoxModel", titles=["History of this workbook"])
        opened = kc.comm_msg(history, {"method": "update", "state": {"selected_index": 0}})
        answer = kc.until_idle(opened)
        assert any(m.msg_type == "comm_open" for m in answer), "the panel was not built"
        received = kc.received[start:]

    assert not _leaks(received, server), _leaks(received, server)
    expected = {
        "comm_open of a widget without state",
        "index out of range",
        "a value of the wrong type",
        "comm_msg without a comm id",
        "garbage data",
        "a buffer where none is expected",
    }
    assert expected <= set(references), set(references)
    log = Path(server.log).read_text(errors="replace")
    for name, ref in references.items():
        at = log.find(f"(reference {ref})")
        assert at >= 0, f"{name}: reference {ref} not in the server log"
        assert "Traceback (most recent call last)" in log[at : at + 300], f"{name}: no traceback"
    assert row_counts(server) == before
    figures.record(
        "Web attacks: malformed widget messages",
        tried=len(references),
        succeeded=0,
        tracebacks=0,
    )


def test_every_page_kind_is_covered(server: PmwServer) -> None:
    """The home page (not a StepPage) answers a malformed update as the step pages do."""
    with _connect(server, "mchen", "home.ipynb") as kc:
        states = _built(kc)
        some = next(iter(states))
        answer = kc.until_idle(kc.comm_msg(some, "garbage"), settle=0.5)
    assert not _leaks(answer, server), _leaks(answer, server)


# --- in one kernel, without a server ----------------------------------------------------

_PROBE = """
import logging, os, sys
from pmwidgets.apps import kernel_errors
print("installed", kernel_errors.install(), kernel_errors.install())
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("pmwidgets.widgets").exception("widget callback failed (reference 0000abcd)")
os.write(2, b"written to fd 2\\n")
import warnings
warnings.warn("a warning that names its file")
logging.getLogger("some.library").error("a library error")
logging.getLogger("pmwidgets.widgets").error("a broken log call %d", "not a number")
"""


def _run_in_kernel(env: dict[str, str], code: str, log: Path) -> list[dict[str, Any]]:
    """Run ``code`` in a fresh kernel whose stderr goes to ``log``; returns what it showed.

    What it showed: the content of each ``stream`` and ``error`` message, as a browser
    connected to the kernel would receive them.
    """
    from jupyter_client.manager import KernelManager

    km = KernelManager()
    with log.open("wb") as err:
        km.start_kernel(env=env, stderr=err)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            msg_id = kc.execute(code)
            shown: list[dict[str, Any]] = []
            deadline = time.monotonic() + 60
            idle = False
            while time.monotonic() < deadline:
                try:
                    msg = kc.get_iopub_msg(timeout=1)
                except queue.Empty:
                    if idle:
                        break  # and nothing more came from the I/O thread for a second
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] in ("stream", "error"):
                    shown.append({"type": msg["msg_type"], **msg["content"]})
                idle = idle or msg["content"].get("execution_state") == "idle"
            assert idle, f"the kernel did not run the code: {shown}"
            return shown
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def _kernel_env(tmp_path: Path, web: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.pop("PMW_WEB", None)
    if web:
        env["PMW_WEB"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_in_a_web_kernel_the_server_log_stays_on_the_server(tmp_path: Path) -> None:
    """What the kernel writes to its stderr (the server's log) never reaches the browser."""
    shown = _run_in_kernel(_kernel_env(tmp_path, web=True), _PROBE, tmp_path / "kernel.log")
    texts = "".join(str(s.get("text", "")) for s in shown)
    assert "installed True True" in texts
    assert "Traceback" not in texts and "fd 2" not in texts and "warning" not in texts, shown
    assert "library error" not in texts and "Logging error" not in texts, shown
    log = (tmp_path / "kernel.log").read_text(errors="replace")
    assert "(reference 0000abcd)" in log and "ZeroDivisionError" in log
    assert "written to fd 2" in log and "a warning that names its file" in log
    assert "a library error" in log


def test_in_jupyterlab_nothing_changes(tmp_path: Path) -> None:
    """A coach's own kernel keeps its tracebacks: install() does nothing there."""
    shown = _run_in_kernel(
        _kernel_env(tmp_path, web=False),
        "from pmwidgets.apps import kernel_errors\nprint('installed', kernel_errors.install())\n"
        "get_ipython().showtraceback((ZeroDivisionError, ZeroDivisionError('x'), None))\n",
        tmp_path / "kernel.log",
    )
    assert any("installed False" in str(s.get("text", "")) for s in shown), shown
    assert any(s["type"] == "error" for s in shown), shown
