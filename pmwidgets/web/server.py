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
- identity verified per request: ``/pmw/signin?t=TOKEN`` turns a signed
  personal link into a signed session cookie, which the kernel verifies again
  for every page (see :mod:`pmwidgets.services.identity`);
- kernels of closed pages are shut down: signing in sets the ``_xsrf`` cookie
  that Voila's unload beacon needs, and idle disconnected kernels are culled.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from tornado.web import HTTPError
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..domain.errors import NotAllowed, PmwError
from ..services import identity
from ..services.api import Services

SHARE = Path(__file__).resolve().parent / "share" / "jupyter"
HOME = "voila/render/home.ipynb"
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: seconds between a preheated kernel being taken and its replacement starting: Voila's
#: default (1 s) starts the new kernel while the visitor's page is still loading, and on
#: two cores its start-up slows that page (docs/performance.md)
FILL_DELAY = 3.0
#: the server log's lines: Voila's own format with the time in front of each message
LOG_FORMAT = "[%(name)s %(asctime)s.%(msecs)03d]%(highlevel)s %(message)s"
LOG_DATEFMT = "%Y-%m-%d %H:%M:%S"
#: the longest temporary folder whose kernel sockets' paths still fit in 107 bytes
MAX_IPC_FOLDER = 40
UNKNOWN_PERSON = "this link names nobody known here: ask your coach or HR for a new one"
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'self'; form-action 'self'"
)


def _page(title: str, message: str) -> str:
    import html

    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:640px;margin:80px auto;"
        "color:#1d3557}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )


class SignInHandler(JupyterHandler):
    """Turn a signed personal link into a signed session cookie, then go home."""

    def check_xsrf_cookie(self) -> None:  # a GET with a signed token needs no xsrf
        return

    def get(self) -> None:
        token = self.get_argument("t", "")
        try:
            person_id = identity.verify_invite(token)
            store = self.settings["pmw_store"]
            Services(store, person_id)  # the person must exist
        except PmwError as exc:
            self.set_status(403)
            # a link that verifies but names nobody here is as useless as a forged one
            reason = exc.reason if isinstance(exc, NotAllowed) else UNKNOWN_PERSON
            self.finish(_page("Sign-in link not accepted", reason[:1].upper() + reason[1:] + "."))
            return
        secure = self.request.protocol == "https"
        self.set_cookie(
            identity.COOKIE,
            identity.session_token(person_id),
            httponly=True,
            samesite="Lax",
            secure=secure,
            expires_days=identity.SESSION_HOURS / 24,
            path=self.base_url,
        )
        _ = self.xsrf_token  # sets the _xsrf cookie: Voila's unload beacon needs it
        self.redirect(self.base_url + HOME)


class SignOutHandler(JupyterHandler):
    """Forget the session cookie."""

    def get(self) -> None:
        self.clear_cookie(identity.COOKIE, path=self.base_url)
        self.finish(
            _page("Signed out", "You are signed out. Use your personal link to sign in again.")
        )


class HomeRedirect(JupyterHandler):
    """The root and the file tree lead home: nobody browses the notebooks folder."""

    def get(self, *_args: Any) -> None:
        _ = self.xsrf_token
        self.redirect(self.base_url + HOME)


class KernelChannels(VoilaKernelWebsocketHandler):
    """Voila's kernel websocket, for clients that speak protocol v1 only (as its front end does).

    Voila reads every binary message it sends as protocol v1. A client that asks
    for the legacy protocol gets binary messages in another layout, and that read
    then loops over a count taken from arbitrary bytes: one such socket, opened
    by any visitor with their page's kernel id, hung the whole server.
    """

    async def get(self, *args: Any, **kwargs: Any) -> None:
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if KERNEL_PROTOCOL not in (p.strip() for p in offered.split(",")):
            self.set_status(400)
            self.finish("only the kernel websocket protocol v1 is served")
            return
        await super().get(*args, **kwargs)

    async def open(self, *args: Any, **kwargs: Any) -> None:
        """Send each message at once (TCP_NODELAY), then connect to the kernel as Voila does.

        A kernel answers a click with several small messages (busy, the widget's new
        state, idle). Without no-delay, Nagle's algorithm holds each small message back
        until the browser acknowledges the previous one, and browsers delay their
        acknowledgements by up to 40 ms: a click that came soon after another waited
        about 45 ms for its answer (docs/performance.md).
        """
        self.set_nodelay(True)
        await super().open(*args, **kwargs)


class TemplateStatic(TemplateStaticFileHandler):
    """Voila's template files (its scripts and styles); any other path is a plain 404.

    Voila's own handler answers 500 to a path that climbs out with ``..`` or names
    no template (an assertion or an unpacking fails inside it): nothing is served
    then either, but a bad address should get a plain "not found".
    """

    def parse_url_path(self, url_path: str) -> str:
        parts = url_path.split("/")
        if len(parts) < 3 or parts[1] != "static" or ".." in parts or "" in parts[:2]:
            raise HTTPError(404)
        try:
            return str(super().parse_url_path(url_path))
        except (ValueError, AssertionError, OSError):
            raise HTTPError(404) from None


class PmwVoila(Voila):
    """Voila with pmwidgets' handlers in front of its own."""

    store: Any = None

    def init_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().init_settings()
        settings["pmw_store"] = self.store
        headers = dict(settings.get("headers", {}))
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        settings["headers"] = headers
        return settings

    def init_handlers(self) -> list[Any]:
        base = self.server_url or "/"
        ours: list[Any] = [
            (base + "pmw/signin", SignInHandler),
            (base + "pmw/signout", SignOutHandler),
            (base, HomeRedirect),
            (base + r"voila/tree(.*)", HomeRedirect),
            (base + r"voila/api/contents(.*)", HomeRedirect),
            (base + r"api/kernels/(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)/channels", KernelChannels),
            (base + r"voila/templates/(.*)", TemplateStatic),
        ]
        handlers: list[Any] = super().init_handlers()
        return ours + handlers


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


def voila_argv(
    notebooks: Path,
    port: int,
    ip: str = "127.0.0.1",
    pool_size: int = 1,
    cull_seconds: int = 120,
    fill_delay: float = FILL_DELAY,
) -> list[str]:
    """The Voila command line ``pmw serve`` runs with."""
    headers = ["Cookie"]
    trusted = os.environ.get("PMW_TRUSTED_HEADER", "").strip()
    if trusted:
        headers.append(trusted)
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
        f"--VoilaKernelManager.fill_delay={fill_delay}",
        f"--VoilaConfiguration.http_header_envs={headers!r}",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.file_denylist=['.*']",
        # a preheated kernel's idle time starts when it leaves the pool (pmwidgets.web.kernels)
        "--VoilaConfiguration.multi_kernel_manager_class=pmwidgets.web.kernels.PageKernels",
        f"--MappingKernelManager.cull_idle_timeout={cull_seconds}",
        f"--MappingKernelManager.cull_interval={max(5, cull_seconds // 4)}",
        "--MappingKernelManager.cull_connected=False",
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
) -> None:
    """Run the web app until interrupted."""
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
    cull_seconds = int(os.environ.get("PMW_CULL_SECONDS", cull_seconds))
    fill_delay = float(os.environ.get("PMW_FILL_DELAY", FILL_DELAY))
    argv = voila_argv(notebooks, port, ip, pool_size, cull_seconds, fill_delay)
    PmwVoila.launch_instance(argv=argv)
