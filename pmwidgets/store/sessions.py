"""Web sessions and revocable access, as stored: the queries behind
:mod:`pmwidgets.services.sessions`.

Two operational tables (see :mod:`.models`): ``web_sessions``, one row per
signed-in browser session, keyed by the SHA-256 of its cookie token, and
``person_access``, the *generation* a person's sign-in links and sessions must be
at. A revocation bumps the generation and deletes the person's sessions in the
same transaction as its event in the hash-chained log; a session started
concurrently carries the old generation, so it is dead too. No clock is compared
across machines to decide what a revocation withdrew.

Timestamps are ISO-8601 text in UTC with microseconds, as elsewhere in the store,
so they compare as text in SQL on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from sqlalchemy import ColumnElement, Connection, Table, delete, func, insert, or_, select, update

from .appending import append_event
from .errors import MissingEntry
from .models import PersonAccessRow, PersonRow, WebSessionRow
from .snapshots import person_snapshot

if TYPE_CHECKING:
    from .store import Store

_SESSIONS = cast(Table, WebSessionRow.__table__)
_ACCESS = cast(Table, PersonAccessRow.__table__)
_PEOPLE = cast(Table, PersonRow.__table__)
#: the generation a person's links and sessions must be at (0 while never revoked).
_CURRENT = func.coalesce(_ACCESS.c.invite_generation, 0)


def stamp(at: dt.datetime) -> str:
    """``at`` as the store writes times: ISO-8601 text in UTC, microseconds (naive is UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class StoredSession:
    """A ``web_sessions`` row, and whether a revocation since it started withdrew it."""

    key: str
    person_id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_seen_at: dt.datetime
    #: the person's access was revoked after this session started.
    withdrawn: bool


_FIND = select(
    _SESSIONS.c.key,
    _SESSIONS.c.person_id,
    _SESSIONS.c.created_at,
    _SESSIONS.c.expires_at,
    _SESSIONS.c.last_seen_at,
    (_SESSIONS.c.generation < _CURRENT).label("withdrawn"),
).select_from(_SESSIONS.outerjoin(_ACCESS, _ACCESS.c.person_id == _SESSIONS.c.person_id))


def _stored(row: object) -> StoredSession:
    key, person_id, created, expires, seen, withdrawn = cast(tuple[object, ...], row)
    return StoredSession(
        key=str(key),
        person_id=str(person_id),
        created_at=_parse(str(created)),
        expires_at=_parse(str(expires)),
        last_seen_at=_parse(str(seen)),
        withdrawn=bool(withdrawn),
    )


def add_session(
    store: Store, key: str, person_id: str, created_at: dt.datetime, expires_at: dt.datetime
) -> None:
    """Store a new session of ``person_id`` under ``key`` (the SHA-256 of its token).

    It carries the person's current access generation, read in the same
    transaction. Raises :class:`MissingEntry` for an unknown person.
    """
    with store.writing() as s:
        conn = s.connection()
        if conn.execute(select(_PEOPLE.c.id).where(_PEOPLE.c.id == person_id)).first() is None:
            raise MissingEntry(f"no person with id {person_id!r}")
        generation = conn.execute(
            select(_ACCESS.c.invite_generation).where(_ACCESS.c.person_id == person_id)
        ).scalar_one_or_none()
        conn.execute(
            insert(_SESSIONS),
            {
                "key": key,
                "person_id": person_id,
                "generation": generation or 0,
                "created_at": stamp(created_at),
                "expires_at": stamp(expires_at),
                "last_seen_at": stamp(created_at),
            },
        )


def find_session(store: Store, key: str) -> StoredSession | None:
    """The session stored under ``key``, live or not, or None (one indexed read)."""
    with store.reading_core() as conn:
        row = conn.execute(_FIND.where(_SESSIONS.c.key == key)).first()
    return _stored(row) if row is not None else None


def sessions_of(store: Store, person_id: str) -> list[StoredSession]:
    """Every session stored for ``person_id``, live or not (one indexed read)."""
    with store.reading_core() as conn:
        rows = conn.execute(_FIND.where(_SESSIONS.c.person_id == person_id)).all()
    return [_stored(row) for row in rows]


def touch_session(store: Store, key: str, seen_at: dt.datetime) -> None:
    """Record that the session ``key`` was used at ``seen_at`` (never moves it back)."""
    seen = stamp(seen_at)
    with store.writing() as s:
        s.connection().execute(
            update(_SESSIONS)
            .where(_SESSIONS.c.key == key, _SESSIONS.c.last_seen_at < seen)
            .values(last_seen_at=seen)
        )


def remove_session(store: Store, key: str) -> StoredSession | None:
    """Delete the session stored under ``key``; returns it as it was, or None."""
    with store.writing() as s:
        conn = s.connection()
        row = conn.execute(_FIND.where(_SESSIONS.c.key == key)).first()
        if row is None:
            return None
        conn.execute(delete(_SESSIONS).where(_SESSIONS.c.key == key))
    return _stored(row)


def invite_generation(store: Store, person_id: str) -> int | None:
    """The generation ``person_id``'s sign-in links must carry (0 while never revoked),
    or None when there is no such person (one indexed read)."""
    with store.reading_core() as conn:
        found = conn.execute(
            select(_CURRENT)
            .select_from(_PEOPLE.outerjoin(_ACCESS, _ACCESS.c.person_id == _PEOPLE.c.id))
            .where(_PEOPLE.c.id == person_id)
        ).first()
    return None if found is None else int(found[0])


def _live(at: dt.datetime, idle_since: dt.datetime) -> list[ColumnElement[bool]]:
    """Conditions on a session row for it to be live at ``at``."""
    return [
        _SESSIONS.c.expires_at > stamp(at),
        _SESSIONS.c.last_seen_at > stamp(idle_since),
    ]


def revoke_access(
    store: Store,
    person_id: str,
    *,
    actor_id: str,
    reason: str,
    at: dt.datetime,
    idle_since: dt.datetime,
) -> int:
    """End every session of ``person_id`` and withdraw their sign-in links, in one transaction.

    Bumps the person's access generation, deletes their sessions, and appends a
    ``person.access_revoked`` event (entity ``person``, by ``actor_id``, with
    ``reason``) whose before and after are the person's unchanged row, so that
    ``verify`` still finds every person as their last event recorded them.

    Parameters
    ----------
    at:
        When it happens (the event's time, and ``revoked_at``).
    idle_since:
        Sessions last used at or before this had already ended by being idle: they are
        deleted but not counted.

    Returns
    -------
    int
        How many live sessions ended.

    Raises
    ------
    MissingEntry
        No person with this id (nothing is stored).
    """
    when = stamp(at)
    with store.writing() as s:
        person = s.get(PersonRow, person_id)
        if person is None:
            raise MissingEntry(f"no person with id {person_id!r}")
        snapshot = person_snapshot(person)
        # the event first: it locks the chain's head, so two revocations queue here
        append_event(
            s, actor_id=actor_id, action="person.access_revoked", entity="person",
            entity_key=person_id, before=snapshot, after=snapshot, reason=reason, at=when,
        )  # fmt: skip
        conn = s.connection()
        _next_generation(conn, person_id, when)
        return _end_sessions(conn, person_id, at, idle_since)


def _next_generation(conn: Connection, person_id: str, when: str) -> None:
    """Move ``person_id`` to their next access generation, revoked at ``when``."""
    generation = conn.execute(
        select(_ACCESS.c.invite_generation)
        .where(_ACCESS.c.person_id == person_id)
        .with_for_update()
    ).scalar_one_or_none()
    if generation is None:
        conn.execute(
            insert(_ACCESS),
            {"person_id": person_id, "invite_generation": 1, "revoked_at": when},
        )
    else:
        conn.execute(
            update(_ACCESS)
            .where(_ACCESS.c.person_id == person_id)
            .values(invite_generation=generation + 1, revoked_at=when)
        )


def _end_sessions(
    conn: Connection, person_id: str, at: dt.datetime, idle_since: dt.datetime
) -> int:
    """Delete every session of ``person_id``; returns how many of them were live at ``at``."""
    live = conn.execute(
        select(func.count())
        .select_from(_SESSIONS)
        .where(_SESSIONS.c.person_id == person_id, *_live(at, idle_since))
    ).scalar_one()
    conn.execute(delete(_SESSIONS).where(_SESSIONS.c.person_id == person_id))
    return int(live)


def purge_sessions(store: Store, at: dt.datetime, idle_since: dt.datetime) -> int:
    """Delete every session that is no longer live at ``at``; returns how many.

    Not live: past its absolute end, last used at or before ``idle_since``, or
    withdrawn by a revocation since it started.
    """
    withdrawn = (
        select(_ACCESS.c.person_id)
        .where(
            _ACCESS.c.person_id == _SESSIONS.c.person_id,
            _ACCESS.c.invite_generation > _SESSIONS.c.generation,
        )
        .exists()
    )
    with store.writing() as s:
        result = s.connection().execute(
            delete(_SESSIONS).where(
                or_(
                    _SESSIONS.c.expires_at <= stamp(at),
                    _SESSIONS.c.last_seen_at <= stamp(idle_since),
                    withdrawn,
                )
            )
        )
    return int(result.rowcount or 0)
