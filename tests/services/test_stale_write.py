"""A save based on an older version: the store says what changed, the services say it in words."""

from __future__ import annotations

import pytest
from helpers import CYCLE, add_people

from pmwidgets.domain import Workbook
from pmwidgets.services import StaleWrite
from pmwidgets.services.stale import stale_sentence
from pmwidgets.store import Store


def _workbook(store: Store) -> int:
    wb = store.add_workbook(
        Workbook(employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1]),
        actor_id="boss",
    )
    assert wb.id is not None
    return wb.id


def test_the_stale_sentence_names_what_changed(sqlite_store: Store) -> None:
    add_people(sqlite_store)
    wb = _workbook(sqlite_store)
    with sqlite_store.write(wb, 1, "emp") as w:
        w.put("objective", None, {"title": "Cut delays"})
    with pytest.raises(StaleWrite) as info, sqlite_store.write(wb, 1, "boss") as w:
        w.put("objective", None, {"title": "mine"})
    msg = str(info.value)
    assert msg == stale_sentence(info.value)
    assert msg.startswith(
        f"not saved: workbook {wb} changed since you opened it (version 1, now 2): "
    )
    assert "Eli Employee added objective 1 “Cut delays” at " in msg
    assert msg.endswith(" UTC. Look at their changes, then save yours again.")


def test_only_the_latest_three_changes_are_named_and_notes_never(sqlite_store: Store) -> None:
    add_people(sqlite_store)
    wb = _workbook(sqlite_store)
    for n, title in enumerate(("a", "b", "c", "d"), start=1):
        with sqlite_store.write(wb, n, "emp") as w:
            w.put("objective", None, {"title": title})
    with sqlite_store.write(wb, 5, "emp") as w:
        w.put("note", None, {"text": "private"})
    with pytest.raises(StaleWrite) as info, sqlite_store.write(wb, 1, "boss") as w:
        w.put("objective", None, {"title": "mine"})
    msg = str(info.value)
    assert "(version 1, now 6)" in msg and " (and 2 earlier changes). Look" in msg
    assert "“c”" in msg and "“d”" in msg and "“b”" not in msg
    assert "note" not in msg and "private" not in msg


def test_a_sentence_written_by_the_services_is_kept() -> None:
    assert str(StaleWrite("save again", 3)) == "save again"
