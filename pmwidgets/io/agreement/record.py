"""The agreement record, laid out: which version of each subject was agreed, and who
confirmed it, when and how (the header's summary lines and the record at the end)."""

from __future__ import annotations

from ...domain.agreement import method_words
from ...domain.i18n import _, format_date, format_datetime
from .model import AgreementDocument, Block, Fields, Heading, Para, SubjectRecord

__all__ = ["record_blocks", "summary_line"]

_SUBJECT_TITLES = {
    "job_description": "Job description",
    "objectives": "Objectives",
    "development_plan": "Development plan",
    "review": "Review",
}


def summary_line(doc: AgreementDocument, rec: SubjectRecord) -> str:
    """One line of the header's "Agreed": a subject, its version and whether both agreed it."""
    subject = _(_SUBJECT_TITLES[rec.subject])
    if rec.version is None:
        return _("{subject}: not yet").format(subject=subject)
    if rec.agreed:
        when = max(s.at for s in rec.confirmations) if rec.confirmations else None
        if when is None:
            return _("{subject}: version {n}, agreed by both").format(
                subject=subject, n=rec.version
            )
        return _("{subject}: version {n}, agreed by both on {day}").format(
            subject=subject, n=rec.version, day=format_date(when.date())
        )
    shown = any(r.subject == rec.subject and r.agreed for r in doc.agreements)
    if rec.version > 1 and not shown:
        return _("{subject}: version {n} awaiting agreement (version {m} was agreed)").format(
            subject=subject, n=rec.version, m=rec.version - 1
        )
    return _("{subject}: version {n} awaiting agreement").format(subject=subject, n=rec.version)


def _confirmation(rec: SubjectRecord, party: str) -> str:
    found = [s for s in rec.confirmations if s.party == party]
    if not found and rec.agreed:
        return _("confirmed (who and when are in the workbook's history)")
    if not found:
        return _("not confirmed")
    s = found[0]
    text = _("confirmed by {name} on {at}").format(name=s.person.name, at=format_datetime(s.at))
    if s.facilitator is not None:
        text += ", " + method_words("session_code", s.facilitator.name)
    else:
        text += ", " + method_words("own_sign_in")
    if s.accepted:
        text += " (" + s.accepted + ")"
    return text


def record_blocks(doc: AgreementDocument) -> list[Block]:
    """The agreement record: each version of each subject, its hash and who confirmed it, how."""
    blocks: list[Block] = [
        Heading(_("Agreement record")),
        Para(
            _(
                "Each version that both confirmed is frozen and identified by the SHA-256 of "
                "its content; any change to it opens a new version that both must agree again."
            ),
            "small",
        ),
    ]
    for rec in doc.agreements:
        title = _(_SUBJECT_TITLES[rec.subject])
        if rec.version is not None:
            title = _("{subject}, version {n}").format(subject=title, n=rec.version)
        blocks.append(Heading(title, 3))
        rows = [(_("Status"), _("Agreed by both") if rec.agreed else rec.status)]
        if rec.opened_reason:
            rows.append((_("Opened because"), rec.opened_reason))
        if rec.content_hash:
            rows.append(("SHA-256", rec.content_hash))
        if rec.version is not None:
            rows.append((_("Employee"), _confirmation(rec, "employee")))
            rows.append((_("Manager"), _confirmation(rec, "manager")))
        blocks.append(Fields(tuple(rows)))
    return blocks
