"""Widgets that share their Layout and Style models, and showing or hiding by CSS class.

Every ipywidgets control creates its own ``Layout`` model, and most a ``Style``
model too, so a page of 170 controls asks the browser to build about 500
models. Building models, not drawing views, is what the front end spends its
time on: a page of 166 HTML widgets was interactive 360 ms after a bare page
when each had its own layout and style, and 16 ms after it when they shared one
of each (docs/performance.md). So the package's widgets share:

- :func:`shared` gives one frozen Layout or Style per distinct set of values;
  every widget that asks for the same values gets the same model. It refuses
  changes, loudly, because a change would reach every widget sharing it.
- :func:`make` builds a widget with shared models.
- :func:`show` hides or shows a widget with the CSS class ``pmw-hidden``
  (``apps/style.py``) instead of ``layout.display``, so that a widget that is
  sometimes hidden can still share its layout.

Examples
--------
>>> note = make(W.HTML, value="<p>Saved.</p>")
>>> note.layout is make(W.HTML).layout
True
>>> show(note, False)
>>> is_shown(note)
False
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import ipywidgets as W

Wid = TypeVar("Wid", bound=W.Widget)
HIDDEN = "pmw-hidden"


class _Frozen:
    """Mixin for a Layout or Style that many widgets share: it refuses every change."""

    _pmw_frozen = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._pmw_frozen and name in self.keys:  # type: ignore[attr-defined]
            raise AttributeError(
                f"this {type(self).__name__} is shared by many widgets; "
                f"give the widget its own before changing {name!r}"
            )
        super().__setattr__(name, value)


_classes: dict[type, type] = {}
_models: dict[tuple[type, tuple[tuple[str, Any], ...]], W.Widget] = {}


def shared(kind: type[Wid], **values: Any) -> Wid:
    """The one frozen model of class ``kind`` (a Layout or a Style) holding ``values``.

    Parameters
    ----------
    kind:
        ``ipywidgets.Layout`` or a style class such as ``DescriptionStyle``.
    **values:
        Its traits, e.g. ``width="100%"`` or ``description_width="11em"``.

    Returns
    -------
    The model every widget asking for the same class and values shares. A new
    one is made after the old one was closed (``Widget.close_all()`` in tests).
    """
    key = (kind, tuple(sorted(values.items())))
    model = _models.get(key)
    if model is None or model.comm is None:
        frozen = _classes.get(kind)
        if frozen is None:
            frozen = type(f"Shared{kind.__name__}", (_Frozen, kind), {"__module__": __name__})
            _classes[kind] = frozen
        model = frozen(**values)
        model._pmw_frozen = True
        _models[key] = model
    return model


def make(
    cls: type[Wid],
    *,
    layout: Mapping[str, Any] | None = None,
    style: Mapping[str, Any] | None = None,
    classes: tuple[str, ...] = (),
    **traits: Any,
) -> Wid:
    """A widget of class ``cls`` whose layout and style (if it has one) are shared models.

    Parameters
    ----------
    cls:
        The widget class, e.g. ``ipywidgets.HTML`` or ``ipywidgets.Dropdown``.
    layout, style:
        Values for the shared Layout and Style (empty: the defaults).
    classes:
        CSS classes to add.
    **traits:
        The widget's own traits (``value``, ``description``, ``children``, …).
    """
    own = cls.class_traits()
    if "style" in own:
        traits["style"] = shared(own["style"].klass, **dict(style or {}))
    traits["layout"] = shared(W.Layout, **dict(layout or {}))
    widget = cls(**traits)
    for css in classes:
        widget.add_class(css)
    return widget


def is_shared(model: W.Widget) -> bool:
    """Whether ``model`` is one of the shared, frozen layouts or styles of :func:`shared`."""
    return isinstance(model, _Frozen)


def show(widget: W.DOMWidget, shown: bool = True) -> None:
    """Show or hide ``widget`` (by CSS class, so its layout can stay shared)."""
    if shown:
        widget.remove_class(HIDDEN)
    else:
        widget.add_class(HIDDEN)


def is_shown(widget: W.DOMWidget) -> bool:
    """Whether ``widget`` is shown (not hidden by :func:`show` or by its layout)."""
    return HIDDEN not in widget._dom_classes and widget.layout.display != "none"


def widget_tree(widget: W.Widget) -> list[W.Widget]:
    """``widget`` and every widget below it (children, and their layouts and styles)."""
    found: list[W.Widget] = []
    todo = [widget]
    while todo:
        w = todo.pop()
        found.append(w)
        todo += [v for v in (getattr(w, "layout", None), getattr(w, "style", None)) if v]
        todo += list(getattr(w, "children", ()))
    return found


def close_replaced(old: tuple[W.Widget, ...], new: tuple[W.Widget, ...]) -> int:
    """Close the widgets of ``old`` that ``new`` no longer shows (not the shared models).

    A page that redraws itself would otherwise leave every widget of its previous
    drawing alive in the kernel and in the browser. Returns how many were closed.
    """
    keep = {id(w) for child in new for w in widget_tree(child)}
    gone = {id(w): w for child in old for w in widget_tree(child) if id(w) not in keep}
    closed = 0
    for w in gone.values():
        if not is_shared(w) and w.comm is not None:
            w.close()
            closed += 1
    return closed
