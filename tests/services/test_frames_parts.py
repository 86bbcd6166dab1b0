"""The frames' set-based reading, a part at a time: the same states and frames whatever
the parts, including agreements reopened as a later version."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from frames_reference import frames_by_workbook

from pmwidgets.domain import Person
from pmwidgets.services import Services
from pmwidgets.services.frames import forget, frames
from pmwidgets.store import Store, many

TODAY = dt.date(2026, 12, 1)
NAMES = ("workbooks", "objectives", "events", "check_ins", "actions")


@pytest.mark.parametrize("part", [1, 2, many.PART])
def test_states_read_in_parts_are_those_the_store_opens(
    demo: Store, monkeypatch: pytest.MonkeyPatch, part: int
) -> None:
    """Each state as one workbook's reading gives it (but for private notes: nobody's),
    by workbook id, each workbook once, whatever the order and repeats asked for."""
    monkeypatch.setattr(many, "PART", part)
    hr = Services(demo, "hlambert")
    ids = [h.id or 0 for h in hr.workbooks()]
    states = many.states(demo, [*reversed(ids), ids[0], 999])
    assert list(states) == sorted(ids)
    for wb_id, state in states.items():
        opened = hr.open(wb_id)
        assert state == opened
        assert state.notes == ()
        for subject in opened.agreements:
            assert state.agreement_status(subject) == opened.agreement_status(subject)
            assert state.subject_hash(subject) == opened.subject_hash(subject)


def test_only_the_latest_version_of_an_agreement_is_read(demo: Store) -> None:
    """Workbook 3's objectives were reopened as version 2: the state holds version 2 and
    its confirmations, as opening the workbook does."""
    state = many.states(demo, [3])[3]
    assert state.agreements["objectives"].number == 2
    assert state.agreements == Services(demo, "hlambert").open(3).agreements


@pytest.mark.parametrize("part", [2, 3])
def test_frames_read_in_parts_match_the_reference(
    demo: Store, monkeypatch: pytest.MonkeyPatch, part: int
) -> None:
    """A large organisation is read a part at a time: the frames are those of the
    reference, which opens one workbook at a time, for HR and for a coach."""
    monkeypatch.setattr(many, "PART", part)
    op = Services.operator(demo)
    op.add_person(Person(id="xtra", name="Extra Person", manager_id="rokafor"))
    op.create_workbook("xtra", "rokafor", dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    for who in ("hlambert", "kwalsh"):
        forget()
        svc = Services(demo, who)
        fast, reference = frames(svc, TODAY), frames_by_workbook(svc, TODAY)
        for name in NAMES:
            pd.testing.assert_frame_equal(getattr(fast, name), getattr(reference, name), obj=name)


@pytest.mark.parametrize("ids", [[1, 3, 5], [2, 5], [1, 2, 3, 4, 5]])
def test_states_of_some_workbooks_leave_out_the_others_in_their_range(
    demo: Store, ids: list[int]
) -> None:
    """A part read as a range of ids (they fill most of it) or by naming each keeps only
    the workbooks asked for, with their own content."""
    states = many.states(demo, ids)
    assert list(states) == ids
    hr = Services(demo, "hlambert")
    assert all(state == hr.open(wb_id) for wb_id, state in states.items())


def test_the_workbooks_moved_since_a_head_are_read_from_the_events_after_it(demo: Store) -> None:
    head = many.chain_head(demo)
    assert head is not None and many.moved_since(demo, head) == {}
    mgr = Services(demo, "rokafor")
    wb_id = mgr.workbooks()[0].id or 0
    mgr.add_note(wb_id, "Ask about the workload.")
    assert many.moved_since(demo, head) == many.latest_events(demo, [wb_id])
    assert many.moved_since(demo, (head[0], "0" * 64)) is None  # not this chain: read it all
    assert many.moved_since(demo, (head[0] + 10_000, head[1])) is None


def test_after_a_write_the_dashboard_rows_catch_up_from_the_events_alone(demo: Store) -> None:
    """Kept rows and headers are brought up to date from what moved (a workbook written,
    a person and a workbook added), and match a reading with nothing kept."""
    from pmwidgets.services.frames import workbook_summaries

    hr = Services(demo, "hlambert")
    workbook_summaries(hr, TODAY)  # everything read and kept
    mgr = Services(demo, "rokafor")
    first = mgr.workbooks()[0].id or 0
    mgr.add_note(first, "Ask about the workload.")
    op = Services.operator(demo)
    op.add_person(Person(id="zz", name="Zoe Newcomer", manager_id="rokafor"))
    added = op.create_workbook(
        "zz", "rokafor", TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)
    )
    caught_up = workbook_summaries(hr, TODAY)
    forget()
    assert caught_up == workbook_summaries(hr, TODAY)
    assert [s for s in caught_up if s.employee == "Zoe Newcomer"]
    assert (
        added.id in {s.workbook_id for s in caught_up}
        if hasattr(caught_up[0], "workbook_id")
        else True
    )
