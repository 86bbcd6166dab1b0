"""ObjectiveEditor: write one objective, with SMART feedback as you type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import EditConflict, ValidationFailed, describe_validation_error
from ..domain.i18n import _
from ..domain.model import Objective
from ..domain.rules import Finding, smart_check
from ..domain.state import WorkbookState
from ._objective_form import (
    FIELDS,
    WeightText,
    feedback_html,
    field_values,
    follow,
    missing,
    typed_weight,
    untouched_html,
)
from .base import TEXT_LAYOUT, WIDE, StatusArea, button, esc, heading, html_widget, text
from .conflict_view import ConflictSlot
from .date_box import DateBox
from .lean import make, show

TEMPLATE_FIELDS = FIELDS  #: the fields a template may fill in for a new objective
#: ``on_save(value, reason)``: returns (its number, the version the save made), or None
Save = Callable[[Objective, str], tuple[int, int] | None]


class ObjectiveEditor(W.VBox):
    """Edit one objective (or propose a new one), with live SMART feedback.

    A pure view: it takes the workbook's :attr:`state` (the job's responsibilities,
    the cycle, whether the objectives are agreed) and reports through ``on_save``
    and ``on_cancel``. It works on a copy: nothing is stored until *Save*. ``value``
    is the objective as it would be saved (None while the fields do not make a
    valid objective); setting it fills the form.

    A new objective starts empty unless a template fills it (:meth:`load`). The
    feedback lists everything missing at once, once a field is touched or *Save* pressed.

    When :attr:`state` changes (someone else saved), fields not touched here follow
    it; typed ones are kept. ``on_save`` may raise a ``PmwError``: the editor says
    why in its status area; for an :class:`EditConflict` it shows both values under
    *Save* for the author to choose.

    Examples
    --------
    >>> from pmwidgets.domain.examples import example_state
    >>> editor = ObjectiveEditor(example_state(), number=1,
    ...                          on_save=lambda value, reason: print("saving", value.weight))
    >>> editor.weight.value
    '50'
    >>> editor.weight.value = "40"
    >>> editor.value.weight
    40
    >>> editor.value = editor.value.model_copy(update={"title": "Cut delays"})
    >>> editor.title.value
    'Cut delays'
    >>> editor.save_button.click()
    saving 40
    """

    #: the objective as it would be saved; None while the fields do not make one
    value = T.Instance(Objective, allow_none=True)
    #: the workbook the objective belongs to
    state = T.Instance(WorkbookState, allow_none=True)
    #: the stored objective being edited (None: a new one)
    number = T.Int(None, allow_none=True)
    #: the workbook version the fields started from: a save is merged from there
    based_on = T.Int(0)
    #: people's names by id (to say who else changed a field)
    names = T.Dict()
    #: who proposes a new objective (the acting person's id)
    author = T.Unicode("")

    def __init__(
        self,
        state: WorkbookState | None = None,
        number: int | None = None,
        on_save: Save | None = None,
        on_cancel: Callable[[], None] | None = None,
        **traits: Any,
    ) -> None:
        self.on_save, self.on_cancel = on_save, on_cancel
        self.findings: tuple[Finding, ...] = ()
        self._make_fields()
        self.feedback = html_widget(css="pmw-smart")
        self.save_button = button(_("Save objective"), "primary")
        self.cancel_button = button(_("Cancel"))
        self.status = StatusArea()
        #: both changed one field: the two values side by side, under Save, for a choice
        self.conflicts = ConflictSlot()
        self.save_button.on_click(
            self.status.guard(lambda _b: self.save(), on_conflict=self._conflict)
        )
        self.cancel_button.on_click(self.status.guard(lambda _b: self.cancel()))
        self._fields: dict[str, W.ValueWidget] = {name: getattr(self, name) for name in FIELDS}
        for field in self._fields.values():
            field.observe(self._on_field, names="value")
        #: what each field held when it last matched the stored objective
        self._loaded: dict[str, Any] = {}
        #: whether the person has touched a field (or pressed Save) since the form was loaded
        self.touched = False
        self._quiet = 0  # > 0 while the editor itself sets fields: not the person's touch
        self._own_value = False  # True while the fields set ``value``
        super().__init__(
            [
                self.heading,
                self.title,
                self.description,
                self.responsibilities,
                self.measure,
                self.target,
                make(W.HBox, children=[self.due, self.weight]),
                self.feedback,
                self.reason,
                make(W.HBox, children=[self.save_button, self.cancel_button]),
                self.status,
                self.conflicts,
            ]
        )
        self.add_class("pmw-objective-editor")
        with self.hold_trait_notifications():
            for name, value in traits.items():
                setattr(self, name, value)
            self.state = state
        self.load(number)

    def _make_fields(self) -> None:
        """The heading and the inputs, each with a visible label."""
        self.heading = heading(_("New objective"))
        self.title = text(_("Title"), placeholder=_("What will be achieved, in a few words"))
        self.description = text(
            _("Description"), area=True, placeholder=_("What will be different, and for whom")
        )
        self.responsibilities = make(
            W.SelectMultiple, description=_("Serves"), style=WIDE, rows=4, layout=TEXT_LAYOUT
        )
        self.measure = text(_("Measure"), placeholder=_("How progress will be seen"))
        self.target = text(_("Target"), placeholder=_("A number, a date or a yes/no outcome"))
        self.due = DateBox(_("Due"), style=WIDE)
        self.weight = make(
            WeightText,
            description=_("Weight (%)"),
            placeholder=_("1 to 100"),
            style=WIDE,
            layout={"width": "18em"},
        )
        self.reason = text(
            _("Reason for change"), placeholder=_("Why this change: both see it in the record")
        )

    # --- loading and reading the fields -------------------------------------------

    @contextmanager
    def _setting(self) -> Iterator[None]:
        """Set fields from the state or a template: not a touch by the person."""
        self._quiet += 1
        try:
            with self.hold_trait_notifications():
                yield
        finally:
            self._quiet -= 1

    def load(self, number: int | None, template: Mapping[str, Any] | None = None) -> None:
        """Show objective ``number`` (None: a new objective, empty unless ``template`` fills it).

        Parameters
        ----------
        number:
            The stored objective to edit, or None for a new one.
        template:
            For a new objective, values for any of :data:`TEMPLATE_FIELDS` (say a
            team's template with its due date and weight); the rest stay empty.
        """
        state = self.state
        self.number = number
        self._options()
        existing = self._stored_values(state)
        with self._setting():
            if existing is None:
                given = dict(template or {})
                self._title(_("New objective"))
                known = {n for _label, n in self.responsibilities.options}
                for name in ("title", "description", "measure", "target"):
                    self._fields[name].value = str(given.get(name) or "")
                self.responsibilities.value = tuple(
                    n for n in given.get("responsibilities") or () if n in known
                )
                self.due.value = given.get("due")
                weight = given.get("weight")
                self.weight.value = "" if weight is None else str(weight)
            else:
                self._title(_("Objective {n}").format(n=number))
                for name, field in self._fields.items():
                    field.value = existing[name]
            self.reason.value = ""
        self.touched = False
        self._remember(state.workbook.version if state else 0)
        self._agreed_notice()
        self._on_field()

    def _options(self) -> None:
        job = self.state.job if self.state else None
        self.responsibilities.options = [
            (f"{r.number}. {r.text}"[:120], r.number) for r in (job.responsibilities if job else ())
        ]

    def _title(self, words: str) -> None:
        """Put ``words`` in the heading (the markup of :func:`.base.heading`, escaped)."""
        self.heading.value = f"<h3 class='pmw-heading'>{esc(words)}</h3>"

    def _remember(self, version: int) -> None:
        self._loaded = {name: field.value for name, field in self._fields.items()}
        self.based_on = version

    def _stored_values(self, state: WorkbookState | None) -> dict[str, Any] | None:
        stored = state.objective(self.number) if state and self.number is not None else None
        if stored is None or state is None:
            return None
        return field_values(stored, state.job)

    @T.observe("state")
    def _on_state(self, change: dict[str, Any]) -> None:
        """Someone saved: fields not touched here follow the state; typed ones are kept.

        If the same field was changed both here and by the other person, the next
        save is refused (naming their change), so nobody's edit is lost silently.
        """
        if not self._fields:
            return
        state: WorkbookState | None = change["new"]
        if self._job_of(change["old"]) != self._job_of(state):
            chosen = self.responsibilities.value
            with self._setting():
                self._options()
                known = {n for _label, n in self.responsibilities.options}
                self.responsibilities.value = tuple(n for n in chosen if n in known)
        stored = self._stored_values(state)
        if stored is None:
            if self.number is None and state is not None:
                self.based_on = state.workbook.version
            self._agreed_notice()
            self._on_field()
            return
        mine = {name: field.value for name, field in self._fields.items()}
        updates, self._loaded, conflict = follow(mine, self._loaded, stored)
        with self._setting():
            for name, value in updates.items():
                self._fields[name].value = value
        if not conflict and state is not None:
            self.based_on = state.workbook.version
        self._agreed_notice()
        self._on_field()

    @staticmethod
    def _job_of(state: WorkbookState | None) -> Any:  # what the responsibilities offered are
        return state.job.responsibilities if state and state.job else None

    @T.observe("names")
    def _names_changed(self, change: dict[str, Any]) -> None:
        self.conflicts.names = change["new"]

    @T.observe("value")
    def _value_set(self, change: dict[str, Any]) -> None:
        """``value`` set from outside: the form shows it (None leaves the form as it is)."""
        new: Objective | None = change["new"]
        if self._own_value or new is None or not self._fields:
            return
        if new.id != self.number:
            self.load(new.id)
        with self._setting():
            for name, value in field_values(new, self.state.job if self.state else None).items():
                self._fields[name].value = value
        self.touched = True
        self._on_field()

    def _agreed_notice(self) -> None:
        show(self.reason, bool(self.state and self.state.needs_reason("objectives")))

    def missing(self) -> list[tuple[str, bool]]:
        """What the fields still lack, in plain words (see :func:`._objective_form.missing`)."""
        return missing({name: field.value for name, field in self._fields.items()})

    def _proposer(self) -> str:
        stored = self.state.objective(self.number) if self.state and self.number else None
        if stored is not None:
            return stored.proposed_by
        return self.author or (self.state.workbook.employee_id if self.state else "")

    def _draft(self) -> Objective:
        """The objective the fields describe; ValidationFailed in plain words (one line,
        naming everything missing) if they don't."""
        to_save = [gap for gap, needed in self.missing() if needed]
        if to_save:
            raise ValidationFailed(_("Not complete yet: {what}").format(what="; ".join(to_save)))
        weight, _problem = typed_weight(self.weight.value)
        try:
            return Objective(
                id=self.number,
                title=self.title.value,
                description=self.description.value,
                responsibilities=tuple(self.responsibilities.value),
                measure=self.measure.value,
                target=self.target.value,
                due=self.due.value,
                weight=weight,
                proposed_by=self._proposer(),
            )
        except ValidationError as exc:
            raise ValidationFailed(describe_validation_error(exc)) from None

    def _on_field(self, change: Any = None) -> None:
        """Recompute ``value`` and the feedback from the fields (no database round trip)."""
        if change is not None and not self._quiet:
            self.touched = True
        gaps_needed = self.missing()
        gaps = [gap for gap, _needed in gaps_needed]
        draft: Objective | None = None
        try:
            draft = self._draft()
        except ValidationFailed as exc:
            if not any(needed for _gap, needed in gaps_needed):  # a rule of the model, in words
                gaps.append(exc.reason)
        self._own_value = True
        try:
            self.value = draft
        finally:
            self._own_value = False
        state = self.state
        self.findings = ()
        if draft is not None and state is not None:
            self.findings = tuple(
                smart_check(draft, state.workbook, state.job, today=dt.date.today())
            )
        if not (self.touched or self.number is not None):
            self.feedback.value = untouched_html()
            return
        measured = bool(self.measure.value.strip() and self.target.value.strip())
        self.feedback.value = feedback_html(gaps, self.findings, measured)

    # --- actions --------------------------------------------------------------------

    def save(self) -> None:
        """Hand the objective to ``on_save``: propose it, or change it (with a reason once agreed)."""
        self.touched = True
        self._on_field()  # whatever is missing is listed beside the fields too
        self._save(self._draft())

    def _save(self, draft: Objective) -> None:
        new = self.number is None
        made = self.on_save(draft, self.reason.value) if self.on_save else None
        number, version = made if made else (self.number, self.based_on)
        self.number = number
        # the version our save made, not a later one: a save by someone else that landed
        # in between was never seen here, so the next save must hear of it
        self._remember(version)
        self._title(_("Objective {n}").format(n=number) if number else _("New objective"))
        self.reason.value = ""
        self._agreed_notice()
        message = _("Objective {n} proposed.") if new else _("Objective {n} saved.")
        self.status.ok(message.format(n=number or ""))

    def cancel(self) -> None:
        """Drop unsaved changes."""
        self.load(self.number)
        self.status.info(_("Changes dropped."))
        if self.on_cancel:
            self.on_cancel()

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: both values under *Save*; the author's choice is saved."""
        number = self.number

        def save(record: Any, version: int) -> None:
            chosen = Objective(**{**record, "id": number, "proposed_by": self._proposer()})
            before = self.based_on
            self.based_on = version
            try:
                self._save(chosen)
            except BaseException:
                self.based_on = before
                raise
            self.load(number)
            self.status.ok(_("Your choice is saved; the rest was merged with theirs."))

        self.conflicts.show_conflict(conflict, save)
