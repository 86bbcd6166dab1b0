"""Migrations, online backup, and concurrent writers keeping one unbroken chain."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest
from helpers import CYCLE, add_people
from sqlalchemy import create_engine, text

from pmwidgets.domain import Workbook
from pmwidgets.store import SchemaOutOfDate, StaleWrite, Store, StoreError
from pmwidgets.store.schema import HEAD, current_revision


def test_new_database_is_created_at_head(sqlite_url: str) -> None:
    with Store(sqlite_url) as s:
        assert current_revision(s.engine) == HEAD


def test_refuses_a_database_it_may_not_create(tmp_path: Path) -> None:
    (tmp_path / "empty.sqlite3").touch()
    with pytest.raises(SchemaOutOfDate, match="pmw db upgrade"):
        Store(f"sqlite:///{tmp_path / 'empty.sqlite3'}", create=False)


def test_a_database_that_does_not_exist_is_not_made_when_it_may_not_be_created(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "typo" / "pmw.sqlite3"
    with pytest.raises(StoreError, match=f"no database at {missing}"):
        Store(f"sqlite:///{missing}", create=False)
    assert not missing.parent.exists()


def test_upgrade_backs_up_an_sqlite_file_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a database from before pmwidgets had a schema
        conn.execute(text("CREATE TABLE notes_from_elsewhere (x TEXT)"))
        conn.execute(text("INSERT INTO notes_from_elsewhere VALUES ('kept')"))
    engine.dispose()
    with pytest.raises(SchemaOutOfDate):
        Store(f"sqlite:///{path}", create=False)
    with Store(f"sqlite:///{path}", check_schema=False) as s:
        backup = s.upgrade()
    assert backup is not None and backup.exists()
    assert sqlite3.connect(backup).execute("SELECT x FROM notes_from_elsewhere").fetchone() == (
        "kept",
    )
    with Store(f"sqlite:///{path}", create=False) as s:
        assert current_revision(s.engine) == HEAD


def test_online_backup_while_in_use(sqlite_store: Store, tmp_path: Path) -> None:
    add_people(sqlite_store)
    dest = sqlite_store.backup(tmp_path / "copy.sqlite3").path
    with Store(f"sqlite:///{dest}") as copy:
        assert [p.id for p in copy.find_people()] == [p.id for p in sqlite_store.find_people()]
        assert copy.verify().ok


def _writer(url: str, wb: int, who: str, n: int, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    acknowledged, refused = 0, 0
    with Store(url) as s:
        for i in range(n):
            version = s.latest_version(wb)
            try:
                with s.write(wb, version, who) as w:
                    w.put("objective", None, {"title": f"{who} {i}"})
                acknowledged += 1
            except StaleWrite:
                refused += 1
    queue.put((acknowledged, refused))


@pytest.mark.parametrize("writers", [4])
def test_concurrent_writers_keep_one_chain(db_url: str, writers: int) -> None:
    with Store(db_url) as s:
        add_people(s)
        wb = s.add_workbook(
            Workbook(
                employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1]
            ),
            "boss",
        ).id
    assert wb is not None
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [
        ctx.Process(target=_writer, args=(db_url, wb, who, 15, queue))
        for who in ["emp", "boss", "coach", "admin"][:writers]
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    acknowledged = sum(a for a, _ in results)
    assert acknowledged + sum(r for _, r in results) == 15 * writers
    with Store(db_url) as s:
        with s.engine.connect() as conn:  # every acknowledged write is there
            assert conn.execute(text("SELECT count(*) FROM records")).scalar() == acknowledged
        assert s.latest_version(wb) == 1 + acknowledged
        report = s.verify()
        assert report.ok, report.problem
