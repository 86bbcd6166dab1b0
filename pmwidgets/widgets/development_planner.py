"""DevelopmentPlanner: rate competencies, see the gaps, plan actions and the manager's support."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import EditConflict, NotAllowed, ValidationFailed, describe_validation_error
from ..domain.i18n import _, format_date, ngettext
from ..domain.model import (
    PARTIES,
    Competency,
    DevelopmentAction,
    DevelopmentPlan,
    Party,
    Rating,
    SupportCommitment,
)
from ..domain.rules import due_date_problem
from ..domain.state import WorkbookState
from . import _svg as charts
from .base import (
    WIDE,
    StatusArea,
    button,
    dropdown,
    heading,
    html_table,
    html_widget,
    paragraph_html,
    text,
)
from .conflict_view import ConflictSlot
from .context import WorkbookContext
from .lean import close_replaced, make, show

KINDS = ("experience", "exposure", "education")
STATUSES = ("planned", "in_progress", "done", "dropped")


def _kind_label(kind: str) -> str:
    return {
        "experience": _("Experience — on the job"),
        "exposure": _("Exposure — learning from others"),
        "education": _("Education — formal learning"),
    }[kind]


def _status_label(status: str) -> str:
    return {
        "planned": _("planned"),
        "in_progress": _("in progress"),
        "done": _("done"),
        "dropped": _("dropped"),
    }[status]


def _party_label(party: str) -> str:
    return _("Employee") if party == "employee" else _("Manager")


def _shown(r: Rating | None) -> str:
    """A rating as a table cell: "3", "3 – comment" or "not rated"."""
    if r is None:
        return _("not rated")
    return f"{r.level} – {r.comment}" if r.comment else str(r.level)


def _level_options(c: Competency) -> list[tuple[str, int | None]]:
    """Choices for a rating: "Not rated", then "1 – <anchor>" … (the number where no anchor)."""
    options: list[tuple[str, int | None]] = [(_("Not rated"), None)]
    for level in range(1, 6):
        anchor = c.anchors.get(level, "").strip()
        anchor = anchor if len(anchor) <= 90 else anchor[:89] + "…"
        options.append((f"{level} – {anchor}" if anchor else str(level), level))
    return options


def _gap_words(required: int, employee: int | None, manager: int | None) -> str:
    """The gap between the required level and each rating, in words."""
    e, m = (None if r is None else max(required - r, 0) for r in (employee, manager))

    def gap(n: int) -> str:
        return _("a gap of {n}").format(n=n) if n else _("no gap")

    if e is None and m is None:
        return _("not rated yet")
    if m is None:
        return _("{gap} by the employee's rating; the manager has not rated yet").format(
            gap=gap(e or 0)
        )
    if e is None:
        return _("{gap} by the manager's rating; the employee has not rated yet").format(gap=gap(m))
    if e == m == 0:
        return _("no gap by either rating")
    if e == 0:
        return _("no gap by the employee's rating; a gap of {m} by the manager's").format(m=m)
    return _("gap of {e} by the employee's rating, {m} by the manager's").format(
        e=e, m=m or _("none")
    )


def _month_after(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _valid(model: Any, **fields: Any) -> Any:
    """``model(**fields)``, or ValidationFailed in plain words."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from None


def _choose(dropdown: W.Dropdown, options: list[tuple[str, Any]]) -> None:
    """Give a dropdown new options, keeping its choice when it is still there."""
    if list(dropdown.options) != options:
        kept = dropdown.value
        dropdown.options = options
        dropdown.value = kept if kept in {v for _label, v in options} else None


@dataclass
class _RatingRow:
    """The inputs for one competency, and what was loaded into them (to spot edits)."""

    title: W.Label
    level: W.Dropdown
    comment: W.Text
    other: W.Label
    box: W.VBox
    loaded: tuple[int | None, str] = (None, "")


class DevelopmentPlanner(W.VBox):
    """The development plan step: ratings, gaps, actions (70-20-10) and the manager's support.

    Each party rates current proficiency in each competency of the job against
    its behavioural anchors; the other party's rating is shown beside, read-only.
    ``value`` is the plan as *Save my ratings* would store it: the stored plan
    with this person's unsaved ratings merged in. Actions and support
    commitments are stored as soon as they are added. The services layer
    decides who may change what; this widget only hides what a person cannot use.

    Examples
    --------
    >>> planner = DevelopmentPlanner(context)  # doctest: +SKIP
    >>> planner.rows["Learner support"].level.value = 3  # doctest: +SKIP
    >>> planner.save_ratings_button.click()  # doctest: +SKIP
    """

    value = T.Instance(DevelopmentPlan, allow_none=True)

    def __init__(self, context: WorkbookContext) -> None:
        self.context = context
        self.rows: dict[str, _RatingRow] = {}
        self._party: Party | None = None
        self._drawn: dict[str, Any] = {}
        self._status_loaded = "planned"
        self.status = StatusArea()
        #: where a save's outcome is said: right under the section whose button was pressed
        self.ratings_status, self.actions_status = StatusArea(), StatusArea()
        self.support_status = StatusArea()
        #: both changed the same field: the two values, for a choice (under that section)
        self.conflicts = ConflictSlot(self.context.names)
        self._said = self.status
        #: the version the typed values (ratings, an action's status) started from: sent
        #: with a save, so a change the other made to the same field meanwhile is shown
        self._based_on = context.version

        def clicked(
            label: str, do: Any, style: str = "", said: StatusArea | None = None
        ) -> W.Button:
            where = said or self.status
            b = button(label, style)

            def run(_b: W.Button) -> None:
                self._said = where
                do()

            b.on_click(where.guard(run, on_stale=self._stale, on_conflict=self._conflict))
            return b

        self.agreement, self.reason_note = html_widget(), html_widget()
        why = _("Why the agreed plan changes")
        self.reason = text(_("Reason for change"), placeholder=why)
        self.ratings_note, self.ratings_box = html_widget(), make(W.VBox)
        self.save_ratings_button = clicked(
            _("Save my ratings"), self.save_ratings, "primary", self.ratings_status
        )
        self.gaps_table, self.gap_image = html_widget(), charts.chart("", alt="")
        self.actions_table, self.mix_text = html_widget(), make(W.Label)
        self.mix_image = charts.chart("", alt="")
        kinds = [(_kind_label(k), k) for k in KINDS]
        self.kind = dropdown(_("Kind"), "min(100%, 32em)", options=kinds)
        self.description = text(_("Description"), placeholder=_("What will be done"))
        self.link = dropdown(_("Develops"), "min(100%, 48em)")
        self.due = make(W.DatePicker, description=_("Due"), style=WIDE)
        self.due.value = self._default_due(context.state)
        self.add_action_button = clicked(
            _("Add action"), self.add_action, "primary", self.actions_status
        )
        self.action_pick = dropdown(_("Action"), "min(100%, 40em)")
        self.action_pick.observe(self.actions_status.guard(self._on_pick), names="value")
        statuses = [(_status_label(s), s) for s in STATUSES]
        self.action_status = make(W.Dropdown, description=_("Status"), options=statuses, style=WIDE)
        self.set_status_button = clicked(
            _("Change status"), self.set_action_status, said=self.actions_status
        )
        self.remove_action_button = clicked(
            _("Remove action"), self.remove_action, "warning", self.actions_status
        )
        self.support_table = html_widget()
        offer = _("Time, budget, access, coaching")
        self.support_text = text(_("Commitment"), placeholder=offer)
        self.support_due = make(W.DatePicker, description=_("By (optional)"), style=WIDE)
        self.add_support_button = clicked(
            _("Add commitment"), self.add_support, "primary", self.support_status
        )
        support = [
            self.support_text,
            self.support_due,
            self.add_support_button,
            self.support_status,
        ]
        self.support_form = make(W.VBox, children=support)
        parts = [
            [heading(_("Development plan")), self.agreement, self.reason_note, self.reason],
            [heading(_("Current proficiency"), 4), self.ratings_note, self.ratings_box],
            [self.save_ratings_button, self.ratings_status],
            [heading(_("Gaps"), 4), self.gaps_table, self.gap_image],
            [heading(_("Actions"), 4), self.actions_table, self.mix_text, self.mix_image],
            [self.kind, self.description, self.link, self.due, self.add_action_button],
            [make(W.HBox, children=[self.action_pick, self.action_status])],
            [make(W.HBox, children=[self.set_status_button, self.remove_action_button])],
            [self.actions_status, self.conflicts],
            [heading(_("The manager's support"), 4), self.support_table, self.support_form],
        ]
        super().__init__([w for part in parts for w in part] + [self.status])
        self.add_class("pmw-development-planner")
        context.subscribe(self.refresh)
        self.refresh(context.state)

    # --- showing the state ------------------------------------------------------------

    def _typed(self) -> bool:
        """Whether a rating or an action's status was changed here and not saved yet."""
        if self.action_status.value != self._status_loaded:
            return True
        return any((r.level.value, r.comment.value) != r.loaded for r in self.rows.values())

    def refresh(self, state: WorkbookState) -> None:
        """Redraw from ``state``; inputs the person has changed keep their values."""
        if not self._typed():  # nothing typed: the form now starts from this version
            self._based_on = state.workbook.version
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
        show(self.support_form, self.context.party == "manager")

    def _refresh_ratings(self, state: WorkbookState) -> None:
        party = self.context.party
        if party != self._party:  # coach mode switched who is acting: their own inputs
            self.rows, self._party = {}, party
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
            who = _party_label(party)
            level = dropdown(_("{who}'s rating").format(who=who), "min(100%, 48em)")
            example = _("Optional: an example that shows it")
            comment = text(_("Comment"), placeholder=example)
            title, other = make(W.Label), make(W.Label, classes=("pmw-muted",))
            inputs = make(W.HBox, children=[level, other])
            box = make(W.VBox, children=[title, inputs, comment], classes=("pmw-card",))
            row = self.rows[c.name] = _RatingRow(title, level, comment, other, box)
            level.observe(self.status.guard(self._on_field), names="value")
            comment.observe(self.status.guard(self._on_field), names="value")
        _choose(row.level, _level_options(c))
        mine = plan.rating(c.name, party)
        stored = (mine.level, mine.comment) if mine else (None, "")
        if row.level.value == row.loaded[0]:  # not changed here: show what is stored
            row.level.value = stored[0]
        if row.comment.value == row.loaded[1]:
            row.comment.value = stored[1]
        row.loaded = stored
        row.title.value = _("{name} (required level {n})").format(name=c.name, n=c.required)
        other_party: Party = "manager" if party == "employee" else "employee"
        theirs, who = plan.rating(c.name, other_party), _party_label(other_party)
        row.other.value = (
            _("{who}: {rating}").format(who=who, rating=_shown(theirs))
            if theirs
            else _("{who}: not rated yet").format(who=who)
        )

    def _refresh_gaps(self, state: WorkbookState) -> None:
        rows, cells = [], []
        for c in state.job.competencies if state.job else ():
            e, m = (state.plan.rating(c.name, p) for p in PARTIES)
            rows.append((c.name, c.required, e.level if e else None, m.level if m else None))
            cells.append((c.name, c.required, _shown(e), _shown(m), _gap_words(*rows[-1][1:])))
        headers = (_("Competency"), _("Required"), _("Employee"), _("Manager"), _("Gap"))
        self.gaps_table.value = html_table(headers, cells)
        if self._drawn.get("gaps") != rows:
            self.gap_image.value, self._drawn["gaps"] = charts.gap_chart(rows), rows
        alt, no = _("{name}: required {r}, employee {e}, manager {m}"), _("not rated")
        described = [alt.format(name=n, r=r, e=e or no, m=m or no) for n, r, e, m in rows]
        self.gap_image.alt = "; ".join(described) or _("No competencies to chart.")

    @staticmethod
    def _when(a: DevelopmentAction) -> tuple[str, str]:
        return format_date(a.due), _status_label(a.status)

    def _link_label(self, state: WorkbookState, a: DevelopmentAction) -> str:
        parts = [_("Gap: {c}").format(c=a.gap)] if a.gap else []
        if a.objective is not None:
            o = state.objective(a.objective)
            title = o.title if o else _("(removed)")
            parts.append(_("Objective {n}: {t}").format(n=a.objective, t=title))
        return "; ".join(parts)

    def _refresh_actions(self, state: WorkbookState) -> None:
        actions = state.plan.actions
        headers = (_("No."), _("Kind"), _("Description"), _("Develops"), _("Due"), _("Status"))
        cells = [
            (i, _kind_label(a.kind), a.description, self._link_label(state, a), *self._when(a))
            for i, a in enumerate(actions, start=1)
        ]
        self.actions_table.value = (
            html_table(headers, cells)
            if cells
            else paragraph_html(_("No actions yet."), "pmw-muted")
        )
        live: list[str] = [a.kind for a in actions if a.status != "dropped"]
        counts, total = {k: live.count(k) for k in KINDS}, len(live)
        mix = ", ".join(f"{round(100 * counts[k] / total)}% {_(k)}" for k in KINDS) if total else ""
        self.mix_text.value = (
            ngettext(
                "{n} action: {mix}; the guide is 70-20-10",
                "{n} actions: {mix}; the guide is 70-20-10",
                total,
            ).format(n=total, mix=mix)
            if total
            else _("No actions yet; the guide is 70-20-10 (experience, exposure, education).")
        )
        if self._drawn.get("mix") != counts:
            self.mix_image.value, self._drawn["mix"] = charts.mix_chart(counts), counts
        self.mix_image.alt = self.mix_text.value
        links: list[tuple[str, Any]] = [(_("Choose a gap or an objective"), None)]
        for c in state.job.competencies if state.job else ():
            links.append((_("Gap: {c}").format(c=c.name), ("gap", c.name)))
        for o in state.objectives:
            links.append(
                (_("Objective {n}: {t}").format(n=o.id, t=o.title)[:120], ("objective", o.id))
            )
        _choose(self.link, links)
        _choose(
            self.action_pick, [(f"{i}. {a.description}"[:80], i) for i, a in enumerate(actions, 1)]
        )
        self._on_pick(refresh=True)

    def _on_pick(self, _change: Any = None, refresh: bool = False) -> None:
        """Show the chosen action's stored status (on a refresh, unless it was changed here)."""
        actions = self.context.state.plan.actions
        n = self.action_pick.value
        stored = actions[n - 1].status if n is not None and 1 <= n <= len(actions) else "planned"
        if not refresh or self.action_status.value == self._status_loaded:
            self.action_status.value = stored
        self._status_loaded = stored

    def _on_field(self, _change: Any = None) -> None:
        """Recompute ``value`` from the rating inputs."""
        try:
            self.value = self._merged()
        except ValidationFailed as exc:
            self.value = None
            self.ratings_status.error(str(exc))

    def _merged(self) -> DevelopmentPlan:
        """The stored plan with this party's ratings taken from the inputs; others' kept exactly."""
        plan, party = self.context.state.plan, self._party
        if party is None:
            return plan
        names = {n.casefold() for n in self.rows}
        kept = [r for r in plan.ratings if r.by != party or r.competency.casefold() not in names]
        mine = [
            _valid(Rating, competency=n, by=party, level=r.level.value, comment=r.comment.value)
            for n, r in self.rows.items()
            if r.level.value is not None
        ]
        return plan.model_copy(update={"ratings": tuple(kept + mine)})

    @staticmethod
    def _default_due(state: WorkbookState) -> dt.date:
        wb = state.workbook
        return min(max(_month_after(dt.date.today()), wb.cycle_start), wb.cycle_end)

    # --- saving -----------------------------------------------------------------------

    def save_ratings(self) -> None:
        """Store ``value``: this party's ratings merged into the plan."""
        if self.context.party is None:
            raise NotAllowed(_("only the employee and the manager rate competencies"))
        plan = self.value if self.value is not None else self._merged()
        self._save(plan, _("Your ratings are saved."))

    def add_action(self) -> None:
        """Add the action described in the form, linked to a gap or an objective."""
        state = self.context.state
        if self.link.value is None:
            raise ValidationFailed(_("choose the gap or the objective this action develops"))
        if self.due.value is None:
            raise ValidationFailed(_("choose a due date"))
        problem = due_date_problem(self.due.value, state.workbook)
        if problem:
            raise ValidationFailed(_("due: {p}").format(p=problem))
        what, key = self.link.value
        action = _valid(
            DevelopmentAction,
            kind=self.kind.value,
            description=self.description.value,
            gap=key if what == "gap" else None,
            objective=key if what == "objective" else None,
            due=self.due.value,
        )
        plan = state.plan.model_copy(update={"actions": (*state.plan.actions, action)})
        self._save(plan, _("Action {n} added.").format(n=len(plan.actions)))
        self.description.value = ""

    def _picked(self) -> int:
        n = self.action_pick.value
        if n is None or not 1 <= n <= len(self.context.state.plan.actions):
            raise ValidationFailed(_("choose an action first"))
        return int(n) - 1

    def set_action_status(self) -> None:
        """Give the chosen action the chosen status."""
        i, plan, new = self._picked(), self.context.state.plan, self.action_status.value
        actions = list(plan.actions)
        actions[i] = actions[i].model_copy(update={"status": new})
        message = _("Action {n} is now {s}.").format(n=i + 1, s=_status_label(new))
        self._save(plan.model_copy(update={"actions": tuple(actions)}), message)

    def remove_action(self) -> None:
        """Remove the chosen action."""
        i, plan = self._picked(), self.context.state.plan
        actions = plan.actions[:i] + plan.actions[i + 1 :]
        message = _("Action {n} removed.").format(n=i + 1)
        self._save(plan.model_copy(update={"actions": actions}), message)

    def add_support(self) -> None:
        """Add the commitment in the form (the services allow only the manager to)."""
        plan = self.context.state.plan
        item = _valid(SupportCommitment, text=self.support_text.value, due=self.support_due.value)
        self._save(
            plan.model_copy(update={"support": (*plan.support, item)}), _("Commitment added.")
        )
        self.support_text.value, self.support_due.value = "", None

    def _save(self, plan: DevelopmentPlan, message: str, version: int | None = None) -> None:
        """Store ``plan``, made from the plan this page shows (at its version).

        The services keep what others saved since that version, item by item, so the
        plan may be sent as it is; a field both changed comes back as a conflict.
        """
        ctx = self.context
        # model_copy() skips validation, and set_plan stores what it is given: check the
        # whole plan here (a plan rating one competency twice could not be read back).
        plan = _valid(DevelopmentPlan, **plan.model_dump())
        based_on = self._based_on if version is None else version
        ctx.services.set_plan(ctx.workbook_id, plan, based_on, self.reason.value)
        self.conflicts.clear()
        ctx.reload()
        self._based_on = ctx.version
        self.reason.value = ""
        self._said.ok(message)

    @property
    def said(self) -> StatusArea:
        """The status area that spoke last: the one under the section whose button was pressed."""
        return self._said

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: show the two values under the section, for a choice."""

        def save(record: Any, version: int) -> None:
            self._save(_valid(DevelopmentPlan, **record), _("Your choice is saved."), version)

        self.conflicts.show_conflict(conflict, save)
        self.context.reload()

    def _stale(self) -> None:
        """Someone else saved first: load their changes, keeping what was typed here."""
        self.context.reload()
