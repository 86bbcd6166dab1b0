"""The objectives page's views as pure views: in-memory state in, callbacks out, no database.

ObjectiveEditor, ObjectiveList, CoverageView, ConflictSlot, SessionBar and AgreementPanel,
driven as the front end would (setting traits, clicking buttons).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import ipywidgets as W
import pytest
import traitlets as T

from pmwidgets.domain.agreement import AgreementStatus, AgreementVersion
from pmwidgets.domain.errors import EditConflict, StaleData, ValidationFailed
from pmwidgets.domain.examples import (
    COACH,
    EMPLOYEE,
    MANAGER,
    NAMES,
    example_objective,
    example_state,
)
from pmwidgets.domain.merge import merge3
from pmwidgets.domain.model import Objective
from pmwidgets.domain.participation import Participation
from pmwidgets.domain.state import WorkbookState
from pmwidgets.widgets import (
    AgreementPanel,
    ConflictSlot,
    CoverageView,
    ObjectiveEditor,
    ObjectiveList,
    SessionBar,
)
from pmwidgets.widgets.lean import is_shown


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    W.Widget.close_all()


def saved_as(state: WorkbookState, objective: Objective) -> WorkbookState:
    """The state after ``objective`` was stored (as a session would set it)."""
    others = tuple(o for o in state.objectives if o.id != objective.id)
    objectives = tuple(sorted((*others, objective), key=lambda o: o.id or 0))
    wb = state.workbook.model_copy(update={"version": state.workbook.version + 1})
    return dataclasses.replace(state, workbook=wb, objectives=objectives)


# --- ObjectiveEditor: the value contract ---------------------------------------------


def test_value_follows_the_form_and_the_form_follows_value() -> None:
    e = ObjectiveEditor(example_state(), number=1)
    assert e.value == example_objective(1)
    seen: list[Any] = []
    e.observe(lambda change: seen.append(change["new"]), names="value")
    e.target.value = "At most 1 delayed session"
    assert e.value is not None and e.value.target == "At most 1 delayed session"
    assert seen[-1] == e.value
    e.title.value = ""  # not an objective any more
    assert e.value is None
    e.value = example_objective(1, title="Cut delays", weight=30)
    assert (e.title.value, e.weight.value, e.number) == ("Cut delays", "30", 1)
    e.value = example_state().objectives[1]  # another objective: the form opens it
    assert e.number == 2 and e.title.value == "Keep the workshop inspection-ready"


def test_two_editors_linked_by_value_show_the_same_objective() -> None:
    state = example_state()
    a, b = ObjectiveEditor(state, number=1), ObjectiveEditor(state, number=1)
    T.link((a, "value"), (b, "value"))
    a.measure.value = "Delays counted from the preparation log"
    assert b.measure.value == "Delays counted from the preparation log"
    b.weight.value = "45"
    assert a.weight.value == "45" and a.value == b.value


def test_save_hands_the_value_and_reason_to_on_save_and_remembers_the_version() -> None:
    on_save = MagicMock(return_value=(1, 9))
    e = ObjectiveEditor(example_state(), number=1, on_save=on_save)
    assert e.based_on == 7
    e.weight.value = "40"
    e.save_button.click()
    on_save.assert_called_once()
    value, reason = on_save.call_args.args
    assert value.weight == 40 and value.id == 1 and reason == ""
    assert e.status.kind == "ok" and e.status.message == "Objective 1 saved."
    assert e.based_on == 9  # the version the save made


def test_a_new_objective_is_proposed_by_its_author_and_gets_its_number() -> None:
    on_save = MagicMock(return_value=(3, 8))
    e = ObjectiveEditor(example_state(), on_save=on_save, author=MANAGER.id)
    assert e.value is None and "appear here as you type" in e.feedback.value
    e.value = example_objective(None, weight=10).model_copy(update={"proposed_by": ""})
    assert e.value is not None and e.value.proposed_by == MANAGER.id
    e.save_button.click()
    assert on_save.call_args.args[0].id is None
    assert e.number == 3 and e.status.message == "Objective 3 proposed."
    assert "Objective 3" in e.heading.value


def test_an_incomplete_form_is_refused_in_words_without_calling_on_save() -> None:
    on_save = MagicMock()
    e = ObjectiveEditor(example_state(), on_save=on_save)
    e.save_button.click()
    assert not on_save.called and e.status.kind == "error"
    assert e.status.message.startswith("Not complete yet: give the objective a title;")
    assert "choose a due date inside the cycle</div>" in e.feedback.value


@pytest.mark.parametrize(
    "error",
    [
        ValidationFailed("give a reason for this change: the objectives are agreed"),
        StaleData("Richard Okafor saved a change since you opened this", 9),
    ],
)
def test_a_refusal_from_on_save_is_shown_in_words_and_the_typing_is_kept(error: Exception) -> None:
    e = ObjectiveEditor(example_state(), number=1, on_save=MagicMock(side_effect=error))
    e.target.value = "None delayed"
    e.save_button.click()
    assert e.status.kind == "error" and e.status.message == str(error)
    assert "role='alert'" in e.status.value
    assert e.target.value == "None delayed" and e.based_on == 7


def test_an_unexpected_failure_shows_a_reference_not_a_traceback() -> None:
    e = ObjectiveEditor(example_state(), number=1, on_save=MagicMock(side_effect=KeyError("x")))
    e.save_button.click()
    assert e.status.kind == "error" and "reference" in e.status.message
    assert "KeyError" not in e.status.value and "Traceback" not in e.status.value


def test_a_conflict_shows_both_values_and_saves_the_choice_against_its_version() -> None:
    state = example_state()
    stored = example_objective(1).model_dump(mode="json")
    mine = {**stored, "target": "Mine"}
    theirs = {**stored, "target": "Theirs"}
    merged, found = merge3(stored, mine, theirs, "objective")
    conflict = EditConflict("Richard Okafor also changed a field", "objective", 1, merged,
                            found, 12, ("rokafor",))  # fmt: skip
    calls: list[tuple[Objective, int]] = []

    def on_save(value: Objective, reason: str) -> tuple[int, int]:
        if not calls:
            calls.append((value, e.based_on))
            raise conflict
        calls.append((value, e.based_on))
        e.state = saved_as(state, value)  # as the session sets it: version 8
        return 1, 8

    e = ObjectiveEditor(state, number=1, on_save=on_save, names=NAMES)
    e.target.value = "Mine"
    e.save_button.click()
    assert e.status.kind == "error" and "Richard Okafor also changed" in e.status.message
    view = e.conflicts.view
    assert view is not None and "Keep Richard Okafor's" in str(view.choices[0].options)
    view.choices[0].value = "theirs"
    view.save_button.click()
    chosen, based_on = calls[-1]
    assert chosen.target == "Theirs" and chosen.id == 1 and based_on == 12
    assert e.status.kind == "ok" and e.conflicts.view is None
    assert e.target.value == "Theirs" and e.based_on == 8  # the form shows what is stored


def test_a_save_by_someone_else_moves_untouched_fields_and_keeps_typed_ones() -> None:
    state = example_state()
    e = ObjectiveEditor(state, number=1)
    e.title.value = "My new title"
    e.state = saved_as(state, example_objective(1, target="Their target"))
    assert e.target.value == "Their target"  # untouched here: follows
    assert e.title.value == "My new title"  # typed here: kept
    assert e.based_on == 8


def test_the_reason_box_is_shown_once_the_objectives_were_agreed() -> None:
    state = example_state()
    e = ObjectiveEditor(state, number=1)
    assert not is_shown(e.reason)
    draft = AgreementVersion(subject="objectives", number=2)
    e.state = dataclasses.replace(state, agreements={"objectives": draft})
    assert is_shown(e.reason)


# --- ObjectiveList ---------------------------------------------------------------------


def test_the_list_draws_its_state_and_redraws_when_it_changes() -> None:
    state = example_state()
    lst = ObjectiveList(state, names=NAMES)
    assert "Mei Chen" in lst.table.value and "weights total 100" in lst.total.value
    lst.state = dataclasses.replace(state, objectives=state.objectives[:1])
    assert "weights total 50, not 100" in lst.total.value
    assert [v for _label, v in lst.chooser.options] == [1]


def test_removing_hands_the_number_and_reason_to_on_remove() -> None:
    on_remove = MagicMock()
    lst = ObjectiveList(example_state(), on_remove=on_remove)
    lst.chooser.value = 2
    lst.remove_reason.value = "Covered by the team plan"
    lst.remove_button.click()
    on_remove.assert_not_called()  # asked first
    assert "Remove objective 2" in lst.confirm_box.question.value
    lst.confirm_box.yes_button.click()
    on_remove.assert_called_once_with(2, "Covered by the team plan")
    assert lst.status.message == "Objective 2 removed; its history is kept."


def test_the_lists_editor_saves_through_on_save_and_the_chooser_follows() -> None:
    on_save = MagicMock(return_value=(3, 8))
    lst = ObjectiveList(example_state(), on_save=on_save)
    lst.new_button.click()
    lst.editor.value = example_objective(None, title="A third one", weight=10)
    lst.state = saved_as(lst.state, example_objective(3, title="A third one", weight=10))  # type: ignore[arg-type]
    lst.editor.save_button.click()
    assert on_save.called and lst.chooser.value == 3


# --- CoverageView -----------------------------------------------------------------------


def test_coverage_says_what_is_missing_and_hands_a_reason_to_its_callback() -> None:
    state = example_state()
    on_save_reason = MagicMock()
    view = CoverageView(dataclasses.replace(state, objectives=state.objectives[:1]),
                        on_save_reason=on_save_reason)  # fmt: skip
    assert "responsibility 2 has no objective" in view.summary.value
    view.responsibility.value = 2
    view.why.value = "<b>The team plan</b> covers it"
    view.save_button.click()
    on_save_reason.assert_called_once_with(2, "<b>The team plan</b> covers it", 7, "")
    assert view.status.message == "Reason for responsibility 2 saved." and view.why.value == ""
    assert "pmw-hidden" not in view.responsibility._dom_classes
    view.state = state  # every responsibility has an objective: no empty form to fill in
    for part in (view.responsibility, view.why, view.save_button, view.change_reason):
        assert "pmw-hidden" in part._dom_classes


# --- SessionBar and AgreementPanel -----------------------------------------------------------


def test_the_session_bar_shows_the_workbook_and_a_one_sided_warning() -> None:
    bar = SessionBar(example_state(), names=NAMES, acting=EMPLOYEE,
                     participation=Participation(employee=5, manager=0))  # fmt: skip
    assert "Signed in as Mei Chen" in bar.summary.value
    assert "one-sided" in bar.warning.value
    assert "02_objectives.ipynb?workbook=1" in bar.nav.value
    bar.participation = Participation(employee=5, manager=2)
    assert bar.warning.value == ""


def test_the_coach_switches_who_is_acting_through_on_act() -> None:
    on_act = MagicMock()
    bar = SessionBar(example_state(), names=NAMES, acting=EMPLOYEE, facilitator=COACH,
                     coach=COACH, on_act=on_act)  # fmt: skip
    assert [v for _l, v in bar.acting_choice.options] == ["mchen", "rokafor", "kwalsh"]
    bar.acting_choice.value = "rokafor"
    on_act.assert_called_once_with("rokafor")
    assert bar.status.message == "Now acting: Richard Okafor"


def test_the_panel_confirms_the_fingerprint_it_shows() -> None:
    state = example_state()
    on_confirm = MagicMock(return_value=AgreementStatus.AWAITING_MANAGER)
    panel = AgreementPanel("objectives", state, on_confirm=on_confirm, names=NAMES,
                           acting=EMPLOYEE, method="own_sign_in")  # fmt: skip
    assert is_shown(panel.confirm_button) and not is_shown(panel.code)
    assert panel.confirm_button.description == "Confirm as Mei Chen (employee)"
    panel.confirm_button.click()
    on_confirm.assert_called_once_with(state.subject_hash("objectives"), "", "")
    assert panel.status.message == (
        "You confirmed version 1 of the objectives; waiting for Richard Okafor."
    )


def test_what_a_confirmation_said_goes_when_the_agreement_moves_on() -> None:
    """ "Waiting for Richard Okafor" stays while it is true, and goes when his edit
    withdraws the confirmation or his confirmation agrees it (the trial saw it stay)."""
    from pmwidgets.domain.agreement import Confirmation

    state = example_state()
    h = state.subject_hash("objectives")
    at = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)
    mine = Confirmation(person_id="mchen", party="employee", content_hash=h, at=at)
    theirs = Confirmation(person_id="rokafor", party="manager", content_hash=h, at=at)
    panel = AgreementPanel("objectives", state, names=NAMES, acting=EMPLOYEE, method="own_sign_in",
                           on_confirm=MagicMock(return_value=AgreementStatus.AWAITING_MANAGER))  # fmt: skip
    panel.confirm_button.click()
    waiting = "You confirmed version 1 of the objectives; waiting for Richard Okafor."
    confirmed = AgreementVersion(subject="objectives", number=1, confirmations=(mine,))
    panel.state = dataclasses.replace(state, agreements={"objectives": confirmed})
    assert panel.status.message == waiting  # still true: it stays
    edited = saved_as(state, example_objective(1, weight=40))
    panel.state = dataclasses.replace(edited, agreements={"objectives": confirmed})
    assert panel.status.message == ""  # his edit withdrew it
    panel.state = dataclasses.replace(state, agreements={"objectives": confirmed})
    panel.confirm_button.click()
    assert panel.status.message == waiting
    agreed = AgreementVersion(subject="objectives", number=1, confirmations=(mine, theirs),
                              agreed_hash=h, agreed_canonical=state.subject_canonical("objectives"),
                              agreed_at=at)  # fmt: skip
    panel.state = dataclasses.replace(state, agreements={"objectives": agreed})
    assert panel.status.message == "" and "Agreed by both" in panel.summary.value


def test_a_coach_alone_is_offered_no_confirmation() -> None:
    panel = AgreementPanel("objectives", example_state(), names=NAMES, acting=COACH,
                           method="own_sign_in")  # fmt: skip
    assert not is_shown(panel.confirm_button)
    assert "Only the employee and the manager confirm" in panel.explanation.value


def test_someone_chosen_at_the_screen_is_told_a_confirmation_is_their_own_act() -> None:
    panel = AgreementPanel("objectives", example_state(), names=NAMES, acting=EMPLOYEE,
                           method=None)  # fmt: skip
    assert not is_shown(panel.confirm_button) and "own act" in panel.explanation.value


def test_incomplete_objectives_cannot_be_confirmed() -> None:
    state = example_state()
    half = dataclasses.replace(state, objectives=state.objectives[:1])
    panel = AgreementPanel("objectives", half, names=NAMES, acting=EMPLOYEE, method="own_sign_in")
    assert not is_shown(panel.confirm_button)
    assert "Before either of you can confirm" in panel.readiness.value


def test_a_refused_confirmation_is_said_in_words_and_the_code_is_not_left_shown() -> None:
    panel = AgreementPanel(
        "objectives", example_state(), names=NAMES, acting=EMPLOYEE, facilitator=COACH,
        method="session_code",
        on_confirm=MagicMock(side_effect=ValidationFailed("not their current personal code")),
    )  # fmt: skip
    assert is_shown(panel.code)
    panel.code.value = "123456"
    panel.confirm_button.click()
    assert (
        panel.status.kind == "error" and panel.status.message == "not their current personal code"
    )
    assert panel.code.value == ""


def test_the_panel_names_what_changed_since_the_agreed_version() -> None:
    state = example_state()
    agreed = state.subject_canonical("objectives")
    changed = saved_as(state, example_objective(1, weight=40))
    draft = AgreementVersion(subject="objectives", number=2)
    panel = AgreementPanel("objectives", dataclasses.replace(changed, agreements={"objectives": draft}),
                           names=NAMES, acting=EMPLOYEE, agreed_before=(1, agreed))  # fmt: skip
    assert "What changed since version 1 was agreed" in panel.changes.value
    assert "weight changed from 50% to 40%" in panel.changes.value
    panel.acting = MANAGER  # someone else acts now: nothing said to the other is left
    assert panel.status.message == ""


def test_a_conflict_slot_names_the_other_person_from_its_names_trait() -> None:
    slot = ConflictSlot()
    slot.names = {"rokafor": "Richard Okafor"}
    merged, found = merge3({"title": "A"}, {"title": "B"}, {"title": "C"}, "objective")
    slot.show_conflict(EditConflict("both", "objective", 1, merged, found, 3, ("rokafor",)),
                       lambda record, version: None)  # fmt: skip
    assert slot.view is not None and "Saved by Richard Okafor" in slot.view.children[0].value
    slot.clear()
    assert slot.children == () and slot.view is None


def test_the_editor_offers_only_the_jobs_responsibilities() -> None:
    e = ObjectiveEditor(example_state())
    assert [v for _l, v in e.responsibilities.options] == [1, 2]
    e.load(None, template={"due": dt.date.today(), "responsibilities": (1, 9)})
    assert e.responsibilities.value == (1,)


def test_keep_it_removes_nothing_and_a_forged_confirm_removes_nothing() -> None:
    from pmwidgets.widgets.lean import is_shown

    on_remove = MagicMock()
    state = example_state()
    lst = ObjectiveList(state, on_remove=on_remove)
    lst.chooser.value = 1
    lst.remove_button.click()
    assert is_shown(lst.confirm_box)
    lst.confirm_box.keep_button.click()
    on_remove.assert_not_called()
    assert not is_shown(lst.confirm_box)
    lst.confirm_box.yes_button.click()  # a forged click on the hidden button: nothing was asked
    on_remove.assert_not_called()
