"""HistoryView: who changed what in a workbook, when and why, and what one change changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.agreement import SUBJECT_LABELS
from ..domain.i18n import _, format_datetime
from ..domain.model import Stage
from .agreement_panel import N_, describe_changes, describe_value
from .base import StatusArea, dropdown, esc, heading, html_table, html_widget
from .lean import make

#: the kind filter: (value, label in English, marked for translation where shown).
KINDS: tuple[tuple[str, str], ...] = (
    ("", N_("All")),
    ("job_description", N_("Job description")),
    ("objectives", N_("Objectives")),
    ("plan", N_("Development plan")),
    ("check_ins", N_("Check-ins")),
    ("review", N_("Review")),
    ("agreements", N_("Agreements")),
)
_KIND_OF_RECORD = {
    "job_description": "job_description",
    "objective": "objectives",
    "coverage_reason": "objectives",
    "plan": "plan",
    "check_in": "check_ins",
    "review": "review",
}


def event_kind(event: Any) -> str:
    """Which part of the workbook an event belongs to (a value of :data:`KINDS`, or "")."""
    if event.entity == "agreement":
        return "agreements"
    if event.entity == "record":
        return _KIND_OF_RECORD.get(event.action.split(".")[0], "")
    return ""


def _snapshot(event: Any) -> Mapping[str, Any]:
    for value in (event.after, event.before):
        if isinstance(value, dict):
            return value
    return {}


def _record_verbs() -> dict[str, dict[str, str]]:
    """What each change to a record did, by kind and verb, with its placeholders."""
    return {
        "objective": {
            "added": _("proposed objective {n} {title}"),
            "updated": _("changed objective {n} {title}"),
            "removed": _("removed objective {n} {title}"),
        },
        "job_description": {
            "added": _("set the job description {title}"),
            "updated": _("changed the job description {title}"),
            "removed": _("removed the job description {title}"),
        },
        "coverage_reason": {
            "added": _("gave a reason for leaving out responsibility {n}"),
            "updated": _("changed the reason for leaving out responsibility {n}"),
            "removed": _("cleared the reason for leaving out responsibility {n}"),
        },
        "plan": {
            "added": _("started the development plan"),
            "updated": _("changed the development plan"),
        },
        "check_in": {
            "added": _("recorded check-in {n} ({date})"),
            "updated": _("changed check-in {n} ({date})"),
            "removed": _("removed check-in {n} ({date})"),
        },
        "review": {"added": _("started the review"), "updated": _("changed the review")},
        "note": {"added": _("wrote a private note that only you can see: {text}")},
    }


def describe_event(event: Any) -> str:
    """What an event did, in words: "changed objective 2 “title”", "moved the workbook to Review"."""
    kind, _dot, verb = event.action.partition(".")
    snap = _snapshot(event)
    if event.entity == "agreement":
        subject = _(SUBJECT_LABELS.get(str(snap.get("subject")), str(snap.get("subject"))))
        template = {
            "confirmed": _("confirmed the {subject} (version {n})"),
            "agreed": _("agreed the {subject} (version {n}): both have now confirmed it"),
            "reopened": _("opened version {n} of the {subject}: both must agree again"),
        }.get(verb, _("changed the agreement on the {subject} (version {n})"))
        return template.format(subject=subject, n=snap.get("number"))
    if event.entity == "workbook":
        if verb == "created":
            return _("opened the workbook for the cycle {start} to {end}").format(
                start=describe_value("on", snap.get("cycle_start")),
                end=describe_value("on", snap.get("cycle_end")),
            )
        if verb == "stage" and snap.get("stage") in {s.value for s in Stage}:
            return _("moved the workbook to {stage}").format(stage=Stage(snap["stage"]).label)
        return _("changed the workbook")
    found = snap.get("content")
    content: Mapping[str, Any] = found if isinstance(found, dict) else {}
    n, title = snap.get("number"), describe_value("title", content.get("title"))
    verbs = _record_verbs()
    template = verbs.get(kind, {}).get(verb, "")
    if not template:
        return event.action.replace(".", " ").replace("_", " ")
    return template.format(
        n=n,
        title=title,
        date=describe_value("on", content.get("on")),
        text=describe_value("text", content.get("text")),
    )


def is_update(event: Any) -> bool:
    """Whether an event changed an existing record (so it has a before and an after)."""
    return (
        event.entity == "record"
        and event.action.endswith(".updated")
        and isinstance(event.before, dict)
        and isinstance(event.after, dict)
    )


def format_when(at: str) -> str:
    """An event's ISO timestamp for people to read."""
    try:
        return format_datetime(dt.datetime.fromisoformat(at))
    except ValueError:
        return at


class HistoryView(W.VBox):
    """The workbook's history, newest first, and the difference one change made.

    Every event is shown with when, who (and the coach who facilitated), what in
    words and why. Filters narrow it to one person or one part of the workbook.
    Choosing a change shows its before and after field by field. Other people's
    private notes are never shown (the services leave them out; so does this view),
    and on a shared screen (a facilitated session) not even one's own.

    Parameters
    ----------
    events:
        The workbook's events, oldest first (``Services.history``): each has ``seq``,
        ``at``, ``actor_id``, ``facilitator_id``, ``action``, ``entity``, ``reason``,
        ``before`` and ``after``. Setting the trait redraws the view.
    names:
        People's names by id.
    viewer:
        The id of the person looking (their own private notes are shown to them).
    shared_screen:
        A facilitated session: no private note at all.

    Examples
    --------
    >>> from types import SimpleNamespace as Event
    >>> changed = Event(seq=2, at="2026-10-01T09:00:00", actor_id="mchen",
    ...     facilitator_id=None, action="objective.updated", entity="record", reason="typo",
    ...     before={"number": 1, "content": {"title": "Pass rate"}},
    ...     after={"number": 1, "content": {"title": "Pass rate 80%"}})
    >>> history = HistoryView(events=[changed], names={"mchen": "Mei Chen"}, viewer="mchen")
    >>> "changed objective 1" in history.table.value
    True
    >>> history.kind.value = "review"
    >>> "Nothing in the history matches" in history.table.value
    True
    """

    events: T.List[Any] = T.List()
    names = T.Dict()
    viewer = T.Unicode("")
    shared_screen = T.Bool(False)

    def __init__(
        self,
        events: Sequence[Any] = (),
        names: Mapping[str, str] | None = None,
        viewer: str = "",
        shared_screen: bool = False,
    ) -> None:
        #: the events shown (no private note of someone else), newest first
        self.shown_events: list[Any] = []
        self._quiet = False  # set while options are replaced, so observers wait
        self.person = dropdown(_("Person"))
        self.kind = dropdown(_("Part"), options=[(_(label), v) for v, label in KINDS])
        self.table = html_widget(css="pmw-history-table")
        self.change = dropdown(_("Change"), "100%")
        self.difference = html_widget()
        self.status = StatusArea()
        for filt in (self.person, self.kind):
            filt.observe(self.status.guard(self._on_filter), names="value")
        self.change.observe(self.status.guard(self._on_change), names="value")
        super().__init__(
            [
                heading(_("History")),
                make(W.HBox, children=[self.person, self.kind]),
                self.table,
                heading(_("What one change changed"), 4),
                self.change,
                self.difference,
                self.status,
            ]
        )
        self.add_class("pmw-history-view")
        self.names = dict(names or {})
        self.viewer, self.shared_screen = viewer, shared_screen
        self.events = list(events)
        self._refresh()

    # --- reading ----------------------------------------------------------------------

    @T.observe("events", "names", "viewer", "shared_screen")
    def _on_state(self, _change: Any = None) -> None:
        self.status.guard(self._refresh)()

    def _refresh(self) -> None:
        """Redraw from the traits, keeping the filters."""
        # never others' notes; and none on a shared screen in a facilitated session
        shared, me = self.shared_screen, self.viewer
        self.shown_events = [
            e
            for e in reversed(self.events)
            if not (e.action.startswith("note.") and (shared or e.actor_id != me))
        ]
        ids = {e.actor_id for e in self.shown_events} | {
            e.facilitator_id for e in self.shown_events if e.facilitator_id
        }
        people = sorted(((self.names.get(i, i), i) for i in ids), key=lambda p: p[0].casefold())
        chosen = self.person.value
        self._quiet = True
        try:
            self.person.options = [(_("All"), ""), *people]
            self.person.value = chosen if chosen in ids else ""
        finally:
            self._quiet = False
        self._redraw()

    def visible(self) -> list[Any]:
        """The events that pass the filters, newest first."""
        who, kind = self.person.value or "", self.kind.value or ""
        return [
            e
            for e in self.shown_events
            if (not who or who in (e.actor_id, e.facilitator_id))
            and (not kind or event_kind(e) == kind)
        ]

    def who(self, event: Any) -> str:
        """Who did it, by name, with the coach who facilitated."""
        name = self.names.get(event.actor_id, event.actor_id)
        if event.facilitator_id:
            coach = self.names.get(event.facilitator_id, event.facilitator_id)
            return _("{name}, facilitated by {coach}").format(name=name, coach=coach)
        return name

    # --- drawing ----------------------------------------------------------------------

    def _redraw(self) -> None:
        shown = self.visible()
        if shown:
            rows = [(format_when(e.at), self.who(e), describe_event(e), e.reason) for e in shown]
            self.table.value = html_table([_("When"), _("Who"), _("What"), _("Why")], rows)
        else:
            text = _("Nothing in the history matches these filters.")
            self.table.value = f"<p class='pmw-muted'>{esc(text)}</p>"
        updates = [
            (f"{format_when(e.at)} · {self.who(e)} · {describe_event(e)}"[:160], e.seq)
            for e in shown
            if is_update(e)
        ]
        chosen = self.change.value
        seqs = [seq for _label, seq in updates]
        self._quiet = True
        try:
            self.change.options = updates or [(_("No changes to compare"), None)]
            self.change.value = chosen if chosen in seqs else (seqs[0] if seqs else None)
        finally:
            self._quiet = False
        self._on_change()

    def _on_filter(self, _change: Any = None) -> None:
        if not self._quiet:
            self._redraw()

    def _on_change(self, _change: Any = None) -> None:
        if self._quiet:
            return
        event = next((e for e in self.shown_events if e.seq == self.change.value), None)
        if event is None or not is_update(event):
            self.difference.value = ""
            return
        kind = event.action.split(".")[0]
        found = describe_changes(kind, event.before.get("content"), event.after.get("content")) or [
            _("nothing that shows in the content")
        ]
        title = _("{what}: {who}, {when}").format(
            what=describe_event(event), who=self.who(event), when=format_when(event.at)
        )
        items = "".join(f"<li>{esc(c)}</li>" for c in found)
        why = (
            f"<div>{esc(_('Why: {reason}').format(reason=event.reason))}</div>"
            if event.reason
            else ""
        )
        self.difference.value = (
            f"<div class='pmw-card pmw-changes'><b>{esc(title)}</b>{why}<ul>{items}</ul></div>"
        )
