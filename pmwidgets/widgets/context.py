"""OLD PATH, to be removed: the workbook a page is about, for widgets that still read it.

The widgets moved to pure views take data and callbacks instead, and the page's
:class:`pmwidgets.apps.workbook_session.WorkbookSession` (a subclass of this, so that
it can be passed where a context was) holds the state and calls the services. Remove
this module, and that base class, once no widget takes a ``WorkbookContext``.

Widgets of one page share one :class:`WorkbookContext`. After a save, the widget
calls :meth:`WorkbookContext.reload`; every subscribed widget then refreshes
from the new state. All state lives in the store: a reload of the page starts
from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from ..domain.model import Party
from ..domain.state import WorkbookState
from ..services import Services

Listener = Callable[[WorkbookState], None]
log = logging.getLogger("pmwidgets.widgets")


class WorkbookContext:
    """One workbook seen by one acting person (old path: see the module's docstring)."""

    def __init__(self, services: Services, workbook_id: int) -> None:
        self.services = services
        self.workbook_id = workbook_id
        self._listeners: list[tuple[bool, Listener]] = []
        self._watching = False
        self._names: dict[str, str] = {}
        self._not_people: set[str] = set()
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

    def names(self, needed: Iterable[str | None] = ()) -> dict[str, str]:
        """People's names by id, read once and again only when a ``needed`` id is new.

        People are added but never renamed or removed, so the names read for one
        refresh serve the next; a person added since (someone new confirms, say) is
        read when first needed.
        """
        new = {pid for pid in needed if pid and pid not in self._names} - self._not_people
        if new or not self._names:
            self._names = {p.id: p.name for p in self.services.people()}
            self._not_people = (self._not_people | new) - set(self._names)  # not asked again
        return self._names

    def subscribe(self, listener: Listener, first: bool = False) -> None:
        """Call ``listener(state)`` after every reload.

        ``first``: before the listeners that are not, for the panel that shows what a
        save on this page changed (the objectives table), so that the browser can draw
        it while the other panels are worked out. Each panel draws from the same state,
        so the order changes when things appear, not what.
        """
        if first:
            at = next((i for i, (f, _l) in enumerate(self._listeners) if not f), None)
            self._listeners.insert(len(self._listeners) if at is None else at, (True, listener))
        else:
            self._listeners.append((False, listener))

    def reload(self) -> WorkbookState:
        """Read the workbook again and tell every subscriber."""
        self._show(self.services.open(self.workbook_id))
        for _first, listener in list(self._listeners):
            listener(self.state)
        return self.state

    def _show(self, state: WorkbookState) -> None:
        """Hold ``state`` (a session also updates what its views read)."""
        self.state = state

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
