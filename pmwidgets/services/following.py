"""Following the cycle once the plan is agreed: check-ins, the review, private notes.

Each use case is a function of the acting person's services (``svc``, a
:class:`~.base.ServiceBase`); :class:`~pmwidgets.services.Services` offers them as its
methods. Each returns a :class:`~.written.Written`: its result (the new version, or the
new record's number), the version it made, and the workbook as it left it.
"""

from __future__ import annotations

from ..domain.errors import ValidationFailed
from ..domain.i18n import _, format_date
from ..domain.model import CheckIn, Note, Review, Stage
from ..domain.readiness import review_opens
from . import access
from .base import ServiceBase, _amendments, _revalidated, _validated, retry_races
from .written import Written, written


@retry_races
def save_check_in(
    svc: ServiceBase, workbook_id: int, check_in: CheckIn, expected_version: int, reason: str = ""
) -> Written[int]:
    """Add a check-in (``check_in.id`` None) or change one; its result is its number.

    A check-in that proposes amendments to agreed objectives reopens the
    agreement on the objectives: both must agree again. A change to a check-in keeps
    what others saved in it since ``expected_version``, field by field.
    """
    check_in = _revalidated(check_in)
    mine = check_in.model_copy(update={"id": None}).model_dump(mode="json")
    state, merged = svc._merged(
        workbook_id, expected_version, "check_in", check_in.id, mine, CheckIn,
        ignore=("author",),
    )  # fmt: skip
    check_in = _validated(CheckIn, **{**merged, "id": check_in.id})
    if list(Stage).index(state.workbook.stage) < list(Stage).index(Stage.DEVELOPMENT):
        raise ValidationFailed(_("agree the objectives before holding check-ins"))
    if not state.workbook.contains(check_in.on):
        raise ValidationFailed(_("the check-in date must fall inside the cycle"))
    for p in check_in.progress:
        if state.objective(p.objective) is None:
            raise ValidationFailed(
                _("progress given for objective {n}, which does not exist").format(n=p.objective)
            )
    number = check_in.id
    if number is not None and not any(c.id == number for c in state.check_ins):
        raise ValidationFailed(_("check-in {n} does not exist").format(n=number))
    author = (
        svc.me.id if number is None else next(c.author for c in state.check_ins if c.id == number)
    )
    content = check_in.model_copy(update={"id": None, "author": author}).model_dump(mode="json")
    current = state.workbook.version
    with svc.store.write(workbook_id, current, svc.me.id, svc._facilitator_id(), svc._at()) as w:
        new_amendments = [a for a in check_in.amendments if a not in _amendments(state, number)]
        if new_amendments:
            why = "; ".join(f"{a.proposal} ({a.reason})" for a in new_amendments)
            svc._reopen(
                w,
                state,
                "objectives",
                _("amendment proposed at check-in: {why}").format(why=why),
            )
        number = w.put("check_in", number, content, reason)
        version = w.version_made(current)
    return written(svc, workbook_id, number, version)


@retry_races
def start_review(
    svc: ServiceBase, workbook_id: int, expected_version: int, reason: str = ""
) -> Written[int]:
    """Move the workbook into its review stage (once check-ins are under way); its result
    is the new version.

    A review belongs near the end of the cycle: it starts within the last
    :data:`~pmwidgets.domain.readiness.REVIEW_WINDOW_DAYS` days, or earlier with a reason, which is recorded.
    """
    state = svc._state_for_write(workbook_id, expected_version, merging=True)
    access.require_party(svc.me, state.workbook)
    if list(Stage).index(state.workbook.stage) < list(Stage).index(Stage.CHECK_INS):
        raise ValidationFailed(_("agree the objectives and the development plan before the review"))
    opens = review_opens(state.workbook)
    early = svc.clock().date() < opens
    if early and state.workbook.stage == Stage.CHECK_INS and len(reason.strip()) < 3:
        raise ValidationFailed(
            _(
                "the cycle ends on {end}: the review starts from {opens}; to start it "
                "earlier, give the reason (it is recorded)"
            ).format(end=format_date(state.workbook.cycle_end), opens=format_date(opens))
        )
    current = state.workbook.version
    with svc.store.write(workbook_id, current, svc.me.id, svc._facilitator_id(), svc._at()) as w:
        if state.workbook.stage == Stage.CHECK_INS:
            w.set_stage(Stage.REVIEW, reason.strip() or _("review started"))
        version = w.version_made(current)
    return written(svc, workbook_id, version, version)


@retry_races
def set_review(
    svc: ServiceBase, workbook_id: int, review: Review, expected_version: int, reason: str = ""
) -> Written[int]:
    """Save the review; each party may change only their own assessments. Its result is the
    new version.

    What the other person saved since ``expected_version`` is kept, item by item;
    a field both changed raises :class:`EditConflict`.
    """
    review = _revalidated(review)
    state, merged = svc._merged(
        workbook_id, expected_version, "review", 1, review.model_dump(mode="json"), Review
    )
    review = _validated(Review, **merged)
    if state.workbook.stage not in (Stage.REVIEW, Stage.CLOSED):
        raise ValidationFailed(_("start the review first"))
    access.require_own_assessments(state.workbook.party_of(svc.me.id), state.review, review)
    for a in review.assessments:
        if state.objective(a.objective) is None:
            raise ValidationFailed(
                _("assessment of objective {n}, which does not exist").format(n=a.objective)
            )
    current = state.workbook.version
    with svc._unit(state, current, "review", reason) as w:
        w.put("review", 1, review.model_dump(mode="json"), reason)
        version = w.version_made(current)
    return written(svc, workbook_id, version, version)


def add_note(
    svc: ServiceBase, workbook_id: int, text: str, expected_version: int | None = None
) -> Written[int]:
    """Add a private note that only its author can ever see; its result is its number."""
    svc.workbook(workbook_id)  # refused unless this person may read the workbook
    access.require_note_author(svc.me, svc.facilitator)
    note = _validated(Note, author=svc.me.id, text=text, at=svc.clock())
    with svc.store.write(
        workbook_id, expected_version, svc.me.id, svc._facilitator_id(), svc._at()
    ) as w:
        number = w.put("note", None, note.model_dump(mode="json"))
    return written(svc, workbook_id, number, w.workbook.version)
