"""Job descriptions as CSV: one row per item, a header row first.

The layout (``,`` or ``;`` between cells, UTF-8 with or without a BOM)::

    section,number,text,share,required,level,anchor,description
    title,,Automotive maintenance instructor,,,,,
    purpose,,Teach apprentices to service and repair cars safely.,,,,,
    responsibility,1,Teach workshop and classroom lessons,60,,,,
    responsibility,2,Assess apprentices' practical work,40,,,,
    competency,,Vehicle diagnostics,,4,,,Finds the cause of a fault systematically.
    anchor,,Vehicle diagnostics,,,1,Follows a fault chart with help,
    anchor,,Vehicle diagnostics,,,5,Designs diagnostic exercises,
    source,,demo,,,,,

``section`` is one of title, purpose, responsibility, competency, anchor and
source. Responsibility rows give ``text`` and ``share`` (``30`` or ``30%``; an
empty ``share`` is not set yet, 0);
``number`` is optional (by position when empty). Competency rows give the name
in ``text``, the ``required`` level (1-5) and optionally a ``description``.
Anchor rows name their competency in ``text`` and give ``level`` and
``anchor``. Columns are matched by their heading, in any order and case; only
``section`` and ``text`` must be present, and ``description`` (an addition to
the seven basic columns) is optional. Blank rows are skipped. Places in errors
are ``row N``, counting the header as row 1 as a spreadsheet does.

Text cells starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return
or ``'`` are written with an extra leading ``'`` so a spreadsheet shows them as
text; reading removes one leading ``'`` from every text cell. A numeric cell
holding a formula (``=SUM(...)``) is an error: type the number itself. The
writer adds a UTF-8 BOM so that spreadsheets detect the encoding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from ...domain.model import JobDescription
from ..cells import escape_cell, unescape_cell
from ..errors import show
from .fields import Draft, as_int, as_share

HEADER = ("section", "number", "text", "share", "required", "level", "anchor", "description")
_SECTIONS = {
    "title": "title",
    "purpose": "purpose",
    "source": "source",
    "responsibility": "responsibility",
    "responsibilities": "responsibility",
    "competency": "competency",
    "competencies": "competency",
    "anchor": "anchor",
    "anchors": "anchor",
}
_SECTION_NAMES = "title, purpose, responsibility, competency, anchor or source"


def _delimiter(text: str) -> str:
    """``;`` when the first non-blank line has more of them than commas, else ``,``."""
    for line in text.splitlines():
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def parse_csv(file: str, text: str) -> JobDescription:
    """Read a job description from CSV text.

    Raises
    ------
    ImportFailed
        For a file not in the layout and for a job description that breaks a rule.
    """
    reader = _Reader(Draft(file))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    row_number = 0
    try:
        for row_number, row in enumerate(rows, start=1):
            if any(cell.strip() for cell in row):
                reader.row(row_number, row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            reader.draft.fail(
                f"row {row_number + 1}",
                f"a cell is longer than {csv.field_size_limit():,} characters;"
                " a job description needs far less",
            )
        reader.draft.fail(f"row {row_number + 1}", f"badly formed CSV: {exc}")
    return reader.finish()


class _Reader:
    """The rows of one CSV file, read one by one into a draft."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.columns: dict[str, int] | None = None
        self.first_row: dict[str, int] = {}
        self.anchors: list[tuple[int, str, Any, Any]] = []
        self.competency_index: dict[str, int] = {}
        self.responsibility_rows: list[int] = []

    def row(self, row_number: int, row: list[str]) -> None:
        """One non-blank row: the header, or a row of a section."""
        draft = self.draft
        where = f"row {row_number}"
        if self.columns is None:
            self.columns = _header(draft, row, where)
            return
        columns = self.columns
        extra = [cell for i, cell in enumerate(row) if i not in columns.values() and cell]
        if extra:
            draft.fail(where, f"the row has a value {show(extra[0])} in a column without a heading")

        def cell(name: str) -> str:
            i = columns.get(name)
            return row[i] if i is not None and i < len(row) else ""

        section_text = cell("section").strip()
        section = _SECTIONS.get(section_text.casefold())
        if section is None:
            draft.fail(
                where,
                f"unknown section {show(section_text)}: use {_SECTION_NAMES}"
                if section_text
                else f"the section is empty: use {_SECTION_NAMES}",
            )
        text_value = unescape_cell(cell("text"))
        if section in ("title", "purpose", "source"):
            self.field(section, row_number, text_value)
        elif section == "responsibility":
            self.responsibility(row_number, text_value, cell)
        elif section == "competency":
            self.competency(row_number, text_value, cell)
        else:
            with draft.at(where):
                level = as_int(cell("level"), "the anchor level")
            self.anchors.append((row_number, text_value, level, unescape_cell(cell("anchor"))))

    def field(self, section: str, row_number: int, text_value: str) -> None:
        """A title, purpose or source row: each may be given once."""
        where = f"row {row_number}"
        if section in self.first_row:
            self.draft.fail(
                where,
                f"a second {section} row (the first is row {self.first_row[section]}):"
                f" give the {section} once",
            )
        self.first_row[section] = row_number
        self.draft.fields[section] = text_value
        self.draft.places[(section,)] = where

    def responsibility(self, row_number: int, text_value: str, cell: Callable[[str], str]) -> None:
        """A responsibility row: its text, share of time (maybe empty) and number (maybe)."""
        draft, where = self.draft, f"row {row_number}"
        draft.places[("responsibilities", len(draft.responsibilities))] = where
        self.responsibility_rows.append(row_number)
        raw: dict[str, Any] = {"text": text_value}
        with draft.at(where):
            share = as_share(cell("share"))  # an empty cell: not set yet
            if share is not None:
                raw["share"] = share
            if cell("number").strip():
                raw["number"] = as_int(cell("number"), "the number")
        draft.responsibilities.append(raw)

    def competency(self, row_number: int, text_value: str, cell: Callable[[str], str]) -> None:
        """A competency row: its name, required level and description."""
        draft, where = self.draft, f"row {row_number}"
        i = len(draft.competencies)
        draft.places[("competencies", i)] = where
        self.competency_index.setdefault(text_value.strip().casefold(), i)
        with draft.at(where):
            required = as_int(cell("required"), "the required level")
        draft.competencies.append(
            {
                "name": text_value,
                "required": required,
                "description": unescape_cell(cell("description")),
            }
        )

    def finish(self) -> JobDescription:
        """The anchors attached to their competencies, and the draft checked."""
        if self.columns is None:
            self.draft.fail("-", "the file is empty")
        if self.responsibility_rows:
            first, last = self.responsibility_rows[0], self.responsibility_rows[-1]
            self.draft.places[("responsibilities",)] = (
                f"rows {first}-{last}" if last > first else (f"row {first}")
            )
        _attach_anchors(self.draft, self.anchors, self.competency_index)
        return self.draft.finish()


def _header(draft: Draft, row: list[str], where: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(row):
        name = cell.strip().casefold()
        if not name:
            continue
        if name not in HEADER:
            if not columns and name in _SECTIONS:
                break  # a data row where the header should be
            draft.fail(
                where, f"unknown column {show(cell.strip())}: the columns are {', '.join(HEADER)}"
            )
        if name in columns:
            draft.fail(where, f"the column {show(name)} appears twice")
        columns[name] = i
    missing = [name for name in ("section", "text") if name not in columns]
    if missing:
        draft.fail(
            where,
            f"the first row must be the header {','.join(HEADER)}"
            f" (no {' or '.join(repr(m) for m in missing)} column)",
        )
    return columns


def _attach_anchors(
    draft: Draft, anchors: list[tuple[int, str, Any, Any]], index: dict[str, int]
) -> None:
    for row_number, name, level, text in anchors:
        where = f"row {row_number}"
        i = index.get(name.strip().casefold())
        if i is None:
            draft.fail(
                where,
                f"anchor for unknown competency {show(name.strip())}:"
                " add a competency row for it, or check the spelling",
            )
        competency = draft.competencies[i]
        found: dict[int, str] = competency.setdefault("anchors", {})
        if level in found:
            draft.fail(
                where,
                f"the anchor for level {level} of {show(name.strip())} is given twice",
            )
        found[level] = text
        draft.places[("competencies", i, "anchors", level)] = where


def dump_csv(jd: JobDescription) -> bytes:
    """The job description as CSV (UTF-8 with BOM), in the layout :func:`parse_csv` reads."""
    rows: list[list[Any]] = [list(HEADER)]

    def add(section: str, text: str, **cells: Any) -> None:
        row: list[Any] = [section, "", escape_cell(text), "", "", "", "", ""]
        for name, value in cells.items():
            row[HEADER.index(name)] = value
        rows.append([c.replace("\x00", "") if isinstance(c, str) else c for c in row])

    add("title", jd.title)
    if jd.purpose:
        add("purpose", jd.purpose)
    for r in jd.responsibilities:
        add("responsibility", r.text, number=r.number, share=r.share)
    for c in jd.competencies:
        add("competency", c.name, required=c.required, description=escape_cell(c.description))
        for level in sorted(c.anchors):
            add("anchor", c.name, level=level, anchor=escape_cell(c.anchors[level]))
    if jd.source:
        add("source", jd.source)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")
