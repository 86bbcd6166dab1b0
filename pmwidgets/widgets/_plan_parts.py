"""The pieces of :mod:`.development_planner`: labels, a rating row, gaps in words."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import ipywidgets as W
from pydantic import ValidationError

from ..domain.errors import ValidationFailed, describe_validation_error
from ..domain.i18n import _
from ..domain.model import Competency, Rating

KINDS = ("experience", "exposure", "education")
STATUSES = ("planned", "in_progress", "done", "dropped")


def kind_label(kind: str) -> str:
    return {
        "experience": _("Experience — on the job"),
        "exposure": _("Exposure — learning from others"),
        "education": _("Education — formal learning"),
    }[kind]


def status_label(status: str) -> str:
    return {
        "planned": _("planned"),
        "in_progress": _("in progress"),
        "done": _("done"),
        "dropped": _("dropped"),
    }[status]


def party_label(party: str) -> str:
    return _("Employee") if party == "employee" else _("Manager")


def shown(r: Rating | None) -> str:
    """A rating as a table cell: "3", "3 – comment" or "not rated"."""
    if r is None:
        return _("not rated")
    return f"{r.level} – {r.comment}" if r.comment else str(r.level)


def level_options(c: Competency) -> list[tuple[str, int | None]]:
    """Choices for a rating: "Not rated", then "1 – <anchor>" … (the number where no anchor)."""
    options: list[tuple[str, int | None]] = [(_("Not rated"), None)]
    for level in range(1, 6):
        anchor = c.anchors.get(level, "").strip()
        anchor = anchor if len(anchor) <= 90 else anchor[:89] + "…"
        options.append((f"{level} – {anchor}" if anchor else str(level), level))
    return options


def gap_words(required: int, employee: int | None, manager: int | None) -> str:
    """The gap between the required level and each rating, in words."""
    e, m = (None if r is None else max(required - r, 0) for r in (employee, manager))

    def gap(n: int) -> str:
        return _("a gap of {n}").format(n=n) if n else _("no gap")

    if e is None and m is None:
        return _("not rated yet")
    if m is None:
        return _("{gap} by the employee's rating; the manager has not rated yet").format(
            gap=gap(e or 0)
        )
    if e is None:
        return _("{gap} by the manager's rating; the employee has not rated yet").format(gap=gap(m))
    if e == m == 0:
        return _("no gap by either rating")
    if e == 0:
        return _("no gap by the employee's rating; a gap of {m} by the manager's").format(m=m)
    return _("gap of {e} by the employee's rating, {m} by the manager's").format(
        e=e, m=m or _("none")
    )


def month_after(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid(model: Any, **fields: Any) -> Any:
    """``model(**fields)``, or ValidationFailed in plain words."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from None


def choose(dropdown: W.Dropdown, options: list[tuple[str, Any]], prompt: str = "") -> None:
    """Give a dropdown new options, keeping its choice when it is still there.

    With ``prompt``, a drop-down is never blank: its one option is chosen, or, with
    several and none chosen, it shows ``prompt`` (value None) first.
    """
    if prompt and len(options) != 1:
        options = [(prompt, None), *options]
    if list(dropdown.options) != options:
        kept = dropdown.value
        dropdown.options = options
        dropdown.value = kept if kept in {v for _label, v in options} else None
    if prompt and len(options) == 1 and dropdown.value is None:
        dropdown.value = options[0][1]


@dataclass
class RatingRow:
    """The inputs for one competency, and what was loaded into them (to spot edits)."""

    title: W.Label
    level: W.Dropdown
    comment: W.Text
    other: W.Label
    box: W.VBox
    loaded: tuple[int | None, str] = (None, "")
