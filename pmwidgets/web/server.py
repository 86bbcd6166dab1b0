"""``pmw serve``: Voila over notebooks/, locked down for managers and employees.

- listens on 127.0.0.1 by default, and makes no request to any CDN (our ``pmw``
  template drops the lab template's fontawesome link; a Content-Security-Policy
  header stops anything else from reaching outside);
- preheated kernels: the notebooks import everything before a request comes; the
  page is built once its request arrives, after the cell has returned, so the page's
  HTML is sent at once (:func:`pmwidgets.apps.session.when_requested`);
- sources stripped, tracebacks hidden (a person sees a plain message and a
  reference that points to the server log);
- no static files at all from the notebooks folder; the database lives elsewhere;
- identity verified per request, on the server: ``/pmw/signin?t=TOKEN`` turns a
  personal link into a server-side session (:mod:`pmwidgets.services.sessions`);
  signing out (a POST) or ``pmw revoke`` ends it everywhere;
- no kernel without an identity, and every kernel channel (websocket, REST,
  shutdown, Voila's query socket) only for the person whose page it is; the
  kernel hears who that is from a signed assertion, never from the cookies
  (:mod:`pmwidgets.web.page`, :mod:`pmwidgets.web.auth`);
- limits: pages per person (the oldest is closed, and says so), pages in all (a
  "busy" page), message size, and pages left open unused (:mod:`pmwidgets.web.kernels`);
- no kernel id, cookie or token in the log (:mod:`pmwidgets.web.logs`).

docs/serving.md describes the security model.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from tornado.ioloop import PeriodicCallback
from voila.app import Voila

from ..services import page_identity, sessions
from .handlers import (
    HARD_MESSAGE_BYTES,
    HomeRedirect,
    KernelChannels,
    LoginHandler,
    LogoutHandler,
    NotFound,
    PageQuery,
    ShutdownHandler,
    SignInHandler,
    SignOutHandler,
    TemplateStatic,
)
from .headers import SecurityHeaders, security_headers
from .kernels import close_page
from .logs import redact_all_handlers
from .owners import OWNERS, SIGNED_OUT
from .page import Limits, PageHandler

SHARE = Path(__file__).resolve().parent / "share" / "jupyter"
#: how often open pages are checked for sessions ended elsewhere (``pmw revoke``)
SWEEP_SECONDS = 15
#: minutes an open page may go unused before it is closed (``PMW_IDLE_MINUTES``)
IDLE_MINUTES = 30
ENDED = (
    "Your session has ended. Sign in again with your personal link, "
    "or ask your coach or HR for a new one."
)
#: seconds between a preheated kernel being taken and its replacement starting: Voila's
#: default (1 s) starts the new kernel while the visitor's page is still loading, and on
#: two cores its start-up slows that page (docs/performance.md)
FILL_DELAY = 3.0
#: the server log's lines: Voila's own format with the time in front of each message
LOG_FORMAT = "[%(name)s %(asctime)s.%(msecs)03d]%(highlevel)s %(message)s"
LOG_DATEFMT = "%Y-%m-%d %H:%M:%S"
#: the longest temporary folder whose kernel sockets' paths still fit in 107 bytes
MAX_IPC_FOLDER = 40


class PmwVoila(Voila):
    """Voila with pmwidgets' identity, ownership, limits and handlers in front of its own."""

    store: Any = None
    behind_proxy: bool = False

    def init_settings(self) -> dict[str, Any]:
        """Voila's settings, with the store, the limits and the security headers."""
        settings: dict[str, Any] = super().init_settings()
        settings["pmw_store"] = self.store
        settings["pmw_limits"] = Limits.from_environ()
        settings["pmw_behind_proxy"] = self.behind_proxy
        settings["websocket_max_message_size"] = HARD_MESSAGE_BYTES
        headers = dict(settings.get("headers", {}))
        headers.update(security_headers())
        settings["headers"] = headers
        # the same headers on static files and tornado's own answers; unknown addresses
        # get a plain page (tornado.web.Application takes both from these settings)
        settings["transforms"] = [SecurityHeaders]
        settings["default_handler_class"] = NotFound
        return settings

    def init_handlers(self) -> list[Any]:
        """Ours first: sign-in and out, pages, and every kernel channel checked for its owner."""
        base = self.server_url or "/"
        kernel = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"
        ours: list[Any] = [
            (base + "pmw/signin", SignInHandler),
            (base + "pmw/signout", SignOutHandler),
            (base + "login", LoginHandler),
            (base + "logout", LogoutHandler),
            (base, HomeRedirect),
            (base + r"voila/tree(.*)", HomeRedirect),
            (base + r"voila/api/contents(.*)", HomeRedirect),
            (base + rf"api/kernels/{kernel}/channels", KernelChannels),
            (base + rf"voila/query/{kernel}", PageQuery),
            (base + r"voila/api/shutdown/(.*)", ShutdownHandler),
            (base + r"voila/templates/(.*)", TemplateStatic),
        ]
        handlers: list[Any] = super().init_handlers()
        page = self._page_options(handlers)
        if page is not None:
            ours.append((base + r"voila/render/(.*)", PageHandler, page))
        return ours + handlers

    @staticmethod
    def _page_options(handlers: list[Any]) -> dict[str, Any] | None:
        for entry in handlers:
            if len(entry) == 3 and entry[0].endswith("voila/render/(.*)"):
                return dict(entry[2])
        return None

    def listen(self) -> None:
        """Listen; behind a TLS proxy, take the client's scheme and address from its headers."""
        # refused and failed requests in the server's log, timed like its other lines
        access = logging.getLogger("tornado.access")
        if not access.handlers:
            for handler in self.log.handlers:
                access.addHandler(handler)
            access.propagate = False
            access.setLevel(logging.WARNING)
        redact_all_handlers()
        if self.behind_proxy:
            listen = self.app.listen

            def with_xheaders(port: int, address: str = "", **kwargs: Any) -> Any:
                return listen(port, address, xheaders=True, **kwargs)

            self.app.listen = with_xheaders
        sweep = PeriodicCallback(self._sweep_sessions, SWEEP_SECONDS * 1000)
        sweep.start()
        super().listen()

    _purged: float = 0.0

    async def _sweep_sessions(self) -> None:
        """Close the pages of sessions that ended elsewhere (``pmw revoke``, expiry).

        Once an hour, also delete the rows of sessions that have ended.
        """
        if time.monotonic() - self._purged > 3600:
            self._purged = time.monotonic()
            sessions.purge_expired(self.store)
        for key in OWNERS.session_keys():
            if sessions.session_alive(self.store, key):
                continue
            for page in OWNERS.pages_of_session(key):
                if page.kernel_id:
                    await close_page(self.kernel_manager, page.kernel_id, SIGNED_OUT, ENDED)


def kernel_transport(folder: str | None = None) -> str:
    """``ipc`` (Unix sockets) for the kernels' channels, unless the path would be too long.

    Over Unix sockets in Voila's private temporary folder there is no port another
    local user could reach, and no race for free ports when several kernels start at
    once (jupyter_client picks a TCP port, closes it, and the kernel binds it a moment
    later: voila-dashboards/voila#408). A socket's path holds at most 107 bytes, and
    Voila names them ``<tmp>/voila_XXXXXXXX/kernel-<uuid>-ipc-N`` (about 60 more than
    the temporary folder's own): with a longer temporary folder, TCP it is.
    """
    folder = folder if folder is not None else tempfile.gettempdir()
    return "ipc" if len(os.fsencode(folder)) <= MAX_IPC_FOLDER else "tcp"


#: notebooks (Voila's patterns: a substring or a regular expression of the path) that get
#: a kernel when opened instead of one waiting in a pool: the toolkit's examples.
NOT_PREHEATED = ("examples/", "session.ipynb")


def voila_argv(
    notebooks: Path,
    port: int,
    ip: str = "127.0.0.1",
    pool_size: int = 1,
    cull_seconds: int = 120,
    fill_delay: float = FILL_DELAY,
) -> list[str]:
    """The Voila command line ``pmw serve`` runs with."""
    # the kernel is told who asks by the server's signed assertion, and nothing else:
    # no cookie, and no proxy header (the server reads that one itself)
    headers = [page_identity.HEADER]
    idle = int(float(os.environ.get("PMW_IDLE_MINUTES", IDLE_MINUTES)) * 60)
    return [
        str(notebooks),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
        "--no-browser",
        "--template=pmw",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        f"--preheat_kernel={pool_size > 0}",
        f"--pool_size={max(pool_size, 1)}",
        # the toolkit's examples are served when asked for, but keep no kernel waiting
        f"--VoilaKernelManager.preheat_denylist={list(NOT_PREHEATED)!r}",
        f"--VoilaKernelManager.fill_delay={fill_delay}",
        f"--VoilaConfiguration.http_header_envs={headers!r}",
        # the JupyterLab app's link catcher: a web page follows its links as addresses
        "--VoilaConfiguration.extension_denylist=['anywidget']",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.file_denylist=['.*']",
        # a preheated kernel's idle time starts when it leaves the pool (pmwidgets.web.kernels)
        "--VoilaConfiguration.multi_kernel_manager_class=pmwidgets.web.kernels.PageKernels",
        f"--MappingKernelManager.cull_idle_timeout={cull_seconds}",
        f"--MappingKernelManager.cull_interval={max(5, cull_seconds // 4)}",
        "--MappingKernelManager.cull_connected=False",
        f"--PageKernels.open_page_idle_seconds={idle}",
        "--Voila.identity_provider_class=pmwidgets.web.auth.PmwIdentity",
        "--Voila.authorizer_class=pmwidgets.web.auth.PmwAuthorizer",
        "--Voila.config_file_paths=[]",
        f"--KernelManager.transport={kernel_transport()}",
        # each line says when: an operator (or a failed test) can tell a slow page from a stuck one
        f"--Voila.log_format={LOG_FORMAT}",
        f"--Voila.log_datefmt={LOG_DATEFMT}",
    ]


def serve(
    port: int = 8866,
    notebooks: Path | None = None,
    ip: str = "127.0.0.1",
    pool_size: int = 1,
    cull_seconds: int = 120,
    behind_proxy: bool = False,
) -> None:
    """Run the web app until interrupted (``behind_proxy``: a TLS proxy is in front)."""
    from ..services import open_store

    notebooks = notebooks or Path.cwd() / "notebooks"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p
    )
    os.environ["PMW_WEB"] = "1"  # the kernels read identity from the request, never from a file
    # Each page has its own kernel and one front end: the kernel need not echo every
    # change back to it (ipywidgets 8 does, for several front ends on one kernel).
    # That was one more message per keystroke for the kernel, server and browser.
    os.environ.setdefault("JUPYTER_WIDGETS_ECHO", "0")
    PmwVoila.store = open_store()
    PmwVoila.behind_proxy = behind_proxy or os.environ.get("PMW_BEHIND_PROXY") == "1"
    cull_seconds = int(os.environ.get("PMW_CULL_SECONDS", cull_seconds))
    fill_delay = float(os.environ.get("PMW_FILL_DELAY", FILL_DELAY))
    argv = voila_argv(notebooks, port, ip, pool_size, cull_seconds, fill_delay)
    PmwVoila.launch_instance(argv=argv)
