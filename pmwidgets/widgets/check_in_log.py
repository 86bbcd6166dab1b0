"""CheckInLog: the check-ins step: the log of past conversations and a new check-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
from pydantic import ValidationError

from ..domain.errors import ValidationFailed, describe_validation_error
from ..domain.i18n import _, format_date
from ..domain.model import Amendment, CheckIn, ObjectiveProgress, Stage
from ..domain.state import WorkbookState
from . import _svg as charts
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
from .context import WorkbookContext
from .lean import close_replaced, make


def _status_words() -> dict[str, str]:
    """Each progress status in words, in the order they are offered."""
    words = (_("not started"), _("on track"), _("at risk"), _("off track"), _("done"))
    return dict(
        zip(("not_started", "on_track", "at_risk", "off_track", "done"), words, strict=True)
    )


def _grow() -> tuple[tuple[str, str, str], ...]:
    """(field, label, one-line hint) for each part of a GROW conversation."""
    return (
        ("goal", _("Goal"), _("Goal: what do we want from this conversation?")),
        ("reality", _("Reality"), _("Reality: where do things stand now, and what shows it?")),
        ("options", _("Options"), _("Options: what could we do?")),
        ("will", _("Will"), _("Will: what will each of us do, and by when?")),
    )


def _multiline(value: str) -> str:
    """Escaped text with its line breaks kept."""
    return esc(value).replace("\n", "<br>")


def _items(title: str, lines: Sequence[str]) -> str:
    """A titled list of already-escaped lines (empty when there are none)."""
    if not lines:
        return ""
    body = "".join(f"<li>{line}</li>" for line in lines)
    return f"<h4>{esc(title)}</h4><ul>{body}</ul>"


def _newest_first(check_ins: Sequence[CheckIn]) -> list[CheckIn]:
    return sorted(check_ins, key=lambda c: (c.on, c.id or 0), reverse=True)


def _hint(message: str) -> W.HTML:
    """A one-line hint under a heading or above an input."""
    return paragraph(message, "pmw-muted")


class _ProgressRow:
    """The inputs for one objective's progress in the new check-in."""

    def __init__(self, number: int, title: str) -> None:
        self.number = number
        self.label = html_widget()
        self.percent = make(
            W.BoundedIntText,
            description=_("Objective {n} (%)").format(n=number),
            min=0,
            max=100,
            style=WIDE,
        )
        self.status = make(
            W.Dropdown,
            description=_("Status"),
            options=[(_("not discussed"), ""), *((w, s) for s, w in _status_words().items())],
            style=WIDE,
        )
        self.evidence = text(_("Evidence"), placeholder=_("What shows the progress"))
        self.previous = 0
        inputs = make(W.HBox, children=[self.percent, self.status])
        self.box = make(W.VBox, children=[self.label, inputs, self.evidence], classes=("pmw-card",))
        self.retitle(title)

    def retitle(self, title: str) -> None:
        words = _("Objective {n}: {title}").format(n=self.number, title=title)
        self.label.value = f"<strong>{esc(words)}</strong>"

    def reset(self, previous: int) -> None:
        self.previous = previous
        self.percent.value = previous
        self.status.value = ""
        self.evidence.value = ""

    def progress(self) -> ObjectiveProgress | None:
        """The progress typed in, None when the objective was not discussed."""
        if not self.status.value:
            if self.evidence.value.strip() or self.percent.value != self.previous:
                raise ValidationFailed(
                    _("choose a status for objective {n}, or leave its progress as it was").format(
                        n=self.number
                    )
                )
            return None
        return ObjectiveProgress(
            objective=self.number,
            percent=int(self.percent.value),
            status=self.status.value,
            evidence=self.evidence.value,
        )


class CheckInLog(W.VBox):
    """The check-ins of a workbook, newest first, and a form for a new one.

    The log shows each conversation's GROW notes, progress per objective,
    actions carried forward and proposed amendments, with a chart of progress
    across check-ins. The form records a new check-in; proposing an amendment
    reopens the agreed objectives (the services layer does that), so both
    parties must agree them again. What was typed survives a refused save.

    Examples
    --------
    >>> log = CheckInLog(context)  # doctest: +SKIP
    >>> log.goal.value = "Half-term review of progress."  # doctest: +SKIP
    >>> log.save_button.click()  # doctest: +SKIP
    >>> log.status.kind  # doctest: +SKIP
    'ok'
    """

    def __init__(
        self, context: WorkbookContext, on_saved: Callable[[int], None] | None = None
    ) -> None:
        self.context = context
        self.on_saved = on_saved
        self._names = {p.id: p.name for p in context.services.people()}
        self._chart_key: object = None
        self.rows: dict[int, _ProgressRow] = {}
        self.entries = make(W.Accordion)
        self.entries_note = html_widget()
        self.chart_box = make(W.VBox)
        self.stage_note = html_widget()
        self.carried_in = html_widget(css="pmw-card")
        self.on = make(W.DatePicker, description=_("Date"), style=WIDE)
        self.date_hint = html_widget()
        self.goal, self.reality, self.options, self.will = (
            text(label, area=True) for _f, label, _h in _grow()
        )
        grow = [w for f, _l, h in _grow() for w in (_hint(h), getattr(self, f))]
        self.progress_box = make(W.VBox)
        one_per_line = _("One action per line")
        self.carried = text(_("Carried forward"), area=True, placeholder=one_per_line)
        self.amend_objective = make(W.Dropdown, description=_("Objective"), style=WIDE)
        change = _("What should change")
        self.amend_proposal = text(_("Proposal"), area=True, placeholder=change)
        self.amend_reason = text(_("Reason"), placeholder=_("Why it should change"))
        self.save_button = button(_("Save check-in"), "primary")
        self.status = StatusArea()
        self.save_button.on_click(self.status.guard(lambda _b: self.save(), on_stale=self._stale))
        amend_note = _(
            "Proposing an amendment reopens the agreed objectives: "
            "the employee and the manager will both need to agree them again."
        )
        progress_hint = _("Choose a status for each objective you discussed; leave the others.")
        past = [heading(_("Check-ins so far")), self.entries_note, self.entries, self.chart_box]
        intro = [heading(_("New check-in")), self.stage_note, self.carried_in, self.on]
        progress = [heading(_("Progress per objective"), 4), _hint(progress_hint)]
        amend = [heading(_("Amendment (optional)"), 4), _hint(amend_note), self.amend_objective]
        form = [*intro, self.date_hint, *grow, *progress, self.progress_box, self.carried, *amend]
        form += [self.amend_proposal, self.amend_reason, self.save_button]
        super().__init__([*past, *form, self.status])
        self.add_class("pmw-check-in-log")
        context.subscribe(self._refresh)
        self._refresh(context.state)
        self.reset_form()

    # --- read-only parts, refreshed whenever anyone saves --------------------------

    def _refresh(self, state: WorkbookState) -> None:
        newest = _newest_first(state.check_ins)
        old = tuple(self.entries.children)
        self.entries.children = [self._entry(c, state) for c in newest]
        self.entries.titles = tuple(self._title(c) for c in newest)
        self.entries.selected_index = 0 if newest else None
        close_replaced(old, ())  # so a long session does not pile up widgets
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

    def _title(self, check_in: CheckIn) -> str:
        author = check_in.author or ""
        name = self._names.get(author, author or _("unknown"))
        return _("{date} — by {name}").format(date=format_date(check_in.on), name=name)

    def _entry(self, c: CheckIn, state: WorkbookState) -> W.HTML:
        notes = ((label, getattr(c, f)) for f, label, _h in _grow())
        parts = [
            f"<p><strong>{esc(label)}:</strong> {_multiline(value)}</p>"
            for label, value in notes
            if value.strip()
        ]
        progress = []
        for p in c.progress:
            objective = state.objective(p.objective)
            line = _("Objective {n} {title}: {percent}%, {status}").format(
                n=p.objective,
                title=objective.title if objective else "",
                percent=p.percent,
                status=_status_words().get(p.status, p.status),
            )
            if p.evidence.strip():
                line += _(" — evidence: {evidence}").format(evidence=p.evidence)
            progress.append(esc(line))
        amendments = []
        for a in c.amendments:
            what = _("Objective {n}").format(n=a.objective) if a.objective else _("No objective")
            line = _("{what}: {proposal} (reason: {reason})")
            amendments.append(esc(line.format(what=what, proposal=a.proposal, reason=a.reason)))
        body = "".join(parts)
        body += _items(_("Progress"), progress)
        body += _items(_("Actions carried forward"), [esc(a) for a in c.carried_forward])
        body += _items(_("Proposed amendments"), amendments)
        return html_widget(body or paragraph_html(_("No notes were written.")), "pmw-card")

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
        alt = _("Progress at each check-in: {details}").format(
            details="; ".join(
                f"{label}: "
                + ", ".join(
                    _("{percent}% on {date}").format(percent=pct, date=format_date(day))
                    for day, pct in points
                )
                for label, points in series.items()
            )
        )
        self.chart_box.children = (charts.chart(charts.progress_chart(series), alt),)

    def _carried_in(self, previous: CheckIn | None) -> None:
        if previous is None or not previous.carried_forward:
            self.carried_in.value = paragraph_html(
                _("No actions were carried forward from the previous check-in."), "pmw-muted"
            )
            return
        title = _("Carried forward from the check-in of {date}").format(
            date=format_date(previous.on)
        )
        self.carried_in.value = _items(title, [esc(a) for a in previous.carried_forward])

    def _sync_objectives(self, state: WorkbookState) -> None:
        """Match the progress rows and the amendment choices to the current objectives."""
        objectives = sorted(state.objectives, key=lambda o: o.id or 0)
        for o in objectives:
            number = o.id or 0
            if number in self.rows:
                self.rows[number].retitle(o.title)
            else:
                self.rows[number] = row = _ProgressRow(number, o.title)
                row.reset(self._last_percent(number))
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

    def _last_percent(self, number: int) -> int:
        return next(
            (
                p.percent
                for c in _newest_first(self.context.state.check_ins)
                for p in c.progress
                if p.objective == number
            ),
            0,
        )

    # --- the form ---------------------------------------------------------------------

    def reset_form(self) -> None:
        """Clear the form for the next check-in (today's date, clamped into the cycle)."""
        wb = self.context.state.workbook
        self.on.value = min(max(dt.date.today(), wb.cycle_start), wb.cycle_end)
        for field in (self.goal, self.reality, self.options, self.will, self.carried):
            field.value = ""
        for number, row in self.rows.items():
            row.reset(self._last_percent(number))
        self.amend_objective.value = 0
        self.amend_proposal.value = self.amend_reason.value = ""

    def draft(self) -> CheckIn:
        """The check-in the form describes; ValidationFailed in plain words if it is incomplete."""
        if self.on.value is None:
            raise ValidationFailed(_("choose the date of the check-in"))
        progress = tuple(p for p in (r.progress() for r in self.rows.values()) if p is not None)
        carried = tuple(line.strip() for line in self.carried.value.splitlines() if line.strip())
        proposal, reason = self.amend_proposal.value.strip(), self.amend_reason.value.strip()
        notes: dict[str, Any] = {f: getattr(self, f).value for f, _l, _h in _grow()}
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

    def save(self) -> None:
        """Store the new check-in, then clear the form."""
        draft = self.draft()
        ctx = self.context
        number = ctx.services.save_check_in(ctx.workbook_id, draft, ctx.version)
        ctx.reload()
        self.reset_form()
        message = _("Check-in {n} saved.").format(n=number)
        if draft.amendments:
            message += " " + _(
                "The proposed amendment reopened the objectives: both need to agree them again."
            )
        self.status.ok(message)
        if self.on_saved:
            self.on_saved(number)

    def _stale(self) -> None:
        """Someone else saved first: show their changes, keep what was typed here."""
        self.context.reload()
