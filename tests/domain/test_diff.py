"""What changed between two versions, in words: the pure functions of pmwidgets.domain.diff."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pmwidgets.domain.agreement import AgreementVersion
from pmwidgets.domain.diff import describe_changes, field_changes, last_agreed, text_diff


def test_field_changes_say_set_changed_and_cleared() -> None:
    old = {"due": "2026-12-31", "target": "", "measure": "Lifts", "weight": 30}
    new = {"due": "2027-02-28", "target": "4 of 4", "measure": "", "weight": 25}
    assert field_changes(old, new, ("target", "due")) == [
        "target set to “4 of 4”",
        "due changed from 31 Dec 2026 to 28 Feb 2027",
        "measure cleared (was “Lifts”)",
        "weight changed from 30% to 25%",
    ]
    assert field_changes(old, old) == []


def test_objective_changes_in_words() -> None:
    def obj(n: int, **kw: Any) -> dict[str, Any]:
        base = {
            "id": n,
            "title": f"T{n}",
            "responsibilities": [1],
            "due": "2027-06-30",
            "weight": 20,
        }
        return {**base, **kw}

    old = {"objectives": [obj(1), obj(2), obj(3)], "coverage_reasons": []}
    new = {
        "objectives": [obj(1, responsibilities=[1, 3]), obj(2, target="9"), obj(4)],
        "coverage_reasons": [{"responsibility": 5, "reason": "Covered next year"}],
    }
    assert describe_changes("objectives", old, new) == [
        "Objective 1: responsibilities served changed from 1 to 1, 3",
        "Objective 2: target set to “9”",
        "Objective 3 removed: “T3”",
        "Objective 4 added: “T4”",
        "Reason for leaving out responsibility 5 added: “Covered next year”",
    ]


def test_job_plan_and_review_changes_in_words() -> None:
    job = {
        "title": "Technician",
        "responsibilities": [{"number": 1, "text": "Prepare", "share": 100}],
        "competencies": [{"name": "Safety", "required": 3, "anchors": {"3": "Inspects"}}],
    }
    job2 = {
        "title": "Technician",
        "responsibilities": [
            {"number": 1, "text": "Prepare", "share": 70},
            {"number": 2, "text": "Order", "share": 30},
        ],
        "competencies": [{"name": "Safety", "required": 4, "anchors": {"3": "Owns inspections"}}],
    }
    assert describe_changes("job_description", job, job2) == [
        "Responsibility 1: share of time changed from 100% to 70%",
        "Responsibility 2 added: “Order”",
        "Competency “Safety”: required level changed from 3 to 4; "
        "level description 3 changed from “Inspects” to “Owns inspections”",
    ]
    plan = {"ratings": [{"competency": "Safety", "by": "employee", "level": 2, "comment": ""}]}
    plan2 = {"ratings": [{"competency": "Safety", "by": "employee", "level": 3, "comment": ""}]}
    assert describe_changes("development_plan", plan, plan2) == [
        "Employee's rating of “Safety”: level changed from 2 to 3"
    ]
    review2 = {
        "assessments": [{"objective": 1, "by": "manager", "level": "exceeded", "comment": ""}]
    }
    assert describe_changes("review", {"assessments": []}, review2) == [
        "Manager's assessment of objective 1 added: Exceeded"
    ]


def test_unknown_content_falls_back_to_a_line_diff() -> None:
    assert describe_changes("something_else", {"a": 1, "b": 2}, {"a": 1, "b": 3}) == [
        '-  "b": 2',
        '+  "b": 3',
    ]
    assert text_diff([1], [1]) == []
    assert describe_changes("objectives", {"x": 1}, {"x": 1}) == []


def test_last_agreed_reads_the_current_version_or_the_log() -> None:
    def agreed(subject: str, n: int, canonical: str) -> SimpleNamespace:
        after = {"subject": subject, "number": n, "agreed_canonical": canonical}
        return SimpleNamespace(entity="agreement", action="agreement.agreed", after=after)

    events = [
        agreed("objectives", 1, "v1"),
        agreed("development_plan", 1, "plan"),
        agreed("objectives", 2, "v2"),
        SimpleNamespace(entity="record", action="objective.updated", after={"number": 9}),
    ]
    draft3 = AgreementVersion(subject="objectives", number=3)
    assert last_agreed(draft3, events, "objectives") == (2, "v2")
    draft2 = AgreementVersion(subject="objectives", number=2)
    assert last_agreed(draft2, events, "objectives") == (1, "v1")
    assert last_agreed(None, [], "objectives") is None
    frozen = AgreementVersion(
        subject="objectives", number=4, agreed_hash="0" * 64, agreed_canonical="v4"
    )
    assert last_agreed(frozen, events, "objectives") == (4, "v4")
