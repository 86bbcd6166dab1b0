"""The Excel workbook HR fills in to import a team's objectives.

See :mod:`pmwidgets.io.sheets.objectives_import` for the layout it reads.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ...domain.i18n import _
from ..cells import escape_cell

#: The headings, in the order the template has them.
COLUMNS = (
    "employee",
    "title",
    "description",
    "responsibilities",
    "measure",
    "target",
    "due",
    "weight",
)
#: Rows the template's checks of dates and weights cover.
CHECKED_ROWS = 5000
_SHEET = "Objectives"

_EXAMPLES = (
    (
        "mchen",
        "Raise the Level 3 diagnostics pass rate",
        "Learners pass the diagnostics unit at the first attempt more often, by adding "
        "fault-finding practice on live vehicles to every week of the unit.",
        "1, 2",
        "First-attempt pass rate on the Level 3 diagnostics unit",
        "85% of learners pass at the first attempt (last year 71%)",
        dt.date(2027, 6, 30),
        35,
    ),
    (
        "tnguyen",
        "Catch learners who fall behind early",
        "Hold a tutorial with every learner within two weeks of a missed assessment deadline.",
        "4",
        "Share of learners at risk with a plan within two weeks",
        "100% within two weeks",
        dt.date(2027, 6, 30),
        25,
    ),
)
_HELP = (
    ("employee", "The person's id, as 'pmw people' lists it (not their name)."),
    ("title", "The objective in a sentence: what will be different."),
    ("description", "More detail: how, for whom (optional)."),
    ("responsibilities", "The numbers of the job description's responsibilities it serves: 1, 3"),
    ("measure", "How progress will be seen (optional)."),
    ("target", "The level to reach: a number, a date or a yes/no outcome (optional)."),
    ("due", "A date inside the cycle: a date cell, or text like 2027-06-30."),
    ("weight", "A whole number from 0 to 100; each person's weights should total 100."),
)
_WIDTHS = (12, 40, 50, 16, 36, 36, 12, 8)


def team_objectives_template() -> bytes:
    """An .xlsx workbook for HR to fill in: the headings, two example rows, and help.

    Returns
    -------
    bytes
        Sheet ``Objectives`` (headings, two example rows to replace, date and
        weight cells checked by Excel) and sheet ``How to fill in``.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _SHEET
    sheet.append(list(COLUMNS))
    for example in _EXAMPLES:
        sheet.append([escape_cell(v) if isinstance(v, str) else v for v in example])
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(_WIDTHS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = width
        sheet.cell(1, i).font = Font(bold=True)
        for row in range(2, 2 + len(_EXAMPLES)):
            sheet.cell(row, i).alignment = wrap
    due, weight = get_column_letter(COLUMNS.index("due") + 1), get_column_letter(8)
    resp = get_column_letter(COLUMNS.index("responsibilities") + 1)
    for row in range(2, 2 + len(_EXAMPLES)):
        sheet[f"{due}{row}"].number_format = "yyyy-mm-dd"
        sheet[f"{resp}{row}"].number_format = "@"  # text: Excel must not read "1,3" as 13
    sheet.freeze_panes = "A2"
    checks = (
        (DataValidation(type="whole", operator="between", formula1="0", formula2="100"), weight),
        (DataValidation(type="date", operator="greaterThan", formula1="36526"), due),
    )
    for check, letter in checks:
        check.error = (
            _("Type a whole number from 0 to 100")
            if letter == weight
            else _("Type a date, like 2027-06-30")
        )
        check.showErrorMessage = True
        check.add(f"{letter}2:{letter}{CHECKED_ROWS + 1}")
        sheet.add_data_validation(check)
    help_sheet = book.create_sheet(_("How to fill in"))
    help_sheet.append([_("column"), _("what to write")])
    for column, text in _HELP:
        help_sheet.append([column, _(text)])
    help_sheet.append([])
    help_sheet.append(["", _("Replace the two example rows with your team's objectives.")])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 90
    help_sheet.cell(1, 1).font = help_sheet.cell(1, 2).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
