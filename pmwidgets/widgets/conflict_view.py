"""ConflictView: both people changed the same field; both values side by side, the author chooses.

Shown by an editor, right under its Save button, when the services refuse a save
with :class:`~pmwidgets.domain.errors.EditConflict`. Everything else in the save was
merged already (the other person's changes to other fields are kept); only the
fields both changed wait for a choice. Nothing is stored until the author chooses
for every one of them and presses *Save my choices*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.diff import describe_value, field_label
from ..domain.errors import EditConflict
from ..domain.i18n import _
from ..domain.merge import FieldConflict, choose
from .base import StatusArea, button, esc, html_widget
from .lean import make

#: an item of a keyed list, in words (its key follows)
_ITEM_NAMES = {
    "responsibilities": "Responsibility",
    "competencies": "Competency",
    "ratings": "Rating",
    "actions": "Action",
    "support": "Support commitment",
    "progress": "Progress on objective",
    "amendments": "Amendment",
    "assessments": "Assessment of objective",
}


def place_words(path: tuple[Any, ...]) -> str:
    """Where a conflict is, in words: "title", "Responsibility 2: text"."""
    if not path:
        return _("the whole record")
    words: list[str] = []
    i = 0
    while i < len(path):
        part = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if isinstance(part, str) and isinstance(nxt, tuple):
            key = ", ".join(str(k) for k in nxt if k is not None)
            words.append(f"{_(_ITEM_NAMES.get(part, part))} {key}".strip())
            i += 2
            continue
        words.append(field_label(str(part)))
        i += 1
    text = ": ".join(words)
    return text[:1].upper() + text[1:]


def _value(path: tuple[Any, ...], value: Any) -> str:
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if value is None:
        return _("(removed)")
    return describe_value(key, value)


def _table(found: tuple[FieldConflict, ...], other: str) -> str:
    """Each field both changed, with both values, as an HTML table (every value escaped)."""
    rows = "".join(
        "<tr>"
        f"<th scope='row'>{esc(place_words(c.path))}</th>"
        f"<td>{esc(_value(c.path, c.mine))}</td>"
        f"<td>{esc(_value(c.path, c.theirs))}</td>"
        "</tr>"
        for c in found
    )
    return (
        "<table class='pmw-table pmw-conflict-table'><thead><tr>"
        f"<th>{esc(_('Field'))}</th><th>{esc(_('Yours (not saved)'))}</th>"
        f"<th>{esc(_('Saved by {other}').format(other=other))}</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


class ConflictView(W.VBox):
    """The fields both people changed, each with both values and a choice.

    Parameters
    ----------
    conflict:
        The refusal from the services, with the merged record and its conflicts.
    names:
        People's names by id (to say whose the other value is).
    on_resolve:
        Called with ``(record, version)`` once every conflict has a choice: the merged
        record with the author's choices, and the version to save it against.
    on_cancel:
        Called when the author drops the save (their typing stays in the form).

    Examples
    --------
    >>> from pmwidgets.domain.merge import merge3
    >>> merged, found = merge3({"title": "A"}, {"title": "B"}, {"title": "C"}, "objective")
    >>> view = ConflictView(
    ...     EditConflict("both changed it", "objective", 1, merged, found, 7, ("rokafor",)),
    ...     {"rokafor": "Richard Okafor"},
    ...     on_resolve=lambda record, version: print(record, version),
    ... )
    >>> view.choices[0].value = "mine"
    >>> view.save_button.click()
    {'title': 'B'} 7
    """

    def __init__(
        self,
        conflict: EditConflict,
        names: Mapping[str, str],
        on_resolve: Callable[[Any, int], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.conflict, self.on_resolve, self.on_cancel = conflict, on_resolve, on_cancel
        other = ", ".join(names.get(p, p) for p in conflict.by) or _("someone else")
        self.found: tuple[FieldConflict, ...] = tuple(
            c for c in conflict.conflicts if isinstance(c, FieldConflict)
        )
        intro = _(
            "{other} saved a change to the same field while you were editing. For each "
            "field below, choose which value to keep, then save: your other changes are "
            "saved together with your choice. Nothing is saved until you do."
        ).format(other=other)
        table = _table(self.found, other)
        self.choices: list[W.RadioButtons] = []
        for c in self.found:
            choice = make(
                W.RadioButtons,
                options=[
                    (_("Keep mine"), "mine"),
                    (_("Keep {other}'s").format(other=other), "theirs"),
                ],
                description=place_words(c.path)[:60],
                style={"description_width": "initial"},
            )
            choice.index = None  # the author chooses; nothing is chosen for them
            self.choices.append(choice)
        self.save_button = button(_("Save my choices"), "primary")
        self.cancel_button = button(_("Not now"))
        self.status = StatusArea()
        self.save_button.on_click(self.status.guard(lambda _b: self.resolve()))
        self.cancel_button.on_click(self.status.guard(lambda _b: self._cancel()))
        super().__init__(
            [
                html_widget(
                    f"<div class='pmw-bad' role='alert'><strong>⚠ {esc(_('Both of you changed the same field'))}"
                    f"</strong></div><p class='pmw-help'>{esc(intro)}</p>{table}"
                ),
                *self.choices,
                make(W.HBox, children=[self.save_button, self.cancel_button]),
                self.status,
            ]
        )
        self.add_class("pmw-card")
        self.add_class("pmw-conflict")

    def record(self) -> Any:
        """The merged record with the choices made so far (ValueError if one is missing)."""
        record = self.conflict.merged
        for c, choice in zip(self.found, self.choices, strict=True):
            if choice.value is None:
                raise ValueError(place_words(c.path))
            value = c.mine if choice.value == "mine" else c.theirs
            record = choose(record, c, value, self.conflict.kind)
        return record

    def resolve(self) -> None:
        """Hand the record with the author's choices to ``on_resolve``."""
        try:
            record = self.record()
        except ValueError as missing:
            self.status.error(_("choose which value to keep for: {field}").format(field=missing))
            return
        self.on_resolve(record, self.conflict.version)

    def _cancel(self) -> None:
        if self.on_cancel is not None:
            self.on_cancel()


class ConflictSlot(W.VBox):
    """The place under an editor's Save button where a :class:`ConflictView` appears.

    Parameters
    ----------
    names:
        People's names by id (the :attr:`names` trait), to say whose the other value is.

    Examples
    --------
    >>> from pmwidgets.domain.merge import merge3
    >>> merged, found = merge3({"title": "A"}, {"title": "B"}, {"title": "C"}, "objective")
    >>> slot = ConflictSlot({"rokafor": "Richard Okafor"})
    >>> slot.show_conflict(
    ...     EditConflict("both changed it", "objective", 1, merged, found, 7, ("rokafor",)),
    ...     on_resolve=lambda record, version: print(record, version),
    ... )
    >>> "Keep Richard Okafor's" in str(slot.view.choices[0].options)
    True
    >>> slot.view.choices[0].value = "theirs"
    >>> slot.view.save_button.click()
    {'title': 'C'} 7
    >>> slot.view is None
    True
    """

    #: people's names by id
    names = T.Dict()

    def __init__(
        self,
        names: Mapping[str, str] | Callable[[tuple[str, ...]], Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__([])
        #: a live lookup (an editor's own names, which follow its state), or fixed names
        self._lookup = names if callable(names) else None
        self.names = {} if callable(names) else dict(names or {})
        self.view: ConflictView | None = None

    def show_conflict(self, conflict: EditConflict, on_resolve: Callable[[Any, int], None]) -> None:
        """Show ``conflict``; ``on_resolve(record, version)`` saves the author's choice."""

        def resolved(record: Any, version: int) -> None:
            on_resolve(record, version)
            self.clear()

        self.clear()
        names = self._lookup(conflict.by) if self._lookup is not None else self.names
        self.view = ConflictView(conflict, names, resolved, self.clear)
        self.children = (self.view,)

    def clear(self) -> None:
        """Show nothing (after a choice was saved, or dropped)."""
        old, self.view = self.view, None
        self.children = ()  # type: ignore[assignment]
        if old is not None:
            for child in (*old.choices, old):
                child.close()
