"""JobDescriptionEditor on a workbook made in memory: value, search, import, save, conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import ipywidgets as W
import pytest
from helpers import make_job
from widgets.memory import workbook

from pmwidgets.domain.errors import EditConflict, PmwError
from pmwidgets.domain.merge import merge3
from pmwidgets.domain.model import JobDescription
from pmwidgets.domain.state import WorkbookState
from pmwidgets.widgets.job_description_editor import Found, JobDescriptionEditor
from pmwidgets.widgets.lean import is_shown

XSS = "<script>alert('x')</script>"
JOB = make_job(2)
WB = workbook(id=5, employee_id="sjones", manager_id="hlambert", version=4)


def state(job: JobDescription | None = JOB, version: int = 4) -> WorkbookState:
    return WorkbookState(WB.model_copy(update={"version": version}), job=job)


class Saves:
    """An ``on_save`` that keeps (job, reason, based_on) and may refuse once."""

    def __init__(self, refuse: Exception | None = None) -> None:
        self.calls: list[tuple[JobDescription, str, int]] = []
        self.refuse = refuse
        self.editor: JobDescriptionEditor | None = None

    def __call__(self, job: JobDescription, reason: str) -> None:
        assert self.editor is not None
        self.calls.append((job, reason, self.editor.based_on))
        if self.refuse is not None:
            refusal, self.refuse = self.refuse, None
            raise refusal


def editor(saves: Saves | None = None, **kw: Any) -> JobDescriptionEditor:
    saves = saves or Saves()
    e = JobDescriptionEditor(state(), {"hlambert": "Helen Lambert"}, on_save=saves, **kw)
    saves.editor = e
    return e


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_the_saved_job_is_in_the_editor_and_shown_as_saved() -> None:
    e = editor()
    assert e.value == JOB
    assert e.title.value == "Workshop technician"
    assert [r.share.value for r in e.resp_box.children] == [50, 50]
    assert "<h4>Workshop technician</h4>" in e.saved_view.value
    assert "shares of time total 100%" in e.share_total.value
    assert not is_shown(e.reason)  # not agreed: no reason needed


def test_value_both_ways() -> None:
    e = editor()
    e.title.value = "Senior technician"
    assert e.value is not None and e.value.title == "Senior technician"
    e.resp_box.children[0].text.value = ""
    assert e.value is None  # a responsibility without text
    e.value = make_job(3)
    assert [r.text.value for r in e.resp_box.children] == [
        "Responsibility number 1",
        "Responsibility number 2",
        "Responsibility number 3",
    ]
    assert e.value == make_job(3)


def test_search_lists_what_on_search_finds_and_use_this_loads_the_pick() -> None:
    found = [
        Found(("library", 1), "Library: Instructor"),
        Found(("catalogue", "49-3023.00"), "Catalogue 49-3023.00: Mechanics", (XSS, "O*NET")),
    ]
    on_pick = MagicMock(return_value=make_job(3).model_copy(update={"title": "Mechanic"}))
    e = editor(on_search=lambda query: (found, ""), on_pick=on_pick)
    e.search_box.value = "mech"
    assert [label for label, _k in e.results.options] == [f.label for f in found]
    assert e.status.message == "2 job descriptions found."
    e.results.value = ("catalogue", "49-3023.00")
    assert "&lt;script&gt;" in e.preview.value and "<script>" not in e.preview.value
    e.use_button.click()
    on_pick.assert_called_once_with(("catalogue", "49-3023.00"))
    assert e.title.value == "Mechanic" and len(e.resp_box.children) == 3
    assert e.status.message == "“Mechanic” is in the editor: adapt it, then save."


def test_a_search_problem_is_said_in_words() -> None:
    e = editor(on_search=lambda query: ([], "the occupation catalogue is not installed"))
    e.search_button.click()
    assert (e.status.kind, e.status.message) == (
        "error",
        "the occupation catalogue is not installed",
    )


def test_a_file_goes_to_on_upload_and_into_the_editor() -> None:
    on_upload = MagicMock(return_value=make_job(1).model_copy(update={"title": "Clerk"}))
    e = editor(on_upload=on_upload)
    e.upload.value = (
        {"name": "clerk.md", "type": "", "size": 3, "content": memoryview(b"# C"),
         "last_modified": dt.datetime(2026, 9, 1, tzinfo=dt.UTC)},
    )  # fmt: skip
    on_upload.assert_called_once_with("clerk.md", b"# C")
    assert e.title.value == "Clerk" and e.upload.value == ()
    assert e.status.message == "Read clerk.md: check it, then save."


def test_an_unreadable_file_is_refused_in_words() -> None:
    e = editor(on_upload=MagicMock(side_effect=PmwError("clerk.doc: not a format I can read")))
    e.upload.value = (
        {"name": "clerk.doc", "type": "", "size": 1, "content": memoryview(b"x"),
         "last_modified": dt.datetime(2026, 9, 1, tzinfo=dt.UTC)},
    )  # fmt: skip
    assert e.status.message == "clerk.doc: not a format I can read"
    assert e.title.value == "Workshop technician"


def test_save_sends_the_job_the_reason_and_the_version_typing_started_from() -> None:
    saves = Saves()
    e = editor(saves)
    e.title.value = "Senior technician"
    e.reason.value = "promoted"
    e.state = state(JOB.model_copy(update={"purpose": "Theirs"}), version=5)  # another save
    assert e.purpose.value == "Theirs" and e.title.value == "Senior technician"
    assert e.based_on == 4  # the typing began at 4
    e.save_button.click()
    ((job, reason, version),) = saves.calls
    assert (job.title, job.purpose, reason, version) == (
        "Senior technician",
        "Theirs",
        "promoted",
        4,
    )
    assert e.status.message == "Job description saved. Both of you now read it and confirm it."
    assert e.reason.value == ""


def test_shares_not_totalling_100_save_as_a_draft() -> None:
    saves = Saves()
    e = editor(saves)
    e.resp_box.children[0].share.value = 40
    assert "Can be saved as a draft, but cannot be confirmed" in e.confirm_note.value
    e.save_button.click()
    assert e.status.message.startswith("Job description saved as a draft.")


def test_a_conflict_shows_both_values_and_saves_the_choice_against_its_version() -> None:
    base = JOB.model_dump(mode="json")
    merged, found = merge3(base, {**base, "title": "Mine"}, {**base, "title": "Theirs"}, "job")
    conflict = EditConflict(
        "Helen Lambert also changed the title",
        "job_description",
        1,
        merged,
        found,
        9,
        ("hlambert",),
    )
    saves = Saves(refuse=conflict)
    e = editor(saves)
    e.title.value = "Mine"
    e.save_button.click()
    assert e.status.message == "Helen Lambert also changed the title"
    assert e.title.value == "Mine"  # the typing stays
    view = e.conflicts.view
    assert view is not None and "Saved by Helen Lambert" in view.children[0].value
    view.choices[0].value = "mine"
    view.save_button.click()
    job, _reason, version = saves.calls[-1]
    assert (job.title, version) == ("Mine", 9)
    assert e.status.message == "Your choice is saved; the rest was merged with theirs."
    assert e.conflicts.view is None


def test_loading_a_job_replaces_its_rows_in_one_change_the_box_never_empty() -> None:
    """One message per box, and never an empty box on the screen: emptied and refilled
    row by row, the page got shorter for a moment and the browser moved its scroll."""
    e = editor()
    seen: list[int] = []
    for box in (e.resp_box, e.comp_box):
        box.observe(lambda c: seen.append(len(c["new"])), names="children")
    old_rows = list(e.resp_box.children)
    e.value = make_job(3)
    assert seen == [3, len(make_job(3).competencies)]
    assert all(r.comm is None for r in old_rows)  # the replaced rows are closed
    e.resp_box.children[2].text.value = "Runs the workshop's safety checks"
    assert e.value is not None
    assert e.value.responsibilities[2].text == "Runs the workshop's safety checks"
