"""A save never reverts a change its author has not seen: every editor's service, on
SQLite and PostgreSQL.

Each case is the trial's sequence: two people open the same version; one saves a
change; the other saves a form that still shows the old value of that field (a
stale save, or an old form re-sent by a client). The other person's change must
survive. A field both changed is an :class:`EditConflict` that stores nothing and
carries both values; the author's choice is then saved against the version the
conflict names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from helpers import agreed_job, make_job, new_workbook

from pmwidgets.domain import ValidationFailed
from pmwidgets.domain.errors import EditConflict
from pmwidgets.domain.merge import choose
from pmwidgets.domain.model import (
    CheckIn,
    DevelopmentAction,
    DevelopmentPlan,
    Objective,
    Rating,
    Review,
    Stage,
    SupportCommitment,
)
from pmwidgets.services import Services
from pmwidgets.store import Store


def _v(store: Store, wb: int) -> int:
    return store.latest_version(wb)


def _objective(title: str = "Cut delays", **kw: Any) -> Objective:
    fields: dict[str, Any] = {
        "title": title,
        "responsibilities": (1,),
        "measure": "Jobs finished on the promised day",
        "target": "95% of jobs",
        "due": dt.date(2027, 6, 30),
        "weight": 100,
        "proposed_by": "emp",
    }
    return Objective(**{**fields, **kw})


def test_job_description_keeps_the_other_s_title_and_shows_a_true_conflict(
    people_store: Store,
) -> None:
    store = people_store
    wb = new_workbook(store)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    boss.set_job_description(wb, make_job(), _v(store, wb))
    opened = _v(store, wb)  # both pages show this version
    job = emp.open(wb).job
    assert job is not None
    boss.set_job_description(wb, job.model_copy(update={"title": "Senior technician"}), opened)
    # the employee typed a purpose on a page that still shows the old title
    emp.set_job_description(wb, job.model_copy(update={"purpose": "Keeps it safe"}), opened)
    now = emp.open(wb).job
    assert now is not None and (now.title, now.purpose) == ("Senior technician", "Keeps it safe")
    # the same old form re-sent (a client that re-sends, or a second click): nothing reverts
    before = len(store.events(wb))
    emp.set_job_description(wb, job.model_copy(update={"purpose": "Keeps it safe"}), opened)
    assert emp.open(wb).job.title == "Senior technician"  # type: ignore[union-attr]
    assert len(store.events(wb)) == before
    # a responsibility each: item by item
    resp = list(job.responsibilities)
    resp[1] = resp[1].model_copy(update={"text": "Checks the lifts every week"})
    emp.set_job_description(wb, job.model_copy(update={"responsibilities": tuple(resp)}), opened)
    now = emp.open(wb).job
    assert now is not None and now.title == "Senior technician"
    assert now.responsibilities[1].text == "Checks the lifts every week"
    # both changed the title: nothing stored, both values carried
    with pytest.raises(EditConflict, match="Bea Boss also changed a field you changed") as found:
        emp.set_job_description(wb, job.model_copy(update={"title": "Lead technician"}), opened)
    conflict = found.value
    assert [(c.path, c.base, c.mine, c.theirs) for c in conflict.conflicts] == [  # type: ignore[attr-defined]
        (("title",), "Workshop technician", "Lead technician", "Senior technician")
    ]
    assert emp.open(wb).job.title == "Senior technician"  # type: ignore[union-attr]
    # the author chooses their own, knowingly: saved against the version shown
    chosen = choose(conflict.merged, conflict.conflicts[0], "Lead technician", conflict.kind)  # type: ignore[arg-type]
    emp.set_job_description(wb, type(job).model_validate(chosen), conflict.version)
    now = emp.open(wb).job
    assert now is not None and now.title == "Lead technician"
    assert now.purpose == "Keeps it safe"  # the rest of the merge holds


def test_objectives_keep_each_field_and_removal_waits_for_a_look(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    number = emp.add_objective(wb, _objective(), _v(store, wb))
    opened = _v(store, wb)
    mine = emp.open(wb).objective(number)
    assert mine is not None
    boss.update_objective(wb, number, mine.model_copy(update={"target": "98% of jobs"}), opened)
    emp.update_objective(wb, number, mine.model_copy(update={"weight": 100, "title": "Cut waiting"}), opened)  # fmt: skip
    now = emp.open(wb).objective(number)
    assert now is not None and (now.title, now.target) == ("Cut waiting", "98% of jobs")
    assert now.proposed_by == "emp"
    with pytest.raises(EditConflict) as found:
        emp.update_objective(wb, number, mine.model_copy(update={"target": "90%"}), opened)
    assert [c.path for c in found.value.conflicts] == [("target",)]  # type: ignore[attr-defined]
    # removing what someone changed since the page loaded: refused until looked at
    with pytest.raises(ValidationFailed, match="Bea Boss changed objective 1 since you opened"):
        emp.remove_objective(wb, number, opened)
    assert emp.open(wb).objective(number) is not None
    emp.remove_objective(wb, number, _v(store, wb))
    assert emp.open(wb).objective(number) is None


def _in_check_ins(store: Store, wb: int) -> None:
    """Agree the job and one objective, so the plan and check-ins can be written."""
    agreed_job(store, wb)
    emp = Services(store, "emp")
    emp.add_objective(wb, _objective(), _v(store, wb))
    emp.set_coverage_reason(wb, 2, "Covered by the team's objectives", _v(store, wb))
    emp.set_coverage_reason(wb, 3, "Covered by the team's objectives", _v(store, wb))
    for who in ("emp", "boss"):
        svc = Services(store, who)
        svc.confirm(
            wb, "objectives", svc.open(wb).subject_hash("objectives"),
            accept_reason="One objective is enough for this test",
        )  # fmt: skip
    assert emp.open(wb).workbook.stage == Stage.DEVELOPMENT


def test_plan_check_in_and_review_keep_the_other_s_changes(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    _in_check_ins(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    # development plan: the manager's support and the employee's action, on one old page
    opened = _v(store, wb)
    plan = emp.open(wb).plan
    boss.set_plan(
        wb,
        plan.model_copy(update={"support": (SupportCommitment(text="Two days a term"),)}),
        opened,
    )
    action = DevelopmentAction(
        kind="experience", description="Lead the lift inspection", objective=1,
        due=dt.date(2027, 3, 1),
    )  # fmt: skip
    emp.set_plan(wb, plan.model_copy(update={"actions": (action,)}), opened)
    now = emp.open(wb).plan
    assert [s.text for s in now.support] == ["Two days a term"]
    assert [a.description for a in now.actions] == ["Lead the lift inspection"]
    # the same action's status changed by both, differently: a conflict on that field
    opened = _v(store, wb)
    done = now.model_copy(update={"actions": (action.model_copy(update={"status": "done"}),)})
    dropped = now.model_copy(update={"actions": (action.model_copy(update={"status": "dropped"}),)})
    boss.set_plan(wb, done, opened)
    with pytest.raises(EditConflict) as found:
        emp.set_plan(wb, dropped, opened)
    assert [c.path for c in found.value.conflicts] == [  # type: ignore[attr-defined]
        ("actions", ("lead the lift inspection",), "status")
    ]
    # agree the plan (each rates, both confirm), so that check-ins and the review follow
    for who, party in (("emp", "employee"), ("boss", "manager")):
        svc = Services(store, who)
        plan = svc.open(wb).plan
        mine = Rating(competency="Health and safety", by=party, level=3)
        svc.set_plan(wb, plan.model_copy(update={"ratings": (*plan.ratings, mine)}), _v(store, wb))
    for who in ("emp", "boss"):
        svc = Services(store, who)
        svc.confirm(wb, "development_plan", svc.open(wb).subject_hash("development_plan"))
    assert emp.open(wb).workbook.stage == Stage.CHECK_INS
    # check-ins: the manager's goal and the employee's reality, on one check-in
    number = emp.save_check_in(wb, CheckIn(on=dt.date(2026, 10, 1), goal="Lifts"), _v(store, wb))
    opened = _v(store, wb)
    held = next(c for c in emp.open(wb).check_ins if c.id == number)
    boss.save_check_in(wb, held.model_copy(update={"goal": "Lifts and ramps"}), opened)
    emp.save_check_in(wb, held.model_copy(update={"reality": "Two ramps late"}), opened)
    held = next(c for c in emp.open(wb).check_ins if c.id == number)
    assert (held.goal, held.reality, held.author) == ("Lifts and ramps", "Two ramps late", "emp")
    # review: development outcomes and the focus for the next cycle
    boss.start_review(wb, _v(store, wb), "brought forward for the test")
    opened = _v(store, wb)
    review = emp.open(wb).review
    boss.set_review(wb, review.model_copy(update={"next_cycle_focus": "EV systems"}), opened)
    emp.set_review(wb, Review(development_outcomes="Led two inspections"), opened)
    review = emp.open(wb).review
    assert (review.development_outcomes, review.next_cycle_focus) == (
        "Led two inspections",
        "EV systems",
    )
    with pytest.raises(EditConflict):
        emp.set_review(wb, Review(next_cycle_focus="Diagnostics"), opened)
    assert emp.open(wb).review.next_cycle_focus == "EV systems"


def test_a_coverage_reason_both_changed_is_a_conflict(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    emp.set_coverage_reason(wb, 2, "Not this year", _v(store, wb))
    opened = _v(store, wb)
    boss.set_coverage_reason(wb, 2, "Covered by the team goal", opened)
    with pytest.raises(EditConflict):
        emp.set_coverage_reason(wb, 2, "", opened)  # clearing what the manager just wrote
    reasons = {r.responsibility: r.reason for r in emp.open(wb).coverage_reasons}
    assert reasons == {2: "Covered by the team goal"}
    # re-sending the old text (unchanged by this author) reverts nothing
    emp.set_coverage_reason(wb, 2, "Not this year", opened)
    reasons = {r.responsibility: r.reason for r in emp.open(wb).coverage_reasons}
    assert reasons == {2: "Covered by the team goal"}


def test_a_forged_stale_form_cannot_revert_an_agreed_plan(people_store: Store) -> None:
    """A client re-sending the form it loaded before the other's save changes nothing."""
    store = people_store
    wb = new_workbook(store)
    _in_check_ins(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    opened = _v(store, wb)
    old = emp.open(wb).plan
    boss.set_plan(wb, DevelopmentPlan(support=(SupportCommitment(text="A mentor"),)), opened)
    events = len(store.events(wb))
    for _ in range(3):
        emp.set_plan(wb, old, opened)
    assert [s.text for s in emp.open(wb).plan.support] == ["A mentor"]
    assert len(store.events(wb)) == events
