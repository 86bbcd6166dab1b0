"""Writing a workbook's content, and confirming it: each party for themselves.

A :class:`Services` object carries the acting person (and, in a facilitated
session, the coach). Every method checks access first, validates with the
domain rules, and writes through the store in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import agreement as agr
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.i18n import _, format_date
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
from ..domain.readiness import Readiness, agreement_readiness, review_opens
from ..domain.rules import objective_problems
from . import access, identity
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
    retry_races,
)


class ContentUseCases(ServiceBase):
    """Use cases that change a workbook's content or agree it."""

    # --- writing content -------------------------------------------------------------

    def set_job_description(
        self, workbook_id: int, job: JobDescription, expected_version: int, reason: str = ""
    ) -> int:
        """Set the workbook's job description; returns the new version.

        ``expected_version`` is the version the author's form started from: what others
        saved since is kept, field by field (see :meth:`_merged`).
        """
        job = _revalidated(job)
        content = job.model_dump(mode="json")
        return self._put(
            workbook_id, expected_version, "job_description", 1, content, reason, JobDescription
        )

    @retry_races
    def add_objective(
        self, workbook_id: int, objective: Objective, expected_version: int, reason: str = ""
    ) -> int:
        """Propose an objective; it is recorded as proposed by the acting person. Returns its number.

        A new objective changes nothing anyone else saved, so it is added even when the
        page is out of date.
        """
        state = self._state_for_write(workbook_id, expected_version, merging=True)
        objective = _revalidated(objective)
        self._require_job_agreed(state)
        objective = objective.model_copy(update={"id": None, "proposed_by": self.me.id})
        _raise_problems(objective_problems(objective, state.workbook, state.job))
        with self._unit(state, state.workbook.version, "objectives", reason) as w:
            return w.put("objective", None, _content(objective), reason)

    @retry_races
    def update_objective(
        self,
        workbook_id: int,
        number: int,
        objective: Objective,
        expected_version: int,
        reason: str = "",
    ) -> int:
        """Change objective ``number``; who proposed it stays as it was. Returns the new version.

        Fields others changed since ``expected_version`` (the version the form started
        from) are kept; a field both changed raises :class:`EditConflict`.
        """
        objective = _revalidated(objective)
        state, merged = self._merged(
            workbook_id, expected_version, "objective", number, _content(objective),
            ignore=("proposed_by",),
        )  # fmt: skip
        old = state.objective(number)
        if old is None:
            raise ValidationFailed(_("objective {n} does not exist").format(n=number))
        objective = _validated(Objective, **{**merged, "proposed_by": old.proposed_by})
        _raise_problems(objective_problems(objective, state.workbook, state.job))
        current = state.workbook.version
        with self._unit(state, current, "objectives", reason) as w:
            w.put("objective", number, _content(objective), reason)
            version: int = w.workbook.version if w.changes else current
        return version

    @retry_races
    def remove_objective(
        self, workbook_id: int, number: int, expected_version: int, reason: str = ""
    ) -> int:
        """Remove objective ``number``; returns the new version.

        Refused when someone else changed it since ``expected_version``: the person
        removing it has not seen that change.
        """
        state = self._state_for_write(workbook_id, expected_version, merging=True)
        if state.objective(number) is None:
            raise ValidationFailed(_("objective {n} does not exist").format(n=number))
        current = state.workbook.version
        if current != expected_version:
            then, now, _v, authors = self.store.record_history(
                workbook_id, "objective", number, expected_version
            )
            if then != now:
                authors = tuple(a for a in authors if a != self.me.id) or authors
                raise ValidationFailed(
                    _(
                        "{names} changed objective {n} since you opened this: read it again "
                        "before removing it; nothing was removed"
                    ).format(names=", ".join(self._name(a) for a in authors), n=number)
                )
        with self._unit(state, current, "objectives", reason) as w:
            w.remove("objective", number, reason)
            version: int = w.workbook.version if w.changes else current
        return version

    @retry_races
    def set_coverage_reason(
        self,
        workbook_id: int,
        responsibility: int,
        why: str,
        expected_version: int,
        reason: str = "",
    ) -> int:
        """Say why a responsibility has no objective this cycle (empty ``why`` clears it).

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
        state, merged = self._merged(
            workbook_id, expected_version, "coverage_reason", responsibility, mine
        )
        if state.job is None or state.job.responsibility(responsibility) is None:
            raise ValidationFailed(
                _("responsibility {n} is not in the job description").format(n=responsibility)
            )
        existing = any(r.responsibility == responsibility for r in state.coverage_reasons)
        current = state.workbook.version
        with self._unit(state, current, "objectives", reason) as w:
            if merged is not None:
                item = _validated(CoverageReason, **merged)
                w.put("coverage_reason", responsibility, item.model_dump(mode="json"), reason)
            elif existing:
                w.remove("coverage_reason", responsibility, reason)
            version: int = w.workbook.version if w.changes else current
        return version

    @retry_races
    def set_plan(
        self, workbook_id: int, plan: DevelopmentPlan, expected_version: int, reason: str = ""
    ) -> int:
        """Save the development plan. Each party may change only their own ratings,
        and only the manager their support commitments. Returns the new version.

        What the other person saved since ``expected_version`` (their ratings, say) is
        kept, item by item; a field both changed raises :class:`EditConflict`.
        """
        plan = _revalidated(plan)
        state, merged = self._merged(
            workbook_id, expected_version, "plan", 1, plan.model_dump(mode="json"), DevelopmentPlan
        )
        plan = _validated(DevelopmentPlan, **merged)
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
        current = state.workbook.version
        with self._unit(state, current, "development_plan", reason) as w:
            w.put("plan", 1, plan.model_dump(mode="json"), reason)
            version: int = w.workbook.version if w.changes else current
        return version

    @retry_races
    def save_check_in(
        self, workbook_id: int, check_in: CheckIn, expected_version: int, reason: str = ""
    ) -> int:
        """Add a check-in (``check_in.id`` None) or change one; returns its number.

        A check-in that proposes amendments to agreed objectives reopens the
        agreement on the objectives: both must agree again. A change to a check-in keeps
        what others saved in it since ``expected_version``, field by field.
        """
        check_in = _revalidated(check_in)
        mine = check_in.model_copy(update={"id": None}).model_dump(mode="json")
        state, merged = self._merged(
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
            workbook_id, state.workbook.version, self.me.id, self._facilitator_id(), self._at()
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

    @retry_races
    def start_review(self, workbook_id: int, expected_version: int, reason: str = "") -> int:
        """Move the workbook into its review stage (once check-ins are under way).

        A review belongs near the end of the cycle: it starts within the last
        :data:`~pmwidgets.domain.readiness.REVIEW_WINDOW_DAYS` days, or earlier with a reason, which is recorded.
        """
        state = self._state_for_write(workbook_id, expected_version, merging=True)
        access.require_party(self.me, state.workbook)
        if list(Stage).index(state.workbook.stage) < list(Stage).index(Stage.CHECK_INS):
            raise ValidationFailed(
                _("agree the objectives and the development plan before the review")
            )
        opens = review_opens(state.workbook)
        early = self.clock().date() < opens
        if early and state.workbook.stage == Stage.CHECK_INS and len(reason.strip()) < 3:
            raise ValidationFailed(
                _(
                    "the cycle ends on {end}: the review starts from {opens}; to start it "
                    "earlier, give the reason (it is recorded)"
                ).format(end=format_date(state.workbook.cycle_end), opens=format_date(opens))
            )
        current = state.workbook.version
        with self.store.write(
            workbook_id, current, self.me.id, self._facilitator_id(), self._at()
        ) as w:
            if state.workbook.stage == Stage.CHECK_INS:
                w.set_stage(Stage.REVIEW, reason.strip() or _("review started"))
            version: int = w.workbook.version if w.changes else current
        return version

    @retry_races
    def set_review(
        self, workbook_id: int, review: Review, expected_version: int, reason: str = ""
    ) -> int:
        """Save the review; each party may change only their own assessments.

        What the other person saved since ``expected_version`` is kept, item by item;
        a field both changed raises :class:`EditConflict`.
        """
        review = _revalidated(review)
        state, merged = self._merged(
            workbook_id, expected_version, "review", 1, review.model_dump(mode="json"), Review
        )
        review = _validated(Review, **merged)
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
        current = state.workbook.version
        with self._unit(state, current, "review", reason) as w:
            w.put("review", 1, review.model_dump(mode="json"), reason)
            version: int = w.workbook.version if w.changes else current
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

    def confirmation_method(self) -> agr.ConfirmationMethod | None:
        """How the acting person can confirm on this screen, if at all.

        ``own_sign_in`` when they are signed in as themselves (verified, nobody
        facilitating); ``session_code`` in a facilitated session, where the coach's
        screen acts for them and their personal code is needed; None when they were
        only chosen at the screen (JupyterLab without a coach): a confirmation is a
        person's own act, so it is never made for them.
        """
        if self.facilitator is not None:
            return "session_code"
        return "own_sign_in" if self.verified else None

    def _require_own_act(self, personal_code: str) -> None:
        """Refuse unless the confirmation is the acting person's own act (see above)."""
        method = self.confirmation_method()
        if method is None:
            raise NotAllowed(
                _(
                    "a confirmation is each person's own act: confirm from your own sign-in in "
                    "the web app, or with your personal code in a session facilitated by the "
                    "workbook's coach"
                )
            )
        if method == "session_code":
            from . import sessions

            def shown_in() -> Iterator[str]:
                yield ""  # a hub's or a proxy's sign-in (no session of ours): no read
                yield from sessions.live_session_keys(self.store, self.me.id, self.clock())

            identity.check_personal_code(
                self.me.id, personal_code, self.clock(), sessions=shown_in()
            )

    def confirm(
        self,
        workbook_id: int,
        subject: agr.Subject,
        seen_hash: str,
        personal_code: str = "",
        accept_reason: str = "",
    ) -> agr.AgreementStatus:
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
        AgreementStatus
            AGREED once both parties have confirmed the same content.
        """
        if subject not in agr.SUBJECTS:
            raise ValidationFailed(_("nothing called {s} can be agreed").format(s=subject))
        wb = self.workbook(workbook_id)
        party = access.require_party(self.me, wb)
        if self.facilitator is not None:
            access.require_facilitator(self.facilitator, wb)
        if self.confirmation_method() is None:
            self._require_own_act(personal_code)
        needed = _STAGE_TO_CONFIRM[subject]
        if list(Stage).index(wb.stage) < list(Stage).index(needed):
            raise ValidationFailed(
                _(
                    "the {subject} cannot be agreed yet: the workbook is at the {stage} stage"
                ).format(subject=_(agr.SUBJECT_LABELS[subject]), stage=wb.stage.label)
            )
        state = self.store.load(workbook_id, viewer_id=self.me.id)
        agr.require_seen(subject, seen_hash, state.subject_hash(subject))
        recorded = _acceptance(
            agreement_readiness(state, subject, self.clock().date()), accept_reason
        )
        canonical = state.subject_canonical(subject)
        current = agr.content_hash(canonical)
        latest = state.agreements.get(subject)
        # the code last: a refusal for incomplete content does not use up a try
        self._require_own_act(personal_code)
        updated = agr.confirm(
            latest, subject, party, self.me.id, seen_hash, current, canonical, self.clock(),
            self._facilitator_id(),
        )  # fmt: skip
        action = "agreement.agreed" if updated.agreed else "agreement.confirmed"
        with self.store.write(
            workbook_id, state.workbook.version, self.me.id, self._facilitator_id(), self._at()
        ) as w:
            w.save_agreement(updated, action, recorded)
            if updated.agreed:
                stage = agr.stage_after_agreement(state.workbook.stage, subject)
                if stage != state.workbook.stage:
                    w.set_stage(
                        stage,
                        _("{subject} agreed by both").format(subject=subject.replace("_", " ")),
                    )
        return agr.AgreementStatus.AGREED if updated.agreed else agr.status(updated, current)


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
