"""What every composite widget shares: a status area, guarded callbacks, safe HTML.

Rules every widget in this package follows:

- user text goes into HTML only through :func:`esc`; plain text goes into
  ``Label``/``Text`` widgets, which never interpret it;
- every callback is wrapped by :meth:`StatusArea.guard`, so a refusal from the
  services layer (wrong person, stale data, bad input) is shown on the page in
  plain words, and an unexpected failure shows a reference instead of a traceback;
- every input has a visible description; colour is never the only signal
  (a failed check also says so in words, with a ✗);
- every user-facing string goes through ``_()``.
"""

from __future__ import annotations

import functools
import html
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import ipywidgets as W

from ..domain.errors import EditConflict, PmwError, StaleData
from ..domain.i18n import _
from .lean import make, shared

log = logging.getLogger("pmwidgets.widgets")

F = TypeVar("F", bound=Callable[..., Any])

#: a description width that keeps labels readable without truncation.
WIDE = {"description_width": "11em"}
#: a button keeps its natural width, never stretched across a column
BUTTON_LAYOUT = {"width": "auto", "align_self": "flex-start", "min_width": "fit-content"}
#: a text input fills its column (the label and margins must fit inside it)
TEXT_LAYOUT = {"width": "calc(100% - 12px)"}


def esc(text: object) -> str:
    """Escape any text for HTML (``<script>`` becomes visible text, never code)."""
    return html.escape(str(text), quote=True)


def step_link(
    stem: str, label: str, workbook_id: int, css: str = "pmw-step", base: str = "", attrs: str = ""
) -> str:
    """A link to step ``stem`` (a notebook's stem) of workbook ``workbook_id``.

    The web app follows its address; in JupyterLab the page's
    :class:`~pmwidgets.widgets.link_catcher.LinkCatcher` reads its ``data-pmw-*``
    attributes and moves in place. ``attrs``: more attributes, already escaped.

    >>> step_link("02_objectives", "2 Objectives", 3)
    "<a class='pmw-step' href='02_objectives.ipynb?workbook=3' data-pmw-step='02_objectives' data-pmw-workbook='3'>2 Objectives</a>"
    """
    n = int(workbook_id)
    href = esc(f"{base}{stem}.ipynb?workbook={n}")
    more = f" {attrs}" if attrs else ""
    return (
        f"<a class='{esc(css)}' href='{href}' data-pmw-step='{esc(stem)}' "
        f"data-pmw-workbook='{n}'{more}>{esc(label)}</a>"
    )


def pdf_link(workbook_id: int, label: str, base: str = "", css: str = "pmw-pdf-link") -> str:
    """A link to workbook ``workbook_id``'s agreement: its page on the web; in JupyterLab
    the page's LinkCatcher downloads the PDF instead (``data-pmw-pdf``)."""
    n = int(workbook_id)
    return (
        f"<a class='{esc(css)}' href='{esc(f'{base}agreement.ipynb?workbook={n}')}' "
        f"data-pmw-pdf='{n}'>{esc(label)}</a>"
    )


def table_markup(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    css: str = "pmw-table",
    empty: str = "",
    row_attrs: Sequence[str] = (),
    numeric: frozenset[int] = frozenset(),
) -> str:
    """An HTML table of cells that are already markup (each escaped by its caller).

    Every cell carries its column's header as ``data-label``, and its content in one
    ``div``, so that on a phone the stylesheet shows each row as a card of labelled
    lines (label, content) instead of a table wider than the screen. ``empty``: the (escaped) text of the one row shown when there are none;
    ``row_attrs``: each row's attributes, in order; ``numeric``: columns aligned right.
    """
    labels = [esc(h) for h in headers]
    num = " class='pmw-num'"
    head = "".join(f"<th scope='col'>{h}</th>" for h in labels)
    body = []
    for n, row in enumerate(rows):
        attrs = f" {row_attrs[n]}" if n < len(row_attrs) else ""
        cells = "".join(
            f"<td data-label='{labels[i]}'{num if i in numeric else ''}><div>{c}</div></td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr{attrs}>{cells}</tr>")
    if not body and empty:
        body.append(f"<tr class='pmw-empty'><td colspan='{len(headers)}'>{empty}</td></tr>")
    return (
        f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], css: str = "pmw-table"
) -> str:
    """An HTML table of plain values; every header and cell is escaped."""
    return table_markup(headers, ([esc(c) for c in row] for row in rows), css=css)


def heading(text: str, level: int = 3, anchor: str = "") -> W.HTML:
    """A heading (escaped); ``anchor``: its id, for a link to that place on the page."""
    # a link's target takes the focus (tabindex -1), so the keyboard goes on from there
    at = f" id='{esc(anchor)}' tabindex='-1'" if anchor else ""
    return make(W.HTML, value=f"<h{level} class='pmw-heading'{at}>{esc(text)}</h{level}>")


def paragraph_html(text: str, css: str = "pmw-help") -> str:
    """The markup of a paragraph of help text (escaped), for an existing widget's value."""
    return f"<p class='{css}'>{esc(text)}</p>"


def paragraph(text: str, css: str = "pmw-help") -> W.HTML:
    """A paragraph of help text (escaped), as a widget of its own."""
    return make(W.HTML, value=paragraph_html(text, css))


def html_widget(value: str = "", css: str = "") -> W.HTML:
    """An HTML widget with shared layout and style; ``value`` must already be escaped."""
    return make(W.HTML, value=value, classes=(css,) if css else ())


def check_line(ok: bool, message: str) -> str:
    """One check result as HTML: a symbol and words, so colour is never the only signal."""
    symbol, css, word = ("✓", "pmw-ok", _("OK")) if ok else ("✗", "pmw-bad", _("To do"))
    return f"<div class='{css}'><span aria-label='{esc(word)}'>{symbol}</span> {esc(message)}</div>"


def todo_line(message: str) -> str:
    """Something still to do, as HTML, in a neutral colour: a form nobody has touched yet
    shows what is left, not a column of red crosses."""
    return (
        f"<div class='pmw-todo'><span aria-label='{esc(_('To do'))}'>○</span> {esc(message)}</div>"
    )


class StatusArea(W.HTML):
    """Where a composite says what happened: saved, refused, or went wrong.

    Examples
    --------
    >>> status = StatusArea()
    >>> status.error("weights total 90, not 100")
    >>> status.kind
    'error'
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("layout", shared(W.Layout))
        kwargs.setdefault("style", shared(W.widgets.widget_string.HTMLStyle))
        super().__init__(**kwargs)
        self.kind = ""
        self.message = ""
        self.add_class("pmw-status")

    def _show(self, kind: str, message: str) -> None:
        self.kind, self.message = kind, message
        symbol = {"ok": "✓", "error": "✗", "info": "ℹ", "busy": "…"}.get(kind, "")
        role = "alert" if kind == "error" else "status"
        self.value = (
            f"<div class='pmw-status-{kind}' role='{role}'>{symbol} {esc(message)}</div>"
            if message
            else ""
        )

    def ok(self, message: str) -> None:
        """Say that something worked."""
        self._show("ok", message)

    def error(self, message: str) -> None:
        """Say that something was refused or failed, and why."""
        self._show("error", message)

    def info(self, message: str) -> None:
        """Say something neutral."""
        self._show("info", message)

    def busy(self, message: str) -> None:
        """Say that something slow is under way."""
        self._show("busy", message)

    def clear(self) -> None:
        """Say nothing."""
        self._show("", "")

    def guard(
        self,
        fn: F,
        on_stale: Callable[[], object] | None = None,
        on_conflict: Callable[[EditConflict], object] | None = None,
    ) -> F:
        """Wrap a callback: show refusals in plain words, never a traceback.

        ``on_conflict`` is called with an :class:`EditConflict` (both people changed a
        field) after its sentence is shown, to show the two values for a choice.
        """

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except EditConflict as exc:
                self.error(str(exc))
                if on_conflict is not None:
                    on_conflict(exc)
            except StaleData as exc:
                self.error(str(exc))
                if on_stale is not None:
                    on_stale()
            except PmwError as exc:
                self.error(str(exc))
            except Exception:
                ref = uuid.uuid4().hex[:8]
                log.exception("widget callback failed (reference %s)", ref)
                self.error(
                    _("Something went wrong and nothing was saved (reference {ref}).").format(
                        ref=ref
                    )
                )
            return None

        return wrapper  # type: ignore[return-value]


def button(description: str, style: str = "", tooltip: str = "", icon: str = "") -> W.Button:
    """A button with a visible label (and the same text for screen readers).

    Its layout and style are models shared with other buttons: hide it with
    :func:`pmwidgets.widgets.lean.show`, never through its layout.
    """
    return make(
        W.Button,
        description=description,
        button_style=style,
        tooltip=tooltip or description,
        icon=icon,
        layout=BUTTON_LAYOUT,
    )


def text(
    description: str,
    value: str = "",
    placeholder: str = "",
    area: bool = False,
    rows: int = 3,
    layout: dict[str, str] | None = None,
    style: dict[str, str] | None = None,
) -> W.Text | W.Textarea:
    """A labelled text input (``area`` for several lines).

    Its layout (``layout``, by default the full width of its column) and style
    (``style``, by default an 11em label) are models shared with other inputs: hide it
    with :func:`pmwidgets.widgets.lean.show`.
    """
    options: dict[str, Any] = {"description": description, "value": value}
    if area:
        options["rows"] = rows
    cls = W.Textarea if area else W.Text
    return make(
        cls, placeholder=placeholder, layout=layout or TEXT_LAYOUT, style=style or WIDE, **options
    )


def dropdown(description: str, width: str = "", **traits: Any) -> W.Dropdown:
    """A labelled dropdown whose layout and style are shared models (``width``: of the whole)."""
    layout = {"width": width} if width else None
    return make(W.Dropdown, description=description, style=WIDE, layout=layout, **traits)


def choice_list(description: str, rows: int = 6) -> W.Select:
    """A labelled list of ``rows`` visible choices, as wide as the text inputs (shared models)."""
    return make(W.Select, description=description, options=[], rows=rows, style=WIDE,
                layout=TEXT_LAYOUT)  # fmt: skip
