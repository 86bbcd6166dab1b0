"""Frames across workbooks: they match the store, keep the access rules, never show notes."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from frames_reference import frames_by_workbook
from sqlalchemy import Engine, event

from pmwidgets.demo.builder import build_demo
from pmwidgets.demo.synthetic import build_synthetic
from pmwidgets.domain import AgreementStatus, Person
from pmwidgets.services import Services
from pmwidgets.services.frames import (
    ACTION_COLUMNS,
    CHECK_IN_COLUMNS,
    EVENT_COLUMNS,
    OBJECTIVE_COLUMNS,
    WORKBOOK_COLUMNS,
    Frames,
    WorkbookSummary,
    forget,
    frames,
    summaries_frame,
    warm,
    workbook_summaries,
)
from pmwidgets.store import Store

TODAY = dt.date(2026, 12, 1)
NOTE = "Ask about covering the Friday group"
NAMES = ("workbooks", "objectives", "events", "check_ins", "actions")
SCHEMAS = dict(
    zip(
        NAMES,
        (WORKBOOK_COLUMNS, OBJECTIVE_COLUMNS, EVENT_COLUMNS, CHECK_IN_COLUMNS, ACTION_COLUMNS),
        strict=True,
    )
)


def by_id(f: Frames) -> pd.DataFrame:
    return f.workbooks.set_index("workbook_id")


def plain(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The frame's rows as plain Python values: None for <NA> and NaT, dates as dates."""

    def value(v: object) -> object:
        if v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.date()
        return v.item() if hasattr(v, "item") else v  # numpy scalars

    return [{k: value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def test_workbooks_frame_matches_the_store(demo: Store) -> None:
    svc = Services(demo, "hlambert")
    f = frames(svc, TODAY)
    wbs = by_id(f)
    assert list(wbs.index) == [1, 2, 3, 4, 5]
    for wb_id, row in wbs.iterrows():
        state = svc.open(int(wb_id))
        assert row["stage"] == state.workbook.stage.value
        assert row["stage_label"] == state.workbook.stage.label
        assert row["version"] == state.workbook.version
        assert row["objectives"] == len(state.objectives)
        assert row["weight_total"] == sum(o.weight for o in state.objectives)
        assert row["check_ins"] == len(state.check_ins)
        who = svc.participation(int(wb_id))
        assert (row["employee_contributions"], row["manager_contributions"]) == (
            who.employee,
            who.manager,
        )
    assert wbs["stage"].tolist() == ["check_ins", "objectives", "check_ins", "review", "job_description"]  # fmt: skip
    assert wbs["weight_total"].tolist() == [100, 90, 100, 100, 0]
    assert wbs.loc[1, "employee"] == "Mei Chen" and wbs.loc[1, "manager"] == "Richard Okafor"
    assert wbs.loc[1, "coach"] == "Kate Walsh" and pd.isna(wbs.loc[2, "coach"])
    assert wbs.loc[3, "job_title"] == "Workshop technician"
    assert wbs.loc[1, "last_check_in"] == pd.Timestamp("2026-11-17")
    assert pd.isna(wbs.loc[2, "last_check_in"])


def test_one_sided_only_for_the_employee_written_workbook(demo: Store) -> None:
    wbs = by_id(frames(Services(demo, "hlambert"), TODAY))
    assert wbs.loc[2, "one_sided"] == "employee"
    assert wbs.loc[2, "manager_contributions"] == 0 and wbs.loc[2, "employee_contributions"] == 4
    assert wbs["one_sided"].isna().tolist() == [True, False, True, True, True]


def test_coverage_of_the_job_descriptions(demo: Store) -> None:
    wbs = by_id(frames(Services(demo, "hlambert"), TODAY))
    assert wbs["coverage_share"].tolist() == [100, 65, 85, 85, 0]
    assert wbs["responsibilities"].tolist() == [5, 5, 5, 5, 12]
    assert wbs["responsibilities_covered"].tolist() == [5, 3, 4, 4, 0]
    svc = Services(demo, "rokafor")
    version = svc.open(2).workbook.version
    svc.set_coverage_reason(2, 2, "Assessment moves to the new lead this year", version)
    wbs = by_id(frames(svc, TODAY))
    assert wbs.loc[2, "responsibilities_excused"] == 1
    assert wbs.loc[2, "coverage_share"] == 65  # time covered by objectives, not by reasons


def test_overdue_check_ins_against_a_fixed_day(demo: Store) -> None:
    svc = Services(demo, "hlambert")
    wbs = by_id(frames(svc, TODAY))
    # six weeks after the last conversation (check-in or agreement)
    assert wbs.loc[1, "next_check_in_due"] == pd.Timestamp("2026-12-29")
    assert wbs.loc[3, "next_check_in_due"] == pd.Timestamp("2026-12-17")
    assert wbs.loc[4, "next_check_in_due"] == pd.Timestamp("2026-11-17")
    # workbook 4 is past its due day, but in review: its check-ins are over
    assert wbs["overdue_check_in"].tolist() == [False, False, False, False, False]
    later = by_id(frames(svc, dt.date(2027, 1, 5)))
    # workbooks 2 and 5 are not at the check-in stage yet, 4 is past it: never overdue
    assert later["overdue_check_in"].tolist() == [True, False, True, False, False]
    assert frames(svc, dt.date(2026, 11, 16)).workbooks["overdue_check_in"].sum() == 0


def test_a_workbook_in_review_is_never_overdue(demo: Store) -> None:
    """Overdue check-ins belong to the check-ins stage: once the review has started the
    conversations of the year are over, however long ago the last one was."""
    svc = Services(demo, "hlambert")
    long_after = dt.date(2027, 6, 1)
    for reading in (frames(svc, long_after), frames_by_workbook(svc, long_after)):
        wbs = by_id(reading)
        assert wbs.loc[4, "stage"] == "review"
        assert wbs.loc[4, "last_check_in"] == pd.Timestamp("2026-10-06")  # ~8 months before
        assert wbs.loc[4, "next_check_in_due"] < pd.Timestamp(long_after)
        assert not wbs.loc[4, "overdue_check_in"]
        assert wbs.loc[1, "overdue_check_in"] and wbs.loc[3, "overdue_check_in"]  # check-ins
    rows = {r.workbook_id: r for r in workbook_summaries(svc, long_after)}
    assert rows[4].overdue_check_in is False and rows[1].overdue_check_in is True


def test_overdue_only_in_the_check_ins_stage_of_a_synthetic_organisation(
    synthetic: Store,
) -> None:
    """Every stage, both readings: overdue is exactly "at the check-ins stage and past the
    due day"; workbooks in review or closed that are past it are not."""
    forget()
    svc = Services.operator(synthetic)
    today = dt.date(2027, 9, 1)
    for reading in (frames(svc, today), frames_by_workbook(svc, today)):
        wbs = reading.workbooks
        late = wbs["next_check_in_due"] < pd.Timestamp(today)
        expected = (wbs["stage"] == "check_ins") & late
        assert wbs["overdue_check_in"].tolist() == expected.tolist()
        assert expected.any()
        for stage in ("review", "closed"):  # past the due day, yet not overdue
            assert (late & (wbs["stage"] == stage)).any(), stage
    rows = workbook_summaries(svc, today)
    assert [r.overdue_check_in for r in rows] == expected.tolist()


def test_pending_agreements_say_who_is_awaited(demo: Store) -> None:
    svc = Services(demo, "hlambert")
    pending = ["", "", "objectives version 2: awaiting both", "", ""]  # workbook 3 was reopened
    assert by_id(frames(svc, TODAY))["pending"].tolist() == pending
    emp = Services(demo, "dsilva")  # version 2 of workbook 3's objectives: weights 100, job covered
    emp.confirm(3, "objectives", emp.open(3).subject_hash("objectives"))
    mgr = Services(demo, "hlambert")
    mgr.confirm(5, "job_description", mgr.open(5).subject_hash("job_description"))
    wbs = by_id(frames(svc, TODAY))
    assert wbs.loc[3, "pending"] == "objectives: awaiting manager"
    assert wbs.loc[5, "pending"] == "job description: awaiting employee"
    assert wbs["pending"].tolist().count("") == 3
    objectives = frames(svc, TODAY).objectives
    assert not objectives[objectives.workbook_id == 3]["agreed"].any()


def test_objectives_frame_with_latest_progress(demo: Store) -> None:
    svc = Services(demo, "hlambert")
    obj = frames(svc, TODAY).objectives.set_index(["workbook_id", "objective"])
    assert len(obj) == sum(len(svc.open(w.id or 0).objectives) for w in svc.workbooks())
    first = obj.loc[(1, 1)]
    assert first["title"] == "Raise the Level 3 diagnostics pass rate"
    assert first["responsibilities"] == "1, 2" and first["weight"] == 35
    assert first["due"] == pd.Timestamp("2027-06-30") and first["proposed_by"] == "mchen"
    # the newest check-in that mentions each objective
    assert (obj.loc[(1, 1), "latest_percent"], obj.loc[(1, 1), "latest_status"]) == (30, "on_track")
    assert (obj.loc[(1, 2), "latest_percent"], obj.loc[(1, 3), "latest_status"]) == (40, "at_risk")
    assert obj.loc[(4, 2), "latest_status"] == "done"
    assert pd.isna(obj.loc[(2, 1), "latest_percent"])
    assert obj.xs(1, level="workbook_id")["agreed"].all()
    assert not obj.xs(3, level="workbook_id")["agreed"].any()  # amended: version 2 is a draft
    assert svc.open(3).agreement_status("objectives") != AgreementStatus.AGREED


def test_check_ins_and_actions_frames(demo: Store) -> None:
    f = frames(Services(demo, "hlambert"), TODAY)
    assert f.check_ins.groupby("workbook_id").size().to_dict() == {1: 3, 3: 1, 4: 3}
    second = f.check_ins[(f.check_ins.workbook_id == 1) & (f.check_ins.check_in == 2)].iloc[0]
    assert second["author"] == "Richard Okafor" and second["author_id"] == "rokafor"
    assert second["objectives_discussed"] == "1, 3, 4" and second["on"] == pd.Timestamp(
        "2026-11-03"
    )
    assert f.check_ins.set_index(["workbook_id", "check_in"]).loc[(3, 1), "amendments"] == 1
    assert f.actions.groupby("workbook_id").size().to_dict() == {1: 3, 3: 1, 4: 2}
    assert sorted(f.actions[f.actions.workbook_id == 1]["kind"]) == ["education", "experience", "exposure"]  # fmt: skip
    assert f.actions["objective"].dropna().tolist() == [2]
    wbs = by_id(f)
    assert wbs.loc[1, ["actions_experience", "actions_exposure", "actions_education"]].tolist() == [1, 1, 1]  # fmt: skip


def test_every_frame_has_its_declared_columns_and_types(demo: Store) -> None:
    for who in ("hlambert", "lmorris"):  # lmorris has no workbook: empty, but typed
        f = frames(Services(demo, who), TODAY)
        for name, schema in SCHEMAS.items():
            frame = getattr(f, name)
            assert list(frame.columns) == list(schema), name
            assert {c: str(t) for c, t in frame.dtypes.items()} == schema, name
    empty = frames(Services(demo, "lmorris"), TODAY)
    assert all(getattr(empty, name).empty for name in NAMES)
    assert str(frames(Services(demo, "hlambert"), TODAY).events["at"].dt.tz) == "UTC"


def test_summaries_are_the_workbooks_frame_in_plain_python(demo: Store) -> None:
    """The dashboard's rows: the workbooks frame's columns and values, without pandas types."""
    assert WorkbookSummary._fields == tuple(WORKBOOK_COLUMNS)
    svc = Services(demo, "hlambert")
    rows = workbook_summaries(svc, TODAY)
    assert [r.workbook_id for r in rows] == [1, 2, 3, 4, 5]
    assert rows == [WorkbookSummary(**r) for r in plain(frames(svc, TODAY).workbooks)]
    one, two = rows[0], rows[1]
    assert (one.employee, one.coach, two.coach) == ("Mei Chen", "Kate Walsh", None)
    assert one.last_check_in == dt.date(2026, 11, 17) and two.last_check_in is None
    assert type(one.next_check_in_due) is dt.date and type(one.cycle_start) is dt.date
    assert [r.overdue_check_in for r in rows] == [False, False, False, False, False]
    assert [r.one_sided for r in rows] == [None, "employee", None, None, None]
    assert [r.coverage_share for r in rows] == [100, 65, 85, 85, 0]
    for r in rows:  # plain Python values: no numpy or pandas scalar, no NA
        for name, value in r._asdict().items():
            assert value is None or type(value) in (int, str, bool, dt.date), (name, value)
    later = workbook_summaries(svc, dt.date(2027, 1, 5))
    assert [r.overdue_check_in for r in later] == [True, False, True, False, False]
    assert workbook_summaries(Services(demo, "lmorris"), TODAY) == []
    # the frame is built from the same rows, typed
    pd.testing.assert_frame_equal(summaries_frame(rows), frames(svc, TODAY).workbooks)
    assert list(summaries_frame([]).dtypes.astype(str)) == list(WORKBOOK_COLUMNS.values())


@pytest.mark.parametrize(
    ("who", "expected"),
    [("mchen", [1]), ("kwalsh", [1, 3, 4]), ("rokafor", [1, 2, 3]), ("hlambert", [1, 2, 3, 4, 5])],
)
def test_access_rights_apply_to_every_frame(demo: Store, who: str, expected: list[int]) -> None:
    f = frames(Services(demo, who), TODAY)
    for name in NAMES:
        seen = sorted(set(getattr(f, name)["workbook_id"].tolist()))
        assert set(seen) <= set(expected), name
    assert f.workbooks["workbook_id"].tolist() == expected
    assert [r.workbook_id for r in workbook_summaries(Services(demo, who), TODAY)] == expected
    assert sorted(set(f.events["workbook_id"])) == expected
    assert sorted(set(f.objectives["workbook_id"])) == [w for w in expected if w != 5]


def test_private_notes_never_appear(demo: Store) -> None:
    Services(demo, "rokafor").add_note(3, "Private: " + NOTE)
    for who in ("mchen", "rokafor", "kwalsh", "hlambert"):  # including the notes' authors
        f = frames(Services(demo, who), TODAY)
        assert not f.events["action"].str.startswith("note.").any()
        assert not f.events["what"].str.contains("private note").any()
        for name in NAMES:
            frame = getattr(f, name)
            for column in frame.select_dtypes("string").columns:
                assert not frame[column].fillna("").str.contains(NOTE, regex=False).any(), (
                    who,
                    name,
                    column,
                )
    history = Services(demo, "hlambert").history(1)
    f = frames(Services(demo, "hlambert"), TODAY)
    assert len(f.events[f.events.workbook_id == 1]) == len(
        [e for e in history if not e.action.startswith("note.")]
    )


def test_events_say_what_happened_in_words(demo: Store) -> None:
    f = frames(Services(demo, "kwalsh"), TODAY)
    events = f.events
    assert events["seq"].is_monotonic_increasing
    three = events[events.workbook_id == 3]
    what = three["what"].tolist()
    assert "opened the workbook" in what
    assert "moved the workbook to Check-ins" in what
    assert "changed objective 2 “Bring the lift and equipment records up to date”" in what
    assert "reopened the objectives as version 2" in what
    change = three[three["action"] == "objective.updated"].iloc[0]
    assert change["actor"] == "Richard Okafor"
    assert change["reason"].startswith("Amendment agreed in principle")
    assert change["at"] == pd.Timestamp("2026-11-06 10:59", tz="UTC")
    facilitated = three[three["facilitator"].notna()]
    assert set(facilitated["facilitator"]) == {"Kate Walsh"}
    # words, never action codes or keys
    assert not events["what"].str.contains(r"[a-z]\.[a-z]|_|/", regex=True).any()


def test_the_reference_reads_the_log_once_and_opens_each_workbook(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = Services(demo, "hlambert")
    calls = {"events": 0, "open": 0, "history": 0}

    def counting(name: str, fn: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return fn(*args, **kwargs)  # type: ignore[operator]

        return wrapper

    monkeypatch.setattr(demo, "events", counting("events", demo.events))
    monkeypatch.setattr(svc, "open", counting("open", svc.open))
    monkeypatch.setattr(svc, "history", counting("history", svc.history))
    frames_by_workbook(svc, TODAY)
    assert calls == {"events": 1, "open": 5, "history": 0}


# --- the set-based reading against the reference, one workbook at a time -------------


def assert_same_frames(svc: Services, today: dt.date = TODAY) -> None:
    """frames() and frames_by_workbook() agree on every frame, column and value; so do
    workbook_summaries() and the reference's workbooks frame, as plain values."""
    fast, reference = frames(svc, today), frames_by_workbook(svc, today)
    assert fast.today == reference.today == today
    for name in NAMES:
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(reference, name), obj=name)
    summaries = [r._asdict() for r in workbook_summaries(svc, today)]
    assert summaries == plain(reference.workbooks)


def test_same_frames_as_the_reference_for_everyone_in_the_demo(demo: Store) -> None:
    people = demo.find_people()
    assert {r.value for p in people for r in p.roles} == {"employee", "manager", "coach", "admin"}
    for person in people:
        for today in (TODAY, dt.date(2027, 1, 5)):
            assert_same_frames(Services(demo, person.id), today)


def test_same_frames_after_every_kind_of_change(demo: Store) -> None:
    """Rows kept from an earlier call are read again once their workbook changes."""
    hr, coach = Services(demo, "hlambert"), Services(demo, "kwalsh")
    assert_same_frames(hr)
    assert_same_frames(coach)
    mgr, emp = Services(demo, "rokafor"), Services(demo, "dsilva")
    state = mgr.open(3)
    objective = state.objectives[0].model_copy(update={"title": "Keep the lift records current"})
    mgr.update_objective(3, 1, objective, state.workbook.version, "clearer wording")
    assert_same_frames(hr)
    emp.confirm(3, "objectives", emp.open(3).subject_hash("objectives"))  # awaiting the manager
    assert_same_frames(hr)
    mgr.confirm(3, "objectives", mgr.open(3).subject_hash("objectives"))  # agreed again
    mgr.add_note(1, NOTE)  # a private note changes the version, and nothing else that shows
    assert_same_frames(coach)
    version = mgr.open(2).workbook.version
    mgr.set_coverage_reason(2, 2, "Assessment moves to the new lead this year", version)
    assert_same_frames(hr)
    assert_same_frames(Services(demo, "rokafor"))


def test_after_warm_everyone_still_sees_only_their_own(demo: Store) -> None:
    """warm() keeps every header and name as of the chain's head (a preheated dashboard
    kernel): later calls filter those by access, and read them again once anything,
    a new person included, is written."""
    forget()
    warm(demo)
    for person in demo.find_people():
        assert_same_frames(Services(demo, person.id))
    assert_same_frames(Services(demo, "mchen", facilitator_id="kwalsh"))
    hr = Services(demo, "hlambert")
    hr.add_person(Person(id="nnew", name="Nadia New", roles=("employee",), manager_id="rokafor"))
    wb = hr.create_workbook("nnew", "rokafor", dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    rows = {r.workbook_id: r for r in workbook_summaries(hr, TODAY)}
    assert rows[wb.id].employee == "Nadia New"
    assert wb.id not in {r.workbook_id for r in workbook_summaries(Services(demo, "kwalsh"))}
    assert_same_frames(hr)


def test_kept_rows_never_outlive_the_database_they_came_from(tmp_path: Path) -> None:
    """A database put back from a copy, then changed otherwise, reaches the same versions
    with other content: the rows are keyed by the latest event's hash, not the version."""
    path = tmp_path / "org.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        build_demo(store)
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(path, copy)

    def change(weight: int) -> int:
        with Store(f"sqlite:///{path}") as store:
            mgr = Services(store, "rokafor")
            state = mgr.open(1)
            objective = state.objectives[0].model_copy(update={"weight": weight})
            version = mgr.update_objective(1, 1, objective, state.workbook.version, "reweighed")
            assert_same_frames(Services(store, "hlambert"))
            return version

    first = change(40)
    shutil.copy(copy, path)  # back to before the change
    assert change(30) == first  # the same version, other content
    with Store(f"sqlite:///{path}") as store:
        wbs = by_id(frames(Services(store, "hlambert"), TODAY))
        assert wbs.loc[1, "weight_total"] == 95


def test_reading_is_set_based(demo: Store) -> None:
    """The same few statements for 5 workbooks or 45; none at all per workbook."""
    forget()
    hr = Services(demo, "hlambert")
    small = _statements(lambda: frames(hr, TODAY))
    op = Services.operator(demo)
    for i in range(40):
        op.add_person(Person(id=f"x{i:02d}", name=f"Extra {i:02d}", manager_id="rokafor"))
        op.create_workbook(f"x{i:02d}", "rokafor", dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    forget()
    large = _statements(lambda: frames(hr, TODAY))
    assert len(frames(hr, TODAY).workbooks) == 45
    assert len(small) == len(large) <= 10
    # nothing kept to check: each workbook's latest event is read once, as its row's key
    assert len([q for q in large if "max(events.seq)" in q]) == 1
    # kept rows: nothing changed, so no content is read again
    again = _statements(lambda: frames(hr, TODAY))
    assert not [q for q in again if "FROM records" in q or "FROM agreements" in q]
    op.create_workbook("x00", "rokafor", dt.date(2027, 9, 1), dt.date(2028, 8, 31))
    changed = _statements(lambda: frames(hr, TODAY))
    assert [q for q in changed if "FROM records" in q]  # the new workbook's content
    assert len(frames(hr, TODAY).workbooks) == 46


def _statements(call: Callable[[], object]) -> list[str]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return [q for q in seen if not q.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An organisation of 60 people (about 50 workbooks at every stage), built once."""
    path = tmp_path_factory.mktemp("frames") / "org.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        build_synthetic(store, 60, seed=11, today=dt.date(2027, 6, 15))
        yield store


def test_same_frames_as_the_reference_in_a_synthetic_organisation(synthetic: Store) -> None:
    people = synthetic.find_people()
    chosen: list[Person] = []
    for role in ("admin", "coach", "manager", "employee"):
        holders = [p for p in people if role in {r.value for r in p.roles}]
        chosen += holders[:3] + holders[-1:]
    chosen.append(
        next(p for p in people if "manager" in {r.value for r in p.roles} and not p.manager_id)
    )
    forget()
    for person in chosen:
        for today in (dt.date(2027, 6, 15), dt.date(2027, 9, 1)):
            assert_same_frames(Services(synthetic, person.id), today)
    assert len(frames(Services(synthetic, "p0060"), TODAY).workbooks) == 1


# --- rows kept on disk, for the next kernel ----------------------------------------------


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many workbooks each reading of rows read from the database."""
    from pmwidgets.services.frames import summaries

    counts: list[int] = []
    real = summaries.read_rows

    def counting(store, headers):  # type: ignore[no-untyped-def]
        counts.append(len(headers))
        return real(store, headers)

    monkeypatch.setattr(summaries, "read_rows", counting)
    monkeypatch.setattr(summaries, "SAVE_AFTER", 1)  # the demo is small: keep any reading
    return counts


def test_a_new_kernel_starts_from_the_rows_kept_on_disk(demo: Store, reads: list[int]) -> None:
    from pmwidgets.store.cache import files as on_disk

    forget()
    hr = Services(demo, "hlambert")
    assert_same_frames(hr)
    assert reads[0] == 5  # every workbook, once
    (kept,) = on_disk.cache_folder().glob("workbook-rows-*.json")
    assert kept.stat().st_mode & 0o777 == 0o600  # the owner's only
    forget(disk=False)  # a new kernel: nothing in memory
    reads.clear()
    assert_same_frames(hr)
    assert reads == []  # nothing read: every row came from disk and is still current
    # another process changes workbook 3; a new kernel reads that one alone
    with Store(demo.url) as other:
        mgr = Services(other, "rokafor")
        state = mgr.open(3)
        objective = state.objectives[0].model_copy(update={"weight": 35})
        mgr.update_objective(3, 1, objective, state.workbook.version, "reweighed")
    forget(disk=False)
    reads.clear()
    assert_same_frames(hr)
    assert reads == [1]


def test_kept_rows_on_disk_that_cannot_be_used_are_ignored(
    demo: Store, reads: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    from pmwidgets.store.cache import files as on_disk

    forget()
    hr = Services(demo, "hlambert")
    assert_same_frames(hr)
    (kept,) = on_disk.cache_folder().glob("workbook-rows-*.json")
    for broken in ("{not json", '{"format": 0, "fields": [], "rows": {}}', '{"rows": [1]}'):
        kept.write_text(broken, encoding="utf-8")
        forget(disk=False)
        reads.clear()
        assert_same_frames(hr)
        assert reads == [5]  # read again from the database, and right
    assert "ignoring the kept workbook rows" in caplog.text
