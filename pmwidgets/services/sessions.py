"""Server-side web sessions, and revoking a person's access (``pmw revoke``).

Signing in with a personal link (:func:`invite_person`) starts a session
(:func:`start_session`): the browser's cookie holds an opaque random token, and
the database only its SHA-256 (:attr:`WebSession.key`), so neither a copy of the
database nor a log line names a usable session. Every request looks its session
up (:func:`session_for`); a session ends

- :data:`SESSION_HOURS` after it started, whatever happens;
- when unused for :data:`IDLE_MINUTES` (use is recorded at most every
  :data:`TOUCH_MINUTES`, so most requests write nothing, and a session may end up to
  that much earlier than a strict idle clock would end it);
- at sign-out (:func:`end_session`), for every browser holding the token;
- when an admin or the operator revokes the person's access (:func:`revoke`), which
  also withdraws every sign-in link made for them before: links carry the person's
  *access generation*, which the revocation bumps, so a link made right after it
  works, even within the same second.

Session rows are operational (:func:`purge_expired` deletes the dead ones); the
revocation itself is an event of the hash-chained log, with its author and reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from ..domain.errors import NotAllowed, NotFound, ValidationFailed
from ..domain.i18n import _
from ..store import Store
from ..store import sessions as stored
from . import access, identity
from .api import Services

#: absolute lifetime of a session, in hours.
SESSION_HOURS: int = 10
#: a session unused this many minutes ends.
IDLE_MINUTES: int = 120
#: an invite link's lifetime, in days (the same constant as :data:`identity.INVITE_DAYS`).
INVITE_DAYS: int = identity.INVITE_DAYS
#: a session's last use is written at most this often, in minutes.
TOUCH_MINUTES: int = 5
#: longer than any token :func:`start_session` makes: refused without hashing it.
MAX_TOKEN_LENGTH = 256

UNKNOWN_PERSON = "this link names nobody known here: ask your coach or HR for a new one"
WITHDRAWN = "this link was withdrawn: ask for a new one"


@dataclass(frozen=True)
class WebSession:
    """A live web session.

    ``key`` is the SHA-256 hex of the cookie token: what is stored, safe to compare
    and to log a prefix of (never log the token itself).
    """

    key: str
    person_id: str
    expires_at: dt.datetime


def session_key(token: str) -> str:
    """The key a cookie token is stored under: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)


def _idle_since(at: dt.datetime) -> dt.datetime:
    return at - dt.timedelta(minutes=IDLE_MINUTES)


def _live(found: stored.StoredSession | None, at: dt.datetime) -> bool:
    return (
        found is not None
        and not found.withdrawn
        and at < found.expires_at
        and found.last_seen_at > _idle_since(at)
    )


def _shown(found: stored.StoredSession) -> WebSession:
    return WebSession(found.key, found.person_id, found.expires_at)


def start_session(store: Store, person_id: str, now: dt.datetime | None = None) -> str:
    """A new session for ``person_id``; returns the opaque cookie token.

    The token is ``secrets.token_urlsafe(32)``; only its SHA-256 is stored. The
    session ends :data:`SESSION_HOURS` from ``now`` at the latest.

    Raises
    ------
    NotFound
        No person with this id (nothing is stored).
    """
    at = _now(now)
    token = secrets.token_urlsafe(32)
    expires = at + dt.timedelta(hours=SESSION_HOURS)
    stored.add_session(store, session_key(token), person_id, at, expires)
    return token


def session_for(store: Store, token: str, now: dt.datetime | None = None) -> WebSession | None:
    """The live session a cookie token names, or None.

    None when the token is unknown (or forged), the session was ended, is past its
    absolute end, was unused for :data:`IDLE_MINUTES`, or the person's access was
    revoked since it started. Records the use when the last one recorded is
    :data:`TOUCH_MINUTES` old or more: most requests read one row and write nothing.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    at = _now(now)
    found = stored.find_session(store, session_key(token))
    if found is None or not _live(found, at):
        return None
    if at - found.last_seen_at >= dt.timedelta(minutes=TOUCH_MINUTES):
        stored.touch_session(store, found.key, at)
    return _shown(found)


def session_alive(store: Store, key: str, now: dt.datetime | None = None) -> bool:
    """Whether the session stored under ``key`` is still live (for a sweep over open pages).

    Reads only: checking a session does not count as using it.
    """
    return _live(stored.find_session(store, key), _now(now))


def live_session_keys(store: Store, person_id: str, now: dt.datetime | None = None) -> list[str]:
    """The keys of ``person_id``'s live sessions (their personal codes are bound to them)."""
    at = _now(now)
    return [found.key for found in stored.sessions_of(store, person_id) if _live(found, at)]


def end_session(store: Store, token: str, now: dt.datetime | None = None) -> WebSession | None:
    """Sign-out: end this session everywhere (its row is deleted).

    Returns the session that ended, or None when the token named no session live at
    ``now`` (a dead one's row is deleted all the same).
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = stored.remove_session(store, session_key(token))
    return _shown(found) if found is not None and _live(found, _now(now)) else None


def invite_person(
    store: Store, token: str, now: dt.datetime | None = None, *, key: str | None = None
) -> str:
    """The person an invite link names.

    Parameters
    ----------
    token:
        The link's ``t`` parameter (made by :func:`new_invite`, or by an older
        pmwidgets, whose links named the person alone).
    now:
        The time to check the link's age against (default: now).
    key:
        The signing secret (default: :func:`identity.secret`).

    Raises
    ------
    NotAllowed
        With a one-line reason: the link was altered, has expired, was withdrawn by
        ``pmw revoke``, or names nobody in this database.
    """
    person_id, generation = identity.read_invite(token, key, _now(now))
    current = stored.invite_generation(store, person_id)
    if current is None:
        raise NotAllowed(_(UNKNOWN_PERSON))
    if generation < current:
        raise NotAllowed(_(WITHDRAWN))
    return person_id


def new_invite(store: Store, person_id: str, *, key: str | None = None) -> str:
    """A sign-in link's token for ``person_id``, at their current access generation.

    What ``pmw invite`` prints; it works for :data:`INVITE_DAYS` days, or until
    :func:`revoke`. Raises :class:`NotFound` for an unknown person.
    """
    generation = stored.invite_generation(store, person_id)
    if generation is None:
        raise NotFound(_("no person with id {id!r} (see pmw people)").format(id=person_id))
    return identity.invite_token(person_id, key, generation=generation)


def invite(svc: Services, person_id: str, *, key: str | None = None) -> str:
    """A sign-in link's token for ``person_id``, made by the acting person.

    Raises :class:`NotAllowed` unless they may make sign-in links
    (:func:`.access.require_inviter`), and :class:`NotFound` for an unknown person.
    """
    access.require_inviter(svc.me)
    return new_invite(svc.store, person_id, key=key)


def revoke(svc: Services, person_id: str, reason: str) -> int:
    """End every session of ``person_id`` and withdraw every invite link made for them.

    Only an admin signed in as themselves (not in a facilitated session), or the
    operator (:meth:`Services.operator`), may. The revocation is recorded in the
    hash-chained event log (entity ``person``, action ``person.access_revoked``) under
    the acting person's name, with ``reason``, at the services' clock. Links made
    after it work.

    Returns
    -------
    int
        How many live sessions ended.

    Raises
    ------
    NotAllowed
        The acting person may not revoke access.
    ValidationFailed
        No reason was given.
    NotFound
        No person with this id.
    """
    access.require_revoker(svc.me, svc.facilitator, svc.verified)
    why = " ".join(reason.split())
    if not why:
        raise ValidationFailed(_("say why access is revoked: the reason is recorded with it"))
    at = _now(svc.clock())
    return stored.revoke_access(
        svc.store, person_id, actor_id=svc.me.id, reason=why, at=at, idle_since=_idle_since(at)
    )


def purge_expired(store: Store, now: dt.datetime | None = None) -> int:
    """Delete the rows of sessions that have ended (expired, idle, or revoked); returns how many."""
    at = _now(now)
    return stored.purge_sessions(store, at, _idle_since(at))
