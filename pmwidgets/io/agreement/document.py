"""The performance agreement as a document a person would read, print and sign.

:func:`agreement_document` gathers what the employee and the manager agreed
into an :class:`AgreementDocument`: who, the cycle, the job description, the
agreed objectives (from the frozen canonical JSON of the agreed version, so the
document shows exactly what both confirmed), the coverage of the job, the
development plan, the signed review, and for each subject its version, its
SHA-256 and both confirmations. :func:`to_markdown`, :func:`to_html` and
:func:`to_pdf` write it out; all three lay out the same blocks (see
:mod:`pmwidgets.io.agreement.layout`), so they say the same things.

When the latest version of a subject is a draft after an earlier agreement
(say, objectives version 2 opened by an amendment at a check-in), the workbook
state holds only the draft. The document then says plainly that version 2 is
awaiting agreement; if the caller passes the last agreed version (found in the
event log with :func:`last_agreed_versions`), that version is shown as the
agreement and the draft's changes beside it, marked "DRAFT — not agreed";
otherwise the current content is shown, marked the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from ...domain import agreement as agr
from ...domain.errors import ValidationFailed, describe_validation_error
from ...domain.i18n import _
from ...domain.model import (
    PARTIES,
    CoverageReason,
    DevelopmentPlan,
    JobDescription,
    Objective,
    Review,
)
from ...domain.rules import coverage
from ...domain.state import WorkbookState
from .model import AgreementDocument, ObjectivesPart, PersonRef, Signed, SubjectRecord

__all__ = [
    "AgreementDocument",
    "ObjectivesPart",
    "PersonRef",
    "Signed",
    "SubjectRecord",
    "agreement_document",
    "last_agreed_versions",
    "to_html",
    "to_markdown",
    "to_pdf",
]


class EventLike(Protocol):
    """What :func:`last_agreed_versions` needs of an event (``pmwidgets.store.Event``)."""

    action: str
    after: object


def last_agreed_versions(events: Iterable[EventLike]) -> dict[str, agr.AgreementVersion]:
    """The last agreed version of each subject, from a workbook's events.

    Parameters
    ----------
    events
        The workbook's events, oldest first (``Services.history``).

    Returns
    -------
    dict
        Subject → its latest agreed :class:`~pmwidgets.domain.agreement.AgreementVersion`,
        with the frozen canonical JSON and both confirmations.
    """
    found: dict[str, agr.AgreementVersion] = {}
    for event in events:
        if event.action != "agreement.agreed" or not isinstance(event.after, dict):
            continue
        try:
            version = agr.AgreementVersion.model_validate(event.after)
        except ValidationError:
            continue
        old = found.get(version.subject)
        if version.agreed and (old is None or version.number >= old.number):
            found[version.subject] = version
    return found


def agreement_document(
    state: WorkbookState,
    people: Mapping[str, str],
    agreed_objectives: str | None = None,
    *,
    previous: Mapping[str, agr.AgreementVersion] | None = None,
    accepted: Accepted | None = None,
) -> AgreementDocument:
    """Gather a workbook's agreement into a document.

    Parameters
    ----------
    state
        The workbook as the reader may see it.
    people
        Person id → name, for everyone the workbook names.
    agreed_objectives
        Canonical JSON of the last agreed version of the objectives, for when
        the latest version is a draft (the state then holds only the draft).
    previous
        The last agreed version of each subject (see :func:`last_agreed_versions`);
        like ``agreed_objectives``, but with the hash and both confirmations.
    accepted
        What each person accepted as it is when confirming, with their reason (see
        :func:`acceptances`); shown with their confirmation.

    Returns
    -------
    AgreementDocument
        What was agreed, what awaits agreement, and who confirmed what, when.
    """
    prev = _with_agreed_objectives(state, previous, agreed_objectives)

    def ref(person_id: str) -> PersonRef:
        return PersonRef(person_id, people.get(person_id, person_id))

    shown: dict[str, _Shown] = {
        s: _resolve(state, s, prev, ref, accepted or {}) for s in agr.SUBJECTS
    }
    return _assemble(state, shown, ref)


def _with_agreed_objectives(
    state: WorkbookState,
    previous: Mapping[str, agr.AgreementVersion] | None,
    agreed_objectives: str | None,
) -> dict[str, agr.AgreementVersion]:
    """``previous``, with the objectives' last agreed version made from its JSON if missing."""
    prev = dict(previous or {})
    if agreed_objectives is not None and "objectives" not in prev:
        latest = state.agreements.get("objectives")
        number = max((latest.number if latest else 2) - 1, 1)
        prev["objectives"] = agr.AgreementVersion(
            subject="objectives",
            number=number,
            agreed_hash=agr.content_hash(agreed_objectives),
            agreed_canonical=agreed_objectives,
        )
    return prev


def _assemble(
    state: WorkbookState, shown: Mapping[str, _Shown], ref: Callable[[str], PersonRef]
) -> AgreementDocument:
    """The document, from what it shows of each subject (in the order of ``agr.SUBJECTS``)."""
    wb = state.workbook
    records = [record for found in shown.values() for record in found.records]
    notices = [found.notice for found in shown.values() if found.notice]
    jd = shown["job_description"]
    job = _parse(JobDescription, jd.content, "job_description") if jd.content else None
    objectives = _objectives_part(shown["objectives"], job)
    proposed = None
    if shown["objectives"].draft is not None:
        proposed = _objectives_part(shown["objectives"], job, base=objectives)
    plan = shown["development_plan"]
    rv = shown["review"]
    return AgreementDocument(
        title=_("Performance agreement"),
        workbook_id=wb.id,
        workbook_version=wb.version,
        employee=ref(wb.employee_id),
        manager=ref(wb.manager_id),
        coach=ref(wb.coach_id) if wb.coach_id else None,
        cycle_start=wb.cycle_start,
        cycle_end=wb.cycle_end,
        stage=wb.stage.label,
        job=job,
        job_agreed=jd.agreed,
        objectives=objectives,
        proposed=proposed,
        plan=_parse(DevelopmentPlan, plan.content or {}, "development_plan"),
        plan_agreed=plan.agreed,
        review=_parse(Review, rv.content, "review") if rv.agreed and rv.content else None,
        agreements=tuple(records),
        notices=tuple(notices),
    )


@dataclass(frozen=True)
class _Shown:
    """What the document shows of one subject."""

    content: Any
    agreed: bool
    number: int | None
    records: tuple[SubjectRecord, ...]
    notice: str = ""
    #: a draft awaiting agreement, shown beside the agreed content.
    draft: Any = None
    draft_number: int | None = None


#: why a person confirmed content with a SMART criterion not met, by (subject, version
#: number, person id): the reason recorded with their confirmation
Accepted = Mapping[tuple[str, int, str], str]


def acceptances(events: Iterable[Any]) -> dict[tuple[str, int, str], str]:
    """What each person accepted when confirming, with their reason, from a workbook's events.

    A confirmation of content with a SMART criterion not met records, as its event's
    reason, what was accepted and why ("accepted as it is: …; because: …").
    """
    found: dict[tuple[str, int, str], str] = {}
    for e in events:
        if getattr(e, "entity", "") != "agreement" or not getattr(e, "reason", ""):
            continue
        if e.action not in ("agreement.confirmed", "agreement.agreed"):
            continue
        parts = str(e.entity_key).split("/")
        if len(parts) == 3 and parts[2].isdigit():
            found[(parts[1], int(parts[2]), e.actor_id)] = e.reason
    return found


def _resolve(
    state: WorkbookState,
    subject: agr.Subject,
    prev: Mapping[str, agr.AgreementVersion],
    ref: Callable[[str], PersonRef],
    accepted: Accepted,
) -> _Shown:
    """Which content of a subject the document shows, and its agreement records."""
    latest = state.agreements.get(subject)
    current = state.subject_content(subject)
    current_hash = state.subject_hash(subject)
    label = _(agr.SUBJECT_LABELS[subject])
    if latest is not None and latest.agreed:
        content = _loads(latest.agreed_canonical or "null", subject)
        record = _record(latest, latest.agreed_hash or "", ref, accepted=accepted)
        return _Shown(content, True, latest.number, (record,))
    status = agr.status(latest, current_hash).label
    if latest is None:
        empty = not _has_content(subject, current)
        record = SubjectRecord(
            subject,
            None,
            False,
            _("Not yet put up for agreement") if empty else status,
            "" if empty else current_hash,
        )
        return _Shown(current, False, None, (record,))
    draft_record = _record(latest, current_hash, ref, status, accepted)
    if latest.number == 1:
        return _Shown(current, False, 1, (draft_record,))
    earlier = prev.get(subject)
    if earlier is not None and earlier.agreed and earlier.agreed_canonical:
        notice = _(
            "Version {n} of the {subject} is awaiting agreement by both; until then version "
            "{m} is what is agreed. Version {n} was opened because: {reason}"
        ).format(
            n=latest.number,
            m=earlier.number,
            subject=label,
            reason="; ".join(agr.reasons_of(latest.opened_reason)),
        )
        records = (
            _record(earlier, earlier.agreed_hash or "", ref, accepted=accepted),
            draft_record,
        )
        content = _loads(earlier.agreed_canonical, subject)
        return _Shown(content, True, earlier.number, records, notice, current, latest.number)
    notice = _(
        "Version {n} of the {subject} is awaiting agreement by both. What this document shows "
        "of the {subject} is that draft, not the version agreed before it. Version {n} was "
        "opened because: {reason}"
    ).format(n=latest.number, subject=label, reason="; ".join(agr.reasons_of(latest.opened_reason)))
    return _Shown(current, False, latest.number, (draft_record,), notice)


def _has_content(subject: str, content: Any) -> bool:
    if not content:
        return False
    if subject == "objectives":
        return bool(content.get("objectives") or content.get("coverage_reasons"))
    if subject == "development_plan":
        return any(content.get(k) for k in ("ratings", "actions", "support"))
    if subject == "review":
        return bool(content.get("assessments") or content.get("development_outcomes"))
    return True


def _record(
    version: agr.AgreementVersion,
    content_hash: str,
    ref: Callable[[str], PersonRef],
    status: str | None = None,
    accepted: Accepted | None = None,
) -> SubjectRecord:
    """The record of a version: the latest confirmation per party of ``content_hash``."""
    signed: list[Signed] = []
    for party in PARTIES:
        mine = [
            c for c in version.confirmations if c.party == party and c.content_hash == content_hash
        ]
        if mine:
            c = mine[-1]
            facilitator = ref(c.facilitator_id) if c.facilitator_id else None
            why = (accepted or {}).get((version.subject, version.number, c.person_id), "")
            signed.append(Signed(party, ref(c.person_id), c.at, facilitator, why))
    return SubjectRecord(
        version.subject,
        version.number,
        version.agreed and version.agreed_hash == content_hash,
        status or agr.AgreementStatus.AGREED.label,
        content_hash,
        tuple(signed),
        version.opened_reason,
    )


def _loads(canonical: str, subject: str) -> Any:
    try:
        return json.loads(canonical)
    except ValueError:
        raise ValidationFailed(
            _("the agreed {subject} is not valid JSON").format(
                subject=_(agr.SUBJECT_LABELS[subject])
            )
        ) from None


def _parse(model: Any, data: Any, subject: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            _("the {subject} cannot be read: {why}").format(
                subject=_(agr.SUBJECT_LABELS[subject]), why=describe_validation_error(exc)
            )
        ) from None


def _objectives_part(
    shown: _Shown, job: JobDescription | None, base: ObjectivesPart | None = None
) -> ObjectivesPart:
    """The agreed (or draft) objectives; with ``base``, the draft's changes from it."""
    data = (shown.content if base is None else shown.draft) or {}
    objectives = tuple(
        _parse(Objective, o, "objectives")
        for o in sorted(data.get("objectives", []), key=lambda o: o.get("id") or 0)
    )
    reasons = tuple(
        _parse(CoverageReason, r, "objectives") for r in data.get("coverage_reasons", [])
    )
    rows = coverage(job, objectives, reasons).rows if job is not None else ()
    if base is None:
        total = sum(o.weight for o in objectives)
        return ObjectivesPart(shown.number, shown.agreed, objectives, rows, weights_total=total)
    before = {o.id: o for o in base.objectives}
    return ObjectivesPart(
        shown.draft_number,
        False,
        tuple(o for o in objectives if before.get(o.id) != o),
        rows,
        unchanged=tuple(o.id or 0 for o in objectives if before.get(o.id) == o),
        removed=tuple(sorted(n or 0 for n in set(before) - {o.id for o in objectives})),
        weights_total=sum(o.weight for o in objectives),
    )


# --- writing it out ------------------------------------------------------------------


def to_markdown(doc: AgreementDocument) -> str:
    """The agreement as Markdown text (user text escaped, so it renders as written)."""
    from .layout import layout
    from .text import render_markdown

    return render_markdown(layout(doc))


def to_html(doc: AgreementDocument) -> str:
    """The agreement as a standalone HTML page with print styles; all user text escaped."""
    from .layout import header_line, layout
    from .text import render_html

    return render_html(layout(doc), doc.title, header_line(doc))


def to_pdf(doc: AgreementDocument) -> bytes:
    """The agreement as an A4 PDF: DejaVu Sans, page numbers, a header on every page."""
    from .layout import header_line, layout
    from .pdf import render_pdf

    return render_pdf(layout(doc), doc.title, header_line(doc))
