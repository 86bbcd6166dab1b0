"""Fold: a part of a page that opens and closes, reached and opened with the keyboard.

ipywidgets' Accordion draws its title as a ``<div>`` that only a mouse click opens: a
keyboard user could not reach the history, the past check-ins or a competency's
anchors (Tab never stopped there). A fold's title is a button: Tab reaches it, Enter or
Space opens it, and its arrow says whether it is open.

It keeps the Accordion's ``selected_index`` (0: open, None: closed) and ``titles``, so
that code opening it, and code that waits for it to be opened, reads the same.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import traitlets as T

from .base import button, esc
from .lean import shared, show


class Fold(W.VBox):
    """``content`` under a button titled ``title`` that opens and closes it.

    >>> fold = Fold("History of this workbook", W.Label("the history"))
    >>> fold.header.description, fold.selected_index
    ('▸ History of this workbook', None)
    >>> fold.header.click()
    >>> fold.header.description, fold.selected_index
    ('▾ History of this workbook', 0)
    """

    #: 0 while open, None while closed (as an Accordion of one part)
    selected_index = T.Int(None, allow_none=True).tag(sync=True)
    #: the title, as an Accordion's (one)
    titles = T.Tuple().tag(sync=True)

    def __init__(
        self, title: str, content: W.Widget | None = None, opened: bool = False, **kwargs: Any
    ) -> None:
        self.header = button(title)
        self.header.add_class("pmw-fold-header")
        self.header.on_click(lambda _b: self.toggle())
        self._content: W.Widget = content if content is not None else W.VBox()
        kwargs.setdefault("layout", shared(W.Layout, width="100%"))
        super().__init__(children=[self.header, self._content], **kwargs)
        self.add_class("pmw-fold")
        self.titles = (title,)
        self.selected_index = 0 if opened else None
        self._draw()

    @property
    def content(self) -> W.Widget:
        """What the fold holds."""
        return self._content

    @content.setter
    def content(self, widget: W.Widget) -> None:
        self._content = widget
        self.children = [self.header, widget]
        self._draw()

    def set_title(self, _index: int, title: str) -> None:
        """Name the fold ``title`` (as an Accordion's ``set_title(0, title)``)."""
        self.titles = (title,)

    def toggle(self) -> None:
        """Open it if closed, close it if open."""
        self.selected_index = None if self.selected_index == 0 else 0

    @T.observe("selected_index", "titles")
    def _changed(self, _change: dict[str, Any]) -> None:
        self._draw()

    def _draw(self) -> None:
        if not hasattr(self, "header"):
            return
        opened = self.selected_index == 0
        title = self.titles[0] if self.titles else ""
        self.header.description = f"{'▾' if opened else '▸'} {title}"
        show(self._content, opened)
        if opened:
            self.add_class("pmw-fold-open")
        else:
            self.remove_class("pmw-fold-open")


class FoldedEntries(W.HTML):
    """Entries of read-only text (the past check-ins), each a ``<details>`` fold in one
    HTML widget: the browser's own fold, reached with Tab and opened with Enter, and one
    model for all of them (not three for each: a Fold's box, button and text).

    >>> entries = FoldedEntries()
    >>> entries.show([("3 Nov 2026", "<p>Half term</p>"), ("13 Oct 2026", "<p>First</p>")])
    >>> entries.titles, entries.value.count("<details"), entries.value.count(" open>")
    (('3 Nov 2026', '13 Oct 2026'), 2, 1)
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("layout", shared(W.Layout))
        kwargs.setdefault("style", shared(W.widgets.widget_string.HTMLStyle))
        super().__init__(**kwargs)
        self.add_class("pmw-entries")
        self.titles: tuple[str, ...] = ()
        self.bodies: tuple[str, ...] = ()

    def show(self, entries: list[tuple[str, str]]) -> None:
        """Show ``entries`` (title as plain text, body as escaped HTML), the first open."""
        self.titles = tuple(t for t, _b in entries)
        self.bodies = tuple(b for _t, b in entries)
        self.value = "".join(
            f"<details class='pmw-entry'{' open' if i == 0 else ''}>"
            f"<summary>{esc(title)}</summary><div class='pmw-card'>{body}</div></details>"
            for i, (title, body) in enumerate(entries)
        )
