"""A person's own settings (migration 0004), on SQLite and PostgreSQL; first visits."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import add_people, migrate
from sqlalchemy import create_engine

from pmwidgets.services import Services
from pmwidgets.store import MissingEntry, Store
from pmwidgets.store.schema import HEAD, current_revision
from pmwidgets.store.settings import put_setting, settings_of

T = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def test_a_setting_is_added_replaced_and_kept_per_person(store: Store) -> None:
    add_people(store)
    assert settings_of(store, "emp") == {}
    put_setting(store, "emp", "seen:02_objectives", "2026-12-07", T)
    put_setting(store, "emp", "seen:02_objectives", "2026-12-08", T)  # replaced, not doubled
    put_setting(store, "boss", "seen:01_job_description", "2026-12-07", T)
    assert settings_of(store, "emp") == {"seen:02_objectives": "2026-12-08"}
    assert settings_of(store, "boss") == {"seen:01_job_description": "2026-12-07"}
    with pytest.raises(MissingEntry):
        put_setting(store, "nobody", "seen:x", "1", T)
    assert settings_of(store, "nobody") == {}
    assert store.verify().ok  # operational: the event chain is untouched


def test_a_first_visit_is_first_once_for_the_person_on_any_device(store: Store) -> None:
    add_people(store)
    first = Services(store, "emp")
    assert first.first_visit("02_objectives") is True
    assert first.first_visit("02_objectives") is False
    assert Services(store, "emp").first_visit("02_objectives") is False  # another page
    assert Services(store, "boss").first_visit("02_objectives") is True  # someone else's first
    assert Services.operator(store).first_visit("02_objectives") is False


def test_a_0003_database_is_upgraded_to_hold_settings(db_url: str) -> None:
    with Store(db_url) as s:
        add_people(s)
    migrate(db_url, "downgrade", "0003")
    engine = create_engine(db_url)
    try:
        assert current_revision(engine) == "0003"
        with engine.connect() as conn:
            assert not conn.dialect.has_table(conn, "person_settings")
    finally:
        engine.dispose()
    with Store(db_url, create=False, check_schema=False) as s:
        s.upgrade()
    with Store(db_url, create=False) as s:
        assert current_revision(s.engine) == HEAD
        put_setting(s, "emp", "seen:02_objectives", "2026-12-07", T)
        assert settings_of(s, "emp") == {"seen:02_objectives": "2026-12-07"}
    migrate(db_url, "downgrade", "0003")  # and back: the table goes, nothing else
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert not conn.dialect.has_table(conn, "person_settings")
            assert conn.dialect.has_table(conn, "web_sessions")
    finally:
        engine.dispose()
