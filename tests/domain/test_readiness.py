"""agreement_readiness: everything that stops a subject being confirmed, listed at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from helpers import CYCLE

from pmwidgets.domain import (
    Assessment,
    Competency,
    CoverageReason,
    DevelopmentAction,
    DevelopmentPlan,
    JobDescription,
    Objective,
    Rating,
    Responsibility,
    Review,
    ValidationFailed,
    Workbook,
    WorkbookState,
)
from pmwidgets.domain.readiness import Readiness, SmartGap, agreement_readiness
from pmwidgets.domain.rules import objective_problems, shares_check

WB = Workbook(id=1, employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1])
TODAY = dt.date(2026, 9, 10)


def objective(n: int = 1, **changes: Any) -> Objective:
    base: dict[str, Any] = dict(
        id=n,
        title="Cut delayed practical sessions",
        description="Prepare every session's vehicles and tools the day before, from the plans.",
        responsibilities=(n,),
        measure="Sessions delayed, from the preparation log",
        target="At most 2 delayed sessions in the year",
        due=dt.date(2027, 6, 30),
        weight=50,
        proposed_by="emp",
    )
    base.update(changes)
    return Objective(**base)


def job(*shares: int, competencies: tuple[str, ...] = ("Health and safety",)) -> JobDescription:
    return JobDescription(
        title="Workshop technician",
        responsibilities=tuple(
            Responsibility(number=n, text=f"Responsibility {n}", share=s)
            for n, s in enumerate(shares, 1)
        ),
        competencies=tuple(Competency(name=c, required=3) for c in competencies),
    )


def state(**changes: Any) -> WorkbookState:
    base: dict[str, Any] = dict(
        workbook=WB,
        job=job(60, 40),
        objectives=(objective(1), objective(2, title="Keep the workshop inspection-ready")),
    )
    base.update(changes)
    return WorkbookState(**base)


def ready(subject: str, **changes: Any) -> Readiness:
    return agreement_readiness(state(**changes), subject, today=TODAY)


# --- the type ------------------------------------------------------------------------


def test_readiness_is_a_small_frozen_value() -> None:
    gap = SmartGap(1, "specific", "b")
    r = Readiness(blocking=("a",), gaps=(gap,))
    assert not r.ready and Readiness(gaps=(gap,)).ready  # acceptable gaps do not block
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.blocking = ()  # type: ignore[misc]


def test_an_unknown_subject_is_refused_in_words() -> None:
    with pytest.raises(ValidationFailed, match="nothing called salary can be agreed"):
        agreement_readiness(state(), "salary")


# --- job description ---------------------------------------------------------------------


def test_a_complete_job_description_is_ready() -> None:
    assert ready("job_description") == Readiness()


def test_no_job_description_blocks() -> None:
    assert ready("job_description", job=None).blocking == ("there is no job description yet",)


def test_shares_not_set_block_confirmation() -> None:
    (line,) = ready("job_description", job=job(0, 0, 0)).blocking
    assert line.startswith("shares of time are not set yet")
    assert "totalling 100%" in line


@pytest.mark.parametrize(("shares", "total"), [((50, 20), 70), ((99,), 99), ((0, 10), 10)])
def test_shares_partly_set_block_confirmation(shares: tuple[int, ...], total: int) -> None:
    assert ready("job_description", job=job(*shares)).blocking == (
        f"shares of time total {total}%, not 100%",
    )


def test_a_job_description_without_responsibilities_blocks() -> None:
    empty = JobDescription.model_construct(title="T", responsibilities=(), competencies=())
    assert "no responsibilities" in ready("job_description", job=empty).blocking[0]


# --- objectives ------------------------------------------------------------------------


def test_complete_smart_objectives_are_ready_with_nothing_to_accept() -> None:
    r = ready("objectives")
    assert r.ready and r.blocking == () and r.acceptable == () and r.gaps == ()


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"measure": " "}, "objective 2 “Keep the workshop inspection-ready” has no measure"),
        ({"target": ""}, "objective 2 “Keep the workshop inspection-ready” has no target"),
        ({"weight": 0}, "objective 2 “Keep the workshop inspection-ready” has no weight"),
        (
            {"due": dt.date(2027, 9, 30)},
            "objective 2 “Keep the workshop inspection-ready”: due date 30 Sep 2027 is after the "
            "cycle ends on 31 Aug 2027: choose a date inside the cycle",
        ),
        (
            {"due": dt.date(2026, 8, 1)},
            "objective 2 “Keep the workshop inspection-ready”: due date 1 Aug 2026 is before the "
            "cycle starts on 1 Sep 2026: choose a date inside the cycle",
        ),
        (
            {"responsibilities": (2, 7)},
            "objective 2 “Keep the workshop inspection-ready”: responsibility 7 is not in the "
            "job description: choose one that is",
        ),
    ],
)
def test_each_missing_part_of_an_objective_blocks_and_is_named(
    change: dict[str, Any], sentence: str
) -> None:
    second = objective(2, title="Keep the workshop inspection-ready", **change)
    r = ready("objectives", objectives=(objective(1), second))
    assert sentence in r.blocking, r.blocking
    assert not r.ready
    # what blocks is not offered for acceptance as well
    assert all("objective 2" not in line for line in r.acceptable), r.acceptable


def test_an_objective_serving_no_responsibility_blocks() -> None:
    bare = objective(2).model_copy(update={"responsibilities": ()})
    r = ready("objectives", objectives=(objective(1), bare))
    assert "objective 2 “Cut delayed practical sessions” serves no responsibility" in r.blocking


def test_weights_not_totalling_100_block_in_words() -> None:
    r = ready("objectives", objectives=(objective(1), objective(2, weight=40)))
    assert r.blocking == ("weights total 90, not 100: 10 still to give",)


def test_no_objectives_block() -> None:
    r = ready("objectives", objectives=())
    assert "no objectives yet" in r.blocking


def test_a_responsibility_without_objective_or_reason_blocks() -> None:
    only_first = (objective(1, weight=50), objective(2, responsibilities=(1,)))
    r = ready("objectives", objectives=only_first)
    assert r.blocking == (
        "responsibility 2 has no objective: add one, or say why it is left out this cycle",
    )
    excused = (CoverageReason(responsibility=2, reason="Covered by the team plan this year"),)
    assert ready("objectives", objectives=only_first, coverage_reasons=excused).ready


def test_without_a_job_description_objectives_block_once() -> None:
    r = ready("objectives", job=None)
    assert r.blocking == ("there is no job description yet: confirm one before the objectives",)
    assert r.acceptable == ()


def test_smart_criteria_not_met_are_acceptable_not_blocking() -> None:
    objectives = (
        objective(1, title="Improve teaching", description="", weight=60),  # specific, achievable
        objective(2, target="better feedback", due=TODAY + dt.timedelta(days=5), weight=40),
    )
    r = ready("objectives", objectives=objectives)
    assert r.ready, r.blocking
    assert [(g.objective, g.criterion) for g in r.gaps] == [
        (1, "specific"),
        (1, "achievable"),
        (2, "measurable"),
        (2, "achievable"),
    ]
    assert r.acceptable == tuple(g.message for g in r.gaps)
    assert r.acceptable[0] == (
        "objective 1 “Improve teaching”: not specific: describe in a sentence what will be"
        " different, and for whom"
    )
    assert "60% of the weight" in r.acceptable[1]
    assert r.acceptable[2] == (
        "objective 2 “Cut delayed practical sessions”: no measurable target: add a number,"
        " a date or a yes/no outcome"
    )
    assert "due in less than two weeks" in r.acceptable[3]
    assert isinstance(r.gaps[0], SmartGap)


def test_a_tiny_weight_is_acceptable_but_no_weight_blocks() -> None:
    r = ready("objectives", objectives=(objective(1, weight=97), objective(2, weight=3)))
    assert any("weight 3% is too small" in line for line in r.acceptable)
    assert not any("has no weight" in line for line in r.blocking)


def test_every_problem_is_listed_at_once_in_page_order() -> None:
    objectives = (
        objective(1, measure="", target="", weight=0, title="Improve teaching", description=""),
        objective(2, due=dt.date(2030, 1, 1), responsibilities=(9,), weight=30),
    )
    r = ready("objectives", objectives=objectives)
    assert r.blocking == (
        "objective 1 “Improve teaching” has no measure",
        "objective 1 “Improve teaching” has no target",
        "objective 1 “Improve teaching” has no weight",
        "objective 2 “Cut delayed practical sessions”: responsibility 9 is not in the job"
        " description: choose one that is",
        "objective 2 “Cut delayed practical sessions”: due date 1 Jan 2030 is after the cycle"
        " ends on 31 Aug 2027: choose a date inside the cycle",
        "weights total 30, not 100: 70 still to give",
        "responsibility 2 has no objective: add one, or say why it is left out this cycle",
    )
    assert [(g.objective, g.criterion) for g in r.gaps] == [(1, "specific")]


def test_objectives_are_listed_by_number_and_long_titles_shortened() -> None:
    long = "Run a learner feedback survey in every practical group each term and act on it"
    objectives = (objective(2, target="", title=long), objective(1, measure=""))
    r = ready("objectives", objectives=objectives)
    assert r.blocking[0].startswith("objective 1 ")
    assert r.blocking[1].startswith("objective 2 “Run a learner feedback survey")
    assert "…”" in r.blocking[1] and long not in r.blocking[1]


def test_whatever_stops_an_objective_being_stored_also_stops_agreement() -> None:
    bad = objective(2, due=dt.date(2030, 1, 1), responsibilities=(2, 7))
    assert len(objective_problems(bad, WB, job(60, 40))) == 2
    r = ready("objectives", objectives=(objective(1), bad))
    assert sum(line.startswith("objective 2") for line in r.blocking) == 2


def test_objectives_readiness_judges_soon_against_today_by_default() -> None:
    soon = dt.date.today() + dt.timedelta(days=3)
    workbook = WB.model_copy(
        update={"cycle_start": dt.date.today(), "cycle_end": dt.date.today() + dt.timedelta(300)}
    )
    r = agreement_readiness(
        state(workbook=workbook, objectives=(objective(1, weight=100, due=soon),),
              coverage_reasons=(CoverageReason(responsibility=2, reason="Not this year"),)),
        "objectives",
    )  # fmt: skip
    assert r.ready and [g.criterion for g in r.gaps] == ["achievable"]


# --- development plan ------------------------------------------------------------------------


def rating(c: str, by: str, level: int = 3) -> Rating:
    return Rating(competency=c, by=by, level=level)  # type: ignore[arg-type]


ACTION = DevelopmentAction(
    kind="experience", description="Lead the weekly safety walk", gap="Safety", due=CYCLE[1]
)
BOTH_RATED = tuple(rating(c, p) for c in ("Safety", "Diagnostics") for p in ("employee", "manager"))


def plan_state(plan: DevelopmentPlan, **changes: Any) -> Readiness:
    two = job(60, 40, competencies=("Safety", "Diagnostics"))
    return ready("development_plan", job=changes.pop("job", two), plan=plan, **changes)


def test_a_plan_rated_by_both_with_an_action_is_ready() -> None:
    assert plan_state(DevelopmentPlan(ratings=BOTH_RATED, actions=(ACTION,))) == Readiness()


def test_an_empty_plan_lists_every_rating_and_the_action_at_once() -> None:
    assert plan_state(DevelopmentPlan()).blocking == (
        "the employee has not rated any competency yet",
        "the manager has not rated any competency yet",
        "there is no development action yet: add at least one",
    )


def test_both_rate_the_competencies_in_play_not_every_one() -> None:
    """A catalogue job lists many competencies: both rate the ones they discuss."""
    ratings = (rating("Safety", "employee"), rating("safety", "manager"))
    assert plan_state(DevelopmentPlan(ratings=ratings, actions=(ACTION,))).ready


def test_each_partys_missing_rating_is_named() -> None:
    ratings = (rating("Safety", "employee"), rating("diagnostics", "manager"))
    assert plan_state(DevelopmentPlan(ratings=ratings, actions=(ACTION,))).blocking == (
        "competency “Safety” is rated by the employee but not yet by the manager",
        "competency “Diagnostics” is rated by the manager but not yet by the employee",
    )


def test_dropped_actions_do_not_count() -> None:
    dropped = ACTION.model_copy(update={"status": "dropped"})
    r = plan_state(DevelopmentPlan(ratings=BOTH_RATED, actions=(dropped,)))
    assert r.blocking == ("there is no development action yet: add at least one",)
    done = ACTION.model_copy(update={"status": "done"})
    assert plan_state(DevelopmentPlan(ratings=BOTH_RATED, actions=(dropped, done))).ready


def test_a_plan_without_a_job_description_blocks() -> None:
    r = plan_state(DevelopmentPlan(actions=(ACTION,)), job=None)
    assert r.blocking == ("there is no job description yet, so no competencies to rate",)


def test_a_job_without_competencies_needs_only_an_action() -> None:
    bare = job(60, 40, competencies=())
    assert plan_state(DevelopmentPlan(actions=(ACTION,)), job=bare).ready
    assert not plan_state(DevelopmentPlan(), job=bare).ready


# --- review --------------------------------------------------------------------------


def assessment(n: int, by: str) -> Assessment:
    return Assessment(objective=n, by=by, level="met")  # type: ignore[arg-type]


def test_a_review_assessed_by_both_is_ready() -> None:
    both = tuple(assessment(n, p) for n in (1, 2) for p in ("employee", "manager"))
    assert ready("review", review=Review(assessments=both)) == Readiness()


def test_every_missing_assessment_is_named_at_once() -> None:
    review = Review(assessments=(assessment(1, "employee"), assessment(2, "manager")))
    objectives = (*state().objectives, objective(3, title="Train two apprentices"))
    assert ready("review", review=review, objectives=objectives).blocking == (
        "objective 1 “Cut delayed practical sessions” is not assessed yet by the manager",
        "objective 2 “Keep the workshop inspection-ready” is not assessed yet by the employee",
        "objective 3 “Train two apprentices” is not assessed yet by either of you",
    )


def test_a_review_without_objectives_has_nothing_to_assess() -> None:
    assert ready("review", objectives=()).ready  # as the services did before readiness


# --- shares of time, the rule readiness and the editor share ---------------------------


@pytest.mark.parametrize(
    ("shares", "ok", "message"),
    [
        ((60, 40), True, "shares of time total 100%"),
        ((0, 0), False, "shares of time are not set yet: give each responsibility its share of"
                        " working time, totalling 100%"),
        ((50, 20), False, "shares of time total 70%, not 100%"),
        ((70, 40), False, "shares of time total 110%, more than 100%: take 10 off"),
    ],
)  # fmt: skip
def test_shares_check_says_where_the_shares_stand(
    shares: tuple[int, ...], ok: bool, message: str
) -> None:
    found = shares_check(shares)
    assert (found.ok, found.message) == (ok, message)
