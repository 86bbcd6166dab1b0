"""ReviewForm: the review step: each party assesses every objective beside the evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
from pydantic import ValidationError

from ..domain.errors import EditConflict, ValidationFailed, describe_validation_error
from ..domain.i18n import _, format_date
from ..domain.model import (
    ASSESSMENT_LABELS,
    PARTIES,
    Assessment,
    Objective,
    Party,
    Review,
    Stage,
)
from ..domain.readiness import review_opens
from ..domain.state import WorkbookState
from .base import (
    WIDE,
    StatusArea,
    button,
    esc,
    heading,
    html_table,
    html_widget,
    paragraph,
    paragraph_html,
    text,
)
from .conflict_view import ConflictSlot
from .context import WorkbookContext
from .lean import close_replaced, make, show

#: each party's column beside the evidence (which takes the other 40%)
COLUMN = {"width": "30%"}


def _status_label(status: str) -> str:
    return {
        "not_started": _("not started"),
        "on_track": _("on track"),
        "at_risk": _("at risk"),
        "off_track": _("off track"),
        "done": _("done"),
    }.get(status, status)


def _stage_index(stage: Stage) -> int:
    return list(Stage).index(stage)


class ReviewForm(W.VBox):
    """Self and manager assessment of every objective, with the check-in evidence beside it.

    The acting party edits only their own column (a level and a comment per
    objective); the other party's column is shown as read-only text. *Save my
    assessments* merges the acting party's assessments into the stored review,
    keeping the other party's exactly, together with the development outcomes
    and the next cycle's focus. The services layer refuses any change to the
    other party's column. Signing is done by the agreement panel on "review".

    Examples
    --------
    >>> form = ReviewForm(context)  # doctest: +SKIP
    >>> form.levels[1].value = "met"  # doctest: +SKIP
    >>> form.save_button.click()  # doctest: +SKIP
    >>> form.status.kind  # doctest: +SKIP
    'ok'
    """

    def __init__(
        self, context: WorkbookContext, on_saved: Callable[[int], None] | None = None
    ) -> None:
        self.context = context
        self.on_saved = on_saved
        self._names = {p.id: p.name for p in context.services.people()}
        self._party: Party | str | None = "?"
        self._loaded: dict[str, Any] = {}
        self.cards: dict[int, W.VBox] = {}
        self.headers: dict[int, W.HTML] = {}
        self.evidence: dict[int, W.HTML] = {}
        self.levels: dict[int, W.Dropdown] = {}
        self.comments: dict[int, W.Textarea] = {}
        self.others: dict[tuple[int, str], W.HTML] = {}
        self.stage_note = html_widget()
        self.start_button = button(_("Start the review"), "primary")
        self.cards_box = make(W.VBox)
        self.outcomes = text(
            _("Development outcomes"),
            area=True,
            placeholder=_("What the development plan achieved"),
        )
        start_from = _("What the next cycle should start from")
        self.next_focus = text(_("Next-cycle focus"), area=True, placeholder=start_from)
        self.save_button = button(_("Save my assessments"), "primary")
        self.status = StatusArea()
        self.body = make(
            W.VBox,
            children=[
                self.cards_box,
                heading(_("Development and the next cycle"), 4),
                self.outcomes,
                self.next_focus,
                paragraph(
                    _(
                        "Once both assessments are complete, the employee and the manager "
                        "both sign the review below."
                    ),
                    "pmw-muted",
                ),
                self.save_button,
            ],
        )
        #: why the review starts before the last weeks of the cycle (recorded)
        self.start_reason = text(
            _("Reason to start early"), placeholder=_("Why the review starts now")
        )
        #: both changed one field: the two values, for a choice
        self.conflicts = ConflictSlot(context.names)
        #: the version this form's typing started from: saved with it, so that a change
        #: the other person made meanwhile is kept, or shown beside this one
        self._based_on = context.version
        self.start_button.on_click(self.status.guard(lambda _b: self.start(), on_stale=self._stale))
        self.save_button.on_click(
            self.status.guard(
                lambda _b: self.save(), on_stale=self._stale, on_conflict=self._conflict
            )
        )
        super().__init__(
            [
                heading(_("Review")),
                self.stage_note,
                self.start_reason,
                self.start_button,
                self.body,
                self.status,
                self.conflicts,
            ]
        )
        self.add_class("pmw-review-form")
        context.subscribe(self._refresh)
        self._refresh(context.state)

    # --- showing the state -----------------------------------------------------------

    def _edited(self) -> bool:
        """Whether anything typed here differs from what was loaded into it."""
        fields: dict[str, W.ValueWidget] = {
            "outcomes": self.outcomes,
            "next_focus": self.next_focus,
        }
        fields.update({f"level{n}": w for n, w in self.levels.items()})
        fields.update({f"comment{n}": w for n, w in self.comments.items()})
        return any(k in self._loaded and w.value != self._loaded[k] for k, w in fields.items())

    def _refresh(self, state: WorkbookState) -> None:
        party = self.context.party
        stage = state.workbook.stage
        # nothing typed: the form now starts from this version; else from where typing began
        follow = not self._edited() or party != self._party
        if party != self._party:  # a new acting person (coach mode): start from what is stored
            self._party = party
            for parts in (self.cards, self.headers, self.evidence, self.levels, self.comments):
                parts.clear()
            self.others.clear()
            self._loaded.clear()
        objectives = sorted(state.objectives, key=lambda o: o.id or 0)
        for o in objectives:
            if (o.id or 0) not in self.cards:
                self.cards[o.id or 0] = self._card(o.id or 0, party)
            self._show(o, state)
        old = tuple(self.cards_box.children)
        self.cards_box.children = [self.cards[o.id or 0] for o in objectives] or [
            paragraph(_("There are no objectives to assess."))
        ]
        close_replaced(old, tuple(self.cards_box.children))  # cards of another acting person
        self._sync("outcomes", self.outcomes, state.review.development_outcomes)
        self._sync("next_focus", self.next_focus, state.review.next_cycle_focus)
        if follow:
            self._based_on = state.workbook.version
        in_review = stage == Stage.REVIEW
        show(self.body, stage in (Stage.REVIEW, Stage.CLOSED))
        show(self.save_button, in_review)
        for field in (
            *self.levels.values(),
            *self.comments.values(),
            self.outcomes,
            self.next_focus,
        ):
            field.disabled = not in_review
        starting = stage == Stage.CHECK_INS and party is not None
        show(self.start_button, starting)
        early = dt.date.today() < review_opens(state.workbook)
        show(self.start_reason, starting and early)
        if _stage_index(stage) < _stage_index(Stage.CHECK_INS):
            note = _(
                "The review comes at the end of the cycle: the objectives and the development "
                "plan must be agreed by both first."
            )
        elif stage == Stage.CHECK_INS:
            note = _(
                "Starting the review moves this workbook to its last step: each of you assesses "
                "every objective against the evidence gathered at the check-ins, then both sign."
            )
            opens = review_opens(state.workbook)
            if dt.date.today() < opens:
                note += " " + _(
                    "The cycle ends on {end}, so the review starts from {opens}. To start it "
                    "earlier, give the reason below: it is recorded, and both of you see it."
                ).format(end=format_date(state.workbook.cycle_end), opens=format_date(opens))
        elif stage == Stage.REVIEW:
            note = _(
                "Each of you assesses every objective in your own column, with the evidence "
                "from the check-ins beside it."
            )
        else:
            note = _("The review has been signed by both; this workbook is closed.")
        self.stage_note.value = paragraph_html(note)

    def _card(self, number: int, party: Party | None) -> W.VBox:
        """The inputs and read-only parts for one objective (its widgets share their layouts)."""
        self.headers[number] = html_widget()
        self.evidence[number] = make(W.HTML, layout={"width": "40%"})
        row: list[W.Widget] = [self.evidence[number]]
        for who in PARTIES:
            if who == party:
                title = html_widget(f"<strong>{esc(self._column_title(who))}</strong>")
                level = make(
                    W.Dropdown,
                    description=_("Level"),
                    options=[(_("Not assessed yet"), "")]
                    + [(_(label), key) for key, label in ASSESSMENT_LABELS.items()],
                    style=WIDE,
                )
                comment = text(_("Comment"), area=True)
                self.levels[number], self.comments[number] = level, comment
                row.append(make(W.VBox, children=[title, level, comment], layout=COLUMN))
            else:
                # the other party's column is read-only: its title and text in one widget
                self.others[number, who] = other = make(W.HTML, layout=COLUMN)
                row.append(other)
        columns = make(W.HBox, children=row)
        return make(W.VBox, children=[self.headers[number], columns], classes=("pmw-card",))

    def _column_title(self, who: str) -> str:
        wb = self.context.state.workbook
        person = wb.employee_id if who == "employee" else wb.manager_id
        name = self._names.get(person, person)
        if who == "employee":
            return _("Self-assessment by {name}").format(name=name)
        return _("Manager's assessment by {name}").format(name=name)

    def _show(self, o: Objective, state: WorkbookState) -> None:
        number = o.id or 0
        self.headers[number].value = (
            f"<h4>{esc(_('Objective {n}: {title}').format(n=number, title=o.title))}</h4>"
            f"<p><strong>{esc(_('Measure'))}:</strong> {esc(o.measure or _('none given'))}</p>"
            f"<p><strong>{esc(_('Target'))}:</strong> {esc(o.target or _('none given'))}</p>"
        )
        rows = [
            (format_date(c.on), f"{p.percent}%", _status_label(p.status), p.evidence)
            for c in sorted(state.check_ins, key=lambda c: (c.on, c.id or 0))
            for p in c.progress
            if p.objective == number
        ]
        heading_html = f"<strong>{esc(_('Evidence from check-ins'))}</strong>"
        self.evidence[number].value = heading_html + (
            html_table([_("Date"), _("Progress"), _("Status"), _("Evidence")], rows)
            if rows
            else paragraph_html(_("No evidence was recorded for it at a check-in."), "pmw-muted")
        )
        for who in PARTIES:
            a = state.review.assessment(number, who)
            if (number, who) in self.others:
                self.others[number, who].value = (
                    f"<strong>{esc(self._column_title(who))}</strong>"
                    + (
                        f"<p><strong>{esc(_(ASSESSMENT_LABELS[a.level]))}</strong></p>"
                        f"<p>{esc(a.comment).replace(chr(10), '<br>')}</p>"
                        if a
                        else paragraph_html(_("Not assessed yet."), "pmw-muted")
                    )
                )
            elif number in self.levels:
                self._sync(f"level{number}", self.levels[number], a.level if a else "")
                self._sync(f"comment{number}", self.comments[number], a.comment if a else "")

    def _sync(self, key: str, field: W.ValueWidget, stored: Any) -> None:
        """Show the stored value unless the person has typed something else since."""
        if key not in self._loaded or field.value == self._loaded[key]:
            field.value = stored
        self._loaded[key] = stored

    # --- actions --------------------------------------------------------------------

    def draft(self, base: Review) -> Review:
        """``base`` with the acting party's assessments replaced by what is typed here."""
        party = self.context.party
        mine = []
        for number, level in self.levels.items():
            comment = self.comments[number].value
            if not level.value:
                if comment.strip():
                    raise ValidationFailed(
                        _("choose a level for objective {n}, or clear its comment").format(n=number)
                    )
                continue
            try:
                mine.append(
                    Assessment(objective=number, by=party, level=level.value, comment=comment)
                )
            except ValidationError as exc:
                raise ValidationFailed(describe_validation_error(exc)) from None
        kept = [a for a in base.assessments if a.by != party]
        try:
            return Review(
                assessments=tuple(kept + mine),
                development_outcomes=self.outcomes.value,
                next_cycle_focus=self.next_focus.value,
            )
        except ValidationError as exc:
            raise ValidationFailed(describe_validation_error(exc)) from None

    def save(self) -> None:
        """Store the acting party's assessments, the development outcomes and the next focus.

        Sent with the version the typing started from: the services keep what the other
        person saved since (their column, a field only they changed), and a field both
        changed comes back as a conflict, shown under the button for a choice.
        """
        ctx = self.context
        # the other party's column as stored now, kept exactly
        base = ctx.services.open(ctx.workbook_id).review
        self._store(self.draft(base), self._based_on, _("Your assessments are saved."))

    def _store(self, review: Review, based_on: int, message: str) -> None:
        ctx = self.context
        version = ctx.services.set_review(ctx.workbook_id, review, based_on)
        self.conflicts.clear()
        self._loaded.clear()  # what is saved is what the fields now start from
        ctx.reload()
        self._based_on = ctx.version
        self.status.ok(message)
        if self.on_saved:
            self.on_saved(version)

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: both values under the button, for the person to choose."""

        def save(record: Any, version: int) -> None:
            self._store(Review.model_validate(record), version, _("Your choice is saved."))

        self.conflicts.show_conflict(conflict, save)

    def start(self) -> None:
        """Move the workbook into its review stage (early: with the reason typed)."""
        ctx = self.context
        ctx.services.start_review(ctx.workbook_id, ctx.version, self.start_reason.value)
        ctx.reload()
        self.start_reason.value = ""
        self.status.ok(_("The review has started: each of you can now assess the objectives."))

    def _stale(self) -> None:
        """Someone else saved first: show their changes, keep what was typed here."""
        self.context.reload()
