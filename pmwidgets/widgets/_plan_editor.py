"""The base of :mod:`.development_planner`: its traits, its actions section, and saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.errors import EditConflict, ValidationFailed
from ..domain.i18n import _, format_date, ngettext
from ..domain.model import DevelopmentAction, DevelopmentPlan
from ..domain.rules import due_date_problem
from ..domain.state import WorkbookState
from . import _svg
from ._plan_parts import KINDS, STATUSES, choose, kind_label, month_after, status_label, valid
from ._two_way import offer_choice
from .ask_first import AskFirst
from .base import (
    WIDE,
    StatusArea,
    button,
    dropdown,
    heading,
    html_table,
    html_widget,
    paragraph_html,
    text,
)
from .conflict_view import ConflictSlot
from .date_box import DateBox
from .lean import make


class PlanEditor(W.VBox):
    """The traits of a development plan editor, its actions section, and how it saves.

    :class:`~.development_planner.DevelopmentPlanner` adds the ratings, the gaps and
    the manager's support.
    """

    value = T.Instance(DevelopmentPlan, allow_none=True)
    state = T.Instance(WorkbookState)
    party = T.Unicode(None, allow_none=True)
    names = T.Dict()
    #: the version the typed values (ratings, an action's status) started from: sent
    #: with a save, so a change the other made to the same field meanwhile is shown
    based_on = T.Int(0)

    on_save: Callable[[DevelopmentPlan, str], object] | None
    on_cancel: Callable[[], None] | None
    status: StatusArea
    actions_status: StatusArea
    conflicts: ConflictSlot
    reason: W.Text | W.Textarea
    _said: StatusArea
    _status_loaded: str
    _drawn: dict[str, Any]

    def _clicked(
        self, label: str, do: Callable[[], None], style: str = "", said: StatusArea | None = None
    ) -> W.Button:
        """A button that runs ``do``; its outcome is said in ``said``."""
        where = said or self.status
        b = button(label, style)

        def run(_b: W.Button) -> None:
            self._said = where
            do()

        b.on_click(where.guard(run, on_conflict=self._conflict))
        return b

    def _actions_part(self, state: WorkbookState) -> list[list[W.Widget]]:
        self.actions_table, self.mix_text = html_widget(), make(W.Label)
        self.mix_image = _svg.chart("", alt="")
        kinds = [(kind_label(k), k) for k in KINDS]
        self.kind = dropdown(_("Kind"), "min(100%, 32em)", options=kinds)
        self.description = text(_("Description"), placeholder=_("What will be done"))
        self.link = dropdown(_("Develops"), "min(100%, 48em)")
        self.due = DateBox(_("Due"), style=WIDE)
        self.due.value = self._default_due(state)
        said = self.actions_status
        self.add_action_button = self._clicked(_("Add action"), self.add_action, "primary", said)
        self.action_pick = dropdown(_("Action"), "min(100%, 40em)")
        self.action_pick.observe(self.actions_status.guard(self._on_pick), names="value")
        statuses = [(status_label(s), s) for s in STATUSES]
        self.action_status = make(W.Dropdown, description=_("Status"), options=statuses, style=WIDE)
        self.set_status_button = self._clicked(
            _("Change status"), self.set_action_status, said=said
        )
        self.remove_action_button = self._clicked(
            _("Remove action…"), self.ask_remove_action, said=said
        )
        #: a removal asks first: one stray tap removes nothing
        self.remove_question = AskFirst(said)
        return [
            [heading(_("Actions"), 4), self.actions_table, self.mix_text, self.mix_image],
            [self.kind, self.description, self.link, self.due, self.add_action_button],
            [make(W.HBox, children=[self.action_pick, self.action_status])],
            [make(W.HBox, children=[self.set_status_button, self.remove_action_button])],
            [self.remove_question],
            [self.actions_status, self.conflicts],
        ]

    @staticmethod
    def _when(a: DevelopmentAction) -> tuple[str, str]:
        return format_date(a.due), status_label(a.status)

    def _link_label(self, state: WorkbookState, a: DevelopmentAction) -> str:
        parts = [_("Gap: {c}").format(c=a.gap)] if a.gap else []
        if a.objective is not None:
            o = state.objective(a.objective)
            title = o.title if o else _("(removed)")
            parts.append(_("Objective {n}: {t}").format(n=a.objective, t=title))
        return "; ".join(parts)

    def _refresh_actions(self, state: WorkbookState) -> None:
        actions = state.plan.actions
        headers = (_("No."), _("Kind"), _("Description"), _("Develops"), _("Due"), _("Status"))
        cells = [
            (i, kind_label(a.kind), a.description, self._link_label(state, a), *self._when(a))
            for i, a in enumerate(actions, start=1)
        ]
        self.actions_table.value = (
            html_table(headers, cells)
            if cells
            else paragraph_html(_("No actions yet."), "pmw-muted")
        )
        live: list[str] = [a.kind for a in actions if a.status != "dropped"]
        counts, total = {k: live.count(k) for k in KINDS}, len(live)
        mix = ", ".join(f"{round(100 * counts[k] / total)}% {_(k)}" for k in KINDS) if total else ""
        self.mix_text.value = (
            ngettext(
                "{n} action: {mix}; the guide is 70-20-10",
                "{n} actions: {mix}; the guide is 70-20-10",
                total,
            ).format(n=total, mix=mix)
            if total
            else _("No actions yet; the guide is 70-20-10 (experience, exposure, education).")
        )
        if self._drawn.get("mix") != counts:
            self.mix_image.value, self._drawn["mix"] = _svg.mix_chart(counts), counts
        self.mix_image.alt = self.mix_text.value
        links: list[tuple[str, Any]] = [(_("Choose a gap or an objective"), None)]
        for c in state.job.competencies if state.job else ():
            links.append((_("Gap: {c}").format(c=c.name), ("gap", c.name)))
        for o in state.objectives:
            links.append(
                (_("Objective {n}: {t}").format(n=o.id, t=o.title)[:120], ("objective", o.id))
            )
        choose(self.link, links)
        choose(
            self.action_pick,
            [(f"{i}. {a.description}"[:80], i) for i, a in enumerate(actions, 1)],
            _("Choose an action"),
        )
        self._on_pick(refresh=True)

    def _on_pick(self, _change: Any = None, refresh: bool = False) -> None:
        """Show the chosen action's stored status (on a refresh, unless it was changed here)."""
        actions = self.state.plan.actions
        n = self.action_pick.value
        stored = actions[n - 1].status if n is not None and 1 <= n <= len(actions) else "planned"
        if not refresh or self.action_status.value == self._status_loaded:
            self.action_status.value = stored
        self._status_loaded = stored

    @staticmethod
    def _default_due(state: WorkbookState) -> dt.date:
        wb = state.workbook
        return min(max(month_after(dt.date.today()), wb.cycle_start), wb.cycle_end)

    # --- saving -----------------------------------------------------------------------

    def add_action(self) -> None:
        """Add the action described in the form, linked to a gap or an objective."""
        state = self.state
        if self.link.value is None:
            raise ValidationFailed(_("choose the gap or the objective this action develops"))
        if self.due.value is None:
            raise ValidationFailed(_("choose a due date"))
        problem = due_date_problem(self.due.value, state.workbook)
        if problem:
            raise ValidationFailed(_("due: {p}").format(p=problem))
        what, key = self.link.value
        action = valid(
            DevelopmentAction,
            kind=self.kind.value,
            description=self.description.value,
            gap=key if what == "gap" else None,
            objective=key if what == "objective" else None,
            due=self.due.value,
        )
        plan = state.plan.model_copy(update={"actions": (*state.plan.actions, action)})
        self._save(plan, _("Action {n} added.").format(n=len(plan.actions)))
        self.description.value = ""

    def _picked(self) -> int:
        n = self.action_pick.value
        if n is None or not 1 <= n <= len(self.state.plan.actions):
            raise ValidationFailed(_("choose an action first"))
        return int(n) - 1

    def set_action_status(self) -> None:
        """Give the chosen action the chosen status."""
        i, plan, new = self._picked(), self.state.plan, self.action_status.value
        actions = list(plan.actions)
        actions[i] = actions[i].model_copy(update={"status": new})
        message = _("Action {n} is now {s}.").format(n=i + 1, s=status_label(new))
        self._save(plan.model_copy(update={"actions": tuple(actions)}), message)

    def ask_remove_action(self) -> None:
        """Ask whether the chosen action should really be removed (nothing changes yet)."""
        i = self._picked()
        what = self.state.plan.actions[i].description
        question = _("Remove action {n} “{what}”? Its history is kept.").format(n=i + 1, what=what)
        self.remove_question.ask(question, self.remove_action)

    def remove_action(self) -> None:
        """Remove the chosen action."""
        i, plan = self._picked(), self.state.plan
        actions = plan.actions[:i] + plan.actions[i + 1 :]
        message = _("Action {n} removed.").format(n=i + 1)
        self._save(plan.model_copy(update={"actions": actions}), message)

    def _save(self, plan: DevelopmentPlan, message: str, version: int | None = None) -> None:
        """Hand ``plan``, made from the plan this page shows, to ``on_save`` (at its version).

        The services keep what others saved since that version, item by item, so the
        plan may be sent as it is; a field both changed comes back as a conflict.
        """
        # model_copy() skips validation, and set_plan stores what it is given: check the
        # whole plan here (a plan rating one competency twice could not be read back).
        plan = valid(DevelopmentPlan, **plan.model_dump())
        if version is not None:
            self.based_on = version
        if self.on_save is not None:
            self.on_save(plan, self.reason.value)
        self.conflicts.clear()
        self.based_on = self.state.workbook.version
        self.reason.value = ""
        self._said.ok(message)

    @property
    def said(self) -> StatusArea:
        """The status area that spoke last: the one under the section whose button was pressed."""
        return self._said

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: show the two values under the section, for a choice."""

        def save(record: Any, version: int) -> None:
            self._save(valid(DevelopmentPlan, **record), _("Your choice is saved."), version)

        offer_choice(self.conflicts, conflict, save, self._cancelled)

    def _cancelled(self) -> None:
        if self.on_cancel is not None:
            self.on_cancel()
