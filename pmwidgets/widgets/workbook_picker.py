"""WorkbookPicker: choose a workbook to open, or start a new cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.i18n import _, format_date
from ..domain.model import Person, Role, Workbook
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
from .date_box import DateBox
from .lean import make, show

#: the value of the coach menu's "No coach" entry.
NO_COACH = ""


class WorkbookPicker(W.VBox):
    """List the workbooks a person may see, open one, or start a new cycle.

    No workbook is open yet, so the picker is given the workbooks and the people
    to show, and who is looking. ``value`` is the id of the workbook last opened
    (None until one is). Opening and creating go through ``on_open`` and
    ``on_create``, where the services check every action again, whatever the page
    shows; a refusal they raise is shown in words.

    Parameters
    ----------
    workbooks:
        The workbooks the person may see (``Services.workbooks``).
    people:
        Everyone, for names and the new-cycle menus.
    me:
        The acting person: only a manager, a coach or an admin sees the new-cycle form.
    facilitator:
        The coach facilitating, if any.
    on_open:
        Called with a workbook id when a workbook is opened or created.
    on_create:
        Called with ``(employee_id, manager_id, cycle_start, cycle_end, coach_id)``;
        returns the new :class:`Workbook`.

    Examples
    --------
    >>> import datetime as dt
    >>> from pmwidgets.domain.model import Person, Role, Workbook
    >>> people = [Person(id="rokafor", name="Richard Okafor", roles=(Role.MANAGER,)),
    ...           Person(id="mchen", name="Mei Chen", manager_id="rokafor")]
    >>> wb = Workbook(id=2, employee_id="mchen", manager_id="rokafor",
    ...               cycle_start=dt.date(2026, 9, 1), cycle_end=dt.date(2027, 8, 31))
    >>> picker = WorkbookPicker([wb], people, me=people[0], on_open=print)
    >>> picker.workbooks.options[0][0]
    'Mei Chen with Richard Okafor — Job description (1 Sep 2026 – 31 Aug 2027)'
    >>> picker.open_button.click()
    2
    >>> picker.value
    2
    """

    value = T.Int(None, allow_none=True)
    #: the workbooks listed (setting it redraws the list, keeping the choice)
    all_workbooks: T.List[Workbook] = T.List()
    #: everyone, by id
    people = T.Dict()

    def __init__(
        self,
        workbooks: Sequence[Workbook] = (),
        people: Iterable[Person] = (),
        *,
        me: Person,
        facilitator: Person | None = None,
        on_open: Callable[[int], None] | None = None,
        on_create: Callable[..., Workbook] | None = None,
    ) -> None:
        self.me, self.facilitator = me, facilitator
        self.on_open, self.on_create = on_open, on_create
        self.status = StatusArea()
        guard = self.status.guard
        self.signed_in = html_widget(css="pmw-muted")
        self.workbooks = choice_list(_("Workbooks"))
        self.open_button = button(_("Open"), "primary", tooltip=_("Open the chosen workbook"))
        self.employee = dropdown(_("Employee"))
        self.manager = dropdown(_("Manager"))
        self.coach = dropdown(_("Coach"))
        year = dt.date.today().year
        self.cycle_start = DateBox(_("Cycle starts"), dt.date(year, 9, 1), style=WIDE)
        self.cycle_end = DateBox(_("Cycle ends"), dt.date(year + 1, 8, 31), style=WIDE)
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
        with self.hold_trait_notifications():
            self.people = {p.id: p for p in people}
            self.all_workbooks = list(workbooks)
        self.refresh()

    # --- showing ----------------------------------------------------------------------

    @T.observe("all_workbooks", "people")
    def _on_data(self, _change: Any = None) -> None:
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        """Redraw from the traits; keeps the chosen workbook when it is still listed."""
        if self.facilitator is not None:
            line = _("{coach} facilitating, acting as {name}").format(
                coach=self.facilitator.name, name=self.me.name
            )
        else:
            line = _("Signed in as {name}").format(name=self.me.name)
        self.signed_in.value = f"<p class='pmw-muted'>{esc(line)}</p>"
        chosen = self.workbooks.value
        options = [(self.label(wb), wb.id) for wb in self.all_workbooks]
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
        me = self.me.roles
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
        if self.on_open:  # the services check access again there, whatever the page sent
            self.on_open(wb_id)
        self.value = wb_id
        label = next((self.label(w) for w in self.all_workbooks if w.id == wb_id), str(wb_id))
        self.status.ok(_("Opened: {label}.").format(label=label))

    def create(self) -> None:
        """Create a workbook from the form, select it and open it."""
        if not self.employee.value or not self.manager.value:
            raise ValidationFailed(_("choose the employee and the manager"))
        if self.cycle_start.value is None or self.cycle_end.value is None:
            raise ValidationFailed(_("choose the dates the cycle starts and ends"))
        if self.on_create is None:
            raise NotAllowed(_("workbooks cannot be created here"))
        wb = self.on_create(
            self.employee.value,
            self.manager.value,
            self.cycle_start.value,
            self.cycle_end.value,
            self.coach.value or None,
        )
        assert wb.id is not None
        if wb.id not in [w.id for w in self.all_workbooks]:
            self.all_workbooks = [*self.all_workbooks, wb]
        self.workbooks.value = wb.id
        self.value = wb.id
        self.status.ok(_("Workbook created: {label}.").format(label=self.label(wb)))
        if self.on_open:
            self.on_open(wb.id)
