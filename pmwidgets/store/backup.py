"""Backing up and restoring an SQLite database while the app runs.

Neither stops the web app:

- **backup** copies every page with SQLite's online backup API
  (``sqlite3.Connection.backup``) in one step inside one read transaction, so
  the copy is one consistent moment even while people keep saving (in WAL mode
  readers never wait for writers, nor writers for readers). The copy is written
  to a temporary file next to the destination, checked (``PRAGMA
  integrity_check``, the schema revision, and :func:`~.verify.verify`), switched
  to a single self-contained file (``journal_mode=DELETE``), flushed to disk and
  only then renamed to its name, so a half-written backup never carries it.
- **restore** refuses a file that is not a pmwidgets database of this schema,
  that fails ``integrity_check`` or that does not verify. It checks a staging
  copy of the file (so the file may change or vanish meanwhile), then, in ONE
  write transaction on the live database, keeps a copy of the database as it is
  (online backup API; no save can land between that copy and the restore, so
  every acknowledged save is in one or the other) and replaces every table by
  the staging copy's. Other connections see either the old content or the
  restored one, never a mixture, and a crash half-way leaves the old one.
  Connections of a running app keep working and read the restored content from
  their next transaction on.

PostgreSQL has its own tools: ``pg_dump -Fc`` and ``pg_restore``, then ``pmw
verify`` (see ``docs/reliability.md``). The functions here refuse a PostgreSQL
URL with a one-line message saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from .engine import is_sqlite, sqlite_path
from .errors import StoreError
from .schema import HEAD, current_revision, is_older, upgrade
from .verify import VerifyReport, verify

SQLITE_MAGIC = b"SQLite format 3\x00"
#: how long a backup or restore waits for the database lock before giving up.
BUSY_MS = 30_000
POSTGRES_BACKUP = (
    "backup and restore here work on SQLite files; for PostgreSQL use "
    "`pg_dump -Fc` and `pg_restore`, then `pmw verify` (see docs/reliability.md)"
)


@dataclass(frozen=True)
class BackupReport:
    """A backup that was written: where, and what :func:`~.verify.verify` said of it."""

    path: Path
    check: VerifyReport


@dataclass(frozen=True)
class RestoreReport:
    """A restore that was done: from where, the copy kept of the old database, the check."""

    source: Path
    kept: Path | None
    check: VerifyReport
    #: the schema the backup was at, when an older pmwidgets made it (its copy was upgraded)
    upgraded_from: str | None = None


class OtherSchema(StoreError):
    """The file is a pmwidgets database of another schema revision."""

    def __init__(self, message: str, revision: str) -> None:
        super().__init__(message)
        self.revision = revision


def _live_path(url: str) -> Path:
    if not is_sqlite(url):
        raise StoreError(POSTGRES_BACKUP)
    path = sqlite_path(url)
    if path is None:
        raise StoreError("an in-memory database cannot be backed up or restored")
    return path


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return conn


def _integrity(conn: sqlite3.Connection) -> str:
    """``ok``, or the first problem ``PRAGMA integrity_check`` reports."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "ok" if rows == [("ok",)] else str(rows[0][0])


def check_file(
    path: Path, shown: Path | None = None, *, verify_content: bool = True
) -> VerifyReport:
    """Check a pmwidgets SQLite file without changing it: integrity, schema, then verify.

    ``shown`` is the name used in messages (the file the person named, when
    ``path`` is a temporary copy of it).

    Raises
    ------
    StoreError
        The file is not an SQLite database, is damaged, or is not a pmwidgets
        database at this schema revision. A database that opens but whose
        records do not verify is reported in the returned report instead.
    """
    name = shown or path
    try:
        with path.open("rb") as f:
            magic = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{name}: {exc.strerror or 'cannot be read'}") from None
    if magic != SQLITE_MAGIC:
        raise StoreError(f"{name}: not an SQLite database")
    try:
        conn = _connect(path)
        try:
            problem = _integrity(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{name}: not a usable SQLite database ({exc})") from None
    if problem != "ok":
        raise StoreError(f"{name}: damaged (integrity_check: {problem})")
    engine = create_engine(f"sqlite:///{path}")
    try:
        revision = current_revision(engine)
        if revision is None:
            raise StoreError(f"{name}: not a pmwidgets database")
        if revision != HEAD:
            raise OtherSchema(
                f"{name}: made by a newer pmwidgets (schema {revision}; this one knows up to "
                f"{HEAD}): upgrade pmwidgets first"
                if not is_older(revision)
                else f"{name}: made by an older pmwidgets (schema {revision}; this one needs "
                f"{HEAD}): upgrade a copy first with `pmw --database sqlite:///COPY db upgrade`",
                revision,
            )
        if not verify_content:
            return VerifyReport(True, 0, 0, "not verified")
        with Session(engine) as session, session.begin():
            return verify(session)
    finally:
        engine.dispose()


def _copy(src: sqlite3.Connection, dest_path: Path) -> None:
    """Copy ``src`` into a new single-file database at ``dest_path``, flushed to disk."""
    out = _connect(dest_path)
    try:
        src.backup(out)  # pages=-1: every page in one step, one consistent snapshot
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        out.close()
    _fsync(dest_path)


def _copy_file(path: Path, dest: Path) -> None:
    """An online backup of the database at ``path`` into the new file ``dest``."""
    src = _connect(path)
    try:
        _copy(src, dest)
    finally:
        src.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def backup_database(url: str, dest: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the SQLite database at ``url`` to ``dest`` while it is in use.

    Parameters
    ----------
    url:
        The database (an SQLite URL; PostgreSQL is refused with a message
        naming ``pg_dump``).
    dest:
        The backup file to write; its folder must exist.
    overwrite:
        Replace ``dest`` if it exists (otherwise an existing file is refused).

    Returns
    -------
    BackupReport
        The file written, and the verification of its content. A database that
        does not verify is still copied exactly (the copy is the evidence); the
        report says what is broken.

    Raises
    ------
    StoreError
        PostgreSQL, no database, an existing ``dest``, or a copy that fails
        ``integrity_check`` (then nothing is left at ``dest``).
    """
    path = _live_path(url)
    if not path.exists():
        raise StoreError(f"there is no database at {path} to back up")
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise StoreError(f"{dest} already exists: choose a new file name")
    if dest.resolve() == path.resolve():
        raise StoreError(f"{dest} is the database itself: choose another file")
    if not dest.parent.is_dir():
        raise StoreError(f"{dest.parent}: no such folder")
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        src = _connect(path)
        try:
            _copy(src, partial)
        finally:
            src.close()
        try:
            check = check_file(partial, dest)
        except OtherSchema as exc:
            # an old database is still copied faithfully; it is verified after `pmw db upgrade`
            check = VerifyReport(False, 0, 0, f"not verified: {exc}")
        os.replace(partial, dest)
        _fsync_dir(dest.parent)
    except sqlite3.Error as exc:
        raise StoreError(f"backup to {dest} failed: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(dest, check)


def restore_database(url: str, source: Path) -> RestoreReport:
    """Replace the SQLite database at ``url`` by the backup ``source``, while the app runs.

    The source must be a pmwidgets database at this schema that passes
    ``integrity_check`` and verifies. Then, in ONE write transaction on the live
    database (so no save can land in between): the database as it is is copied
    next to itself as ``<name>.<time>.before-restore.bak`` (online backup API),
    and every table is replaced by the source's. Other connections see the old
    content or the restored one, never a mixture; a crash half-way leaves the old.

    Raises
    ------
    StoreError
        PostgreSQL, or a source that is missing, not a pmwidgets database,
        damaged or broken (nothing is changed then).
    """
    path = _live_path(url)
    source = Path(source)
    if not source.is_file():
        raise StoreError(f"{source}: no such file")
    if path.exists() and source.resolve() == path.resolve():
        raise StoreError(f"{source} is the database itself")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.restoring")
    staging.unlink(missing_ok=True)
    try:
        older: str | None = None
        try:
            check_file(source, verify_content=False)  # plain errors for what is no backup at all
        except OtherSchema as exc:
            if not is_older(exc.revision):
                raise
            older = exc.revision  # a backup from before an upgrade: its copy is upgraded below
        try:
            src = _connect(source)
            try:
                _copy(src, staging)
            finally:
                src.close()
        except sqlite3.Error as exc:
            raise StoreError(f"{source}: cannot be read ({exc})") from None
        if older:
            _upgrade_copy(staging)  # the staging copy only: the backup itself stays as it was
        check = check_file(staging, source)  # the copy we restore from is the one checked
        if not check.ok:
            raise StoreError(f"{source} does not verify, so it is not restored: {check.problem}")
        if not path.exists() or path.stat().st_size == 0:
            _copy_into(staging, path)
            return RestoreReport(source, None, check_file(path), older)
        kept = path.with_name(f"{path.name}.{_stamp()}.before-restore.bak")
        _replace_tables(path, staging, kept)
        return RestoreReport(source, kept, check_file(path), older)
    except sqlite3.Error as exc:
        raise StoreError(f"restore from {source} failed: {exc}") from None
    finally:
        staging.unlink(missing_ok=True)


def _upgrade_copy(staging: Path) -> None:
    """Upgrade the staging copy of an older backup to this pmwidgets' schema."""
    url = f"sqlite:///{staging}"
    engine = create_engine(url)
    try:
        upgrade(engine, url, backup=False)
    finally:
        engine.dispose()


def _copy_into(staging: Path, path: Path) -> None:
    """A new database at ``path``: the staging copy, in WAL mode."""
    live = _connect(path)
    try:
        live.execute("PRAGMA journal_mode=WAL")
        staged = _connect(staging)
        try:
            staged.backup(live)
        finally:
            staged.close()
    finally:
        live.close()


def _replace_tables(path: Path, staging: Path, kept: Path) -> None:
    """Keep a copy of the live database and replace its tables, in one write transaction."""
    live = _connect(path)
    try:
        live.execute("ATTACH DATABASE ? AS staged", (str(staging),))
        names = [
            r[0]
            for r in live.execute(
                "SELECT name FROM main.sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        staged_names = {
            r[0]
            for r in live.execute(
                "SELECT name FROM staged.sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%'"
            )
        }
        if set(names) != staged_names:
            raise StoreError(f"{kept.name}: the backup's tables differ from the database's")
        live.execute("PRAGMA foreign_keys=OFF")
        live.execute("BEGIN IMMEDIATE")  # from here on no one else can save
        try:
            # the database as it is now, every acknowledged save in it: read by a second
            # connection (a connection that holds the write lock cannot be a backup source)
            _copy_file(path, kept)
            for name in names:
                columns = ", ".join(
                    f'"{r[1]}"' for r in live.execute(f'PRAGMA main.table_info("{name}")')
                )
                live.execute(f'DELETE FROM main."{name}"')
                live.execute(
                    f'INSERT INTO main."{name}" ({columns}) SELECT {columns} FROM staged."{name}"'
                )
            problem = _integrity(live)
            if problem != "ok":  # pragma: no cover - would be an SQLite bug
                raise StoreError(f"the restored database fails integrity_check: {problem}")
            live.execute("COMMIT")
        except BaseException:
            live.execute("ROLLBACK")
            raise
        live.execute("DETACH DATABASE staged")
    finally:
        live.close()
