"""Job descriptions as Excel workbooks (.xlsx).

The layout: four sheets, each with a header row (headings matched in any
order and case; sheet names matched case-insensitively)::

    Job                   field        | value
                          title        | Automotive maintenance instructor
                          purpose      | Teach apprentices to service and repair cars safely.
                          source       | demo

    Responsibilities      number | responsibility                        | share
                          1      | Teach workshop and classroom lessons  | 60
                          2      | Assess apprentices' practical work    | 40

    Competencies          competency          | required | description
                          Vehicle diagnostics | 4        | Finds the cause of a fault systematically.

    Anchors (optional)    competency          | level | anchor
                          Vehicle diagnostics | 1     | Follows a fault chart with help
                          Vehicle diagnostics | 5     | Designs diagnostic exercises

``number`` is optional (by position when empty); ``share`` may be ``60`` or
``60%``, and may be empty or left out (not set yet: 0). Places in errors are ``sheet 'Competencies' row 7``.

Safety (:mod:`pmwidgets.io.filecheck`): an .xlsx is a zip archive. Before
openpyxl sees it, :func:`~pmwidgets.io.filecheck.check_zip` inspects the
archive's directory with :mod:`zipfile`: at most ``MAX_MEMBERS`` parts, at most ``MAX_UNPACKED`` bytes once unpacked in
all, no part over 1 MB compressed more than ``MAX_RATIO`` to 1, no
encryption, and only the compression methods Excel writes (stored, deflate).
It then unpacks every part once, in 64 KB pieces, and refuses a part that
holds more than its declared size (a lying zip bomb: ``zipfile`` would unpack
such a part whole before cutting it to size) or whose checksum is wrong.
openpyxl parses the XML with defusedxml (reading is refused if it is missing;
entity declarations are refused), reads with ``read_only=True`` and
``keep_links=False`` (no external links, where DDE hides), and never evaluates
a formula: a formula cell is refused with its place (type or paste the value
itself). At most :data:`MAX_ROWS` rows a sheet are accepted. Text cells are
written with a leading ``'`` when they start with ``=``, ``+``, ``-``, ``@``
(or their full-width forms), a tab or ``'``, and one leading ``'`` is removed
when read; a numeric cell holding text that starts with ``=`` is an error.
Excel cannot hold control characters or a carriage return: the writer drops
control characters and writes a carriage return as a line break.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ...domain.model import JobDescription
from ..cells import escape_cell, excel_text, unescape_cell
from ..errors import ImportFailed, show
from ..filecheck import damaged_reason, open_workbook, refuse_formula
from .fields import Draft, as_int, as_share, as_text

#: Most data rows read from one sheet.
MAX_ROWS = 1000
#: Most columns read from one sheet.
MAX_COLUMNS = 16
#: Most rows looked at in one sheet, empty ones included.
_MAX_SCANNED = 20 * MAX_ROWS

SHEETS = ("Job", "Responsibilities", "Competencies")
_COLUMNS = {
    "Job": {"field": "field", "value": "value"},
    "Responsibilities": {
        "number": "number",
        "responsibility": "text",
        "text": "text",
        "share": "share",
    },
    "Competencies": {
        "competency": "name",
        "name": "name",
        "required": "required",
        "description": "description",
    },
    "Anchors": {"competency": "name", "level": "level", "anchor": "anchor"},
}
_HEADINGS = {
    "Job": ("field", "value"),
    "Responsibilities": ("number", "responsibility", "share"),
    "Competencies": ("competency", "required", "description"),
    "Anchors": ("competency", "level", "anchor"),
}
_NEEDED = {
    "Job": ("field", "value"),
    "Responsibilities": ("text",),
    "Competencies": ("name", "required"),
    "Anchors": ("name", "level", "anchor"),
}
_JOB_FIELDS = ("title", "purpose", "source")


def parse_xlsx(file: str, data: bytes) -> JobDescription:
    """Read a job description from the bytes of an .xlsx workbook.

    Raises
    ------
    ImportFailed
        For an unsafe or damaged file, missing sheets or columns, formula
        cells, and for a job description that breaks a rule.
    """
    book = open_workbook(file, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _Reader(file, book).read()
        finally:
            book.close()


class _Reader:
    def __init__(self, file: str, book: Any) -> None:
        self.file = file
        self.book = book
        self.draft = Draft(file)
        self.sheets: dict[str, str] = {}
        for name in book.sheetnames:
            self.sheets.setdefault(name.strip().casefold(), name)

    def read(self) -> JobDescription:
        missing = [s for s in SHEETS if s.casefold() not in self.sheets]
        if missing:
            names_found = [show(n) for n in self.book.sheetnames[:10]]
            if len(self.book.sheetnames) > 10:
                names_found.append("…")
            found = ", ".join(names_found) or "none"
            quoted = [repr(m) for m in missing]
            names = " and ".join(
                [", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted
            )
            raise ImportFailed(
                self.file,
                "-",
                f"no sheet named {names}: a job description workbook has sheets"
                f" 'Job', 'Responsibilities', 'Competencies' (and optionally 'Anchors');"
                f" this one has {found}",
            )
        self.job()
        self.responsibilities()
        index = self.competencies()
        if "anchors" in self.sheets:
            self.anchors(index)
        return self.draft.finish()

    def rows(self, sheet: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(place, {column: value}) for each non-empty data row of a sheet."""
        name = self.sheets[sheet.casefold()]
        columns: dict[int, str] | None = None
        data_rows = 0
        try:
            worksheet = self.book[name]
            worksheet.reset_dimensions()  # read every row, whatever the sheet claims
            cells = worksheet.iter_rows(max_col=MAX_COLUMNS)
            for number, cell_row in enumerate(cells, start=1):
                if number > _MAX_SCANNED:
                    raise ImportFailed(
                        self.file, f"sheet '{name}'", f"the sheet has over {_MAX_SCANNED} rows"
                    )
                row = tuple(cell.value for cell in cell_row)
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                    continue
                where = f"sheet '{name}' row {number}"
                for i, cell in enumerate(cell_row):
                    if getattr(cell, "data_type", None) == "f":
                        ref = f"{get_column_letter(i + 1)}{number}"
                        self.draft.fail(where, refuse_formula(ref, cell.value))
                if columns is None:
                    columns = self.header(sheet, name, row, where)
                    continue
                data_rows += 1
                if data_rows > MAX_ROWS:
                    raise ImportFailed(
                        self.file,
                        where,
                        f"the sheet has more than {MAX_ROWS} rows; a job description needs fewer",
                    )
                for i, value in enumerate(row):
                    if i not in columns and value is not None and str(value).strip():
                        self.draft.fail(
                            where,
                            f"the value {show(value)} in column {get_column_letter(i + 1)}"
                            " has no heading",
                        )
                yield where, {key: row[i] for i, key in columns.items() if i < len(row)}
        except ImportFailed:
            raise
        except Exception as exc:
            raise ImportFailed(self.file, f"sheet '{name}'", damaged_reason(exc, name)) from None
        if columns is None and sheet in ("Job", "Responsibilities"):
            self.draft.fail(
                f"sheet '{name}'",
                f"the sheet is empty: its first row must be the headings"
                f" {', '.join(_HEADINGS[sheet])}",
            )

    def header(self, sheet: str, name: str, row: tuple[Any, ...], where: str) -> dict[int, str]:
        known = _COLUMNS[sheet]
        columns: dict[int, str] = {}
        for i, value in enumerate(row):
            if value is None or not str(value).strip():
                continue
            key = known.get(str(value).strip().casefold())
            if key is None:
                self.draft.fail(
                    where,
                    f"unknown column {show(str(value).strip())} in sheet '{name}':"
                    f" the headings are {', '.join(_HEADINGS[sheet])}",
                )
            if key in columns.values():
                self.draft.fail(where, f"the column {show(str(value).strip())} appears twice")
            columns[i] = key
        missing = [k for k in _NEEDED[sheet] if k not in columns.values()]
        if missing:
            wanted = {known[h]: h for h in _HEADINGS[sheet]}
            self.draft.fail(
                where,
                f"the first row of sheet '{name}' must be its headings"
                f" {', '.join(_HEADINGS[sheet])}; no"
                f" {' or '.join(repr(wanted[m]) for m in missing)} column",
            )
        return columns

    def text(self, value: Any, label: str, *, required: bool = False) -> str:
        if isinstance(value, str):
            return unescape_cell(value)
        return as_text(value, label, required=required)

    def job(self) -> None:
        seen: dict[str, str] = {}
        self.draft.places[("title",)] = f"sheet '{self.sheets['job']}'"
        for where, cells in self.rows("Job"):
            field = str(cells.get("field") or "").strip().casefold()
            if field not in _JOB_FIELDS:
                self.draft.fail(
                    where,
                    f"unknown field {show(cells.get('field') or '')}: use {', '.join(_JOB_FIELDS)}",
                )
            if field in seen:
                self.draft.fail(where, f"the field '{field}' appears twice (also at {seen[field]})")
            seen[field] = where
            self.draft.places[(field,)] = where
            with self.draft.at(where):
                label = "the job title" if field == "title" else f"the {field}"
                self.draft.fields[field] = self.text(cells.get("value"), label)

    def responsibilities(self) -> None:
        sheet = self.sheets["responsibilities"]
        self.draft.places[("responsibilities",)] = f"sheet '{sheet}'"
        for where, cells in self.rows("Responsibilities"):
            i = len(self.draft.responsibilities)
            self.draft.places[("responsibilities", i)] = where
            with self.draft.at(where):
                raw: dict[str, Any] = {
                    "text": self.text(cells.get("text"), "the responsibility text")
                }
                share = as_share(cells.get("share"))  # an empty cell or no column: not set yet
                if share is not None:
                    raw["share"] = share
                number = cells.get("number")
                if number is not None and str(number).strip():
                    raw["number"] = as_int(number, "the number")
            self.draft.responsibilities.append(raw)

    def competencies(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for where, cells in self.rows("Competencies"):
            i = len(self.draft.competencies)
            self.draft.places[("competencies", i)] = where
            with self.draft.at(where):
                name = self.text(cells.get("name"), "the competency name")
                raw = {
                    "name": name,
                    "required": as_int(cells.get("required"), "the required level"),
                    "description": self.text(cells.get("description"), "the description"),
                }
            index.setdefault(name.strip().casefold(), i)
            self.draft.competencies.append(raw)
        return index

    def anchors(self, index: dict[str, int]) -> None:
        for where, cells in self.rows("Anchors"):
            with self.draft.at(where):
                name = self.text(cells.get("name"), "the competency")
                level = as_int(cells.get("level"), "the anchor level")
                text = self.text(cells.get("anchor"), "the anchor")
            i = index.get(name.strip().casefold())
            if i is None:
                self.draft.fail(
                    where,
                    f"anchor for unknown competency {show(name.strip())}: add it to the"
                    " Competencies sheet, or check the spelling",
                )
            found: dict[int, str] = self.draft.competencies[i].setdefault("anchors", {})
            if level in found:
                self.draft.fail(
                    where, f"the anchor for level {level} of {show(name.strip())} is given twice"
                )
            found[level] = text
            self.draft.places[("competencies", i, "anchors", level)] = where


# --- writing -------------------------------------------------------------------


def _cell(text: str) -> str | None:
    """Text as a cell value: carriage returns as line breaks, control characters dropped."""
    text = excel_text(text)
    return escape_cell(text) if text else None


def _sheet(book: Any, title: str, header: tuple[str, ...], widths: tuple[int, ...]) -> Any:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(1, i).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _wrap(sheet: Any, columns: tuple[int, ...]) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in columns:
                cell.alignment = wrap


def dump_xlsx(jd: JobDescription) -> bytes:
    """The job description as an .xlsx workbook, in the layout :func:`parse_xlsx` reads."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    job = _sheet(book, "Job", ("field", "value"), (12, 80))
    for field in _JOB_FIELDS:
        job.append([field, _cell(getattr(jd, field))])
    _wrap(job, (2,))
    sheet = _sheet(book, "Responsibilities", ("number", "responsibility", "share"), (9, 80, 8))
    for r in jd.responsibilities:
        sheet.append([r.number, _cell(r.text), r.share])
    _wrap(sheet, (2,))
    sheet = _sheet(book, "Competencies", ("competency", "required", "description"), (28, 10, 70))
    for c in jd.competencies:
        sheet.append([_cell(c.name), c.required, _cell(c.description)])
    _wrap(sheet, (1, 3))
    sheet = _sheet(book, "Anchors", ("competency", "level", "anchor"), (28, 8, 70))
    for c in jd.competencies:
        for level in sorted(c.anchors):
            sheet.append([_cell(c.name), level, _cell(c.anchors[level])])
    _wrap(sheet, (1, 3))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
