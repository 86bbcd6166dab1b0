"""The workbook a page is about, the person acting on it, and change notification.

Widgets of one page share one :class:`WorkbookContext`. After a save, the widget
calls :meth:`WorkbookContext.reload`; every subscribed widget then refreshes
from the new state. All state lives in the store: a reload of the page starts
from there.
"""

from __future__ import annotations

from collections.abc import Callable

from ..domain.model import Party
from ..domain.state import WorkbookState
from ..services import Services

Listener = Callable[[WorkbookState], None]


class WorkbookContext:
    """One workbook seen by one acting person (perhaps facilitated by a coach)."""

    def __init__(self, services: Services, workbook_id: int) -> None:
        self.services = services
        self.workbook_id = workbook_id
        self._listeners: list[Listener] = []
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

    def changed_elsewhere(self) -> bool:
        """Whether someone saved since this page loaded (cheap: reads one number)."""
        return self.services.store.latest_version(self.workbook_id) != self.version
