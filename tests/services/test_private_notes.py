"""A private note is its author's alone, on every way out of the store: the page, the
write path, the history, an export, a refused save's message and the dashboard.

Who may see a note is decided in services/access.py (``may_see_note``, and whom a
reading is for); the store applies that rule and decides nothing itself."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import new_workbook

from pmwidgets.domain import NotAllowed
from pmwidgets.services import Services, StaleWrite
from pmwidgets.services.frames import workbook_summaries
from pmwidgets.store import PrivateNotes, Store

ELI = "Ask about the Friday group"
BEA = "Bea's own reminder"


def _with_notes(store: Store) -> int:
    """A workbook in which the employee and the manager each wrote a private note."""
    wb = new_workbook(store)
    Services(store, "emp").add_note(wb, ELI)
    Services(store, "boss").add_note(wb, BEA)
    return wb


def test_a_page_shows_its_reader_their_own_notes_and_nobody_s_on_a_shared_screen(
    people_store: Store,
) -> None:
    store = people_store
    wb = _with_notes(store)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    assert [n.text for n in emp.open(wb).notes] == [ELI]
    assert [n.text for n in boss.open(wb).notes] == [BEA]
    coach = Services(store, "coach")
    for svc in (coach, Services(store, "admin"), Services.operator(store)):
        assert svc.open(wb).notes == ()
    for shared in (coach.acting_as("emp"), coach.acting_as("boss")):
        assert shared.open(wb).notes == ()
        assert shared._state_for_write(wb).notes == ()  # the write path reads the same
        assert not [e for e in shared.history(wb) if e.action.startswith("note.")]
    assert [n.text for n in emp._state_for_write(wb).notes] == [ELI]


def test_an_export_holds_its_reader_s_own_notes_and_none_on_a_shared_screen(
    people_store: Store,
) -> None:
    store = people_store
    wb = _with_notes(store)
    mine = str(Services(store, "emp").export_workbook(wb))
    assert ELI in mine and BEA not in mine
    theirs = str(Services(store, "boss").export_workbook(wb))
    assert BEA in theirs and ELI not in theirs
    shared = str(Services(store, "coach").acting_as("emp").export_workbook(wb))
    assert ELI not in shared and BEA not in shared and "note." not in shared
    with pytest.raises(NotAllowed):
        Services(store, "admin").export_workbook(wb, include_private=True)
    full = str(Services.operator(store).export_workbook(wb, include_private=True))
    assert ELI in full and BEA in full


def test_a_refused_save_names_no_note_not_even_to_its_author(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    seen = store.latest_version(wb)
    Services(store, "emp").add_note(wb, ELI)
    for who in ("emp", "boss"):
        with pytest.raises(StaleWrite) as refused, store.write(wb, seen, who) as w:
            w.put("objective", None, {"title": "mine"})
        assert "note" not in str(refused.value) and "Friday" not in str(refused.value)
        assert "a change was made" in str(refused.value)


def test_the_dashboard_holds_no_note(people_store: Store) -> None:
    store = people_store
    _with_notes(store)
    for who in ("emp", "boss", "coach", "admin"):
        rows = workbook_summaries(Services(store, who), dt.date(2026, 12, 1))
        assert rows and ELI not in str(rows) and BEA not in str(rows)


def test_the_store_follows_the_rule_it_is_given(
    people_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store decides nothing about notes: with another rule (here, absurdly, the
    manager reads everyone's and nobody their own), its readings and exports follow it."""
    store = people_store
    wb = _with_notes(store)

    def managers_read_notes(reader: str | None, author: str | None) -> bool:
        return reader == "boss"

    monkeypatch.setattr(PrivateNotes, "shown", managers_read_notes)
    assert sorted(n.text for n in store.load(wb, "boss").notes) == sorted([ELI, BEA])
    assert store.load(wb, "emp").notes == ()
    assert ELI in str(store.dump_workbook(wb, "boss"))
    assert ELI not in str(store.dump_workbook(wb, "emp"))
    monkeypatch.undo()
    # the states kept under the other rule are not served under the services' own
    assert [n.text for n in store.load(wb, "emp").notes] == [ELI]
    assert [n.text for n in store.load(wb, "boss").notes] == [BEA]
