"""Dashboard: where every workbook stands, for a coach or an HR lead looking across many.

It works on plain rows (``WorkbookSummary``, one per workbook, made by the services'
``frames.workbook_summaries``), never on pandas frames, so that the page's kernel does without pandas and numpy (about 58 MiB;
see docs/performance.md). Filtering, sorting, counting and the charts' data are each one
pass over the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from operator import attrgetter, itemgetter
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.i18n import _
from ..domain.model import Stage
from . import _svg as charts
from ._dashboard_table import table_html
from .base import WIDE, StatusArea, button, dropdown, esc, heading, html_widget
from .dashboard_charts import MAX_BARS, coverage_share_chart, stage_chart
from .lean import make, show

#: rows shown on one page of the table.
PAGE_SIZE = 50
#: the sort menu: (label, field of :class:`~pmwidgets.services.frames.WorkbookSummary`, or
#: ``stage_order``: the stages in journey order).
SORTS: tuple[tuple[str, str], ...] = (
    ("Workbook number", "workbook_id"),
    ("Employee", "employee"),
    ("Manager", "manager"),
    ("Stage", "stage_order"),
    ("Last check-in", "last_check_in"),
    ("Next check-in due", "next_check_in_due"),
    ("Coverage of the job", "coverage_share"),
)
_STAGE_ORDER = {s.value: i for i, s in enumerate(Stage)}
#: the kinds of development action, in the mix chart's order.
_KINDS = ("experience", "exposure", "education")


#: one workbook's row: a ``WorkbookSummary`` of the services' frames (a NamedTuple)
WorkbookSummary = Any


class Dashboard(W.VBox):
    """Headline counts, a filterable and sortable table of workbooks, and charts.

    Everything comes from the rows it is given (``summaries``: one
    ``WorkbookSummary`` per workbook the person may see, from the services'
    ``frames.workbook_summaries``, so no private note); setting them redraws it.
    Each row links to its workbook's steps and to its agreement document.

    Parameters
    ----------
    summaries:
        The rows, one per workbook.
    link_base:
        Prefix of the links to the step pages (empty: relative to this page).
    page_size:
        Rows per page of the table.
    on_refresh:
        Called by *Read again*; returns the rows read again (no button without it).

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> def row(n, employee, **more):  # the fields of a WorkbookSummary that it reads
    ...     fields = dict(workbook_id=n, employee_id=f"e{n}", employee=employee,
    ...         manager_id="rokafor", manager="Richard Okafor", coach=None,
    ...         stage="check_ins", stage_label="Check-ins", next_step="", job_title=None,
    ...         check_ins=0, last_check_in=None, next_check_in_due=dt.date(2026, 10, 13),
    ...         overdue_check_in=False, pending="", one_sided=None, coverage_share=None,
    ...         employee_contributions=0, manager_contributions=0, responsibilities=0,
    ...         responsibilities_covered=0, responsibilities_excused=0,
    ...         actions_experience=0, actions_exposure=0, actions_education=0)
    ...     return SimpleNamespace(**{**fields, **more})
    >>> board = Dashboard([row(1, "Mei Chen"), row(2, "Dan Silva", overdue_check_in=True)])
    >>> board.counts["overdue"]
    1
    >>> board.attention.value = True
    >>> [r.employee for r in board.rows()]
    ['Dan Silva']
    """

    summaries: T.List[Any] = T.List()

    def __init__(
        self,
        summaries: Sequence[WorkbookSummary] = (),
        link_base: str = "",
        page_size: int = PAGE_SIZE,
        on_refresh: Callable[[], Sequence[WorkbookSummary]] | None = None,
    ) -> None:
        self.link_base = link_base
        self.page_size = max(1, page_size)
        self.on_refresh = on_refresh
        self.page = 0
        self.counts: dict[str, int] = {}
        #: every workbook given, by number.
        self.ordered: list[WorkbookSummary] = []
        self._quiet = False
        self.status = StatusArea()
        guard = self.status.guard
        self.headline = html_widget()
        self._controls()
        self.table = html_widget(css="pmw-dashboard-table")
        self.previous_button = button(_("Previous"), tooltip=_("Previous page of workbooks"))
        self.next_button = button(_("Next"), tooltip=_("Next page of workbooks"))
        self.page_label = make(W.Label)
        self.previous_button.on_click(guard(lambda _b: self.go_to(self.page - 1)))
        self.next_button.on_click(guard(lambda _b: self.go_to(self.page + 1)))
        self.refresh_button = button(_("Read again"), tooltip=_("Read every workbook again"))
        self.refresh_button.on_click(guard(self._on_refresh))
        self.stage_image = charts.chart("", _("Workbooks at each stage"))
        self.coverage_image = charts.chart("", _("Coverage of the job descriptions"))
        self.mix_image = charts.chart("", _("Development actions by kind"))
        super().__init__(
            [
                self.headline,
                make(W.HBox, children=[self.stage, self.manager]),
                make(W.HBox, children=[self.search, self.attention]),
                make(W.HBox, children=[self.sort, self.order]),
                self.table,
                make(W.HBox, children=[self.previous_button, self.page_label, self.next_button]),
                heading(_("Across all these workbooks")),
                self.stage_image,
                self.coverage_image,
                self.mix_image,
                self.refresh_button,
                self.status,
            ]
        )
        self.add_class("pmw-dashboard")
        show(self.refresh_button, on_refresh is not None)
        given = list(summaries)
        if given:
            self.summaries = given  # observed: drawn once, by _on_summaries
        else:
            self.refresh()  # an empty list is no change: draw the empty board

    def _controls(self) -> None:
        """The filters and the sort menu, each redrawing the table when changed."""
        self.stage = dropdown(_("Stage"))
        self.manager = dropdown(_("Manager"))
        self.search = make(
            W.Text,
            description=_("Search names"),
            placeholder=_("employee, manager or coach"),
            style=WIDE,
        )
        self.attention = make(
            W.Checkbox,
            description=_("Only those needing attention (overdue, one-sided or awaiting)"),
            indent=False,
            layout={"width": "auto"},
        )
        self.sort = dropdown(_("Sort by"), options=[(_(label), col) for label, col in SORTS])
        self.order = W.ToggleButtons(
            description=_("Order"),
            options=[(_("Ascending"), "ascending"), (_("Descending"), "descending")],
            style={"description_width": "4em"},
        )
        for control in (self.stage, self.manager, self.search, self.attention):
            control.observe(self.status.guard(self._on_filter), names="value")
        for control in (self.sort, self.order):
            control.observe(self.status.guard(self._on_sort), names="value")

    # --- reading ----------------------------------------------------------------------

    @T.observe("summaries")
    def _on_summaries(self, _change: Any = None) -> None:
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        """Redraw from ``summaries``; keep the filters where they still apply."""
        rows = sorted(self.summaries, key=_BY_NUMBER)
        self.ordered = rows
        per_stage: Counter[str] = Counter()
        managers: dict[str, str] = {}
        kinds = dict.fromkeys(_KINDS, 0)
        pending = overdue = one_sided = 0
        for r in rows:  # one pass: counts, menus and the charts' data
            per_stage[r.stage] += 1
            managers[r.manager_id] = r.manager
            pending += r.pending != ""
            overdue += r.overdue_check_in
            one_sided += r.one_sided is not None
            kinds["experience"] += r.actions_experience
            kinds["exposure"] += r.actions_exposure
            kinds["education"] += r.actions_education
        self.counts = {
            "workbooks": len(rows),
            "pending": pending,
            "overdue": overdue,
            "one_sided": one_sided,
        }
        self._quiet = True
        try:
            stage_chosen = self.stage.value or ""
            self.stage.options = [(_("All stages"), "")] + [
                (f"{s.label} ({per_stage[s.value]})", s.value) for s in Stage
            ]
            self.stage.value = stage_chosen
            chosen = self.manager.value
            self.manager.options = [
                (_("All managers"), ""),
                *sorted(
                    ((name, i) for i, name in managers.items()),
                    key=lambda m: (m[0].casefold(), m[1]),
                ),
            ]
            self.manager.value = chosen if chosen in managers else ""
        finally:
            self._quiet = False
        self.headline.value = self._headline()
        self._charts(rows, per_stage, kinds)
        self._redraw()

    def rows(self) -> list[WorkbookSummary]:
        """The workbooks that pass the filters, in the chosen order (all pages).

        Returns
        -------
        list of WorkbookSummary
            Sorted by the chosen field (names without regard to case), then by
            workbook number; a missing value (no check-in yet, no job description)
            comes last in either order.
        """
        rows = self.ordered
        if self.stage.value:
            rows = [r for r in rows if r.stage == self.stage.value]
        if self.manager.value:
            rows = [r for r in rows if r.manager_id == self.manager.value]
        if self.attention.value:
            rows = [r for r in rows if _needs_attention(r)]
        words = self.search.value.strip().casefold()
        if words:
            rows = [r for r in rows if _mentions(r, words)]
        key = _sort_key(self.sort.value or "workbook_id")
        present: list[tuple[Any, WorkbookSummary]] = []
        missing: list[WorkbookSummary] = []  # last, whichever the order
        for r in rows:
            k = key(r)
            if k is None:
                missing.append(r)
            else:
                present.append((k, r))
        # a stable sort of rows in number order: equal keys stay by number, either way
        present.sort(key=_FIRST, reverse=self.order.value == "descending")
        return [r for _k, r in present] + missing

    @property
    def pages(self) -> int:
        """How many pages the filtered table takes (at least one)."""
        return self._pages(len(self.rows()))

    def go_to(self, page: int) -> None:
        """Show page ``page`` (counted from 0; kept within the pages there are)."""
        self.page = max(0, page)
        self._redraw()

    def _pages(self, n: int) -> int:
        return max(1, -(-n // self.page_size))

    # --- drawing ----------------------------------------------------------------------

    def _headline(self) -> str:
        c = self.counts
        cards = [
            (c["workbooks"], _("workbooks"), ""),
            (c["pending"], _("awaiting the other party's agreement"), "pending"),
            (c["overdue"], _("with a check-in overdue"), "overdue"),
            (c["one_sided"], _("one-sided: only one party writes"), "one-sided"),
        ]
        items = "".join(
            f"<div class='pmw-card pmw-dashboard-count' data-count='{esc(key)}'>"
            f"<div class='pmw-title'>{int(n)}</div><div>{esc(label)}</div></div>"
            for n, label, key in cards
        )
        return f"<div class='pmw-dashboard-counts'>{items}</div>"

    def _charts(
        self, rows: Sequence[WorkbookSummary], per_stage: Counter[str], kinds: dict[str, int]
    ) -> None:
        self.stage_image.value = stage_chart(per_stage)
        known = [r for r in rows if r.coverage_share is not None]
        if len(known) <= MAX_BARS:  # a bar per workbook, each labelled
            items = [(f"{r.workbook_id} {r.employee}", r.coverage_share) for r in known]
        else:  # a histogram: no labels to write
            items = [("", r.coverage_share) for r in known]
        self.coverage_image.value = coverage_share_chart(items)
        # the actions' kinds are counted per workbook already: no need to read every action
        self.mix_image.value = charts.mix_chart({k: n for k, n in kinds.items() if n})

    def _redraw(self) -> None:
        rows = self.rows()
        pages = self._pages(len(rows))
        self.page = min(self.page, pages - 1)
        shown = rows[self.page * self.page_size : (self.page + 1) * self.page_size]
        self.table.value = table_html(shown, self.link_base)
        self.page_label.value = _("Page {page} of {pages} ({n} workbooks)").format(
            page=self.page + 1, pages=pages, n=len(rows)
        )
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1

    # --- callbacks --------------------------------------------------------------------

    def _on_filter(self, _change: Any = None) -> None:
        if not self._quiet:
            self.page = 0
            self._redraw()

    def _on_sort(self, _change: Any = None) -> None:
        if not self._quiet:
            self._redraw()

    def _on_refresh(self, _b: Any = None) -> None:
        rows = list(self.on_refresh()) if self.on_refresh is not None else self.summaries
        if rows == self.summaries:
            self.refresh()
        else:
            self.summaries = rows  # redraws
        self.status.ok(_("Read {n} workbooks again.").format(n=self.counts["workbooks"]))


_BY_NUMBER = attrgetter("workbook_id")
_FIRST = itemgetter(0)
#: the sorts by text (without regard to case).
_TEXT = frozenset({"employee", "manager"})
#: the fields the search looks in.
_SEARCHED = ("employee", "manager", "coach", "employee_id")


def _sort_key(column: str) -> Callable[[WorkbookSummary], Any]:
    """The value a row is sorted by: names without regard to case; stages in journey
    order; other fields as they are (None when missing)."""
    if column == "stage_order":
        return lambda r: _STAGE_ORDER[r.stage]
    get = attrgetter(column)
    if column in _TEXT:  # text: the names
        return lambda r: None if (value := get(r)) is None else value.casefold()
    return get


def _needs_attention(r: WorkbookSummary) -> bool:
    """Overdue, one-sided, or awaiting the other party's agreement."""
    return r.overdue_check_in or r.one_sided is not None or r.pending != ""


def _mentions(r: WorkbookSummary, words: str) -> bool:
    """Whether ``words`` (case-folded) is in the employee's, manager's or coach's name, or
    the employee's id, without regard to case."""
    return any(words in (getattr(r, f) or "").casefold() for f in _SEARCHED)
