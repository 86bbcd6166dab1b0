"""JobDescriptionEditor, driven as the front end would: set values, click buttons."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import ipywidgets as W
import pytest
from helpers import make_job

from pmwidgets.apps.wiring import job_description_editor
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain.agreement import AgreementStatus
from pmwidgets.domain.errors import NotFound
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.job_description_editor import JobDescriptionEditor
from pmwidgets.widgets.lean import is_shown

GOOD_YAML = """\
title: Learner support officer
purpose: Helps learners stay on the course and finish it.
responsibilities:
  - text: Meet learners at risk of leaving
    share: 60
  - text: Keep attendance records
    share: 40
competencies:
  - name: Learner support
    required: 4
    anchors:
      1: Listens when asked
      4: Spots problems early and acts
"""


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


CONTEXTS: dict[int, WorkbookSession] = {}


def editor_for(store: Store, who: str, wb: int) -> JobDescriptionEditor:
    """The editor as the job description page wires it to the workbook."""
    ctx = WorkbookSession(Services(store, who), wb)
    editor = job_description_editor(ctx)
    assert isinstance(editor, JobDescriptionEditor)
    CONTEXTS[id(editor)] = ctx
    return editor


def upload(editor: JobDescriptionEditor, name: str, data: bytes) -> None:
    """What the front end sends when a file is chosen (ipywidgets 8 FileUpload value)."""
    editor.upload.value = (
        {
            "name": name,
            "type": "application/octet-stream",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        },
    )


def labels(editor: JobDescriptionEditor) -> list[str]:
    return [label for label, _value in editor.results.options]


def job_of(store: Store, wb: int) -> Any:
    return Services(store, "hlambert").open(wb).job


# --- starting points -------------------------------------------------------------------


def test_search_finds_library_and_catalogue_and_use_this_loads_without_saving(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    before = len(demo.events(5))
    editor.search_box.value = "automotive"
    found = labels(editor)
    assert "Library: Automotive maintenance instructor" in found
    assert "Catalogue 49-3023.00: Automotive Service Technicians and Mechanics" in found
    assert found.index("Library: Automotive maintenance instructor") < found.index(
        "Catalogue 49-3023.00: Automotive Service Technicians and Mechanics"
    )

    editor.results.value = ("library", 1)
    editor.use_button.click()
    assert editor.title.value == "Automotive maintenance instructor"
    assert editor.value == Services(demo, "sjones").library_job(1)

    editor.results.value = ("catalogue", "49-3023.00")
    assert "O*NET 29.3" in editor.preview.value  # the CC BY attribution is shown
    editor.use_button.click()
    assert editor.status.kind == "info"
    assert editor.title.value == "Automotive Service Technicians and Mechanics"
    assert editor.value is not None and editor.value.source == "O*NET-SOC 49-3023.00"
    assert len(editor.resp_box.children) == len(editor.value.responsibilities)
    # loaded into the editor only: nothing stored yet
    assert len(demo.events(5)) == before
    assert job_of(demo, 5).title == "Office Clerks, General"

    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    assert job_of(demo, 5).source == "O*NET-SOC 49-3023.00"


def test_search_without_results_and_use_without_choice(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    editor.search_box.value = "zzqqxx nothing like this"
    assert editor.results.options == ()
    assert "Nothing found" in editor.status.message
    editor.use_button.click()
    assert editor.status.kind == "error"
    assert "choose a job description" in editor.status.message


def test_upload_yaml_loads_into_editor_then_save_stores_it(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    before = len(demo.events(5))
    upload(editor, "support.yaml", GOOD_YAML.encode())
    assert editor.status.kind == "info", editor.status.message
    assert editor.upload.value == ()  # ready for the next file
    assert editor.title.value == "Learner support officer"
    assert [r.share.value for r in editor.resp_box.children] == [60, 40]
    comp = editor.comp_box.children[0]
    assert comp.required.value == 4 and comp.anchors[4].value == "Spots problems early and acts"
    assert len(demo.events(5)) == before  # not stored until saved

    editor.save_button.click()
    assert editor.status.kind == "ok"
    job = job_of(demo, 5)
    assert job.title == "Learner support officer"
    assert job.competencies[0].anchors == {
        1: "Listens when asked",
        4: "Spots problems early and acts",
    }


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bad.yaml", GOOD_YAML.replace("share: 40", "share: 50").encode(), "110%, more than 100%"),
        ("bad.yaml", b"title: [unclosed\n", "not valid YAML"),
        ("bad.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_broken_upload_shows_the_problem_and_stores_nothing(
    demo: Store, name: str, data: bytes, words: str
) -> None:
    editor = editor_for(demo, "sjones", 5)
    before = len(demo.events(5))
    upload(editor, name, data)
    assert editor.status.kind == "error"
    assert editor.status.message.startswith(name + ":")
    assert words in editor.status.message
    assert "Traceback" not in editor.status.message
    assert editor.title.value == "Office Clerks, General"  # the editor is untouched
    assert len(demo.events(5)) == before


# --- editing and saving --------------------------------------------------------------------


def test_edit_rows_and_save_records_the_acting_person(demo: Store) -> None:
    seen = MagicMock()
    editor = editor_for(demo, "sjones", 5)
    editor.observe(seen, names="value")
    assert not is_shown(editor.reason)  # not agreed yet: no reason needed
    editor.title.value = "Office administrator"
    editor.purpose.value = "Keeps the office running."
    while len(editor.resp_box.children) > 1:
        editor.resp_box.children[-1].remove.click()
    first = editor.resp_box.children[0]
    first.text.value = "Answer the phone and the door"
    first.share.value = 70
    editor.add_resp_button.click()
    second = editor.resp_box.children[1]
    assert second.number.value == "2." and second.text.description == "Responsibility 2"
    second.text.value = "File the post"
    second.share.value = 30
    while editor.comp_box.children:
        editor.comp_box.children[0].remove.click()
    editor.add_comp_button.click()
    comp = editor.comp_box.children[0]
    comp.name.value = "Organisation"
    comp.required.value = 3
    comp.anchors[3].value = "Keeps the filing up to date"
    assert "shares of time total 100%" in editor.share_total.value
    assert editor.confirm_note.value == ""  # nothing stands in the way of confirming
    assert editor.value is not None and editor.value.title == "Office administrator"
    assert seen.called  # value is observable

    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    job = job_of(demo, 5)
    assert [(r.number, r.text, r.share) for r in job.responsibilities] == [
        (1, "Answer the phone and the door", 70),
        (2, "File the post", 30),
    ]
    assert [(c.name, c.required, c.anchors) for c in job.competencies] == [
        ("Organisation", 3, {3: "Keeps the filing up to date"})
    ]
    last = demo.events(5)[-1]
    assert last.actor_id == "sjones" and last.action.startswith("job_description")
    assert editor.state.job == job  # the page's state is the stored one
    assert "Office administrator" in editor.saved_view.value


def test_removing_a_middle_responsibility_renumbers(demo: Store) -> None:
    editor = editor_for(demo, "hlambert", 5)
    n = len(editor.resp_box.children)
    texts = [r.text.value for r in editor.resp_box.children]
    editor.resp_box.children[1].remove.click()
    rows = editor.resp_box.children
    assert len(rows) == n - 1
    assert [r.number.value for r in rows] == [f"{i}." for i in range(1, n)]
    assert [r.text.value for r in rows] == [texts[0], *texts[2:]]


def _note(editor: JobDescriptionEditor) -> str:
    """The note beside Save, as the person reads it."""
    return html.unescape(re.sub("<[^>]+>", "", editor.confirm_note.value)).strip()


def test_shares_not_totalling_100_save_as_a_draft_that_cannot_be_confirmed(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    editor.load_job(make_job(2))
    editor.resp_box.children[0].share.value -= 10
    assert "shares of time total 90%, not 100%" in editor.share_total.value
    assert "✗" in editor.share_total.value  # not colour alone
    # beside Save, in words: it can be saved, not confirmed
    assert _note(editor) == (
        "✗ Can be saved as a draft, but cannot be confirmed until the shares of time total"
        " 100%: shares of time total 90%, not 100%."
    )
    children = list(editor.edit_box.children)
    assert children.index(editor.confirm_note) == children.index(editor.save_button) - 1
    assert editor.value is not None  # work in progress is a valid draft
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    assert editor.status.message == (
        "Job description saved as a draft. It cannot be confirmed until the shares of time"
        " total 100%."
    )
    assert [r.share for r in job_of(demo, 5).responsibilities] == [40, 50]
    saved = html.unescape(editor.saved_view.value)
    assert "Cannot be confirmed yet: shares of time total 90%, not 100%" in saved
    editor.resp_box.children[0].share.value += 10
    assert editor.confirm_note.value == "" and "✓" in editor.share_total.value


def test_a_job_description_without_shares_imports_saves_and_says_it_cannot_be_confirmed(
    demo: Store,
) -> None:
    editor = editor_for(demo, "sjones", 5)
    upload(
        editor, "clerk.md", b"# Office clerk\n\n## Duties\n\n- Answer the phone\n- File the post\n"
    )
    assert editor.status.kind == "info", editor.status.message
    assert [r.share.value for r in editor.resp_box.children] == [0, 0]
    assert "shares of time are not set yet" in editor.share_total.value
    assert _note(editor).startswith(
        "✗ Can be saved as a draft, but cannot be confirmed until the shares of time total 100%:"
        " shares of time are not set yet"
    )
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    assert "cannot be confirmed until the shares of time total 100%" in editor.status.message
    assert [r.share for r in job_of(demo, 5).responsibilities] == [0, 0]
    saved = html.unescape(editor.saved_view.value)
    assert "Cannot be confirmed yet: shares of time are not set yet" in saved
    assert "0% of time" not in saved  # not set is not "no time at all"


def test_shares_over_100_are_refused_in_words(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    before = len(demo.events(5))
    editor.load_job(make_job(2))
    editor.resp_box.children[0].share.value += 10
    assert "shares of time total 110%, more than 100%: take 10 off" in editor.share_total.value
    assert _note(editor) == (
        "✗ Cannot be saved yet: shares of time total 110%, more than 100%: take 10 off."
    )
    assert editor.value is None
    editor.save_button.click()
    assert editor.status.kind == "error"
    assert editor.status.message == "shares of time total 110%, more than 100%: take 10 off"
    assert len(demo.events(5)) == before


def test_missing_title_or_text_is_refused_in_words(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    before = len(demo.events(5))
    editor.title.value = "  "
    editor.save_button.click()
    assert editor.status.message == "give the job a title"
    editor.title.value = "Clerk"
    editor.resp_box.children[0].text.value = ""
    editor.save_button.click()
    assert editor.status.message == "responsibility 1 has no text"
    assert len(demo.events(5)) == before


def test_reason_required_once_the_job_description_is_agreed(demo: Store) -> None:
    editor = editor_for(demo, "rokafor", 1)
    assert editor.state.agreement_status("job_description") == AgreementStatus.AGREED
    assert is_shown(editor.reason)
    old = job_of(demo, 1)
    version = demo.latest_version(1)
    editor.resp_box.children[0].text.value = "Teach the Level 3 diagnostics unit"
    editor.save_button.click()
    assert editor.status.kind == "error"
    assert "give a reason for the change" in editor.status.message
    assert job_of(demo, 1) == old and demo.latest_version(1) == version

    editor.reason.value = "Diagnostics unit moved to Level 3"
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    state = Services(demo, "mchen").open(1)
    assert state.job.responsibilities[0].text == "Teach the Level 3 diagnostics unit"
    assert state.agreement_status("job_description") == AgreementStatus.DRAFT  # both agree again
    assert any(e.reason == "Diagnostics unit moved to Level 3" for e in demo.events(1)[-2:])
    # version 2 is a draft: a further change needs its reason too (it joins version 2's)
    assert editor.reason.value == "" and is_shown(editor.reason)


def test_an_agreed_job_description_reads_as_a_document_until_a_change_is_proposed(
    demo: Store,
) -> None:
    editor = editor_for(demo, "rokafor", 1)  # agreed by both
    assert is_shown(editor.agreed_box) and not is_shown(editor.edit_box)
    assert not is_shown(editor.start_box)  # no search or import over an agreed one
    assert "Teach" in editor.agreed_view.value or "diagnostics" in editor.agreed_view.value
    editor.propose_button.click()
    assert is_shown(editor.edit_box) and is_shown(editor.reason)
    assert not is_shown(editor.agreed_box) and not is_shown(editor.start_box)
    editor.reason.value = "Assessment is half of the job this year"
    editor.purpose.value = "Teaches and assesses automotive diagnostics."
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    # version 2 is a draft: the editor stays open, the draft below, no search or import
    assert is_shown(editor.edit_box) and is_shown(editor.saved_box)
    assert not is_shown(editor.agreed_box) and not is_shown(editor.start_box)


def test_a_job_description_never_agreed_offers_search_import_and_the_editor(demo: Store) -> None:
    editor = editor_for(demo, "hlambert", 5)
    assert editor.state.agreement_status("job_description") != AgreementStatus.AGREED
    assert is_shown(editor.start_box) and is_shown(editor.edit_box)
    assert not is_shown(editor.agreed_box)


def test_someone_elses_workbook_is_refused(demo: Store) -> None:
    with pytest.raises(NotFound):
        WorkbookSession(Services(demo, "aberg"), 1)
    # a context made for another person, then used by aberg: a forged save
    editor = editor_for(demo, "rokafor", 1)
    CONTEXTS[id(editor)].services = Services(demo, "aberg")
    editor.reason.value = "forged change"
    editor.title.value = "Forged"
    before = len(demo.events(1))
    editor.save_button.click()
    assert editor.status.kind == "error"
    assert "not available to you" in editor.status.message
    assert len(demo.events(1)) == before
    assert job_of(demo, 1).title == "Automotive maintenance instructor"


def test_the_trial_s_stale_save_keeps_the_manager_s_title(demo: Store) -> None:
    """Workbook 5: Sam types a purpose and does not save; Helen changes the title and saves.
    Sam's page shows her title (a field he did not touch); his save keeps it, and again."""
    editor = editor_for(demo, "sjones", 5)
    editor.purpose.value = "Keeps the school's records straight"
    helen = Services(demo, "hlambert")
    job = helen.open(5).job
    assert job is not None
    helen.set_job_description(
        5, job.model_copy(update={"title": "Senior office clerk"}), demo.latest_version(5)
    )
    CONTEXTS[id(editor)].reload()  # the page's watch hears of Helen's save
    assert editor.title.value == "Senior office clerk"  # shown: Sam had not touched it
    assert editor.purpose.value == "Keeps the school's records straight"  # typing kept
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    assert (job_of(demo, 5).title, job_of(demo, 5).purpose) == (
        "Senior office clerk",
        "Keeps the school's records straight",
    )
    editor.save_button.click()  # and saving again reverts nothing
    assert job_of(demo, 5).title == "Senior office clerk"


def test_a_stale_save_of_a_field_both_changed_is_chosen_side_by_side(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    editor.title.value = "Mine"
    other = make_job().model_copy(update={"title": "Helen's version"})
    Services(demo, "hlambert").set_job_description(5, other, demo.latest_version(5))
    editor.save_button.click()
    assert editor.status.kind == "error"
    assert "Helen Lambert also changed" in editor.status.message
    assert job_of(demo, 5).title == "Helen's version"
    assert editor.title.value == "Mine"  # nothing typed is lost
    assert "Helen&#x27;s version" in editor.saved_view.value  # their save is shown
    # the status and the choice come right under Save, not below the saved view
    kids = list(editor.edit_box.children)
    at = kids.index(editor.save_button)
    assert kids[at + 1] is editor.status and kids[at + 2] is editor.conflicts
    editor.save_button.click()  # saving again does not overwrite Helen's title unseen
    assert job_of(demo, 5).title == "Helen's version"
    view = editor.conflicts.view
    assert view is not None
    table = view.children[0].value
    assert "“Mine”" in table and "“Helen&#x27;s version”" in table
    view.choices[0].value = "mine"  # a knowing choice
    view.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    assert job_of(demo, 5).title == "Mine"
    assert editor.conflicts.view is None


def test_untouched_editor_follows_saves_made_elsewhere(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    Services(demo, "hlambert").set_job_description(5, make_job(), demo.latest_version(5))
    CONTEXTS[id(editor)].reload()
    assert editor.title.value == "Workshop technician"
    assert "Workshop technician" in editor.saved_view.value


def test_script_in_the_title_is_escaped_in_the_saved_view(demo: Store) -> None:
    editor = editor_for(demo, "sjones", 5)
    evil = "<script>alert('x')</script>"
    editor.load_job(make_job())
    editor.title.value = evil
    editor.resp_box.children[0].text.value = "<img src=x onerror=alert(1)>"
    editor.comp_box.children[0].name.value = "<b>bold</b>"
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    assert job_of(demo, 5).title == evil  # stored verbatim, escaped when shown
    html = editor.saved_view.value
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html and "&lt;b&gt;bold" in html


def test_a_competencys_folded_details_are_made_when_opened_and_kept_until_then(
    demo: Store,
) -> None:
    """The description and anchors of each competency are text areas only once opened
    (a catalogue job has a dozen competencies); until then the loaded text stands."""
    editor = editor_for(demo, "rokafor", 1)
    stored = job_of(demo, 1).competencies
    rows = list(editor.comp_box.children)
    assert len(rows) == len(stored) >= 2
    assert all(not row.inputs()[2:] for row in rows)  # nothing folded was made yet
    assert not any(isinstance(w, W.Textarea) for row in rows for w in row.more.children)
    assert editor.value is not None and editor.value.competencies == stored  # loaded text

    first = rows[0]
    first.more.selected_index = 0  # the person opens the folded part
    details = first.more.content
    assert details.children[0] is first.description
    assert first.description.value == stored[0].description
    first.anchors[2].value = "Follows the checklist with help"  # observed like any input
    assert editor.value.competencies[0].anchors[2] == "Follows the checklist with help"
    assert not rows[1].inputs()[2:]  # the others are still folded and unmade

    editor.reason.value = "Level 2 described"
    editor.save_button.click()
    assert editor.status.kind == "ok", editor.status.message
    saved = job_of(demo, 1).competencies
    assert saved[0].anchors[2] == "Follows the checklist with help"
    assert saved[1:] == stored[1:]  # never opened: saved exactly as loaded
