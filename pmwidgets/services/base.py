"""What every use case shares: the acting person, access to a workbook, units of work.

:class:`ServiceBase` holds the store, the acting person and the facilitating
coach, and the checks every write goes through (see :mod:`.api` for the whole API).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..domain import agreement as agr
from ..domain.errors import (
    EditConflict,
    NotFound,
    ValidationFailed,
    describe_validation_error,
)
from ..domain.i18n import _, ngettext
from ..domain.kinds import SUBJECT_OF, RecordKind
from ..domain.merge import merge3
from ..domain.model import (
    Objective,
    Person,
    Stage,
    Workbook,
)
from ..domain.state import WorkbookState
from ..store import StaleWrite, Store, WorkbookWriter
from . import access
from .access import OPERATOR_ID as OPERATOR_ID  # the operator's id, where it always was

Clock = Callable[[], dt.datetime]
_R = TypeVar("_R")


def utc_now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


_F = TypeVar("_F", bound=Callable[..., Any])


def retry_races(fn: _F) -> _F:
    """Run a merging save again when another save lands between its read and its write.

    The save's own base version is unchanged, so the merge is simply made again against
    the newer record: a race costs a retry, not a refusal (up to three times).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(4):
            try:
                return fn(*args, **kwargs)
            except StaleWrite:
                if attempt == 3:
                    raise
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


class ServiceBase:
    """The acting person (and facilitating coach), the store, and the shared checks.

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
    verified:
        Whether ``actor_id`` was verified for this request (a signed link or session,
        the JupyterHub user, an authenticating proxy), as the web app's pages are.
        False when the person was chosen at the screen (JupyterLab): they can then
        work on the content, but confirm only with their personal code in a session
        facilitated by the workbook's coach.
    """

    def __init__(
        self,
        store: Store,
        actor_id: str,
        facilitator_id: str | None = None,
        clock: Clock = utc_now,
        verified: bool = True,
    ) -> None:
        self.store = store
        self.me: Person = store.get_person(actor_id)
        self.facilitator: Person | None = (
            store.get_person(facilitator_id) if facilitator_id else None
        )
        self.clock = clock
        self.verified = verified

    def workbook(self, workbook_id: int) -> Workbook:
        """A workbook's header, if this person (and the facilitating coach) may see it."""
        return self._readable(workbook_id, self.store.get_workbook, lambda wb: wb)

    def _readable(
        self, workbook_id: int, read: Callable[[int], _R], header: Callable[[_R], Workbook]
    ) -> _R:
        """``read(workbook_id)``, if this person (and the facilitating coach) may see the
        workbook whose ``header`` it holds; otherwise the error they may hear."""
        if not 0 < workbook_id < 2**63:  # an address can say anything; no database holds these
            raise access.hidden_workbook(self.me, workbook_id)
        try:
            found = read(workbook_id)
        except NotFound:
            raise access.hidden_workbook(self.me, workbook_id) from None
        wb = header(found)
        access.require_read(self.me, wb)
        if self.facilitator is not None:
            access.require_facilitator(self.facilitator, wb)
        return found

    # --- internals ------------------------------------------------------------------

    def _facilitator_id(self) -> str | None:
        return self.facilitator.id if self.facilitator else None

    def _at(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="microseconds")

    def _state_for_write(
        self, workbook_id: int, expected_version: int | None = None, merging: bool = False
    ) -> WorkbookState:
        access.require_content_author(self.me)
        # one read, in one snapshot: the header, the content and the agreements, for whom
        # the page reads them (so that the page's read and this one share one state)
        viewer = access.notes_viewer(self.me, self.facilitator)
        state = self._readable(
            workbook_id, lambda i: self.store.load(i, viewer_id=viewer), lambda s: s.workbook
        )
        wb = state.workbook
        if expected_version is not None and wb.version != expected_version and not merging:
            # a page that is merely out of date hears that first, not a rule it did not break
            self.store.require_version(workbook_id, expected_version)
        access.require_write(self.me, wb)
        if self.facilitator is not None:
            access.require_facilitator(self.facilitator, wb)
        if wb.stage == Stage.CLOSED:
            raise ValidationFailed(_("this workbook is closed: start the next cycle instead"))
        return state

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
        """Open the next version of an agreed ``subject``, or add ``reason`` to a draft's.

        The reasons recorded for a version then cover every change in it.
        """
        latest = state.agreements.get(subject)
        opened = agr.reopen(latest, reason)
        if opened is not None and opened is not latest:
            w.save_agreement(opened, "agreement.reopened", reason)
        elif latest is not None and agr.require_change_reason(latest, reason):
            widened = agr.with_reason(latest, reason.strip())
            if widened is not latest:
                w.save_agreement(widened, "agreement.reason_added", reason)

    def _merged(
        self,
        workbook_id: int,
        expected_version: int,
        kind: str,
        number: int | None,
        mine: Any,
        model: type[BaseModel] | None = None,
        ignore: tuple[str, ...] = (),
    ) -> tuple[WorkbookState, Any]:
        """The state to write on, and ``mine`` with what others saved since kept.

        ``expected_version`` is the version the author's form started from. When the
        workbook has moved on, record ``kind``/``number`` is merged field by field
        (:func:`~pmwidgets.domain.merge.merge3`): fields only the others changed keep
        their values, so a form re-sent with stale values reverts nothing; a field
        both changed raises :class:`EditConflict` and nothing is stored. ``model``
        validates the merged record (a merge of two valid records may break a rule).
        Fields in ``ignore`` are the service's to set (who proposed it), not merged.
        """
        mine = _without(mine, ignore)
        for _attempt in range(5):
            state = self._state_for_write(workbook_id, expected_version, merging=True)
            now = state.workbook.version
            if number is None or expected_version >= now:
                return state, mine
            then, stored, version, authors = self.store.record_history(
                workbook_id, kind, number, expected_version
            )
            if then is None and kind in _EMPTY_AT_FIRST and model is not None:
                then = model().model_dump(mode="json")  # a plan or review starts empty
            then, stored = _without(then, ignore), _without(stored, ignore)
            if version != now:
                continue  # someone saved between the two reads: read both again
            if then == stored:
                return state, mine  # nobody else touched this record
            merged, conflicts = merge3(then, mine, stored, kind)
            if conflicts:
                raise self._conflict(kind, number, merged, conflicts, now, authors)
            if model is not None and merged is not None:
                _revalidated(_validated(model, **merged))
            return state, merged
        raise StaleWrite(
            _("not saved: the workbook is changing fast (others are saving): save again"), now
        )

    def _conflict(
        self,
        kind: str,
        number: int,
        merged: Any,
        conflicts: Any,
        version: int,
        authors: Sequence[str],
    ) -> EditConflict:
        """The refusal of a save whose fields others changed too, naming who they are."""
        others = [a for a in authors if a != self.me.id] or list(authors)
        names = ", ".join(self._name(a) for a in others)
        return EditConflict(
            ngettext(
                "{names} also changed a field you changed, since you opened this: "
                "choose which to keep; nothing is saved until you do",
                "{names} also changed {n} fields you changed, since you opened this: "
                "choose which to keep; nothing is saved until you do",
                len(conflicts),
            ).format(names=names, n=len(conflicts)),
            kind,
            number,
            merged,
            conflicts,
            version,
            tuple(others),
        )

    def _name(self, person_id: str) -> str:
        try:
            return self.store.get_person(person_id).name
        except NotFound:
            return person_id

    @retry_races
    def _put(
        self,
        workbook_id: int,
        expected_version: int,
        kind: str,
        number: int,
        content: dict[str, Any],
        reason: str,
        model: type[BaseModel] | None = None,
    ) -> int:
        state, content = self._merged(workbook_id, expected_version, kind, number, content, model)
        current = state.workbook.version
        with self._unit(state, current, SUBJECT_OF[RecordKind(kind)], reason) as w:
            w.put(kind, number, content, reason)
            # the version this write makes (unchanged content stores nothing, and keeps it)
            version = w.version_made(current)
        return version


class _ReopeningUnit:
    """Context manager: a store unit of work that reopens an agreed subject before changing it."""

    def __init__(
        self,
        svc: ServiceBase,
        state: WorkbookState,
        expected: int,
        subject: agr.Subject,
        reason: str,
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
        latest = self.state.agreements.get(self.subject)
        agr.reopen(latest, self.reason)
        agr.require_change_reason(latest, self.reason)
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


#: record kinds that exist, empty, before anyone writes them: a first save of each is a
#: change from the empty record, merged like any other
_EMPTY_AT_FIRST = frozenset({"plan", "review"})


def _without(record: Any, fields: tuple[str, ...]) -> Any:
    if not fields or not isinstance(record, dict):
        return record
    return {k: v for k, v in record.items() if k not in fields}


def _raise_problems(problems: list[str]) -> None:
    if problems:
        raise ValidationFailed("; ".join(problems))


def _content(objective: Objective) -> dict[str, Any]:
    data = objective.model_dump(mode="json")
    data.pop("id", None)
    return data


def _amendments(state: WorkbookState, number: int | None) -> tuple[Any, ...]:
    if number is None:
        return ()
    return next((c.amendments for c in state.check_ins if c.id == number), ())
