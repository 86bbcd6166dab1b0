"""What a person should do next on a step, on the demo organisation's workbooks."""

from __future__ import annotations

import datetime as dt

from pmwidgets.domain.agreement import AgreementStatus
from pmwidgets.domain.next_action import next_action, next_check_in_due, workbook_next
from pmwidgets.services import Services
from pmwidgets.store import Store

TODAY = dt.date(2026, 12, 7)


def state(demo: Store, wb: int):  # type: ignore[no-untyped-def]
    return Services(demo, "hlambert" if wb in (4, 5) else "rokafor").open(wb)


def test_an_agreed_step_has_nothing_to_do_and_says_a_change_asks_both(demo: Store) -> None:
    found = next_action(state(demo, 1), "01_job_description", "manager", TODAY)
    assert found.target == "none" and "version 1 of the job description is agreed" in found.text
    assert "both of you agree again" in found.why


def test_a_draft_with_gaps_leads_to_the_form_and_names_the_first_gap(demo: Store) -> None:
    found = next_action(state(demo, 2), "02_objectives", "employee", TODAY)
    assert found.target == "edit"
    assert found.text.startswith("Complete the objectives: objective 1 “Improve teaching”")
    assert "(and 4 more to fix)" in found.text


def test_a_complete_draft_leads_to_the_confirmation(demo: Store) -> None:
    found = next_action(state(demo, 5), "01_job_description", "employee", TODAY)
    assert found.target == "agree" and "each of you confirms it" in found.text
    assert found.text.startswith("Version 1 of the job description is ready")


def test_a_step_resting_on_an_unagreed_one_sends_there_first(demo: Store) -> None:
    found = next_action(state(demo, 5), "02_objectives", "manager", TODAY)
    assert found.step == "01_job_description" and found.text == "First agree the job description."
    found = next_action(state(demo, 5), "04_check_ins", "manager", TODAY)
    assert found.step == "02_objectives"


def test_the_person_awaited_is_asked_and_the_other_waits(demo: Store) -> None:
    svc = Services(demo, "sjones", verified=True)
    s = svc.open(5)
    svc.confirm(5, "job_description", s.subject_hash("job_description"))
    s = svc.open(5)
    assert s.agreement_status("job_description") == AgreementStatus.AWAITING_MANAGER
    mine = next_action(s, "01_job_description", "manager", TODAY)
    assert mine.target == "agree" and mine.text.startswith("Read version 1")
    theirs = next_action(s, "01_job_description", "employee", TODAY)
    assert theirs.target == "none" and theirs.text == "Wait for the manager to confirm version 1."
    # across the workbook, the manager's first thing is that confirmation
    assert workbook_next(s, "manager", TODAY)[0] == "01_job_description"  # type: ignore[index]


def test_check_ins_say_when_the_next_is_due_and_when_it_is_overdue(demo: Store) -> None:
    s = state(demo, 1)
    due = next_check_in_due(s)
    before = next_action(s, "04_check_ins", "employee", due - dt.timedelta(days=1))
    assert before.target == "edit" and "it is due by" in before.text
    after = next_action(s, "04_check_ins", "employee", due + dt.timedelta(days=1))
    assert "A check-in is due (since" in after.text


def test_the_review_before_its_stage_says_when_it_opens_and_after_check_ins_end(
    demo: Store,
) -> None:
    early = next_action(state(demo, 1), "05_review", "employee", TODAY)
    assert early.step == "04_check_ins" and "it opens on" in early.text
    late = next_action(state(demo, 4), "04_check_ins", "employee", TODAY)
    assert late.step == "05_review" and "check-ins are over" in late.text


def test_a_changed_agreement_comes_before_the_stage_s_work(demo: Store) -> None:
    # workbook 3: the objectives were changed after they were agreed (version 2, a draft)
    stem, found = workbook_next(state(demo, 3), "employee", TODAY)  # type: ignore[misc]
    assert stem == "02_objectives" and found.target in ("edit", "agree")


def test_someone_not_a_party_reads_where_the_workbook_stands(demo: Store) -> None:
    found = next_action(state(demo, 2), "00_start_here", None, TODAY)
    assert found.step == "02_objectives" and found.text.endswith(".")
