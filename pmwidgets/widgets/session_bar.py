"""SessionBar: the top of every step page: the workbook, its stage, who is acting, the steps."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as W

from ..domain.i18n import _, format_date
from ..domain.model import Role
from ..domain.state import WorkbookState, next_step
from .base import StatusArea, esc, html_widget
from .context import WorkbookContext

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

    Parameters
    ----------
    context:
        The page's workbook context.
    coach_id:
        The signed-in coach (or admin) facilitating, or None outside coach mode.
    on_act:
        Called with a person id when the coach switches who is acting.
    current_step:
        The notebook stem of this page, highlighted in the step links.

    Examples
    --------
    >>> bar = SessionBar(context, coach_id="kwalsh", on_act=switch)  # doctest: +SKIP
    """

    def __init__(
        self,
        context: WorkbookContext,
        coach_id: str | None = None,
        on_act: Callable[[str], None] | None = None,
        current_step: str = "",
        steps: Sequence[tuple[str, str]] = STEPS,
    ) -> None:
        self.context = context
        self.coach_id = coach_id
        self.on_act = on_act
        self.summary = html_widget()
        self.warning = html_widget()
        self.nav = html_widget(self._nav(steps, current_step, context.workbook_id))
        self.acting = W.ToggleButtons(
            description=_("Acting now"), style={"description_width": "7em"}
        )
        self.status = StatusArea()
        self.acting.observe(self.status.guard(self._switch), names="value")
        children: list[W.Widget] = [self.nav, self.summary, self.warning]
        if coach_id is not None:
            children.append(self.acting)
        children.append(self.status)
        super().__init__(children)
        self.add_class("pmw-session-bar")
        self._names = {p.id: p for p in context.services.people()}
        self._setting = False
        context.subscribe(self.refresh)
        self.refresh(context.state)

    @staticmethod
    def _nav(steps: Sequence[tuple[str, str]], current: str, workbook_id: int) -> str:
        links = []
        for stem, label in steps:
            css = "pmw-step pmw-step-current" if stem == current else "pmw-step"
            aria = " aria-current='page'" if stem == current else ""
            href = f"{stem}.ipynb?workbook={int(workbook_id)}"
            links.append(f"<a class='{css}' href='{esc(href)}'{aria}>{esc(_(label))}</a>")
        return f"<nav class='pmw-steps' aria-label='{esc(_('Steps'))}'>{''.join(links)}</nav>"

    def refresh(self, state: WorkbookState) -> None:
        """Redraw from ``state``."""
        wb = state.workbook
        person = self._names
        emp = person[wb.employee_id].name if wb.employee_id in person else wb.employee_id
        mgr = person[wb.manager_id].name if wb.manager_id in person else wb.manager_id
        me = self.context.services.me.name
        coach = self.context.services.facilitator
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
        participation = self.context.services.participation(wb.id or 0)
        self.warning.value = (
            f"<div class='pmw-bad' role='alert'>⚠ {esc(participation.message)}</div>"
            if participation.one_sided
            else ""
        )
        if self.coach_id is not None:
            options = [
                (f"{emp} ({_('employee')})", wb.employee_id),
                (f"{mgr} ({_('manager')})", wb.manager_id),
            ]
            coach_person = person.get(self.coach_id)
            if coach_person is not None and (
                Role.COACH in coach_person.roles or Role.ADMIN in coach_person.roles
            ):
                options.append((f"{coach_person.name} ({_('coach')})", self.coach_id))
            longest = max(len(label) for label, _v in options)
            self.acting.style.button_width = f"{round(longest * 0.62 + 2)}em"
            self._setting = True
            try:
                self.acting.options = options
                self.acting.value = self.context.services.me.id
            finally:
                self._setting = False

    def _switch(self, change: dict[str, object]) -> None:
        if self._setting or self.on_act is None or not change.get("new"):
            return
        new = str(change["new"])
        if new == self.context.services.me.id:
            return
        self.on_act(new)
        self.status.ok(
            _("Now acting: {name}").format(
                name=self._names[new].name if new in self._names else new
            )
        )
