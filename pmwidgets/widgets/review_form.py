"""ReviewForm: the review step: each party assesses every objective beside the evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import EditConflict, ValidationFailed, describe_validation_error
from ..domain.i18n import _
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
from ._review_parts import column_html, evidence_html, objective_html, stage_note
from ._two_way import filling, offer_choice, value_from_form
from .base import (
    TEXT_LAYOUT,
    StatusArea,
    button,
    esc,
    heading,
    html_widget,
    paragraph,
    paragraph_html,
    text,
)
from .conflict_view import ConflictSlot
from .lean import close_replaced, make, show

#: each party's column beside the evidence (which takes the other 40%)
COLUMN = {"width": "30%"}
#: the labels of an assessment column: short, so its inputs keep the column's width
SHORT_LABEL = {"description_width": "6.5em"}
#: the labels of the review's own fields, long enough for "Development outcomes"
LONG_LABEL = {"description_width": "14em"}


class ReviewForm(W.VBox):
    """Self and manager assessment of every objective, with the check-in evidence beside it.

    The acting ``party`` edits only their own column (a level and a comment per
    objective); the other party's column is shown as read-only text. ``value`` is
    the review as *Save my assessments* would store it: the review of ``state``
    with this party's assessments, the development outcomes and the next cycle's
    focus as typed (None while a comment has no level); setting ``value`` fills
    the form. ``on_save(review, reason)`` stores it, against :attr:`based_on`, the
    version the typing started from; it may raise a refusal, shown in words, and an
    :class:`EditConflict` (both changed one field) shows both values for a choice.
    ``on_start(reason)`` moves the workbook into its review. Signing is done by the
    agreement panel on "review".

    Parameters
    ----------
    state:
        The workbook: its objectives, check-ins (the evidence) and review.
    party:
        The acting person's party ("employee" or "manager"), None for anyone else.
    names:
        People's names by id.
    on_save, on_start, on_cancel:
        The callbacks (``on_cancel``: the person drops a conflicting save).

    Examples
    --------
    >>> from datetime import date
    >>> from pmwidgets.domain import model
    >>> from pmwidgets.domain.state import WorkbookState
    >>> events = model.Objective(id=1, title="Open days", weight=100, proposed_by="aberg",
    ...                          responsibilities=(2,), due=date(2027, 5, 31))
    >>> cycle = model.Workbook(employee_id="aberg", manager_id="hlambert",
    ...     cycle_start=date(2026, 9, 1), cycle_end=date(2027, 8, 31), stage="review")
    >>> form = ReviewForm(WorkbookState(cycle, objectives=(events,)), party="employee",
    ...                   on_save=lambda review, reason: print(review.assessments[0].level))
    >>> form.levels[1].value = "met"
    >>> form.value.assessments[0].by
    'employee'
    >>> form.save_button.click()
    met
    >>> form.status.message
    'Your assessments are saved.'
    """

    value = T.Instance(Review, allow_none=True)
    state = T.Instance(WorkbookState)
    party = T.Unicode(None, allow_none=True)
    names = T.Dict()
    #: the version this form's typing started from: saved with it, so that a change the
    #: other person made meanwhile is kept, or shown beside this one
    based_on = T.Int(0)

    def __init__(
        self,
        state: WorkbookState,
        party: Party | None = None,
        names: Mapping[str, str] | None = None,
        on_save: Callable[[Review, str], object] | None = None,
        on_start: Callable[[str], object] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.on_save, self.on_start, self.on_cancel = on_save, on_start, on_cancel
        self._shown_party: Party | str | None = "?"
        self._ready = self._filling = False
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
            style=LONG_LABEL,
        )
        start_from = _("What the next cycle should start from")
        self.next_focus = text(
            _("Next-cycle focus"), area=True, placeholder=start_from, style=LONG_LABEL
        )
        self.save_button = button(_("Save my assessments"), "primary")
        self.status = StatusArea()
        sign = _(
            "Once both assessments are complete, the employee and the manager both sign the review below."
        )
        body = [self.cards_box, heading(_("Development and the next cycle"), 4), self.outcomes]
        body += [self.next_focus, paragraph(sign, "pmw-muted"), self.save_button]
        self.body = make(W.VBox, children=body)
        #: why the review starts before the last weeks of the cycle (recorded)
        self.start_reason = text(
            _("Reason to start early"), placeholder=_("Why the review starts now")
        )
        #: both changed one field: the two values, for a choice
        self.conflicts = ConflictSlot(lambda _ids: self.names)
        self.start_button.on_click(self.status.guard(lambda _b: self.start()))
        self.save_button.on_click(
            self.status.guard(lambda _b: self.save(), on_conflict=self._conflict)
        )
        for field in (self.outcomes, self.next_focus):
            field.observe(self._on_field, names="value")
        top = [heading(_("Review")), self.stage_note, self.start_reason, self.start_button]
        super().__init__([*top, self.body, self.status, self.conflicts])
        self.add_class("pmw-review-form")
        self.names, self.party, self.state = dict(names or {}), party, state
        self._ready = True
        self._refresh(state)

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

    @T.observe("state", "party", "names")
    def _on_state(self, _change: Any = None) -> None:
        if self._ready:
            self.status.guard(self._refresh)(self.state)

    def _refresh(self, state: WorkbookState) -> None:
        party = self.party
        # nothing typed: the form now starts from this version; else from where typing began
        follow = not self._edited() or party != self._shown_party
        if party != self._shown_party:  # a new acting person (coach mode): from what is stored
            self._shown_party = party
            for parts in (self.cards, self.headers, self.evidence, self.levels, self.comments):
                parts.clear()
            self.others.clear()
            self._loaded.clear()
        objectives = sorted(state.objectives, key=lambda o: o.id or 0)
        with filling(self):
            for o in objectives:
                if (o.id or 0) not in self.cards:
                    self.cards[o.id or 0] = self._card(o.id or 0, party)  # type: ignore[arg-type]
                self._show(o, state)
            self._sync("outcomes", self.outcomes, state.review.development_outcomes)
            self._sync("next_focus", self.next_focus, state.review.next_cycle_focus)
        old = tuple(self.cards_box.children)
        self.cards_box.children = [self.cards[o.id or 0] for o in objectives] or [
            paragraph(_("There are no objectives to assess."))
        ]
        close_replaced(old, tuple(self.cards_box.children))  # cards of another acting person
        if follow:
            self.based_on = state.workbook.version
        self._show_stage(state, party)
        self._on_field()

    def _show_stage(self, state: WorkbookState, party: Party | str | None) -> None:
        """Show, hide and enable what the workbook's stage allows, and say what comes next."""
        stage = state.workbook.stage
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
        self.stage_note.value = paragraph_html(stage_note(state))

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
                    style=SHORT_LABEL,
                    layout=TEXT_LAYOUT,
                )
                comment = text(_("Comment"), area=True, rows=5, style=SHORT_LABEL)
                level.observe(self._on_field, names="value")
                comment.observe(self._on_field, names="value")
                self.levels[number], self.comments[number] = level, comment
                row.append(make(W.VBox, children=[title, level, comment], layout=COLUMN))
            else:
                # the other party's column is read-only: its title and text in one widget
                self.others[number, who] = other = make(W.HTML, layout=COLUMN)
                row.append(other)
        columns = make(W.HBox, children=row)
        return make(W.VBox, children=[self.headers[number], columns], classes=("pmw-card",))

    def _column_title(self, who: str) -> str:
        wb = self.state.workbook
        person = wb.employee_id if who == "employee" else wb.manager_id
        name = self.names.get(person, person)
        if who == "employee":
            return _("Self-assessment by {name}").format(name=name)
        return _("Manager's assessment by {name}").format(name=name)

    def _show(self, o: Objective, state: WorkbookState) -> None:
        number = o.id or 0
        self.headers[number].value = objective_html(o)
        self.evidence[number].value = evidence_html(state, number)
        for who in PARTIES:
            a = state.review.assessment(number, who)
            if (number, who) in self.others:
                self.others[number, who].value = column_html(self._column_title(who), a)
            elif number in self.levels:
                self._sync(f"level{number}", self.levels[number], a.level if a else "")
                self._sync(f"comment{number}", self.comments[number], a.comment if a else "")

    def _sync(self, key: str, field: W.ValueWidget, stored: Any) -> None:
        """Show the stored value unless the person has typed something else since."""
        if key not in self._loaded or field.value == self._loaded[key]:
            field.value = stored
        self._loaded[key] = stored

    # --- ``value`` ---------------------------------------------------------------------

    def _on_field(self, _change: Any = None) -> None:
        """Recompute ``value`` from the form (None while it is not a valid review)."""
        value_from_form(self, lambda: self.draft(self.state.review))

    @T.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        """Someone set ``value``: show its assessments by the acting party, and the rest."""
        review: Review | None = change["new"]
        if self._filling or review is None:
            return
        with filling(self):
            for number, level in self.levels.items():
                mine = review.assessment(number, self.party)  # type: ignore[arg-type]
                level.value = mine.level if mine else ""
                self.comments[number].value = mine.comment if mine else ""
            self.outcomes.value = review.development_outcomes
            self.next_focus.value = review.next_cycle_focus

    # --- actions --------------------------------------------------------------------

    def draft(self, base: Review) -> Review:
        """``base`` with the acting party's assessments replaced by what is typed here."""
        party = self.party
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
        """Hand the acting party's assessments, the outcomes and the next focus to ``on_save``.

        Sent with the version the typing started from: the services keep what the other
        person saved since (their column, a field only they changed), and a field both
        changed comes back as a conflict, shown under the button for a choice.
        """
        # the other party's column as this page shows it, kept exactly
        review = self.value if self.value is not None else self.draft(self.state.review)
        self._store(review, self.based_on, _("Your assessments are saved."))

    def _store(self, review: Review, based_on: int, message: str) -> None:
        self.based_on = based_on
        if self.on_save is not None:
            self.on_save(review, "")
        self.conflicts.clear()
        self._loaded.clear()  # what is saved is what the fields now start from
        self._refresh(self.state)
        self.status.ok(message)

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: both values under the button, for the person to choose."""

        def save(record: Any, version: int) -> None:
            self._store(Review.model_validate(record), version, _("Your choice is saved."))

        offer_choice(self.conflicts, conflict, save, self._cancelled)

    def _cancelled(self) -> None:
        if self.on_cancel is not None:
            self.on_cancel()

    def start(self) -> None:
        """Move the workbook into its review stage (early: with the reason typed)."""
        if self.on_start is not None:
            self.on_start(self.start_reason.value)
        self.start_reason.value = ""
        self.status.ok(_("The review has started: each of you can now assess the objectives."))
