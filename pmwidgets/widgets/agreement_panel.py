"""AgreementPanel: exactly what is being agreed, what changed since the last agreement, who confirmed.

The module also holds small pure functions that describe the difference
between two versions of a subject in words a manager reads (``HistoryView``
reuses them for single records).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from typing import Any

import ipywidgets as W

from ..domain.agreement import (
    SUBJECT_LABELS,
    SUBJECTS,
    AgreementStatus,
    AgreementVersion,
    Confirmation,
    Subject,
    method_words,
)
from ..domain.errors import PmwError
from ..domain.i18n import _, current_language, format_date
from ..domain.model import ASSESSMENT_LABELS, PARTIES, Stage, Workbook
from ..domain.readiness import Readiness, agreement_readiness
from ..domain.state import WorkbookState
from .base import StatusArea, button, check_line, esc, heading, html_widget, text
from .context import WorkbookContext
from .lean import make, show

# --- the difference between two versions, in words (pure functions) ----------------

Item = Mapping[str, Any]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERCENT = frozenset({"weight", "share", "percent"})
_CODES = frozenset({"status", "kind"})
OBJECTIVE_FIELDS = ("title", "description", "responsibilities", "measure", "target", "due", "weight")  # fmt: skip


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; ``_()`` translates it where used."""
    return message


#: a list inside a shape: (field, key fields, item name, summary when added/removed, field order)
ListSpec = tuple[str, tuple[str, ...], str, str, tuple[str, ...]]
#: how each kind of content is compared: its plain fields in order, and its lists of items.
SHAPES: dict[str, tuple[tuple[str, ...], tuple[ListSpec, ...]]] = {
    "objectives": ((), (
        ("objectives", ("id",), N_("Objective {id}"), "{title}", OBJECTIVE_FIELDS),
        ("coverage_reasons", ("responsibility",),
         N_("Reason for leaving out responsibility {responsibility}"), "{reason}", ()),
    )),
    "objective": (OBJECTIVE_FIELDS, ()),
    "job_description": (("title", "purpose", "source"), (
        ("responsibilities", ("number",), N_("Responsibility {number}"), "{text}", ("text", "share")),
        ("competencies", ("name",), N_("Competency {name}"), N_("required level {required}"),
         ("description", "required")),
    )),
    "development_plan": ((), (
        ("ratings", ("competency", "by"), N_("{by}'s rating of {competency}"), N_("level {level}"), ()),
        ("actions", ("description",), N_("Action {description}"), "",
         ("kind", "gap", "objective", "due", "status")),
        ("support", ("text",), N_("Manager's support {text}"), "", ()),
    )),
    "review": (("development_outcomes", "next_cycle_focus"), (
        ("assessments", ("objective", "by"), N_("{by}'s assessment of objective {objective}"),
         "{level}", ("level", "comment")),
    )),
    "check_in": (("on", "goal", "reality", "options", "will", "carried_forward"), (
        ("progress", ("objective",), N_("Progress on objective {objective}"), N_("{percent}, {status}"),
         ("percent", "status", "evidence")),
        ("amendments", ("proposal",), N_("Amendment {proposal}"), "", ("objective", "reason")),
    )),
}  # fmt: skip
#: record kinds (as in the event log) whose shape has another name.
SHAPE_OF_KIND = {"plan": "development_plan"}


#: stored field names in words (translated when shown)
FIELD_LABELS = {
    "title": N_("title"), "description": N_("description"), "measure": N_("measure"),
    "responsibilities": N_("responsibilities served"), "target": N_("target"), "due": N_("due"),
    "weight": N_("weight"), "purpose": N_("purpose"), "source": N_("source"), "text": N_("text"),
    "share": N_("share of time"), "required": N_("required level"), "level": N_("level"),
    "anchors": N_("level description"), "comment": N_("comment"), "kind": N_("kind"),
    "gap": N_("competency gap"), "objective": N_("objective"), "status": N_("status"),
    "reason": N_("reason"), "development_outcomes": N_("development outcomes"),
    "next_cycle_focus": N_("focus for the next cycle"), "goal": N_("goal"), "on": N_("date"),
    "reality": N_("reality"), "options": N_("options"), "will": N_("will"),
    "percent": N_("progress"), "evidence": N_("evidence"), "proposal": N_("proposal"),
    "carried_forward": N_("actions carried forward"), "proposed_by": N_("proposed by"),
    "author": N_("author"),
}  # fmt: skip


def field_label(key: str) -> str:
    """A stored field's name in words."""
    label = FIELD_LABELS.get(key)
    return _(label) if label else key.replace("_", " ")


def describe_value(key: str, value: Any) -> str:
    """A stored value in words: dates formatted, percentages with %, text in quotes."""
    if _empty(value):
        return _("nothing")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            pass
    if key in _PERCENT and isinstance(value, int):
        return f"{value}%"
    if key == "level" and value in ASSESSMENT_LABELS:
        return _(ASSESSMENT_LABELS[value])
    if key == "by" and value in PARTIES:
        return _("Employee") if value == "employee" else _("Manager")
    if key in _CODES and isinstance(value, str):
        return _(value.replace("_", " "))
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(describe_value(key, v) for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def field_changes(
    old: Item, new: Item, order: Sequence[str] = (), skip: Iterable[str] = ()
) -> list[str]:
    """One phrase per field that differs: "due changed from 31 Dec 2026 to 28 Feb 2027"."""
    skipped = set(skip)
    keys = [k for k in order if (k in old or k in new) and k not in skipped]
    keys += sorted(k for k in {*old, *new} if k not in keys and k not in skipped)
    out = []
    for k in keys:
        a, b = old.get(k), new.get(k)
        label = field_label(k)
        if a == b:
            continue
        if isinstance(a, dict | None) and isinstance(b, dict | None):
            out += [f"{label} {change}" for change in field_changes(a or {}, b or {})]
        elif _empty(a):
            out.append(_("{field} set to {new}").format(field=label, new=describe_value(k, b)))
        elif _empty(b):
            out.append(
                _("{field} cleared (was {old})").format(field=label, old=describe_value(k, a))
            )
        else:
            was, now = describe_value(k, a), describe_value(k, b)
            out.append(
                _("{field} changed from {old} to {new}").format(field=label, old=was, new=now)
            )
    return out


def _name(template: str, item: Item, capital: bool = True) -> str:
    text = _(template).format(**{k: describe_value(k, v) for k, v in item.items()})
    return text[:1].upper() + text[1:] if capital else text


def keyed_changes(
    old_items: Iterable[Item], new_items: Iterable[Item], spec: ListSpec
) -> list[str]:
    """Items matched by their key: "Objective 4 added: …", "Objective 3 removed: …", "Objective 2: …"."""
    _field, keys, name, summary, order = spec

    def key(item: Item) -> tuple[Any, ...]:
        return tuple(
            str(item.get(k)).casefold() if isinstance(item.get(k), str) else item.get(k)
            for k in keys
        )

    old = {key(i): i for i in old_items}
    new = {key(i): i for i in new_items}
    ordered = [*old, *(k for k in new if k not in old)]
    with suppress(TypeError):
        ordered.sort()
    out = []
    for k in ordered:
        item = new[k] if k in new else old[k]
        if k not in old or k not in new:
            text = (_("{item} added") if k not in old else _("{item} removed")).format(
                item=_name(name, item)
            )
            out.append(f"{text}: {_name(summary, item, False)}" if summary else text)
            continue
        changes = field_changes(old[k], new[k], order, keys)
        if changes:
            out.append(
                _("{item}: {changes}").format(item=_name(name, item), changes="; ".join(changes))
            )
    return out


def text_diff(old: Any, new: Any) -> list[str]:
    """Line differences of pretty-printed JSON: the fallback when no shape fits."""

    def lines(v: Any) -> list[str]:
        return json.dumps(v, indent=2, sort_keys=True, ensure_ascii=False).splitlines()

    diff = difflib.unified_diff(lines(old), lines(new), lineterm="", n=0)
    return [d for d in diff if not d.startswith(("---", "+++", "@@"))]


def describe_changes(shape: str, old: Any, new: Any) -> list[str]:
    """The differences between two versions of some content, in words.

    ``shape`` is an agreement subject ("objectives", "job_description", …) or a
    record kind of the event log ("objective", "plan", "check_in", …). Content of
    an unknown shape falls back to a line diff of its JSON.
    """
    if old == new:
        return []
    found: list[str] = []
    try:
        fields, lists = SHAPES[SHAPE_OF_KIND.get(shape, shape)]
        a, b = old or {}, new or {}
        found = field_changes(a, b, fields, [spec[0] for spec in lists])
        for spec in lists:
            found += keyed_changes(a.get(spec[0]) or [], b.get(spec[0]) or [], spec)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        found = []
    return found or text_diff(old, new)


def last_agreed(
    version: AgreementVersion | None, events: Iterable[Any], subject: str
) -> tuple[int, str] | None:
    """(number, canonical JSON) of the latest agreed version of ``subject``, if any.

    The current version's frozen text when it is agreed; otherwise the latest
    ``agreement.agreed`` event before it in the log (the state holds only the
    latest version per subject).
    """
    if version is not None and version.agreed and version.agreed_canonical is not None:
        return version.number, version.agreed_canonical
    best: tuple[int, str] | None = None
    for e in events:
        after = e.after
        if e.entity != "agreement" or e.action != "agreement.agreed" or not isinstance(after, dict):
            continue
        number, text = int(after.get("number") or 0), after.get("agreed_canonical")
        if after.get("subject") != subject or not text:
            continue
        if version is not None and number >= version.number:
            continue
        if best is None or number > best[0]:
            best = (number, text)
    return best


# --- the widget ---------------------------------------------------------------------


class AgreementPanel(W.VBox):
    """Where the agreement on one subject stands, and the acting party's *Confirm* button.

    Shows the status in words, the version and why it was opened, the content
    fingerprint (SHA-256) that a confirmation refers to, the difference from the
    last agreed version in words, and who has confirmed. *Confirm* sends the
    fingerprint shown on the page, so a confirmation is never of content the
    person has not seen.

    Examples
    --------
    >>> panel = AgreementPanel(context, "objectives")  # doctest: +SKIP
    >>> panel.confirm_button.click()  # doctest: +SKIP
    >>> panel.status.message  # doctest: +SKIP
    'You confirmed version 1 of the objectives; waiting for Richard Okafor.'
    """

    def __init__(
        self,
        context: WorkbookContext,
        subject: Subject,
        on_confirmed: Callable[[AgreementStatus], None] | None = None,
    ) -> None:
        if subject not in SUBJECTS:
            raise ValueError(f"unknown agreement subject {subject!r}")
        self.context, self.subject, self.on_confirmed = context, subject, on_confirmed
        #: the fingerprint shown on the page at the last refresh: what *Confirm* sends.
        self.seen_hash = ""
        self._names: dict[str, str] = {}
        self._other = ""
        # what was worked out at the last refresh, and from what (see _base, _changes_html)
        self._base_for: tuple[int, int] | None = None
        self._base_found: tuple[int, str] | None = None
        self._changes_for: tuple[object, ...] | None = None
        self._changes_shown = ""
        self.summary = html_widget(css="pmw-card")
        self.changes = html_widget()
        self.confirmations = html_widget()
        self.explanation = html_widget()
        self.confirm_button = button(_("Confirm"), "primary")
        #: in a facilitated session: the code from the acting person's own signed-in page
        self.code = make(
            W.Password,
            description=_("Their personal code"),
            placeholder=_("6 digits"),
            style={"description_width": "initial"},
            layout={"width": "22em"},
        )
        #: everything that stops a confirmation now, all at once; and what may be accepted
        self.readiness = html_widget()
        self.accept = text(
            _("Why you agree as it is"),
            placeholder=_("e.g. we sharpen the wording at the first check-in"),
        )
        self.status = StatusArea()
        self._acting = context.services.me.id
        self.confirm_button.on_click(
            self.status.guard(lambda _b: self.confirm(), on_stale=context.reload)
        )
        super().__init__(
            [
                heading(_("Agreement on the {subject}").format(subject=self._label())),
                self.summary,
                self.changes,
                self.confirmations,
                self.readiness,
                self.accept,
                make(
                    W.HBox,
                    children=[self.code, self.confirm_button],
                    layout={"flex_flow": "row wrap"},
                ),
                self.status,
                self.explanation,
            ]
        )
        self.add_class("pmw-agreement-panel")
        context.subscribe(self.refresh)
        self.refresh(context.state)

    def _label(self) -> str:
        return _(SUBJECT_LABELS[self.subject])

    def refresh(self, state: WorkbookState) -> None:
        """Redraw everything from ``state`` and remember the fingerprint now shown."""
        svc, subject, wb = self.context.services, self.subject, state.workbook
        if svc.me.id != self._acting:  # someone else acts now: what was said was to the other
            self._acting = svc.me.id
            self.status.clear()
            self.code.value = ""
        version = state.agreements.get(subject)
        self._names = self.context.names(
            [
                wb.employee_id,
                wb.manager_id,
                *(
                    pid
                    for c in (version.confirmations if version else ())
                    for pid in (c.person_id, c.facilitator_id)
                ),
            ]
        )
        current = self.seen_hash = state.subject_hash(subject)
        agreed = state.agreement_status(subject)
        number = version.number if version else 1
        line = esc(_("Version {n}").format(n=number))
        reasons = [r for r in (version.opened_reason if version else "").split("; ") if r]
        if number > 1 and len(reasons) == 1:
            line = esc(
                _("Version {n}, opened because: {reason}").format(n=number, reason=reasons[0])
            )
        elif number > 1 and reasons:
            items = "".join(f"<li>{esc(r)}</li>" for r in reasons)
            title = _("Version {n}: the reasons for its changes").format(n=number)
            line = f"{esc(title)}<ul>{items}</ul>"
        waiting = agreed in (AgreementStatus.AWAITING_EMPLOYEE, AgreementStatus.AWAITING_MANAGER)
        state_line = (
            f"<div class='pmw-wait'><span aria-label='{esc(_('Waiting'))}'>…</span> "
            f"{esc(agreed.label)}</div>"
            if waiting
            else check_line(agreed == AgreementStatus.AGREED, agreed.label)
        )
        self.summary.value = (
            state_line
            + f"<div class='pmw-version'>{line}</div>"
            + f"<div>{esc(_('Content fingerprint: {short}').format(short=current[:12]))}</div>"
            + f"<div class='pmw-muted pmw-hash'><small><code>{esc(current)}</code></small></div>"
        )
        self.changes.value = self._changes_html(self._base(version), state)
        lines = []
        for side in PARTIES:
            c = version.confirmation(side) if version else None
            lines.append(self._confirmation_line(side, c, wb, number, current))
        self.confirmations.value = "".join(lines)
        party = wb.party_of(svc.me.id)
        other_id = wb.manager_id if party == "employee" else wb.employee_id
        self._other = self._names.get(other_id, other_id)
        has_content = not (
            (subject == "job_description" and state.job is None)
            or (subject == "objectives" and not state.objectives)
            or (subject == "review" and wb.stage not in (Stage.REVIEW, Stage.CLOSED))
        )
        done = version is not None and party in version.confirmed_by(current)
        is_agreed = agreed == AgreementStatus.AGREED
        ready = agreement_readiness(state, subject, dt.date.today())
        waiting = party is not None and has_content and not done and not is_agreed
        self._show_readiness(ready, waiting)
        self._button(party, has_content, done, is_agreed, blocked=not ready.ready)

    def _show_readiness(self, ready: Readiness, waiting: bool) -> None:
        """List, at once, everything missing before anyone can confirm (in plain words),
        and the SMART criteria not met, which the confirming person may accept with a reason."""
        parts = []
        if ready.blocking:
            title = _("Before either of you can confirm, complete:")
            items = "".join(check_line(False, b) for b in ready.blocking)
            parts.append(f"<div class='pmw-card pmw-missing'><b>{esc(title)}</b>{items}</div>")
        if ready.blocking and ready.acceptable:
            title = _(
                "Also, not every SMART criterion is met: improve it, or, once the rest is "
                "complete, agree as it is and say why:"
            )
            items = "".join(check_line(False, a) for a in ready.acceptable)
            parts.append(f"<div class='pmw-card pmw-acceptable'><b>{esc(title)}</b>{items}</div>")
        elif ready.acceptable:
            title = _(
                "Not every SMART criterion is met. You can improve it first, or agree as it "
                "is and say why (your reason is recorded with your confirmation):"
            )
            items = "".join(check_line(False, a) for a in ready.acceptable)
            parts.append(f"<div class='pmw-card pmw-acceptable'><b>{esc(title)}</b>{items}</div>")
        self.readiness.value = "".join(parts) if waiting or ready.blocking else ""
        show(self.accept, waiting and ready.ready and bool(ready.acceptable))

    def _base(self, version: AgreementVersion | None) -> tuple[int, str] | None:
        """(number, canonical JSON) of the last agreed version: what changes are measured from.

        The current version's own frozen text when it is agreed; for a draft after an
        agreement, the version before it, read once per draft (what was agreed never
        changes, so the answer holds until another version is opened).
        """
        if version is None:
            return None
        if version.agreed and version.agreed_canonical is not None:
            return version.number, version.agreed_canonical
        if version.number <= 1:
            return None
        key = (self.context.workbook_id, version.number)
        if self._base_for != key:
            svc = self.context.services
            self._base_found = svc.last_agreed(self.context.workbook_id, self.subject)
            self._base_for = key
        return self._base_found

    def _changes_html(self, base: tuple[int, str] | None, state: WorkbookState) -> str:
        key = (base, state.subject_hash(self.subject), current_language())
        if self._changes_for != key:
            self._changes_shown = self._describe(base, state)
            self._changes_for = key
        return self._changes_shown

    def _describe(self, base: tuple[int, str] | None, state: WorkbookState) -> str:
        if base is None:
            text = _("Nothing has been agreed on this yet: this is the first version.")
            return f"<p class='pmw-muted'>{esc(text)}</p>"
        number, canonical = base
        found = describe_changes(
            self.subject, json.loads(canonical), state.subject_content(self.subject)
        )
        if not found:
            text = _("No changes since version {n} was agreed.").format(n=number)
            return f"<p class='pmw-muted'>{esc(text)}</p>"
        title = _("What changed since version {n} was agreed").format(n=number)
        items = "".join(f"<li>{esc(c)}</li>" for c in found)
        return f"<div class='pmw-card pmw-changes'><b>{esc(title)}</b><ul>{items}</ul></div>"

    def _confirmation_line(
        self, party: str, c: Confirmation | None, wb: Workbook, number: int, current: str
    ) -> str:
        pid = c.person_id if c else (wb.employee_id if party == "employee" else wb.manager_id)
        who = _("{name} ({party})").format(name=self._names.get(pid, pid), party=_(party))
        if c is None:
            return check_line(False, _("{who} has not confirmed yet").format(who=who))
        when = {"who": who, "n": number, "date": format_date(c.at.date())}
        if c.content_hash != current:
            text = _(
                "{who} confirmed an earlier text of version {n} on {date}; it has changed "
                "since, so this text is not confirmed yet"
            )
            return check_line(False, text.format(**when))
        text = _("{who} confirmed version {n} on {date}").format(**when)
        coach = self._names.get(c.facilitator_id, c.facilitator_id) if c.facilitator_id else ""
        text += ", " + method_words(c.method, coach)
        return check_line(True, text)

    def _button(
        self, party: str | None, has_content: bool, done: bool, agreed: bool, blocked: bool = False
    ) -> None:
        svc = self.context.services
        method = svc.confirmation_method()
        offered = party is not None and has_content and not done and not agreed and not blocked
        show(self.confirm_button, offered and method is not None)
        show(self.code, offered and method == "session_code")
        name = svc.me.name
        if offered and method is None:
            text = _(
                "A confirmation is each person's own act: {name} confirms from their own "
                "sign-in in the web app, or with their personal code in a session facilitated "
                "by the workbook's coach."
            ).format(name=name)
        elif offered:
            self.confirm_button.description = self.confirm_button.tooltip = _(
                "Confirm as {name} ({party})"
            ).format(name=name, party=_(party or "employee"))
            text = _(
                "You confirm that this is what you and {other} agree; nothing is agreed until "
                "both confirm the same version."
            ).format(other=self._other)
            if method == "session_code":
                text = _(
                    "Only {name} can confirm: they open their own home page (signed in with "
                    "their own link) and type the personal code shown there, or read it out "
                    "for it to be typed here. The coach cannot confirm for anyone. Nothing is "
                    "agreed until both confirm the same version."
                ).format(name=name)
        elif agreed:
            text = _(
                "Both have confirmed this version and it is frozen; a change opens a new "
                "version that both must agree again."
            )
        elif party is None:
            text = _("Only the employee and the manager confirm; you can see where it stands.")
        elif not has_content:
            text = _("There is nothing to confirm yet.")
        elif blocked and not done:
            text = _("Complete what is listed above; then each of you can confirm.")
        else:
            text = _("You have confirmed this version; waiting for {other}.").format(
                other=self._other
            )
            if self.context.facilitated:
                text = _("{name} has confirmed this version; waiting for {other}.").format(
                    name=name, other=self._other
                )
        self.explanation.value = f"<p class='pmw-help'>{esc(text)}</p>"

    def confirm(self) -> None:
        """Confirm, as the acting party, the content whose fingerprint the page shows."""
        ctx = self.context
        code, self.code.value = self.code.value, ""  # a code is used once, and not left shown
        try:
            result = ctx.services.confirm(
                ctx.workbook_id, self.subject, self.seen_hash, code, self.accept.value
            )
        except PmwError:
            if ctx.changed_elsewhere():
                ctx.reload()  # show what changed, so the person can read it again
            raise
        self.accept.value = ""
        version = ctx.reload().agreements.get(self.subject)
        args = {"n": version.number if version else 1, "subject": self._label()}
        if result == AgreementStatus.AGREED:
            message = _("Agreed by both: version {n} of the {subject} is now frozen.")
        else:
            message = _("You confirmed version {n} of the {subject}; waiting for {other}.")
            if ctx.facilitated:  # the coach's screen: it was the acting person, not "you"
                message = _("{name} confirmed version {n} of the {subject}; waiting for {other}.")
        self.status.ok(message.format(name=ctx.services.me.name, other=self._other, **args))
        if self.on_confirmed:
            self.on_confirmed(result)
