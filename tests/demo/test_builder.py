"""The demo organisation has what the issue asks for, and its history is real."""

from __future__ import annotations

from pmwidgets.domain import AgreementStatus, Stage
from pmwidgets.services import Services
from pmwidgets.store import Store


def test_people_roles_and_size(demo: Store) -> None:
    people = Services.operator(demo).people()
    assert 8 <= len(people) <= 10
    roles = {r.value for p in people for r in p.roles}
    assert roles == {"employee", "manager", "coach", "admin"}


def test_library_holds_the_school_roles_and_catalogue_jobs(demo: Store) -> None:
    titles = [t for _, t, _ in demo.find_jobs()]
    for role in (
        "Automotive maintenance instructor",
        "Workshop technician",
        "Graduate placement officer",
    ):
        assert role in titles
    sources = [src for _, _, src in demo.find_jobs()]
    assert sum(src.startswith("O*NET-SOC") for src in sources) >= 2


def test_workbooks_at_the_stages_asked_for(demo: Store) -> None:
    op = Services.operator(demo)
    states = {wb.employee_id: op.open(wb.id or 0) for wb in op.workbooks()}
    agreed = states["mchen"]
    assert agreed.workbook.stage == Stage.CHECK_INS and len(agreed.check_ins) == 3
    assert all(
        agreed.agreement_status(s) == AgreementStatus.AGREED
        for s in ("job_description", "objectives", "development_plan")
    )
    assert op.participation(states["tnguyen"].workbook.id or 0).one_sided == "employee"
    amended = states["dsilva"]
    assert amended.agreements["objectives"].number == 2
    assert amended.agreement_status("objectives") == AgreementStatus.DRAFT
    assert "examiner" in amended.agreements["objectives"].opened_reason.lower()
    assert states["aberg"].workbook.stage == Stage.REVIEW
    assert states["aberg"].review.assessments
    assert states["sjones"].workbook.stage == Stage.JOB_DESCRIPTION


def test_history_is_written_by_the_people_on_their_dates(demo: Store) -> None:
    events = demo.events(1)
    authors = {e.actor_id for e in events}
    assert {"mchen", "rokafor"} <= authors
    assert events[0].at.startswith("2026-09-02")
    confirmations = [e for e in events if e.action.startswith("agreement.")]
    assert {e.facilitator_id for e in confirmations[:4]} == {"kwalsh"}
    assert demo.verify().ok


def test_the_private_note_is_only_mei_s(demo: Store) -> None:
    assert Services(demo, "mchen").open(1).notes
    assert not Services(demo, "rokafor").open(1).notes
