"""ReviewForm wired to the demo workbooks: assessments, starting the review, conflicts."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as W
import pytest
from helpers import table_cells

from pmwidgets.apps.wiring import review_form
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain.model import Assessment, Review, Stage
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.lean import is_shown
from pmwidgets.widgets.review_form import ReviewForm

XSS = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def page(store: Store, person: str, wb_id: int = 4) -> ReviewForm:
    return wired(WorkbookSession(Services(store, person), wb_id))


CONTEXTS: dict[int, WorkbookSession] = {}


def wired(ctx: WorkbookSession) -> ReviewForm:
    """The review form as the review page wires it to the workbook."""
    form = review_form(ctx)
    assert isinstance(form, ReviewForm)
    CONTEXTS[id(form)] = ctx
    return form


def review(store: Store, wb_id: int = 4) -> Review:
    return Services(store, "hlambert").open(wb_id).review


def mine(r: Review, party: str) -> list[tuple[int, str, str]]:
    return sorted((a.objective, a.level, a.comment) for a in r.assessments if a.by == party)


def test_starting_the_review(demo: Store) -> None:
    form = page(demo, "rokafor", 1)
    assert is_shown(form.start_button)
    assert not is_shown(form.body)
    assert "last step" in form.stage_note.value
    # the cycle ends on 31 Aug 2027: months early, the review needs a reason (recorded)
    assert is_shown(form.start_reason)
    form.start_button.click()
    assert form.status.kind == "error" and "give the reason" in form.status.message
    assert Services(demo, "mchen").workbook(1).stage == Stage.CHECK_INS
    form.start_reason.value = "Mei leaves for the new campus in January"
    form.start_button.click()
    assert form.status.kind == "ok", form.status.message
    assert demo.events(1)[-1].reason == "Mei leaves for the new campus in January"
    assert Services(demo, "mchen").workbook(1).stage == Stage.REVIEW
    assert demo.events(1)[-1].actor_id == "rokafor"
    assert not is_shown(form.start_button)
    assert is_shown(form.body)
    assert is_shown(form.save_button)


def test_before_check_ins_the_review_waits(demo: Store) -> None:
    form = page(demo, "rokafor", 2)
    assert "must be agreed by both first" in form.stage_note.value
    assert not is_shown(form.start_button)
    version = demo.latest_version(2)
    form.start_button.click()  # a forged click on the hidden button
    assert form.status.kind == "error"
    assert "before the review" in form.status.message
    assert demo.latest_version(2) == version


def test_the_coach_cannot_start_the_review(demo: Store) -> None:
    form = page(demo, "kwalsh", 1)
    assert not is_shown(form.start_button)
    form.start_button.click()
    assert form.status.kind == "error"
    assert Services(demo, "mchen").workbook(1).stage == Stage.CHECK_INS


def test_saving_before_the_review_is_refused(demo: Store) -> None:
    form = page(demo, "mchen", 1)
    assert not is_shown(form.save_button)
    version = demo.latest_version(1)
    form.levels[1].value = "met"
    form.save_button.click()  # forged click on the hidden button
    assert form.status.kind == "error"
    assert "start the review first" in form.status.message
    assert demo.latest_version(1) == version


def test_aberg_saves_her_self_assessments(demo: Store) -> None:
    before = review(demo)
    form = page(demo, "aberg")
    # her column is editable and filled from the store; Helen's is read-only text
    assert set(form.levels) == {1, 2, 3}
    assert (form.levels[2].value, form.comments[2].value) == (
        "met",
        "9 new employers; 4 fleet or EV",
    )
    assert "Best destination figures" in form.others[1, "manager"].value
    assert "Not assessed yet" in form.others[2, "manager"].value
    assert not any(who == "employee" for _n, who in form.others)

    form.levels[2].value = "exceeded"
    form.comments[2].value = "9 new employers, 4 of them fleet or EV: above target"
    form.next_focus.value = "Apprenticeship placements with the new employers"
    form.save_button.click()
    assert form.status.kind == "ok", form.status.message

    after = review(demo)
    assert (2, "exceeded", "9 new employers, 4 of them fleet or EV: above target") in mine(
        after, "employee"
    )
    assert len(mine(after, "employee")) == 3
    assert mine(after, "manager") == mine(before, "manager")  # Helen's untouched
    assert after.development_outcomes == before.development_outcomes
    assert after.next_cycle_focus == "Apprenticeship placements with the new employers"
    assert demo.events(4)[-1].actor_id == "aberg"


def test_a_level_is_needed_with_a_comment(demo: Store) -> None:
    form = page(demo, "hlambert")
    version = demo.latest_version(4)
    form.comments[3].value = "Very good open day"
    form.save_button.click()
    assert form.status.kind == "error"
    assert "objective 3" in form.status.message
    assert demo.latest_version(4) == version


def test_a_forged_change_of_the_managers_column_is_refused(demo: Store) -> None:
    before = review(demo)
    version = demo.latest_version(4)
    form = page(demo, "aberg")
    forged = before.model_copy(
        update={
            "assessments": (
                *(a for a in before.assessments if a.by == "employee"),
                Assessment(objective=1, by="manager", level="exceeded", comment="Best ever"),
                Assessment(objective=2, by="manager", level="exceeded", comment="Superb"),
            )
        }
    )
    # the page offers no input for Helen's column: a notebook user may set ``value``
    form.value = forged
    form.save_button.click()
    assert form.status.kind == "error"
    assert "only the manager can change the manager's assessments" in form.status.message
    assert review(demo) == before
    assert demo.latest_version(4) == version


def test_evidence_from_check_ins_beside_each_objective(demo: Store) -> None:
    form = page(demo, "hlambert")
    header = form.headers[1].value
    assert "Every completing learner has a destination" in header
    assert "95% with a destination by 30 September" in header  # the target
    assert "Share of completing learners with a recorded destination" in header  # the measure
    assert ["6 Oct 2026", "100%", "done"] in [r[:3] for r in table_cells(form.evidence[1].value)]
    assert "52 of 54 (96%) with a destination" in form.evidence[1].value
    two = form.evidence[2].value
    assert two.index("10 Mar 2026") < two.index("16 Jun 2026") < two.index("6 Oct 2026")
    assert "7 new employers, 3 fleet or EV" in two
    # the evidence sits in the same row as the assessments
    row = form.cards[1].children[1]
    assert form.evidence[1] in row.children


def test_xss_in_a_comment_is_escaped(demo: Store) -> None:
    form = page(demo, "aberg")
    form.comments[1].value = XSS
    form.outcomes.value = XSS
    form.save_button.click()
    assert form.status.kind == "ok", form.status.message
    assert mine(review(demo), "employee")[0][2] == XSS  # stored verbatim

    helen = page(demo, "hlambert")
    shown = helen.others[1, "employee"].value
    assert "<script>" not in shown
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
    assert helen.outcomes.value == XSS  # a Textarea shows it as plain text


def test_a_save_on_an_old_page_keeps_the_other_s_column(demo: Store) -> None:
    anna = page(demo, "aberg")
    helen = page(demo, "hlambert")
    helen.levels[2].value = "met"
    helen.comments[2].value = "A good year for the network"
    helen.save_button.click()
    assert helen.status.kind == "ok", helen.status.message

    anna.comments[3].value = "Best open day yet"
    anna.save_button.click()  # Anna's page has not seen Helen's save: nothing is lost
    assert anna.status.kind == "ok", anna.status.message
    assert "A good year for the network" in anna.others[2, "manager"].value  # reloaded
    after = review(demo)
    assert (3, "exceeded", "Best open day yet") in mine(after, "employee")
    assert (2, "met", "A good year for the network") in mine(after, "manager")


def test_coach_mode_switches_the_editable_column(demo: Store) -> None:
    coach = Services(demo, "kwalsh")
    context = WorkbookSession(coach.acting_as("aberg"), 4)
    form = wired(context)
    assert (1, "manager") in form.others
    context.act_as(coach.acting_as("hlambert"))
    assert (1, "employee") in form.others and (1, "manager") not in form.others
    assert form.levels[1].value == "exceeded"
    assert form.comments[1].value == "Best destination figures the school has had"


def test_the_same_field_changed_by_both_is_chosen_not_overwritten(demo: Store) -> None:
    """Helen saves the focus for the next cycle while Anna types another: Anna's save
    neither reverts Helen's silently nor is lost; both are shown and Anna chooses."""
    anna = page(demo, "aberg")
    helen = page(demo, "hlambert")
    anna.next_focus.value = "Employer events in the spring"
    helen.next_focus.value = "Apprenticeship places with fleet operators"
    helen.save_button.click()
    assert helen.status.kind == "ok", helen.status.message
    CONTEXTS[id(anna)].reload()  # her page hears of Helen's save; her typing stays
    assert anna.next_focus.value == "Employer events in the spring"
    anna.outcomes.value = "Two new employer partners"
    anna.save_button.click()
    assert anna.status.kind == "error" and "Helen Lambert also changed" in anna.status.message
    assert review(demo).next_cycle_focus == "Apprenticeship places with fleet operators"
    view = anna.conflicts.view
    assert view is not None
    assert "Employer events in the spring" in view.children[0].value
    assert "Apprenticeship places with fleet operators" in view.children[0].value
    view.choices[0].value = "theirs"
    view.save_button.click()
    assert anna.status.kind == "ok", anna.status.message
    after = review(demo)
    assert after.next_cycle_focus == "Apprenticeship places with fleet operators"
    assert after.development_outcomes == "Two new employer partners"  # the rest was merged
    assert anna.next_focus.value == "Apprenticeship places with fleet operators"
