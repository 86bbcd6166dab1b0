"""ObjectiveEditor: write one objective, with SMART feedback as you type."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import EditConflict, ValidationFailed, describe_validation_error
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
    paragraph_html,
    text,
)
from .conflict_view import ConflictSlot
from .context import WorkbookContext
from .lean import make, show

_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")
#: the fields a template may fill in for a new objective
TEMPLATE_FIELDS = ("title", "description", "responsibilities", "measure", "target", "due", "weight")


class WeightText(W.Text):
    """The weight typed as text, so that it can be empty: no weight is invented.

    A number set from Python (``editor.weight.value = 20``) is kept as its text.
    """

    value = T.CUnicode("", help="The weight in percent, as typed").tag(sync=True)


class ObjectiveEditor(W.VBox):
    """Edit one objective (or propose a new one), with live SMART feedback.

    The editor works on a copy: nothing reaches the store until *Save*. The
    SMART feedback is computed in the kernel from the fields as they are typed,
    with no database round trip. ``value`` is the objective as it would be
    saved (None while the fields do not make a valid objective).

    A new objective starts empty: no due date and no weight are filled in for the
    person unless a template gives them (:meth:`load`). The feedback lists
    everything still missing at once, and appears once a field has been touched
    or *Save* pressed, so an empty form shows no error before anyone types.

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
            WeightText,
            description=_("Weight (%)"),
            placeholder=_("1 to 100"),
            style=WIDE,
            layout={"width": "18em"},
        )
        self.reason = text(
            _("Reason for change"), placeholder=_("Needed once the objectives are agreed")
        )
        self.feedback = html_widget(css="pmw-smart")
        self.save_button = button(_("Save objective"), "primary")
        self.cancel_button = button(_("Cancel"))
        self.status = StatusArea()
        #: both changed one field: the two values side by side, under Save, for a choice
        self.conflicts = ConflictSlot(context.names)
        self.save_button.on_click(
            self.status.guard(
                lambda _b: self.save(), on_stale=self._stale, on_conflict=self._conflict
            )
        )
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
        #: whether the person has touched a field (or pressed Save) since the form was loaded
        self.touched = False
        self._quiet = 0  # > 0 while the editor itself sets fields: not the person's touch
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
                self.conflicts,
            ]
        )
        self.add_class("pmw-objective-editor")
        self.load(number)

    # --- loading and reading the fields -------------------------------------------

    @contextmanager
    def _setting(self) -> Iterator[None]:
        """Set fields from the store or a template: not a touch by the person."""
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
        state = self.context.state
        self.number = number
        job = state.job
        known = {r.number for r in (job.responsibilities if job else ())}
        self.responsibilities.options = [
            (f"{r.number}. {r.text}"[:120], r.number) for r in (job.responsibilities if job else ())
        ]
        existing = state.objective(number) if number is not None else None
        with self._setting():
            if existing is None:
                given = dict(template or {})
                self._title(_("New objective"))
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
                self.title.value = existing.title
                self.description.value = existing.description
                self.responsibilities.value = tuple(
                    n for n in existing.responsibilities if job and job.responsibility(n)
                )
                self.measure.value = existing.measure
                self.target.value = existing.target
                self.due.value = existing.due
                self.weight.value = str(existing.weight)
            self.reason.value = ""
        self.touched = False
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
            "weight": str(stored.weight),
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
        with self._setting():
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
        show(self.reason, state.needs_reason("objectives"))

    def _weight(self) -> tuple[int | None, str | None]:
        """The weight typed, or None with what is wrong with it (None, None: empty)."""
        typed = str(self.weight.value).strip().removesuffix("%").strip()
        if not typed:
            return None, None
        if not _WHOLE_NUMBER.fullmatch(typed) or not 1 <= int(typed) <= 100:
            shown = typed if len(typed) <= 20 else typed[:19] + "…"
            return None, _("the weight must be a whole number from 1 to 100, not “{v}”").format(
                v=shown
            )
        return int(typed), None

    def missing(self) -> list[tuple[str, bool]]:
        """What the fields still lack, in plain words, all at once, in the form's order.

        Returns
        -------
        list of (sentence, needed_to_save)
            ``needed_to_save`` is False for what the objective needs before it can
            be agreed but may be saved without (its measure and target).
        """
        gaps: list[tuple[str, bool]] = []
        if not self.title.value.strip():
            gaps.append((_("give the objective a title"), True))
        if not self.responsibilities.value:
            gaps.append((_("choose the responsibilities it serves"), True))
        if not self.measure.value.strip():
            gaps.append((_("add a measure before agreeing: how progress will be seen"), False))
        if not self.target.value.strip():
            gaps.append(
                (_("add a target before agreeing: a number, a date or a yes/no outcome"), False)
            )
        if self.due.value is None:
            gaps.append((_("choose a due date inside the cycle"), True))
        weight, problem = self._weight()
        if weight is None:
            gaps.append((problem or _("give it a weight from 1 to 100 (%)"), True))
        return gaps

    def _draft(self) -> Objective:
        """The objective the fields describe; ValidationFailed in plain words (one line,
        naming everything missing) if they don't."""
        to_save = [gap for gap, needed in self.missing() if needed]
        if to_save:
            raise ValidationFailed(_("Not complete yet: {what}").format(what="; ".join(to_save)))
        weight, _problem = self._weight()
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
                proposed_by=self.context.services.me.id,
            )
        except ValidationError as exc:
            raise ValidationFailed(describe_validation_error(exc)) from None

    def _on_field(self, change: Any = None) -> None:
        """Recompute ``value`` and the feedback from the fields (no database round trip)."""
        if change is not None and not self._quiet:
            self.touched = True
        missing = self.missing()
        gaps = [gap for gap, _needed in missing]
        draft: Objective | None = None
        try:
            draft = self._draft()
        except ValidationFailed as exc:
            if not any(needed for _gap, needed in missing):  # a rule of the model, in words
                gaps.append(exc.reason)
        self.value = draft
        if draft is None:
            self.findings = ()
        else:
            state = self.context.state
            self.findings = smart_check(draft, state.workbook, state.job, today=dt.date.today())
        if not (self.touched or self.number is not None):
            self.feedback.value = paragraph_html(
                _(
                    "Fill in the objective: what is still missing, and the SMART feedback, "
                    "appear here as you type."
                )
            )
            return
        parts = []
        if gaps:
            parts.append(
                "<div class='pmw-smart-missing'>{}</div>".format(esc(_("Not complete yet:")))
            )
            parts += [check_line(False, gap) for gap in gaps]
        if self.findings:
            # a missing measure or target is listed above already
            unmeasured = not (self.measure.value.strip() and self.target.value.strip())
            shown = [f for f in self.findings if not (unmeasured and f.criterion == "measurable")]
            score = sum(f.ok for f in self.findings)
            parts.append(f"<div class='pmw-smart-score'>{score}/5 SMART</div>")
            parts += [check_line(f.ok, f.message) for f in shown]
        self.feedback.value = "".join(parts)

    # --- actions --------------------------------------------------------------------

    def save(self) -> None:
        """Store the objective: propose it, or change it (with a reason once agreed)."""
        self.touched = True
        self._on_field()  # whatever is missing is listed beside the fields too
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
        """Someone saved at the same moment: show their changes, keep what was typed here.

        Fields not touched here take their values; the typing stays based on the version
        it began from, so saving again keeps their changes (or shows a field both changed).
        """
        self.context.reload()

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: both values under *Save*; the author's choice is saved."""
        number = self.number

        def save(record: Any, version: int) -> None:
            ctx = self.context
            chosen = Objective(**{**record, "proposed_by": ctx.services.me.id})
            ctx.services.update_objective(
                ctx.workbook_id, number or 0, chosen, version, self.reason.value
            )
            ctx.reload()
            self.load(number)
            self.status.ok(_("Your choice is saved; the rest was merged with theirs."))
            if self.on_saved and number is not None:
                self.on_saved(number)

        self.conflicts.show_conflict(conflict, save)
