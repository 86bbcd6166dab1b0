"""Every write use case returns the workbook as it left it, as the writer may see it.

The state a write returns must equal a fresh read of the database by that person (a
second store, with nothing kept): their own private notes, nobody else's, and none on
a shared screen. :class:`Services`' methods answer the use case's result alone and do
not read the state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from helpers import make_job, new_workbook
from services.test_services import obj

from pmwidgets.domain import (
    AgreementStatus,
    Assessment,
    CheckIn,
    DevelopmentAction,
    DevelopmentPlan,
    Rating,
    Review,
    Stage,
)
from pmwidgets.domain.state import WorkbookState
from pmwidgets.services import Services, agreeing, drafting, following, identity
from pmwidgets.services.written import Written
from pmwidgets.store import Store


def fresh(store: Store, workbook_id: int, viewer: str | None) -> WorkbookState:
    """The workbook read from the database by a store that keeps nothing yet."""
    with Store(store.url) as other:
        return other.load(workbook_id, viewer_id=viewer)


def checked(made: Written[Any], svc: Services, workbook_id: int, viewer: str | None) -> Any:
    """``made``'s result, once its state is what ``viewer`` reads now, at its version."""
    assert made.version == svc.store.latest_version(workbook_id)
    assert made.state.workbook.version == made.version
    assert made.state == fresh(svc.store, workbook_id, viewer) == svc.open(workbook_id)
    return made.result


def confirm_both(store: Store, wb: int, subject: Any) -> AgreementStatus:
    status = AgreementStatus.DRAFT
    for who in ("emp", "boss"):
        svc = Services(store, who)
        seen = svc.open(wb).subject_hash(subject)
        made = agreeing.confirm(svc, wb, subject, seen, accept_reason="fine for this cycle")
        status = checked(made, svc, wb, who)
    return status


def test_each_drafting_write_returns_the_state_it_made(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    note = checked(following.add_note(emp, wb, "Ask about the Friday group"), emp, wb, "emp")
    made = drafting.set_job_description(boss, wb, make_job(), store.latest_version(wb))
    assert checked(made, boss, wb, "boss") == made.version and made.state.job == make_job()
    assert made.state.notes == ()  # hers, not his
    assert confirm_both(store, wb, "job_description") == AgreementStatus.AGREED
    first = drafting.add_objective(emp, wb, obj("Cut delays", weight=60), store.latest_version(wb))
    number = checked(first, emp, wb, "emp")
    assert [n.id for n in first.state.notes] == [note]  # her own note is in what she sees
    second = obj("Register up to date", weight=40)
    later = checked(drafting.add_objective(boss, wb, second, first.version), boss, wb, "boss")
    changed = obj("Cut delays", weight=50)
    made = drafting.update_objective(emp, wb, number, changed, store.latest_version(wb))
    assert checked(made, emp, wb, "emp") == made.version
    assert made.state.objective(number).weight == 50  # type: ignore[union-attr]
    made = drafting.remove_objective(boss, wb, later, store.latest_version(wb))
    assert checked(made, boss, wb, "boss") and made.state.objective(later) is None
    made = drafting.set_coverage_reason(emp, wb, 2, "Covered next cycle", made.version)
    checked(made, emp, wb, "emp")
    assert [r.reason for r in made.state.coverage_reasons] == ["Covered next cycle"]
    plan = DevelopmentPlan(
        ratings=(Rating(competency="Health and safety", by="employee", level=2),)
    )
    made = drafting.set_plan(emp, wb, plan, made.version)
    assert checked(made, emp, wb, "emp") == made.version and made.state.plan == plan
    again = drafting.set_plan(emp, wb, plan, made.version)  # nothing changed: nothing stored
    assert checked(again, emp, wb, "emp") == made.version and again.state == made.state


def test_each_following_write_returns_the_state_it_made(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    boss.set_job_description(wb, make_job(), 1)
    confirm_both(store, wb, "job_description")
    number = emp.add_objective(wb, obj("Cut delays", weight=100), store.latest_version(wb))
    assert confirm_both(store, wb, "objectives") == AgreementStatus.AGREED
    for party, svc in (("employee", emp), ("manager", boss)):
        plan = svc.open(wb).plan
        rating = Rating(competency="Health and safety", by=party, level=3)
        plan = plan.model_copy(update={"ratings": (*plan.ratings, rating)})
        svc.set_plan(wb, plan, store.latest_version(wb))
    action = DevelopmentAction(
        kind="education", description="LOLER course", gap="Health and safety",
        due=dt.date(2026, 11, 30),
    )  # fmt: skip
    plan = boss.open(wb).plan.model_copy(update={"actions": (action,)})
    boss.set_plan(wb, plan, store.latest_version(wb))
    assert confirm_both(store, wb, "development_plan") == AgreementStatus.AGREED
    check_in = CheckIn(on=dt.date(2026, 10, 1), goal="On track", will="Keep going")
    made = following.save_check_in(emp, wb, check_in, store.latest_version(wb))
    assert checked(made, emp, wb, "emp") == 1 and made.state.check_ins[0].goal == "On track"
    made = following.start_review(boss, wb, made.version, "Eli moves to a new role in May")
    assert checked(made, boss, wb, "boss") == made.version
    assert made.state.workbook.stage == Stage.REVIEW
    review = Review(assessments=(Assessment(objective=number, by="employee", level="met"),))
    made = following.set_review(emp, wb, review, made.version)
    assert checked(made, emp, wb, "emp") == made.version and made.state.review == review


def test_a_write_on_a_shared_screen_returns_nobody_s_private_notes(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store, coach="coach")
    Services(store, "emp").add_note(wb, "Ask about the Friday group")
    as_boss = Services(store, "coach").acting_as("boss")
    made = drafting.set_job_description(as_boss, wb, make_job(), store.latest_version(wb))
    checked(made, as_boss, wb, None)
    as_emp = Services(store, "coach").acting_as("emp")
    code = identity.personal_code("emp")  # read on her own signed-in page
    seen = made.state.subject_hash("job_description")
    confirmed = agreeing.confirm(as_emp, wb, "job_description", seen, code)
    assert checked(confirmed, as_emp, wb, None) == AgreementStatus.AWAITING_MANAGER
    assert confirmed.state.notes == () != fresh(store, wb, "emp").notes  # hers, not shown


def test_services_answer_the_result_alone_and_read_the_state_only_when_asked(
    people_store: Store,
) -> None:
    store = people_store
    wb = new_workbook(store)
    boss = Services(store, "boss")
    loads: list[int] = []
    real = store.load
    store.load = lambda i, viewer_id: loads.append(i) or real(i, viewer_id)  # type: ignore[method-assign]
    version = boss.set_job_description(wb, make_job(), 1)
    assert version == store.latest_version(wb) and len(loads) == 1  # the write's own check
    made = drafting.set_job_description(boss, wb, make_job(n=2), version, "fewer duties")
    assert len(loads) == 2  # the state is read on first use, once
    assert made.state is made.state and made.state.job == make_job(n=2) and len(loads) == 3
