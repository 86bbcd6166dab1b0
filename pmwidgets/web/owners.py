"""Who owns each page kernel, and the limits on how many there are.

Every kernel ``pmw serve`` hands to a page belongs to the verified person whose
request started it (and to the session that request carried, so that signing
out or ``pmw revoke`` can close that session's pages). Every kernel channel
(websocket, REST, shutdown) is refused unless its request carries the same
person's live session: the kernel id is no longer a secret that opens a page.

One :class:`Owners` lives in the server process (:data:`OWNERS`). It also holds
the pages still opening (a place is taken before the kernel exists, so fifty
requests at once cannot all pass a limit) and the open kernel websockets, so a
page the server closes is told why (a close code and a one-line reason its
page shows, see ``static/pmw-closed.js``).
"""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

#: close codes a page shows its reason for (4000-4099 are the application's own)
TOO_MANY_PAGES = 4001
IDLE = 4002
SIGNED_OUT = 4003


class Socket(Protocol):
    """What a kernel websocket handler offers here (tornado's WebSocketHandler)."""

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close the connection with a code and a reason the page shows."""


@dataclass
class Page:
    """One page: its person, the session its request carried, and its kernel once started."""

    person_id: str
    session_key: str | None
    opened: float = field(default_factory=time.monotonic)
    kernel_id: str | None = None
    #: set when the server closes the page: the close code and reason its page is sent
    closing: tuple[int, str] | None = None
    #: the place's handle while it opens (kept after, to find it again)
    handle: str = ""
    #: the page's HTML has been sent in full: only then may the server close it to make room
    ready: bool = False


def fingerprint(kernel_id: str) -> str:
    """A short name for a kernel that is safe to log (the id itself opens nothing, but stays out)."""
    return "k-" + hashlib.sha256(kernel_id.encode()).hexdigest()[:8]


class Owners:
    """The pages of one server: owners, places being opened, and open websockets."""

    def __init__(self) -> None:
        self._pages: dict[str, Page] = {}
        self._sockets: dict[str, set[Any]] = {}
        self._ids = itertools.count()

    # --- places and kernels ---------------------------------------------------------

    def reserve(self, person_id: str, session_key: str | None) -> str:
        """Take a place for a page being opened; returns the place's handle."""
        handle = f"opening-{next(self._ids)}"
        self._pages[handle] = Page(person_id, session_key, handle=handle)
        return handle

    def served(self, handle: str) -> None:
        """The page of this place has been sent in full (its kernel ran its cells)."""
        for page in self._pages.values():
            if page.handle == handle:
                page.ready = True

    def claim(self, handle: str, kernel_id: str) -> None:
        """The page's kernel exists: it now belongs to the place's person."""
        page = self._pages.pop(handle, None)
        if page is not None:
            page.kernel_id = kernel_id
            self._pages[kernel_id] = page

    def forget(self, key: str) -> Page | None:
        """Drop a place that never got its kernel, or a kernel that is gone."""
        self._sockets.pop(key, None)
        return self._pages.pop(key, None)

    def owner(self, kernel_id: str) -> str | None:
        """The person a started kernel belongs to (None for pool kernels and unknown ids)."""
        page = self._pages.get(kernel_id)
        return page.person_id if page is not None and page.kernel_id else None

    def page(self, kernel_id: str) -> Page | None:
        """The page whose kernel this is."""
        page = self._pages.get(kernel_id)
        return page if page is not None and page.kernel_id else None

    def pages_of(self, person_id: str) -> list[Page]:
        """A person's pages, opening ones included, oldest first."""
        return sorted(
            (p for p in self._pages.values() if p.person_id == person_id), key=lambda p: p.opened
        )

    def count(self) -> int:
        """Pages open or opening, for everyone."""
        return len(self._pages)

    def kernels(self) -> list[Page]:
        """Pages with a kernel, oldest first."""
        pages = [p for p in self._pages.values() if p.kernel_id]
        return sorted(pages, key=lambda p: p.opened)

    def session_keys(self) -> set[str]:
        """The sessions that have pages open."""
        return {p.session_key for p in self._pages.values() if p.session_key and p.kernel_id}

    def pages_of_session(self, session_key: str) -> list[Page]:
        """The pages a session opened (on any device the cookie was used on)."""
        return [p for p in self.kernels() if p.session_key == session_key]

    # --- websockets -------------------------------------------------------------------

    def connected(self, kernel_id: str, socket: Socket) -> None:
        """A websocket to this kernel opened."""
        self._sockets.setdefault(kernel_id, set()).add(socket)

    def disconnected(self, kernel_id: str, socket: Socket) -> None:
        """A websocket to this kernel closed."""
        self._sockets.get(kernel_id, set()).discard(socket)

    def closing(self, kernel_id: str, code: int, reason: str) -> None:
        """Say why the server is about to close this page (sent when its kernel stops)."""
        page = self.page(kernel_id)
        if page is not None and page.closing is None:
            page.closing = (code, reason)

    def hang_up(self, kernel_id: str) -> None:
        """Close the kernel's websockets, with the reason set by :meth:`closing` if any."""
        page = self.page(kernel_id)
        code, reason = page.closing if page is not None and page.closing else (1001, "")
        for socket in list(self._sockets.pop(kernel_id, ())):
            try:
                socket.close(code, reason)
            except Exception:  # a socket already gone needs no closing
                continue


#: the server's pages (one server process, one registry)
OWNERS = Owners()
