"""Use cases through the services layer: the journey, agreement, access, private notes."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import CYCLE, agreed_job, make_job, new_workbook

from pmwidgets.domain import (
    AgreementStatus,
    Amendment,
    Assessment,
    CheckIn,
    DevelopmentAction,
    DevelopmentPlan,
    NotAllowed,
    NotFound,
    Objective,
    Rating,
    Review,
    Stage,
    SupportCommitment,
    ValidationFailed,
)
from pmwidgets.domain.agreement import reasons_of
from pmwidgets.services import Services, identity
from pmwidgets.store import Store


def obj(title: str = "Cut delayed practical sessions", **changes: object) -> Objective:
    base = dict(
        title=title,
        description="Prepare every session the day before from the plans.",
        responsibilities=(1, 2, 3),
        measure="Delayed sessions",
        target="At most 2",
        due=dt.date(2027, 6, 30),
        weight=50,
        proposed_by="someone-else",
    )
    base.update(changes)
    return Objective(**base)  # type: ignore[arg-type]


def agree(store: Store, wb: int, subject: str) -> AgreementStatus:
    result = AgreementStatus.DRAFT
    for who in ("emp", "boss"):
        svc = Services(store, who)
        seen = svc.open(wb).subject_hash(subject)  # type: ignore[arg-type]
        # the tests' objectives are often one at 100%: each party accepts that, saying why
        result = svc.confirm(wb, subject, seen, accept_reason="one objective is enough here")  # type: ignore[arg-type]
    return result


def test_objectives_need_an_agreed_job_description(people_store: Store) -> None:
    wb = new_workbook(people_store)
    emp = Services(people_store, "emp")
    with pytest.raises(ValidationFailed, match="confirm the job description"):
        emp.add_objective(wb, obj(), 1)
    emp.set_job_description(wb, make_job(), 1)
    with pytest.raises(ValidationFailed, match="both must confirm the job description"):
        emp.add_objective(wb, obj(), 2)
    emp.confirm(wb, "job_description", emp.open(wb).subject_hash("job_description"))
    assert emp.open(wb).agreement_status("job_description") == AgreementStatus.AWAITING_MANAGER
    assert emp.workbook(wb).stage == Stage.JOB_DESCRIPTION
    boss = Services(people_store, "boss")
    assert (
        boss.confirm(wb, "job_description", boss.open(wb).subject_hash("job_description"))
        == AgreementStatus.AGREED
    )
    assert emp.workbook(wb).stage == Stage.OBJECTIVES


def test_the_journey_from_objectives_to_a_closed_review(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    n1 = emp.add_objective(wb, obj(), emp.open(wb).workbook.version)
    n2 = boss.add_objective(
        wb,
        obj("Bring the equipment register up to date", responsibilities=(2, 3)),
        boss.open(wb).workbook.version,
    )
    state = emp.open(wb)
    assert [o.proposed_by for o in state.objectives] == [
        "emp",
        "boss",
    ]  # recorded as the author, whatever was sent
    assert agree(store, wb, "objectives") == AgreementStatus.AGREED
    assert emp.workbook(wb).stage == Stage.DEVELOPMENT

    plan = DevelopmentPlan(
        ratings=(Rating(competency="Health and safety", by="employee", level=2),)
    )
    emp.set_plan(wb, plan, emp.open(wb).workbook.version)
    plan = emp.open(wb).plan
    plan = plan.model_copy(
        update={
            "ratings": (
                *plan.ratings,
                Rating(competency="Health and safety", by="manager", level=3),
            ),
            "actions": (
                DevelopmentAction(
                    kind="education",
                    description="LOLER course",
                    gap="Health and safety",
                    due=dt.date(2026, 11, 30),
                ),
            ),
            "support": (SupportCommitment(text="Pay for the course"),),
        }
    )
    boss.set_plan(wb, plan, boss.open(wb).workbook.version)
    assert agree(store, wb, "development_plan") == AgreementStatus.AGREED
    assert emp.workbook(wb).stage == Stage.CHECK_INS

    emp.save_check_in(
        wb, CheckIn(on=dt.date(2026, 10, 1), goal="g", will="w"), emp.open(wb).workbook.version
    )
    with pytest.raises(ValidationFailed, match="start the review first"):
        emp.set_review(wb, Review(), emp.open(wb).workbook.version)
    with pytest.raises(ValidationFailed, match="to start it earlier, give the reason"):
        boss.start_review(wb, boss.open(wb).workbook.version)  # months before the cycle ends
    boss.start_review(wb, boss.open(wb).workbook.version, "Eli moves to a new role in May")
    assert store.events(wb)[-1].reason == "Eli moves to a new role in May"
    assert boss.workbook(wb).stage == Stage.REVIEW
    emp.set_review(
        wb,
        Review(
            assessments=(
                Assessment(objective=n1, by="employee", level="met"),
                Assessment(objective=n2, by="employee", level="met"),
            )
        ),
        emp.open(wb).workbook.version,
    )
    review = boss.open(wb).review
    review = review.model_copy(
        update={
            "assessments": (
                *review.assessments,
                Assessment(objective=n1, by="manager", level="met"),
                Assessment(objective=n2, by="manager", level="exceeded"),
            )
        }
    )
    with pytest.raises(
        ValidationFailed,
        match="not ready to agree: objective 1 “Cut delayed practical sessions” is not assessed "
        "yet by the manager; objective 2",
    ):
        boss.confirm(wb, "review", boss.open(wb).subject_hash("review"))
    boss.set_review(wb, review, boss.open(wb).workbook.version)
    assert agree(store, wb, "review") == AgreementStatus.AGREED
    assert emp.workbook(wb).stage == Stage.CLOSED
    with pytest.raises(ValidationFailed, match="closed"):
        emp.save_check_in(wb, CheckIn(on=dt.date(2026, 12, 1)), emp.open(wb).workbook.version)
    assert store.verify().ok
    p = emp.participation(wb)
    assert p.employee >= 3 and p.manager >= 3 and p.one_sided is None


def test_a_change_after_agreement_needs_a_reason_and_reopens(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp = Services(store, "emp")
    n = emp.add_objective(wb, obj(weight=100), emp.open(wb).workbook.version)
    agree(store, wb, "objectives")
    state = emp.open(wb)
    with pytest.raises(ValidationFailed, match="give a reason"):
        emp.update_objective(wb, n, obj(target="At most 1", weight=100), state.workbook.version)
    assert emp.open(wb).workbook.version == state.workbook.version  # nothing stored
    emp.update_objective(
        wb, n, obj(target="At most 1", weight=100), state.workbook.version, reason="Tighter target"
    )
    state = emp.open(wb)
    v2 = state.agreements["objectives"]
    assert (v2.number, v2.opened_reason, v2.agreed) == (2, "Tighter target", False)
    assert state.agreement_status("objectives") == AgreementStatus.DRAFT
    # a later change to the draft is a change to what was agreed too: its reason is needed,
    # and joins the version's, so that the reasons cover every change in version 2
    boss = Services(store, "boss")
    later = obj(target="At most 1", measure="Late sessions", weight=100)
    with pytest.raises(ValidationFailed, match="give the reason for this change too"):
        boss.update_objective(wb, n, later, state.workbook.version)
    boss.update_objective(wb, n, later, state.workbook.version, reason="Clearer measure")
    v2 = emp.open(wb).agreements["objectives"]
    assert (v2.number, v2.opened_reason) == (2, "Tighter target\nClearer measure")
    # a reason is one line, whatever it says: a semicolon in it splits nothing
    boss.update_objective(
        wb, n, obj(target="At most 1", measure="Late practical sessions", weight=100),
        emp.open(wb).workbook.version, reason="Checked the register; it was two",
    )  # fmt: skip
    v2 = emp.open(wb).agreements["objectives"]
    assert reasons_of(v2.opened_reason) == [
        "Tighter target", "Clearer measure", "Checked the register; it was two"
    ]  # fmt: skip
    assert agree(store, wb, "objectives") == AgreementStatus.AGREED
    frozen = [e for e in store.events(wb) if e.action == "agreement.agreed"]
    assert len(frozen) == 3  # job, objectives v1, objectives v2
    assert (
        '"At most 2"' in frozen[1].after["agreed_canonical"]
        and '"At most 1"' in frozen[2].after["agreed_canonical"]
    )


def test_proposing_an_amendment_at_a_check_in_reopens_agreement(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp = Services(store, "emp")
    n = emp.add_objective(wb, obj(weight=100), emp.open(wb).workbook.version)
    agree(store, wb, "objectives")
    amendment = Amendment(
        objective=n, proposal="Move the due date to March", reason="Examiner unavailable"
    )
    emp.save_check_in(
        wb, CheckIn(on=dt.date(2026, 11, 5), amendments=(amendment,)), emp.open(wb).workbook.version
    )
    state = emp.open(wb)
    assert state.agreements["objectives"].number == 2
    assert "Examiner unavailable" in state.agreements["objectives"].opened_reason
    assert state.agreement_status("objectives") == AgreementStatus.DRAFT


def test_confirming_content_that_changed_is_refused(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    emp.add_objective(wb, obj(weight=100), emp.open(wb).workbook.version)
    seen = boss.open(wb).subject_hash("objectives")
    emp.update_objective(wb, 1, obj(weight=100, target="At most 3"), emp.open(wb).workbook.version)
    with pytest.raises(ValidationFailed, match="changed since you looked"):
        boss.confirm(wb, "objectives", seen)


def test_an_objective_added_on_an_old_page_loses_nothing(people_store: Store) -> None:
    """Adding changes nothing anyone saved: it is added beside the other's new one."""
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    version = emp.open(wb).workbook.version
    boss_version = boss.open(wb).workbook.version
    emp.add_objective(wb, obj("Employee's objective"), version)
    boss.add_objective(wb, obj("Manager's objective"), boss_version)
    titles = [o.title for o in boss.open(wb).objectives]
    assert titles == ["Employee's objective", "Manager's objective"]


def test_each_party_changes_only_their_own_ratings_and_assessments(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp = Services(store, "emp")
    forged = DevelopmentPlan(
        ratings=(Rating(competency="Health and safety", by="manager", level=5),)
    )
    with pytest.raises(NotAllowed, match="only the manager can change the manager's ratings"):
        emp.set_plan(wb, forged, emp.open(wb).workbook.version)
    with pytest.raises(NotAllowed, match="support commitments"):
        emp.set_plan(
            wb,
            DevelopmentPlan(support=(SupportCommitment(text="A pay rise"),)),
            emp.open(wb).workbook.version,
        )
    bad_link = DevelopmentPlan(
        actions=(
            DevelopmentAction(
                kind="education", description="Course", objective=9, due=dt.date(2027, 1, 1)
            ),
        )
    )
    with pytest.raises(ValidationFailed, match="objective 9"):
        emp.set_plan(wb, bad_link, emp.open(wb).workbook.version)


def test_access_rules(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store, coach="coach")
    other_wb = new_workbook(store, employee="other", coach="coach2")
    emp, other, coach, coach2, admin = (
        Services(store, p) for p in ("emp", "other", "coach", "coach2", "admin")
    )
    assert [w.id for w in emp.workbooks()] == [wb]
    assert [w.id for w in coach.workbooks()] == [wb]
    assert sorted(w.id or 0 for w in admin.workbooks()) == [wb, other_wb]
    assert sorted(w.id or 0 for w in Services(store, "boss").workbooks()) == [wb, other_wb]
    for svc in (other, coach2):
        with pytest.raises(NotFound, match="not available to you"):
            svc.open(wb)
        with pytest.raises(NotFound):
            svc.set_job_description(wb, make_job(), 1)
        with pytest.raises(NotFound):
            svc.history(wb)
    with pytest.raises(NotAllowed, match="only the employee and the manager"):
        coach.confirm(wb, "job_description", "0" * 64)
    with pytest.raises(NotAllowed, match="only the employee and the manager"):
        admin.confirm(wb, "job_description", "0" * 64)
    with pytest.raises(NotAllowed):
        emp.create_workbook("emp", "boss", *CYCLE)
    with pytest.raises(NotAllowed, match="admin"):
        emp.verify()


def test_coach_mode_records_the_facilitator(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store, coach="coach")
    coach = Services(store, "coach")
    as_boss = coach.acting_as("boss")
    as_boss.set_job_description(wb, make_job(), 1)
    as_emp = coach.acting_as("emp")
    code = identity.personal_code("emp")  # read on the employee's own signed-in page
    as_emp.confirm(wb, "job_description", as_emp.open(wb).subject_hash("job_description"), code)
    events = store.events(wb)
    assert events[-1].actor_id == "emp" and events[-1].facilitator_id == "coach"
    confirmation = as_emp.open(wb).agreements["job_description"].confirmations[0]
    assert (confirmation.person_id, confirmation.facilitator_id) == ("emp", "coach")
    with pytest.raises(NotAllowed, match="not the coach"):
        Services(store, "coach2").acting_as("emp").set_job_description(
            wb, make_job(), store.latest_version(wb)
        )
    with pytest.raises(NotAllowed, match="needs the role coach"):
        Services(store, "emp").acting_as("boss")


def test_private_notes_are_visible_to_their_author_only(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    emp, boss, coach = Services(store, "emp"), Services(store, "boss"), Services(store, "coach")
    emp.add_note(wb, "Ask about the Friday group")
    assert [n.text for n in emp.open(wb).notes] == ["Ask about the Friday group"]
    assert boss.open(wb).notes == () and coach.open(wb).notes == ()
    assert not any(e.action.startswith("note.") for e in boss.history(wb))
    assert any(e.action == "note.added" for e in emp.history(wb))
    assert "Friday" not in str(boss.export_workbook(wb))
    assert "Friday" in str(emp.export_workbook(wb))
    with pytest.raises(NotAllowed):
        boss.export_workbook(wb, include_private=True)
    assert "Friday" in str(Services.operator(store).export_workbook(wb, include_private=True))


def test_bad_input_stores_nothing(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp = Services(store, "emp")
    emp.add_objective(wb, obj(weight=100), emp.open(wb).workbook.version)
    agree(store, wb, "objectives")
    version = emp.open(wb).workbook.version
    with pytest.raises(ValidationFailed, match="outside the cycle"):
        emp.add_objective(wb, obj(due=dt.date(2028, 1, 1)), version)
    with pytest.raises(ValidationFailed, match="not in the job description"):
        emp.add_objective(wb, obj(responsibilities=(9,)), version)
    with pytest.raises(ValidationFailed, match="inside the cycle"):
        emp.save_check_in(wb, CheckIn(on=dt.date(2025, 1, 1)), version)
    with pytest.raises(ValidationFailed, match="progress given for objective 4"):
        emp.save_check_in(
            wb, CheckIn(on=dt.date(2026, 10, 1), progress=({"objective": 4},)), version
        )  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="end after it starts"):
        Services(store, "boss").create_workbook("emp", "boss", CYCLE[1], CYCLE[0])
    assert emp.open(wb).workbook.version == version


def test_workbooks_follow_the_line_manager_and_do_not_overlap(people_store: Store) -> None:
    store = people_store
    new_workbook(store)
    with pytest.raises(ValidationFailed, match="already has workbook 1"):
        Services(store, "boss").create_workbook("emp", "boss", CYCLE[0], CYCLE[1])
    with pytest.raises(NotAllowed, match="line manager is boss"):
        Services(store, "coach").create_workbook("other", "coach2", *CYCLE, coach_id="coach")
    nxt = Services(store, "boss").create_workbook(
        "emp", "boss", CYCLE[1] + dt.timedelta(days=1), CYCLE[1] + dt.timedelta(days=365)
    )
    assert nxt.id == 2


def test_library_search_treats_wildcards_as_text(people_store: Store) -> None:
    people_store.add_job(make_job(), "admin")
    assert people_store.find_jobs("%") == [] and people_store.find_jobs("_") == []
    assert len(people_store.find_jobs("technician")) == 1


def test_an_out_of_date_page_keeps_the_other_party_s_ratings(people_store: Store) -> None:
    """Not a refusal for a rule the page did not break: the manager's rating, saved since
    the employee's page loaded, is kept beside the employee's own."""
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    page_version = emp.open(wb).workbook.version
    boss.set_plan(
        wb,
        DevelopmentPlan(ratings=(Rating(competency="Health and safety", by="manager", level=3),)),
        page_version,
    )
    emp.set_plan(
        wb,
        DevelopmentPlan(ratings=(Rating(competency="Health and safety", by="employee", level=2),)),
        page_version,
    )
    plan = emp.open(wb).plan
    assert plan.rating("Health and safety", "manager").level == 3  # type: ignore[union-attr]
    assert plan.rating("Health and safety", "employee").level == 2  # type: ignore[union-attr]


def test_check_ins_wait_for_agreed_objectives_and_assessments_are_one_each(
    people_store: Store,
) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp = Services(store, "emp")
    with pytest.raises(ValidationFailed, match="agree the objectives before holding check-ins"):
        emp.save_check_in(
            wb, CheckIn(on=dt.date(2026, 10, 1), goal="g"), emp.open(wb).workbook.version
        )
    with pytest.raises(ValueError, match="assessed objective 1 twice"):
        Review(
            assessments=(
                Assessment(objective=1, by="employee", level="met"),
                Assessment(objective=1, by="employee", level="exceeded"),
            )
        )
