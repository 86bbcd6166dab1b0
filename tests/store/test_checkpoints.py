"""The SQLite log is copied back into the file off the commit path, and never grows unbounded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from helpers import add_people

from pmwidgets.domain import Person
from pmwidgets.store import Store
from pmwidgets.store.engine import CHECKPOINT_EVERY, sqlite_path


def _frames_not_copied(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        _busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(log) - int(copied)
    finally:
        conn.close()


def test_commits_do_not_checkpoint_a_thread_does(sqlite_url: str) -> None:
    path = sqlite_path(sqlite_url)
    assert path is not None
    with Store(sqlite_url) as store:
        assert store.checkpoints is not None
        with store.engine.connect() as conn:  # the write connections leave it to the thread
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        add_people(store)
        people = len(store.find_people()) + 3 * CHECKPOINT_EVERY
        for i in range(3 * CHECKPOINT_EVERY):
            store.add_person(Person(id=f"x{i:03d}", name=f"Extra {i}"), actor_id="admin")
        store.checkpoints.wait()
        assert store.checkpoints.started >= 3
        result = store.checkpoints.run()
        assert result is not None and result[0] == result[1]  # every page copied back
        assert store.verify().ok
    assert _frames_not_copied(path) == 0
    with Store(sqlite_url) as again:
        assert len(again.find_people()) == people


def test_reading_does_not_count_as_committing(sqlite_url: str) -> None:
    with Store(sqlite_url) as store:
        assert store.checkpoints is not None
        add_people(store)
        started = store.checkpoints.started
        for _ in range(3 * CHECKPOINT_EVERY):
            store.find_people()
        assert store.checkpoints.started == started


def test_no_checkpointer_without_a_file(tmp_path: Path) -> None:
    with Store("sqlite:///:memory:") as store:
        assert store.checkpoints is None
