"""The connections and transactions under :class:`~.store.Store`, and its cache.

A :class:`Database` opens the engines, hands out read snapshots and write
transactions, keeps the store's one cache of workbooks (:mod:`.cache`), and
checkpoints an SQLite file's log off the commit path.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.model import Person, Workbook
from .appending import forget_tail, start_load, store_events
from .cache import Cached, WorkbookCache
from .engine import Checkpointer, default_url, make_engines, sqlite_path
from .errors import InvalidEntry, StoreError
from .models import PersonRow, WorkbookRow
from .rows import Unchanged, short_error, workbook_from_row
from .schema import ensure_schema


class Database:
    """The engines, transactions and cache of one :class:`~.store.Store`."""

    def __init__(
        self, url: str | None = None, *, create: bool = True, check_schema: bool = True
    ) -> None:
        self.url = url or default_url()
        path = sqlite_path(self.url)
        if not create and path is not None and not path.exists():
            # opening would make an empty file: a mistyped path must not look like a database
            raise StoreError(f"no database at {path}")
        try:
            self._read_engine, self._write_engine = make_engines(self.url)
        except (OSError, ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open the database {self.url}: {exc}") from None
        self._read = sessionmaker(self._read_engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        #: what was last read or written of each workbook (see :mod:`.cache`).
        self.cache = WorkbookCache()
        #: copies the SQLite log back into the file off the commit path (None elsewhere).
        self.checkpoints = Checkpointer(path) if path is not None else None
        #: the open bulk load (see :meth:`bulk`).
        self._bulk: BulkLoad | None = None
        if not check_schema:
            return
        try:
            ensure_schema(self._write_engine, self.url, create=create)
        except OperationalError as exc:
            raise StoreError(f"cannot open the database {self.url}: {exc.orig}") from None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections (checkpointing an SQLite file's log first)."""
        if self.checkpoints is not None:
            self.checkpoints.wait()
            self.checkpoints.run()
        self._read_engine.dispose()
        if self._write_engine is not self._read_engine:
            self._write_engine.dispose()

    @property
    def engine(self) -> Engine:
        """The write engine (for maintenance tools such as backup and verify)."""
        return self._write_engine

    def _load_here(self) -> BulkLoad | None:
        """The bulk load this thread has open, if any (see :meth:`bulk`)."""
        load = self._bulk
        return load if load is not None and load.thread == threading.get_ident() else None

    def _bulk_session(self) -> Session | None:
        """The bulk load's session, when this thread has one open (StoreError if it failed)."""
        load = self._load_here()
        return None if load is None else load.usable()

    def _known(self, workbook_id: int) -> Cached | None:
        """What is cached of the workbook, inside a bulk load (where it is the latest)."""
        return self.cache.current(workbook_id) if self._bulk_session() is not None else None

    def _made(self, row: WorkbookRow) -> Workbook:
        """The header of a workbook just added; a bulk load of this thread notes that it
        made it (so it knows every row of it: see :class:`~.appending.LoadMemory`)."""
        if (load := self._load_here()) is not None:
            load.memory.created.add(row.id)
        return workbook_from_row(row)

    def _known_person(self, person_id: str) -> Person | None:
        """Someone this thread's bulk load added or read (people never change)."""
        load = self._load_here()
        return None if load is None else load.people.get(person_id)

    def _remember_person(self, person: Person) -> None:
        """Keep ``person`` for the rest of this thread's bulk load, if one is open."""
        if (load := self._load_here()) is not None:
            load.people[person.id] = person

    def _person_exists(self, session: Session, person_id: str) -> bool:
        """Whether ``person_id`` is someone, asked in ``session``'s transaction."""
        if self._known_person(person_id) is not None:
            return True
        return session.get(PersonRow, person_id) is not None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session with one consistent snapshot."""
        if (bulk := self._bulk_session()) is not None:
            store_events(bulk)  # what the load wrote so far: no other connection sees it yet
            yield bulk
            return
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def reading_core(self) -> Iterator[Connection]:
        """A read-only connection with one consistent snapshot, for SQLAlchemy Core queries.

        What a page reads on every change goes through here: the ORM's sessions cost
        more than the few indexed queries they run.
        """
        if (bulk := self._bulk_session()) is not None:
            store_events(bulk)
            yield bulk.connection()
            return
        with self._read_engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def peeking(self) -> Iterator[Connection]:
        """A connection for one statement, outside any transaction (one indexed row)."""
        if (bulk := self._bulk_session()) is not None:
            yield bulk.connection()
            return
        with self._read_engine.connect() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on error.

        The events appended in it are stored when the block ends (see :mod:`.appending`).
        In a bulk load the block is a part of the load's transaction instead (see
        :meth:`bulk`).
        """
        if (bulk := self._load_here()) is not None:
            with bulk.unit():
                yield bulk.session
            return
        try:
            with self._write() as session, session.begin():
                yield session
                store_events(session)
        except IntegrityError as exc:
            raise InvalidEntry(f"the database refused the change: {short_error(exc)}") from None
        if self.checkpoints is not None:
            self.checkpoints.committed()

    @contextmanager
    def bulk(self, batch: int = 250) -> Iterator[BulkLoad]:
        """Many units of work in few transactions, for one builder (a large organisation).

        Inside the block every write of this thread through the store is a part of one
        long transaction, and its reads see what was written so far; the store's checks,
        events and hash chain are those of any write, and what it wrote last is not read
        again (nobody else can write meanwhile). :meth:`BulkLoad.done` counts finished
        pieces (workbooks, say) and commits every ``batch`` of them; the rest is committed
        when the block ends. Any error in a write rolls back everything since the last
        commit and ends the load: a later write in the block is refused. Other
        connections wait for the write lock until each commit.
        """
        if self._bulk is not None:
            raise StoreError("a bulk load is open on this store already")
        load = BulkLoad(self, max(1, batch))
        self._bulk = load
        try:
            yield load
            load.commit(last=True)
        except BaseException:
            load.abandon()
            raise
        finally:
            self._bulk = None
            load.session.close()
        if self.checkpoints is not None:
            self.checkpoints.run()  # many pages at once: copy them back now


class BulkLoad:
    """The open transaction of :meth:`Database.bulk`, for the thread that opened it."""

    def __init__(self, database: Database, batch: int) -> None:
        self._database = database
        self.batch = batch
        self.thread = threading.get_ident()
        self.session = database._write(expire_on_commit=False)
        self.session.begin()
        #: what the load wrote, which its writer does not read back.
        self.memory = start_load(self.session)
        #: everyone the load added or looked up, by id.
        self.people: dict[str, Person] = {}
        self._pieces = 0
        self._failed = False
        #: commits made so far.
        self.commits = 0

    def usable(self) -> Session:
        """The load's session, unless a write in it failed (StoreError)."""
        if self._failed:
            raise StoreError(
                "the bulk load stopped at an error: nothing since its last commit was stored"
            )
        return self.session

    @contextmanager
    def unit(self) -> Iterator[None]:
        """One write of the load; an error in it rolls back the load since its last commit."""
        self.usable()
        try:
            yield
        except Unchanged:
            raise  # the unit wrote nothing (see Store.write)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Roll back everything since the last commit; the load takes no more writes."""
        if self._failed:
            return
        self._failed = True
        self.session.rollback()
        forget_tail(self.session)
        self._database.cache.clear()  # it may hold what was rolled back

    def done(self, pieces: int = 1) -> None:
        """Count finished pieces; commit once a batch of them is written."""
        self._pieces += pieces
        if self._pieces >= self.batch:
            self.commit()

    def commit(self, last: bool = False) -> None:
        """Commit what is written so far, and go on in a new transaction unless ``last``."""
        self.usable()
        try:
            store_events(self.session)
            self.session.commit()
        except IntegrityError as exc:
            self.abandon()
            raise InvalidEntry(f"the database refused the change: {short_error(exc)}") from None
        forget_tail(self.session)  # another writer may append before our next event
        self._pieces = 0
        self.commits += 1
        if not last:
            self.session.begin()
        if self._database.checkpoints is not None:
            self._database.checkpoints.committed()
