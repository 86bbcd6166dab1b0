"""A page request: who asks, whether a kernel may start for it, and whose kernel it is.

Before Voila starts or hands out a kernel for ``/voila/render/<notebook>``:

- a request without a verified person gets the static sign-in page, and no kernel;
- ``?template=`` and ``?theme=`` are refused: every page is the ``pmw`` template;
- a person with :data:`Limits.per_person` pages open has their oldest page closed
  (that page says so) to make room;
- when :data:`Limits.total` pages are open, the request gets a polite "busy" page.

The kernel Voila then uses belongs to the person, and the kernel hears who they
are from a signed assertion (:mod:`pmwidgets.services.page_identity`) in place
of the request's cookies, which it never sees.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import allow_unauthenticated
from voila.tornado.handler import TornadoVoilaHandler

from ..services import page_identity
from .auth import person_of, session_of
from .handlers import SIGN_IN_TEXT, SIGN_IN_TITLE, finish_plain, plain_page
from .kernels import close_page
from .owners import OWNERS, TOO_MANY_PAGES, fingerprint


@dataclass(frozen=True)
class Limits:
    """How many pages may be open: per person, and for the whole server."""

    per_person: int = 6
    total: int = 40

    @classmethod
    def from_environ(cls) -> Limits:
        """``PMW_MAX_PAGES_PER_PERSON`` and ``PMW_MAX_PAGES``, or the defaults."""
        return cls(
            per_person=max(1, int(os.environ.get("PMW_MAX_PAGES_PER_PERSON", cls.per_person))),
            total=max(1, int(os.environ.get("PMW_MAX_PAGES", cls.total))),
        )


class _Recording:
    """The kernel manager, as a page's handler sees it: notes which kernel the page got."""

    def __init__(self, manager: Any, handle: str) -> None:
        self._manager = manager
        self._handle = handle

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self._manager

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        found = await self._manager.get_rendered_notebook(*args, **kwargs)
        OWNERS.claim(self._handle, found[2])
        return found

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id: str = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        OWNERS.claim(self._handle, kernel_id)
        return kernel_id


class PageHandler(TornadoVoilaHandler):
    """Voila's page handler behind identity, the template lock and the limits."""

    _handle: str | None = None

    @property
    def kernel_manager(self) -> Any:
        """Voila's kernel manager; while a page is served, one that records the page's kernel."""
        manager = self.settings["kernel_manager"]
        return _Recording(manager, self._handle) if self._handle else manager

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A page that is not there, or failed, is one plain sentence (no template, no CDN)."""
        if status_code == 404:
            self.finish(plain_page("Not available", "This address is not a page here."))
        else:
            self.finish(
                plain_page("Not available", "This page could not be opened. Please reload.")
            )

    def _plain(self, status: int, title: str, message: str, kind: str = "") -> None:
        finish_plain(self, status, title, message, kind=kind)

    @allow_unauthenticated
    async def get(self, path: str | None = None) -> None:
        """Serve the page if the person may have another one; otherwise a plain page."""
        if "template" in self.request.arguments or "theme" in self.request.arguments:
            self._plain(400, "Not available", "This address is not a page here.")
            return
        person = person_of(self)
        if person is None:
            self._plain(401, SIGN_IN_TITLE, SIGN_IN_TEXT, kind="pmw-signin")
            return
        limits: Limits = self.settings["pmw_limits"]
        if not await self._make_room(person, limits):
            return
        session = session_of(self)
        self._handle = OWNERS.reserve(person, session.key if session else None)
        # the kernel hears who asks from a signed assertion, never from the cookies
        for name in [h for h in self.request.headers if h.lower() == page_identity.HEADER.lower()]:
            del self.request.headers[name]
        self.request.headers[page_identity.HEADER] = page_identity.person_assertion(
            person, session=session.key if session else ""
        )
        try:
            await super().get(path)
            OWNERS.served(self._handle)
        finally:
            OWNERS.forget(self._handle)  # a place that never got its kernel (else a no-op)

    async def _make_room(self, person: str, limits: Limits) -> bool:
        mine = OWNERS.pages_of(person)
        while len(mine) >= limits.per_person:
            # only a page sent in full: closing one whose kernel still runs its cells
            # would leave that tab with Voila's error instead of a reason
            oldest = next((p for p in mine if p.kernel_id and p.ready), None)
            if oldest is None or oldest.kernel_id is None:
                self._plain(
                    429,
                    "Too many pages at once",
                    "Several of your pages are opening at the same time: wait a moment, then reload.",
                )
                return False
            self.log.info("Closing page %s to make room", fingerprint(oldest.kernel_id))
            await close_page(
                self.settings["kernel_manager"],
                oldest.kernel_id,
                TOO_MANY_PAGES,
                f"This page was closed because you opened more than {limits.per_person} pages. "
                "Close the tabs you do not need, then reload this one.",
            )
            mine = OWNERS.pages_of(person)
        if OWNERS.count() >= limits.total:
            self.set_header("Retry-After", "60")
            self._plain(
                503,
                "Busy",
                "The workbooks are busy right now. Please try again in a minute.",
            )
            return False
        return True
