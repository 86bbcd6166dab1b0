"""Signed links and session cookies: only an unaltered, unexpired signature names a person."""

from __future__ import annotations

import base64
import time

import pytest

from pmwidgets.domain import NotAllowed
from pmwidgets.services import identity

KEY = "k" * 48


def test_a_link_names_its_person_and_nobody_else() -> None:
    token = identity.invite_token("mchen", KEY)
    assert identity.verify_invite(token, KEY) == "mchen"
    payload, stamp, signature = token.split(".")
    someone_else = base64.urlsafe_b64encode(b'"aberg"').decode().rstrip("=")
    assert someone_else != payload
    with pytest.raises(NotAllowed, match="not valid"):  # reused for another person
        identity.verify_invite(f"{someone_else}.{stamp}.{signature}", KEY)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(NotAllowed, match="not valid"):
        identity.verify_invite(altered, KEY)
    with pytest.raises(NotAllowed, match="not valid"):
        identity.verify_invite(token, "another-secret" * 4)
    with pytest.raises(
        NotAllowed, match="not valid"
    ):  # a session token is not a link, nor the reverse
        identity.verify_invite(identity.session_token("mchen", KEY), KEY)


def test_expired_links_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    token = identity.invite_token("mchen", KEY)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + identity.INVITE_DAYS * 86400 + 5)
    with pytest.raises(NotAllowed, match="expired"):
        identity.verify_invite(token, KEY)


def test_identity_from_the_request() -> None:
    cookie = f"_xsrf=abc; {identity.COOKIE}={identity.session_token('rokafor', KEY)}"
    assert identity.person_from_environ({"HTTP_COOKIE": cookie}, KEY) == "rokafor"
    forged = f"{identity.COOKIE}=cm9rYWZvcg.forged.sig"
    assert identity.person_from_environ({"HTTP_COOKIE": forged}, KEY) is None
    assert (
        identity.person_from_environ({"QUERY_STRING": "user=rokafor"}, KEY) is None
    )  # a URL is no identity
    assert identity.person_from_environ({"JUPYTERHUB_USER": "aberg"}, KEY) == "aberg"
    proxied = {"PMW_TRUSTED_HEADER": "X-Remote-User", "HTTP_X_REMOTE_USER": "sjones"}
    assert identity.person_from_environ(proxied, KEY) == "sjones"
    assert (
        identity.person_from_environ({"HTTP_X_REMOTE_USER": "sjones"}, KEY) is None
    )  # header not trusted
    assert identity.person_from_environ({"HTTP_COOKIE": "%%% not a cookie"}, KEY) is None


def test_the_secret_file_is_created_private(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PMW_SECRET", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = identity.secret()
    assert len(first) >= 40 and identity.secret() == first
    path = next(tmp_path.rglob("secret.key"))
    assert path.stat().st_mode & 0o077 == 0
