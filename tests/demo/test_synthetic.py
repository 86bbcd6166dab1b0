"""The synthetic organisation (``pmw demo --people N``): its shape, its stages, its history."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import make_job

from pmwidgets.demo.synthetic import _employees, build_synthetic, cycle_for, people_for
from pmwidgets.domain import AgreementStatus, Person, Stage, ValidationFailed, WorkbookState
from pmwidgets.services import Services
from pmwidgets.store import StaleWrite, Store, StoreError

TODAY = dt.date(2027, 6, 15)
PEOPLE = 30


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[int]]]:
    """Thirty people built once for the module (the tests only read)."""
    path = tmp_path_factory.mktemp("synthetic") / "org.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        calls: list[tuple[int, int]] = []
        ids = build_synthetic(store, PEOPLE, seed=7, today=TODAY, progress=_record(calls))
        assert calls[-1] == (len(ids), len(ids))
        assert [done for done, _ in calls] == list(range(1, len(ids) + 1))
        yield store, ids


def _record(calls: list[tuple[int, int]]) -> Any:
    return lambda done, total: calls.append((done, total))


@pytest.fixture(scope="module")
def states(built: tuple[Store, list[int]]) -> dict[int, WorkbookState]:
    store, ids = built
    op = Services.operator(store)
    return {i: op.open(i) for i in ids}


def test_people_roles_and_hierarchy(built: tuple[Store, list[int]]) -> None:
    store, ids = built
    people = {p.id: p for p in store.find_people()}
    assert len(people) == PEOPLE
    assert sorted(people) == [f"p{i:04d}" for i in range(1, PEOPLE + 1)]
    assert len({p.name for p in people.values()}) == PEOPLE
    roles = Counter(r.value for p in people.values() for r in p.roles)
    assert roles["admin"] == 1 and roles["coach"] >= 2
    # about one manager per eight employees
    assert 6 <= roles["employee"] / roles["manager"] <= 10
    managers = [p for p in people.values() if "manager" in p.roles]
    assert sum(p.manager_id is None for p in managers) == 1  # one director
    assert any(people[p.manager_id].roles == p.roles for p in managers if p.manager_id)
    # one workbook per employee, with their line manager
    wbs = Services.operator(store).workbooks()
    assert sorted(w.employee_id for w in wbs) == sorted(
        p.id for p in people.values() if "employee" in p.roles
    )
    assert all(people[w.employee_id].manager_id == w.manager_id for w in wbs)
    assert [w.id for w in wbs] == ids


def test_cycle_contains_today_and_coaches_facilitate_about_half(
    built: tuple[Store, list[int]],
) -> None:
    wbs = Services.operator(built[0]).workbooks()
    assert {(w.cycle_start, w.cycle_end) for w in wbs} == {cycle_for(TODAY)}
    assert cycle_for(TODAY) == (dt.date(2026, 8, 1), dt.date(2027, 7, 31))
    coached = sum(w.coach_id is not None for w in wbs)
    assert 0.25 * len(wbs) <= coached <= 0.75 * len(wbs)


def test_every_stage_and_its_agreements(states: dict[int, WorkbookState]) -> None:
    stages = Counter(s.workbook.stage for s in states.values())
    assert set(stages) == set(Stage)
    assert stages.most_common(1)[0][0] == Stage.CHECK_INS
    order = list(Stage)
    implied = {
        "job_description": Stage.OBJECTIVES,
        "objectives": Stage.DEVELOPMENT,
        "development_plan": Stage.CHECK_INS,
        "review": Stage.CLOSED,
    }
    for state in states.values():
        reached = order.index(state.workbook.stage)
        for subject, stage in implied.items():
            if reached >= order.index(stage):
                assert state.agreement_status(subject) == AgreementStatus.AGREED
                confirmations = state.agreements[subject].confirmations
                assert {c.party for c in confirmations} == {"employee", "manager"}
        if reached >= order.index(Stage.DEVELOPMENT):
            coverage = state.coverage()
            assert coverage is not None and not coverage.missing
            assert coverage.share_covered > 0
        if state.workbook.stage in (Stage.REVIEW, Stage.CLOSED):
            assert state.review.assessments
        if state.workbook.stage == Stage.CLOSED:
            assert {a.by for a in state.review.assessments} == {"employee", "manager"}


def test_objectives_cite_their_job_and_weigh_100(states: dict[int, WorkbookState]) -> None:
    with_objectives = [s for s in states.values() if s.objectives]
    assert len(with_objectives) >= len(states) // 2
    for state in with_objectives:
        assert state.job is not None
        assert 3 <= len(state.objectives) <= 6
        assert sum(o.weight for o in state.objectives) == 100
        for o in state.objectives:
            assert o.responsibilities
            assert all(state.job.responsibility(n) is not None for n in o.responsibilities)
            assert state.workbook.contains(o.due)
            if o.measure:  # one-sided workbooks may hold a vague objective, as in life
                assert any(ch.isdigit() for ch in o.target)
    objectives = [o for s in with_objectives for o in s.objectives]
    assert sum(bool(o.measure) for o in objectives) >= 0.9 * len(objectives)


def test_one_sided_and_overdue_workbooks(
    built: tuple[Store, list[int]], states: dict[int, WorkbookState]
) -> None:
    op = Services.operator(built[0])
    one_sided = [i for i in states if op.participation(i).one_sided == "employee"]
    assert one_sided
    assert all(states[i].workbook.stage == Stage.OBJECTIVES for i in one_sided)
    limit = TODAY - dt.timedelta(weeks=8)
    overdue = [
        s
        for s in states.values()
        if s.workbook.stage == Stage.CHECK_INS and s.check_ins and s.check_ins[-1].on < limit
    ]
    assert overdue
    current = [s for s in states.values() if s.check_ins and s.check_ins[-1].on >= limit]
    assert len(current) > len(overdue)


def test_plans_check_ins_and_history(
    built: tuple[Store, list[int]], states: dict[int, WorkbookState]
) -> None:
    kinds = Counter(a.kind for s in states.values() for a in s.plan.actions)
    assert set(kinds) == {"experience", "exposure", "education"}
    assert kinds["experience"] > kinds["exposure"] and kinds["experience"] > kinds["education"]
    assert any(s.plan.support for s in states.values())
    counts = [len(s.check_ins) for s in states.values() if s.workbook.stage == Stage.CHECK_INS]
    assert max(counts) <= 6 and len(set(counts)) > 1
    for state in states.values():
        if state.workbook.stage in (Stage.CHECK_INS, Stage.REVIEW, Stage.CLOSED):
            ratings = {r.by for r in state.plan.ratings}
            assert ratings == {"employee", "manager"}
        for check_in in state.check_ins:
            assert check_in.progress and check_in.goal and check_in.will
    store, ids = built
    start = cycle_for(TODAY)[0]
    for wb_id in ids:
        days = [dt.date.fromisoformat(e.at[:10]) for e in store.events(wb_id)]
        assert days == sorted(days)
        assert start <= days[0] and days[-1] <= TODAY
    assert store.verify().ok


def _signature(store: Store) -> list[tuple[Any, ...]]:
    op = Services.operator(store)
    result = []
    for wb in op.workbooks():
        state = op.open(wb.id or 0)
        result.append(
            (
                wb.employee_id,
                wb.coach_id,
                wb.stage,
                state.job.title if state.job else None,
                tuple(o.title for o in state.objectives),
                tuple(c.on for c in state.check_ins),
            )
        )
    return result


def test_same_seed_same_organisation(
    built: tuple[Store, list[int]], sqlite_store: Store, tmp_path: Any
) -> None:
    build_synthetic(sqlite_store, PEOPLE, seed=7, today=TODAY)
    assert _signature(sqlite_store) == _signature(built[0])
    assert sqlite_store.verify().ok
    with Store(f"sqlite:///{tmp_path / 'other.sqlite3'}") as other:
        build_synthetic(other, PEOPLE, seed=8, today=TODAY)
        assert _signature(other) != _signature(built[0])


def test_refuses_a_database_with_people(sqlite_store: Store) -> None:
    sqlite_store.add_person(Person(id="ann", name="Ann"), actor_id="setup")
    with pytest.raises(ValidationFailed, match="already has people"):
        build_synthetic(sqlite_store, PEOPLE, today=TODAY)
    assert [p.id for p in sqlite_store.find_people()] == ["ann"]
    assert sqlite_store.find_workbooks() == []


def test_refuses_too_few_people(sqlite_store: Store) -> None:
    with pytest.raises(ValidationFailed, match="at least 10"):
        build_synthetic(sqlite_store, 9, today=TODAY)
    assert sqlite_store.find_people() == []


# --- building in bulk ----------------------------------------------------------------

TABLES = {
    "people": "SELECT * FROM people ORDER BY id",
    "workbooks": "SELECT * FROM workbooks ORDER BY id",
    "records": "SELECT workbook_id, kind, number, content, author_id, updated_at FROM records "
    "ORDER BY workbook_id, kind, number",
    "agreements": "SELECT * FROM agreements ORDER BY id",
    "confirmations": "SELECT * FROM confirmations ORDER BY id",
    # people are added at the time of the build: their events' times differ, hence all hashes
    "events": "SELECT seq, CASE WHEN entity = 'person' THEN '' ELSE at END, actor_id, "
    "facilitator_id, workbook_id, workbook_version, action, entity, entity_key, reason, before, "
    "after FROM events ORDER BY seq",
}


def _tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {name: [tuple(r) for r in conn.exec_driver_sql(q)] for name, q in TABLES.items()}


def test_bulk_build_stores_what_the_services_store(tmp_path: Any) -> None:
    """Staged in memory and stored in bulk, or one transaction per change: the same rows,
    the same events (authors, facilitators, reasons, times, before and after)."""
    tables = []
    for bulk in (False, True):
        with Store(f"sqlite:///{tmp_path / f'bulk-{bulk}.sqlite3'}") as store:
            ids = build_synthetic(store, 24, seed=5, today=TODAY, bulk=bulk)
            assert store.verify().ok
            assert ids == [w.id for w in store.find_workbooks()]
            tables.append(_tables(store))
    slow, fast = tables
    assert len(fast["events"]) > 300 and len(fast["confirmations"]) > 20
    for name in TABLES:
        assert fast[name] == slow[name], name


def test_bulk_build_on_each_backend_then_ordinary_writes(store: Store) -> None:
    """Ids given in bulk leave PostgreSQL's sequences where the next insert can go on."""
    ids = build_synthetic(store, 12, seed=2, today=TODAY)
    assert store.verify().ok
    op = Services.operator(store)
    op.add_person(Person(id="zz", name="Zed New", manager_id="p0001"))
    wb = op.create_workbook("zz", "p0001", *cycle_for(TODAY))
    assert wb.id == max(ids) + 1
    mgr = Services(store, "p0001")  # a new agreement, with its confirmation
    mgr.set_job_description(wb.id, make_job(), mgr.open(wb.id).workbook.version)
    mgr.confirm(wb.id, "job_description", mgr.open(wb.id).subject_hash("job_description"))
    assert mgr.open(wb.id).agreements["job_description"].confirmations[0].person_id == "p0001"
    assert store.verify().ok


def test_a_failed_write_in_a_bulk_load_stores_nothing_since_its_last_commit(
    sqlite_store: Store,
) -> None:
    """The error reaches the builder, what was committed stays, the rest is rolled back,
    and the load takes no more writes: nothing is stored half-way."""
    with pytest.raises(StoreError, match="already exists"), sqlite_store.bulk() as load:
        sqlite_store.add_person(Person(id="ann", name="Ann"), actor_id="setup")
        load.commit()
        sqlite_store.add_person(Person(id="bob", name="Bob"), actor_id="setup")
        try:
            sqlite_store.add_person(Person(id="bob", name="Bob"), actor_id="setup")
        finally:
            with pytest.raises(StoreError, match="stopped at an error"):
                sqlite_store.add_person(Person(id="cy", name="Cy"), actor_id="setup")
    assert [p.id for p in sqlite_store.find_people()] == ["ann"]
    assert [e.entity_key for e in sqlite_store.events()] == ["ann"]
    assert sqlite_store.verify().ok


def test_a_bulk_load_goes_on_after_someone_elses_write_between_its_commits(
    tmp_path: Any,
) -> None:
    """After each commit the chain's head is read again: another writer's events in
    between are chained, not overwritten."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with Store(url) as builder, Store(url) as other:
        with builder.bulk() as load:
            builder.add_person(Person(id="ann", name="Ann"), actor_id="setup")
            load.commit()
            other.add_person(Person(id="bob", name="Bob"), actor_id="setup")
            builder.add_person(Person(id="cy", name="Cy"), actor_id="setup")
        assert [e.entity_key for e in other.events()] == ["ann", "bob", "cy"]
        assert other.verify().ok


def test_a_write_that_changes_nothing_in_a_bulk_load_makes_no_version(store: Store) -> None:
    ids = build_synthetic(store, 12, seed=2, today=TODAY)
    before = store.latest_version(ids[0])
    with store.bulk():
        store.load(ids[0], None)  # cached: the load's writer knows its rows
        with store.write(ids[0], before, actor_id="p0001"):
            pass  # a unit that changes nothing
        assert store.latest_version(ids[0]) == before
    assert store.latest_version(ids[0]) == before and store.verify().ok


def test_a_bulk_load_refuses_a_stale_write_as_any_write_does(store: Store) -> None:
    ids = build_synthetic(store, 12, seed=2, today=TODAY)
    version = store.latest_version(ids[0])
    with pytest.raises(StaleWrite) as refused, store.bulk():
        store.load(ids[0], None)
        with store.write(ids[0], version - 1, actor_id="p0001"):
            pass
    assert refused.value.current_version == version
    assert store.verify().ok


def test_more_objectives_for_benchmarks(sqlite_store: Store) -> None:
    build_synthetic(sqlite_store, 20, seed=4, today=TODAY, objectives=(9, 10))
    op = Services.operator(sqlite_store)
    counts = [len(op.open(w.id or 0).objectives) for w in op.workbooks()]
    assert max(counts) == 10 and min(c for c in counts if c) >= 8
    assert sqlite_store.verify().ok
    with pytest.raises(ValidationFailed, match="between 1 and 10"):
        build_synthetic(sqlite_store, 20, today=TODAY, objectives=(5, 12))


def test_people_for_a_number_of_workbooks() -> None:
    for workbooks in (10, 173, 1_000, 10_000):
        people = people_for(workbooks)
        assert workbooks <= _employees(people) <= workbooks + 1
