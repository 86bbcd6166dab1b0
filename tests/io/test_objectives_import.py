"""Importing a team's objectives from the Excel workbook HR keeps."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pmwidgets.io.errors import ImportFailed
from pmwidgets.io.sheets.objectives_import import (
    COLUMNS,
    MAX_LISTED,
    ObjectiveRow,
    read_team_objectives,
    team_objectives_template,
)


def workbook(*rows: list[Any], header: list[Any] | None = None, title: str = "Objectives") -> bytes:
    """An .xlsx with a header row (the standard one by default) and ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(COLUMNS) if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good(employee: str = "mchen", title: str = "Raise the pass rate", **changes: Any) -> list[Any]:
    row = {
        "employee": employee,
        "title": title,
        "description": "More learners pass the first time.",
        "responsibilities": "1, 3",
        "measure": "First-attempt pass rate",
        "target": "85%",
        "due": dt.date(2027, 6, 30),
        "weight": 35,
    }
    row.update(changes)
    return [row[c] for c in COLUMNS]


def failure(data: bytes, name: str = "team.xlsx") -> str:
    with pytest.raises(ImportFailed) as caught:
        read_team_objectives(data, name)
    message = str(caught.value)
    assert "\n" not in message, "an error is one line"
    assert message.startswith(f"{name}:")
    return message


def test_happy_path() -> None:
    header = ["Title", "EMPLOYEE", "name", "Responsibilities", "due date", "weight", "target"]
    data = workbook(
        [
            "Raise the Level 3 pass rate",
            "mchen",
            "Mei Chen",
            "1, 2",
            dt.date(2027, 6, 30),
            35,
            "85%",
        ],
        [],  # an empty row is skipped
        ["Qualify for high-voltage work", "mchen", "Mei Chen", 5, "2027-04-30", "25%", ""],
        # text written as the exporters write it: one leading quote keeps it from running
        ['\'=HYPERLINK("x")', "tnguyen", "", "4;3", dt.datetime(2027, 7, 31), 40.0, "'+1 day"],
        header=header,
    )
    rows = read_team_objectives(data, "team.xlsx")
    assert [r.row for r in rows] == [2, 4, 5], "row numbers are the spreadsheet's"
    first, second, third = rows
    assert isinstance(first, ObjectiveRow)
    assert first.employee_id == "mchen"
    assert first.objective.title == "Raise the Level 3 pass rate"
    assert first.objective.responsibilities == (1, 2)
    assert first.objective.due == dt.date(2027, 6, 30)
    assert first.objective.weight == 35
    assert first.objective.proposed_by == "mchen"
    assert first.objective.id is None
    assert first.objective.target == "85%"
    assert second.objective.responsibilities == (5,)
    assert second.objective.due == dt.date(2027, 4, 30)
    assert second.objective.weight == 25
    assert third.employee_id == "tnguyen"
    assert third.objective.title == '=HYPERLINK("x")', "text is data, stored verbatim"
    assert third.objective.target == "+1 day", "one leading quote is removed"
    assert third.objective.responsibilities == (3, 4)
    assert third.objective.due == dt.date(2027, 7, 31)


def test_reads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    path.write_bytes(workbook(good()))
    rows = read_team_objectives(path)
    assert len(rows) == 1 and rows[0].objective.weight == 35
    with pytest.raises(ImportFailed, match="no such file"):
        read_team_objectives(tmp_path / "missing.xlsx")


def test_template_has_the_headings_and_two_examples_that_import() -> None:
    data = team_objectives_template()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Objectives"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 3
    assert len(sheet.data_validations.dataValidation) == 2
    assert "How to fill in" in book.sheetnames
    rows = read_team_objectives(data, "template.xlsx")
    assert [r.row for r in rows] == [2, 3]
    assert {r.employee_id for r in rows} == {"mchen", "tnguyen"}


def test_every_row_problem_is_reported_with_its_row_number() -> None:
    data = workbook(
        good(),  # row 2: fine
        good(title="Second objective", weight="thirty"),  # row 3
        good(title="Third objective", due="2027-13-01", responsibilities="1, x"),  # row 4
        good(employee="Mei Chen", title=None),  # row 5
        good(title="Fifth objective", weight=130, due=46000),  # row 6
        good(),  # row 7: the same as row 2
        good(title="Seventh objective", weight=12.5, responsibilities=0),  # row 8
        good(title="Eighth objective", employee=None, due=None, weight=None),  # row 9
    )
    message = failure(data)
    assert "7 of 8 rows cannot be imported, so none was" in message
    for expected in (
        "row 3: weight 'thirty' is not a number",
        "row 4: due '2027-13-01' is not a date",
        "row 4: responsibilities '1, x' must be numbers",
        "row 5: employee 'Mei Chen' is not a person id",
        "row 5: title is missing",
        "row 6: weight 130 must be from 0 to 100",
        "row 6: due '46000' is not a date",
        "row 7: the same objective as row 2 for mchen",
        "row 8: weight 12.5 must be a whole number",
        "row 8: responsibility 0 is not a responsibility's number",
        "row 9: employee is missing",
        "row 9: due is missing",
        "row 9: weight is missing",
    ):
        assert expected in message, f"{expected!r} not in {message!r}"
    assert "row 2:" not in message


def test_long_lists_of_problems_are_capped() -> None:
    data = workbook(*(good(title=f"Objective {i}", weight="lots") for i in range(60)))
    message = failure(data)
    assert message.count("is not a number") == MAX_LISTED
    assert f"and {60 - MAX_LISTED} more problems" in message
    assert len(message) < 3000


def test_model_limits_are_reported_per_row() -> None:
    message = failure(workbook(good(title="x" * 301)))
    assert "row 2: title is too long: 301 characters, at most 300" in message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["employee", "title", "responsibilities", "due", "wieght"], "unknown column 'wieght'"),
        (["employee", "title", "responsibilities", "weight"], "there is no 'due' column"),
        (["employee", "title", "title", "responsibilities", "due", "weight"], "appears twice"),
    ],
)
def test_a_wrong_header_is_refused_in_one_line(header: list[str], expected: str) -> None:
    message = failure(workbook(["mchen"], header=header))
    assert expected in message
    assert "row 1" in message


def test_an_empty_sheet_or_no_rows_is_refused() -> None:
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    assert "the sheet is empty" in failure(out.getvalue())
    assert "no objectives below the headings" in failure(workbook())


def test_the_objectives_sheet_is_preferred_to_the_first() -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook(good())))
    book.create_sheet("Read me", 0).append(["notes for HR"])
    out = io.BytesIO()
    book.save(out)
    assert len(read_team_objectives(out.getvalue(), "team.xlsx")) == 1


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(40):
                member.write(b"\0" * (1 << 20))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"employee,title\nmchen,x\n", "not a zip archive"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old .xls file"),
        (b"", "the file is empty"),
        (b"PK" + b"\0" * 100, "damaged or truncated zip archive"),
        (_zip_bomb(), "zip bomb"),
    ],
    ids=["csv", "xls", "empty", "damaged", "zip-bomb"],
)
def test_a_bad_file_is_refused_in_one_line(data: bytes, expected: str) -> None:
    assert expected in failure(data)


def test_a_file_over_the_size_limit_is_refused() -> None:
    from pmwidgets.io.jobs.files import MAX_BYTES

    message = failure(b"PK" + b"\0" * (MAX_BYTES + 1))
    assert "over the 2 MB limit; a list of objectives needs far less" in message
    assert "job description" not in message


def test_formula_cells_are_refused_row_by_row() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Objectives"
    sheet.append(list(COLUMNS))
    sheet.append(good())
    sheet.append(good(title="Second"))
    sheet["H3"] = "=100-35"  # weight computed by a formula
    sheet["B2"] = "=cmd|' /C calc'!A0"
    out = io.BytesIO()
    book.save(out)
    message = failure(out.getvalue())
    assert "2 of 2 rows cannot be imported, so none was" in message
    assert "row 2: the cell B2 holds a formula '=cmd|' /C calc'!A0': formulas are never run" in (
        message
    )
    assert "row 3: the cell H3 holds a formula '=100-35'" in message


def test_a_formula_heading_is_refused() -> None:
    book = openpyxl.Workbook()
    book.active.append(["=A2", *COLUMNS[1:]])
    out = io.BytesIO()
    book.save(out)
    assert "row 1: the cell A1 holds a formula '=A2'" in failure(out.getvalue())
