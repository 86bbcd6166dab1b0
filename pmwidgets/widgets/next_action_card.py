"""NextActionCard: the top of a step: what the person acting should do now, why, and where."""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.i18n import _
from ..domain.model import Person
from ..domain.next_action import NextAction, next_action
from ..domain.state import WorkbookState
from .base import esc, step_link
from .lean import shared
from .session_bar import STEPS

_GO = {"edit": "Go to the form", "agree": "Go to the confirmation"}


def step_name(step: str) -> str:
    """A step as a link names it: "Objectives (step 2)", not "2 Objectives" (which reads
    as two of them)."""
    label = _(dict(STEPS).get(step, step))
    number, _space, rest = label.partition(" ")
    return _("{name} (step {n})").format(name=rest, n=number) if number.isdigit() else label


def anchor_id(step: str, target: str) -> str:
    """The id of the place on step ``step``'s page that an action's link goes to."""
    return f"pmw-{step}-{target}"


class NextActionCard(W.HTML):
    """What the person acting should do next on ``step``, and why, with a link to it.

    A pure view of :attr:`state` and :attr:`acting`; every sentence is escaped.

    >>> from pmwidgets.domain.examples import example_state, MANAGER
    >>> card = NextActionCard("02_objectives", state=example_state(), acting=MANAGER)
    >>> "Next for you" in card.value
    True
    """

    #: the workbook
    state = T.Instance(WorkbookState, allow_none=True)
    #: the person acting at this screen
    acting = T.Instance(Person, allow_none=True)

    def __init__(self, step: str, **kwargs: Any) -> None:
        self.step = step
        kwargs.setdefault("layout", shared(W.Layout))
        kwargs.setdefault("style", shared(W.widgets.widget_string.HTMLStyle))
        super().__init__(**kwargs)
        self.add_class("pmw-next-card")
        self._draw()

    @T.observe("state", "acting")
    def _changed(self, _change: dict[str, Any]) -> None:
        self._draw()

    def action(self) -> NextAction | None:
        """The next action shown, or None before a workbook is set."""
        if self.state is None:
            return None
        party = self.state.workbook.party_of(self.acting.id) if self.acting else None
        return next_action(self.state, self.step, party)

    def _draw(self) -> None:
        found = self.action()
        if found is None or self.state is None:
            self.value = ""
            return
        mine = self.acting is not None and self.state.workbook.party_of(self.acting.id)
        label = _("Next for you") if mine else _("Next in this workbook")
        if found.step is not None:
            link = step_link(
                found.step, _("Open {step}").format(step=step_name(found.step)),
                self.state.workbook.id or 0, css="pmw-next-go",
            )  # fmt: skip
        elif found.target in _GO:
            href = anchor_id(self.step, found.target)
            link = f"<a class='pmw-next-go' href='#{href}'>{esc(_(_GO[found.target]))} ↓</a>"
        else:
            link = ""
        self.value = (
            f"<section class='pmw-next' aria-label='{esc(label)}'>"
            f"<div class='pmw-next-label'>{esc(label)}</div>"
            f"<p class='pmw-next-text'>{esc(found.text)}</p>"
            f"<p class='pmw-next-why'>{esc(found.why)}</p>{link}</section>"
        )
