"""Creating and upgrading the schema with alembic; SQLite files are backed up first."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from .engine import sqlite_path
from .errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: the newest revision; bump it with each new migration.
HEAD = "0005"
#: every revision this pmwidgets knows, oldest first (from the migrations' file names)
REVISIONS = tuple(sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("0*.py")))


def is_older(revision: str | None) -> bool:
    """Whether ``revision`` is one this pmwidgets can upgrade from (known, and not the newest)."""
    return revision in REVISIONS and revision != HEAD


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine, url: str, *, create: bool = True) -> None:
    """Create the schema in an empty database; refuse one that needs an upgrade."""
    revision = current_revision(engine)
    if revision == HEAD:
        return
    if revision is None and create:
        upgrade(engine, url, backup=False)
        return
    raise SchemaOutOfDate(
        f"the database at {url} is at schema {revision or 'none'}, this pmwidgets needs {HEAD}: "
        "run `pmw db upgrade`"
    )


def upgrade(engine: Engine, url: str, *, backup: bool = True) -> Path | None:
    """Upgrade the schema to the newest revision; returns the backup file, if one was made."""
    from alembic import command
    from alembic.config import Config

    saved = backup_sqlite(url) if backup else None
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return saved


def backup_sqlite(url: str, dest: Path | None = None) -> Path | None:
    """Copy an SQLite database with the online backup API (safe while it is in use)."""
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    if dest is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        dest = path.with_name(f"{path.name}.{stamp}.bak")
    src = sqlite3.connect(path)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    return dest
