"""The rows of :mod:`.job_description_editor`: a responsibility, and a competency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..domain.i18n import _
from ..domain.model import Competency
from .base import WIDE, button, html_widget, text
from .fold import Fold
from .lean import make, shared

LEVELS = (1, 2, 3, 4, 5)


class ResponsibilityRow(W.HBox):
    """One responsibility: its number, its text, its share of time and a remove button."""

    def __init__(self, number: int, value: str = "", share: int = 0) -> None:
        self.number = make(W.Label)
        placeholder = _("What the job holder does")
        # a text area that grows with its text (the stylesheet): a long responsibility reads
        # in full instead of being cut off at the input's edge
        self.text = text("", value, placeholder, area=True, rows=1, layout={"flex": "1"})
        self.share = make(
            W.BoundedIntText, value=share, min=0, max=100, style=WIDE, layout={"width": "16em"}
        )
        self.remove = button(_("Remove"), tooltip=_("Remove this responsibility"))
        children = [self.number, self.text, self.share, self.remove]
        super().__init__(children, layout=shared(W.Layout))
        self.add_class("pmw-resp")
        self.renumber(number)

    def renumber(self, number: int) -> None:
        self.number.value = f"{number}."
        self.text.description = _("Responsibility {n}").format(n=number)
        self.share.description = _("Share of time (%)")
        self.remove.tooltip = _("Remove responsibility {n}").format(n=number)


class CompetencyRow(W.VBox):
    """One competency: name, required level, and (folded away) description and anchors.

    The folded part's six text areas are made when it is first opened (or asked for):
    a job from the catalogue has a dozen competencies or more, and the browser would
    otherwise build them all for a panel most visits never open. Until then the
    description and anchors are the ones loaded (:meth:`details`).
    """

    def __init__(
        self, competency: Competency | None = None, on_change: Callable[..., None] | None = None
    ) -> None:
        c = competency
        self._on_change = on_change
        self._loaded = (c.description if c else "", dict(c.anchors) if c else {})
        self._description: W.Textarea | None = None
        self._anchors: dict[int, W.Textarea] = {}
        self.name = text(_("Competency"), c.name if c else "")
        self.required = make(
            W.Dropdown,
            description=_("Required level"),
            options=[(str(n), n) for n in LEVELS],
            value=c.required if c else 3,
            style=WIDE,
        )
        self.remove = button(_("Remove"), tooltip=_("Remove this competency"))
        title = _("Description and behavioural anchors for levels 1–5")
        self.more = Fold(title, html_widget())
        self.more.observe(self._opened, names="selected_index")
        top = make(W.HBox, children=[self.name, self.required, self.remove])
        super().__init__([top, self.more], layout=shared(W.Layout))
        self.add_class("pmw-card")

    def _opened(self, change: dict[str, Any]) -> None:
        if change["new"] == 0:
            self._build()

    def _build(self) -> None:
        """Make the folded part's inputs (once), with the loaded description and anchors."""
        if self._description is not None:
            return
        about, anchors = self._loaded
        self._description = text(_("Description"), about, area=True, rows=2)
        self._anchors = {
            n: text(_("Level {n} looks like").format(n=n), anchors.get(n, ""), area=True, rows=2)
            for n in LEVELS
        }
        fields = [self._description, *self._anchors.values()]
        if self._on_change is not None:
            for field in fields:
                field.observe(self._on_change, names="value")
        self.more.content = make(W.VBox, children=fields)

    @property
    def description(self) -> W.Textarea:
        """The description's input (made now if the folded part was never opened)."""
        self._build()
        assert self._description is not None
        return self._description

    @property
    def anchors(self) -> dict[int, W.Textarea]:
        """The anchors' inputs by level (made now if the folded part was never opened)."""
        self._build()
        return self._anchors

    def details(self) -> tuple[str, dict[int, str]]:
        """The description and the non-empty anchors, as typed or as loaded."""
        if self._description is None:
            about, anchors = self._loaded
            return about, {n: a for n, a in anchors.items() if a.strip()}
        typed = {n: t.value for n, t in self._anchors.items() if t.value.strip()}
        return self._description.value, typed

    def inputs(self) -> list[W.Widget]:
        """The inputs made so far (the folded ones only once opened)."""
        folded = [self._description, *self._anchors.values()] if self._description else []
        return [self.name, self.required, *folded]

    def snapshot(self) -> tuple[Any, ...]:
        """Everything typed or loaded into this row, to tell whether anything changed."""
        about, anchors = self.details()
        return (self.name.value, self.required.value, about, tuple(sorted(anchors.items())))
