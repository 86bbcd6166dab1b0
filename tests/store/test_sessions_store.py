"""Web sessions and revocable access as stored, on SQLite and PostgreSQL; upgrading to 0003."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import add_people, migrate
from sqlalchemy import create_engine, text

from pmwidgets.store import MissingEntry, SchemaOutOfDate, Store
from pmwidgets.store import sessions as stored
from pmwidgets.store.schema import HEAD, current_revision

T = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _key(n: int) -> str:
    return f"{n:064x}"


def _rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_a_session_is_stored_found_touched_and_removed(store: Store) -> None:
    add_people(store)
    stored.add_session(store, _key(1), "emp", T, T + 10 * HOUR)
    found = stored.find_session(store, _key(1))
    assert found is not None
    assert (found.person_id, found.created_at, found.expires_at) == ("emp", T, T + 10 * HOUR)
    assert found.last_seen_at == T and not found.withdrawn
    # times are stored as the store stores them: ISO text in UTC, microseconds
    assert _rows(store, "SELECT created_at, generation FROM web_sessions") == [
        ("2026-10-01T09:00:00.000000+00:00", 0)
    ]
    stored.touch_session(store, _key(1), T + HOUR)
    stored.touch_session(store, _key(1), T + HOUR / 2)  # never moved back
    assert stored.find_session(store, _key(1)).last_seen_at == T + HOUR  # type: ignore[union-attr]
    assert stored.find_session(store, _key(2)) is None
    removed = stored.remove_session(store, _key(1))
    assert removed is not None and removed.person_id == "emp"
    assert stored.find_session(store, _key(1)) is None
    assert stored.remove_session(store, _key(1)) is None


def test_a_session_needs_a_known_person(store: Store) -> None:
    add_people(store)
    with pytest.raises(MissingEntry, match="no person with id 'ghost'"):
        stored.add_session(store, _key(1), "ghost", T, T + HOUR)
    assert _rows(store, "SELECT COUNT(*) FROM web_sessions") == [(0,)]


def test_revoking_bumps_the_generation_ends_sessions_and_records_an_event(store: Store) -> None:
    add_people(store)
    assert stored.invite_generation(store, "emp") == 0
    assert stored.invite_generation(store, "ghost") is None
    stored.add_session(store, _key(1), "emp", T, T + 10 * HOUR)
    stored.add_session(store, _key(2), "emp", T - 3 * HOUR, T + 7 * HOUR)  # idle since T-3h
    stored.add_session(store, _key(3), "other", T, T + 10 * HOUR)
    now = T + HOUR
    ended = stored.revoke_access(
        store, "emp", actor_id="admin", reason="left", at=now, idle_since=now - 2 * HOUR
    )
    assert ended == 1  # the idle one had already ended: deleted, not counted
    assert stored.find_session(store, _key(1)) is None
    assert stored.find_session(store, _key(2)) is None
    assert stored.find_session(store, _key(3)) is not None
    assert stored.invite_generation(store, "emp") == 1
    assert stored.invite_generation(store, "other") == 0
    event = store.events()[-1]
    assert (event.action, event.entity, event.entity_key) == (
        "person.access_revoked",
        "person",
        "emp",
    )
    assert (event.actor_id, event.reason) == ("admin", "left")
    assert store.verify().ok  # the person's row is still what its last event recorded
    stored.revoke_access(
        store, "emp", actor_id="admin", reason="again", at=now, idle_since=now - 2 * HOUR
    )
    assert stored.invite_generation(store, "emp") == 2
    assert _rows(store, "SELECT person_id, invite_generation, revoked_at FROM person_access") == [
        ("emp", 2, "2026-10-01T10:00:00.000000+00:00")
    ]
    with pytest.raises(MissingEntry):
        stored.revoke_access(
            store, "ghost", actor_id="admin", reason="x", at=now, idle_since=now - 2 * HOUR
        )
    assert store.events()[-1].reason == "again"  # nothing recorded for nobody


def test_a_session_started_during_a_revocation_is_withdrawn(store: Store) -> None:
    """A session that reads the old generation, and commits after the revocation's delete,
    is dead all the same (and purged): no clock is compared."""
    add_people(store)
    stored.revoke_access(store, "emp", actor_id="admin", reason="r", at=T, idle_since=T)
    with store.engine.begin() as conn:  # as a racing start_session would have left it
        conn.execute(
            text("INSERT INTO web_sessions VALUES (:k, 'emp', 0, :at, :end, :at)").bindparams(
                k=_key(9), at=stored.stamp(T + HOUR), end=stored.stamp(T + 9 * HOUR)
            )
        )
    found = stored.find_session(store, _key(9))
    assert found is not None and found.withdrawn
    stored.add_session(store, _key(10), "emp", T + HOUR, T + 9 * HOUR)  # a new sign-in
    assert not stored.find_session(store, _key(10)).withdrawn  # type: ignore[union-attr]
    assert stored.purge_sessions(store, T + HOUR, T) == 1
    assert stored.find_session(store, _key(10)) is not None


def test_purge_deletes_expired_and_idle_sessions(store: Store) -> None:
    add_people(store)
    stored.add_session(store, _key(1), "emp", T, T + 10 * HOUR)  # live
    stored.add_session(store, _key(2), "emp", T - 11 * HOUR, T - HOUR)  # expired
    stored.add_session(store, _key(3), "other", T - 3 * HOUR, T + 7 * HOUR)  # idle
    assert stored.purge_sessions(store, T, T - 2 * HOUR) == 2
    assert [r[0] for r in _rows(store, "SELECT key FROM web_sessions")] == [_key(1)]
    assert stored.purge_sessions(store, T, T - 2 * HOUR) == 0


def test_a_0002_database_is_upgraded_and_then_holds_sessions(db_url: str) -> None:
    with Store(db_url) as s:
        add_people(s)
    migrate(db_url, "downgrade", "0002")
    engine = create_engine(db_url)
    try:
        assert current_revision(engine) == "0002"
        with engine.connect() as conn:
            assert not conn.dialect.has_table(conn, "web_sessions")
    finally:
        engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="pmw db upgrade"):
        Store(db_url, create=False)
    with Store(db_url, create=False, check_schema=False) as s:
        s.upgrade()
    with Store(db_url, create=False) as s:
        assert current_revision(s.engine) == HEAD == "0005"
        stored.add_session(s, _key(1), "emp", T, T + HOUR)
        assert stored.find_session(s, _key(1)) is not None
        stored.revoke_access(s, "emp", actor_id="admin", reason="r", at=T, idle_since=T)
        assert s.verify().ok
