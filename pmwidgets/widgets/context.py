"""The workbook a page is about, the person acting on it, and change notification.

Widgets of one page share one :class:`WorkbookContext`. After a save, the widget
calls :meth:`WorkbookContext.reload`; every subscribed widget then refreshes
from the new state. All state lives in the store: a reload of the page starts
from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..domain.model import Party
from ..domain.state import WorkbookState
from ..services import Services

Listener = Callable[[WorkbookState], None]
log = logging.getLogger("pmwidgets.widgets")


class WorkbookContext:
    """One workbook seen by one acting person (perhaps facilitated by a coach)."""

    def __init__(self, services: Services, workbook_id: int) -> None:
        self.services = services
        self.workbook_id = workbook_id
        self._listeners: list[Listener] = []
        self._watching = False
        self.state: WorkbookState = services.open(workbook_id)

    @property
    def version(self) -> int:
        """The workbook version the page was last loaded at (sent with every save)."""
        return self.state.workbook.version

    @property
    def party(self) -> Party | None:
        """The acting person's party in this workbook, if they are one."""
        return self.state.workbook.party_of(self.services.me.id)

    @property
    def facilitated(self) -> bool:
        """Whether a coach is facilitating (coach mode)."""
        return self.services.facilitator is not None

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(state)`` after every reload."""
        self._listeners.append(listener)

    def reload(self) -> WorkbookState:
        """Read the workbook again and tell every subscriber."""
        self.state = self.services.open(self.workbook_id)
        for listener in list(self._listeners):
            listener(self.state)
        return self.state

    def act_as(self, services: Services) -> None:
        """Switch the acting person (coach mode), then reload."""
        self.services = services
        self.reload()

    def watch(self, interval: float = 1.0, on_change: Callable[[], None] | None = None) -> bool:
        """Reload whenever someone else saves, checking every ``interval`` seconds.

        Runs on the kernel's event loop (so widget updates happen on the kernel's
        own thread); returns False when there is no running loop (plain scripts,
        tests). Each check reads one number from the database.
        """
        import asyncio

        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return False
        if not loop.is_running():
            return False
        self._watching = True

        def tick() -> None:
            if not self._watching:
                return
            try:
                if self.changed_elsewhere():
                    self.reload()
                    if on_change is not None:
                        on_change()
            except Exception:  # a page must never die of a failed poll
                log.exception("watching workbook %s failed", self.workbook_id)
            loop.call_later(interval, tick)

        loop.call_later(interval, tick)
        return True

    def stop_watching(self) -> None:
        """Stop the checks started by :meth:`watch`."""
        self._watching = False

    def changed_elsewhere(self) -> bool:
        """Whether someone saved since this page loaded (cheap: reads one number)."""
        return self.services.store.latest_version(self.workbook_id) != self.version
