"""SessionBar: the top of every step page: the workbook, its stage, who is acting, the steps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.i18n import _, format_date
from ..domain.model import Person, Role
from ..domain.participation import Participation
from ..domain.state import WorkbookState, next_step
from .base import StatusArea, esc, html_widget, step_link

#: the journey's pages: (notebook file stem, label).
STEPS: tuple[tuple[str, str], ...] = (
    ("00_start_here", "Start here"),
    ("01_job_description", "1 Job description"),
    ("02_objectives", "2 Objectives"),
    ("03_development_plan", "3 Development plan"),
    ("04_check_ins", "4 Check-ins"),
    ("05_review", "5 Review"),
)


class SessionBar(W.VBox):
    """Which workbook this is, where it stands, and, in coach mode, who is acting.

    A pure view of :attr:`state` and the people at the screen.

    Parameters
    ----------
    state, names, acting, facilitator, participation:
        The traits below, to start with.
    coach:
        The signed-in coach (or admin) facilitating, or None outside coach mode:
        then the bar offers the switch of who is acting.
    on_act:
        Called with a person id when the coach switches who is acting.
    current_step:
        The notebook stem of this page, highlighted in the step links.

    Examples
    --------
    >>> from pmwidgets.domain.examples import example_state, COACH, EMPLOYEE, NAMES
    >>> bar = SessionBar(example_state(), names=NAMES, acting=EMPLOYEE, facilitator=COACH,
    ...                  coach=COACH, on_act=print, current_step="02_objectives")
    >>> "Workbook 1: Mei Chen with Richard Okafor" in bar.summary.value
    True
    >>> bar.acting_choice.value = "rokafor"
    rokafor
    """

    #: the workbook
    state = T.Instance(WorkbookState, allow_none=True)
    #: people's names by id
    names = T.Dict()
    #: the person acting at this screen
    acting = T.Instance(Person, allow_none=True)
    #: the coach facilitating, if any
    facilitator = T.Instance(Person, allow_none=True)
    #: how many contributions each party wrote (a one-sided workbook is flagged)
    participation = T.Instance(Participation, allow_none=True)

    def __init__(
        self,
        state: WorkbookState | None = None,
        coach: Person | None = None,
        on_act: Callable[[str], None] | None = None,
        current_step: str = "",
        steps: Sequence[tuple[str, str]] = STEPS,
        **traits: Any,
    ) -> None:
        self.coach, self.on_act = coach, on_act
        self.current_step, self.steps = current_step, tuple(steps)
        self.summary = html_widget()
        self.warning = html_widget()
        self.nav = html_widget()
        self.acting_choice = W.ToggleButtons(
            description=_("Acting now"), style={"description_width": "7em"}
        )
        self.status = StatusArea()
        self.acting_choice.add_class("pmw-acting")  # the one acting: colour and a check mark
        self.acting_choice.observe(self.status.guard(self._switch), names="value")
        children: list[W.Widget] = [self.nav, self.summary, self.warning]
        if coach is not None:
            children.append(self.acting_choice)
        children.append(self.status)
        super().__init__(children)
        self.add_class("pmw-session-bar")
        self._setting = False
        with self.hold_trait_notifications():
            for name, value in traits.items():
                setattr(self, name, value)
            self.state = state

    @staticmethod
    def _nav(steps: Sequence[tuple[str, str]], current: str, workbook_id: int) -> str:
        links = []
        for stem, label in steps:
            css = "pmw-step pmw-step-current" if stem == current else "pmw-step"
            aria = "aria-current='page'" if stem == current else ""
            links.append(step_link(stem, _(label), workbook_id, css, attrs=aria))
        return f"<nav class='pmw-steps' aria-label='{esc(_('Steps'))}'>{''.join(links)}</nav>"

    @T.observe("state", "names", "acting", "facilitator", "participation")
    def _update(self, change: Any = None) -> None:
        if self.state is not None:
            self.refresh(self.state)

    def refresh(self, state: WorkbookState) -> None:
        """Redraw from ``state``."""
        wb = state.workbook
        self.nav.value = self._nav(self.steps, self.current_step, wb.id or 0)
        emp = self.names.get(wb.employee_id, wb.employee_id)
        mgr = self.names.get(wb.manager_id, wb.manager_id)
        me = self.acting.name if self.acting else ""
        coach = self.facilitator
        who = (
            _("{acting} is acting, facilitated by {coach}").format(acting=me, coach=coach.name)
            if coach is not None
            else _("Signed in as {name}").format(name=me)
        )
        self.summary.value = (
            "<div class='pmw-card pmw-workbook-summary'>"
            f"<div class='pmw-title'>{esc(_('Workbook {n}: {emp} with {mgr}').format(n=wb.id, emp=emp, mgr=mgr))}</div>"
            f"<div>{esc(_('Cycle {start} – {end}').format(start=format_date(wb.cycle_start), end=format_date(wb.cycle_end)))}"
            f" · {esc(_('Stage'))}: <strong>{esc(wb.stage.label)}</strong> · {esc(_('Next'))}: {esc(next_step(state))}</div>"
            f"<div class='pmw-muted'>{esc(who)}</div></div>"
        )
        one_sided = self.participation is not None and self.participation.one_sided
        self.warning.value = (
            f"<div class='pmw-bad' role='alert'>⚠ {esc(self.participation.message)}</div>"
            if one_sided and self.participation is not None
            else ""
        )
        if self.coach is not None:
            self._choices(wb.employee_id, emp, wb.manager_id, mgr)

    def _choices(self, emp_id: str, emp: str, mgr_id: str, mgr: str) -> None:
        """Who the coach can switch to: the employee, the manager, and the coach."""
        coach = self.coach
        options = [(f"{emp} ({_('employee')})", emp_id), (f"{mgr} ({_('manager')})", mgr_id)]
        if coach is not None and (Role.COACH in coach.roles or Role.ADMIN in coach.roles):
            options.append((f"{coach.name} ({_('coach')})", coach.id))
        longest = max(len(label) for label, _v in options)
        self.acting_choice.style.button_width = f"{round(longest * 0.62 + 2)}em"
        self._setting = True
        try:
            self.acting_choice.options = options
            self.acting_choice.value = self.acting.id if self.acting else None
        finally:
            self._setting = False

    def _switch(self, change: dict[str, object]) -> None:
        if self._setting or self.on_act is None or not change.get("new"):
            return
        new = str(change["new"])
        if self.acting is not None and new == self.acting.id:
            return
        self.on_act(new)
        self.status.ok(_("Now acting: {name}").format(name=self.names.get(new, new)))
