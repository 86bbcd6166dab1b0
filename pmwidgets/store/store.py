"""The store: one class, one transaction per write, every write an event."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select

from ..domain.agreement import canonical_json
from ..domain.model import (
    JobDescription,
    Person,
    Workbook,
)
from ..domain.state import WorkbookState
from . import history
from .appending import append_event, utc_now
from .backup import BackupReport, RestoreReport, backup_database, restore_database
from .cache import read_content, read_header
from .database import Database
from .engine import advance_sequences
from .errors import InvalidEntry, MissingEntry
from .models import (
    EventRow,
    JobRow,
    PersonRow,
    WorkbookRow,
)
from .rows import (
    Event,
    Unchanged,
    event_from_row,
    open_unit,
    person_from_row,
    stale_write,
    workbook_from_row,
)
from .schema import upgrade
from .snapshots import job_snapshot, person_snapshot, workbook_snapshot
from .transfer import dump_workbook, restore_workbook
from .verify import VerifyReport, verify
from .writer import WorkbookHead, WorkbookWriter, require_workbook

_PERSON = select(PersonRow.__table__).where(PersonRow.id == bindparam("person_id"))
_ALL_WORKBOOKS = select(WorkbookRow.__table__).order_by(WorkbookRow.id)
_WORKBOOKS_OF = _ALL_WORKBOOKS.where(
    or_(*(column == bindparam("person_id") for column in (
        WorkbookRow.employee_id, WorkbookRow.manager_id, WorkbookRow.coach_id
    )))
)  # fmt: skip


class Store(Database):
    """The one door to the database.

    Use it as a context manager. Reads return immutable domain objects; writes
    happen in one transaction each and append one event per change.

    Examples
    --------
    >>> with Store("sqlite:///:memory:") as store:  # doctest: +SKIP
    ...     store.add_person(Person(id="ana", name="Ana"), actor_id="ana")
    """

    @staticmethod
    def _header(conn: Connection, workbook_id: int, keyed: bool = False) -> WorkbookHead:
        header = read_header(conn, workbook_id, keyed)
        if header is None:
            raise MissingEntry(f"workbook {workbook_id} does not exist")
        return header

    # --- people ---------------------------------------------------------------

    def add_person(self, person: Person, actor_id: str, reason: str = "") -> Person:
        """Add a person; their id must be new.

        Parameters
        ----------
        person:
            The person to add.
        actor_id:
            Who adds them (recorded in the event log).
        """
        with self.writing() as s:
            if s.get(PersonRow, person.id) is not None:
                raise InvalidEntry(f"person {person.id} already exists")
            if person.manager_id and not self._person_exists(s, person.manager_id):
                raise InvalidEntry(f"manager {person.manager_id} does not exist")
            row = PersonRow(
                id=person.id,
                name=person.name,
                email=person.email,
                roles=",".join(r.value for r in person.roles),
                manager_id=person.manager_id,
            )
            s.add(row)
            s.flush()
            append_event(
                s, actor_id=actor_id, action="person.added", entity="person",
                entity_key=row.id, before=None, after=person_snapshot(row), reason=reason,
            )  # fmt: skip
        self._remember_person(person)
        return person

    def get_person(self, person_id: str) -> Person:
        """The person with this id, or MissingEntry."""
        if (known := self._known_person(person_id)) is not None:
            return known
        with self.peeking() as conn:  # one row by its key: no snapshot needed
            row = conn.execute(_PERSON, {"person_id": person_id}).first()
            if row is None:
                raise MissingEntry(f"no person with id {person_id!r}")
            person = person_from_row(row)
        self._remember_person(person)
        return person

    def find_people(self) -> list[Person]:
        """Everyone, by id."""
        with self.reading() as s:
            return [
                person_from_row(r)
                for r in s.execute(select(PersonRow).order_by(PersonRow.id)).scalars()
            ]

    # --- job description library --------------------------------------------

    def add_job(self, job: JobDescription, actor_id: str, reason: str = "") -> int:
        """Add a job description to the library; returns its id."""
        with self.writing() as s:
            row = JobRow(
                title=job.title,
                source=job.source,
                content=canonical_json(job.model_dump(mode="json")),
            )
            s.add(row)
            s.flush()
            append_event(
                s, actor_id=actor_id, action="job.added", entity="job",
                entity_key=str(row.id), before=None, after=job_snapshot(row), reason=reason,
            )  # fmt: skip
            return row.id

    def get_job(self, job_id: int) -> JobDescription:
        """A library job description, or MissingEntry."""
        with self.reading() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                raise MissingEntry(f"no job description with id {job_id}")
            return JobDescription.model_validate_json(row.content)

    def find_jobs(self, query: str = "", limit: int = 50) -> list[tuple[int, str, str]]:
        """Library entries whose title contains ``query``: (id, title, source)."""
        with self.reading() as s:
            stmt = (
                select(JobRow.id, JobRow.title, JobRow.source).order_by(JobRow.title).limit(limit)
            )
            if query.strip():
                pattern = (
                    query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                )
                stmt = stmt.where(JobRow.title.ilike(f"%{pattern}%", escape="\\"))
            return [(i, t, src) for i, t, src in s.execute(stmt)]

    # --- workbooks --------------------------------------------------------------

    def add_workbook(
        self,
        workbook: Workbook,
        actor_id: str,
        facilitator_id: str | None = None,
        reason: str = "",
        at: str | None = None,
    ) -> Workbook:
        """Create a workbook (at version 1); returns it with its id."""
        with self.writing() as s:
            for pid in (workbook.employee_id, workbook.manager_id, workbook.coach_id):
                if pid is not None and not self._person_exists(s, pid):
                    raise InvalidEntry(f"person {pid} does not exist")
            row = WorkbookRow(
                employee_id=workbook.employee_id,
                manager_id=workbook.manager_id,
                coach_id=workbook.coach_id,
                cycle_start=workbook.cycle_start,
                cycle_end=workbook.cycle_end,
                stage=workbook.stage.value,
                version=1,
                updated_at=at or utc_now(),
            )
            if workbook.id is not None:
                if s.get(WorkbookRow, workbook.id) is not None:
                    raise InvalidEntry(f"workbook {workbook.id} already exists")
                row.id = workbook.id
            s.add(row)
            s.flush()
            append_event(
                s, actor_id=actor_id, facilitator_id=facilitator_id, action="workbook.created",
                entity="workbook", entity_key=str(row.id), before=None,
                after=workbook_snapshot(row), reason=reason, workbook_id=row.id, workbook_version=1,
                at=at,
            )  # fmt: skip
            return self._made(row)

    def get_workbook(self, workbook_id: int) -> Workbook:
        """The workbook's header (people, cycle, stage, version), or MissingEntry."""
        if (known := self._known(workbook_id)) is not None:
            return workbook_from_row(known.header)
        with self.reading_core() as conn:
            return workbook_from_row(self._header(conn, workbook_id))

    def find_workbooks(self, person_id: str | None = None) -> list[Workbook]:
        """All workbooks, or those in which ``person_id`` is employee, manager or coach."""
        with self.reading_core() as conn:  # built once (a bulk load asks once per workbook)
            if person_id is None:
                rows = conn.execute(_ALL_WORKBOOKS)
            else:
                rows = conn.execute(_WORKBOOKS_OF, {"person_id": person_id})
            return [workbook_from_row(r) for r in rows]

    def load(self, workbook_id: int, viewer_id: str | None) -> WorkbookState:
        """Everything in one workbook, read in one snapshot.

        Private notes are included only when ``viewer_id`` wrote them. When the
        workbook's header is the one this store last read or wrote, only the header is
        read (see :mod:`.cache`); the state returned is then the same object as before,
        which is immutable. Inside a bulk load, what is cached is the latest: nothing
        is read.
        """
        if (known := self._known(workbook_id)) is not None:
            return self.cache.state(known, viewer_id)
        with self.reading_core() as conn:
            header = self._header(conn, workbook_id, keyed=True)
            cached = self.cache.get(header)
            if cached is None:  # changed since it was last read or written here: read it all
                cached = read_content(conn, header)
                self.cache.put(cached)
        return self.cache.state(cached, viewer_id)

    @contextmanager
    def write(
        self,
        workbook_id: int,
        expected_version: int | None,
        actor_id: str,
        facilitator_id: str | None = None,
        at: str | None = None,
    ) -> Iterator[WorkbookWriter]:
        """A unit of work on one workbook, refused if the workbook moved on.

        Parameters
        ----------
        workbook_id:
            The workbook to change.
        expected_version:
            The version the caller's data was read at; if the workbook has
            changed since, :class:`StaleWrite` says what changed and nothing is
            stored. ``None`` skips the check (imports, the demo builder).
        actor_id, facilitator_id:
            Who makes the change, and the coach facilitating, if any.
        """
        try:
            with self.writing() as s:
                known = self._known(workbook_id)
                writer = open_unit(
                    s, workbook_id, expected_version, actor_id, facilitator_id, at, known
                )
                yield writer
                if writer.changes == 0:
                    raise Unchanged  # nothing to record, and no new version
                writer.finish()
        except Unchanged:
            return
        self.cache.written(writer)  # committed: the next read of it needs its header only

    @contextmanager
    def write_batch(
        self,
        units: Sequence[tuple[int, int | None]],
        actor_id: str,
        facilitator_id: str | None = None,
        at: str | None = None,
    ) -> Iterator[dict[int, WorkbookWriter]]:
        """Units of work on several workbooks in ONE transaction: all are stored, or none.

        ``units`` holds (workbook id, expected version) pairs; each is checked as
        in :meth:`write`. Used for imports that must not be stored half-way.
        """
        with self.writing() as s:
            writers = {
                wb_id: open_unit(s, wb_id, expected, actor_id, facilitator_id, at)
                for wb_id, expected in units
            }
            yield writers
            for writer in writers.values():
                writer.finish()

    # --- events -----------------------------------------------------------------

    def events(self, workbook_id: int | None = None, after_seq: int = 0) -> list[Event]:
        """The event log, oldest first: all of it, or one workbook's."""
        with self.reading() as s:
            stmt = select(EventRow).where(EventRow.seq > after_seq).order_by(EventRow.seq)
            if workbook_id is not None:
                stmt = stmt.where(EventRow.workbook_id == workbook_id)
            return [event_from_row(r) for r in s.execute(stmt).scalars()]

    def contributions(self, workbook_id: int) -> tuple[Workbook, list[tuple[str, str, int]]]:
        """The workbook's header, and how many record events each person wrote, by action.

        One snapshot; returns ``(header, [(action, actor_id, count), ...])``. Counted in
        the database through the covering index ``ix_events_participation``: no event's
        content is read (a workbook's log grows with every save).
        """
        with self.reading_core() as conn:
            wb = workbook_from_row(self._header(conn, workbook_id))
            return wb, history.contributions(conn, workbook_id)

    def last_agreed(
        self, workbook_id: int, subject: str
    ) -> tuple[Workbook, tuple[int, str] | None]:
        """The workbook's header, and (number, canonical JSON) of the latest version of
        ``subject`` that both agreed, if there is one.

        An agreed version is frozen (its row can no longer change, and ``verify`` checks
        it against its ``agreement.agreed`` event), so this is what the event log says,
        read from one indexed row instead of the whole log.
        """
        with self.reading_core() as conn:
            wb = workbook_from_row(self._header(conn, workbook_id))
            return wb, history.last_agreed(conn, workbook_id, subject)

    def require_version(self, workbook_id: int, expected_version: int) -> None:
        """Raise :class:`StaleWrite`, naming what changed, unless the workbook is at that version."""
        with self.reading() as s:
            wb = require_workbook(s, workbook_id)
            if wb.version != expected_version:
                raise stale_write(s, wb, expected_version)

    def record_history(
        self, workbook_id: int, kind: str, number: int, since: int
    ) -> tuple[Any, Any, int, tuple[str, ...]]:
        """A record as it was at version ``since`` and as it is now, for a three-way merge.

        Returns ``(then, now, version, authors)``: the record's content at workbook
        version ``since`` and now (None where it did not exist or was removed), the
        workbook's version now, and who changed the record after ``since``, in order.
        Read from the event log (each event records the version its write made), in
        one snapshot.
        """
        with self.reading_core() as conn:
            return history.record_history(conn, workbook_id, kind, number, since)

    def latest_version(self, workbook_id: int) -> int:
        """The workbook's current version (cheap: for polling by open pages)."""
        with self.peeking() as conn:  # one indexed row: no ORM session needed
            version = conn.execute(
                select(WorkbookRow.version).where(WorkbookRow.id == workbook_id)
            ).scalar_one_or_none()
        if version is None:
            raise MissingEntry(f"workbook {workbook_id} does not exist")
        return int(version)

    def verify(
        self, workbook_id: int | None = None, noted_head: tuple[int, str] | None = None
    ) -> VerifyReport:
        """Recompute the event chain and check every row against it (see :mod:`.verify`)."""
        with self.reading() as s:
            return verify(s, workbook_id, noted_head)

    def backup(self, dest: Path, overwrite: bool = False) -> BackupReport:
        """Copy an SQLite database to ``dest`` while it is in use (see :mod:`.backup`)."""
        return backup_database(self.url, dest, overwrite=overwrite)

    def restore(self, source: Path) -> RestoreReport:
        """Replace the SQLite database by the backup ``source``, keeping the old one (see :mod:`.backup`)."""
        self.cache.clear()
        return restore_database(self.url, source)

    def upgrade(self) -> Path | None:
        """Upgrade the schema to the newest revision, backing up an SQLite file first."""
        return upgrade(self._write_engine, self.url)

    def dump_workbook(self, workbook_id: int, private_for: str | None) -> dict[str, Any]:
        """One workbook with its whole history, as plain data (see :mod:`.transfer`)."""
        with self.reading() as s:
            return dump_workbook(s, workbook_id, private_for)

    def restore_workbook(self, data: dict[str, Any], actor_id: str) -> int:
        """Restore a dump made by :meth:`dump_workbook`; all or nothing. Returns the workbook id."""
        with self.writing() as s:
            wb_id = restore_workbook(s, data, actor_id)
            advance_sequences(s.connection(), ("workbooks",))  # it may keep its number
            return wb_id

    def person_names(self) -> dict[str, str]:
        """Names by person id, for showing events."""
        with self.reading() as s:
            return {pid: name for pid, name in s.execute(select(PersonRow.id, PersonRow.name))}
