"""Writing what the two parties agree: the job description, the objectives and what
they cover, and the development plan.

Each use case is a function of the acting person's services (``svc``, a
:class:`~.base.ServiceBase`); :class:`~pmwidgets.services.Services` offers them as its
methods. Each checks access, reads the workbook's state in one snapshot, merges what
others saved since the author's form was opened, applies the domain's rules, and
writes in one unit of work that first reopens an agreed subject (with a reason). Each
returns a :class:`~.written.Written`: its result (the new version, or the new objective's
number), the version it made, and the workbook as it left it.
"""

from __future__ import annotations

from ..domain.errors import ValidationFailed
from ..domain.i18n import _
from ..domain.model import CoverageReason, DevelopmentPlan, JobDescription, Objective
from ..domain.rules import objective_problems
from . import access
from .base import ServiceBase, _content, _raise_problems, _revalidated, _validated, retry_races
from .written import Written, written


def set_job_description(
    svc: ServiceBase, workbook_id: int, job: JobDescription, expected_version: int, reason: str = ""
) -> Written[int]:
    """Set the workbook's job description; its result is the new version.

    ``expected_version`` is the version the author's form started from: what others
    saved since is kept, field by field (see :meth:`~.base.ServiceBase._merged`).
    """
    job = _revalidated(job)
    content = job.model_dump(mode="json")
    version = svc._put(
        workbook_id, expected_version, "job_description", 1, content, reason, JobDescription
    )
    return written(svc, workbook_id, version, version)


@retry_races
def add_objective(
    svc: ServiceBase,
    workbook_id: int,
    objective: Objective,
    expected_version: int,
    reason: str = "",
) -> Written[int]:
    """Propose an objective; it is recorded as proposed by the acting person. Its result is
    its number.

    A new objective changes nothing anyone else saved, so it is added even when the
    page is out of date.
    """
    state = svc._state_for_write(workbook_id, expected_version, merging=True)
    objective = _revalidated(objective)
    svc._require_job_agreed(state)
    objective = objective.model_copy(update={"id": None, "proposed_by": svc.me.id})
    _raise_problems(objective_problems(objective, state.workbook, state.job))
    with svc._unit(state, state.workbook.version, "objectives", reason) as w:
        number = w.put("objective", None, _content(objective), reason)
    return written(svc, workbook_id, number, w.workbook.version)


@retry_races
def update_objective(
    svc: ServiceBase,
    workbook_id: int,
    number: int,
    objective: Objective,
    expected_version: int,
    reason: str = "",
) -> Written[int]:
    """Change objective ``number``; who proposed it stays as it was. Its result is the new
    version.

    Fields others changed since ``expected_version`` (the version the form started
    from) are kept; a field both changed raises :class:`EditConflict`.
    """
    objective = _revalidated(objective)
    state, merged = svc._merged(
        workbook_id, expected_version, "objective", number, _content(objective),
        ignore=("proposed_by",),
    )  # fmt: skip
    old = state.objective(number)
    if old is None:
        raise ValidationFailed(_("objective {n} does not exist").format(n=number))
    objective = _validated(Objective, **{**merged, "proposed_by": old.proposed_by})
    _raise_problems(objective_problems(objective, state.workbook, state.job))
    current = state.workbook.version
    with svc._unit(state, current, "objectives", reason) as w:
        w.put("objective", number, _content(objective), reason)
        version = w.version_made(current)
    return written(svc, workbook_id, version, version)


@retry_races
def remove_objective(
    svc: ServiceBase, workbook_id: int, number: int, expected_version: int, reason: str = ""
) -> Written[int]:
    """Remove objective ``number``; its result is the new version.

    Refused when someone else changed it since ``expected_version``: the person
    removing it has not seen that change.
    """
    state = svc._state_for_write(workbook_id, expected_version, merging=True)
    if state.objective(number) is None:
        raise ValidationFailed(_("objective {n} does not exist").format(n=number))
    current = state.workbook.version
    if current != expected_version:
        then, now, _v, authors = svc.store.record_history(
            workbook_id, "objective", number, expected_version
        )
        if then != now:
            authors = tuple(a for a in authors if a != svc.me.id) or authors
            raise ValidationFailed(
                _(
                    "{names} changed objective {n} since you opened this: read it again "
                    "before removing it; nothing was removed"
                ).format(names=", ".join(svc._name(a) for a in authors), n=number)
            )
    with svc._unit(state, current, "objectives", reason) as w:
        w.remove("objective", number, reason)
        version = w.version_made(current)
    return written(svc, workbook_id, version, version)


@retry_races
def set_coverage_reason(
    svc: ServiceBase,
    workbook_id: int,
    responsibility: int,
    why: str,
    expected_version: int,
    reason: str = "",
) -> Written[int]:
    """Say why a responsibility has no objective this cycle (empty ``why`` clears it);
    its result is the new version.

    A reason someone else wrote since ``expected_version`` is not overwritten unseen:
    both changed it raises :class:`EditConflict`.
    """
    mine = (
        _validated(CoverageReason, responsibility=responsibility, reason=why).model_dump(
            mode="json"
        )
        if why.strip()
        else None
    )
    state, merged = svc._merged(
        workbook_id, expected_version, "coverage_reason", responsibility, mine
    )
    if state.job is None or state.job.responsibility(responsibility) is None:
        raise ValidationFailed(
            _("responsibility {n} is not in the job description").format(n=responsibility)
        )
    existing = any(r.responsibility == responsibility for r in state.coverage_reasons)
    current = state.workbook.version
    with svc._unit(state, current, "objectives", reason) as w:
        if merged is not None:
            item = _validated(CoverageReason, **merged)
            w.put("coverage_reason", responsibility, item.model_dump(mode="json"), reason)
        elif existing:
            w.remove("coverage_reason", responsibility, reason)
        version = w.version_made(current)
    return written(svc, workbook_id, version, version)


@retry_races
def set_plan(
    svc: ServiceBase,
    workbook_id: int,
    plan: DevelopmentPlan,
    expected_version: int,
    reason: str = "",
) -> Written[int]:
    """Save the development plan. Each party may change only their own ratings,
    and only the manager their support commitments. Its result is the new version.

    What the other person saved since ``expected_version`` (their ratings, say) is
    kept, item by item; a field both changed raises :class:`EditConflict`.
    """
    plan = _revalidated(plan)
    state, merged = svc._merged(
        workbook_id, expected_version, "plan", 1, plan.model_dump(mode="json"), DevelopmentPlan
    )
    plan = _validated(DevelopmentPlan, **merged)
    access.require_own_ratings(state.workbook.party_of(svc.me.id), state.plan, plan)
    for r in plan.ratings:
        if state.job is None or state.job.competency(r.competency) is None:
            raise ValidationFailed(_("'{c}' is not a competency of the job").format(c=r.competency))
    for a in plan.actions:
        if not state.workbook.contains(a.due):
            raise ValidationFailed(
                _("action '{d}' is due outside the cycle").format(d=a.description[:40])
            )
        if a.objective is not None and state.objective(a.objective) is None:
            raise ValidationFailed(
                _("action links to objective {n}, which does not exist").format(n=a.objective)
            )
        if a.gap and state.job is not None and state.job.competency(a.gap) is None:
            raise ValidationFailed(
                _("action links to '{c}', which is not a competency of the job").format(c=a.gap)
            )
    current = state.workbook.version
    with svc._unit(state, current, "development_plan", reason) as w:
        w.put("plan", 1, plan.model_dump(mode="json"), reason)
        version = w.version_made(current)
    return written(svc, workbook_id, version, version)
