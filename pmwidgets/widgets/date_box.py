"""DateBox: a date typed the way the organisation writes it (``31/08/2027``).

A browser's own date input shows dates in the order of the browser's language, so a
British school saw 07/31/2027 in a box beside "31 Jul 2027" in the text. This box
shows and reads the organisation's order (:func:`pmwidgets.domain.i18n.date_order`),
accepts ``2027-08-31`` too, and says in one line how to write a date it cannot read;
its :attr:`value` is a :class:`datetime.date` (or None), as a DatePicker's is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.i18n import date_hint, input_date, parse_input_date
from .base import html_widget
from .lean import make, show


class DateBox(W.HBox):
    """A date box in the organisation's date order.

    Parameters
    ----------
    description:
        Its label.
    value:
        The date shown first, or None.
    style:
        The label's style (shared, as for the other inputs).

    Examples
    --------
    >>> box = DateBox("Due", dt.date(2027, 8, 31))
    >>> box.text.value
    '31/08/2027'
    >>> box.text.value = "30/6/2027"
    >>> box.value
    datetime.date(2027, 6, 30)
    >>> box.text.value = "30 June"
    >>> box.value is None, box.problem.value.startswith("<span")
    (True, True)
    """

    #: the date, or None (empty, or not a date)
    value = T.Instance(dt.date, allow_none=True)
    #: whether the box takes input
    disabled = T.Bool(False)

    def __init__(
        self, description: str = "", value: dt.date | None = None, style: Any = None
    ) -> None:
        self.text = make(
            W.Text,
            description=description,
            placeholder=date_hint(),
            continuous_update=False,
            **({"style": style} if style is not None else {}),
        )
        self.text.add_class("pmw-date")
        self.problem = html_widget(css="pmw-date-problem")
        show(self.problem, False)
        super().__init__([self.text, self.problem])
        self._typing = False
        self.value = value
        self._show_value()
        self.text.observe(self._typed, names="value")

    @T.observe("value")
    def _value_set(self, _change: Any) -> None:
        if not self._typing:
            self._show_value()

    @T.observe("disabled")
    def _disabled_set(self, change: Any) -> None:
        self.text.disabled = bool(change["new"])

    def _show_value(self) -> None:
        self.text.value = input_date(self.value)
        show(self.problem, False)

    def _typed(self, change: Any) -> None:
        if self.text.value == input_date(self.value) and self.text.value:
            return  # drawn from the value, not typed
        self._typing = True
        try:
            try:
                self.value = parse_input_date(str(change["new"]))
            except ValueError as exc:
                from .base import esc

                self.value = None
                self.problem.value = f"<span class='pmw-bad' role='alert'>{esc(exc)}</span>"
                show(self.problem, True)
                return
            show(self.problem, False)
            if self.value is not None:
                self.text.value = input_date(self.value)  # as the organisation writes it
        finally:
            self._typing = False
