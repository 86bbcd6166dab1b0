"""Bulk mode of the one store (``Store.bulk``): the same writer, checks and events,
with what it wrote kept in memory and stored together; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from helpers import CYCLE, add_people

from pmwidgets.domain import Workbook
from pmwidgets.store import Store, StoreError


def _workbook(store: Store) -> int:
    wb = store.add_workbook(
        Workbook(employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1]),
        "boss",
    )
    assert wb.id is not None
    return wb.id


def _objective(title: str) -> dict[str, object]:
    return {
        "title": title, "responsibilities": [1], "due": str(CYCLE[1]), "weight": 25,
        "proposed_by": "boss",
    }  # fmt: skip


def _build(store: Store, wb_id: int) -> list[int]:
    """Objectives put, changed, removed and added again; returns the numbers given."""
    numbers = []
    for title in ("one", "two", "three"):
        with store.write(wb_id, None, "boss") as w:
            numbers.append(w.put("objective", None, _objective(title)))
        store.load(wb_id, "boss")
    with store.write(wb_id, None, "boss") as w:
        w.put("objective", 2, _objective("two, sharper"), "clearer")
        w.remove("objective", 3, "dropped")
    with store.write(wb_id, None, "boss") as w:  # 3 stays taken, though its event waits
        numbers.append(w.put("objective", None, _objective("four")))
    return numbers


def _everything(store: Store, wb_id: int) -> tuple[object, ...]:
    state = store.load(wb_id, "boss")
    return state.workbook.version, [(o.id, o.title) for o in state.objectives]


def test_bulk_writes_store_what_ordinary_writes_store(db_url: str) -> None:
    with Store(db_url) as store:
        add_people(store)
        plain = _workbook(store)
        assert _build(store, plain) == [1, 2, 3, 4]
        with store.bulk() as load:
            bulk = _workbook(store)
            store.load(bulk, "boss")
            assert _build(store, bulk) == [1, 2, 3, 4]
            assert load.commits == 0
        assert store.verify().ok
        store.cache.clear()  # read both back from the database
        assert _everything(store, plain) == _everything(store, bulk)
        assert _everything(store, bulk)[1] == [(1, "one"), (2, "two, sharper"), (4, "four")]

        def mine(wb: int) -> list[tuple[object, ...]]:
            return [
                (e.actor_id, e.action, e.entity_key.partition("/")[2], e.workbook_version)
                for e in store.events(wb)
            ]

        assert mine(plain) == mine(bulk)


def test_a_bulk_load_commits_by_batch_and_at_its_end(sqlite_store: Store) -> None:
    add_people(sqlite_store)
    with Store(sqlite_store.url) as other, sqlite_store.bulk(batch=2) as load:
        for _ in range(5):
            _workbook(sqlite_store)
            load.done()
        assert load.commits == 2
        assert len(other.find_workbooks()) == 4  # what is committed, seen from elsewhere
    assert len(sqlite_store.find_workbooks()) == 5 and sqlite_store.verify().ok


def test_one_bulk_load_at_a_time(sqlite_store: Store) -> None:
    with (
        sqlite_store.bulk(),
        pytest.raises(StoreError, match="open on this store already"),
        sqlite_store.bulk(),
    ):
        pass
