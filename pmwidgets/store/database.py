"""The connections and transactions under :class:`~.store.Store`, and its cache.

A :class:`Database` opens the engines, hands out read snapshots and write
transactions, keeps the store's one cache of workbooks (:mod:`.cache`), and
checkpoints an SQLite file's log off the commit path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .cache import WorkbookCache
from .engine import Checkpointer, default_url, make_engines, sqlite_path
from .errors import InvalidEntry, StoreError
from .rows import short_error
from .schema import ensure_schema


class Database:
    """The engines, transactions and cache of one :class:`~.store.Store`."""

    def __init__(
        self, url: str | None = None, *, create: bool = True, check_schema: bool = True
    ) -> None:
        self.url = url or default_url()
        try:
            self._read_engine, self._write_engine = make_engines(self.url)
        except (OSError, ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open the database {self.url}: {exc}") from None
        self._read = sessionmaker(self._read_engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        #: what was last read or written of each workbook (see :mod:`.cache`).
        self.cache = WorkbookCache()
        path = sqlite_path(self.url)
        #: copies the SQLite log back into the file off the commit path (None elsewhere).
        self.checkpoints = Checkpointer(path) if path is not None else None
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

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session with one consistent snapshot."""
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def reading_core(self) -> Iterator[Connection]:
        """A read-only connection with one consistent snapshot, for SQLAlchemy Core queries.

        What a page reads on every change goes through here: the ORM's sessions cost
        more than the few indexed queries they run.
        """
        with self._read_engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def peeking(self) -> Iterator[Connection]:
        """A connection for one statement, outside any transaction (one indexed row)."""
        with self._read_engine.connect() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on error."""
        try:
            with self._write() as session, session.begin():
                yield session
        except IntegrityError as exc:
            raise InvalidEntry(f"the database refused the change: {short_error(exc)}") from None
        if self.checkpoints is not None:
            self.checkpoints.committed()
