"""The two-way ``value`` of an editor: the form sets it, and a ``value`` set fills the form.

An editor keeps a ``_filling`` flag, set while it changes its own inputs or its own
``value``, so that neither direction echoes into the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as W

from ..domain.errors import EditConflict, ValidationFailed
from .conflict_view import ConflictSlot


@contextmanager
def filling(editor: W.Widget) -> Iterator[None]:
    """While the editor fills its form (or sets its ``value``) itself."""
    before = getattr(editor, "_filling", False)
    editor._filling = True
    try:
        yield
    finally:
        editor._filling = before


def value_from_form(
    editor: W.Widget, draft: Callable[[], Any], on_invalid: Callable[[str], None] | None = None
) -> None:
    """Set ``editor.value`` to what the form describes, None while ``draft`` refuses it.

    ``on_invalid`` is told why, in words, when it does.
    """
    if getattr(editor, "_filling", False):
        return
    try:
        new = draft()
    except ValidationFailed as exc:
        new = None
        if on_invalid is not None:
            on_invalid(str(exc))
    with filling(editor):
        editor.value = new


def offer_choice(
    slot: ConflictSlot,
    conflict: EditConflict,
    save: Callable[[Any, int], None],
    on_cancel: Callable[[], object],
) -> None:
    """Show ``conflict`` in ``slot`` for the author's choice, which ``save`` stores.

    *Not now* clears it (the typing stays in the form) and calls ``on_cancel``.
    """
    slot.show_conflict(conflict, save)

    def cancelled() -> None:
        slot.clear()
        on_cancel()

    if slot.view is not None:
        slot.view.on_cancel = cancelled
