"""Each rule: SMART findings, coverage, weights, one-sided workbooks, due dates."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import CYCLE, make_job
from pydantic import ValidationError

from pmwidgets.domain import Objective, Workbook, coverage, participation, smart_check, weight_check
from pmwidgets.domain.model import CoverageReason
from pmwidgets.domain.rules import objective_problems, smart_score

WB = Workbook(employee_id="emp", manager_id="boss", cycle_start=CYCLE[0], cycle_end=CYCLE[1])
TODAY = dt.date(2026, 9, 10)


def objective(**changes: object) -> Objective:
    base = dict(
        id=1,
        title="Cut delayed practical sessions",
        description="Prepare every session's vehicles and tools the day before, from the session plans.",
        responsibilities=(1,),
        measure="Sessions delayed, from the preparation log",
        target="At most 2 delayed sessions in the year",
        due=dt.date(2027, 6, 30),
        weight=30,
        proposed_by="emp",
    )
    base.update(changes)
    return Objective(**base)  # type: ignore[arg-type]


def findings(o: Objective) -> dict[str, str]:
    return {f.criterion: f.message for f in smart_check(o, WB, make_job(), today=TODAY) if not f.ok}


def test_a_good_objective_passes_all_five() -> None:
    result = smart_check(objective(), WB, make_job(), today=TODAY)
    assert [f.criterion for f in result] == [
        "specific",
        "measurable",
        "achievable",
        "relevant",
        "time_bound",
    ]
    assert smart_score(result) == 5, [f.message for f in result if not f.ok]


def test_vague_objective_is_not_specific() -> None:
    msg = findings(objective(title="Improve teaching", description=""))["specific"]
    assert msg.startswith("not specific")


def test_target_without_number_date_or_outcome_is_not_measurable() -> None:
    msg = findings(objective(target="better feedback"))["measurable"]
    assert msg == "no measurable target: add a number, a date or a yes/no outcome"


@pytest.mark.parametrize("target", ["85% pass", "by 31 January", "Award passed", "done"])
def test_numbers_dates_and_outcomes_are_measurable(target: str) -> None:
    assert "measurable" not in findings(objective(target=target))


def test_missing_measure_is_named() -> None:
    assert findings(objective(measure=""))["measurable"].startswith("no measure")


@pytest.mark.parametrize(("weight", "word"), [(60, "60%"), (2, "too small")])
def test_extreme_weights_question_achievability(weight: int, word: str) -> None:
    assert word in findings(objective(weight=weight))["achievable"]


def test_due_in_days_is_questioned() -> None:
    assert "two weeks" in findings(objective(due=TODAY + dt.timedelta(days=5)))["achievable"]


def test_unknown_responsibility_is_not_relevant() -> None:
    assert (
        "responsibility 9 is not in the job description"
        in findings(objective(responsibilities=(9,)))["relevant"]
    )


def test_without_a_job_nothing_is_relevant() -> None:
    result = {f.criterion: f for f in smart_check(objective(), WB, None, today=TODAY)}
    assert not result["relevant"].ok


@pytest.mark.parametrize(
    ("due", "word"), [(dt.date(2026, 8, 1), "before"), (dt.date(2027, 9, 30), "after")]
)
def test_due_outside_cycle_is_not_time_bound(due: dt.date, word: str) -> None:
    msg = findings(objective(due=due))["time_bound"]
    assert word in msg and "choose a date inside the cycle" in msg


def test_hard_problems_block_storing() -> None:
    assert objective_problems(objective(), WB, make_job()) == []
    problems = objective_problems(
        objective(due=dt.date(2030, 1, 1), responsibilities=(7,)), WB, make_job()
    )
    assert len(problems) == 2 and "outside the cycle" in problems[0]
    assert objective_problems(objective(), WB, None) == [
        "confirm a job description before adding objectives"
    ]


def test_objective_needs_a_responsibility() -> None:
    with pytest.raises(ValidationError):
        objective(responsibilities=())


def test_weights_must_total_100_and_say_so_in_words() -> None:
    assert weight_check([objective(weight=60), objective(weight=40)]).ok
    short = weight_check([objective(weight=50), objective(weight=40)])
    assert not short.ok and short.message == "weights total 90, not 100: 10 still to give"
    over = weight_check([objective(weight=70), objective(weight=40)])
    assert over.message == "weights total 110, not 100: take 10 off"
    assert not weight_check([]).ok


def test_coverage_names_missing_responsibilities_and_accepts_reasons() -> None:
    job = make_job(3)
    cov = coverage(job, [objective(id=1, responsibilities=(1,))])
    assert [r.status for r in cov.rows] == ["covered", "missing", "missing"]
    assert not cov.finding.ok and "2, 3" in cov.finding.message
    cov = coverage(
        job,
        [objective(id=1, responsibilities=(1, 2))],
        [CoverageReason(responsibility=3, reason="Covered by the team plan this year")],
    )
    assert [r.status for r in cov.rows] == ["covered", "covered", "excused"]
    assert cov.finding.ok
    assert cov.share_covered == job.responsibilities[0].share + job.responsibilities[1].share


def test_coverage_reason_must_say_something() -> None:
    with pytest.raises(ValidationError):
        CoverageReason(responsibility=1, reason="  ")


def test_one_sided_detection() -> None:
    assert participation(["employee"] * 4).one_sided == "employee"
    assert participation(["manager"] * 3 + [None]).one_sided == "manager"
    assert "manager has not contributed" in participation(["employee"] * 4).message
    assert participation(["employee", "manager", "employee"]).one_sided is None
    assert participation(["employee", "employee"]).one_sided is None  # too early to tell
    assert participation([None, None, None, None]).one_sided is None  # coach only
