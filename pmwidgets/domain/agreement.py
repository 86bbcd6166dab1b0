"""The agreement state machine: nothing is agreed until both parties confirm the same content.

An agreement is about one *subject* of a workbook (the job description, the
objectives, the development plan, the review). What is agreed is identified by
the SHA-256 of the subject's canonical JSON. A party confirms the hash they were
shown; the version is agreed, and frozen, once the employee and the manager have
confirmed the same hash. A change after that opens a new draft version, and the
change needs a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from .errors import ValidationFailed
from .i18n import _
from .model import PARTIES, Model, Party, PersonId, Stage

Subject = Literal["job_description", "objectives", "development_plan", "review"]
SUBJECTS: tuple[Subject, ...] = ("job_description", "objectives", "development_plan", "review")

SUBJECT_LABELS: dict[str, str] = {
    "job_description": "job description",
    "objectives": "objectives",
    "development_plan": "development plan",
    "review": "review",
}

#: the stage a workbook reaches once a subject has been agreed for the first time.
STAGE_AFTER: dict[str, Stage] = {
    "job_description": Stage.OBJECTIVES,
    "objectives": Stage.DEVELOPMENT,
    "development_plan": Stage.CHECK_INS,
    "review": Stage.CLOSED,
}


def canonical_json(value: Any) -> str:
    """The canonical JSON text of a value: sorted keys, no spaces, UTF-8 text kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(canonical: str) -> str:
    """SHA-256 (hex) of a canonical JSON text."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AgreementStatus(StrEnum):
    """Where one subject stands."""

    DRAFT = "draft"
    AWAITING_EMPLOYEE = "awaiting_employee"
    AWAITING_MANAGER = "awaiting_manager"
    AGREED = "agreed"

    @property
    def label(self) -> str:
        """The status in words."""
        return {
            AgreementStatus.DRAFT: _("Draft: not confirmed by either party"),
            AgreementStatus.AWAITING_EMPLOYEE: _(
                "Confirmed by the manager; waiting for the employee"
            ),
            AgreementStatus.AWAITING_MANAGER: _(
                "Confirmed by the employee; waiting for the manager"
            ),
            AgreementStatus.AGREED: _("Agreed by both"),
        }[self]


#: how a confirmation was made: signed in as themselves (verified), or at the coach's
#: screen in a facilitated session, with the personal code from their own signed-in page.
ConfirmationMethod = Literal["own_sign_in", "session_code"]


class Confirmation(Model):
    """One party's confirmation of the content they were shown, made by their own act.

    A confirmation is made either by the person signed in as themselves, or, in a
    facilitated session, at the coach's screen with the personal code shown on the
    person's own signed-in page: the services layer refuses any other way, so the
    facilitator recorded here also says how it was made (:attr:`method`).
    """

    person_id: PersonId
    party: Party
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: dt.datetime
    #: the coach, when the confirmation was made in a facilitated session.
    facilitator_id: PersonId | None = None

    @property
    def method(self) -> ConfirmationMethod:
        """How it was made: ``own_sign_in``, or ``session_code`` (facilitated, personal code)."""
        return "session_code" if self.facilitator_id else "own_sign_in"


def method_words(method: str, coach: str = "") -> str:
    """How a confirmation was made, in words: "from their own sign-in", "in a session …"."""
    if method == "session_code":
        return _("in a session facilitated by {coach}, with their personal code").format(
            coach=coach or _("the coach")
        )
    return _("from their own sign-in")


class AgreementVersion(Model):
    """One numbered version of an agreement on a subject; frozen once agreed."""

    subject: Subject
    number: int = Field(ge=1)
    opened_reason: str = ""
    confirmations: tuple[Confirmation, ...] = ()
    agreed_hash: str | None = None
    agreed_canonical: str | None = None
    agreed_at: dt.datetime | None = None

    @property
    def agreed(self) -> bool:
        """Whether both parties confirmed the same content."""
        return self.agreed_hash is not None

    def confirmed_by(self, content: str) -> frozenset[Party]:
        """The parties whose confirmation is of the content with hash ``content``."""
        return frozenset(c.party for c in self.confirmations if c.content_hash == content)

    def confirmation(self, party: Party) -> Confirmation | None:
        """The latest confirmation by ``party`` in this version, if any."""
        found = [c for c in self.confirmations if c.party == party]
        return found[-1] if found else None


def status(version: AgreementVersion | None, current_hash: str) -> AgreementStatus:
    """The status of a subject whose content now hashes to ``current_hash``.

    A confirmation counts only while the content is the one confirmed: an edit
    after one party confirmed sends the subject back to draft.
    """
    if version is None:
        return AgreementStatus.DRAFT
    if version.agreed and version.agreed_hash == current_hash:
        return AgreementStatus.AGREED
    if version.agreed:
        # content differs from an agreed version: only possible if a change
        # bypassed reopen(); treat it as an unconfirmed draft.
        return AgreementStatus.DRAFT
    parties = version.confirmed_by(current_hash)
    if "employee" in parties:
        return AgreementStatus.AWAITING_MANAGER
    if "manager" in parties:
        return AgreementStatus.AWAITING_EMPLOYEE
    return AgreementStatus.DRAFT


def confirm(
    version: AgreementVersion | None,
    subject: Subject,
    party: Party,
    person_id: str,
    seen_hash: str,
    current_hash: str,
    canonical: str,
    at: dt.datetime,
    facilitator_id: str | None = None,
) -> AgreementVersion:
    """Record ``party``'s confirmation of the content they saw.

    Parameters
    ----------
    version:
        The subject's latest agreement version, or None if there is none yet.
    seen_hash:
        The hash of the content the person was shown when they confirmed.
    current_hash, canonical:
        The hash and canonical JSON of the content as stored now.

    Returns
    -------
    AgreementVersion
        The version with the confirmation added; agreed and frozen when both
        parties have now confirmed the same content.

    Raises
    ------
    ValidationFailed
        The content changed since the person saw it, or it is already agreed,
        or this party already confirmed exactly this content.
    """
    _require_may_confirm(version, subject, party, seen_hash, current_hash, canonical)
    mine = Confirmation(
        person_id=person_id,
        party=party,
        content_hash=current_hash,
        at=at,
        facilitator_id=facilitator_id,
    )
    return _with_confirmation(
        version or AgreementVersion(subject=subject, number=1), mine, canonical
    )


def _require_may_confirm(
    version: AgreementVersion | None,
    subject: Subject,
    party: Party,
    seen_hash: str,
    current_hash: str,
    canonical: str,
) -> None:
    """Refuse a confirmation by anyone but a party, of content other than what is stored
    now, of an agreed version, or of content this party already confirmed."""
    if party not in PARTIES:
        raise ValidationFailed(_("only the employee or the manager can confirm"))
    if content_hash(canonical) != current_hash:
        raise ValueError("canonical JSON does not match its hash")
    require_seen(subject, seen_hash, current_hash)
    if version is None:
        return
    if version.agreed:
        raise ValidationFailed(
            _("version {n} of the {subject} is already agreed by both").format(
                n=version.number, subject=_(SUBJECT_LABELS[subject])
            )
        )
    if party in version.confirmed_by(current_hash):
        raise ValidationFailed(_("you have already confirmed this version"))


def _with_confirmation(
    version: AgreementVersion, mine: Confirmation, canonical: str
) -> AgreementVersion:
    """``version`` with ``mine`` added; agreed and frozen when both parties have now
    confirmed the same content (a confirmation counts for its own party only)."""
    updated = version.model_copy(update={"confirmations": (*version.confirmations, mine)})
    if updated.confirmed_by(mine.content_hash) == frozenset(PARTIES):
        updated = updated.model_copy(
            update={
                "agreed_hash": mine.content_hash,
                "agreed_canonical": canonical,
                "agreed_at": mine.at,
            }
        )
    return updated


def require_seen(subject: Subject, seen_hash: str, current_hash: str) -> None:
    """Refuse a confirmation of content other than what is stored now."""
    if seen_hash != current_hash:
        raise ValidationFailed(
            _("the {subject} changed since you looked at it: read it again, then confirm").format(
                subject=_(SUBJECT_LABELS[subject])
            )
        )


def reopen(version: AgreementVersion | None, reason: str) -> AgreementVersion | None:
    """The version a change to the subject lands in.

    A change to a draft stays in that draft (earlier confirmations stop
    counting, since they were of other content). A change to an agreed version
    opens version n+1 as a draft, and needs a reason.
    """
    if version is None or not version.agreed:
        return version
    if len(reason.strip()) < 3:
        plural = version.subject == "objectives"
        raise ValidationFailed(
            (
                _(
                    "the {subject} were agreed by both (version {n}): give a reason for the "
                    "change; both will need to agree again"
                )
                if plural
                else _(
                    "the {subject} was agreed by both (version {n}): give a reason for the "
                    "change; both will need to agree again"
                )
            ).format(subject=_(SUBJECT_LABELS[version.subject]), n=version.number)
        )
    return AgreementVersion(
        subject=version.subject, number=version.number + 1, opened_reason=reason
    )


def require_change_reason(version: AgreementVersion | None, reason: str) -> str:
    """The reason a change to ``version``'s subject must carry ("" when none is needed).

    A change to an agreed version opens the next one (see :func:`reopen`). A change to a
    draft after an agreement (version 2 and later) is a change to what was agreed too:
    it needs its own reason, which joins the version's reasons, so that the reasons
    recorded for a version cover every change in it.
    """
    if version is None or version.number <= 1 or version.agreed:
        return ""
    if len(reason.strip()) < 3:
        raise ValidationFailed(
            _(
                "version {n} of the {subject} is a proposed change to what was agreed: give "
                "the reason for this change too (it is added to the version's reasons)"
            ).format(n=version.number, subject=_(SUBJECT_LABELS[version.subject]))
        )
    return reason.strip()


def reasons_of(opened_reason: str) -> list[str]:
    """A version's reasons, one per line as :func:`with_reason` joins them.

    A reason is one line, whatever it says: "observed on 3 Dec; done" is one reason.
    (Versions joined before 2026-12-08 used "; ", which is read as one reason here:
    splitting there also split reasons that held a semicolon.)

    >>> reasons_of("Prices went up\nObserved on 3 Dec; done")
    ['Prices went up', 'Observed on 3 Dec; done']
    """
    return [r.strip() for r in opened_reason.split("\n") if r.strip()]


def with_reason(version: AgreementVersion, reason: str) -> AgreementVersion:
    """``version`` (a draft) whose reasons include ``reason`` (made one line)."""
    reason = " ".join(reason.split())
    reasons = reasons_of(version.opened_reason)
    if reason in reasons:
        return version
    return version.model_copy(update={"opened_reason": "\n".join([*reasons, reason])})


def stage_after_agreement(current: Stage, subject: Subject) -> Stage:
    """The workbook's stage once ``subject`` is agreed: stages only move forward."""
    order = list(Stage)
    target = STAGE_AFTER[subject]
    return target if order.index(target) > order.index(current) else current
