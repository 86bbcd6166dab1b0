"""AskFirst: a destructive action asks before it acts, so one stray tap changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from ..domain.i18n import _
from .base import StatusArea, button, esc, html_widget
from .lean import shared, show


class AskFirst(W.HBox):
    """ "Remove …? [Yes, remove it] [Keep it]", under the button that asked.

    The question and its buttons are made when first asked (most visits remove
    nothing). *Yes* does what was asked only while the question is open: a click the
    browser sends on the hidden button does nothing.

    >>> ask = AskFirst(StatusArea())
    >>> ask.ask("Remove action 2?", lambda: print("removed"))
    >>> ask.yes_button.click()
    removed
    >>> ask.yes_button.click()  # asked once, done once
    """

    def __init__(self, status: StatusArea) -> None:
        self._then: Callable[[], None] | None = None
        self.status = status
        super().__init__(layout=shared(W.Layout))
        self.add_class("pmw-confirm")

    def ask(self, question: str, then: Callable[[], None], yes: str = "") -> None:
        """Ask ``question`` (plain text); ``then`` runs if the person answers yes."""
        if not tuple(self.children):  # type: ignore[has-type]
            self.question = html_widget()
            self.yes_button = button(yes or _("Yes, remove it"), "danger")
            self.keep_button = button(_("Keep it"))
            self.yes_button.on_click(self.status.guard(lambda _b: self._yes()))
            self.keep_button.on_click(lambda _b: self.cancel())
            self.children = [self.question, self.yes_button, self.keep_button]
        self.question.value = f"<span class='pmw-bad'>{esc(question)}</span>"
        self._then = then
        show(self, True)

    @property
    def waiting(self) -> bool:
        """Whether a question waits for an answer."""
        return self._then is not None

    def _yes(self) -> None:
        then, self._then = self._then, None
        show(self, False)
        if then is not None:
            then()

    def cancel(self) -> None:
        """Close the question; nothing happens."""
        self._then = None
        show(self, False)
