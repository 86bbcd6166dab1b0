"""Agreeing a subject: each party confirms, by their own act, the content they were shown.

A coach never confirms for anyone; incomplete content is never agreed; a confirmation
is of the content the person saw (its hash). Each use case is a function of the acting
person's services (``svc``, a :class:`~.base.ServiceBase`);
:class:`~pmwidgets.services.Services` offers them as its methods. A confirmation returns
a :class:`~.written.Written`: where the agreement stands, the version it made, and the
workbook as it left it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import agreement as agr
from ..domain.errors import ValidationFailed
from ..domain.i18n import _
from ..domain.model import Party, Stage, Workbook
from ..domain.readiness import Readiness, agreement_readiness
from ..domain.state import WorkbookState
from . import access, identity
from .base import ServiceBase
from .written import Written, written

#: the earliest stage at which each subject can be confirmed.
_STAGE_TO_CONFIRM = {
    "job_description": Stage.JOB_DESCRIPTION,
    "objectives": Stage.OBJECTIVES,
    "development_plan": Stage.DEVELOPMENT,
    "review": Stage.REVIEW,
}


def confirmation_method(svc: ServiceBase) -> agr.ConfirmationMethod | None:
    """How the acting person can confirm on this screen, if at all.

    ``own_sign_in`` when they are signed in as themselves (verified, nobody
    facilitating); ``session_code`` in a facilitated session, where the coach's
    screen acts for them and their personal code is needed; None when they were
    only chosen at the screen (JupyterLab without a coach): a confirmation is a
    person's own act, so it is never made for them.
    """
    return access.confirmation_method(svc.facilitator, svc.verified)


def require_own_act(svc: ServiceBase, personal_code: str) -> None:
    """Refuse unless the confirmation is the acting person's own act (see
    :func:`confirmation_method`): in a facilitated session, their personal code."""
    method = access.require_confirmation_method(svc.facilitator, svc.verified)
    if method == "session_code":
        from . import sessions

        def shown_in() -> Iterator[str]:
            yield ""  # a hub's or a proxy's sign-in (no session of ours): no read
            yield from sessions.live_session_keys(svc.store, svc.me.id, svc.clock())

        identity.check_personal_code(svc.me.id, personal_code, svc.clock(), sessions=shown_in())


def confirm(
    svc: ServiceBase,
    workbook_id: int,
    subject: agr.Subject,
    seen_hash: str,
    personal_code: str = "",
    accept_reason: str = "",
) -> Written[agr.AgreementStatus]:
    """Confirm, for the acting party, the content of ``subject`` they were shown.

    Parameters
    ----------
    seen_hash:
        The SHA-256 the page showed; if the content changed since, nothing
        is recorded and the person is asked to read it again.
    personal_code:
        In a facilitated session, the code on the acting person's own signed-in
        page (see :func:`~.identity.personal_code`); not needed when they are
        signed in as themselves. A coach can never confirm for anyone.
    accept_reason:
        Why the confirming person agrees although a SMART criterion is not met
        (a vague title, an unmeasurable target, …). Needed only then; recorded
        with the confirmation, with what was accepted. Nothing else can be
        accepted: incomplete content (see :func:`~pmwidgets.domain.readiness.agreement_readiness`)
        is refused, naming everything missing at once.

    Returns
    -------
    Written[AgreementStatus]
        Its ``result`` is AGREED once both parties have confirmed the same content.
    """
    if subject not in agr.SUBJECTS:
        raise ValidationFailed(_("nothing called {s} can be agreed").format(s=subject))
    wb = svc.workbook(workbook_id)
    party = _require_confirmer(svc, wb, personal_code)
    _require_stage(wb, subject)
    state = svc.store.load(workbook_id, viewer_id=access.notes_viewer(svc.me, svc.facilitator))
    agr.require_seen(subject, seen_hash, state.subject_hash(subject))
    recorded = _acceptance(agreement_readiness(state, subject, svc.clock().date()), accept_reason)
    canonical = state.subject_canonical(subject)
    current = agr.content_hash(canonical)
    # the code last: a refusal for incomplete content does not use up a try
    require_own_act(svc, personal_code)
    updated = agr.confirm(
        state.agreements.get(subject), subject, party, svc.me.id, seen_hash, current, canonical,
        svc.clock(), svc._facilitator_id(),
    )  # fmt: skip
    version = _record(svc, workbook_id, subject, state, updated, recorded)
    status = agr.AgreementStatus.AGREED if updated.agreed else agr.status(updated, current)
    return written(svc, workbook_id, status, version)


def _require_confirmer(svc: ServiceBase, wb: Workbook, personal_code: str) -> Party:
    """The acting person's party, if they may confirm in this workbook on this screen.

    The employee or the manager, in a session facilitated only by the workbook's own
    coach; with no way to confirm as their own act, refused before anything is read
    (the personal code itself is checked last, see :func:`confirm`).
    """
    party = access.require_party(svc.me, wb)
    if svc.facilitator is not None:
        access.require_facilitator(svc.facilitator, wb)
    if confirmation_method(svc) is None:
        require_own_act(svc, personal_code)
    return party


def _require_stage(wb: Workbook, subject: agr.Subject) -> None:
    """Refuse to agree ``subject`` before the workbook reaches its stage."""
    needed = _STAGE_TO_CONFIRM[subject]
    if list(Stage).index(wb.stage) < list(Stage).index(needed):
        raise ValidationFailed(
            _("the {subject} cannot be agreed yet: the workbook is at the {stage} stage").format(
                subject=_(agr.SUBJECT_LABELS[subject]), stage=wb.stage.label
            )
        )


def _record(
    svc: ServiceBase,
    workbook_id: int,
    subject: agr.Subject,
    state: WorkbookState,
    updated: agr.AgreementVersion,
    recorded: str,
) -> int:
    """Write the confirmation (with ``recorded``, what was accepted and why) and, once
    both agreed, move the workbook to the stage that follows, in one unit of work.
    Returns the version it made."""
    action = "agreement.agreed" if updated.agreed else "agreement.confirmed"
    current = state.workbook.version
    with svc.store.write(workbook_id, current, svc.me.id, svc._facilitator_id(), svc._at()) as w:
        w.save_agreement(updated, action, recorded)
        if updated.agreed:
            stage = agr.stage_after_agreement(state.workbook.stage, subject)
            if stage != state.workbook.stage:
                w.set_stage(
                    stage,
                    _("{subject} agreed by both").format(subject=subject.replace("_", " ")),
                )
        version = w.version_made(current)
    return version


def _acceptance(readiness: Readiness, accept_reason: str) -> str:
    """The reason recorded with a confirmation; refuses incomplete content.

    Everything missing is named at once. SMART criteria not met may be accepted by the
    confirming person with their reason, which is recorded with what they accepted.
    """
    if readiness.blocking:
        raise ValidationFailed(
            _("not ready to agree: {why}").format(why="; ".join(readiness.blocking))
        )
    if not readiness.acceptable:
        return ""
    if len(accept_reason.strip()) < 3:
        raise ValidationFailed(
            _(
                "not ready to agree: {why}. To agree as it is, say why you accept this "
                "(it is recorded with your confirmation)"
            ).format(why="; ".join(readiness.acceptable))
        )
    return _("accepted as it is: {what}; because: {why}").format(
        what="; ".join(readiness.acceptable), why=accept_reason.strip()
    )
