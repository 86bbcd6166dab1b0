"""WorkbookPicker: choose a workbook to open, or start a new cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.errors import ValidationFailed
from ..domain.i18n import _, format_date
from ..domain.model import Person, Role, Workbook
from ..services import Services
from .base import (
    WIDE,
    StatusArea,
    button,
    choice_list,
    dropdown,
    esc,
    heading,
    html_widget,
    paragraph,
)
from .lean import make, show

#: the value of the coach menu's "No coach" entry.
NO_COACH = ""


class WorkbookPicker(W.VBox):
    """List the workbooks a person may see, open one, or start a new cycle.

    No workbook is open yet, so the picker takes a :class:`~pmwidgets.services.Services`
    rather than a workbook context. ``value`` is the id of the workbook last
    opened (None until one is). The list holds only what
    :meth:`Services.workbooks` returns, and every action is checked again by the
    services layer, whatever the page shows.

    Parameters
    ----------
    services:
        The services of the acting person (perhaps facilitated by a coach).
    on_open:
        Called with a workbook id when a workbook is opened or created.

    Examples
    --------
    >>> picker = WorkbookPicker(Services(store, "rokafor"), on_open=print)  # doctest: +SKIP
    >>> picker.workbooks.value = 2  # doctest: +SKIP
    >>> picker.open_button.click()  # doctest: +SKIP
    2
    """

    value = T.Int(None, allow_none=True)

    def __init__(self, services: Services, on_open: Callable[[int], None] | None = None) -> None:
        self.services = services
        self.on_open = on_open
        self.people: dict[str, Person] = {}
        self.status = StatusArea()
        guard = self.status.guard
        self.signed_in = html_widget(css="pmw-muted")
        self.workbooks = choice_list(_("Workbooks"))
        self.open_button = button(_("Open"), "primary", tooltip=_("Open the chosen workbook"))
        self.employee = dropdown(_("Employee"))
        self.manager = dropdown(_("Manager"))
        self.coach = dropdown(_("Coach"))
        year = dt.date.today().year
        self.cycle_start = make(
            W.DatePicker, description=_("Cycle starts"), value=dt.date(year, 9, 1), style=WIDE
        )
        self.cycle_end = make(
            W.DatePicker, description=_("Cycle ends"), value=dt.date(year + 1, 8, 31), style=WIDE
        )
        self.create_button = button(_("Create workbook"), "primary")
        self.new_cycle = make(
            W.VBox,
            classes=("pmw-card",),
            children=[
                heading(_("Start a new cycle"), 4),
                paragraph(_("The manager, the coach or an administrator opens a workbook.")),
                self.employee,
                self.manager,
                self.coach,
                make(W.HBox, children=[self.cycle_start, self.cycle_end]),
                self.create_button,
            ],
        )
        self.open_button.on_click(guard(lambda _b: self.open_chosen()))
        self.create_button.on_click(guard(lambda _b: self.create()))
        self.employee.observe(guard(self._on_employee), names="value")
        super().__init__(
            [
                heading(_("Workbooks"), 2),
                self.signed_in,
                self.workbooks,
                self.open_button,
                self.new_cycle,
                self.status,
            ]
        )
        self.add_class("pmw-workbook-picker")
        self.refresh()

    # --- showing ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read people and workbooks again; keeps the chosen workbook when it is still listed."""
        svc = self.services
        self.people = {p.id: p for p in svc.people()}
        if svc.facilitator is not None:
            line = _("{coach} facilitating, acting as {name}").format(
                coach=svc.facilitator.name, name=svc.me.name
            )
        else:
            line = _("Signed in as {name}").format(name=svc.me.name)
        self.signed_in.value = f"<p class='pmw-muted'>{esc(line)}</p>"
        chosen = self.workbooks.value
        options = [(self.label(wb), wb.id) for wb in svc.workbooks()]
        self.workbooks.options = options
        ids = [i for _label, i in options]
        self.workbooks.value = chosen if chosen in ids else (ids[0] if ids else None)
        if not options:
            self.status.info(_("There are no workbooks for you yet."))
        self._fill_form()

    def label(self, wb: Workbook) -> str:
        """A workbook in words: who, stage and cycle."""
        return _("{employee} with {manager} — {stage} ({start} – {end})").format(
            employee=self._name(wb.employee_id),
            manager=self._name(wb.manager_id),
            stage=wb.stage.label,
            start=format_date(wb.cycle_start),
            end=format_date(wb.cycle_end),
        )

    def _name(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person else person_id

    def _fill_form(self) -> None:
        """Fill the new-cycle menus; the form is hidden from people who cannot create."""
        people = sorted(self.people.values(), key=lambda p: p.name.casefold())
        employees = [p for p in people if Role.EMPLOYEE in p.roles or p.manager_id]
        managers = [p for p in people if Role.MANAGER in p.roles]
        coaches = [p for p in people if Role.COACH in p.roles]
        with self.hold_trait_notifications():
            self.manager.options = [(p.name, p.id) for p in managers]
            self.coach.options = [(_("No coach"), NO_COACH)] + [(p.name, p.id) for p in coaches]
            self.coach.value = NO_COACH
            self.employee.options = [(p.name, p.id) for p in employees]
        self._on_employee()
        me = self.services.me.roles
        may_create = any(r in me for r in (Role.ADMIN, Role.MANAGER, Role.COACH))
        show(self.new_cycle, may_create)

    def _on_employee(self, change: Any = None) -> None:
        """Default the manager to the chosen employee's own manager."""
        person = self.people.get(self.employee.value or "")
        if person is not None and person.manager_id in self.people:
            if person.manager_id not in [v for _l, v in self.manager.options]:
                boss = self.people[person.manager_id]
                self.manager.options = [*self.manager.options, (boss.name, boss.id)]
            self.manager.value = person.manager_id

    # --- actions ----------------------------------------------------------------------

    def open_chosen(self) -> None:
        """Open the chosen workbook: set ``value`` and call ``on_open``."""
        wb_id = self.workbooks.value
        if wb_id is None:
            raise ValidationFailed(_("choose a workbook first"))
        wb = self.services.workbook(wb_id)  # checks access again, whatever the page sent
        self.value = wb_id
        self.status.ok(_("Opened: {label}.").format(label=self.label(wb)))
        if self.on_open:
            self.on_open(wb_id)

    def create(self) -> None:
        """Create a workbook from the form, select it and open it."""
        if not self.employee.value or not self.manager.value:
            raise ValidationFailed(_("choose the employee and the manager"))
        if self.cycle_start.value is None or self.cycle_end.value is None:
            raise ValidationFailed(_("choose the dates the cycle starts and ends"))
        wb = self.services.create_workbook(
            self.employee.value,
            self.manager.value,
            self.cycle_start.value,
            self.cycle_end.value,
            coach_id=self.coach.value or None,
        )
        assert wb.id is not None
        self.refresh()
        self.workbooks.value = wb.id
        self.value = wb.id
        self.status.ok(_("Workbook created: {label}.").format(label=self.label(wb)))
        if self.on_open:
            self.on_open(wb.id)
