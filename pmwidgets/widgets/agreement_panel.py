"""AgreementPanel: exactly what is being agreed, what changed since the last agreement, who confirmed.

A pure view: it draws a :class:`~pmwidgets.domain.state.WorkbookState` and reports a
confirmation through ``on_confirm``. What changed since the last agreed version is
worked out by :mod:`pmwidgets.domain.diff`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.agreement import (
    SUBJECT_LABELS,
    SUBJECTS,
    AgreementStatus,
    AgreementVersion,
    Subject,
)

# old path: these moved to pmwidgets.domain.diff; imported from here until every caller moved
from ..domain.diff import (  # noqa: F401
    N_,
    changes_since_agreed,
    describe_changes,
    describe_value,
    field_changes,
    field_label,
    last_agreed,
    text_diff,
)
from ..domain.i18n import _, current_language
from ..domain.model import PARTIES, Person, Stage
from ..domain.readiness import Readiness, agreement_readiness
from ..domain.state import WorkbookState
from ._agreement_words import confirmation_line, explanation, summary_html
from .base import StatusArea, button, esc, heading, html_widget, text, todo_line
from .lean import make, show

#: ``on_confirm(seen_hash, personal_code, accept_reason)``: records the confirmation
Confirm = Callable[[str, str, str], AgreementStatus]


class AgreementPanel(W.VBox):
    """Where the agreement on one subject stands, and the acting party's *Confirm* button.

    Shows the status in words, the version and why it was opened, the content
    fingerprint (SHA-256) that a confirmation refers to, the difference from the
    last agreed version in words, and who has confirmed. *Confirm* hands
    ``on_confirm`` the fingerprint shown on the page, so a confirmation is never of
    content the person has not seen.

    Parameters
    ----------
    subject:
        What is agreed: ``"job_description"``, ``"objectives"``, ``"development_plan"``
        or ``"review"``.
    state, names, acting, facilitator, method, agreed_before:
        The traits below, to start with.
    on_confirm:
        Called with ``(seen_hash, personal_code, accept_reason)``; returns the
        :class:`AgreementStatus` after the confirmation, or raises a ``PmwError``
        (shown in the status area, in words).

    Examples
    --------
    >>> from pmwidgets.domain.examples import example_state, EMPLOYEE, NAMES
    >>> panel = AgreementPanel("objectives", example_state(), acting=EMPLOYEE,
    ...                        names=NAMES, method="own_sign_in",
    ...                        on_confirm=lambda seen, code, why: AgreementStatus.AWAITING_MANAGER)
    >>> "Draft: not confirmed by either party" in panel.summary.value
    True
    >>> panel.confirm_button.click()
    >>> panel.status.message
    'You confirmed version 1 of the objectives; waiting for Richard Okafor.'
    """

    #: the workbook as the acting person sees it
    state = T.Instance(WorkbookState, allow_none=True)
    #: people's names by id
    names = T.Dict()
    #: the person acting at this screen (None: nobody a confirmation could be from)
    acting = T.Instance(Person, allow_none=True)
    #: the coach facilitating the session, if any (the wording says who confirmed)
    facilitator = T.Instance(Person, allow_none=True)
    #: how the acting person can confirm here: ``own_sign_in``, ``session_code`` or None
    method = T.Unicode(None, allow_none=True)
    #: (number, canonical JSON) of the last agreed version, for a draft that follows one
    agreed_before = T.Any(None, allow_none=True)

    def __init__(
        self,
        subject: Subject,
        state: WorkbookState | None = None,
        on_confirm: Confirm | None = None,
        on_confirmed: Callable[[AgreementStatus], None] | None = None,
        anchor: str = "",
        **traits: Any,
    ) -> None:
        if subject not in SUBJECTS:
            raise ValueError(f"unknown agreement subject {subject!r}")
        self.subject, self.on_confirm, self.on_confirmed = subject, on_confirm, on_confirmed
        #: the fingerprint shown on the page at the last redraw: what *Confirm* sends.
        self.seen_hash = ""
        self._other = ""
        self._changes_for: tuple[object, ...] | None = None
        self._changes_shown = ""
        self.summary = html_widget(css="pmw-card")
        self.changes = html_widget()
        self.confirmations = html_widget()
        self.explanation = html_widget()
        #: everything that stops a confirmation now, all at once; and what may be accepted
        self.readiness = html_widget()
        self.accept = text(
            _("Why you agree as it is"),
            placeholder=_("e.g. we sharpen the wording at the first check-in"),
        )
        self.status = StatusArea()
        super().__init__(
            [
                heading(
                    _("Agreement on the {subject}").format(subject=self._label()), anchor=anchor
                ),
                self.summary,
                self.changes,
                self.confirmations,
                self.readiness,
                self.accept,
                self._confirm_row(),
                self.status,
                self.explanation,
            ]
        )
        self.add_class("pmw-agreement-panel")
        with self.hold_trait_notifications():
            for name, value in traits.items():
                setattr(self, name, value)
            self.state = state
        self._update()

    def _confirm_row(self) -> W.HBox:
        """*Confirm*, and in a facilitated session the field for the code from the acting
        person's own signed-in page."""
        self.confirm_button = button(_("Confirm"), "primary")
        self.code = make(
            W.Password,
            description=_("Their personal code"),
            placeholder=_("6 digits"),
            style={"description_width": "initial"},
            layout={"width": "22em"},
        )
        self.confirm_button.on_click(self.status.guard(lambda _b: self.confirm()))
        return make(
            W.HBox, children=[self.code, self.confirm_button], layout={"flex_flow": "row wrap"}
        )

    #: (version, status) that the last confirmation's message is true of, until it moves
    _said: tuple[int, AgreementStatus] | None = None

    def _label(self) -> str:
        return _(SUBJECT_LABELS[self.subject])

    @T.observe("acting")
    def _acting_changed(self, change: dict[str, Any]) -> None:
        """Someone else acts now: what was said was said to the other person."""
        old, new = change["old"], change["new"]
        if old is not None and (new is None or new.id != old.id):
            self.status.clear()
            self.code.value = ""

    @T.observe("state", "names", "acting", "facilitator", "method", "agreed_before")
    def _update(self, change: Any = None) -> None:
        """Redraw everything and remember the fingerprint now shown."""
        state = self.state
        if state is None:
            return
        subject, wb = self.subject, state.workbook
        version = state.agreements.get(subject)
        current = self.seen_hash = state.subject_hash(subject)
        agreed = state.agreement_status(subject)
        number = version.number if version else 1
        if self._said is not None and self._said != (number, agreed):
            # someone's save or confirmation moved the agreement on: what the last
            # confirmation said ("waiting for …") is no longer true
            self._said = None
            self.status.clear()
        self.summary.value = summary_html(version, agreed, current)
        self.changes.value = self._changes_html(self._base(version), state)
        self.confirmations.value = "".join(
            confirmation_line(
                side, version.confirmation(side) if version else None, wb, number, current,
                self.names,
            )
            for side in PARTIES
        )  # fmt: skip
        me = self.acting.id if self.acting else ""
        party = wb.party_of(me) if me else None
        other_id = wb.manager_id if party == "employee" else wb.employee_id
        self._other = self.names.get(other_id, other_id)
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
            items = "".join(todo_line(b) for b in ready.blocking)
            parts.append(f"<div class='pmw-card pmw-missing'><b>{esc(title)}</b>{items}</div>")
        if ready.blocking and ready.acceptable:
            title = _(
                "Also, not every SMART criterion is met: improve it, or, once the rest is "
                "complete, agree as it is and say why:"
            )
            items = "".join(todo_line(a) for a in ready.acceptable)
            parts.append(f"<div class='pmw-card pmw-acceptable'><b>{esc(title)}</b>{items}</div>")
        elif ready.acceptable:
            title = _(
                "Not every SMART criterion is met. You can improve it first, or agree as it "
                "is and say why (your reason is recorded with your confirmation):"
            )
            items = "".join(todo_line(a) for a in ready.acceptable)
            parts.append(f"<div class='pmw-card pmw-acceptable'><b>{esc(title)}</b>{items}</div>")
        self.readiness.value = "".join(parts) if waiting or ready.blocking else ""
        show(self.accept, waiting and ready.ready and bool(ready.acceptable))

    def _base(self, version: AgreementVersion | None) -> tuple[int, str] | None:
        """(number, canonical JSON) of the last agreed version: what changes are measured from.

        The current version's own frozen text when it is agreed; for a draft after an
        agreement, :attr:`agreed_before`.
        """
        if version is None:
            return None
        if version.agreed and version.agreed_canonical is not None:
            return version.number, version.agreed_canonical
        if version.number <= 1:
            return None
        base = self.agreed_before
        return (int(base[0]), str(base[1])) if base else None

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
        found = changes_since_agreed(self.subject, canonical, state.subject_content(self.subject))
        if not found:
            text = _("No changes since version {n} was agreed.").format(n=number)
            return f"<p class='pmw-muted'>{esc(text)}</p>"
        title = _("What changed since version {n} was agreed").format(n=number)
        items = "".join(f"<li>{esc(c)}</li>" for c in found)
        return f"<div class='pmw-card pmw-changes'><b>{esc(title)}</b><ul>{items}</ul></div>"

    def _button(
        self, party: str | None, has_content: bool, done: bool, agreed: bool, blocked: bool = False
    ) -> None:
        method = self.method
        offered = party is not None and has_content and not done and not agreed and not blocked
        show(self.confirm_button, offered and method is not None)
        show(self.code, offered and method == "session_code")
        name = self.acting.name if self.acting else ""
        if offered and method is not None:
            self.confirm_button.description = self.confirm_button.tooltip = _(
                "Confirm as {name} ({party})"
            ).format(name=name, party=_(party or "employee"))
        words = explanation(
            offered, method, name, party, self._other, has_content, done, agreed, blocked,
            facilitated=self.facilitator is not None,
        )  # fmt: skip
        self.explanation.value = f"<p class='pmw-help'>{esc(words)}</p>"

    def confirm(self) -> None:
        """Confirm, as the acting party, the content whose fingerprint the page shows."""
        code, self.code.value = self.code.value, ""  # a code is used once, and not left shown
        if self.on_confirm is None:
            return
        result = self.on_confirm(self.seen_hash, code, self.accept.value)
        self.accept.value = ""
        version = self.state.agreements.get(self.subject) if self.state else None
        number = version.number if version else 1
        args = {"n": number, "subject": self._label()}
        if result == AgreementStatus.AGREED:
            message = _("Agreed by both: version {n} of the {subject} is now frozen.")
        else:
            message = _("You confirmed version {n} of the {subject}; waiting for {other}.")
            if self.facilitator is not None:  # the coach's screen: the acting person, not "you"
                message = _("{name} confirmed version {n} of the {subject}; waiting for {other}.")
        name = self.acting.name if self.acting else ""
        self.status.ok(message.format(name=name, other=self._other, **args))
        self._said = (number, result) if isinstance(result, AgreementStatus) else None
        if self.on_confirmed:
            self.on_confirmed(result)
