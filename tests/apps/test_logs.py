"""A failure inside a page is logged with its reference, and never written where the page shows it."""

from __future__ import annotations

import io
import sys

import ipywidgets as W
import pytest

from pmwidgets.apps.logs import configure
from pmwidgets.widgets.base import StatusArea


def test_a_callback_failure_shows_a_reference_and_logs_the_traceback_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page_output, process_stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", page_output)  # what a kernel shows on the page
    monkeypatch.setattr(sys, "__stderr__", process_stderr)  # the server's log
    import logging

    logger = logging.getLogger("pmwidgets")
    monkeypatch.setattr(logger, "handlers", [])
    configure()
    status = StatusArea()

    def broken(_b: object) -> None:
        raise RuntimeError("secret internals: /srv/db password=hunter2")

    button = W.Button(description="Save")
    button.on_click(status.guard(broken))
    button.click()
    assert status.kind == "error" and "reference" in status.message
    assert "hunter2" not in status.value and "Traceback" not in status.value
    ref = status.message.split("reference ")[1].rstrip(").")
    assert ref in process_stderr.getvalue() and "Traceback" in process_stderr.getvalue()
    assert page_output.getvalue() == ""
