"""Signed links and page assertions: only an unaltered, unexpired signature names a person."""

from __future__ import annotations

import base64
import time

import pytest

from pmwidgets.domain import NotAllowed
from pmwidgets.services import identity, page_identity

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
    with pytest.raises(NotAllowed, match="not valid"):  # a page's assertion is not a link
        identity.verify_invite(page_identity.person_assertion("mchen", KEY), KEY)


def test_expired_links_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    token = identity.invite_token("mchen", KEY)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + identity.INVITE_DAYS * 86400 + 5)
    with pytest.raises(NotAllowed, match="expired"):
        identity.verify_invite(token, KEY)


def test_a_page_kernel_believes_only_the_servers_signed_assertion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel's side: cookies, names in the address and headers are no identity to it."""
    signed = page_identity.person_assertion("rokafor", KEY)
    assert page_identity.person_from_assertion(signed, KEY) == "rokafor"
    for value in ("rokafor", "cm9rYWZvcg.forged.sig", "%%% not a cookie", "", signed + "x"):
        assert page_identity.person_from_assertion(value, KEY) is None, value
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + page_identity.MAX_AGE_SECONDS + 5)
    assert page_identity.person_from_assertion(signed, KEY) is None  # too old to be this page's


def test_the_secret_file_is_created_private(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PMW_SECRET", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = identity.secret()
    assert len(first) >= 40 and identity.secret() == first
    path = next(tmp_path.rglob("secret.key"))
    assert path.stat().st_mode & 0o077 == 0
