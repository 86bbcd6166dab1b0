"""Engines for SQLite (the embedded default) and PostgreSQL, set up for safe concurrent writes."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_VAR = "PMW_DATABASE_URL"


def default_url() -> str:
    """``PMW_DATABASE_URL``, or an SQLite file in the user's data folder."""
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    import platformdirs

    folder = Path(platformdirs.user_data_dir("pmwidgets", appauthor=False))
    return f"sqlite:///{folder / 'pmwidgets.sqlite3'}"


def is_sqlite(url: str) -> bool:
    """Whether the URL names an SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (None for in-memory or other databases)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engines(url: str) -> tuple[Engine, Engine]:
    """A (read, write) pair of engines for ``url``.

    On SQLite the write engine starts every transaction with ``BEGIN IMMEDIATE``,
    so two writers queue on the database lock instead of failing half-way; the
    read engine uses ordinary deferred transactions. The file is in WAL mode, so
    readers never wait for a writer. PostgreSQL uses one engine for both, and
    writes serialise on a row lock of the event chain's head.
    """
    if not is_sqlite(url):
        u = make_url(url)
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        engine = create_engine(u, pool_pre_ping=True)
        return engine, engine
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    read = _sqlite_engine(url, immediate=False)
    write = _sqlite_engine(url, immediate=True)
    return read, write


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30})
    checkpoint_here = immediate and sqlite_path(url) is not None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if checkpoint_here:  # a Checkpointer does it off the commit path (see below)
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def advance_sequences(conn: Any, tables: tuple[str, ...]) -> None:
    """Move PostgreSQL's id sequences of ``tables`` past their rows (nothing elsewhere).

    Rows inserted with ids given (a restored workbook keeping its number, a bulk
    load) leave a serial sequence behind, and the next ordinary insert would take
    an id already in use. SQLite takes the largest id plus one by itself.
    """
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        )


#: commits between two checkpoints of the write-ahead log (about 10 pages each).
CHECKPOINT_EVERY = 32


class Checkpointer:
    """Copies an SQLite file's write-ahead log back into the file, on a thread of its own.

    Left to itself SQLite does this inside the commit that takes the log past 1,000
    pages: about one write in a hundred then waits for a thousand pages to be copied
    and the file synced (the p99 of a write). The store's write connections turn that
    off, and call :meth:`committed` after each commit: every :data:`CHECKPOINT_EVERY`
    commits a PASSIVE checkpoint (which never blocks readers or writers) runs on a
    thread, one at a time. :meth:`run` does one at once (after a bulk load, and when
    the store closes), so the log never grows past one process's writes.
    """

    def __init__(self, path: Path, every: int = CHECKPOINT_EVERY) -> None:
        self.path = path
        self.every = max(1, every)
        self._commits = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: checkpoints started in the background so far.
        self.started = 0

    def committed(self) -> None:
        """Count a commit; start a checkpoint in the background every so many."""
        with self._lock:
            self._commits += 1
            if self._commits % self.every or (self._thread and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self.run, name="pmw-checkpoint", daemon=True)
            self._thread.start()
            self.started += 1

    def run(self) -> tuple[int, int] | None:
        """One PASSIVE checkpoint now: (pages in the log, pages copied), or None if it failed."""
        if not self.path.exists():
            return None  # connecting would create an empty database there
        try:
            conn = sqlite3.connect(self.path, timeout=30)
            try:
                _busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                conn.close()
        except (sqlite3.Error, OSError):
            return None  # the next one will try again; SQLite also checkpoints on the last close
        return int(log), int(copied)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a checkpoint running in the background, if any."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
