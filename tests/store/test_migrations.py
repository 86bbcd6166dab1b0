"""Migrations: each revision upgrades and downgrades on SQLite and PostgreSQL, and the
newest one gives exactly the schema of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import migrate
from sqlalchemy import create_engine, inspect

from pmwidgets.store.models import Base
from pmwidgets.store.schema import HEAD, current_revision


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {i["name"] or "" for i in inspect(conn).get_indexes("events")}
    finally:
        engine.dispose()


def test_each_revision_up_and_down_and_the_head_matches_the_models(db_url: str) -> None:
    migrate(db_url, "upgrade", "0001")
    assert "ix_events_participation" not in _indexes(db_url)
    migrate(db_url, "upgrade", "head")
    assert "ix_events_participation" in _indexes(db_url)
    engine = create_engine(db_url)
    try:
        assert current_revision(engine) == HEAD
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert differences == []
    finally:
        engine.dispose()
    migrate(db_url, "downgrade", "0001")
    assert "ix_events_participation" not in _indexes(db_url)
    migrate(db_url, "upgrade", "head")
    assert "ix_events_participation" in _indexes(db_url)
