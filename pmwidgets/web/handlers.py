"""``pmw serve``'s own handlers: signing in and out, plain pages, and the kernel channels.

Every kernel channel checks that the request's verified person owns the kernel
(:func:`pmwidgets.web.auth.owns`): the websocket and the kernel REST handler
through :class:`~pmwidgets.web.auth.PmwAuthorizer`, the shutdown beacon and
the query websocket here. A channel that is not the person's own answers as if
the kernel did not exist.
"""

from __future__ import annotations

import html
import itertools
import logging
from typing import Any

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from tornado import web
from tornado.web import HTTPError, authenticated
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..domain.errors import PmwError
from ..services import identity, sessions
from ..services.page_identity import check_kernel_query_token
from .auth import owns
from .kernels import close_page
from .owners import OWNERS, SIGNED_OUT

log = logging.getLogger("pmwidgets.web")

HOME = "voila/render/home.ipynb"
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: the largest message a page may send its kernel: a job description file of the
#: largest size the importers read (2 MB, pmwidgets.io.jobs.files.MAX_BYTES) and its wrapping
MAX_MESSAGE_BYTES = 3 * 1024 * 1024
#: a larger message is not even read to its end: the connection is cut
HARD_MESSAGE_BYTES = 16 * 1024 * 1024
SIGN_IN_TITLE = "Sign in"
SIGN_IN_TEXT = (
    "To see your workbooks, sign in with your personal link: the one your coach or HR "
    "sent you. If it has expired or was withdrawn, ask them for a new one."
)


#: most buffers one message may carry (a FileUpload of several files has one each)
MAX_BUFFERS = 64


def well_framed(frame: str | bytes) -> bool:
    """Whether ``frame`` is a kernel message in protocol v1's layout, every offset in order.

    ``[n][offset_0 … offset_(n-1)][channel][header][parent][metadata][content][buffers…]``,
    little-endian 8-byte integers; the first offset is where the offsets end and the
    last is the frame's length.
    """
    if not isinstance(frame, bytes) or len(frame) < 8:
        return False
    count = int.from_bytes(frame[:8], "little")
    if not 6 <= count <= 6 + MAX_BUFFERS or len(frame) < 8 * (count + 1):
        return False
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    ordered = all(a <= b for a, b in itertools.pairwise(offsets))
    return offsets[0] == 8 * (count + 1) and ordered and offsets[-1] == len(frame)


def plain_page(title: str, message: str, form: str = "", kind: str = "") -> str:
    """A small static page: a title, one paragraph, and perhaps a form (no script, no kernel).

    ``kind`` is a class for its ``main`` element (``pmw-signin`` on the sign-in page).
    """
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
        "max-width:640px;margin:64px auto;padding:0 16px;color:#1d3557;line-height:1.5}"
        "button{font-size:1rem;padding:8px 20px;background:#1d3557;color:#fff;border:0;"
        "border-radius:4px;cursor:pointer}.pmw-brand{font-weight:bold;margin:0}</style></head>"
        f"<body><main class='pmw-plain {html.escape(kind)}'>"
        "<p class='pmw-brand'>Performance workbooks</p>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{form}</main></body></html>"
    )


def finish_plain(
    handler: web.RequestHandler,
    status: int,
    title: str,
    message: str,
    form: str = "",
    kind: str = "",
) -> None:
    """Finish ``handler``'s answer with a plain page, never cached."""
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(plain_page(title, message, form, kind))


class PlainHandler(JupyterHandler):
    """A handler whose answers are plain pages."""

    def show(self, status: int, title: str, message: str, form: str = "", kind: str = "") -> None:
        """Finish with a plain page."""
        finish_plain(self, status, title, message, form, kind)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Any failure is one plain sentence (the details stay in the server log)."""
        self.finish(plain_page("Not available", "This address is not a page here."))

    def secure_cookies(self) -> bool:
        """Whether cookies must be ``Secure``: https, or behind a TLS proxy (``--behind-proxy``)."""
        return bool(self.request.protocol == "https" or self.settings.get("pmw_behind_proxy"))


class NotFound(PlainHandler):
    """Any address that is no page here: a plain sentence (tornado's own would be bare)."""

    @allow_unauthenticated
    def get(self, *_args: Any, **_kwargs: Any) -> None:
        """A plain 404 page."""
        self.show(404, "Not available", "This address is not a page here.")

    @allow_unauthenticated
    def head(self, *_args: Any, **_kwargs: Any) -> None:
        """The same, without its page."""
        self.set_status(404)
        self.finish()


class SignInHandler(PlainHandler):
    """Turn a personal link into a server-side session, then go home."""

    def check_xsrf_cookie(self) -> None:  # a GET with a signed token needs no xsrf
        return

    @allow_unauthenticated
    def get(self) -> None:
        """``/pmw/signin?t=TOKEN``: start a session; without a token, the sign-in page."""
        token = self.get_argument("t", None)
        if token is None:  # no link at all: how to sign in (an empty one is not valid)
            self.show(401, SIGN_IN_TITLE, SIGN_IN_TEXT, kind="pmw-signin")
            return
        store = self.settings["pmw_store"]
        try:
            person_id = sessions.invite_person(store, token)
        except PmwError as exc:
            reason = str(getattr(exc, "reason", "") or exc) or "this link is not valid"
            self.show(403, "Sign-in link not accepted", reason[:1].upper() + reason[1:] + ".")
            return
        self.set_cookie(
            identity.COOKIE,
            sessions.start_session(store, person_id),
            httponly=True,
            samesite="Lax",
            secure=self.secure_cookies(),
            expires_days=sessions.SESSION_HOURS / 24,
            path=self.base_url,
        )
        _ = self.xsrf_token  # sets the _xsrf cookie: Voila's unload beacon and sign-out need it
        self.redirect(self.base_url + HOME)


class SignOutHandler(PlainHandler):
    """Sign out: a page with one button, which ends the session everywhere (a POST)."""

    @allow_unauthenticated
    def get(self) -> None:
        """The sign-out page (a GET changes nothing: a link or a prefetch cannot sign you out)."""
        base = html.escape(self.base_url)
        form = (
            f"<form method='post' action='{base}pmw/signout'>"
            f"{self.xsrf_form_html()}<button type='submit'>Sign out</button> "
            f"<a href='{base}{HOME}' style='margin-left:16px'>Back to my workbooks</a></form>"
            "<p>Lost a phone, or sent your link to someone else? Ask HR or your coach to "
            "withdraw your access: that signs you out everywhere and withdraws your links.</p>"
        )
        self.show(
            200,
            "Sign out",
            "Sign out of Performance workbooks? Your open pages close, and this sign-in "
            "stops working on this browser and wherever it was copied to.",
            form,
        )

    @allow_unauthenticated
    async def post(self) -> None:
        """End the session on the server, close its pages, forget the cookie."""
        token = self.get_cookie(identity.COOKIE) or ""
        ended = sessions.end_session(self.settings["pmw_store"], token) if token else None
        if ended is not None:
            for page in OWNERS.pages_of_session(ended.key):
                if page.kernel_id:
                    await close_page(
                        self.kernel_manager, page.kernel_id, SIGNED_OUT, "You signed out."
                    )
        self.clear_cookie(identity.COOKIE, path=self.base_url)
        self.show(200, "Signed out", "You are signed out. Use your personal link to sign in again.")


class LoginHandler(PlainHandler):
    """Jupyter's ``/login`` (where a page sends a stranger): the sign-in page."""

    @allow_unauthenticated
    def get(self) -> None:
        """The sign-in page, with no kernel started."""
        self.show(401, SIGN_IN_TITLE, SIGN_IN_TEXT, kind="pmw-signin")


class LogoutHandler(PlainHandler):
    """Jupyter's ``/logout``: the sign-out page."""

    @allow_unauthenticated
    def get(self) -> None:
        """Lead to the sign-out page."""
        self.redirect(self.base_url + "pmw/signout")


class HomeRedirect(JupyterHandler):
    """The root and the file tree lead home: nobody browses the notebooks folder."""

    @allow_unauthenticated
    def get(self, *_args: Any) -> None:
        """Go home."""
        self.redirect(self.base_url + HOME)


class KernelChannels(VoilaKernelWebsocketHandler):
    """Voila's kernel websocket for the kernel's owner only, protocol v1 only, messages capped.

    Ownership is checked by the authorizer before the upgrade (a stranger gets a
    403, as for a kernel that does not exist). Voila reads every binary message it
    sends as protocol v1; a client asking for the legacy protocol would make that
    read loop over a count taken from arbitrary bytes, so it is refused.
    """

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A refused connection gets one line (Jupyter's error page needs files Voila lacks)."""
        self.finish(f"{status_code}: not available")

    @property
    def max_message_size(self) -> int:
        """Tornado cuts the connection at once above this (without a close frame)."""
        return HARD_MESSAGE_BYTES

    def on_message(self, message: str | bytes) -> Any:
        """Pass on a well-framed message; close the socket on anything else (code 1003).

        Jupyter Server reads a v1 frame's part count from its first 8 bytes and loops
        over it: the 7 bytes ``garbage`` hung the whole server at full CPU.
        """
        if len(message) > MAX_MESSAGE_BYTES:  # never passed on: the page is told why
            self.log.warning("Closing a kernel websocket that sent %d bytes", len(message))
            self.close(1009, "That was too large to send. Reload the page to carry on.")
            return None
        if not well_framed(message):
            self.log.warning("Closing a kernel websocket that sent a malformed frame")
            self.close(1003, "That message could not be read. Reload the page to carry on.")
            return None
        return super().on_message(message)

    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Refuse other protocols, then Voila's own checks (identity, ownership) and upgrade."""
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if KERNEL_PROTOCOL not in (p.strip() for p in offered.split(",")):
            self.set_status(400)
            self.finish("only the kernel websocket protocol v1 is served")
            return
        await super().get(*args, **kwargs)

    async def open(self, *args: Any, **kwargs: Any) -> None:
        """Send each message at once (TCP_NODELAY), connect to the kernel, remember the socket.

        Without no-delay, Nagle's algorithm holds each small message of a click's
        answer back until the browser acknowledges the previous one (about 45 ms a
        click: docs/performance.md).
        """
        self.set_nodelay(True)
        # known before connecting to the kernel: a page closed meanwhile is told why
        OWNERS.connected(getattr(self, "kernel_id", ""), self)
        await super().open(*args, **kwargs)

    def on_close(self) -> None:
        """Forget the socket."""
        OWNERS.disconnected(getattr(self, "kernel_id", ""), self)
        super().on_close()


class ShutdownHandler(APIHandler):
    """The unload beacon's ``/voila/api/shutdown/<id>``, for the kernel's owner only."""

    @authenticated
    async def post(self, kernel_id: str) -> None:
        """Stop the page's kernel if it is the person's own; otherwise as if it did not exist."""
        if not owns(self, kernel_id):
            raise HTTPError(404)
        await close_page(self.kernel_manager, kernel_id, 1000, "")
        self.set_status(204)
        self.finish()


class PageQuery(RequestInfoSocketHandler):
    """Voila's ``/voila/query/<id>``, answered only for the kernel itself.

    Voila sends a preheated kernel its page's request over this websocket. Stock
    Voila answers whoever connects first; here the client must show the kernel's
    query token (:func:`pmwidgets.services.page_identity.kernel_query_token`),
    and the request is delivered once.
    """

    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Upgrade only for the kernel's own token; anyone else gets a 404."""
        kernel_id = kwargs.get("kernel_id") or (args[0] if args else "")
        token = self.get_argument("k", "")
        if not token or not check_kernel_query_token(kernel_id, token):
            raise HTTPError(404)
        if kernel_id in RequestInfoSocketHandler._waiters:
            raise HTTPError(409)
        await super().get(*args, **kwargs)

    def open(self, kernel_id: str) -> None:
        """Wait for the page's request, or take it if it came first (then forget it)."""
        RequestInfoSocketHandler._waiters[kernel_id] = self
        payload = RequestInfoSocketHandler._cache.pop(kernel_id, None)
        if payload is not None:
            self.write_message(payload)


class TemplateStatic(TemplateStaticFileHandler):
    """Voila's template files (its scripts and styles); any other path is a plain 404.

    Voila's own handler answers 500 to a path that climbs out with ``..`` or names
    no template (an assertion or an unpacking fails inside it).
    """

    def parse_url_path(self, url_path: str) -> str:
        """The file's path, or a 404."""
        parts = url_path.split("/")
        if len(parts) < 3 or parts[1] != "static" or ".." in parts or "" in parts[:2]:
            raise HTTPError(404)
        try:
            return str(super().parse_url_path(url_path))
        except (ValueError, AssertionError, OSError):
            raise HTTPError(404) from None
