"""The organisation's settings (migration 0005): how it writes a date, set by an admin,
read by every page and command that opens the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from helpers import add_people, migrate
from sqlalchemy import create_engine

from pmwidgets.domain import i18n
from pmwidgets.domain.errors import NotAllowed, ValidationFailed
from pmwidgets.services import Services, open_store
from pmwidgets.store import Store
from pmwidgets.store.schema import current_revision
from pmwidgets.store.settings import organisation_settings, put_organisation_setting

T = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def no_order_set(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from no organisation order, with no override and a locale that
    says nothing of dates (C.UTF-8; emptying LANG would also change how a PostgreSQL
    server started here encodes its text)."""
    monkeypatch.delenv("PMW_DATE_ORDER", raising=False)
    monkeypatch.delenv("LC_TIME", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    i18n.set_date_order(None)
    yield
    i18n.set_date_order(None)


def test_a_setting_is_added_replaced_and_says_who_set_it(store: Store) -> None:
    assert organisation_settings(store) == {}
    put_organisation_setting(store, "date_order", "mdy", "admin", T)
    put_organisation_setting(store, "date_order", "ymd", "admin", T)  # replaced, not doubled
    assert organisation_settings(store) == {"date_order": "ymd"}
    assert store.verify().ok  # operational: the event chain is untouched


def test_an_admin_sets_the_date_order_and_every_date_box_follows(store: Store) -> None:
    add_people(store)
    assert i18n.input_date(dt.date(2027, 8, 31)) == "31/08/2027"  # the default
    Services(store, "admin").set_organisation_setting("date_order", " MDY ")
    assert Services(store, "emp").organisation_settings() == {"date_order": "mdy"}
    assert i18n.input_date(dt.date(2027, 8, 31)) == "08/31/2027"
    assert i18n.date_hint() == "mm/dd/yyyy"
    assert i18n.parse_input_date("08/31/2027") == dt.date(2027, 8, 31)
    # another process (a page's kernel, a command) reads it when it opens the database
    i18n.set_date_order(None)
    with open_store(store.url):
        assert i18n.date_order() == "mdy"


def test_only_an_admin_sets_it_and_a_bad_value_stores_nothing(store: Store) -> None:
    add_people(store)
    with pytest.raises(NotAllowed):
        Services(store, "boss").set_organisation_setting("date_order", "mdy")
    with pytest.raises(ValidationFailed, match="is not a date order: use dmy, mdy or ymd"):
        Services(store, "admin").set_organisation_setting("date_order", "dd/mm")
    with pytest.raises(ValidationFailed, match="no organisation setting “colour”"):
        Services(store, "admin").set_organisation_setting("colour", "red")
    assert organisation_settings(store) == {}
    assert i18n.date_order() == "dmy"


def test_without_a_setting_the_server_s_locale_decides(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.date_order() == "mdy"
    monkeypatch.setenv("LC_TIME", "en_GB.UTF-8")  # LC_TIME before LANG
    assert i18n.date_order() == "dmy"
    monkeypatch.setenv("PMW_DATE_ORDER", "ymd")  # a deployment's override, before the locale
    assert i18n.date_order() == "ymd"
    put_organisation_setting(store, "date_order", "mdy", "admin", T)
    with open_store(store.url):  # the organisation's own setting comes first
        assert i18n.date_order() == "mdy"


def test_a_0004_database_is_upgraded_to_hold_them(db_url: str) -> None:
    with Store(db_url) as s:
        add_people(s)
    migrate(db_url, "downgrade", "0004")
    engine = create_engine(db_url)
    try:
        assert current_revision(engine) == "0004"
        with engine.connect() as conn:
            assert not conn.dialect.has_table(conn, "organisation_settings")
    finally:
        engine.dispose()
    with Store(db_url, create=False, check_schema=False) as s:
        s.upgrade()
    with Store(db_url, create=False) as s:
        put_organisation_setting(s, "date_order", "ymd", "admin", T)
        assert organisation_settings(s) == {"date_order": "ymd"}
        assert s.verify().ok
