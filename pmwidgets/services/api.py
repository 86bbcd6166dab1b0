"""The one API that notebooks, widgets and the command line call.

A :class:`Services` object carries the acting person (and, in a facilitated
session, the coach). Every method checks access first, validates with the
domain rules, and writes through the store in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..domain import agreement as agr
from ..domain.errors import NotAllowed, ValidationFailed, describe_validation_error
from ..domain.i18n import _
from ..domain.model import (
    PARTIES,
    CheckIn,
    CoverageReason,
    DevelopmentPlan,
    JobDescription,
    Note,
    Objective,
    Person,
    Review,
    Role,
    Stage,
    Workbook,
)
from ..domain.participation import Participation, participation
from ..domain.rules import objective_problems
from ..domain.state import WorkbookState
from ..store import Event, Store
from ..store.verify import VerifyReport
from ..store.writer import WorkbookWriter
from . import access

Clock = Callable[[], dt.datetime]
OPERATOR_ID = "pmw-operator"


def utc_now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


#: the earliest stage at which each subject can be confirmed.
_STAGE_TO_CONFIRM = {
    "job_description": Stage.JOB_DESCRIPTION,
    "objectives": Stage.OBJECTIVES,
    "development_plan": Stage.DEVELOPMENT,
    "review": Stage.REVIEW,
}

#: record kinds whose writes count as a party's contribution.
CONTENT_KINDS = ("job_description", "objective", "coverage_reason", "plan", "check_in", "review")
#: the agreement subject each record kind belongs to.
SUBJECT_OF = {
    "job_description": "job_description",
    "objective": "objectives",
    "coverage_reason": "objectives",
    "plan": "development_plan",
    "review": "review",
}


class Services:
    """Use cases for one acting person.

    Parameters
    ----------
    store:
        The store to read and write.
    actor_id:
        The person acting: every read is limited to what they may see, every
        write is recorded under their name.
    facilitator_id:
        The coach facilitating the session, when a coach switches who is acting
        on one shared screen. Recorded on every event.
    clock:
        Source of "now" (the demo builder backdates its history with it).
    """

    def __init__(
        self,
        store: Store,
        actor_id: str,
        facilitator_id: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.me: Person = store.get_person(actor_id)
        self.facilitator: Person | None = (
            store.get_person(facilitator_id) if facilitator_id else None
        )
        self.clock = clock

    @classmethod
    def operator(cls, store: Store, clock: Clock = utc_now) -> Services:
        """Services for whoever runs the command line on the database itself.

        The operator holds the database file, so it may do everything an admin
        may, and make full backups (including private notes). Its events are
        recorded under the id ``pmw-operator``.
        """
        svc = cls.__new__(cls)
        svc.store, svc.facilitator, svc.clock = store, None, clock
        svc.me = Person(id=OPERATOR_ID, name="pmw operator", roles=(Role.ADMIN,))
        return svc

    def acting_as(self, actor_id: str) -> Services:
        """The same services for another acting person, facilitated by this coach.

        Used in coach mode: the coach switches between the employee and the manager.
        """
        coach = self.facilitator or self.me
        access.require_role(coach, Role.COACH)
        return Services(self.store, actor_id, facilitator_id=coach.id, clock=self.clock)

    # --- people and library -------------------------------------------------------

    def people(self) -> list[Person]:
        """Everyone in the organisation (names, roles and work emails are not private)."""
        return self.store.find_people()

    def add_person(self, person: Person, reason: str = "") -> Person:
        """Add a person (admins only)."""
        access.require_role(self.me, Role.ADMIN)
        return self.store.add_person(person, actor_id=self.me.id, reason=reason)

    def add_library_job(self, job: JobDescription, reason: str = "") -> int:
        """Store a job description in the library; returns its id (admins, coaches, managers)."""
        access.require_role(self.me, Role.ADMIN, Role.COACH, Role.MANAGER)
        return self.store.add_job(job, actor_id=self.me.id, reason=reason)

    def library(self, query: str = "", limit: int = 50) -> list[tuple[int, str, str]]:
        """Library job descriptions matching ``query``: (id, title, source)."""
        return self.store.find_jobs(query, limit)

    def library_job(self, job_id: int) -> JobDescription:
        """One library job description."""
        return self.store.get_job(job_id)

    # --- workbooks ------------------------------------------------------------------

    def workbooks(self) -> list[Workbook]:
        """The workbooks this person may see."""
        if Role.ADMIN in self.me.roles:
            return self.store.find_workbooks()
        return self.store.find_workbooks(self.me.id)

    def workbook(self, workbook_id: int) -> Workbook:
        """A workbook's header, if this person may see it."""
        wb = self.store.get_workbook(workbook_id)
        access.require_read(self.me, wb)
        return wb

    def open(self, workbook_id: int) -> WorkbookState:
        """Everything in a workbook that this person may see, at its current version."""
        self.workbook(workbook_id)
        # on a shared screen (coach mode) nobody's private notes are shown
        viewer = None if self.facilitator is not None else self.me.id
        return self.store.load(workbook_id, viewer_id=viewer)

    def create_workbook(
        self,
        employee_id: str,
        manager_id: str,
        cycle_start: dt.date,
        cycle_end: dt.date,
        coach_id: str | None = None,
        reason: str = "",
    ) -> Workbook:
        """Open a workbook for a cycle (admins, the coach named, or the manager)."""
        if not access.may_create_workbook(self.me, manager_id, coach_id):
            raise NotAllowed(_("only the manager, the coach or an admin can open a workbook"))
        wb = _validated(
            Workbook,
            employee_id=employee_id,
            manager_id=manager_id,
            coach_id=coach_id,
            cycle_start=cycle_start,
            cycle_end=cycle_end,
        )
        employee = self.store.get_person(employee_id)
        if Role.ADMIN not in self.me.roles and employee.manager_id != manager_id:
            raise NotAllowed(
                _("{name}'s line manager is {manager}: only an admin can name someone else").format(
                    name=employee.name, manager=employee.manager_id or _("nobody")
                )
            )
        for other in self.store.find_workbooks(employee_id):
            if (
                other.employee_id == employee_id
                and other.cycle_start <= cycle_end
                and cycle_start <= other.cycle_end
            ):
                raise ValidationFailed(
                    _(
                        "{name} already has workbook {id} for a cycle that overlaps these dates"
                    ).format(name=employee.name, id=other.id)
                )
        return self.store.add_workbook(
            wb,
            actor_id=self.me.id,
            facilitator_id=self._facilitator_id(),
            reason=reason,
            at=self._at(),
        )

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
        return self.store.latest_version(workbook_id)

    def remove_objective(
        self, workbook_id: int, number: int, expected_version: int, reason: str = ""
    ) -> int:
        """Remove objective ``number``; returns the new version."""
        state = self._state_for_write(workbook_id, expected_version)
        if state.objective(number) is None:
            raise ValidationFailed(_("objective {n} does not exist").format(n=number))
        with self._unit(state, expected_version, "objectives", reason) as w:
            w.remove("objective", number, reason)
        return self.store.latest_version(workbook_id)

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
        return self.store.latest_version(workbook_id)

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
        return self.store.latest_version(workbook_id)

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
        return self.store.latest_version(workbook_id)

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
        return self.store.latest_version(workbook_id)

    def add_note(self, workbook_id: int, text: str, expected_version: int | None = None) -> int:
        """Add a private note that only its author can ever see; returns its number."""
        wb = self.workbook(workbook_id)
        if self.facilitator is not None:
            raise NotAllowed(_("private notes are not written on a shared screen"))
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
        if subject == "objectives" and not state.objectives:
            raise ValidationFailed(_("there are no objectives to agree yet"))
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

    # --- history ---------------------------------------------------------------------

    def history(self, workbook_id: int) -> list[Event]:
        """The workbook's events, oldest first; others' private notes are left out."""
        self.workbook(workbook_id)
        return [
            e
            for e in self.store.events(workbook_id)
            if not (
                e.action.startswith("note.")
                and (e.actor_id != self.me.id or self.facilitator is not None)
            )
        ]

    def participation(self, workbook_id: int) -> Participation:
        """How many contributions each party wrote; flags a one-sided workbook."""
        wb = self.workbook(workbook_id)
        authors = (
            wb.party_of(e.actor_id)
            for e in self.store.events(workbook_id)
            if e.entity == "record" and e.action.split(".")[0] in CONTENT_KINDS
        )
        return participation(authors)

    # --- export, import, verify ------------------------------------------------------

    def export_workbook(self, workbook_id: int, include_private: bool = False) -> dict[str, Any]:
        """One workbook with its whole history, as written to a workbook JSON file.

        Private notes are included only when they are the acting person's own,
        or, with ``include_private``, for the operator's full backups.
        """
        self.workbook(workbook_id)
        if include_private and self.me.id != OPERATOR_ID:
            raise NotAllowed(_("only the operator can export other people's private notes"))
        return self.store.dump_workbook(workbook_id, "*" if include_private else self.me.id)

    def import_workbook(self, data: dict[str, Any]) -> int:
        """Restore a workbook exported as JSON (already validated by :mod:`pmwidgets.io`); admins only."""
        access.require_role(self.me, Role.ADMIN)
        return self.store.restore_workbook(data, actor_id=self.me.id)

    def verify(self, workbook_id: int | None = None) -> VerifyReport:
        """Recompute every hash and check every record against the log (admins; or one readable workbook)."""
        if workbook_id is None:
            access.require_role(self.me, Role.ADMIN)
        else:
            self.workbook(workbook_id)
        return self.store.verify(workbook_id)

    # --- internals ------------------------------------------------------------------

    def _facilitator_id(self) -> str | None:
        return self.facilitator.id if self.facilitator else None

    def _at(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="microseconds")

    def _state_for_write(
        self, workbook_id: int, expected_version: int | None = None
    ) -> WorkbookState:
        wb = self.workbook(workbook_id)
        if expected_version is not None:
            # a page that is merely out of date hears that first, not a rule it did not break
            self.store.require_version(workbook_id, expected_version)
        access.require_write(self.me, wb)
        if self.facilitator is not None:
            access.require_facilitator(self.facilitator, wb)
        if wb.stage == Stage.CLOSED:
            raise ValidationFailed(_("this workbook is closed: start the next cycle instead"))
        return self.store.load(workbook_id, viewer_id=self.me.id)

    def _require_job_agreed(self, state: WorkbookState) -> None:
        version = state.agreements.get("job_description")
        if state.job is None or version is None or not (version.agreed or version.number > 1):
            raise ValidationFailed(
                _("both must confirm the job description before objectives are set")
            )

    def _unit(
        self, state: WorkbookState, expected_version: int, subject: agr.Subject, reason: str
    ) -> Any:
        """A unit of work that first reopens an agreed ``subject`` (with ``reason``)."""
        return _ReopeningUnit(self, state, expected_version, subject, reason)

    def _reopen(
        self, w: WorkbookWriter, state: WorkbookState, subject: agr.Subject, reason: str
    ) -> None:
        latest = state.agreements.get(subject)
        opened = agr.reopen(latest, reason)
        if opened is not None and opened is not latest:
            w.save_agreement(opened, "agreement.reopened", reason)

    def _put(
        self,
        workbook_id: int,
        expected_version: int,
        kind: str,
        number: int,
        content: dict[str, Any],
        reason: str,
    ) -> int:
        state = self._state_for_write(workbook_id, expected_version)
        with self._unit(state, expected_version, SUBJECT_OF[kind], reason) as w:  # type: ignore[arg-type]
            w.put(kind, number, content, reason)
        return self.store.latest_version(workbook_id)


class _ReopeningUnit:
    """Context manager: a store unit of work that reopens an agreed subject before changing it."""

    def __init__(
        self, svc: Services, state: WorkbookState, expected: int, subject: agr.Subject, reason: str
    ) -> None:
        self.svc, self.state, self.expected, self.subject, self.reason = (
            svc,
            state,
            expected,
            subject,
            reason,
        )

    def __enter__(self) -> WorkbookWriter:
        svc = self.svc
        # check the reason before opening a transaction, so the error is plain
        agr.reopen(self.state.agreements.get(self.subject), self.reason)
        self._cm = svc.store.write(
            self.state.workbook.id or 0, self.expected, svc.me.id, svc._facilitator_id(), svc._at()
        )
        w = self._cm.__enter__()
        svc._reopen(w, self.state, self.subject, self.reason)
        return w

    def __exit__(self, *exc: Any) -> bool | None:
        return self._cm.__exit__(*exc)


_M = TypeVar("_M", bound=BaseModel)


def _revalidated(value: _M) -> _M:
    """Validate a model again: ``model_copy(update=...)`` skips validation, and a
    browser can send anything, so nothing unvalidated is ever stored."""
    try:
        return type(value).model_validate(value.model_dump())
    except ValidationError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from None


def _validated(model: Any, **fields: Any) -> Any:
    try:
        return model(**fields)
    except ValidationError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from None


def _raise_problems(problems: list[str]) -> None:
    if problems:
        raise ValidationFailed("; ".join(problems))


def _content(objective: Objective) -> dict[str, Any]:
    data = objective.model_dump(mode="json")
    data.pop("id", None)
    return data


def _ratings(plan: DevelopmentPlan, party: str) -> list[Any]:
    return sorted(
        (r.competency.casefold(), r.level, r.comment) for r in plan.ratings if r.by == party
    )


def _assessments(review: Review, party: str) -> list[Any]:
    return sorted((a.objective, a.level, a.comment) for a in review.assessments if a.by == party)


def _amendments(state: WorkbookState, number: int | None) -> tuple[Any, ...]:
    if number is None:
        return ()
    return next((c.amendments for c in state.check_ins if c.id == number), ())
