"""Server-side web sessions and revocation: a cookie names a live session or nothing, and
``revoke`` ends a person's sessions and withdraws their earlier sign-in links."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

from pmwidgets.domain import NotAllowed, NotFound, ValidationFailed
from pmwidgets.services import Services, Store, identity
from pmwidgets.services import sessions as ws

KEY = "k" * 48
T = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def operator(store: Store, at: dt.datetime = T) -> Services:
    return Services.operator(store, clock=lambda: at)


def last_seen(store: Store, token: str) -> str:
    with store.engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT last_seen_at FROM web_sessions WHERE key = :k"),
                {"k": ws.session_key(token)},
            ).scalar_one()
        )


def test_a_token_names_its_person_and_only_its_hash_is_stored(people_store: Store) -> None:
    token = ws.start_session(people_store, "emp", T)
    assert len(token) >= 43
    found = ws.session_for(people_store, token, T + MINUTE)
    assert found == ws.WebSession(
        key=hashlib.sha256(token.encode()).hexdigest(),
        person_id="emp",
        expires_at=T + dt.timedelta(hours=ws.SESSION_HOURS),
    )
    with people_store.engine.connect() as conn:
        keys = conn.execute(text("SELECT key FROM web_sessions")).scalars().all()
    assert keys == [found.key] and token not in keys
    assert ws.session_for(people_store, ws.start_session(people_store, "other", T), T) is not None
    assert ws.session_alive(people_store, found.key, T + MINUTE)
    with pytest.raises(NotFound):
        ws.start_session(people_store, "ghost", T)


def test_unknown_and_forged_tokens_name_nobody(people_store: Store) -> None:
    token = ws.start_session(people_store, "emp", T)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for other in ("", "nope", altered, token + "x", "x" * 10_000, ws.session_key(token)):
        assert ws.session_for(people_store, other, T) is None
    # a signed token of another kind is no session either
    assert ws.session_for(people_store, identity.invite_token("emp", KEY), T) is None
    assert not ws.session_alive(people_store, "0" * 64, T)


def test_a_session_ends_at_its_absolute_expiry_however_busy(people_store: Store) -> None:
    token = ws.start_session(people_store, "emp", T)
    end = T + dt.timedelta(hours=ws.SESSION_HOURS)
    at = T
    while at < end - 30 * MINUTE:  # used every half hour: never idle
        at += 30 * MINUTE
        assert ws.session_for(people_store, token, at) is not None, at
    assert ws.session_for(people_store, token, end - MINUTE) is not None
    assert ws.session_for(people_store, token, end) is None
    assert not ws.session_alive(people_store, ws.session_key(token), end)


def test_a_session_unused_too_long_ends_and_use_is_written_rarely(people_store: Store) -> None:
    token = ws.start_session(people_store, "emp", T)
    started = last_seen(people_store, token)
    assert ws.session_for(people_store, token, T + 4 * MINUTE) is not None
    assert last_seen(people_store, token) == started  # most requests write nothing
    assert ws.session_for(people_store, token, T + ws.TOUCH_MINUTES * MINUTE) is not None
    assert last_seen(people_store, token) != started  # now the use is recorded
    seen = T + ws.TOUCH_MINUTES * MINUTE
    idle = ws.IDLE_MINUTES * MINUTE
    # checking a session from a sweep is no use of it
    assert ws.session_alive(people_store, ws.session_key(token), seen + idle - MINUTE)
    assert ws.session_for(people_store, token, seen + idle - MINUTE) is not None
    seen += idle - MINUTE
    assert ws.session_for(people_store, token, seen + idle) is None
    assert not ws.session_alive(people_store, ws.session_key(token), seen + idle)


def test_signing_out_ends_the_session_for_every_holder_of_the_token(people_store: Store) -> None:
    token = ws.start_session(people_store, "emp", T)
    copied = str(token)  # the same cookie in another browser
    other = ws.start_session(people_store, "emp", T)  # another sign-in of the same person
    ended = ws.end_session(people_store, token, T + MINUTE)
    assert ended is not None and ended.person_id == "emp"
    assert ended.key == ws.session_key(token)
    assert ws.session_for(people_store, copied, T + MINUTE) is None
    assert ws.session_for(people_store, other, T + MINUTE) is not None
    assert ws.end_session(people_store, token, T + MINUTE) is None
    assert ws.end_session(people_store, "") is None
    # a session that had already ended is deleted, and reported as nothing ended
    assert ws.end_session(people_store, other, T + dt.timedelta(hours=11)) is None
    assert ws.session_for(people_store, other, T + MINUTE) is None


def test_revoke_ends_every_session_of_the_person_and_no_one_elses(people_store: Store) -> None:
    mine = [ws.start_session(people_store, "emp", T) for _ in range(2)]
    theirs = ws.start_session(people_store, "other", T)
    assert ws.revoke(operator(people_store, T + MINUTE), "emp", "left the school") == 2
    for token in mine:
        assert ws.session_for(people_store, token, T + 2 * MINUTE) is None
    assert ws.session_for(people_store, theirs, T + 2 * MINUTE) is not None
    assert ws.revoke(operator(people_store, T + MINUTE), "emp", "once more") == 0
    # signing in again afterwards works
    again = ws.start_session(people_store, "emp", T + 3 * MINUTE)
    assert ws.session_for(people_store, again, T + 4 * MINUTE) is not None


def test_revoke_withdraws_earlier_links_but_a_link_made_right_after_works(
    people_store: Store,
) -> None:
    before = ws.new_invite(people_store, "emp", key=KEY)
    plain = identity.invite_token("emp", KEY)  # generation 0, as callers of identity make
    assert ws.invite_person(people_store, before, key=KEY) == "emp"
    ws.revoke(operator(people_store), "emp", "lost her laptop")
    for token in (before, plain):
        with pytest.raises(NotAllowed, match="this link was withdrawn: ask for a new one"):
            ws.invite_person(people_store, token, key=KEY)
    after = ws.new_invite(people_store, "emp", key=KEY)  # the same second
    assert ws.invite_person(people_store, after, key=KEY) == "emp"
    other = ws.new_invite(people_store, "other", key=KEY)
    assert ws.invite_person(people_store, other, key=KEY) == "other"  # not theirs
    ws.revoke(operator(people_store), "emp", "again")
    with pytest.raises(NotAllowed, match="withdrawn"):
        ws.invite_person(people_store, after, key=KEY)
    assert ws.invite_person(people_store, ws.new_invite(people_store, "emp", key=KEY), key=KEY)


def test_links_in_the_old_format_count_as_generation_zero(people_store: Store) -> None:
    old = URLSafeTimedSerializer(KEY, salt="pmwidgets.invite").dumps("emp")  # a bare id
    assert identity.read_invite(old, KEY) == ("emp", 0)
    assert identity.verify_invite(old, KEY) == "emp"
    assert ws.invite_person(people_store, old, key=KEY) == "emp"
    ws.revoke(operator(people_store), "emp", "left")
    with pytest.raises(NotAllowed, match="withdrawn"):
        ws.invite_person(people_store, old, key=KEY)


def test_links_that_are_altered_expired_or_name_nobody_are_refused(people_store: Store) -> None:
    token = ws.new_invite(people_store, "emp", key=KEY)
    assert identity.read_invite(token, KEY) == ("emp", 0)
    now = dt.datetime.now(dt.UTC)
    late = now + dt.timedelta(days=ws.INVITE_DAYS, minutes=1)
    assert ws.INVITE_DAYS == identity.INVITE_DAYS == 7
    assert ws.invite_person(people_store, token, now + dt.timedelta(days=6), key=KEY) == "emp"
    with pytest.raises(NotAllowed, match="this link has expired"):
        ws.invite_person(people_store, token, late, key=KEY)
    with pytest.raises(NotAllowed, match="not valid"):
        ws.invite_person(
            people_store, token[:-2] + ("BB" if token.endswith("AA") else "AA"), key=KEY
        )
    with pytest.raises(NotAllowed, match="not valid"):
        ws.invite_person(people_store, token, key="another-secret" * 4)
    with pytest.raises(NotAllowed, match="not valid"):  # signed, but no invite's payload
        ws.invite_person(
            people_store, URLSafeTimedSerializer(KEY, salt="pmwidgets.invite").dumps(7), key=KEY
        )
    with pytest.raises(NotAllowed, match="names nobody known here"):
        ws.invite_person(people_store, identity.invite_token("ghost", KEY), key=KEY)
    with pytest.raises(NotFound, match="ghost"):
        ws.new_invite(people_store, "ghost", key=KEY)


def test_only_an_admin_signed_in_as_themselves_or_the_operator_may_revoke(
    people_store: Store,
) -> None:
    token = ws.start_session(people_store, "emp", T)
    link = ws.new_invite(people_store, "emp", key=KEY)
    events = len(people_store.events())
    refused = (
        Services(people_store, "boss"),
        Services(people_store, "emp"),
        Services(people_store, "coach"),
        Services(people_store, "admin", verified=False),  # chosen at a screen
        Services(people_store, "coach").acting_as("admin"),  # a facilitated session
    )
    for svc in refused:
        with pytest.raises(NotAllowed) as refusal:
            ws.revoke(svc, "emp", "because")
        assert "\n" not in str(refusal.value) and "revoke" in str(refusal.value)  # one line
    # nothing revoked: no event, the session lives, the link still signs in
    assert len(people_store.events()) == events
    assert ws.session_for(people_store, token, T + MINUTE) is not None
    assert ws.invite_person(people_store, link, key=KEY) == "emp"
    admin = Services(people_store, "admin", clock=lambda: T + MINUTE)
    assert ws.revoke(admin, "emp", "left the school") == 1


def test_the_revocation_is_an_event_with_author_and_reason(people_store: Store) -> None:
    admin = Services(people_store, "admin", clock=lambda: T)
    ws.revoke(admin, "emp", "  contract ended\non 30 September ")
    event = people_store.events()[-1]
    assert (event.action, event.entity, event.entity_key) == (
        "person.access_revoked",
        "person",
        "emp",
    )
    assert event.actor_id == "admin"
    assert event.reason == "contract ended on 30 September"  # one line
    assert event.workbook_id is None
    ws.revoke(operator(people_store), "other", "moved away")
    assert people_store.events()[-1].actor_id == "pmw-operator"
    assert people_store.verify().ok


def test_a_reason_and_a_known_person_are_required(people_store: Store) -> None:
    token = ws.start_session(people_store, "emp", T)
    events = len(people_store.events())
    for reason in ("", "   \n "):
        with pytest.raises(ValidationFailed, match="say why"):
            ws.revoke(operator(people_store), "emp", reason)
    with pytest.raises(NotFound, match="ghost"):
        ws.revoke(operator(people_store), "ghost", "a reason")
    assert len(people_store.events()) == events
    assert ws.session_for(people_store, token, T) is not None


def test_purge_deletes_only_sessions_that_have_ended(people_store: Store) -> None:
    live = ws.start_session(people_store, "emp", T)
    ws.start_session(people_store, "emp", T - dt.timedelta(hours=ws.SESSION_HOURS + 1))
    ws.start_session(people_store, "other", T - (ws.IDLE_MINUTES + 1) * MINUTE)
    assert ws.purge_expired(people_store, T) == 2
    assert ws.purge_expired(people_store, T) == 0
    assert ws.session_for(people_store, live, T) is not None
    with people_store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM web_sessions")).scalar_one() == 1


def test_only_an_admin_or_the_operator_may_make_a_sign_in_link(people_store: Store) -> None:
    """The services refuse a link to anyone else, whatever calls them (not the CLI alone)."""
    for who in ("boss", "emp", "coach"):
        with pytest.raises(NotAllowed) as refusal:
            ws.invite(Services(people_store, who), "emp", key=KEY)
        assert str(refusal.value) == "only an admin can make sign-in links"
    for svc in (Services(people_store, "admin"), operator(people_store)):
        assert ws.invite_person(people_store, ws.invite(svc, "emp", key=KEY), key=KEY) == "emp"
    with pytest.raises(NotFound):
        ws.invite(operator(people_store), "ghost", key=KEY)
