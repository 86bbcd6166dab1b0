"""Verified identity for the web app: signed personal links and session cookies.

A person's identity is never a name typed into a URL. It is one of:

- a **signed personal link**: ``pmw invite PERSON_ID`` prints a link carrying a
  token signed with the server's secret (HMAC, via itsdangerous) that expires
  after :data:`INVITE_DAYS` days, and names the person's *access generation*, so
  that ``pmw revoke`` can withdraw it (see :mod:`pmwidgets.services.sessions`);
  opening it starts a server-side session (:mod:`pmwidgets.services.sessions`)
  whose random token is the ``pmw_session`` cookie;
- the **JupyterHub** user (``JUPYTERHUB_USER``) of a single-user server, which
  the hub has already authenticated;
- a header set by an **authenticating reverse proxy**, only when the operator
  names that header in ``PMW_TRUSTED_HEADER`` and the server listens on
  127.0.0.1 behind the proxy.

The web server works out the person (:mod:`pmwidgets.web.auth`) and tells the
page's kernel with a signed assertion (:mod:`pmwidgets.services.page_identity`).

The secret comes from ``PMW_SECRET``, or a key file created on first use in the
user's data folder (readable by its owner only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from itsdangerous import BadData, URLSafeTimedSerializer

from ..domain.errors import NotAllowed
from ..domain.i18n import _

COOKIE = "pmw_session"
#: an invite link's lifetime (``pmw invite`` says so)
INVITE_DAYS = 7
#: a personal code is good for the window it was shown in and the next one
CODE_WINDOW_MINUTES = 5
#: wrong codes for one person, per window, before the code is refused outright
CODE_ATTEMPTS = 5
_CODE_SALT = "pmwidgets.personal-code"
_INVITE_SALT = "pmwidgets.invite"


def secret() -> str:
    """The signing secret: ``PMW_SECRET``, or the key file (created on first use)."""
    env = os.environ.get("PMW_SECRET", "").strip()
    if env:
        return env
    import platformdirs

    path = Path(platformdirs.user_data_dir("pmwidgets", appauthor=False)) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _serializer(salt: str, key: str | None = None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key or secret(), salt=salt)


def invite_token(person_id: str, key: str | None = None, generation: int = 0) -> str:
    """A signed token naming ``person_id``, valid for :data:`INVITE_DAYS` days.

    ``generation`` is the person's access generation when the link is made (see
    :func:`pmwidgets.services.sessions.new_invite`, which reads it from the store): a
    revocation bumps it, and a link of an older generation no longer works.
    """
    return _serializer(_INVITE_SALT, key).dumps([person_id, generation])


def read_invite(
    token: str, key: str | None = None, now: dt.datetime | None = None
) -> tuple[str, int]:
    """(person id, access generation) of a personal link; NotAllowed if altered or expired.

    A link in the first format, which named the person alone, is of generation 0.
    Whether the link was withdrawn since is for the store to say
    (:func:`pmwidgets.services.sessions.invite_person`).
    """
    invalid = NotAllowed(_("this link is not valid: ask for a new one"))
    try:
        value, signed_at = _serializer(_INVITE_SALT, key).loads(token, return_timestamp=True)
    except BadData:  # an altered signature, or (signed by the secret's holder) no JSON
        raise invalid from None
    if now is None:
        at = time.time()
    else:  # a naive time is UTC, as everywhere in pmwidgets
        at = (now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)).timestamp()
    if at - signed_at.timestamp() > INVITE_DAYS * 86400:
        raise NotAllowed(_("this link has expired: ask for a new one"))
    if isinstance(value, str):
        return value, 0
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and type(value[1]) is int
        and value[1] >= 0
    ):
        return value[0], value[1]
    raise invalid


def verify_invite(token: str, key: str | None = None) -> str:
    """The person a personal link names; NotAllowed if altered or expired.

    This checks the signature and the age only; whether ``pmw revoke`` withdrew the
    link is checked by :func:`pmwidgets.services.sessions.invite_person`.
    """
    return read_invite(token, key)[0]


# --- personal codes: a confirmation made at someone else's screen ---------------------


def _window(at: dt.datetime) -> int:
    return int(at.timestamp()) // (CODE_WINDOW_MINUTES * 60)


def _code_for(person_id: str, window: int, key: str | None, session: str = "") -> str:
    message = f"{_CODE_SALT}:{person_id}:{window}:{session}".encode()
    digest = hmac.new((key or secret()).encode(), message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def personal_code(
    person_id: str, at: dt.datetime | None = None, key: str | None = None, session: str = ""
) -> str:
    """The six-digit code that ``person_id`` sees on their own signed-in page now.

    In a facilitated session the coach's screen acts for one person at a time; a
    confirmation made there counts only with this code, which the person reads on
    their own page (signed in as themselves) and types in. It is derived from the
    server's secret, the person and the time, so it cannot be worked out from the
    screen, and it is good for :data:`CODE_WINDOW_MINUTES` to twice that.

    ``session`` is the key of the web session the code is shown in: the code then
    works only while that session is live (signing out or ``pmw revoke`` ends it).
    Under a hub or a proxy there is no such session, and the key is "".
    """
    return _code_for(person_id, _window(at or dt.datetime.now(dt.UTC)), key, session)


def code_valid_until(at: dt.datetime | None = None) -> dt.datetime:
    """Until when a code shown at ``at`` is accepted (the end of the next window)."""
    span = CODE_WINDOW_MINUTES * 60
    start = _window(at or dt.datetime.now(dt.UTC)) * span
    return dt.datetime.fromtimestamp(start + 2 * span, dt.UTC)


_failed: dict[tuple[str, int], int] = {}
_failed_lock = threading.Lock()


def check_personal_code(
    person_id: str,
    code: str,
    at: dt.datetime | None = None,
    key: str | None = None,
    sessions: Iterable[str] = ("",),
) -> None:
    """Accept ``code`` as ``person_id``'s personal code, or raise :class:`NotAllowed`.

    Accepted when it is the code of the current window or the one before, shown in
    one of ``sessions`` (the keys of the person's live web sessions, and "" for a
    hub's or a proxy's sign-in, which has none): a code shown in a session that
    has ended (signed out, revoked, expired) is refused. After
    :data:`CODE_ATTEMPTS` wrong codes for one person in one window, every code is
    refused until the window has passed (a guess in a million, five times).
    """
    now = at or dt.datetime.now(dt.UTC)
    window = _window(now)
    typed = "".join(ch for ch in str(code) if not ch.isspace())
    with _failed_lock:
        for old in [k for k in _failed if k[1] < window - 1]:
            del _failed[old]
        tries = _failed.get((person_id, window), 0)
    if tries >= CODE_ATTEMPTS:
        raise NotAllowed(
            _("too many wrong codes for this person: wait {m} minutes, then use a new code").format(
                m=CODE_WINDOW_MINUTES
            )
        )
    if not typed:
        raise NotAllowed(_("type the personal code shown on their own signed-in page"))
    for session in sessions:  # may be lazy: read only as far as needed, once
        for w in (window, window - 1):
            if hmac.compare_digest(typed.encode(), _code_for(person_id, w, key, session).encode()):
                return
    with _failed_lock:
        _failed[(person_id, window)] = tries + 1
    raise NotAllowed(_("that is not their current personal code: read it again on their own page"))
