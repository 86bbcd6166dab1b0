"""Backup and restore while the app runs: ``pmw db backup`` / ``pmw db restore``.

- Backups taken by the real command while a writer process keeps saving each
  pass ``integrity_check`` and ``pmw verify`` (each is one consistent moment).
- A restore while the writer keeps saving puts back exactly the backed-up event
  chain, and the writer's later saves continue it; a restore with nobody writing
  gives exactly the backed-up tables; the replaced database is kept, and verifies.
- A file that is not a pmwidgets database, a damaged one, or one that does not
  verify is refused with one line, and the live database is untouched.
- PostgreSQL: the documented path (``pg_dump -Fc``, ``pg_restore``, ``pmw verify``)
  works on a real server; ``pmw db backup`` refuses a PostgreSQL URL saying so.
"""

from __future__ import annotations

import glob
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from figures import record, scale
from helpers import migrate

from pmwidgets.store import Store
from reliability._workers import Writer, events_by_token, integrity, pmw_verify

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]


def pmw(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``pmw`` command on ``url``."""
    return subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", "--database", url, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def tables(path: Path) -> dict[str, list[Any]]:
    """Every row of every table, in a fixed order."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall() for n in names}
    finally:
        conn.close()


def edited_copy(source: Path, dest: Path, statement: str) -> Path:
    """A copy of the SQLite file ``source`` at ``dest``, with ``statement`` run on the copy."""
    shutil.copy(source, dest)
    conn = sqlite3.connect(dest)
    try:
        conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return dest


def chain(path: Path) -> list[tuple[int, str]]:
    """(seq, hash) of every event."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT seq, hash FROM events ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_backup_and_restore_while_a_writer_saves(demo_url: str, tmp_path: Path) -> None:
    live = Path(demo_url.removeprefix("sqlite:///"))
    backups = scale(3, 20)
    writer = Writer(demo_url, "b", 3, tmp_path / "writer.log")
    taken: list[tuple[Path, list[tuple[int, str]]]] = []
    try:
        writer.wait_for("ready")
        writer.wait_for("ack ")
        for i in range(backups):
            dest = tmp_path / f"backup-{i}.sqlite3"
            out = pmw(demo_url, "db", "backup", str(dest))
            assert out.returncode == 0, out.stdout + out.stderr
            assert out.stdout.startswith(f"backup written to {dest}; verified: ")
            assert integrity(f"sqlite:///{dest}") == "ok"
            taken.append((dest, chain(dest)))
            writer.wait_for("ack ", len(writer.lines))  # more saves between backups
        # restore the first backup while the writer keeps saving
        first, first_chain = taken[0]
        acks_before = len([x for x in writer.lines if x.startswith("ack ")])
        out = pmw(demo_url, "db", "restore", str(first))
        assert out.returncode == 0, out.stdout + out.stderr
        assert "the replaced database is kept at" in out.stdout
        kept = Path(out.stdout.rsplit("kept at ", 1)[1].strip())
        writer.wait_for("ack ", len(writer.lines))  # the writer goes on, on the restored data
    finally:
        lines = writer.kill()
    assert not [x for x in lines if x.startswith("error ")], lines
    assert acks_before > 0
    after = chain(live)
    assert after[: len(first_chain)] == first_chain  # the backed-up chain, exactly
    assert len(after) > len(first_chain)  # and the writer's saves after the restore continue it
    for path in [live, kept, *(p for p, _ in taken)]:
        assert integrity(f"sqlite:///{path}") == "ok", path
        verify = pmw_verify(f"sqlite:///{path}")
        assert verify.returncode == 0, (path, verify.stdout)
    assert len(chain(kept)) >= len(taken[-1][1])  # the replaced database held the later saves
    # every acknowledged save is in the kept copy or, made after the restore, in the database
    acked = {x.split()[1] for x in lines if x.startswith("ack ")}
    with Store(demo_url) as now, Store(f"sqlite:///{kept}") as old:
        found = set(events_by_token(now)) | set(events_by_token(old))
    assert acked - found == set()
    # with nobody writing, a restore gives exactly the backed-up tables
    last = taken[-1][0]
    out = pmw(demo_url, "db", "restore", str(last))
    assert out.returncode == 0, out.stdout + out.stderr
    assert tables(live) == tables(last)
    record(
        "Backup and restore while the app runs (SQLite)",
        backups_taken_while_writing=len(taken),
        backups_passing_integrity_check_and_verify=len(taken),
        restores_while_writing=1,
        restores_exact=2,
        writes_acknowledged_during_the_test=len(acked),
        lost=len(acked - found),
        corrupted=0,
    )


def test_restore_refuses_what_is_not_a_good_backup(demo_url: str, tmp_path: Path) -> None:
    live = Path(demo_url.removeprefix("sqlite:///"))
    before = tables(live)
    good = tmp_path / "good.sqlite3"
    assert pmw(demo_url, "db", "backup", str(good)).returncode == 0
    tampered = edited_copy(
        good, tmp_path / "tampered.sqlite3", "UPDATE events SET reason='edited' WHERE seq=5"
    )
    other_app = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other_app)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n")
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(good.read_bytes()[: 4096 * 3])
    cases = {
        tampered: "does not verify",
        other_app: "not a pmwidgets database",
        text_file: "not an SQLite database",
        truncated: "",
        tmp_path / "missing.sqlite3": "no such file",
    }
    for path, reason in cases.items():
        out = pmw(demo_url, "db", "restore", str(path))
        assert out.returncode == 2, (path, out.stdout, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], lines
        assert "Traceback" not in out.stderr
        assert tables(live) == before  # untouched
    assert not list(live.parent.glob("*.before-restore.bak"))  # nothing replaced, nothing kept
    exists = pmw(demo_url, "db", "backup", str(good))
    assert exists.returncode == 2 and "already exists" in exists.stderr
    pg = pmw("postgresql://pmw@127.0.0.1:1/none", "db", "backup", str(tmp_path / "pg.bak"))
    assert pg.returncode == 2 and "pg_dump -Fc" in pg.stderr, pg.stderr
    record("Backup and restore while the app runs (SQLite)", bad_backups_refused=len(cases))


@pytest.mark.postgres
def test_postgresql_backup_with_pg_dump_and_pg_restore(
    postgres_server: str, tmp_path: Path
) -> None:
    from sqlalchemy.engine import make_url

    from pmwidgets.demo.builder import build_demo

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    if not found:
        pytest.skip("pg_dump is not installed")
    bindir = Path(found[-1]).parent
    server = make_url(postgres_server)

    def db(name: str) -> str:
        return str(server.set(database=name).render_as_string(hide_password=False))

    def createdb(name: str) -> None:
        subprocess.run(
            [str(bindir / "createdb"), "-h", str(server.host), "-p", str(server.port), "-U", "pmw", name],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    suffix = str(int(time.time() * 1000))[-8:]
    source, copy = f"src_{suffix}", f"copy_{suffix}"
    createdb(source)
    with Store(db(source)) as store:
        build_demo(store)
        events = [(e.seq, e.hash) for e in store.events()]
    dump = tmp_path / "pmw.dump"
    conn_args = ["-h", str(server.host), "-p", str(server.port), "-U", "pmw"]
    subprocess.run(
        [str(bindir / "pg_dump"), "-Fc", *conn_args, "-f", str(dump), source],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    createdb(copy)
    subprocess.run(
        [str(bindir / "pg_restore"), *conn_args, "-d", copy, "--no-owner", str(dump)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    verify = pmw_verify(db(copy))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    with Store(db(copy)) as store:
        assert [(e.seq, e.hash) for e in store.events()] == events
    record(
        "Backup and restore while the app runs (PostgreSQL: pg_dump -Fc, pg_restore)",
        restores_checked_with_pmw_verify=1,
        events_restored=len(events),
        lost=0,
        corrupted=0,
    )


def _at_revision(path: Path, revision: str) -> None:
    """Take the SQLite file at ``path`` to ``revision`` with the real migrations."""
    migrate(f"sqlite:///{path}", "downgrade", revision)


def test_a_backup_made_before_an_upgrade_restores(demo_url: str, tmp_path: Path) -> None:
    """A backup from an older pmwidgets (schema 0001) is upgraded on a copy, then restored;
    one from a newer pmwidgets is refused. The backup file itself is never changed."""
    from pmwidgets.store.schema import HEAD, REVISIONS

    live = Path(demo_url.removeprefix("sqlite:///"))
    old = tmp_path / "before-upgrade.sqlite3"
    assert pmw(demo_url, "db", "backup", str(old)).returncode == 0
    _at_revision(old, REVISIONS[0])
    as_made = old.read_bytes()
    backed_up = chain(old)
    conn = sqlite3.connect(live)  # a save after the backup, which the restore takes back
    conn.execute("DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)")
    conn.commit()
    conn.close()
    out = pmw(demo_url, "db", "restore", str(old))
    assert out.returncode == 0, out.stderr
    assert f"schema {REVISIONS[0]}: upgraded" in out.stdout
    assert chain(live) == backed_up
    conn = sqlite3.connect(live)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    conn.close()
    assert pmw_verify(demo_url).returncode == 0
    assert old.read_bytes() == as_made  # the backup is as it was
    newer = edited_copy(
        old, tmp_path / "newer.sqlite3", "UPDATE alembic_version SET version_num = '9999'"
    )
    before = tables(live)
    out = pmw(demo_url, "db", "restore", str(newer))
    assert out.returncode == 2 and "made by a newer pmwidgets" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert tables(live) == before
