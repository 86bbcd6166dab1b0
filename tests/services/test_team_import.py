"""Importing a team's objectives: every row checked against its workbook, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from pmwidgets.domain import Objective, ValidationFailed
from pmwidgets.services import Services
from pmwidgets.services.team_import import TeamRow, import_team_objectives
from pmwidgets.store import Store


def row(
    n: int,
    employee: str,
    title: str = "Publish the workshop timetable each term",
    **changes: object,
) -> TeamRow:
    base = dict(
        title=title, description="", responsibilities=(1,), measure="Timetable published",
        target="Published by week 1 of each term", due=dt.date(2027, 6, 30), weight=10, proposed_by=employee,
    )  # fmt: skip
    base.update(changes)
    return TeamRow(row=n, employee_id=employee, objective=Objective(**base))  # type: ignore[arg-type]


def test_rows_land_in_each_employees_workbook(demo: Store) -> None:
    hr = Services(demo, "hlambert")
    before = {wb: demo.latest_version(wb) for wb in (1, 2)}
    added = import_team_objectives(
        hr, [row(2, "tnguyen"), row(3, "mchen")], reason="Team objectives from HR"
    )
    assert added == {2: [4], 1: [5]}
    assert Services(demo, "tnguyen").open(2).objective(4).proposed_by == "hlambert"  # type: ignore[union-attr]
    state = Services(demo, "mchen").open(1)
    assert (
        state.agreements["objectives"].number == 2
    )  # agreed objectives were reopened, with the reason
    assert state.agreements["objectives"].opened_reason == "Team objectives from HR"
    assert all(demo.latest_version(wb) == before[wb] + 1 for wb in (1, 2))  # one transaction each
    assert demo.verify().ok


def test_every_bad_row_is_named_and_nothing_is_stored(demo: Store) -> None:
    hr = Services(demo, "hlambert")
    versions = {wb.id: wb.version for wb in hr.workbooks()}
    rows = [
        row(2, "tnguyen"),
        row(3, "tnguyen", responsibilities=(9,)),
        row(4, "ghost"),
        row(5, "sjones"),  # job description not yet confirmed
        row(6, "mchen", due=dt.date(2030, 1, 1)),
    ]
    with pytest.raises(ValidationFailed) as info:
        import_team_objectives(hr, rows, reason="HR import")
    message = str(info.value)
    assert message.startswith("nothing was imported")
    for n in (3, 4, 5, 6):
        assert f"row {n}:" in message
    assert "row 2:" not in message
    assert {wb.id: wb.version for wb in hr.workbooks()} == versions


def test_only_hr_or_the_manager_may_import(demo: Store) -> None:
    with pytest.raises(ValidationFailed, match="row 1: only HR"):
        import_team_objectives(
            Services(demo, "kwalsh"), [row(1, "aberg", due=dt.date(2026, 11, 20))], reason="x"
        )
    with pytest.raises(ValidationFailed, match="row 1: no open workbook"):
        import_team_objectives(Services(demo, "mchen"), [row(1, "tnguyen")], reason="x")


def test_agreed_objectives_need_a_reason(demo: Store) -> None:
    with pytest.raises(ValidationFailed, match="give a reason"):
        import_team_objectives(Services(demo, "rokafor"), [row(1, "mchen")])
