"""ObjectiveEditor: write one objective, with SMART feedback as you type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.agreement import AgreementStatus
from ..domain.errors import ValidationFailed, describe_validation_error
from ..domain.i18n import _
from ..domain.model import Objective
from ..domain.rules import smart_check
from ..domain.state import WorkbookState
from .base import (
    TEXT_LAYOUT,
    WIDE,
    StatusArea,
    button,
    check_line,
    esc,
    heading,
    html_widget,
    text,
)
from .context import WorkbookContext
from .lean import make, show


class ObjectiveEditor(W.VBox):
    """Edit one objective (or propose a new one), with live SMART feedback.

    The editor works on a copy: nothing reaches the store until *Save*. The
    SMART feedback is computed in the kernel from the fields as they are typed,
    with no database round trip. ``value`` is the objective as it would be
    saved (None while the fields do not make a valid objective).

    Examples
    --------
    >>> editor = ObjectiveEditor(context)  # doctest: +SKIP
    >>> editor.title.value = "Raise the diagnostics pass rate"  # doctest: +SKIP
    >>> [f.ok for f in editor.findings]  # doctest: +SKIP
    """

    value = T.Any(None, allow_none=True)
    number = T.Int(None, allow_none=True)

    def __init__(
        self,
        context: WorkbookContext,
        number: int | None = None,
        on_saved: Callable[[int], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.context = context
        self.on_saved = on_saved
        self.on_cancel = on_cancel
        self.findings: tuple[Any, ...] = ()
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
        self.due = make(W.DatePicker, description=_("Due"), style=WIDE)
        self.weight = make(
            W.BoundedIntText, description=_("Weight (%)"), min=0, max=100, value=10, style=WIDE
        )
        self.reason = text(
            _("Reason for change"), placeholder=_("Needed once the objectives are agreed")
        )
        self.feedback = html_widget(css="pmw-smart")
        self.save_button = button(_("Save objective"), "primary")
        self.cancel_button = button(_("Cancel"))
        self.status = StatusArea()
        self.save_button.on_click(self.status.guard(lambda _b: self.save(), on_stale=self._stale))
        self.cancel_button.on_click(self.status.guard(lambda _b: self.cancel()))
        for field in (
            self.title,
            self.description,
            self.responsibilities,
            self.measure,
            self.target,
            self.due,
            self.weight,
        ):
            field.observe(self._on_field, names="value")
        self._fields: dict[str, W.ValueWidget] = {
            "title": self.title,
            "description": self.description,
            "responsibilities": self.responsibilities,
            "measure": self.measure,
            "target": self.target,
            "due": self.due,
            "weight": self.weight,
        }
        #: what each field held when it last matched the store, and at which version
        self._loaded: dict[str, Any] = {}
        self._loaded_version = context.version
        context.subscribe(self._on_state)
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
            ]
        )
        self.add_class("pmw-objective-editor")
        self.load(number)

    # --- loading and reading the fields -------------------------------------------

    def load(self, number: int | None) -> None:
        """Show objective ``number`` (None: a blank new objective)."""
        state = self.context.state
        self.number = number
        job = state.job
        self.responsibilities.options = [
            (f"{r.number}. {r.text}"[:120], r.number) for r in (job.responsibilities if job else ())
        ]
        existing = state.objective(number) if number is not None else None
        with self.hold_trait_notifications():
            if existing is None:
                self._title(_("New objective"))
                self.title.value = self.description.value = self.measure.value = (
                    self.target.value
                ) = ""
                self.responsibilities.value = ()
                self.due.value = state.workbook.cycle_end
                self.weight.value = 10
            else:
                self._title(_("Objective {n}").format(n=number))
                self.title.value = existing.title
                self.description.value = existing.description
                self.responsibilities.value = tuple(
                    n for n in existing.responsibilities if job and job.responsibility(n)
                )
                self.measure.value = existing.measure
                self.target.value = existing.target
                self.due.value = existing.due
                self.weight.value = existing.weight
            self.reason.value = ""
        self._remember(state.workbook.version)
        self._agreed_notice(state)
        self._on_field()

    def _title(self, words: str) -> None:
        """Put ``words`` in the heading (the markup of :func:`.base.heading`, escaped).

        Taking the value of a new ``heading(...)`` widget cost a widget, and a model
        the browser had to create, on every save and every objective opened.
        """
        self.heading.value = f"<h3 class='pmw-heading'>{esc(words)}</h3>"

    def _remember(self, version: int) -> None:
        self._loaded = {name: field.value for name, field in self._fields.items()}
        self._loaded_version = version

    def _stored_values(self, state: WorkbookState) -> dict[str, Any] | None:
        stored = state.objective(self.number) if self.number is not None else None
        if stored is None:
            return None
        job = state.job
        return {
            "title": stored.title,
            "description": stored.description,
            "responsibilities": tuple(
                n for n in stored.responsibilities if job and job.responsibility(n)
            ),
            "measure": stored.measure,
            "target": stored.target,
            "due": stored.due,
            "weight": stored.weight,
        }

    def _on_state(self, state: WorkbookState) -> None:
        """Someone saved: fields not touched here follow the store; typed ones are kept.

        If the same field was changed both here and by the other person, the next
        save is refused as stale (naming their change), so nobody's edit is lost
        silently; saving again after that keeps what is typed here.
        """
        stored = self._stored_values(state)
        if stored is None:
            self._loaded_version = (
                state.workbook.version if self.number is None else self._loaded_version
            )
            return
        conflict = False
        with self.hold_trait_notifications():
            for name, field in self._fields.items():
                mine, before, theirs = field.value, self._loaded.get(name), stored[name]
                if mine == before and theirs != before:
                    field.value = theirs
                    self._loaded[name] = theirs
                elif mine != before and theirs != before and theirs != mine:
                    conflict = True
                else:
                    self._loaded[name] = theirs if mine == theirs else before
        if not conflict:
            self._loaded_version = state.workbook.version
        self._agreed_notice(state)
        self._on_field()

    def _agreed_notice(self, state: WorkbookState) -> None:
        agreed = state.agreement_status("objectives") == AgreementStatus.AGREED
        show(self.reason, agreed)

    def _draft(self) -> Objective:
        """The objective the fields describe; ValidationFailed in plain words if they don't."""
        if not self.title.value.strip():
            raise ValidationFailed(_("give the objective a title"))
        if not self.responsibilities.value:
            raise ValidationFailed(_("choose the responsibilities it serves"))
        if self.due.value is None:
            raise ValidationFailed(_("choose a due date"))
        try:
            return Objective(
                id=self.number,
                title=self.title.value,
                description=self.description.value,
                responsibilities=tuple(self.responsibilities.value),
                measure=self.measure.value,
                target=self.target.value,
                due=self.due.value,
                weight=int(self.weight.value),
                proposed_by=self.context.services.me.id,
            )
        except ValidationError as exc:
            raise ValidationFailed(describe_validation_error(exc)) from None

    def _on_field(self, _change: Any = None) -> None:
        """Recompute SMART feedback from the fields (no database round trip)."""
        try:
            draft = self._draft()
        except ValidationFailed as exc:
            self.value = None
            self.findings = ()
            self.feedback.value = check_line(
                False, _("Not complete yet: {why}").format(why=exc.reason)
            )
            return
        self.value = draft
        state = self.context.state
        self.findings = smart_check(draft, state.workbook, state.job, today=dt.date.today())
        score = sum(f.ok for f in self.findings)
        summary = f"<div class='pmw-smart-score'>{score}/5 SMART</div>"
        self.feedback.value = summary + "".join(check_line(f.ok, f.message) for f in self.findings)

    # --- actions --------------------------------------------------------------------

    def save(self) -> None:
        """Store the objective: propose it, or change it (with a reason once agreed)."""
        draft = self._draft()
        svc, ctx = self.context.services, self.context
        saved: int | None = None
        if self.number is None:
            number = svc.add_objective(ctx.workbook_id, draft, ctx.version, self.reason.value)
            message = _("Objective {n} proposed.").format(n=number)
        else:
            number = self.number
            saved = svc.update_objective(
                ctx.workbook_id, number, draft, self._loaded_version, self.reason.value
            )
            message = _("Objective {n} saved.").format(n=number)
        self.number = number
        ctx.reload()
        # the version our save made, not a later one: a save by someone else that landed
        # in between was never seen here, so the next save must hear of it (stale)
        self._remember(ctx.version if saved is None else saved)
        self._title(_("Objective {n}").format(n=number))
        self.reason.value = ""
        self._agreed_notice(ctx.state)
        self.status.ok(message)
        if self.on_saved:
            self.on_saved(number)

    def cancel(self) -> None:
        """Drop unsaved changes."""
        self.load(self.number)
        self.status.info(_("Changes dropped."))
        if self.on_cancel:
            self.on_cancel()

    def _stale(self) -> None:
        """Someone else saved first: show their changes, keep what was typed here.

        Fields not touched here take their values; the person has now been told
        what changed, so saving again applies what is typed here on top.
        """
        state = self.context.reload()
        stored = self._stored_values(state)
        if stored is not None:
            self._loaded = dict(stored)
        self._loaded_version = state.workbook.version
