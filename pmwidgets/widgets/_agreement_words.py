"""The sentences of :class:`~.agreement_panel.AgreementPanel`: where an agreement stands."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.agreement import (
    AgreementStatus,
    AgreementVersion,
    Confirmation,
    method_words,
    reasons_of,
)
from ..domain.i18n import _, format_date
from ..domain.model import Workbook
from .base import check_line, esc, todo_line


def summary_html(version: AgreementVersion | None, agreed: AgreementStatus, current: str) -> str:
    """The status in words, the version and why it was opened, and the fingerprint."""
    number = version.number if version else 1
    line = esc(_("Version {n}").format(n=number))
    reasons = reasons_of(version.opened_reason if version else "")
    if number > 1 and len(reasons) == 1:
        line = esc(_("Version {n}, opened because: {reason}").format(n=number, reason=reasons[0]))
    elif number > 1 and reasons:
        items = "".join(f"<li>{esc(r)}</li>" for r in reasons)
        title = _("Version {n}: the reasons for its changes").format(n=number)
        line = f"{esc(title)}<ul>{items}</ul>"
    waiting = agreed in (AgreementStatus.AWAITING_EMPLOYEE, AgreementStatus.AWAITING_MANAGER)
    state_line = (
        f"<div class='pmw-wait'><span aria-label='{esc(_('Waiting'))}'>…</span> "
        f"{esc(agreed.label)}</div>"
        if waiting
        else todo_line(agreed.label)
        if agreed == AgreementStatus.DRAFT
        else check_line(agreed == AgreementStatus.AGREED, agreed.label)
    )
    return (
        state_line
        + f"<div class='pmw-version'>{line}</div>"
        + "<details class='pmw-hash'><summary>"
        + esc(_("Content fingerprint: {short}").format(short=current[:12]))
        + f"</summary><div class='pmw-muted'>{esc(_('In full (SHA-256):'))} "
        + f"<small><code>{esc(current)}</code></small></div></details>"
    )


def confirmation_line(
    party: str,
    c: Confirmation | None,
    wb: Workbook,
    number: int,
    current: str,
    names: Mapping[str, str],
) -> str:
    """Whether ``party`` confirmed this text of version ``number``, when and how."""
    pid = c.person_id if c else (wb.employee_id if party == "employee" else wb.manager_id)
    who = _("{name} ({party})").format(name=names.get(pid, pid), party=_(party))
    if c is None:
        return todo_line(_("{who} has not confirmed yet").format(who=who))
    when = {"who": who, "n": number, "date": format_date(c.at.date())}
    if c.content_hash != current:
        text = _(
            "{who} confirmed an earlier text of version {n} on {date}; it has changed "
            "since, so this text is not confirmed yet"
        )
        return check_line(False, text.format(**when))
    text = _("{who} confirmed version {n} on {date}").format(**when)
    coach = names.get(c.facilitator_id, c.facilitator_id) if c.facilitator_id else ""
    text += ", " + method_words(c.method, coach)
    return check_line(True, text)


def explanation(
    offered: bool,
    method: str | None,
    name: str,
    party: str | None,
    other: str,
    has_content: bool,
    done: bool,
    agreed: bool,
    blocked: bool,
    facilitated: bool,
) -> str:
    """What the acting person can do about the agreement now, in one paragraph."""
    if offered and method is None:
        return _(
            "A confirmation is each person's own act: {name} confirms from their own "
            "sign-in in the web app, or with their personal code in a session facilitated "
            "by the workbook's coach."
        ).format(name=name)
    if offered and method == "session_code":
        return _(
            "Only {name} can confirm: they open their own home page (signed in with "
            "their own link) and type the personal code shown there, or read it out "
            "for it to be typed here. The coach cannot confirm for anyone. Nothing is "
            "agreed until both confirm the same version."
        ).format(name=name)
    if offered:
        return _(
            "You confirm that this is what you and {other} agree; nothing is agreed until "
            "both confirm the same version."
        ).format(other=other)
    if agreed:
        return _(
            "Both have confirmed this version and it is frozen; a change opens a new "
            "version that both must agree again."
        )
    if party is None:
        return _("Only the employee and the manager confirm; you can see where it stands.")
    if not has_content:
        return _("There is nothing to confirm yet.")
    if blocked and not done:
        return _("Complete what is listed above; then each of you can confirm.")
    if facilitated:
        return _("{name} has confirmed this version; waiting for {other}.").format(
            name=name, other=other
        )
    return _("You have confirmed this version; waiting for {other}.").format(other=other)
