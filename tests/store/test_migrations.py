"""Migrations: each revision upgrades and downgrades on SQLite and PostgreSQL, and the
newest one gives exactly the schema of the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from pmwidgets.store.models import Base
from pmwidgets.store.schema import HEAD, MIGRATIONS, current_revision


def _migrate(url: str, direction: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)
    finally:
        engine.dispose()


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {i["name"] or "" for i in inspect(conn).get_indexes("events")}
    finally:
        engine.dispose()


def test_each_revision_up_and_down_and_the_head_matches_the_models(db_url: str) -> None:
    _migrate(db_url, "upgrade", "0001")
    assert "ix_events_participation" not in _indexes(db_url)
    _migrate(db_url, "upgrade", "head")
    assert "ix_events_participation" in _indexes(db_url)
    engine = create_engine(db_url)
    try:
        assert current_revision(engine) == HEAD
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert differences == []
    finally:
        engine.dispose()
    _migrate(db_url, "downgrade", "0001")
    assert "ix_events_participation" not in _indexes(db_url)
    _migrate(db_url, "upgrade", "head")
    assert "ix_events_participation" in _indexes(db_url)
