"""Engines for SQLite (the embedded default) and PostgreSQL, set up for safe concurrent writes."""

from __future__ import annotations

import os
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

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
