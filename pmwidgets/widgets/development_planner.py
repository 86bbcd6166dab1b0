"""DevelopmentPlanner: rate competencies, see the gaps, plan actions and the manager's support."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.errors import NotAllowed
from ..domain.i18n import _, format_date
from ..domain.model import (
    PARTIES,
    Competency,
    DevelopmentPlan,
    Party,
    Rating,
    SupportCommitment,
)
from ..domain.state import WorkbookState
from . import _svg
from ._plan_editor import PlanEditor
from ._plan_parts import (
    RatingRow,
    choose,
    gap_words,
    level_options,
    party_label,
    shown,
    valid,
)
from ._two_way import filling, value_from_form
from .base import (
    WIDE,
    StatusArea,
    dropdown,
    heading,
    html_table,
    html_widget,
    paragraph_html,
    text,
)
from .conflict_view import ConflictSlot
from .date_box import DateBox
from .lean import close_replaced, make, show


class DevelopmentPlanner(PlanEditor):
    """The development plan step: ratings, gaps, actions (70-20-10) and the manager's support.

    Each party rates current proficiency in each competency of the job against
    its behavioural anchors; the other party's rating is shown beside, read-only.
    ``value`` is the plan as *Save my ratings* would store it: the plan of
    ``state`` with this person's ratings as typed (None while one is not valid);
    setting ``value`` shows its ratings by the acting party in the inputs. Every
    button hands a whole plan to ``on_save(plan, reason)``, against
    :attr:`based_on`, the version the typing started from: *Save my ratings*,
    and adding, changing or removing an action or a support commitment. A refusal
    it raises is shown in words under the section whose button was pressed; an
    :class:`EditConflict` shows both values for a choice. The services decide who
    may change what; this widget only hides what a person cannot use.

    Parameters
    ----------
    state:
        The workbook: its job's competencies, its objectives and its plan.
    party:
        The acting person's party ("employee" or "manager"), None for anyone else.
    names:
        People's names by id (whose the other value of a conflict is).
    on_save, on_cancel:
        The callbacks (``on_cancel``: the person drops a conflicting save).

    Examples
    --------
    >>> import datetime as dt
    >>> from pmwidgets.domain.model import (Competency, JobDescription, Responsibility,
    ...                                     Workbook)
    >>> from pmwidgets.domain.state import WorkbookState
    >>> job = JobDescription(title="Technician",
    ...     responsibilities=(Responsibility(number=1, text="Runs the workshop", share=100),),
    ...     competencies=(Competency(name="Health and safety", required=4),))
    >>> wb = Workbook(id=1, employee_id="mchen", manager_id="rokafor",
    ...               cycle_start=dt.date(2026, 9, 1), cycle_end=dt.date(2027, 8, 31))
    >>> planner = DevelopmentPlanner(WorkbookState(wb, job=job), party="employee",
    ...     on_save=lambda plan, reason: print([(r.competency, r.level) for r in plan.ratings]))
    >>> planner.rows["Health and safety"].level.value = 3
    >>> planner.value.ratings[0].by
    'employee'
    >>> planner.save_ratings_button.click()
    [('Health and safety', 3)]
    >>> planner.said.message
    'Your ratings are saved.'
    """

    def __init__(
        self,
        state: WorkbookState,
        party: Party | None = None,
        names: Mapping[str, str] | None = None,
        on_save: Callable[[DevelopmentPlan, str], object] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.on_save, self.on_cancel = on_save, on_cancel
        self.rows: dict[str, RatingRow] = {}
        self._shown_party: Party | None = None
        self._drawn: dict[str, Any] = {}
        self._status_loaded = "planned"
        self._ready = self._filling = False
        self.status = StatusArea()
        #: where a save's outcome is said: right under the section whose button was pressed
        self.ratings_status, self.actions_status = StatusArea(), StatusArea()
        self.support_status = StatusArea()
        #: both changed the same field: the two values, for a choice (under that section)
        self.conflicts = ConflictSlot(lambda _ids: self.names)
        self._said = self.status
        parts = [*self._ratings_part(), *self._actions_part(state), *self._support_part()]
        super().__init__([w for part in parts for w in part] + [self.status])
        self.add_class("pmw-development-planner")
        self.names, self.party, self.state = dict(names or {}), party, state
        self._ready = True
        self.refresh(state)

    def _ratings_part(self) -> list[list[W.Widget]]:
        self.agreement, self.reason_note = html_widget(), html_widget()
        why = _("Why the agreed plan changes")
        self.reason = text(_("Reason for change"), placeholder=why)
        self.ratings_note, self.ratings_box = html_widget(), make(W.VBox)
        self.save_ratings_button = self._clicked(
            _("Save my ratings"), self.save_ratings, "primary", self.ratings_status
        )
        self.gaps_table, self.gap_image = html_widget(), _svg.chart("", alt="")
        return [
            [heading(_("Development plan")), self.agreement, self.reason_note, self.reason],
            [heading(_("Current proficiency"), 4), self.ratings_note, self.ratings_box],
            [self.save_ratings_button, self.ratings_status],
            [heading(_("Gaps"), 4), self.gaps_table, self.gap_image],
        ]

    def _support_part(self) -> list[list[W.Widget]]:
        self.support_table = html_widget()
        offer = _("Time, budget, access, coaching")
        self.support_text = text(_("Commitment"), placeholder=offer)
        self.support_due = DateBox(_("By (optional)"), style=WIDE)
        self.add_support_button = self._clicked(
            _("Add commitment"), self.add_support, "primary", self.support_status
        )
        support = [
            self.support_text,
            self.support_due,
            self.add_support_button,
            self.support_status,
        ]
        self.support_form = make(W.VBox, children=support)
        return [[heading(_("The manager's support"), 4), self.support_table, self.support_form]]

    # --- showing the state ------------------------------------------------------------

    def _typed(self) -> bool:
        """Whether a rating or an action's status was changed here and not saved yet."""
        if self.action_status.value != self._status_loaded:
            return True
        return any((r.level.value, r.comment.value) != r.loaded for r in self.rows.values())

    @T.observe("state", "party", "names")
    def _on_state(self, _change: Any = None) -> None:
        if self._ready:
            self.status.guard(self.refresh)(self.state)

    def refresh(self, state: WorkbookState) -> None:
        """Redraw from ``state``; inputs the person has changed keep their values."""
        if not self._typed():  # nothing typed: the form now starts from this version
            self.based_on = state.workbook.version
        status = state.agreement_status("development_plan").label
        self.agreement.value = paragraph_html(_("Status: {s}").format(s=status))
        version = state.agreements.get("development_plan")
        agreed = version is not None and version.agreed
        note = _(
            "Version {n} of this plan is agreed by both: a change opens version {m}, which both "
            "must agree again. Say why in the reason for change."
        )
        n = version.number if version else 0
        draft = _(
            "Version {n} of this plan is a proposed change to what was agreed: say why you "
            "change it too, in the reason for change."
        )
        self.reason_note.value = (
            paragraph_html(note.format(n=n, m=n + 1))
            if agreed
            else paragraph_html(draft.format(n=n))
            if state.needs_reason("development_plan")
            else ""
        )
        show(self.reason, state.needs_reason("development_plan"))
        self._refresh_ratings(state)
        self._refresh_gaps(state)
        self._refresh_actions(state)
        support = [(s.text, format_date(s.due)) for s in state.plan.support]
        self.support_table.value = (
            html_table((_("The manager commits to"), _("By")), support)
            if support
            else paragraph_html(_("No support commitments yet."), "pmw-muted")
        )
        show(self.support_form, self.party == "manager")

    def _refresh_ratings(self, state: WorkbookState) -> None:
        party: Party | None = self.party  # type: ignore[assignment]
        if party != self._shown_party:  # coach mode switched who is acting: their own inputs
            self.rows, self._shown_party = {}, party
        competencies = state.job.competencies if state.job else ()
        for c in competencies:
            if party is not None:
                self._refresh_row(c, state.plan, party)
        names = {c.name for c in competencies}
        self.rows = {n: r for n, r in self.rows.items() if n in names}
        old = tuple(self.ratings_box.children)
        self.ratings_box.children = [r.box for r in self.rows.values()]
        close_replaced(old, tuple(self.ratings_box.children))  # rows of another acting person
        editing = party is not None and bool(competencies)
        show(self.ratings_box, editing)
        show(self.save_ratings_button, editing)
        note = ""
        if not competencies:
            note = _("The job description names no competencies to rate.")
        elif party is None:
            note = _(
                "Only the employee and the manager rate competencies: you see their ratings, "
                "read-only, in the gaps below. In a facilitated session, switch to the person "
                "who is speaking."
            )
        self.ratings_note.value = paragraph_html(note, "pmw-muted") if note else ""
        self._on_field()

    def _refresh_row(self, c: Competency, plan: DevelopmentPlan, party: Party) -> None:
        row = self.rows.get(c.name)
        if row is None:
            who = party_label(party)
            level = dropdown(_("{who}'s rating").format(who=who), "min(100%, 48em)")
            example = _("Optional: an example that shows it")
            comment = text(_("Comment"), placeholder=example)
            title, other = make(W.Label), make(W.Label, classes=("pmw-muted",))
            inputs = make(W.HBox, children=[level, other])
            box = make(W.VBox, children=[title, inputs, comment], classes=("pmw-card",))
            row = self.rows[c.name] = RatingRow(title, level, comment, other, box)
            level.observe(self.status.guard(self._on_field), names="value")
            comment.observe(self.status.guard(self._on_field), names="value")
        choose(row.level, level_options(c))
        mine = plan.rating(c.name, party)
        stored = (mine.level, mine.comment) if mine else (None, "")
        if row.level.value == row.loaded[0]:  # not changed here: show what is stored
            row.level.value = stored[0]
        if row.comment.value == row.loaded[1]:
            row.comment.value = stored[1]
        row.loaded = stored
        row.title.value = _("{name} (required level {n})").format(name=c.name, n=c.required)
        other_party: Party = "manager" if party == "employee" else "employee"
        theirs, who = plan.rating(c.name, other_party), party_label(other_party)
        row.other.value = (
            _("{who}: {rating}").format(who=who, rating=shown(theirs))
            if theirs
            else _("{who}: not rated yet").format(who=who)
        )

    def _refresh_gaps(self, state: WorkbookState) -> None:
        rows, cells = [], []
        for c in state.job.competencies if state.job else ():
            e, m = (state.plan.rating(c.name, p) for p in PARTIES)
            rows.append((c.name, c.required, e.level if e else None, m.level if m else None))
            cells.append((c.name, c.required, shown(e), shown(m), gap_words(*rows[-1][1:])))
        headers = (_("Competency"), _("Required"), _("Employee"), _("Manager"), _("Gap"))
        self.gaps_table.value = html_table(headers, cells)
        if self._drawn.get("gaps") != rows:
            self.gap_image.value, self._drawn["gaps"] = _svg.gap_chart(rows), rows
        alt, no = _("{name}: required {r}, employee {e}, manager {m}"), _("not rated")
        described = [alt.format(name=n, r=r, e=e or no, m=m or no) for n, r, e, m in rows]
        self.gap_image.alt = "; ".join(described) or _("No competencies to chart.")

    def _on_field(self, _change: Any = None) -> None:
        """Recompute ``value`` from the rating inputs."""
        value_from_form(self, self._merged, on_invalid=self.ratings_status.error)

    @T.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        """Someone set ``value``: show its ratings by the acting party in the inputs."""
        plan: DevelopmentPlan | None = change["new"]
        if self._filling or plan is None or self._shown_party is None:
            return
        with filling(self):
            for name, row in self.rows.items():
                mine = plan.rating(name, self._shown_party)
                row.level.value = mine.level if mine else None
                row.comment.value = mine.comment if mine else ""

    def _merged(self) -> DevelopmentPlan:
        """The stored plan with this party's ratings taken from the inputs; others' kept exactly."""
        plan, party = self.state.plan, self._shown_party
        if party is None:
            return plan
        names = {n.casefold() for n in self.rows}
        kept = [r for r in plan.ratings if r.by != party or r.competency.casefold() not in names]
        mine = [
            valid(Rating, competency=n, by=party, level=r.level.value, comment=r.comment.value)
            for n, r in self.rows.items()
            if r.level.value is not None
        ]
        return plan.model_copy(update={"ratings": tuple(kept + mine)})

    # --- saving -----------------------------------------------------------------------

    def save_ratings(self) -> None:
        """Store ``value``: this party's ratings merged into the plan."""
        if self.party is None:
            raise NotAllowed(_("only the employee and the manager rate competencies"))
        plan = self.value if self.value is not None else self._merged()
        self._save(plan, _("Your ratings are saved."))

    def add_support(self) -> None:
        """Add the commitment in the form (the services allow only the manager to)."""
        plan = self.state.plan
        item = valid(SupportCommitment, text=self.support_text.value, due=self.support_due.value)
        self._save(
            plan.model_copy(update={"support": (*plan.support, item)}), _("Commitment added.")
        )
        self.support_text.value, self.support_due.value = "", None
