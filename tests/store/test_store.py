"""The store on SQLite and PostgreSQL: writes, events, stale writes, verify and tampering."""

from __future__ import annotations

import pytest
from helpers import CYCLE, add_people, make_job
from sqlalchemy import text

from pmwidgets.domain import Person, Workbook
from pmwidgets.store import InvalidEntry, MissingEntry, StaleWrite, Store


def workbook(store: Store) -> int:
    wb = store.add_workbook(
        Workbook(employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1]),
        "boss",
    )
    assert wb.id is not None and wb.version == 1
    return wb.id


def test_people_and_library(store: Store) -> None:
    add_people(store)
    assert [p.id for p in store.find_people()] == [
        "admin",
        "boss",
        "coach",
        "coach2",
        "emp",
        "other",
    ]
    assert store.get_person("emp").manager_id == "boss"
    with pytest.raises(MissingEntry, match="no person"):
        store.get_person("nobody")
    with pytest.raises(InvalidEntry, match="already exists"):
        store.add_person(Person(id="emp", name="Again"), "admin")
    with pytest.raises(InvalidEntry, match="manager ghost does not exist"):
        store.add_person(Person(id="new", name="New", manager_id="ghost"), "admin")
    job_id = store.add_job(make_job(), "admin")
    assert store.get_job(job_id) == make_job()
    assert store.find_jobs("technician")[0][0] == job_id
    assert store.find_jobs("nothing like it") == []


def test_every_write_is_an_event_with_before_and_after(store: Store) -> None:
    add_people(store)
    wb = workbook(store)
    with store.write(wb, 1, "emp") as w:
        n = w.put("objective", None, {"title": "first"}, "proposed")
    with store.write(wb, 2, "boss", facilitator_id="coach") as w:
        w.put("objective", n, {"title": "second"}, "clearer")
    with store.write(wb, 3, "boss") as w:
        w.remove("objective", n, "dropped")
    events = store.events(wb)
    assert [e.action for e in events] == [
        "workbook.created",
        "objective.added",
        "objective.updated",
        "objective.removed",
    ]
    added, updated, removed = events[1:]
    assert (added.actor_id, added.before, added.after["content"]) == (
        "emp",
        None,
        {"title": "first"},
    )
    assert (updated.before["content"], updated.after["content"], updated.reason) == (
        {"title": "first"},
        {"title": "second"},
        "clearer",
    )
    assert updated.facilitator_id == "coach" and removed.after is None
    assert [e.workbook_version for e in events] == [1, 2, 3, 4]
    assert store.latest_version(wb) == 4
    # numbers of removed records are never reused
    with store.write(wb, 4, "emp") as w:
        assert w.put("objective", None, {"title": "third"}) == n + 1


def test_stale_write_is_refused_naming_what_changed(store: Store) -> None:
    add_people(store)
    wb = workbook(store)
    with store.write(wb, 1, "emp") as w:
        w.put("objective", None, {"title": "Cut delays"})
    with pytest.raises(StaleWrite) as info, store.write(wb, 1, "boss") as w:
        w.put("objective", None, {"title": "mine"})
    stale = info.value  # data, not words: the sentence is written above the store
    assert (stale.workbook_id, stale.expected_version, stale.current_version) == (wb, 1, 2)
    ((change,),) = (stale.changes,)
    assert (change.actor, change.action, change.entity_key) == (
        "Eli Employee",
        "objective.added",
        f"{wb}/objective/1",
    )
    assert change.content == {"content": {"title": "Cut delays"}, "kind": "objective", "number": 1}
    assert stale.earlier == 0 and stale.sentence is None
    assert [e.action for e in store.events(wb)] == ["workbook.created", "objective.added"]


def test_a_failed_unit_stores_nothing(store: Store) -> None:
    add_people(store)
    wb = workbook(store)
    with pytest.raises(RuntimeError), store.write(wb, 1, "emp") as w:
        w.put("objective", None, {"title": "half"})
        raise RuntimeError("boom")
    assert store.latest_version(wb) == 1
    assert len(store.events(wb)) == 1
    assert store.verify().ok


def test_a_write_that_changes_nothing_keeps_the_version(store: Store) -> None:
    add_people(store)
    wb = workbook(store)
    with store.write(wb, 1, "emp") as w:
        w.put("objective", None, {"title": "same"})
    with store.write(wb, 2, "emp") as w:
        w.put("objective", 1, {"title": "same"})
    assert store.latest_version(wb) == 2


def test_verify_passes_then_names_a_tampered_objective(store: Store) -> None:
    add_people(store)
    wb = workbook(store)
    with store.write(wb, 1, "emp") as w:
        w.put("objective", None, {"title": "Cut delays", "target": "2"})
    report = store.verify()
    assert report.ok and report.events == 8 and report.rows == 8
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE records SET content = replace(content, '\"2\"', '\"20\"')"))
    report = store.verify()
    assert not report.ok
    assert (
        report.problem
        == f"objective 1 of workbook {wb}: stored content differs from its last recorded event"
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE events SET reason = 'rewritten' WHERE seq = 3",
            "event #3 (person.added emp): its content was changed",
        ),
        ("DELETE FROM events WHERE seq = 4", "event #4: missing from the event log"),
        ("UPDATE events SET seq = seq + 100 WHERE seq = 2", "event #2: missing"),
        ("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)", "the chain head names it"),
        (
            "UPDATE people SET name = 'Mallory' WHERE id = 'emp'",
            "person emp: stored content differs",
        ),
        ("UPDATE workbooks SET stage = 'closed'", "workbook 1: stored content differs"),
        (
            "INSERT INTO records (workbook_id, kind, number, content, author_id, updated_at) "
            "VALUES (1, 'objective', 9, '{}', 'emp', 'x')",
            "objective 9 of workbook 1: stored without any event",
        ),
        ("DELETE FROM records", "recorded in the event log but missing from the database"),
    ],
)
def test_tampering_is_detected(store: Store, sql: str, expected: str) -> None:
    add_people(store)
    wb = workbook(store)
    with store.write(wb, 1, "emp") as w:
        w.put("objective", None, {"title": "t"})
    assert store.verify().ok
    with store.engine.begin() as conn:
        conn.execute(text(sql))
    report = store.verify()
    assert not report.ok and expected in report.problem, report.problem


def test_reordered_events_are_detected(store: Store) -> None:
    add_people(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE events SET seq = 100 WHERE seq = 2"))
        conn.execute(text("UPDATE events SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE events SET seq = 3 WHERE seq = 100"))
    report = store.verify()
    assert not report.ok and "event #2" in report.problem


def test_missing_workbook(store: Store) -> None:
    with pytest.raises(MissingEntry, match="workbook 42 does not exist"):
        store.get_workbook(42)
    with pytest.raises(MissingEntry), store.write(42, 1, "x"):
        pass
