"""Rows stored with their ids given leave the next ordinary insert a free id, on each backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers import add_people

from pmwidgets.domain import Person
from pmwidgets.services import Services
from pmwidgets.store import Store

CYCLE = (dt.date(2026, 9, 1), dt.date(2027, 8, 31))


def test_new_workbooks_after_an_import_that_kept_its_number(store: Store, tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'source.sqlite3'}") as source:  # another database's no. 3
        add_people(source)
        op = Services.operator(source)
        for i in range(3):
            op.add_person(Person(id=f"e{i}", name=f"Employee {i}", manager_id="boss"))
            op.create_workbook(f"e{i}", "boss", *CYCLE)
        data = op.export_workbook(3, include_private=True)
    add_people(store)
    op = Services.operator(store)
    assert op.import_workbook(data) == 3
    ids = []
    for i in range(3):
        op.add_person(Person(id=f"n{i}", name=f"Newcomer {i}", manager_id="boss"))
        ids.append(op.create_workbook(f"n{i}", "boss", *CYCLE).id)
    assert ids == [1, 2, 4] or ids == [4, 5, 6]  # PostgreSQL fills from 1; SQLite goes on
    assert 3 not in ids and store.verify().ok


def test_sqlite_is_left_alone(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'x.sqlite3'}") as store:
        add_people(store)
        op = Services.operator(store)
        op.add_person(Person(id="e0", name="Employee 0", manager_id="boss"))
        assert op.create_workbook("e0", "boss", *CYCLE).id == 1
