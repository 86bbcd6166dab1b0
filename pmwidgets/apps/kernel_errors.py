"""Errors caused by widget messages: a traceback in the server's log, one plain line for the page.

A web page's kernel takes widget messages from its websocket, and anyone signed in
can send it malformed ones (a ``comm_open`` to an unknown target, an ``update``
with a value out of range, garbage ``data``, an unknown method, a buffer where none
is expected). Voila's ``--show_tracebacks=False`` covers only the notebook's cells:
without this module the kernel answers such messages with full tracebacks, which
name the server's files, and sends them to the browser. They come from:

1. the ``comm`` package and ipykernel's comm manager, which log "No such comm",
   "No such comm target registered" and, with its traceback, any exception from a
   comm's handler, on the loggers ``Comm`` and ``ipykernel.comm``. These have no
   handler, so Python's last-resort handler writes them to ``sys.stderr``, which
   ipykernel sends to the browser as a ``stream`` message;
2. ipywidgets, which catches what ``Widget._handle_msg`` raises (traitlets refusing
   a value, a ``KeyError`` for a missing key or a buffer path that does not fit)
   and what click and custom-message callbacks raise, and calls IPython's
   ``showtraceback``: an ``error`` message with the whole traceback;
3. ipykernel's capture of file descriptor 2 (``capture_fd_output``), which sends
   whatever the process writes there to the browser as well, so the "server log"
   written to ``sys.__stderr__`` reached the browser too: the tracebacks behind the
   references :meth:`pmwidgets.widgets.base.StatusArea.guard` shows (see
   :mod:`pmwidgets.apps.logs`), ipykernel's excepthook, tornado's log;
4. a comm handler that raises itself (a ``comm_msg`` without ``comm_id``), which
   the kernel logs to the server only, without a reference; Python warnings,
   other libraries' log records and logging's own errors ("--- Logging error ---"),
   all written to ``sys.stderr``, hence to the browser.

:func:`install`, called once per web page kernel, stops each of them: file
descriptor 2 is the server's log again (3); the comm loggers, other libraries'
records and warnings go to the server's log through the product's logger (1, 4);
``showtraceback`` and the comm handlers report through :func:`report` (2, 4). A
report is what :meth:`~pmwidgets.widgets.base.StatusArea.guard` does for a
failed callback: the traceback goes to the server's log with a short reference,
and the page gets one plain line with that reference, as a ``stderr`` stream
("That change could not be applied (reference 3f9a1c2e)."), once per message.
The kernel goes on serving the page. In JupyterLab (a coach's own machine) nothing
changes: the tracebacks are the coach's to read.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from ..domain.i18n import _
from . import session
from .logs import configure as configure_logging

log = logging.getLogger("pmwidgets.apps.kernel_errors")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

#: the loggers of the ``comm`` package and of ipykernel's comm manager
COMM_LOGGERS = ("Comm", "ipykernel.comm")
#: the kernel's handlers for the messages a page's websocket may send widgets
COMM_MESSAGES = ("comm_open", "comm_msg", "comm_close")
#: how much of a logged message (which may quote what a visitor sent) the log keeps
LOGGED_CHARS = 300

_installed = False
#: the reference given for the message being handled, once one of its failures is reported
_this_message: ContextVar[list[str] | None] = ContextVar("pmw_this_message", default=None)


def install() -> bool:
    """Stop tracebacks from reaching the browser, in a web page's kernel (once per kernel).

    Returns whether it is in place: False outside the web app (JupyterLab keeps its
    tracebacks) and outside a kernel (a script, a test), where it does nothing.
    """
    global _installed
    if _installed:
        return True
    shell = _shell()
    if not session.web_mode() or shell is None:
        return False
    configure_logging()
    _stop_fd_capture()
    for name in COMM_LOGGERS:
        comm_log = logging.getLogger(name)
        comm_log.addHandler(_CommLog())
        comm_log.propagate = False
    # instead of Python's last resort, which writes to sys.stderr, hence to the page
    logging.getLogger().addHandler(_ServerLog(logging.WARNING))
    logging.captureWarnings(True)
    logging.raiseExceptions = False  # a failing log call must not print its traceback either
    shell.showtraceback = _show_traceback
    handlers = getattr(getattr(shell, "kernel", None), "shell_handlers", {})
    for msg_type in COMM_MESSAGES:
        if msg_type in handlers:
            handlers[msg_type] = _guarded(handlers[msg_type])
    _installed = True
    return True


def report(exc_info: ExcInfo, what: str = "a widget message failed") -> str:
    """Log a failure's traceback under a reference; tell the page that reference only.

    While one message is handled, its failures share one reference and the page
    hears of it once. Returns the reference.
    """
    seen = _this_message.get()
    if seen:
        log.error("%s (reference %s)", what, seen[0], exc_info=exc_info)
        return seen[0]
    ref = uuid.uuid4().hex[:8]  # as StatusArea.guard makes them
    log.error("%s (reference %s)", what, ref, exc_info=exc_info)
    if seen is not None:
        seen.append(ref)
    line = _("That change could not be applied (reference {ref}).").format(ref=ref)
    print(line, file=sys.stderr, flush=True)  # ipykernel's stream to the page
    return ref


def _shell() -> Any:
    """The kernel's IPython shell, or None outside a kernel."""
    if "ipykernel" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return shell if hasattr(shell, "kernel") else None


def _stop_fd_capture() -> None:
    """Point file descriptor 2 at the server's log again, instead of ipykernel's pipe to the page.

    ipykernel keeps a copy of the original descriptor and forwards the pipe to both;
    from now on nothing written to descriptor 2 goes through the pipe.
    """
    stream: Any = sys.stderr
    original = getattr(stream, "_original_stdstream_copy", None)
    fd = getattr(stream, "_original_stdstream_fd", None)
    if not getattr(stream, "_should_watch", False) or not isinstance(original, int):
        return  # not capturing (capture_fd_output off, or another ipykernel)
    if sys.__stderr__ is not None:
        sys.__stderr__.flush()
    os.dup2(original, fd if isinstance(fd, int) else 2)
    stream._should_watch = False  # its watcher stops; closing the stream leaves fd 2 alone


def _one_line(text: str) -> str:
    """A logged message on one line, and not too long (it may quote what a visitor sent)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= LOGGED_CHARS else flat[:LOGGED_CHARS] + "…"


class _ServerLog(logging.Handler):
    """Hands a record to the product's logger, which writes it to the server's log."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.exc_info is None:
                record.msg, record.args = _one_line(record.getMessage()), None
            logging.getLogger("pmwidgets").handle(record)
        except Exception:
            self.handleError(record)


class _CommLog(_ServerLog):
    """The comm loggers: a traceback is reported (a reference for the page), the rest logged."""

    def emit(self, record: logging.LogRecord) -> None:
        exc_info = record.exc_info
        if exc_info is not None and exc_info[0] is not None and exc_info[1] is not None:
            report((exc_info[0], exc_info[1], exc_info[2]), _one_line(record.getMessage()))
        else:
            super().emit(record)


def _show_traceback(exc_tuple: ExcInfo | None = None, *_args: Any, **_kwargs: Any) -> None:
    """IPython's ``showtraceback`` in a web page's kernel: report, never show."""
    etype, value, tb = exc_tuple or sys.exc_info()
    if etype is None or value is None:
        return
    report((etype, value, tb))


def _guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A comm message handler whose failures are reported, with one reference per message."""

    @functools.wraps(handler)
    def handle(stream: Any, ident: Any, msg: Any) -> Any:
        token = _this_message.set([])
        try:
            return handler(stream, ident, msg)
        except Exception:
            etype, value, tb = sys.exc_info()
            if etype is not None and value is not None:
                report((etype, value, tb), "a comm message failed")
            return None
        finally:
            _this_message.reset(token)

    return handle
