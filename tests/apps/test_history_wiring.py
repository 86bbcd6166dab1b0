"""HistoryView wired to a workbook of the demo: timeline, filters, differences, private notes."""

from __future__ import annotations

import html
from collections.abc import Iterator

import ipywidgets as W
import pytest

from pmwidgets.apps.wiring import history_view
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.history_view import HistoryView

NOTE = "Ask about covering the Friday group"
XSS = "<script>alert('x')</script> No practical session held up"


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def view(store: Store, who: str, wb: int) -> HistoryView:
    return wired(WorkbookSession(Services(store, who), wb))


def wired(ctx: WorkbookSession) -> HistoryView:
    """The history as the step pages wire it to a workbook."""
    found = history_view(ctx)
    assert isinstance(found, HistoryView)
    return found


def text(widget: W.HTML) -> str:
    return html.unescape(widget.value)


def test_timeline_is_newest_first_with_names_and_facilitator(demo: Store) -> None:
    v = view(demo, "rokafor", 3)
    seqs = [e.seq for e in v.visible()]
    assert seqs == sorted(seqs, reverse=True)
    assert len(seqs) == len(Services(demo, "rokafor").history(3))
    table = text(v.table)
    newest = table.index("changed objective 2 “Bring the lift and equipment records up to date”")
    assert newest < table.index("proposed objective 1") < table.index("opened the workbook")
    assert "6 Nov 2026 10:59 UTC" in table
    assert "Amendment agreed in principle at the November check-in" in table  # why
    assert "Diego Silva, facilitated by Kate Walsh" in table
    assert "confirmed the objectives (version 1)" in table
    assert "agreed the job description (version 1)" in table
    assert "opened version 2 of the objectives" in table
    assert "moved the workbook to Check-ins" in table
    for person_id in ("rokafor", "dsilva", "kwalsh"):
        assert person_id not in table  # names, never ids


def test_filters_by_person_and_by_part(demo: Store) -> None:
    v = view(demo, "rokafor", 1)
    assert [label for label, _value in v.person.options] == [
        "All",
        "Kate Walsh",
        "Mei Chen",
        "Richard Okafor",
    ]
    v.person.value = "kwalsh"
    assert v.visible() and all(e.facilitator_id == "kwalsh" for e in v.visible())
    assert "facilitated by Kate Walsh" in text(v.table)
    assert "recorded check-in" not in text(v.table)
    v.person.value = ""
    v.kind.value = "agreements"
    assert v.visible() and all(e.entity == "agreement" for e in v.visible())
    assert "proposed objective" not in text(v.table)
    v.kind.value = "check_ins"
    assert {e.action for e in v.visible()} == {"check_in.added"}
    v.person.value = "rokafor"
    assert [e.actor_id for e in v.visible()] == ["rokafor"]
    assert "recorded check-in 2 (3 Nov 2026)" in text(v.table)
    v.kind.value = "review"
    assert v.visible() == []
    assert "Nothing in the history matches these filters." in text(v.table)
    assert v.difference.value == ""


def test_difference_of_one_change_field_by_field(demo: Store) -> None:
    v = view(demo, "dsilva", 3)
    update = next(e for e in v.events if e.action == "objective.updated")
    assert v.change.value == update.seq  # the newest change is chosen first
    diff = text(v.difference)
    assert (
        "changed objective 2 “Bring the lift and equipment records up to date”: Richard Okafor"
        in diff
    )
    assert "Why: Amendment agreed in principle" in diff
    assert (
        "target changed from “4 of 4 lifts examined and 100% of equipment registered by "
        "31 December” to “4 of 4 lifts examined and 100% of equipment registered by "
        "28 February”" in diff
    )
    assert "due changed from 31 Dec 2026 to 28 Feb 2027" in diff
    v.kind.value = "plan"
    offered = [seq for _label, seq in v.change.options]
    assert {e.action for e in v.events if e.seq in offered} == {"plan.updated"}
    assert v.change.value == max(offered)  # the newest plan change: the manager's support
    assert "Manager's support “Book and pay for the LOLER refresher course” added" in text(
        v.difference
    )
    v.change.value = min(offered)  # the manager's ratings
    assert "Manager's rating of “Health and safety” added: level 3" in text(v.difference)


def test_private_note_is_shown_to_its_author_only(demo: Store) -> None:
    mine = view(demo, "mchen", 1)
    assert f"wrote a private note that only you can see: “{NOTE}" in text(mine.table)
    for who in ("rokafor", "kwalsh", "hlambert"):
        other = view(demo, who, 1)
        assert NOTE not in other.table.value
        assert "private note" not in other.table.value
        assert all(not e.action.startswith("note.") for e in other.shown_events)


def test_own_private_note_is_not_shown_on_a_shared_screen(demo: Store) -> None:
    facilitated = Services(demo, "kwalsh").acting_as("mchen")
    v = wired(WorkbookSession(facilitated, 1))
    assert NOTE not in v.table.value
    assert "private note" not in v.table.value


def test_private_note_stays_hidden_even_if_a_service_returned_it(demo: Store) -> None:
    """Defence in depth: the view itself drops other people's notes."""
    svc = Services(demo, "rokafor")
    svc.history = lambda wb: demo.events(wb)  # type: ignore[method-assign]
    assert any(e.action == "note.added" for e in svc.history(1))
    v = wired(WorkbookSession(svc, 1))
    assert NOTE not in v.table.value
    assert all(not e.action.startswith("note.") for e in v.shown_events)


def test_script_in_an_objective_title_is_escaped_in_timeline_and_difference(demo: Store) -> None:
    context = WorkbookSession(Services(demo, "rokafor"), 3)
    v = wired(context)
    v.kind.value = "objectives"
    reading = v.change.value  # the amendment to objective 2
    old = context.state.objective(1)
    assert old is not None
    context.services.update_objective(
        3, 1, old.model_copy(update={"title": XSS}), context.version, "a clearer title"
    )
    context.reload()  # subscribed: the view reads the history again
    assert v.kind.value == "objectives"  # filters are kept
    assert v.visible()[0].action == "objective.updated"
    assert v.change.value == reading  # the change being read stays chosen after a refresh
    v.change.value = v.visible()[0].seq
    for html_value in (v.table.value, v.difference.value):
        assert "<script>" not in html_value
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_value
    assert f"changed objective 1 “{XSS}”" in text(v.table)
    assert (
        f"title changed from “No practical session held up by missing parts or tools” to “{XSS}”"
        in text(v.difference)
    )


def test_the_pages_history_is_read_only_when_opened(demo: Store) -> None:
    from pmwidgets.apps.pages import _history

    ctx = WorkbookSession(Services(demo, "rokafor"), 1)
    acc = _history(ctx)
    assert not any(isinstance(c, HistoryView) for c in acc.children)  # nothing read yet
    assert acc.header.description == "▸ History of this workbook"
    acc.header.click()  # the person opens it (Enter on its title does the same)
    view = acc.content
    assert isinstance(view, HistoryView) and view.events
    assert "Mei Chen" in view.table.value
    assert acc.header.description == "▾ History of this workbook"
    acc.header.click()
    acc.header.click()
    assert acc.content is view  # opened again: the same view, not a second one
