"""HistoryView on events made in memory: the timeline, filters, differences and notes."""

from __future__ import annotations

import html
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import ipywidgets as W
import pytest

from pmwidgets.widgets.agreement_panel import describe_changes
from pmwidgets.widgets.history_view import HistoryView, describe_event, event_kind

XSS = "<script>alert('x')</script>"
NAMES = {"mchen": "Mei Chen", "rokafor": "Richard Okafor", "kwalsh": "Kate Walsh"}


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def event(seq: int, action: str, actor: str = "mchen", **more: Any) -> SimpleNamespace:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": f"2026-10-{seq:02d}T09:00:00",
        "actor_id": actor,
        "facilitator_id": None,
        "action": action,
        "entity": "record",
        "reason": "",
        "before": None,
        "after": {"number": 1, "content": {"title": "Pass rate"}},
    }
    return SimpleNamespace(**{**fields, **more})


def text(widget: W.HTML) -> str:
    return html.unescape(widget.value)


def title_change(seq: int, old: str, new: str, **more: Any) -> SimpleNamespace:
    return event(
        seq,
        "objective.updated",
        before={"number": 1, "content": {"title": old}},
        after={"number": 1, "content": {"title": new}},
        **more,
    )


EVENTS = [
    event(1, "objective.added"),
    title_change(2, "Pass rate", "Pass rate 80%", actor="rokafor", reason="clearer"),
    event(3, "note.added", after={"content": {"text": "Ask about Fridays"}}),
    event(4, "plan.added", facilitator_id="kwalsh", after={}),
]


def test_newest_first_with_names_reasons_and_the_coach() -> None:
    v = HistoryView(EVENTS, NAMES, viewer="mchen")
    rows = text(v.table).split("<tr>")[2:]
    assert [e.seq for e in v.visible()] == [4, 3, 2, 1]
    assert "Mei Chen, facilitated by Kate Walsh" in rows[0]
    assert "changed objective 1 “Pass rate 80%”" in rows[2]
    assert "clearer" in rows[2]
    assert [label for label, _v in v.person.options] == [
        "All",
        "Kate Walsh",
        "Mei Chen",
        "Richard Okafor",
    ]


def test_filters_narrow_the_timeline() -> None:
    v = HistoryView(EVENTS, NAMES, viewer="mchen")
    v.person.value = "rokafor"
    assert [e.seq for e in v.visible()] == [2]
    v.person.value = ""
    v.kind.value = "plan"
    assert [e.seq for e in v.visible()] == [4]
    v.kind.value = "review"
    assert "Nothing in the history matches these filters." in text(v.table)


def test_the_difference_of_one_change() -> None:
    v = HistoryView(EVENTS, NAMES)
    assert v.change.value == 2  # the only update with a before and an after
    assert "title changed from “Pass rate” to “Pass rate 80%”" in text(v.difference)
    assert "Why: clearer" in text(v.difference)


def test_notes_only_to_their_author_and_never_on_a_shared_screen() -> None:
    assert "Ask about Fridays" in text(HistoryView(EVENTS, NAMES, viewer="mchen").table)
    for viewer in ("rokafor", ""):
        assert "private note" not in HistoryView(EVENTS, NAMES, viewer=viewer).table.value
    shared = HistoryView(EVENTS, NAMES, viewer="mchen", shared_screen=True)
    assert "Ask about Fridays" not in text(shared.table)


def test_setting_events_redraws_and_keeps_the_filters_and_the_chosen_change() -> None:
    v = HistoryView(EVENTS, NAMES, viewer="mchen")
    v.kind.value = "objectives"
    v.events = [*EVENTS, title_change(5, "Pass rate 80%", XSS)]
    assert v.kind.value == "objectives"
    assert v.change.value == 2  # still the one being read
    assert [e.seq for e in v.visible()] == [5, 2, 1]
    v.change.value = 5
    for shown in (v.table.value, v.difference.value):
        assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_names_arrive_later() -> None:
    v = HistoryView(EVENTS, {}, viewer="mchen")
    assert "rokafor" in text(v.table)
    v.names = NAMES
    assert "Richard Okafor" in text(v.table)


def test_describe_event_and_event_kind_cover_unknown_actions() -> None:
    odd = SimpleNamespace(
        entity="record", action="mystery_box.opened", before=None, after={"number": 1}
    )
    assert describe_event(odd) == "mystery box opened"
    assert event_kind(odd) == ""
    stage = SimpleNamespace(
        entity="workbook", action="workbook.stage", before=None, after={"stage": "review"}
    )
    assert describe_event(stage) == "moved the workbook to Review"


def test_check_in_changes_in_words() -> None:
    old = {
        "on": "2026-10-13",
        "will": "Book the course",
        "progress": [{"objective": 1, "percent": 15, "status": "on_track", "evidence": "Log"}],
    }
    new = {
        "on": "2026-10-14",
        "will": "Book the course",
        "progress": [
            {"objective": 1, "percent": 30, "status": "at_risk", "evidence": "Log"},
            {"objective": 2, "percent": 10, "status": "on_track", "evidence": ""},
        ],
    }
    assert describe_changes("check_in", old, new) == [
        "date changed from 13 Oct 2026 to 14 Oct 2026",
        "Progress on objective 1: progress changed from 15% to 30%; "
        "status changed from on track to at risk",
        "Progress on objective 2 added: 10%, on track",
    ]
