"""CoverageView: which responsibilities the objectives serve, and why any are left out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.errors import EditConflict
from ..domain.i18n import _, current_language
from ..domain.rules import Coverage
from ..domain.state import WorkbookState
from . import _svg as charts
from ._plan_parts import choose
from .base import (
    StatusArea,
    button,
    check_line,
    dropdown,
    esc,
    heading,
    html_widget,
    paragraph,
    table_markup,
    text,
    todo_line,
)
from .conflict_view import ConflictSlot
from .lean import make, show

_STATUS_WORDS = {
    "covered": "has an objective",
    "excused": "left out on purpose",
    "missing": "no objective yet",
}


class CoverageView(W.VBox):
    """Coverage of the job description by the objectives.

    Every responsibility should have an objective, or a reason why it is left
    out this cycle. The reason is part of what both parties agree.

    A pure view of :attr:`state`; a reason is stored through
    ``on_save_reason(responsibility, why, based_on, change_reason)``, which may raise
    a ``PmwError`` (shown in words; both reasons side by side for an ``EditConflict``).

    Examples
    --------
    >>> from pmwidgets.domain.examples import example_state
    >>> state = example_state()
    >>> view = CoverageView(state, on_save_reason=lambda n, why, based_on, reason: print(n, why))
    >>> "every responsibility has an objective" in view.summary.value
    True
    >>> view.state = state.__class__(workbook=state.workbook, job=state.job,
    ...                              objectives=state.objectives[:1])
    >>> view.responsibility.options
    (('2. Keep the workshop safe and inspection-ready', 2),)
    >>> view.responsibility.value = 2
    >>> view.why.value = "The team plan covers it this year"
    >>> view.save_button.click()
    2 The team plan covers it this year
    """

    #: the workbook whose coverage is shown
    state = T.Instance(WorkbookState, allow_none=True)
    #: people's names by id (to say who else wrote a reason)
    names = T.Dict()

    def __init__(
        self,
        state: WorkbookState | None = None,
        on_save_reason: Callable[[int, str, int, str], object] | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        self.on_save_reason = on_save_reason
        self._chart_for: tuple[object, ...] | None = None
        self.summary = html_widget()
        self.table = html_widget()
        self.chart = make(W.Box)
        self.responsibility = dropdown(_("Responsibility"), "min(100%, 48em)")
        self.why = text(_("Why left out"), placeholder=_("e.g. covered by the team plan this year"))
        self.change_reason = text(
            _("Reason for change"), placeholder=_("Why this change: both see it in the record")
        )
        self.save_button = button(_("Save reason"))
        self.status = StatusArea()
        #: both wrote a reason for the same responsibility: both shown, for a choice
        self.conflicts = ConflictSlot()
        #: the version the reason being typed started from (sent with the save)
        self._based_on = state.workbook.version if state else 0
        self.save_button.on_click(
            self.status.guard(lambda _b: self.save(), on_conflict=self._conflict)
        )
        # choosing a responsibility shows its reason, if it has one: a change is then made
        # knowingly, never typed over another responsibility's reason unseen
        self.responsibility.observe(self.status.guard(self._picked), names="value")
        super().__init__(
            [
                heading(_("Coverage of the job description")),
                paragraph(
                    _(
                        "Each responsibility needs an objective, or a reason it is left out this cycle."
                    )
                ),
                self.summary,
                self.table,
                self.chart,
                self.responsibility,
                self.why,
                self.change_reason,
                self.save_button,
                self.status,
                self.conflicts,
            ]
        )
        self.add_class("pmw-coverage-view")
        with self.hold_trait_notifications():
            self.names = dict(names or {})
            self.state = state

    @T.observe("names")
    def _names_changed(self, change: dict[str, Any]) -> None:
        self.conflicts.names = change["new"]

    @T.observe("state")
    def _state_changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self.refresh(change["new"])

    def refresh(self, state: WorkbookState) -> None:
        """Redraw from ``state``."""
        if not self.why.value.strip():  # nothing typed: a reason starts from this version
            self._based_on = state.workbook.version
        cov = state.coverage()
        if cov is None:
            self.summary.value = todo_line(_("no job description yet"))
            self.table.value = ""
            self.chart.children = ()
            self.responsibility.options = []
            return
        self.summary.value = check_line(cov.finding.ok, cov.finding.message) + (
            f"<p class='pmw-muted'>{esc(_('{n}% of working time is served by an objective.').format(n=cov.share_covered))}</p>"
        )
        headers = [
            _("No."),
            _("Responsibility"),
            _("Share of time"),
            _("Objectives"),
            _("Status"),
            _("Reason"),
        ]
        rows = [
            [
                str(r.number), esc(r.text), f"{r.share}%",
                esc(", ".join(map(str, r.objectives)) or "—"),
                f"{'✓' if r.status != 'missing' else '✗'} {esc(_(_STATUS_WORDS[r.status]))}",
                esc(r.reason),
            ]
            for r in cov.rows
        ]  # fmt: skip
        attrs = [f"class='pmw-cov-{r.status}'" for r in cov.rows]
        self.table.value = table_markup(headers, rows, row_attrs=attrs, numeric=frozenset({2}))
        self._draw_chart(cov)
        uncovered = [
            (f"{r.number}. {r.text}"[:90], r.number) for r in cov.rows if r.status != "covered"
        ]
        choose(self.responsibility, uncovered, _("Choose a responsibility"))
        # every responsibility has an objective: no reason to give, so no empty form
        for part in (self.responsibility, self.why, self.save_button):
            show(part, bool(uncovered))
        show(self.change_reason, bool(uncovered) and state.needs_reason("objectives"))

    def _draw_chart(self, cov: Coverage) -> None:
        """Draw the chart again only when what it shows changed; reuse its widget.

        A new chart widget per refresh made the browser create two models (and keep
        the old ones) on every save, although most saves leave the coverage as it was.
        """
        bars = [(r.number, r.share, r.status) for r in cov.rows]
        alt = cov.finding.message
        key = (bars, alt, current_language())
        if key == self._chart_for and self.chart.children:
            return
        svg = charts.coverage_chart(bars)
        shown = self.chart.children[0] if self.chart.children else None
        if isinstance(shown, charts.Chart):
            shown.value, shown.alt = svg, alt
        else:
            self.chart.children = (charts.chart(svg, alt=alt),)
        self._chart_for = key

    def save(self) -> None:
        """Store the reason for the chosen responsibility (an empty reason clears it)."""
        number = self.responsibility.value
        if number is None:
            self.status.error(_("every responsibility already has an objective"))
            return
        self._store(number, self.why.value, self._based_on)

    def _picked(self, change: Any = None) -> None:
        """Show the chosen responsibility's reason (or an empty box) to edit."""
        state = self.state
        if state is None:
            return
        number = self.responsibility.value
        found = next((r.reason for r in state.coverage_reasons if r.responsibility == number), "")
        self.why.value = found
        self._based_on = state.workbook.version

    def _store(self, number: int, why: str, based_on: int) -> None:
        if self.on_save_reason is not None:
            self.on_save_reason(number, why, based_on, self.change_reason.value)
        self.conflicts.clear()
        self.why.value = self.change_reason.value = ""
        state = self.state
        if state is not None:
            self._based_on = state.workbook.version
        cov = state.coverage() if state else None
        missing = [r.number for r in cov.rows if r.status == "missing"] if cov else []
        if missing:  # on to the next responsibility that still needs an objective or a reason
            self.responsibility.value = missing[0]
        self.status.ok(_("Reason for responsibility {n} saved.").format(n=number))

    def _conflict(self, conflict: EditConflict) -> None:
        """Someone else wrote a reason for it meanwhile: both shown; the choice is saved."""

        def save(record: Any, version: int) -> None:
            why = str(record.get("reason", "")) if isinstance(record, dict) else ""
            self._store(conflict.number, why, version)

        self.conflicts.show_conflict(conflict, save)
