"""Who is asking, for every request ``pmw serve`` answers, and what they may reach.

:class:`PmwIdentity` is Jupyter Server's identity provider for the web app: a
request's person is the one its live session names (looked up on the server,
so signing out or ``pmw revoke`` ends it everywhere), or the JupyterHub user,
or the header of an authenticating proxy the operator named. Anyone else is
nobody: no anonymous user is made up and no ``username-…`` cookie is set.

:class:`PmwAuthorizer` lets a person reach a kernel only if it is the kernel of
one of their own pages (:mod:`pmwidgets.web.owners`). Jupyter Server asks it
for the kernel websocket and the kernel REST handler; ``pmw serve``'s own
handlers (shutdown, the query websocket, pages) ask :func:`owns` the same.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import IdentityProvider, User
from tornado.web import RequestHandler

from ..services import identity, sessions
from .owners import OWNERS


def trusted_header() -> str:
    """The authenticating proxy's header the operator named, or ''."""
    return os.environ.get("PMW_TRUSTED_HEADER", "").strip()


def session_of(handler: RequestHandler) -> sessions.WebSession | None:
    """The live session the request's cookie names (looked up once per request)."""
    if not hasattr(handler, "_pmw_session"):
        token = handler.get_cookie(identity.COOKIE) or ""
        found = sessions.session_for(handler.settings["pmw_store"], token) if token else None
        handler._pmw_session = found  # type: ignore[attr-defined]
    session: sessions.WebSession | None = handler._pmw_session  # type: ignore[attr-defined]
    return session


def person_of(handler: RequestHandler) -> str | None:
    """The verified person of a request, or None."""
    session = session_of(handler)
    if session is not None:
        return session.person_id
    hub_user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if hub_user:
        return hub_user
    header = trusted_header()
    if header:
        return (handler.request.headers.get(header) or "").strip() or None
    return None


def owns(handler: RequestHandler, kernel_id: str) -> bool:
    """Whether the request's verified person owns this kernel (a page of theirs)."""
    person = person_of(handler)
    return person is not None and OWNERS.owner(kernel_id) == person


class PmwIdentity(IdentityProvider):
    """Sessions, hub users and proxy headers; never an anonymous user, never a cookie of its own."""

    def get_user(self, handler: RequestHandler) -> User | None:
        """The request's verified person as a Jupyter user, or None."""
        person = person_of(handler)
        return User(username=person) if person else None

    def get_handlers(self) -> list[tuple[str, object]]:
        """None: ``pmw serve`` has its own sign-in and sign-out pages."""
        return []

    @property
    def auth_enabled(self) -> bool:
        """Always: every request needs a verified person."""
        return True

    @property
    def login_available(self) -> bool:
        """No password form: people sign in with their personal link."""
        return False

    def validate_security(self, app: Any, ssl_options: dict[str, Any] | None = None) -> None:
        """Nothing to warn about: authentication is always on."""


class PmwAuthorizer(Authorizer):
    """A kernel only for its owner; everything else for any verified person."""

    def is_authorized(
        self, handler: RequestHandler, user: User | None, action: str, resource: str
    ) -> bool:
        """Refuse nobody-requests, and kernels of pages that are not the user's own."""
        if user is None:
            return False
        if resource == "kernels":
            kernel_id = handler.path_kwargs.get("kernel_id") or getattr(handler, "kernel_id", "")
            return bool(kernel_id) and OWNERS.owner(str(kernel_id)) == user.username
        return True
