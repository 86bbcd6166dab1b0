"""ObjectiveList: the workbook's objectives, their weights and running total, and the editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.i18n import _, format_date
from ..domain.model import Objective
from ..domain.rules import smart_check, smart_score, weight_check
from ..domain.state import WorkbookState
from .ask_first import AskFirst
from .base import StatusArea, button, check_line, esc, heading, html_widget, table_markup, text
from .lean import make, show
from .objective_editor import ObjectiveEditor, Save


class ObjectiveList(W.VBox):
    """All objectives with weights, a running total, and who proposed each.

    Choosing one opens it in an :class:`ObjectiveEditor` below the list;
    *New objective* opens a blank one. Either party may propose. A pure view of
    :attr:`state`: the editor's saves go to ``on_save`` (see :class:`ObjectiveEditor`),
    a removal to ``on_remove(number, reason)``; either may raise a ``PmwError``,
    shown in words.

    Examples
    --------
    >>> from pmwidgets.domain.examples import example_state, NAMES
    >>> objectives = ObjectiveList(example_state(), names=NAMES,
    ...                            on_remove=lambda number, reason: print("remove", number))
    >>> "weights total 100" in objectives.total.value
    True
    >>> objectives.chooser.value = 2
    >>> objectives.edit_button.click()
    >>> objectives.editor.title.value
    'Keep the workshop inspection-ready'
    >>> objectives.remove_button.click()  # asks first: nothing is removed yet
    >>> objectives.confirm_box.yes_button.click()
    remove 2
    """

    #: the workbook whose objectives are listed
    state = T.Instance(WorkbookState, allow_none=True)
    #: people's names by id (who proposed each objective)
    names = T.Dict()

    def __init__(
        self,
        state: WorkbookState | None = None,
        on_save: Save | None = None,
        on_remove: Callable[[int, str], object] | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        self.on_save, self.on_remove = on_save, on_remove
        self._score_context: tuple[object, ...] | None = None
        self._score_of: dict[Objective, int] = {}
        self.table = html_widget()
        self.total = html_widget(css="pmw-weight-total")
        self.chooser = make(
            W.Dropdown,
            description=_("Objective"),
            style={"description_width": "6em"},
            layout={"width": "min(100%, 36em)"},
        )
        self.edit_button = button(_("Open"), tooltip=_("Open the chosen objective in the editor"))
        self.new_button = button(_("New objective"), "primary")
        self.remove_reason = text(
            _("Reason"),
            placeholder=_("Why it is removed (needed once agreed)"),
            layout={"width": "min(70%, 40em)"},
        )
        self.remove_button = button(
            _("Remove objective…"), tooltip=_("Remove the chosen objective (asks first)")
        )
        self.status = StatusArea()
        #: a removal is asked for, then confirmed: one stray tap removes nothing
        self.confirm_box = AskFirst(self.status)
        self.editor = ObjectiveEditor(state, on_save=self._save, names=names or {})
        self.edit_button.on_click(
            self.status.guard(lambda _b: self.show_objective(self.chooser.value))
        )
        self.new_button.on_click(self.status.guard(lambda _b: self.show_objective(None)))
        self.remove_button.on_click(
            self.status.guard(lambda _b: self.ask_remove(self.chooser.value))
        )
        super().__init__(
            [
                heading(_("Objectives")),
                self.table,
                self.total,
                make(W.HBox, children=[self.chooser, self.edit_button, self.new_button]),
                make(W.HBox, children=[self.remove_reason, self.remove_button]),
                self.confirm_box,
                self.status,
                self.editor,
            ]
        )
        self.add_class("pmw-objective-list")
        with self.hold_trait_notifications():
            self.names = dict(names or {})
            self.state = state

    @T.observe("state", "names")
    def _update(self, change: dict[str, Any]) -> None:
        if change["name"] == "names":
            self.editor.names = change["new"]
        if self.state is not None:
            self.refresh(self.state)
        if change["name"] == "state":
            self.editor.state = self.state  # after the table: what a save changed, drawn first

    def refresh(self, state: WorkbookState) -> None:
        """Redraw the list and the total from ``state``."""
        names = self.names
        rows = []
        running = 0
        scores = self._scores(state)
        for o in state.objectives:
            running += o.weight
            score = scores[o]
            rows.append(
                [
                    str(o.id), esc(o.title), esc(", ".join(map(str, o.responsibilities))),
                    esc(o.target), esc(format_date(o.due)), f"{o.weight}%", f"{running}%",
                    f"{score}/5", esc(names.get(o.proposed_by, o.proposed_by)),
                ]
            )  # fmt: skip
        headers = [
            _("No."),
            _("Objective"),
            _("Serves"),
            _("Target"),
            _("Due"),
            _("Weight"),
            _("Running total"),
            _("SMART"),
            _("Proposed by"),
        ]
        empty = esc(_("No objectives yet: either of you can propose one."))
        self.table.value = table_markup(headers, rows, empty=empty, numeric=frozenset({5, 6}))
        finding = weight_check(state.objectives)
        self.total.value = check_line(finding.ok, finding.message)
        options: list[tuple[str, Any]] = [
            (f"{o.id}. {o.title}"[:80], o.id) for o in state.objectives
        ]
        current = self.chooser.value
        self.chooser.options = options
        if current in [v for _l, v in options]:
            self.chooser.value = current
        elif options:
            self.chooser.value = options[0][1]
        show(self.remove_reason, state.needs_reason("objectives"))
        has_any = bool(options)
        self.edit_button.disabled = self.remove_button.disabled = not has_any

    def _scores(self, state: WorkbookState) -> dict[Objective, int]:
        """The SMART score of each objective, worked out again only for those that changed.

        A score depends on the objective, the cycle's dates, the job's responsibilities
        and today's date: a save changes one objective, not the other eleven.
        """
        today = dt.date.today()
        job = state.job
        wb = state.workbook
        context = (wb.cycle_start, wb.cycle_end, today, job.responsibilities if job else None)
        if context != self._score_context:
            self._score_context, self._score_of = context, {}
        known = self._score_of
        for o in state.objectives:
            if o not in known:
                known[o] = smart_score(smart_check(o, wb, job, today=today))
        if len(known) > 4 * len(state.objectives) + 16:  # forget objectives long replaced
            self._score_of = {o: known[o] for o in state.objectives}
        return self._score_of

    def show_objective(self, number: int | None) -> None:
        """Open objective ``number`` in the editor (None: a new one)."""
        self.editor.load(number)
        self.editor.status.clear()
        self.status.clear()

    def ask_remove(self, number: int | None) -> None:
        """Ask whether objective ``number`` should really be removed (nothing changes yet)."""
        found = self.state.objective(number) if self.state is not None and number else None
        if found is None:
            self.status.error(_("choose an objective first"))
            return
        question = _("Remove objective {n} “{title}”? Its history is kept.")
        self.confirm_box.ask(
            question.format(n=number, title=found.title), lambda: self.remove(number)
        )
        self.status.clear()

    def remove(self, number: int | None) -> None:
        """Remove an objective (with a reason once the objectives are agreed)."""
        if number is None:
            self.status.error(_("choose an objective first"))
            return
        if self.on_remove is not None:
            self.on_remove(number, self.remove_reason.value)
        self.remove_reason.value = ""
        if self.editor.number == number:
            self.editor.load(None)
        self.status.ok(_("Objective {n} removed; its history is kept.").format(n=number))

    def _save(self, value: Objective, reason: str) -> tuple[int, int] | None:
        made = self.on_save(value, reason) if self.on_save else None
        if made is not None:
            self.chooser.value = made[0]
        return made
