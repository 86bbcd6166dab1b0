"""Tables (pandas DataFrames) exported as an Excel workbook or as CSV files.

Formulas. A spreadsheet runs a cell whose text starts with ``=``, ``+``,
``-`` or ``@`` as a formula (and some also after a leading tab or carriage
return), so text typed by a person, say ``=HYPERLINK("http://evil", "Click")``
as an objective title, could run on the computer of whoever opens the export.
:func:`safe_cell` therefore puts a single quote ``'`` before any *text* that
starts with one of those characters, or with ``'`` itself (so that the reader
can remove exactly one quote and give back the text as it was). The quote is
stored as part of the text: a spreadsheet shows it, and runs nothing. Numbers,
dates and booleans are never quoted: they stay numbers, dates and booleans,
including negative numbers. Every export here applies :func:`safe_cell` to
every cell and every column heading.

Excel (:func:`frames_to_xlsx`): one sheet per table, named after its key
(cut to Excel's 31 characters, without ``[]:*?/\\``), a bold and frozen header
row, column widths from the content (at most :data:`MAX_WIDTH` characters).
Dates are date cells (``yyyy-mm-dd``), timestamps are date-time cells (shown
as dates when a column's timestamps are all at midnight); Excel
cannot store a time zone, so timezone-aware timestamps are converted to UTC
and written without their zone. Excel cannot hold control characters: they are
dropped, and a carriage return becomes a line break.

:func:`xlsx_to_frames` reads such a workbook back: the round trip gives back
the same values, except that timestamps keep milliseconds (not microseconds),
empty text comes back as missing, aware timestamps come back naive in UTC, and
an index without a name is not written.

CSV (:func:`frames_to_csv`): UTF-8 with a byte-order mark (so Excel detects
UTF-8), comma separated, dates in ISO 8601, aware timestamps in UTC with their
offset.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Mapping
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..cells import FORMULA_STARTS, escape_cell, excel_text, unescape_cell
from ..errors import ImportFailed
from ..filecheck import damaged_reason, open_workbook

__all__ = [
    "MAX_WIDTH",
    "frames_to_csv",
    "frames_to_xlsx",
    "safe_cell",
    "xlsx_to_frames",
]

#: Widest column set from content, in characters.
MAX_WIDTH = 60
#: Rows looked at when setting column widths.
_WIDTH_SAMPLE = 2000
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: a timestamp column whose times are all midnight: shown as dates, read back as timestamps.
_MIDNIGHT_FORMAT = "YYYY-MM-DD"
#: marks float cells, so that 2.0 reads back as a float, not the integer 2.
_FLOAT_FORMAT = "0.0##############"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value: Any) -> Any:
    """A cell value that no spreadsheet will run as a formula.

    Parameters
    ----------
    value
        Anything a table holds.

    Returns
    -------
    Any
        Text starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
        return or ``'`` gets a leading ``'``; any other value is returned as it
        is (numbers and dates stay numbers and dates).

    Examples
    --------
    >>> safe_cell("=1+1"), safe_cell("-x"), safe_cell(-5), safe_cell("ok")
    ("'=1+1", "'-x", -5, 'ok')
    """
    if isinstance(value, str):
        return escape_cell(value)
    return value


def _plain(value: Any) -> Any:
    """A table value as a plain Python value: None for missing, naive UTC timestamps."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        try:
            return _plain(value.item())
        except (ValueError, TypeError):
            pass
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool | int | float | str | dt.date):
        return value
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a named or meaningful index turned into columns."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.name is None:
        return frame
    if index.name is None and not isinstance(index, pd.MultiIndex):
        return frame.reset_index(drop=True)
    return frame.reset_index()


def _sheet_names(keys: list[str]) -> list[str]:
    names: list[str] = []
    for key in keys:
        base = _BAD_SHEET_CHARS.sub("_", str(key)).strip("'")[:31] or "Sheet"
        name, n = base, 2
        while name.casefold() in (x.casefold() for x in names):
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _xlsx_text(text: str) -> str:
    """Text as Excel can hold it, quoted as :func:`safe_cell` quotes the original."""
    cleaned = excel_text(text)
    if text.startswith(FORMULA_STARTS) or cleaned.startswith(FORMULA_STARTS):
        return "'" + cleaned
    return cleaned


def _stamp_format(column: pd.Series) -> str:
    """How a column's timestamps are shown: as dates when every one is at midnight."""
    if not pd.api.types.is_datetime64_any_dtype(column.dtype):
        return _DATETIME_FORMAT
    stamps = column.dropna()
    if getattr(column.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC")
    if len(stamps) and (stamps == stamps.dt.normalize()).all():
        return _MIDNIGHT_FORMAT
    return _DATETIME_FORMAT


def _shown_width(value: Any, stamp_format: str) -> int:
    if isinstance(value, dt.datetime):
        return 10 if stamp_format == _MIDNIGHT_FORMAT else 19
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).split("\n")), default=0)


def frames_to_xlsx(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """Tables as one Excel workbook, a sheet per table.

    Parameters
    ----------
    frames
        Sheet name → table. Names are cut to 31 characters and cleaned of
        ``[]:*?/\\`` (Excel's rules); the order is kept.

    Returns
    -------
    bytes
        The .xlsx file: bold, frozen header rows; widths set from the content;
        every text cell passed through :func:`safe_cell`.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    keys = list(frames)
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, name in zip(keys, _sheet_names(keys), strict=True):
        frame = _table(frames[key])
        sheet = book.create_sheet(name)
        headers = [_xlsx_text(str(c)) for c in frame.columns]
        sheet.append(headers)
        stamp_formats = [_stamp_format(frame[c]) for c in frame.columns]
        widths = [len(str(h)) for h in headers]
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for c, raw in enumerate(row, start=1):
                value = _plain(raw)
                if isinstance(value, str):
                    value = _xlsx_text(value)
                if value is None:
                    continue
                cell = sheet.cell(r, c, value)
                if isinstance(value, dt.datetime):
                    cell.number_format = stamp_formats[c - 1]
                elif isinstance(value, dt.date):
                    cell.number_format = _DATE_FORMAT
                elif isinstance(value, float) and math.isfinite(value):
                    cell.number_format = _FLOAT_FORMAT
                elif isinstance(value, str) and "\n" in value:
                    cell.alignment = wrap
                if r <= _WIDTH_SAMPLE:
                    shown = _shown_width(value, stamp_formats[c - 1])
                    widths[c - 1] = max(widths[c - 1], shown)
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), MAX_WIDTH)
            sheet.cell(1, c).font = Font(bold=True)
        sheet.freeze_panes = "A2"
    if not keys:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_to_frames(data: bytes, name: str = "workbook.xlsx") -> dict[str, pd.DataFrame]:
    """Read back the tables of a workbook written by :func:`frames_to_xlsx`.

    Parameters
    ----------
    data
        The .xlsx file's bytes.
    name
        The file's name, for error messages.

    Returns
    -------
    dict
        Sheet name → table. Text cells lose exactly one leading ``'`` (the one
        :func:`safe_cell` added); date cells come back as dates, date-time
        cells as timestamps, numbers as numbers.

    Raises
    ------
    ImportFailed
        For a file that is not a safe, readable .xlsx workbook.
    """
    book = open_workbook(name, data, data_only=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            frames: dict[str, pd.DataFrame] = {}
            for sheet in book.worksheets:
                try:
                    frames[sheet.title] = _read_sheet(sheet)
                except Exception as exc:
                    raise ImportFailed(
                        name, f"sheet '{sheet.title}'", damaged_reason(exc)
                    ) from None
            return frames
        finally:
            book.close()


def _read_sheet(sheet: Any) -> pd.DataFrame:
    sheet.reset_dimensions()
    rows = sheet.iter_rows()
    header = next(rows, None)
    if header is None:
        return pd.DataFrame()
    columns = [_cell_value(c) for c in header]
    while columns and columns[-1] is None:
        columns.pop()
    records = []
    for row in rows:
        values = [_cell_value(c) for c in row[: len(columns)]]
        values += [None] * (len(columns) - len(values))
        records.append(values)
    return pd.DataFrame(records, columns=[str(c) for c in columns])


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, str):
        return unescape_cell(value)
    fmt = str(cell.number_format)
    if isinstance(value, dt.datetime) and fmt != _MIDNIGHT_FORMAT and "h" not in fmt.lower():
        return value.date()
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int and str(cell.number_format) == _FLOAT_FORMAT:
        return float(value)
    return value


def frames_to_csv(frames: Mapping[str, pd.DataFrame]) -> dict[str, bytes]:
    """Tables as CSV files, one per table.

    Parameters
    ----------
    frames
        Name → table.

    Returns
    -------
    dict
        Name → the CSV file's bytes: UTF-8 with a byte-order mark, a header
        row, every text cell passed through :func:`safe_cell`.
    """
    files: dict[str, bytes] = {}
    for key, frame in frames.items():
        frame = _table(frame)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([safe_cell(str(c).replace("\x00", "")) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            writer.writerow([_csv_value(v) for v in row])
        files[key] = out.getvalue().encode("utf-8-sig")
    return files


def _csv_value(raw: Any) -> Any:
    if isinstance(raw, pd.Timestamp | dt.datetime) and raw.tzinfo is not None:
        return pd.Timestamp(raw).tz_convert("UTC").isoformat()
    value = _plain(raw)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return safe_cell(value.replace("\x00", ""))
    return value
