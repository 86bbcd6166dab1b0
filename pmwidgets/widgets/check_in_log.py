"""CheckInLog: the check-ins step: the log of past conversations and a new check-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import ValidationFailed, describe_validation_error
from ..domain.i18n import _, format_date
from ..domain.model import Amendment, CheckIn, Stage
from ..domain.state import WorkbookState
from . import _svg
from ._check_in_parts import (
    ProgressRow,
    entry_html,
    entry_title,
    grow,
    hint,
    items_html,
    newest_first,
    progress_alt,
)
from ._two_way import filling, value_from_form
from .base import (
    WIDE,
    StatusArea,
    button,
    esc,
    heading,
    html_widget,
    paragraph,
    paragraph_html,
    text,
)
from .date_box import DateBox
from .fold import FoldedEntries
from .lean import make
from .next_action_card import anchor_id

#: what ``on_save`` is: called with the new check-in and a reason ("" here); returns its number
SaveCheckIn = Callable[[CheckIn, str], Any]


class CheckInLog(W.VBox):
    """The check-ins of a workbook, newest first, and a form for a new one.

    The log shows each conversation's GROW notes, progress per objective,
    actions carried forward and proposed amendments, with a chart of progress
    across check-ins. The form records a new check-in: ``value`` is the check-in
    it describes (None while it is incomplete), and setting ``value`` fills the
    form. *Save check-in* hands it to ``on_save(check_in, reason)``, which stores it
    and may return its number; a proposed amendment reopens the agreed objectives
    there (the services do that), so both parties must agree them again. A refusal
    ``on_save`` raises is shown in words, and what was typed survives it.

    Parameters
    ----------
    state:
        The workbook (its check-ins, objectives and cycle); setting it redraws the log.
    names:
        People's names by id (who wrote each check-in).
    on_save:
        ``on_save(check_in, reason)``: stores the check-in; may return its number.
    on_cancel:
        Called by :meth:`cancel`, after the form is cleared.

    Examples
    --------
    >>> import datetime as dt
    >>> from pmwidgets.domain.model import Objective, Stage, Workbook
    >>> from pmwidgets.domain.state import WorkbookState
    >>> wb = Workbook(id=1, employee_id="mchen", manager_id="rokafor", stage=Stage.CHECK_INS,
    ...               cycle_start=dt.date(2026, 9, 1), cycle_end=dt.date(2027, 8, 31))
    >>> pass_rate = Objective(id=1, title="Pass rate", responsibilities=(1,),
    ...                       due=dt.date(2027, 6, 30), weight=100, proposed_by="mchen")
    >>> saved = []
    >>> log = CheckInLog(WorkbookState(wb, objectives=(pass_rate,)),
    ...                  on_save=lambda check_in, reason: saved.append(check_in) or len(saved))
    >>> log.value is None  # nothing written yet
    True
    >>> log.goal.value = "Half-term review"
    >>> log.rows[1].status.value = "on_track"
    >>> log.rows[1].percent.value = 40
    >>> log.value.progress[0].percent
    40
    >>> log.save_button.click()
    >>> log.status.message
    'Check-in 1 saved.'
    >>> saved[0].goal, log.goal.value
    ('Half-term review', '')
    """

    value = T.Instance(CheckIn, allow_none=True)
    state = T.Instance(WorkbookState)
    names = T.Dict()

    def __init__(
        self,
        state: WorkbookState,
        names: Mapping[str, str] | None = None,
        on_save: SaveCheckIn | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.on_save, self.on_cancel = on_save, on_cancel
        self._chart_key: object = None
        self._filling = False  # set while the form is filled from ``value``
        self._ready = False  # set once the traits are given
        self.rows: dict[int, ProgressRow] = {}
        self.entries = FoldedEntries()
        self.entries_note = html_widget()
        self.chart_box = make(W.VBox)
        self.stage_note = html_widget()
        self.carried_in = html_widget(css="pmw-card")
        self.on = DateBox(_("Date"), style=WIDE)
        self.date_hint = html_widget()
        self.goal, self.reality, self.options, self.will = (
            text(label, area=True) for _f, label, _h in grow()
        )
        prompts = [w for f, _l, h in grow() for w in (hint(h), getattr(self, f))]
        self.progress_box = make(W.VBox)
        one_per_line = _("One action per line")
        self.carried = text(_("Carried forward"), area=True, placeholder=one_per_line)
        self.amend_objective = make(W.Dropdown, description=_("Objective"), style=WIDE)
        change = _("What should change")
        self.amend_proposal = text(_("Proposal"), area=True, placeholder=change)
        self.amend_reason = text(_("Reason"), placeholder=_("Why it should change"))
        self.save_button = button(_("Save check-in"), "primary")
        self.status = StatusArea()
        self.save_button.on_click(self.status.guard(lambda _b: self.save()))
        amend_note = _(
            "Proposing an amendment reopens the agreed objectives: "
            "the employee and the manager will both need to agree them again."
        )
        progress_hint = _("Choose a status for each objective you discussed; leave the others.")
        past = [heading(_("Check-ins so far")), self.entries_note, self.entries, self.chart_box]
        # where the step's next action ("Go to the form") leads: the new check-in, below the log
        form = heading(_("New check-in"), anchor=anchor_id("04_check_ins", "edit"))
        intro = [form, self.stage_note, self.carried_in, self.on]
        progress = [heading(_("Progress per objective"), 4), hint(progress_hint)]
        amend = [heading(_("Amendment (optional)"), 4), hint(amend_note), self.amend_objective]
        form = [*intro, self.date_hint, *prompts, *progress, self.progress_box, self.carried]
        form += [*amend, self.amend_proposal, self.amend_reason, self.save_button]
        super().__init__([*past, *form, self.status])
        self.add_class("pmw-check-in-log")
        for field in self._fields():
            field.observe(self._on_field, names="value")
        self.names = dict(names or {})
        self.state = state
        self._ready = True
        self._refresh(state)
        self.reset_form()

    # --- read-only parts, redrawn whenever the state changes ---------------------------

    @property
    def based_on(self) -> int:
        """The workbook version this page shows (a check-in is saved against it)."""
        return self.state.workbook.version

    @T.observe("state", "names")
    def _on_state(self, _change: Any = None) -> None:
        if self._ready:
            self.status.guard(self._refresh)(self.state)

    def _refresh(self, state: WorkbookState) -> None:
        newest = newest_first(state.check_ins)
        # newest first, the newest open
        self.entries.show([(entry_title(c, self.names), entry_html(c, state)) for c in newest])
        self.entries_note.value = "" if newest else paragraph_html(_("No check-ins yet."))
        self._chart(state)
        self._carried_in(newest[0] if newest else None)
        wb = state.workbook
        early = list(Stage).index(wb.stage) < list(Stage).index(Stage.CHECK_INS)
        note = _("Check-ins usually start once the objectives and the development plan are agreed.")
        self.stage_note.value = paragraph_html(note, "pmw-muted") if early else ""
        self.date_hint.value = paragraph_html(
            _("The date must fall inside the cycle, {start} to {end}.").format(
                start=format_date(wb.cycle_start), end=format_date(wb.cycle_end)
            ),
            "pmw-muted",
        )
        self._sync_objectives(state)

    def _chart(self, state: WorkbookState) -> None:
        dated = sorted(state.check_ins, key=lambda c: (c.on, c.id or 0))
        series: dict[str, Sequence[tuple[dt.date, int]]] = {}
        for o in sorted(state.objectives, key=lambda o: o.id or 0):
            points = [(c.on, p.percent) for c in dated for p in c.progress if p.objective == o.id]
            if points:
                series[f"{o.id}. {o.title}"] = points
        key = tuple((label, tuple(points)) for label, points in series.items())
        if key == self._chart_key:
            return
        self._chart_key = key
        if not series:
            note = paragraph(_("No progress has been recorded at a check-in yet."), "pmw-muted")
            self.chart_box.children = (note,)
            return
        self.chart_box.children = (_svg.chart(_svg.progress_chart(series), progress_alt(series)),)

    def _carried_in(self, previous: CheckIn | None) -> None:
        if previous is None or not previous.carried_forward:
            self.carried_in.value = paragraph_html(
                _("No actions were carried forward from the previous check-in."), "pmw-muted"
            )
            return
        title = _("Carried forward from the check-in of {date}").format(
            date=format_date(previous.on)
        )
        self.carried_in.value = items_html(title, [esc(a) for a in previous.carried_forward])

    def _sync_objectives(self, state: WorkbookState) -> None:
        """Match the progress rows and the amendment choices to the current objectives."""
        objectives = sorted(state.objectives, key=lambda o: o.id or 0)
        for o in objectives:
            number = o.id or 0
            if number in self.rows:
                self.rows[number].retitle(o.title)
            else:
                self.rows[number] = row = ProgressRow(number, o.title)
                row.reset(self._last_percent(number))
                for field in row.inputs():
                    field.observe(self._on_field, names="value")
        keep = {o.id for o in objectives}
        self.rows = {n: r for n, r in self.rows.items() if n in keep}
        self.progress_box.children = [self.rows[o.id or 0].box for o in objectives]
        if not objectives:
            self.progress_box.children = (paragraph(_("There are no objectives yet.")),)
        chosen = self.amend_objective.value
        label = _("Objective {n}: {title}")
        choices = [(label.format(n=o.id, title=o.title)[:80], o.id or 0) for o in objectives]
        self.amend_objective.options = [(_("No objective"), 0), *choices]
        self.amend_objective.value = chosen if chosen in keep else 0
        self._on_field()

    def _last_percent(self, number: int) -> int:
        return next(
            (
                p.percent
                for c in newest_first(self.state.check_ins)
                for p in c.progress
                if p.objective == number
            ),
            0,
        )

    # --- the form and ``value`` ---------------------------------------------------------

    def _fields(self) -> list[W.ValueWidget]:
        notes = [self.goal, self.reality, self.options, self.will, self.carried]
        return [self.on, *notes, self.amend_objective, self.amend_proposal, self.amend_reason]

    def _on_field(self, _change: Any = None) -> None:
        """Recompute ``value`` from the form (None while it is incomplete)."""
        value_from_form(self, self.draft)

    @T.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        """Someone set ``value``: show it in the form (None: a blank form)."""
        if not self._filling:
            self.fill(change["new"])

    def fill(self, check_in: CheckIn | None) -> None:
        """Show ``check_in`` in the form (None: clear it); nothing is stored."""
        if check_in is None:
            self.reset_form()
            return
        with filling(self):
            self.on.value = check_in.on
            for f, _l, _h in grow():
                getattr(self, f).value = getattr(check_in, f)
            self.carried.value = "\n".join(check_in.carried_forward)
            given = {p.objective: p for p in check_in.progress}
            for number, row in self.rows.items():
                row.load(given.get(number))
            amendment = check_in.amendments[0] if check_in.amendments else None
            self.amend_objective.value = (amendment.objective or 0) if amendment else 0
            self.amend_proposal.value = amendment.proposal if amendment else ""
            self.amend_reason.value = amendment.reason if amendment else ""

    def reset_form(self) -> None:
        """Clear the form for the next check-in (today's date, clamped into the cycle)."""
        wb = self.state.workbook
        with filling(self):
            self.on.value = min(max(dt.date.today(), wb.cycle_start), wb.cycle_end)
            for field in (self.goal, self.reality, self.options, self.will, self.carried):
                field.value = ""
            for number, row in self.rows.items():
                row.reset(self._last_percent(number))
            self.amend_objective.value = 0
            self.amend_proposal.value = self.amend_reason.value = ""
        self._on_field()

    def draft(self) -> CheckIn:
        """The check-in the form describes; ValidationFailed in plain words if it is incomplete."""
        if self.on.value is None:
            raise ValidationFailed(_("choose the date of the check-in"))
        progress = tuple(p for p in (r.progress() for r in self.rows.values()) if p is not None)
        carried = tuple(line.strip() for line in self.carried.value.splitlines() if line.strip())
        proposal, reason = self.amend_proposal.value.strip(), self.amend_reason.value.strip()
        notes: dict[str, Any] = {f: getattr(self, f).value for f, _l, _h in grow()}
        if not (
            any(n.strip() for n in notes.values()) or progress or carried or proposal or reason
        ):
            raise ValidationFailed(_("write something about the conversation before saving"))
        objective = self.amend_objective.value or None
        try:
            amendments: tuple[Amendment, ...] = ()
            if proposal or reason:
                amendments = (Amendment(objective=objective, proposal=proposal, reason=reason),)
            return CheckIn(
                on=self.on.value,
                **notes,
                progress=progress,
                carried_forward=carried,
                amendments=amendments,
            )
        except ValidationError as exc:
            raise ValidationFailed(describe_validation_error(exc)) from None

    # --- saving -------------------------------------------------------------------------

    def save(self) -> None:
        """Hand ``value``, the new check-in, to ``on_save``, then clear the form."""
        draft = self.value if self.value is not None else self.draft()  # words if incomplete
        number = self.on_save(draft, "") if self.on_save is not None else None
        self.reset_form()
        message = (
            _("Check-in {n} saved.").format(n=number)
            if number is not None
            else _("Check-in saved.")
        )
        if draft.amendments:
            message += " " + _(
                "The proposed amendment reopened the objectives: both need to agree them again."
            )
        self.status.ok(message)

    def cancel(self) -> None:
        """Drop what was typed: clear the form, then call ``on_cancel``."""
        self.reset_form()
        self.status.clear()
        if self.on_cancel is not None:
            self.on_cancel()
