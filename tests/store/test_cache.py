"""What a store keeps of a workbook between reads is always what a fresh read gives.

A store keeps the content it last read or wrote of each workbook (``store/cache.py``);
a read then fetches only the header when nothing changed. These tests hold it to
the database: after every kind of write the demo builder makes, after another
process's write, after a write that fails, and after a backup is put back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import CYCLE, add_people
from sqlalchemy import Engine, event

from pmwidgets.demo.builder import build_demo
from pmwidgets.domain import Workbook
from pmwidgets.domain.errors import EditConflict
from pmwidgets.domain.state import WorkbookState
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.store.cache import read_content, read_header


def fresh(store: Store, workbook_id: int, viewer: str | None) -> WorkbookState:
    """The workbook read from the database, without anything kept."""
    with store.reading_core() as conn:
        header = read_header(conn, workbook_id)
        assert header is not None
        kept = read_content(conn, header)
    state = type(store.cache)().state(kept, viewer)
    return state


def statements(call: Callable[[], object]) -> list[str]:
    """The SQL statements ``call`` runs (transaction control left out)."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return [q for q in seen if not q.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


class CheckingStore(Store):
    """A store that, after each unit of work, compares what it keeps with the database."""

    checked = 0
    patched = 0

    @contextmanager
    def write(self, workbook_id: int, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with super().write(workbook_id, *args, **kwargs) as writer:
            yield writer
        kept = self.cache._entries.get(workbook_id)
        if kept is not None:
            self.patched += 1
        wb = self.get_workbook(workbook_id)
        for viewer in (wb.employee_id, wb.manager_id, wb.coach_id, None):
            assert self.load(workbook_id, viewer) == fresh(self, workbook_id, viewer)
        self.checked += 1


def test_what_is_kept_after_each_write_of_the_demo_is_what_the_database_holds(
    db_url: str,
) -> None:
    """The demo builder writes every kind of content through the services, on five
    workbooks: objectives added, changed and removed, coverage reasons, job descriptions,
    plans, check-ins with amendments that reopen agreements, confirmations that agree and
    move the stage, reviews, private notes; after each, the kept state is the fresh one."""
    with CheckingStore(db_url) as store:
        build_demo(store)
        assert store.checked > 50, store.checked
        # the writes kept what they made (rather than dropping it), nearly every time
        assert store.patched > 0.9 * store.checked, (store.patched, store.checked)


def test_a_read_after_nothing_changed_or_after_a_write_here_reads_the_header_only(
    demo: Store,
) -> None:
    svc = Services(demo, "tnguyen")
    state = svc.open(2)
    again = statements(lambda: demo.load(2, "tnguyen"))
    assert len(again) == 1 and "FROM workbooks" in again[0]  # the header alone
    objective = state.objectives[0].model_copy(update={"target": "9 of 10 sessions"})
    version = svc.update_objective(2, objective.id or 0, objective, state.workbook.version)
    read = statements(lambda: svc.open(2))
    assert not [q for q in read if "FROM records" in q or "FROM agreements" in q]
    after = svc.open(2)
    assert after.workbook.version == version
    assert after.objective(objective.id or 0).target == "9 of 10 sessions"  # type: ignore[union-attr]
    assert after == fresh(demo, 2, "tnguyen")


def test_another_process_s_write_is_read_and_a_stale_write_never_reverts_it(
    demo_url: str,
) -> None:
    with Store(demo_url) as mine, Store(demo_url) as theirs:
        me, them = Services(mine, "tnguyen"), Services(theirs, "rokafor")
        seen = me.open(2)
        other = them.open(2)
        changed = other.objectives[0].model_copy(update={"target": "4 of 5"})
        them.update_objective(2, changed.id or 0, changed, other.workbook.version)
        # what this store kept is of an older version: it reads the workbook again
        now = me.open(2)
        assert now.workbook.version == seen.workbook.version + 1
        assert now.objective(changed.id or 0).target == "4 of 5"  # type: ignore[union-attr]
        assert now == fresh(mine, 2, "tnguyen")
        # a save of the same field based on what was seen before stores nothing: both
        # values go back to the author, who chooses (the other's change is never lost)
        mine_too = seen.objectives[0].model_copy(update={"target": "Mine"})
        with pytest.raises(EditConflict, match="Richard Okafor also changed"):
            me.update_objective(2, mine_too.id or 0, mine_too, seen.workbook.version)
        assert me.open(2) == fresh(mine, 2, "tnguyen")


def test_a_failed_or_empty_unit_leaves_what_is_kept_true(store: Store) -> None:
    add_people(store)
    wb = store.add_workbook(
        Workbook(employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1]),
        "boss",
    )
    wb_id = wb.id or 0
    with store.write(wb_id, 1, "emp") as w:
        w.put("note", None, {"author": "emp", "text": "kept"})
    before = store.load(wb_id, "emp")
    with pytest.raises(RuntimeError), store.write(wb_id, 2, "emp") as w:
        w.put("note", None, {"author": "emp", "text": "rolled back"})
        raise RuntimeError("boom")
    with store.write(wb_id, 2, "emp") as w:
        w.put("note", 1, {"author": "emp", "text": "kept"})  # the same: nothing stored
    assert store.load(wb_id, "emp") is before
    assert before == fresh(store, wb_id, "emp")
    assert [n.text for n in before.notes] == ["kept"]
    assert store.load(wb_id, "boss").notes == ()  # private notes stay private


def test_a_backup_put_back_is_read_again(sqlite_url: str, tmp_path: Path) -> None:
    with Store(sqlite_url) as store:
        build_demo(store)
        svc = Services(store, "tnguyen")
        before = svc.open(2)
        store.backup(tmp_path / "copy.sqlite3")
        objective = before.objectives[0].model_copy(update={"target": "Changed after the copy"})
        svc.update_objective(2, objective.id or 0, objective, before.workbook.version)
        assert svc.open(2).objective(objective.id or 0).target == "Changed after the copy"  # type: ignore[union-attr]
        store.restore(tmp_path / "copy.sqlite3")
    with Store(sqlite_url) as store:
        assert Services(store, "tnguyen").open(2) == before


def test_the_store_holds_a_workbook_row_in_one_type_with_its_columns() -> None:
    import dataclasses

    from pmwidgets.store.models import WorkbookRow
    from pmwidgets.store.writer import HEAD_COLUMNS, WorkbookHead

    assert tuple(f.name for f in dataclasses.fields(WorkbookHead)) == (*HEAD_COLUMNS, "last_event")
    assert set(HEAD_COLUMNS) <= set(WorkbookRow.__table__.columns.keys())
