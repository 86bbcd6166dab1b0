"""How a web page's kernel learns who it serves, and how only that kernel hears it.

The server verifies the person of every page request (their session, see
:mod:`pmwidgets.services.sessions`) and hands the page's kernel a **person
assertion**: the person id signed with the server's secret. The kernel never
sees the request's cookies. The assertion travels as a request header Voila
passes to the kernel (:data:`HEADER`; the server drops any such header a browser
sends), in the kernel's environment or over Voila's query websocket.

That websocket (``/voila/query/<kernel id>``) is answered only for a client that
shows the **kernel's query token**, an HMAC of the kernel id with the server's
secret: the kernel can work it out, a visitor who learnt a kernel id cannot.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeTimedSerializer

from .identity import secret

#: the request header the server sets to the assertion (and strips from browsers)
HEADER = "X-Pmw-Person"
#: where the kernel finds it (Voila's name for a passed-on header)
ENVIRON = "HTTP_X_PMW_PERSON"
#: how old an assertion may be when a kernel first reads it
MAX_AGE_SECONDS = 600
_SALT = "pmwidgets.page-person"
_QUERY_SALT = b"pmwidgets.kernel-query:"


def person_assertion(person_id: str, key: str | None = None, session: str = "") -> str:
    """The signed statement "this page's request came from ``person_id``".

    ``session`` is the key of the web session the request carried ("" for a hub's
    or a proxy's sign-in): the page shows the person's personal code bound to it.
    """
    return URLSafeTimedSerializer(key or secret(), salt=_SALT).dumps([person_id, session])


def read_assertion(value: str, key: str | None = None) -> tuple[str, str] | None:
    """(person, session key) of an assertion, or None if missing, altered or too old."""
    if not value:
        return None
    try:
        found = URLSafeTimedSerializer(key or secret(), salt=_SALT).loads(
            value, max_age=MAX_AGE_SECONDS
        )
    except BadSignature:  # SignatureExpired is one too
        return None
    if (
        isinstance(found, list)
        and len(found) == 2
        and all(isinstance(part, str) for part in found)
        and found[0]
    ):
        return found[0], found[1]
    return None


def person_from_assertion(value: str, key: str | None = None) -> str | None:
    """The person an assertion names, or None if it is missing, altered or too old."""
    found = read_assertion(value, key)
    return found[0] if found else None


def kernel_query_token(kernel_id: str, key: str | None = None) -> str:
    """The token with which a kernel asks for its own page's request."""
    mac = hmac.new((key or secret()).encode(), _QUERY_SALT + kernel_id.encode(), hashlib.sha256)
    return mac.hexdigest()


def check_kernel_query_token(kernel_id: str, token: str, key: str | None = None) -> bool:
    """Whether ``token`` is that kernel's query token (compared in constant time)."""
    return hmac.compare_digest(token.encode(), kernel_query_token(kernel_id, key).encode())
