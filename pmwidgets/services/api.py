"""The one API that notebooks, widgets and the command line call.

A :class:`Services` object carries the acting person (and, in a facilitated
session, the coach). Every method checks access first, validates with the
domain rules, and writes through the store in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.agreement import SUBJECTS, Subject
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.i18n import _
from ..domain.kinds import CONTENT_KINDS
from ..domain.model import (
    JobDescription,
    Person,
    Role,
    Workbook,
)
from ..domain.participation import Participation, participation
from ..domain.state import WorkbookState
from ..store import Event, Store, VerifyReport
from . import access, agreeing, documents, drafting, following
from .base import OPERATOR_ID, Clock, ServiceBase, _validated, utc_now
from .written import answer


class Services(ServiceBase):
    """Use cases for one acting person: ``Services(store, actor_id, facilitator_id=None)``.

    The constructor's parameters are described on :class:`~.base.ServiceBase`. The
    use cases are composed from one module each, by what they are for; each is a
    function of the acting person's services, offered here as a method:
    :mod:`.drafting` (the job description, objectives, development plan),
    :mod:`.following` (check-ins, the review, private notes), :mod:`.agreeing`
    (confirmations) and :mod:`.documents` (the agreement document). Who may do what
    is decided in :mod:`.access`.

    Each write use case returns a :class:`~.written.Written` (its result, the version it
    made, the workbook as it left it); its method here returns the ``result`` alone
    (the new version, the new record's number, where the agreement stands), as scripts
    and the command line use it. A page that shows the workbook after a save calls the
    use case itself and shows the state it returns (see
    :class:`~pmwidgets.apps.workbook_session.WorkbookSession`).
    """

    # --- writing what is agreed (services/drafting.py) --------------------------------
    set_job_description = answer(drafting.set_job_description)
    add_objective = answer(drafting.add_objective)
    update_objective = answer(drafting.update_objective)
    remove_objective = answer(drafting.remove_objective)
    set_coverage_reason = answer(drafting.set_coverage_reason)
    set_plan = answer(drafting.set_plan)

    # --- following the cycle (services/following.py) ----------------------------------
    save_check_in = answer(following.save_check_in)
    start_review = answer(following.start_review)
    set_review = answer(following.set_review)
    add_note = answer(following.add_note)

    # --- agreeing (services/agreeing.py) ----------------------------------------------
    confirmation_method = agreeing.confirmation_method
    confirm = answer(agreeing.confirm)

    @classmethod
    def operator(cls, store: Store, clock: Clock = utc_now) -> Services:
        """Services for whoever runs the command line on the database itself.

        The operator holds the database file, so it may do everything an admin
        may, and make full backups (including private notes). Its events are
        recorded under the id ``pmw-operator``.
        """
        svc = cls.__new__(cls)
        svc.store, svc.facilitator, svc.clock, svc.verified = store, None, clock, False
        svc.me = Person(id=OPERATOR_ID, name="pmw operator", roles=(Role.ADMIN,))
        return svc

    def acting_as(self, actor_id: str) -> Services:
        """The same services for another acting person, facilitated by this coach.

        Used in coach mode: the coach switches between the employee and the manager.
        The person acting there was not verified: the coach's sign-in is. They edit
        under their own name, and confirm only with their personal code.
        """
        coach = self.facilitator or self.me
        access.require_role(coach, Role.COACH)
        return Services(
            self.store, actor_id, facilitator_id=coach.id, clock=self.clock, verified=False
        )

    # --- what a person's pages remember for them ------------------------------------

    def first_visit(self, page: str) -> bool:
        """Whether this is this person's first visit to ``page`` (a step's stem), on any
        device; the visit is recorded, so the next one is not. The operator has none."""
        from ..store.settings import put_setting, settings_of

        if not access.has_own_settings(self.me):
            return False
        name = f"seen:{page}"[:64]
        if name in settings_of(self.store, self.me.id):
            return False
        put_setting(self.store, self.me.id, name, self.clock().date().isoformat())
        return True

    # --- what the organisation sets for everyone -------------------------------------

    def organisation_settings(self) -> dict[str, str]:
        """The organisation's settings, by name (``date_order``: how it writes a date)."""
        from ..store.settings import organisation_settings

        return organisation_settings(self.store)

    def set_organisation_setting(self, name: str, value: str) -> None:
        """Set one of the organisation's settings (admins and the operator only), and use
        it in this process from now on. Known settings: ``date_order`` (``dmy``, ``mdy``
        or ``ymd``).

        Raises :class:`ValidationFailed` with one line for an unknown name or a bad value.
        """
        from ..domain.i18n import DATE_ORDERS, set_date_order
        from ..store.settings import put_organisation_setting

        access.require_organisation_admin(self.me)
        value = value.strip().lower()
        if name != "date_order":
            raise ValidationFailed(
                _(
                    "there is no organisation setting “{name}”: the one setting is date_order"
                ).format(name=name)
            )
        if value not in DATE_ORDERS:
            raise ValidationFailed(
                _("“{order}” is not a date order: use dmy, mdy or ymd").format(order=value)
            )
        put_organisation_setting(self.store, name, value, self.me.id, self.clock())
        set_date_order(value)

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
        """The workbooks this person may see (in a facilitated session: that the coach coaches)."""
        found = (
            self.store.find_workbooks()
            if access.sees_every_workbook(self.me)
            else self.store.find_workbooks(self.me.id)
        )
        return access.in_session(self.facilitator, found)

    def open(self, workbook_id: int) -> WorkbookState:
        """Everything in a workbook that this person may see, at its current version."""
        # on a shared screen (coach mode) nobody's private notes are shown
        viewer = access.notes_viewer(self.me, self.facilitator)
        # one read, in one snapshot: the access check is on the header read with the content
        return self._readable(
            workbook_id, lambda i: self.store.load(i, viewer_id=viewer), lambda s: s.workbook
        )

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
        if coach_id is not None:
            access.require_coach(self.store.get_person(coach_id))
        wb = _validated(
            Workbook,
            employee_id=employee_id,
            manager_id=manager_id,
            coach_id=coach_id,
            cycle_start=cycle_start,
            cycle_end=cycle_end,
        )
        employee = self.store.get_person(employee_id)
        access.require_line_manager(self.me, employee, manager_id)
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

    # --- history ---------------------------------------------------------------------

    def history(self, workbook_id: int) -> list[Event]:
        """The workbook's events, oldest first; others' private notes are left out."""
        self.workbook(workbook_id)
        return [
            e
            for e in self.store.events(workbook_id)
            if access.may_see_event(self.me, self.facilitator, e.action, e.actor_id)
        ]

    def participation(self, workbook_id: int) -> Participation:
        """How many contributions each party wrote; flags a one-sided workbook."""
        wb, counts = self._readable(workbook_id, self.store.contributions, lambda r: r[0])
        authors = (
            wb.party_of(actor)
            for action, actor, count in counts
            if action.split(".")[0] in CONTENT_KINDS
            for _ in range(count)
        )
        return participation(authors)

    def last_agreed(self, workbook_id: int, subject: Subject) -> tuple[int, str] | None:
        """(number, canonical JSON) of the latest version of ``subject`` both agreed, if any.

        The version now in force when it is agreed; otherwise the one before the draft
        (what a change since the last agreement is measured against). What was agreed
        is frozen, so a page may keep the answer while the draft keeps its number.
        """
        if subject not in SUBJECTS:
            raise ValidationFailed(_("nothing called {s} can be agreed").format(s=subject))
        _wb, found = self._readable(
            workbook_id, lambda i: self.store.last_agreed(i, subject), lambda r: r[0]
        )
        return found

    # --- export, import, verify ------------------------------------------------------

    def export_workbook(self, workbook_id: int, include_private: bool = False) -> dict[str, Any]:
        """One workbook with its whole history, as written to a workbook JSON file.

        Private notes are included only when they are the acting person's own (none on
        a shared screen), or, with ``include_private``, for the operator's full backups.
        """
        self.workbook(workbook_id)
        whom = access.exported_notes(self.me, self.facilitator, include_private)
        return self.store.dump_workbook(workbook_id, whom)

    agreement_document = documents.agreement_document
    agreement_export = documents.agreement_export

    def import_workbook(self, data: dict[str, Any]) -> int:
        """Restore a workbook exported as JSON (already validated by :mod:`pmwidgets.io`); admins only."""
        access.require_role(self.me, Role.ADMIN)
        return self.store.restore_workbook(data, actor_id=self.me.id)

    def verify(self, workbook_id: int | None = None, noted_head: str | None = None) -> VerifyReport:
        """Recompute every hash and check every record against the log (admins; or one readable workbook).

        ``noted_head`` (``N:HASH``, as an earlier report's ``head``) must still be in
        the chain: this catches the newest writes deleted whole, which a chain checked
        by itself cannot show. A malformed one raises :class:`ValidationFailed`.
        """
        if workbook_id is None:
            access.require_role(self.me, Role.ADMIN)
        else:
            self.workbook(workbook_id)
        noted = None if noted_head is None else parse_head(noted_head)
        return self.store.verify(workbook_id, noted)


def parse_head(text: str) -> tuple[int, str]:
    """``N:HASH`` (as :meth:`Services.verify` reports a chain's head) as (N, HASH).

    Raises :class:`ValidationFailed` saying what is wrong.
    """
    seq, sep, digest = text.strip().partition(":")
    if not sep or not seq.isdigit() or int(seq) < 1:
        raise ValidationFailed(
            _("a chain head is written N:HASH, as pmw verify prints it (not {text!r})").format(
                text=text
            )
        )
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValidationFailed(
            _("a chain head's hash is 64 hexadecimal digits (not {digest!r})").format(digest=digest)
        )
    return int(seq), digest
