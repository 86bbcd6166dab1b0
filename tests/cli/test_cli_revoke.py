"""`pmw revoke` and `pmw invite` as people use them: real processes on a real SQLite file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from pmwidgets.domain import NotAllowed
from pmwidgets.services import Store
from pmwidgets.services import sessions as ws
from pmwidgets.store.schema import MIGRATIONS

PMW = [sys.executable, "-m", "pmwidgets.cli"]
SECRET = "cli-revoke-secret-" + "s" * 32
DONE = "sign-in links made before now no longer work"


def pmw(*args: str, url: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PMW_DATABASE_URL": url, "PMW_SECRET": SECRET}
    result = subprocess.run([*PMW, *args], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr + result.stdout
    if check is not None:
        assert result.returncode == check, result.stderr
    return result


def token_of(link: str) -> str:
    return parse_qs(urlparse(link.strip()).query)["t"][0]


def events(url: str) -> int:
    with Store(url) as store:
        return len(store.events())


def test_revoke_ends_sessions_and_withdraws_links_made_before(demo_url: str) -> None:
    link = pmw("invite", "hlambert", url=demo_url)
    assert link.stderr.strip() == "links expire in 7 days"
    before = token_of(link.stdout)
    with Store(demo_url) as store:
        assert ws.invite_person(store, before, key=SECRET) == "hlambert"
        mine = [ws.start_session(store, "hlambert") for _ in range(2)]
        theirs = ws.start_session(store, "mchen")
    out = pmw("revoke", "hlambert", "--reason", "left the school", url=demo_url)
    assert out.stdout == f"ended 2 sessions of Helen Lambert (hlambert); {DONE}\n"
    assert out.stderr == ""
    after = token_of(pmw("invite", "hlambert", url=demo_url).stdout)
    with Store(demo_url) as store:
        assert all(ws.session_for(store, t) is None for t in mine)
        assert ws.session_for(store, theirs) is not None
        with pytest.raises(NotAllowed, match="withdrawn"):
            ws.invite_person(store, before, key=SECRET)
        assert ws.invite_person(store, after, key=SECRET) == "hlambert"
        event = store.events()[-1]
        assert (event.action, event.entity_key, event.actor_id, event.reason) == (
            "person.access_revoked",
            "hlambert",
            "pmw-operator",
            "left the school",
        )
        ws.start_session(store, "mchen")
    one = pmw("revoke", "mchen", "--reason", "lost laptop", url=demo_url).stdout
    assert one == f"ended 2 sessions of Mei Chen (mchen); {DONE}\n"
    none = pmw("revoke", "mchen", "--reason", "again", url=demo_url).stdout
    assert none.startswith("ended 0 sessions of Mei Chen (mchen);")
    assert pmw("verify", url=demo_url).stdout.startswith("ok: database verified")


def test_invite_all_links_work_and_carry_each_persons_generation(demo_url: str) -> None:
    pmw("revoke", "aberg", "--reason", "moved", url=demo_url)
    lines = pmw("invite", "--all", url=demo_url).stdout.splitlines()
    assert len(lines) == 9
    with Store(demo_url) as store:
        for line in lines:
            person, _name, link = line.split("\t")
            assert ws.invite_person(store, token_of(link), key=SECRET) == person


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("revoke", "ghost", "--reason", "x"), "error: no person with id 'ghost' (see pmw people)"),
        (("revoke", "hlambert"), "error: say why with --reason TEXT"),
        (("revoke", "hlambert", "--reason", "  "), "error: say why with --reason TEXT"),
        (
            ("--as", "rokafor", "revoke", "hlambert", "--reason", "x"),
            "error: only an admin can revoke someone's access",
        ),
    ],
)
def test_mistakes_give_one_error_line_and_store_nothing(
    demo_url: str, args: tuple[str, ...], message: str
) -> None:
    with Store(demo_url) as store:
        session = ws.start_session(store, "hlambert")
    count = events(demo_url)
    out = pmw(*args, url=demo_url, check=2)
    assert out.stdout == ""
    assert len(out.stderr.splitlines()) == 1 and out.stderr.startswith(message), out.stderr
    assert events(demo_url) == count
    with Store(demo_url) as store:
        assert ws.session_for(store, session) is not None


def test_an_admin_revokes_under_their_own_name(demo_url: str) -> None:
    out = pmw("--as", "hlambert", "revoke", "sjones", "--reason", "left", url=demo_url)
    assert out.stdout.startswith("ended 0 sessions of Sam Jones (sjones);")
    with Store(demo_url) as store:
        assert store.events()[-1].actor_id == "hlambert"


def test_db_upgrade_brings_a_0002_database_up_to_date(demo_url: str, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    shutil.copy(demo_url.removeprefix("sqlite:///"), old)
    url = f"sqlite:///{old}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    engine.dispose()
    refused = pmw("revoke", "hlambert", "--reason", "x", url=url, check=2)
    assert "pmw db upgrade" in refused.stderr
    assert pmw("db", "upgrade", url=url).stdout.startswith("schema is up to date; backup at")
    out = pmw("revoke", "hlambert", "--reason", "left", url=url)
    assert out.stdout.startswith("ended 0 sessions of Helen Lambert (hlambert);")
    assert pmw("verify", url=url).stdout.startswith("ok: database verified")


def test_only_an_admin_makes_sign_in_links(demo_url: str) -> None:
    """An employee who runs pmw with --as must not mint links that sign others in."""
    for args in (("invite", "mchen"), ("invite", "--all")):
        refused = pmw("--as", "aberg", *args, url=demo_url, check=2)
        assert refused.stdout == ""
        assert refused.stderr.strip() == "error: only an admin can make sign-in links"
    allowed = pmw("--as", "hlambert", "invite", "mchen", url=demo_url)  # an admin
    assert "/pmw/signin?t=" in allowed.stdout
