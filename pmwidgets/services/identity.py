"""Verified identity for the web app: signed personal links and session cookies.

A person's identity is never a name typed into a URL. It is one of:

- a **signed personal link**: ``pmw invite PERSON_ID`` prints a link carrying a
  token signed with the server's secret (HMAC, via itsdangerous) that expires;
  opening it sets a signed session cookie, which every page then verifies;
- the **JupyterHub** user (``JUPYTERHUB_USER``) of a single-user server, which
  the hub has already authenticated;
- a header set by an **authenticating reverse proxy**, only when the operator
  names that header in ``PMW_TRUSTED_HEADER`` and the server listens on
  127.0.0.1 behind the proxy.

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
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..domain.errors import NotAllowed
from ..domain.i18n import _

COOKIE = "pmw_session"
INVITE_DAYS = 14
SESSION_HOURS = 12
#: a personal code is good for the window it was shown in and the next one
CODE_WINDOW_MINUTES = 5
#: wrong codes for one person, per window, before the code is refused outright
CODE_ATTEMPTS = 5
_CODE_SALT = "pmwidgets.personal-code"
_INVITE_SALT = "pmwidgets.invite"
_SESSION_SALT = "pmwidgets.session"


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


def invite_token(person_id: str, key: str | None = None) -> str:
    """A signed token naming ``person_id``, valid for :data:`INVITE_DAYS` days."""
    return _serializer(_INVITE_SALT, key).dumps(person_id)


def session_token(person_id: str, key: str | None = None) -> str:
    """A signed session token, valid for :data:`SESSION_HOURS` hours."""
    return _serializer(_SESSION_SALT, key).dumps(person_id)


def _verify(token: str, salt: str, max_age: int, key: str | None) -> str:
    try:
        value = _serializer(salt, key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise NotAllowed(_("this link has expired: ask for a new one")) from None
    except BadSignature:
        raise NotAllowed(_("this link is not valid: ask for a new one")) from None
    if not isinstance(value, str):
        raise NotAllowed(_("this link is not valid: ask for a new one"))
    return value


def verify_invite(token: str, key: str | None = None) -> str:
    """The person a personal link names; NotAllowed if altered or expired."""
    return _verify(token, _INVITE_SALT, INVITE_DAYS * 86400, key)


def verify_session(token: str, key: str | None = None) -> str:
    """The person a session cookie names; NotAllowed if altered or expired."""
    return _verify(token, _SESSION_SALT, SESSION_HOURS * 3600, key)


def person_from_environ(
    environ: dict[str, str] | None = None, key: str | None = None
) -> str | None:
    """The verified person for the current web request, or None.

    Reads what Voila put in the kernel's environment for this request: the
    session cookie (``HTTP_COOKIE``), else ``JUPYTERHUB_USER``, else the trusted
    proxy header named by ``PMW_TRUSTED_HEADER``.
    """
    env = os.environ if environ is None else environ
    raw = env.get("HTTP_COOKIE", "")
    if raw:
        try:
            jar = SimpleCookie(raw)
        except CookieError:
            jar = SimpleCookie()
        if COOKIE in jar:
            try:
                return verify_session(jar[COOKIE].value, key)
            except NotAllowed:
                return None
    hub_user = env.get("JUPYTERHUB_USER", "").strip()
    if hub_user:
        return hub_user
    header = env.get("PMW_TRUSTED_HEADER", "").strip()
    if header:
        value = env.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        return value or None
    return None


# --- personal codes: a confirmation made at someone else's screen ---------------------


def _window(at: dt.datetime) -> int:
    return int(at.timestamp()) // (CODE_WINDOW_MINUTES * 60)


def _code_for(person_id: str, window: int, key: str | None) -> str:
    message = f"{_CODE_SALT}:{person_id}:{window}".encode()
    digest = hmac.new((key or secret()).encode(), message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def personal_code(person_id: str, at: dt.datetime | None = None, key: str | None = None) -> str:
    """The six-digit code that ``person_id`` sees on their own signed-in page now.

    In a facilitated session the coach's screen acts for one person at a time; a
    confirmation made there counts only with this code, which the person reads on
    their own page (signed in as themselves) and types in. It is derived from the
    server's secret, the person and the time, so it cannot be worked out from the
    screen, and it is good for :data:`CODE_WINDOW_MINUTES` to twice that.
    """
    return _code_for(person_id, _window(at or dt.datetime.now(dt.UTC)), key)


def code_valid_until(at: dt.datetime | None = None) -> dt.datetime:
    """Until when a code shown at ``at`` is accepted (the end of the next window)."""
    span = CODE_WINDOW_MINUTES * 60
    start = _window(at or dt.datetime.now(dt.UTC)) * span
    return dt.datetime.fromtimestamp(start + 2 * span, dt.UTC)


_failed: dict[tuple[str, int], int] = {}
_failed_lock = threading.Lock()


def check_personal_code(
    person_id: str, code: str, at: dt.datetime | None = None, key: str | None = None
) -> None:
    """Accept ``code`` as ``person_id``'s personal code, or raise :class:`NotAllowed`.

    Accepted when it is the code of the current window or the one before. After
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
    for w in (window, window - 1):
        if hmac.compare_digest(typed.encode(), _code_for(person_id, w, key).encode()):
            return
    with _failed_lock:
        _failed[(person_id, window)] = tries + 1
    raise NotAllowed(_("that is not their current personal code: read it again on their own page"))
