"""AgreedDocument: an agreed step reads as a document; *Propose a change* opens the editors."""

from __future__ import annotations

import dataclasses
import datetime as dt

import ipywidgets as W

from pmwidgets.domain.agreement import AgreementVersion, Confirmation
from pmwidgets.domain.examples import example_objective, example_state
from pmwidgets.domain.model import Stage
from pmwidgets.domain.state import WorkbookState
from pmwidgets.widgets.agreed_document import AgreedDocument

AT = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)


def is_shown(widget: W.Widget) -> bool:
    return "pmw-hidden" not in widget._dom_classes


def agreed(state: WorkbookState, subject: str = "objectives") -> WorkbookState:
    """``state`` with ``subject`` agreed by both, as it stands."""
    h = state.subject_hash(subject)
    both = tuple(
        Confirmation(person_id=p, party=party, content_hash=h, at=AT)
        for p, party in (("mchen", "employee"), ("rokafor", "manager"))
    )
    version = AgreementVersion(
        subject=subject, number=1, confirmations=both, agreed_hash=h,
        agreed_canonical=state.subject_canonical(subject), agreed_at=AT,
    )  # fmt: skip
    return dataclasses.replace(state, agreements={**state.agreements, subject: version})


class Drawn:
    """A document maker that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, state: WorkbookState) -> str:
        self.calls += 1
        return f"<h3>Objectives — version 1</h3><p>drawn for version {state.workbook.version}</p>"


class Editors:
    """An editor maker that counts how often it builds."""

    def __init__(self) -> None:
        self.built = 0
        self.editor = W.Label("editor")

    def __call__(self) -> list[W.Widget]:
        self.built += 1
        return [self.editor]


def test_a_draft_shows_the_editors_and_no_document() -> None:
    editors, drawn = Editors(), Drawn()
    view = AgreedDocument("objectives", drawn, editors, state=example_state())
    assert view.editing and view.children == (editors.editor,)
    assert drawn.calls == 0  # nobody reads the agreement for a draft


def test_agreed_it_reads_as_the_document_and_builds_no_editor() -> None:
    editors, drawn = Editors(), Drawn()
    view = AgreedDocument("objectives", drawn, editors, state=agreed(example_state()))
    assert not view.editing and editors.built == 0
    assert view.view in view.children and is_shown(view.propose_button)
    assert "drawn for version 7" in view.view.value
    view.state = agreed(example_state())  # the same version again: not drawn again
    assert drawn.calls == 1


def test_propose_a_change_opens_the_editors_and_keep_folds_them_away() -> None:
    editors = Editors()
    view = AgreedDocument("objectives", Drawn(), editors, state=agreed(example_state()))
    view.propose_button.click()
    assert view.editing and editors.editor in view.children
    assert view.children[0] is view.proposal_note and view.view not in view.children
    assert "proposing a change to the objectives" in view.proposal_note.value
    view.keep_button.click()
    assert not view.editing and view.view in view.children
    assert view.status.message == "Nothing changed: the agreed version stands."
    view.propose_button.click()
    assert editors.built == 1  # built once, kept


def test_a_saved_change_is_a_draft_so_the_editors_stay_without_the_proposal_note() -> None:
    state = agreed(example_state())
    editors = Editors()
    view = AgreedDocument("objectives", Drawn(), editors, state=state)
    view.propose_button.click()
    others = tuple(o for o in state.objectives if o.id != 1)
    wb = state.workbook.model_copy(update={"version": state.workbook.version + 1})
    changed = dataclasses.replace(
        state, workbook=wb, objectives=(example_objective(1, weight=40), *others)
    )
    draft = AgreementVersion(subject="objectives", number=2, opened_reason="weights moved")
    view.state = dataclasses.replace(changed, agreements={"objectives": draft})
    assert view.editing and not view.proposing
    assert view.children == (editors.editor,)
    view.state = agreed(view.state)  # both agreed version 2: the document again
    assert not view.editing and "drawn for version 8" in view.view.value


def test_a_closed_cycle_offers_no_change() -> None:
    state = agreed(example_state())
    closed = dataclasses.replace(
        state, workbook=state.workbook.model_copy(update={"stage": Stage.CLOSED})
    )
    editors = Editors()
    view = AgreedDocument("objectives", Drawn(), editors, state=closed)
    assert not is_shown(view.propose_button) and is_shown(view.closed_note)
    view.propose_change()  # a message from a browser, whatever it shows
    assert not view.editing and editors.built == 0
    assert "closed" in view.status.message
