"""The entities validate what a person could get wrong, and are immutable."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from helpers import make_job
from pydantic import ValidationError

from pmwidgets.domain import (
    CheckIn,
    Competency,
    DevelopmentAction,
    DevelopmentPlan,
    JobDescription,
    Rating,
    Responsibility,
    Stage,
    Workbook,
)


def _job(*shares: int) -> JobDescription:
    return JobDescription(
        title="T",
        responsibilities=tuple(
            Responsibility(number=n, text=f"r{n}", share=s) for n, s in enumerate(shares, 1)
        ),
    )


@pytest.mark.parametrize("shares", [(0, 0, 0), (50, 40), (100, 0), (60, 40)])
def test_shares_not_set_or_not_totalling_100_make_a_valid_draft(shares: tuple[int, ...]) -> None:
    """Shares are work in progress; that they total 100 is checked before confirming
    (rules.agreement_readiness), not here: a real job description without them imports."""
    assert [r.share for r in _job(*shares).responsibilities] == list(shares)
    assert Responsibility(number=1, text="a").share == 0  # not set: 0


def test_shares_over_100_are_refused() -> None:
    with pytest.raises(
        ValidationError, match="shares of time total 110%, more than 100%: take 10 off"
    ):
        _job(70, 40)


def test_responsibilities_are_numbered_in_order() -> None:
    with pytest.raises(ValidationError, match="numbered 1, 2, 3"):
        JobDescription(
            title="T",
            responsibilities=(Responsibility(number=2, text="a", share=100),),
        )


@pytest.mark.parametrize("level", [0, 6])
def test_required_proficiency_is_1_to_5(level: int) -> None:
    with pytest.raises(ValidationError):
        Competency(name="X", required=level)


def test_competencies_are_unique() -> None:
    job = make_job()
    with pytest.raises(ValidationError, match="only once"):
        job.model_validate(
            {
                **job.model_dump(),
                "competencies": [{"name": "A", "required": 2}, {"name": "a", "required": 3}],
            }
        )


def test_workbook_cycle_and_people() -> None:
    with pytest.raises(ValidationError, match="end after it starts"):
        Workbook(
            employee_id="e",
            manager_id="m",
            cycle_start=dt.date(2026, 1, 2),
            cycle_end=dt.date(2026, 1, 1),
        )
    with pytest.raises(ValidationError, match="two different people"):
        Workbook(
            employee_id="e",
            manager_id="e",
            cycle_start=dt.date(2026, 1, 1),
            cycle_end=dt.date(2026, 12, 1),
        )
    with pytest.raises(ValidationError, match="coach must be someone other"):
        Workbook(
            employee_id="e",
            manager_id="m",
            coach_id="m",
            cycle_start=dt.date(2026, 1, 1),
            cycle_end=dt.date(2026, 12, 1),
        )


def test_models_are_frozen_and_text_is_kept_verbatim() -> None:
    job = make_job()
    with pytest.raises(ValidationError):
        job.title = "changed"  # type: ignore[misc]
    text = '<script>alert(1)</script> =HYPERLINK("http://x")'
    r = Responsibility(number=1, text=text, share=100)
    assert r.text == text


def test_action_must_link_to_a_gap_or_objective() -> None:
    with pytest.raises(ValidationError, match="competency gap or an objective"):
        DevelopmentAction(kind="education", description="A course", due=dt.date(2027, 1, 1))
    assert DevelopmentAction(
        kind="exposure", description="Shadow", objective=1, due=dt.date(2027, 1, 1)
    )


def test_one_rating_per_party_and_competency() -> None:
    with pytest.raises(ValidationError, match="twice"):
        DevelopmentPlan(
            ratings=(
                Rating(competency="X", by="employee", level=2),
                Rating(competency="x", by="employee", level=3),
            )
        )
    plan = DevelopmentPlan(
        ratings=(
            Rating(competency="X", by="employee", level=2),
            Rating(competency="X", by="manager", level=3),
        )
    )
    assert plan.rating("x", "manager").level == 3  # type: ignore[union-attr]


def test_check_in_carries_grow_notes() -> None:
    c = CheckIn(on=dt.date(2026, 10, 1), goal="g", reality="r", options="o", will="w")
    assert (c.goal, c.reality, c.options, c.will) == ("g", "r", "o", "w")


def test_stage_words() -> None:
    assert Stage.OBJECTIVES.label == "Objectives"
    assert "agree" in Stage.OBJECTIVES.next_step


def test_domain_imports_no_ui_or_sql() -> None:
    code = (
        "import sys, pmwidgets.domain; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'ipywidgets', 'voila', 'IPython', 'pandas')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
