"""WorkbookSession: one workbook, seen by one acting person, and the writes a page makes.

The page's views are pure: each takes the session's :attr:`~WorkbookSession.state`
(``traitlets.dlink((session, "state"), (view, "state"))``) and reports what the person
did through callbacks, which the page wires to the methods here. Each write method
calls one use case of the services, which checks access (a browser can send any widget
message) and returns what the write made (:class:`~pmwidgets.services.written.Written`);
``state`` is set to the workbook as the write left it, read by the use case (one header
query: the store keeps what the write made), never read again here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Concatenate, ParamSpec, TypeVar

import traitlets as T

from ..domain.agreement import AgreementStatus, Subject
from ..domain.errors import PmwError
from ..domain.model import (
    CheckIn,
    DevelopmentPlan,
    JobDescription,
    Objective,
    Party,
    Person,
    Review,
)
from ..domain.participation import Participation
from ..domain.state import WorkbookState
from ..services import Services, agreeing, drafting, following
from ..services.written import Written

_R = TypeVar("_R")
_P = ParamSpec("_P")
log = logging.getLogger("pmwidgets.apps")


class WorkbookSession(T.HasTraits):
    """One workbook seen by one acting person (perhaps facilitated by a coach).

    Parameters
    ----------
    services:
        The services of the acting person (and the facilitating coach).
    workbook_id:
        The workbook.

    Views follow :attr:`state` with ``dlink`` or ``observe``; the writes below set it.
    """

    #: the workbook as the acting person sees it, at its latest version read here
    state = T.Instance(WorkbookState)
    #: the person acting at this screen
    acting = T.Instance(Person)
    #: the coach facilitating the session, if any
    facilitator = T.Instance(Person, allow_none=True)
    #: names by id of the people the state names (the parties, proposers, confirmers)
    people = T.Dict()
    #: how the acting person can confirm here (``own_sign_in``, ``session_code``, None)
    confirm_method = T.Unicode(None, allow_none=True)
    #: how many contributions each party wrote
    participation = T.Instance(Participation, allow_none=True)

    def __init__(self, services: Services, workbook_id: int) -> None:
        super().__init__()
        self.services = services
        self.workbook_id = workbook_id
        self._watching = False
        self._names: dict[str, str] = {}
        self._not_people: set[str] = set()
        self._agreed: dict[tuple[str, int], tuple[int, str] | None] = {}
        self._on_change: Callable[[], None] | None = None
        self._show(services.open(workbook_id))

    # --- state ----------------------------------------------------------------------

    def _show(self, state: WorkbookState) -> None:
        """Set everything the views read, ``state`` last (so each view draws it once)."""
        svc = self.services
        wb = state.workbook
        self.acting = svc.me
        self.facilitator = svc.facilitator
        self.confirm_method = svc.confirmation_method()
        self._names_for(self._named(state))
        self.participation = svc.participation(wb.id or 0)
        self.state = state

    @staticmethod
    def _named(state: WorkbookState) -> Iterable[str | None]:
        wb = state.workbook
        yield from (wb.employee_id, wb.manager_id, wb.coach_id)
        yield from (o.proposed_by for o in state.objectives)
        for version in state.agreements.values():
            for c in version.confirmations:
                yield from (c.person_id, c.facilitator_id)

    def _names_for(self, needed: Iterable[str | None]) -> None:
        names = self.names(needed)
        if names != self.people:
            self.people = dict(names)

    # --- who, which version, whose names ---------------------------------------------

    @property
    def version(self) -> int:
        """The workbook version the page last read (a save sends it as ``based_on``)."""
        return self.state.workbook.version

    @property
    def party(self) -> Party | None:
        """The acting person's party in this workbook, if they are one."""
        return self.state.workbook.party_of(self.services.me.id)

    @property
    def facilitated(self) -> bool:
        """Whether a coach is facilitating (coach mode: one shared screen)."""
        return self.services.facilitator is not None

    def names(self, needed: Iterable[str | None] = ()) -> dict[str, str]:
        """People's names by id, read once and again only when a ``needed`` id is new.

        People are added but never renamed or removed, so the names read for one
        drawing serve the next; someone new (a new confirmer, say) is read when needed.
        """
        new = {pid for pid in needed if pid and pid not in self._names} - self._not_people
        if new or not self._names:
            self._names = {p.id: p.name for p in self.services.people()}
            self._not_people = (self._not_people | new) - set(self._names)
        return self._names

    def reload(self) -> WorkbookState:
        """Read the workbook again (one header query when nothing changed) and show it."""
        self._show(self.services.open(self.workbook_id))
        return self.state

    def act_as(self, services: Services) -> None:
        """Switch the acting person (coach mode), then show the workbook as they see it."""
        self.services = services
        self.reload()

    # --- someone else's saves -----------------------------------------------------------

    def watch(self, interval: float = 1.0, on_change: Callable[[], None] | None = None) -> bool:
        """Read the workbook again whenever someone else saves, checking every ``interval``
        seconds on the kernel's event loop (one number read per check).

        ``on_change`` is called after such a reload, and when a write (done or refused)
        finds someone else's save. Returns False when there is no running loop (scripts,
        tests).
        """
        self._on_change = on_change

        def check() -> None:
            if self.changed_elsewhere():
                self.reload()
                if on_change is not None:
                    on_change()

        self._watching = True
        started = every(
            interval, check, lambda: self._watching, f"watching workbook {self.workbook_id}"
        )
        self._watching = started
        return started

    def stop_watching(self) -> None:
        """Stop the checks started by :meth:`watch`."""
        self._watching = False

    def changed_elsewhere(self) -> bool:
        """Whether someone saved since this page last read the workbook (reads one number)."""
        return self.services.store.latest_version(self.workbook_id) != self.version

    def last_agreed(self, subject: Subject) -> tuple[int, str] | None:
        """(number, canonical JSON) of the version of ``subject`` agreed before the draft.

        Read once per draft: what was agreed never changes, so the answer holds until
        another version is opened.
        """
        version = self.state.agreements.get(subject)
        if version is None or version.number <= 1:
            return None
        if version.agreed and version.agreed_canonical is not None:
            return version.number, version.agreed_canonical
        key = (subject, version.number)
        if key not in self._agreed:
            self._agreed[key] = self.services.last_agreed(self.workbook_id, subject)
        return self._agreed[key]

    # --- writes: one use case each ----------------------------------------------------

    def save_objective(
        self, objective: Objective, based_on: int, reason: str = ""
    ) -> tuple[int, int]:
        """Propose ``objective`` (its ``id`` None) or change it; returns (its number, the
        version the save made). ``based_on``: the version the author's form started from."""
        if objective.id is None:
            number = self._add_objective(objective, based_on, reason)
            return number, self.version
        return objective.id, self._update_objective(objective, based_on, reason)

    def _add_objective(self, objective: Objective, based_on: int, reason: str) -> int:
        return self._write(drafting.add_objective, objective, based_on, reason)

    def _update_objective(self, objective: Objective, based_on: int, reason: str) -> int:
        number = objective.id or 0
        return self._write(drafting.update_objective, number, objective, based_on, reason)

    def remove_objective(self, number: int, reason: str = "", based_on: int | None = None) -> int:
        """Remove objective ``number``; returns the new version."""
        version = self.version if based_on is None else based_on
        return self._write(drafting.remove_objective, number, version, reason)

    def set_coverage_reason(
        self, responsibility: int, why: str, based_on: int, reason: str = ""
    ) -> int:
        """Say why ``responsibility`` has no objective (empty ``why`` clears it)."""
        return self._write(drafting.set_coverage_reason, responsibility, why, based_on, reason)

    def confirm(
        self, subject: Subject, seen_hash: str, personal_code: str = "", accept_reason: str = ""
    ) -> AgreementStatus:
        """Confirm, for the acting party, the content of ``subject`` they were shown."""
        return self._write(agreeing.confirm, subject, seen_hash, personal_code, accept_reason)

    def set_job_description(self, job: JobDescription, based_on: int, reason: str = "") -> int:
        """Set the job description; returns the new version."""
        return self._write(drafting.set_job_description, job, based_on, reason)

    def set_plan(self, plan: DevelopmentPlan, based_on: int, reason: str = "") -> int:
        """Save the development plan; returns the new version."""
        return self._write(drafting.set_plan, plan, based_on, reason)

    def save_check_in(self, check_in: CheckIn, based_on: int, reason: str = "") -> int:
        """Add a check-in (``id`` None) or change one; returns its number."""
        return self._write(following.save_check_in, check_in, based_on, reason)

    def start_review(self, based_on: int, reason: str = "") -> int:
        """Move the workbook into its review stage; returns the new version."""
        return self._write(following.start_review, based_on, reason)

    def set_review(self, review: Review, based_on: int, reason: str = "") -> int:
        """Save the review; returns the new version."""
        return self._write(following.set_review, review, based_on, reason)

    def add_note(self, text: str) -> int:
        """Add a private note only its author can see; returns its number."""
        return self._write(following.add_note, text, self.version)

    def _write(
        self,
        use_case: Callable[Concatenate[Services, int, _P], Written[_R]],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _R:
        """Run a write ``use_case`` on this workbook as the acting person; return its result.

        Afterwards ``state`` is the workbook as the write left it: the state the use
        case returns, read by it once (nothing is read again here). When someone else
        saved meanwhile (just after the write, or before a write that is refused),
        ``state`` shows what they saved and ``on_change`` (see :meth:`watch`) is called,
        so the page says so and the person reads it before going on.
        """
        try:
            made = use_case(self.services, self.workbook_id, *args, **kwargs)
        except PmwError as exc:
            self._names_for(getattr(exc, "by", ()))
            if self.changed_elsewhere():
                self.reload()
                if self._on_change is not None:
                    self._on_change()  # as when the watch finds it: the page says so
            raise
        self._show(made.state)
        if made.state.workbook.version != made.version and self._on_change is not None:
            self._on_change()  # someone saved just after this write: their save is shown
        return made.result


def every(
    interval: float, check: Callable[[], object], alive: Callable[[], bool], what: str
) -> bool:
    """Call ``check`` every ``interval`` seconds on the kernel's event loop while ``alive()``.

    A failed check is logged (as ``what`` failed) and the checks go on: a page must never
    die of a failed poll. Returns False when there is no running loop (scripts, tests).
    """
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return False
    if not loop.is_running():
        return False

    def tick() -> None:
        if not alive():
            return
        try:
            check()
        except Exception:
            log.exception("%s failed", what)
        loop.call_later(interval, tick)

    loop.call_later(interval, tick)
    return True
