"""Writing a workbook's content, and confirming it: each party for themselves.

A :class:`Services` object carries the acting person (and, in a facilitated
session, the coach). Every method checks access first, validates with the
domain rules, and writes through the store in one transaction.
"""

from __future__ import annotations

from ..domain import agreement as agr
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.i18n import _
from ..domain.model import (
    PARTIES,
    CheckIn,
    CoverageReason,
    DevelopmentPlan,
    JobDescription,
    Note,
    Objective,
    Review,
    Stage,
)
from ..domain.rules import objective_problems, weight_check
from ..domain.state import WorkbookState
from . import access
from .base import (
    _STAGE_TO_CONFIRM,
    OPERATOR_ID,
    ServiceBase,
    _amendments,
    _assessments,
    _content,
    _raise_problems,
    _ratings,
    _revalidated,
    _validated,
)


class ContentUseCases(ServiceBase):
    """Use cases that change a workbook's content or agree it."""

    # --- writing content -------------------------------------------------------------

    def set_job_description(
        self, workbook_id: int, job: JobDescription, expected_version: int, reason: str = ""
    ) -> int:
        """Set the workbook's job description; returns the new version."""
        job = _revalidated(job)
        return self._put(
            workbook_id, expected_version, "job_description", 1, job.model_dump(mode="json"), reason
        )

    def add_objective(
        self, workbook_id: int, objective: Objective, expected_version: int, reason: str = ""
    ) -> int:
        """Propose an objective; it is recorded as proposed by the acting person. Returns its number."""
        state = self._state_for_write(workbook_id, expected_version)
        objective = _revalidated(objective)
        self._require_job_agreed(state)
        objective = objective.model_copy(update={"id": None, "proposed_by": self.me.id})
        _raise_problems(objective_problems(objective, state.workbook, state.job))
        with self._unit(state, expected_version, "objectives", reason) as w:
            return w.put("objective", None, _content(objective), reason)

    def update_objective(
        self,
        workbook_id: int,
        number: int,
        objective: Objective,
        expected_version: int,
        reason: str = "",
    ) -> int:
        """Change objective ``number``; who proposed it stays as it was. Returns the new version."""
        state = self._state_for_write(workbook_id, expected_version)
        objective = _revalidated(objective)
        old = state.objective(number)
        if old is None:
            raise ValidationFailed(_("objective {n} does not exist").format(n=number))
        objective = objective.model_copy(update={"id": None, "proposed_by": old.proposed_by})
        _raise_problems(objective_problems(objective, state.workbook, state.job))
        with self._unit(state, expected_version, "objectives", reason) as w:
            w.put("objective", number, _content(objective), reason)
            version: int = w.workbook.version if w.changes else expected_version
        return version

    def remove_objective(
        self, workbook_id: int, number: int, expected_version: int, reason: str = ""
    ) -> int:
        """Remove objective ``number``; returns the new version."""
        state = self._state_for_write(workbook_id, expected_version)
        if state.objective(number) is None:
            raise ValidationFailed(_("objective {n} does not exist").format(n=number))
        with self._unit(state, expected_version, "objectives", reason) as w:
            w.remove("objective", number, reason)
            version: int = w.workbook.version if w.changes else expected_version
        return version

    def set_coverage_reason(
        self,
        workbook_id: int,
        responsibility: int,
        why: str,
        expected_version: int,
        reason: str = "",
    ) -> int:
        """Say why a responsibility has no objective this cycle (empty ``why`` clears it)."""
        state = self._state_for_write(workbook_id, expected_version)
        if state.job is None or state.job.responsibility(responsibility) is None:
            raise ValidationFailed(
                _("responsibility {n} is not in the job description").format(n=responsibility)
            )
        existing = any(r.responsibility == responsibility for r in state.coverage_reasons)
        with self._unit(state, expected_version, "objectives", reason) as w:
            if why.strip():
                item = _validated(CoverageReason, responsibility=responsibility, reason=why)
                w.put("coverage_reason", responsibility, item.model_dump(mode="json"), reason)
            elif existing:
                w.remove("coverage_reason", responsibility, reason)
            version: int = w.workbook.version if w.changes else expected_version
        return version

    def set_plan(
        self, workbook_id: int, plan: DevelopmentPlan, expected_version: int, reason: str = ""
    ) -> int:
        """Save the development plan. Each party may change only their own ratings,
        and only the manager their support commitments. Returns the new version."""
        state = self._state_for_write(workbook_id, expected_version)
        plan = _revalidated(plan)
        party = state.workbook.party_of(self.me.id)
        old = state.plan
        for other in PARTIES:
            if other != party and _ratings(old, other) != _ratings(plan, other):
                raise NotAllowed(
                    _("only the {party} can change the {party}'s ratings").format(party=_(other))
                )
        if party != "manager" and old.support != plan.support:
            raise NotAllowed(_("only the manager can change the manager's support commitments"))
        for r in plan.ratings:
            if state.job is None or state.job.competency(r.competency) is None:
                raise ValidationFailed(
                    _("'{c}' is not a competency of the job").format(c=r.competency)
                )
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
        with self._unit(state, expected_version, "development_plan", reason) as w:
            w.put("plan", 1, plan.model_dump(mode="json"), reason)
            version: int = w.workbook.version if w.changes else expected_version
        return version

    def save_check_in(
        self, workbook_id: int, check_in: CheckIn, expected_version: int, reason: str = ""
    ) -> int:
        """Add a check-in (``check_in.id`` None) or change one; returns its number.

        A check-in that proposes amendments to agreed objectives reopens the
        agreement on the objectives: both must agree again.
        """
        state = self._state_for_write(workbook_id, expected_version)
        check_in = _revalidated(check_in)
        if list(Stage).index(state.workbook.stage) < list(Stage).index(Stage.DEVELOPMENT):
            raise ValidationFailed(_("agree the objectives before holding check-ins"))
        if not state.workbook.contains(check_in.on):
            raise ValidationFailed(_("the check-in date must fall inside the cycle"))
        for p in check_in.progress:
            if state.objective(p.objective) is None:
                raise ValidationFailed(
                    _("progress given for objective {n}, which does not exist").format(
                        n=p.objective
                    )
                )
        number = check_in.id
        if number is not None and not any(c.id == number for c in state.check_ins):
            raise ValidationFailed(_("check-in {n} does not exist").format(n=number))
        author = (
            self.me.id
            if number is None
            else next(c.author for c in state.check_ins if c.id == number)
        )
        content = check_in.model_copy(update={"id": None, "author": author}).model_dump(mode="json")
        with self.store.write(
            workbook_id, expected_version, self.me.id, self._facilitator_id(), self._at()
        ) as w:
            new_amendments = [a for a in check_in.amendments if a not in _amendments(state, number)]
            if new_amendments:
                why = "; ".join(f"{a.proposal} ({a.reason})" for a in new_amendments)
                self._reopen(
                    w,
                    state,
                    "objectives",
                    _("amendment proposed at check-in: {why}").format(why=why),
                )
            return w.put("check_in", number, content, reason)

    def start_review(self, workbook_id: int, expected_version: int, reason: str = "") -> int:
        """Move the workbook into its review stage (once check-ins are under way)."""
        state = self._state_for_write(workbook_id, expected_version)
        access.require_party(self.me, state.workbook)
        if list(Stage).index(state.workbook.stage) < list(Stage).index(Stage.CHECK_INS):
            raise ValidationFailed(
                _("agree the objectives and the development plan before the review")
            )
        with self.store.write(
            workbook_id, expected_version, self.me.id, self._facilitator_id(), self._at()
        ) as w:
            if state.workbook.stage == Stage.CHECK_INS:
                w.set_stage(Stage.REVIEW, reason or _("review started"))
            version: int = w.workbook.version if w.changes else expected_version
        return version

    def set_review(
        self, workbook_id: int, review: Review, expected_version: int, reason: str = ""
    ) -> int:
        """Save the review; each party may change only their own assessments."""
        state = self._state_for_write(workbook_id, expected_version)
        review = _revalidated(review)
        if state.workbook.stage not in (Stage.REVIEW, Stage.CLOSED):
            raise ValidationFailed(_("start the review first"))
        party = state.workbook.party_of(self.me.id)
        for other in PARTIES:
            if other != party and _assessments(state.review, other) != _assessments(review, other):
                raise NotAllowed(
                    _("only the {party} can change the {party}'s assessments").format(
                        party=_(other)
                    )
                )
        for a in review.assessments:
            if state.objective(a.objective) is None:
                raise ValidationFailed(
                    _("assessment of objective {n}, which does not exist").format(n=a.objective)
                )
        with self._unit(state, expected_version, "review", reason) as w:
            w.put("review", 1, review.model_dump(mode="json"), reason)
            version: int = w.workbook.version if w.changes else expected_version
        return version

    def add_note(self, workbook_id: int, text: str, expected_version: int | None = None) -> int:
        """Add a private note that only its author can ever see; returns its number."""
        wb = self.workbook(workbook_id)
        if self.facilitator is not None:
            raise NotAllowed(_("private notes are not written on a shared screen"))
        if self.me.id == OPERATOR_ID:
            raise NotAllowed(
                _("the command line writes no notes: act as a person with --as PERSON")
            )
        note = _validated(Note, author=self.me.id, text=text, at=self.clock())
        with self.store.write(
            wb.id or 0, expected_version, self.me.id, self._facilitator_id(), self._at()
        ) as w:
            return w.put("note", None, note.model_dump(mode="json"))

    # --- agreement ------------------------------------------------------------------

    def confirm(
        self, workbook_id: int, subject: agr.Subject, seen_hash: str
    ) -> agr.AgreementStatus:
        """Confirm, for the acting party, the content of ``subject`` they were shown.

        Parameters
        ----------
        seen_hash:
            The SHA-256 the page showed; if the content changed since, nothing
            is recorded and the person is asked to read it again.

        Returns
        -------
        AgreementStatus
            AGREED once both parties have confirmed the same content.
        """
        if subject not in agr.SUBJECTS:
            raise ValidationFailed(_("nothing called {s} can be agreed").format(s=subject))
        wb = self.workbook(workbook_id)
        party = access.require_party(self.me, wb)
        if self.facilitator is not None:
            access.require_facilitator(self.facilitator, wb)
        needed = _STAGE_TO_CONFIRM[subject]
        if list(Stage).index(wb.stage) < list(Stage).index(needed):
            raise ValidationFailed(
                _(
                    "the {subject} cannot be agreed yet: the workbook is at the {stage} stage"
                ).format(subject=_(agr.SUBJECT_LABELS[subject]), stage=wb.stage.label)
            )
        state = self.store.load(workbook_id, viewer_id=self.me.id)
        if subject == "job_description" and state.job is None:
            raise ValidationFailed(_("there is no job description to confirm yet"))
        if subject == "objectives":
            _require_agreeable_objectives(state)
        if subject == "review":
            _require_complete_review(state)
        canonical = state.subject_canonical(subject)
        current = agr.content_hash(canonical)
        latest = state.agreements.get(subject)
        updated = agr.confirm(
            latest, subject, party, self.me.id, seen_hash, current, canonical, self.clock(),
            self._facilitator_id(),
        )  # fmt: skip
        action = "agreement.agreed" if updated.agreed else "agreement.confirmed"
        with self.store.write(
            workbook_id, state.workbook.version, self.me.id, self._facilitator_id(), self._at()
        ) as w:
            w.save_agreement(updated, action)
            if updated.agreed:
                stage = agr.stage_after_agreement(state.workbook.stage, subject)
                if stage != state.workbook.stage:
                    w.set_stage(
                        stage,
                        _("{subject} agreed by both").format(subject=subject.replace("_", " ")),
                    )
        return agr.AgreementStatus.AGREED if updated.agreed else agr.status(updated, current)


def _require_agreeable_objectives(state: WorkbookState) -> None:
    """Objectives can be agreed only when the weights total 100 and the job is covered."""
    if not state.objectives:
        raise ValidationFailed(_("there are no objectives to agree yet"))
    problems = [weight_check(state.objectives)]
    cov = state.coverage()
    if cov is not None:
        problems.append(cov.finding)
    failed = [f.message for f in problems if not f.ok]
    if failed:
        raise ValidationFailed(_("not ready to agree: {why}").format(why="; ".join(failed)))


def _require_complete_review(state: WorkbookState) -> None:
    """The review is signed only once both have assessed every objective."""
    missing = [
        _("objective {n} by the {party}").format(n=o.id, party=_(party))
        for o in state.objectives
        for party in ("employee", "manager")
        if state.review.assessment(o.id or 0, party) is None
    ]
    if missing:
        raise ValidationFailed(
            _("not ready to sign: not yet assessed: {what}").format(what=", ".join(missing))
        )
