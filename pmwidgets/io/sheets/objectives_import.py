"""A team's objectives from an Excel workbook, the way HR keeps them.

The layout: one sheet (the one named ``Objectives``, else the first), whose
first non-empty row holds the headings, in any order and case::

    employee | title                      | description | responsibilities | measure | target | due        | weight
    mchen    | Raise the L3 pass rate     | Learners …  | 1, 2             | Pass …  | 85% …  | 2027-06-30 | 35

``employee`` is the person's id (as ``pmw people`` lists it);
``responsibilities`` the numbers of the job description's responsibilities
the objective serves (``1, 3``; a single number may be a number cell); ``due``
a date cell or ISO text (``2027-06-30``); ``weight`` a whole number from 0 to
100 (``30`` or ``30%``). ``employee``, ``title``, ``responsibilities``,
``due`` and ``weight`` are required; columns headed ``name``, ``employee
name``, ``notes`` or ``comments`` are ignored; any other heading is refused,
so that a misspelt one is not silently dropped. Text cells lose one leading
``'`` (see :func:`pmwidgets.io.sheets.frames.safe_cell`).

:func:`read_team_objectives` checks every row and reports every problem at
once, each with its row number as the spreadsheet shows it; it stores nothing
(the services layer checks each objective against its workbook and stores all
or nothing). The file is checked as a job description workbook is
(:mod:`pmwidgets.io.filecheck`): size, zip bombs, XML entities; a formula cell is refused
(formulas are never run: type or paste the value itself).
:func:`team_objectives_template` writes a workbook to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ...domain.i18n import _
from ...domain.model import PERSON_ID_PATTERN, Objective
from ..cells import unescape_cell
from ..errors import CONTROL_CHARS, ImportFailed, show
from ..filecheck import damaged_reason, load_bytes, open_workbook, refuse_formula
from .objectives_template import COLUMNS, team_objectives_template

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "ObjectiveRow",
    "read_team_objectives",
    "team_objectives_template",
]

_REQUIRED = ("employee", "title", "responsibilities", "due", "weight")
_ALIASES = {
    "employee id": "employee",
    "person": "employee",
    "responsibility": "responsibilities",
    "due date": "due",
}
_IGNORED = ("name", "employee name", "notes", "note", "comments", "comment")
#: What an objectives file holds, as the refusal of one too big names it.
_HOLDS = "a list of objectives"
#: Most objectives read from one file.
MAX_ROWS = 5000
#: Most columns looked at.
MAX_COLUMNS = 30
#: Most problems listed in the error; the rest are counted.
MAX_LISTED = 20
_PERSON_ID = re.compile(PERSON_ID_PATTERN)
_NUMBERS = re.compile(r"[\s,;/]+")
_WHOLE = re.compile(r"[+-]?\d{1,9}(?:\.0*)?")


class ObjectiveRow(NamedTuple):
    """One objective read from a row: its row number, whose it is, and the objective."""

    row: int
    employee_id: str
    #: ``proposed_by`` is the employee; ``id`` is None until stored.
    objective: Objective


def read_team_objectives(source: str | Path | bytes, name: str | None = None) -> list[ObjectiveRow]:
    """Read and check a team's objectives from an .xlsx workbook; store nothing.

    Parameters
    ----------
    source
        The file's path, or its bytes (an upload).
    name
        The file's name for messages (default: the path, or ``upload.xlsx``).

    Returns
    -------
    list of ObjectiveRow
        One per non-empty row, in the sheet's order.

    Raises
    ------
    ImportFailed
        For a file that cannot be read safely or lacks the headings (one
        reason), or for rows with problems: the reason then lists every
        problem, ``row 4: weight 'thirty' is not a number; row 7: …`` (at most
        :data:`MAX_LISTED`, then how many more).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        label = CONTROL_CHARS.sub("?", name or "upload.xlsx")
        data = load_bytes(label, label, bytes(source), _HOLDS)
    else:
        label = CONTROL_CHARS.sub("?", name or str(source))
        data = load_bytes(label, source, None, _HOLDS)
    if Path(label).suffix.lower() == ".csv" and not data.startswith(b"PK"):
        raise ImportFailed(
            label,
            "-",
            _(
                "a team's objectives are read from an Excel .xlsx workbook, not CSV:"
                " open the file in a spreadsheet and save it as .xlsx"
            ),
        )
    book = open_workbook(label, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if not book.worksheets:
                raise ImportFailed(label, "-", _("the workbook has no sheet of cells"))
            sheet = next((s for s in book.worksheets if s.title.casefold() == "objectives"), None)
            sheet = sheet or book.worksheets[0]
            where = f"sheet '{sheet.title}'"
            try:
                return _read(label, where, sheet)
            except ImportFailed:
                raise
            except Exception as exc:
                raise ImportFailed(label, where, damaged_reason(exc, sheet.title)) from None
        finally:
            book.close()


def _read(file: str, where: str, sheet: Any) -> list[ObjectiveRow]:
    sheet.reset_dimensions()
    columns: dict[int, str] | None = None
    found: list[ObjectiveRow] = []
    problems: list[str] = []
    bad_rows: set[int] = set()
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for number, cell_row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
        row = tuple(cell.value for cell in cell_row)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        formulas = [
            refuse_formula(f"{get_column_letter(i + 1)}{number}", cell.value)
            for i, cell in enumerate(cell_row)
            if getattr(cell, "data_type", None) == "f"
        ]
        if columns is None:
            if formulas:
                raise ImportFailed(file, f"{where} row {number}", formulas[0])
            columns = _header(file, f"{where} row {number}", row)
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFailed(
                file, where, _("more than {n} objectives: split the file").format(n=MAX_ROWS)
            )
        cells = {key: row[i] for i, key in columns.items() if i < len(row)}
        result, mine = (None, formulas) if formulas else _row(number, cells)
        if result is not None:
            key = (result.employee_id, result.objective.title.strip().casefold())
            if key in seen:
                mine.append(
                    _("the same objective as row {n} for {who}").format(
                        n=seen[key], who=result.employee_id
                    )
                )
            seen.setdefault(key, number)
        if mine:
            bad_rows.add(number)
            problems += [_("row {n}: {p}").format(n=number, p=p) for p in mine]
        elif result is not None:
            found.append(result)
    if columns is None:
        raise ImportFailed(
            file,
            where,
            _("the sheet is empty: its first row must be the headings {h}").format(
                h=", ".join(COLUMNS)
            ),
        )
    if problems:
        raise ImportFailed(file, where, _problems(problems, len(bad_rows), count))
    if not found:
        raise ImportFailed(file, where, _("no objectives below the headings"))
    return found


def _problems(problems: list[str], bad: int, count: int) -> str:
    """Why no row was imported: the first :data:`MAX_LISTED` problems, then how many more."""
    listed = "; ".join(problems[:MAX_LISTED])
    if len(problems) > MAX_LISTED:
        listed += _("; and {n} more problems").format(n=len(problems) - MAX_LISTED)
    return _("{bad} of {all} rows cannot be imported, so none was: {problems}").format(
        bad=bad, all=count, problems=listed
    )


def _header(file: str, where: str, row: tuple[Any, ...]) -> dict[int, str]:
    columns: dict[int, str] = {}
    headings = ", ".join(COLUMNS)
    for i, value in enumerate(row):
        text = " ".join(str(value).split()).casefold() if value is not None else ""
        if not text or text in _IGNORED:
            continue
        key = _ALIASES.get(text, text)
        if key not in COLUMNS:
            raise ImportFailed(
                file,
                where,
                _("unknown column {c}: the headings are {h}").format(
                    c=show(str(value).strip()), h=headings
                ),
            )
        if key in columns.values():
            raise ImportFailed(
                file, where, _("the column {c} appears twice").format(c=show(str(value).strip()))
            )
        columns[i] = key
    missing = [k for k in _REQUIRED if k not in columns.values()]
    if missing:
        raise ImportFailed(
            file,
            where,
            _("the first row must be the headings {h}; there is no {m} column").format(
                h=headings, m=" or ".join(repr(m) for m in missing)
            ),
        )
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_cell(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _row(number: int, cells: dict[str, Any]) -> tuple[ObjectiveRow | None, list[str]]:
    """The objective in one row, or the problems with it."""
    problems: list[str] = []
    employee = _text(cells.get("employee")).strip()
    if not employee:
        problems.append(_("employee is missing: give the person's id"))
    elif not _PERSON_ID.fullmatch(employee):
        problems.append(
            _("employee {v} is not a person id (like 'mchen'; see pmw people)").format(
                v=show(employee)
            )
        )
    title = _text(cells.get("title"))
    if not title.strip():
        problems.append(_("title is missing"))
    responsibilities = _responsibilities(cells.get("responsibilities"), problems)
    due = _due(cells.get("due"), problems)
    weight = _weight(cells.get("weight"), problems)
    if problems:
        return None, problems
    try:
        objective = Objective(
            title=title,
            description=_text(cells.get("description")),
            responsibilities=responsibilities,
            measure=_text(cells.get("measure")),
            target=_text(cells.get("target")),
            due=due,
            weight=weight,
            proposed_by=employee,
        )
    except ValidationError as exc:
        return None, [_explain(e) for e in exc.errors()]
    return ObjectiveRow(number, employee, objective), []


def _responsibilities(value: Any, problems: list[str]) -> tuple[int, ...]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 1:
            return (int(value),)
        problems.append(_("responsibility {v} is not a responsibility's number").format(v=value))
        return ()
    text = _text(value).strip()
    if not text:
        problems.append(_("responsibilities is missing: give their numbers, like 1, 3"))
        return ()
    parts = [p for p in _NUMBERS.split(text) if p]
    if not all(p.isdigit() and int(p) >= 1 for p in parts):
        say = _("responsibilities {v} must be numbers of the job's responsibilities, like 1, 3")
        problems.append(say.format(v=show(text)))
        return ()
    return tuple(int(p) for p in parts)


def _due(value: Any, problems: list[str]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(_("due is missing: give a date, like 2027-06-30"))
    elif isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError:
                say = _("due {v} is not a date: use a date cell or write it like 2027-06-30")
                problems.append(say.format(v=show(text)))
    else:
        say = _("due {v} is not a date: format the cell as a date, or write it like 2027-06-30")
        problems.append(say.format(v=show(value)))
    return dt.date.min


def _weight(value: Any, problems: list[str]) -> int:
    weight: int | None = None
    if isinstance(value, bool):
        problems.append(_("weight {v} is not a number").format(v=show(value)))
    elif isinstance(value, int):
        weight = value
    elif isinstance(value, float):
        if value.is_integer():
            weight = int(value)
        else:
            problems.append(_("weight {v} must be a whole number").format(v=f"{value:g}"))
    else:
        text = _text(value).strip().removesuffix("%").rstrip()
        if not text:
            problems.append(_("weight is missing: give a whole number from 0 to 100"))
        elif _WHOLE.fullmatch(text):
            weight = int(float(text))
        else:
            problems.append(_("weight {v} is not a number").format(v=show(_text(value).strip())))
    if weight is not None and not 0 <= weight <= 100:
        problems.append(_("weight {v} must be from 0 to 100").format(v=weight))
    return weight or 0


_FIELD_WORDS = {
    "title": "title",
    "description": "description",
    "measure": "measure",
    "target": "target",
    "weight": "weight",
    "responsibilities": "responsibilities",
    "due": "due",
}


def _explain(error: Any) -> str:
    """One pydantic error about a row's objective, in words."""
    field = next((str(p) for p in error.get("loc", ()) if isinstance(p, str)), "")
    label = _(_FIELD_WORDS.get(field, field or "objective"))
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    value = error.get("input")
    if kind == "string_too_long" and isinstance(value, str):
        return _("{f} is too long: {n} characters, at most {m}").format(
            f=label, n=len(value), m=ctx.get("max_length")
        )
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("{f} {v} must be from 0 to 100").format(f=label, v=value)
    if kind == "string_too_short":
        return _("{f} is empty").format(f=label)
    return f"{label}: {str(error.get('msg', 'invalid')).removeprefix('Value error, ')}"
