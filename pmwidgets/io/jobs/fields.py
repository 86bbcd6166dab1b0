"""What the job description readers share: a draft checked against the model, and values.

Each format reader (:mod:`.as_yaml`, :mod:`.as_markdown`, :mod:`.as_csv`,
:mod:`.as_xlsx`) fills a :class:`Draft` with raw values and records where each
came from; :meth:`Draft.finish` builds the :class:`~pmwidgets.domain.model.JobDescription`
and reports the first broken rule at its place in the file, in one line. The
value readers (:func:`as_int`, :func:`as_text`, :func:`as_share`) raise :class:`Bad`,
which the reader turns into that one line; a share of time may be left out
(:func:`as_share`, :func:`split_share`), and is then 0, "not set yet". Spreadsheet
cells are kept from ever running as formulas by :mod:`pmwidgets.io.cells`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ...domain.errors import describe_validation_error
from ...domain.model import Competency, JobDescription, Responsibility
from ..errors import ImportFailed, show


class Bad(Exception):
    """A problem with one value; the reader adds the place and raises ImportFailed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Loc = tuple[str | int, ...]


class Draft:
    """A job description as read from a file, before the model checks it.

    Readers fill ``fields`` (title, purpose, source), ``responsibilities`` and
    ``competencies`` with raw dicts and record in ``places`` where each part
    came from, keyed like pydantic error locations (``("responsibilities", 2,
    "share")``); :meth:`finish` builds the model and reports any rule it breaks
    at the closest recorded place.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.fields: dict[str, Any] = {}
        self.responsibilities: list[dict[str, Any]] = []
        self.competencies: list[dict[str, Any]] = []
        self.places: dict[Loc, str] = {}

    def fail(self, where: str, reason: str) -> NoReturn:
        """Stop reading with an :class:`ImportFailed` at ``where``."""
        raise ImportFailed(self.file, where, reason)

    @contextmanager
    def at(self, where: str) -> Iterator[None]:
        """Turn a :class:`Bad` value raised inside the block into an ImportFailed."""
        try:
            yield
        except Bad as exc:
            raise ImportFailed(self.file, where, exc.reason) from None

    def place(self, loc: Loc) -> str:
        """The recorded place closest to ``loc`` (``-`` when none is)."""
        for end in range(len(loc), 0, -1):
            found = self.places.get(loc[:end])
            if found:
                return found
        return "-"

    def finish(self) -> JobDescription:
        """Check the draft against the model and build the job description."""
        self._refuse_nul()
        responsibilities = []
        for i, raw in enumerate(self.responsibilities):
            item = {"number": i + 1, **raw}  # numbered by position unless given
            try:
                responsibilities.append(Responsibility.model_validate(item))
            except ValidationError as exc:
                self._invalid(exc, ("responsibilities", i))
        competencies = []
        first_seen: dict[str, str] = {}
        for i, raw in enumerate(self.competencies):
            name = raw.get("name")
            if isinstance(name, str) and name.strip():
                key = name.strip().casefold()
                here = self.place(("competencies", i))
                if key in first_seen:
                    self.fail(
                        here,
                        f"competency '{name.strip()}' appears twice (also at {first_seen[key]}):"
                        " each competency may appear only once",
                    )
                first_seen[key] = here
            try:
                competencies.append(Competency.model_validate(raw))
            except ValidationError as exc:
                self._invalid(exc, ("competencies", i))
        try:
            return JobDescription.model_validate(
                {
                    **self.fields,
                    "responsibilities": tuple(responsibilities),
                    "competencies": tuple(competencies),
                }
            )
        except ValidationError as exc:
            self._invalid(exc, ())

    def _refuse_nul(self) -> None:
        """Refuse a NUL character (a YAML ``"\\0"``): no database stores one in text."""

        def walk(value: Any, loc: Loc) -> None:
            if isinstance(value, str) and "\x00" in value:
                self.fail(self.place(loc), "the text holds a NUL character (\\0): remove it")
            elif isinstance(value, dict):
                for key, item in value.items():
                    walk(item, (*loc, key))

        walk(self.fields, ())
        for i, raw in enumerate(self.responsibilities):
            walk(raw, ("responsibilities", i))
        for i, raw in enumerate(self.competencies):
            walk(raw, ("competencies", i))

    def _invalid(self, exc: ValidationError, prefix: Loc) -> NoReturn:
        errors = exc.errors()
        first = errors[0]
        loc: Loc = prefix + tuple(p for p in first["loc"] if p != "[key]")
        if not loc:  # a rule about the whole list: numbering or shares
            loc = ("responsibilities",)
        reason = explain(first, exc)
        if len(errors) > 1:
            reason += f" (and {len(errors) - 1} more problems)"
        self.fail(self.place(loc), reason)


_LABELS = {
    "title": "the job title",
    "purpose": "the purpose",
    "source": "the source",
    "number": "the responsibility number",
    "text": "the responsibility text",
    "share": "the share of time",
    "name": "the competency name",
    "required": "the required level",
    "description": "the description",
    "anchors": "the anchors",
    "responsibilities": "the responsibilities",
    "competencies": "the competencies",
}
_BOUNDS = {"number": (1, 999), "share": (0, 100), "required": (1, 5), "anchors": (1, 5)}


def explain(item: ErrorDetails, exc: ValidationError) -> str:
    """One pydantic error in words a manager can act on."""
    raw_loc = item["loc"]
    loc = [p for p in raw_loc if p != "[key]"]
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    kind = item["type"]
    ctx = item.get("ctx") or {}
    value = item.get("input")
    if field == "anchors" and "[key]" in raw_loc:
        label = "an anchor level"
    elif field == "anchors" and loc and isinstance(loc[-1], int):
        label = f"the anchor for level {loc[-1]}"
    else:
        label = _LABELS.get(field, field or "the job description")
    if kind == "missing":
        return f"{label} is missing"
    if kind == "string_too_short":
        return f"{label} is empty"
    if kind == "string_too_long" and isinstance(value, str):
        return f"{label} is too long: {len(value)} characters, at most {ctx.get('max_length')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _BOUNDS.get(field, (ctx.get("ge"), ctx.get("le")))
        return f"{label} must be from {low} to {high}, not {value}"
    if kind == "too_short" and field == "responsibilities":
        return "list at least one responsibility"
    if kind == "too_long":
        return f"{label}: at most {ctx.get('max_length')} allowed, not {ctx.get('actual_length')}"
    if kind == "value_error":
        return str(item["msg"]).removeprefix("Value error, ")
    if kind.startswith("int_"):
        return f"{label} must be a whole number, not {show(value)}"
    if kind == "string_type":
        return f"{label} must be text"
    return describe_validation_error(exc, limit=1)


_INT = re.compile(r"([+-]?\d{1,9})(?:\.0*)?")


def as_int(value: object, label: str, *, example: str = "3", percent: bool = False) -> int:
    """A whole number from a cell or scalar: ``4``, ``4.0``, ``"4"``, ``"30%"`` (if ``percent``).

    Raises
    ------
    Bad
        When the value is missing, a formula, a date or not a whole number.
    """
    if value is None:
        raise Bad(f"{label} is missing")
    if isinstance(value, bool):
        raise Bad(f"{label} must be a whole number, like {example}, not {value}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e9:
            return int(value)
        raise Bad(f"{label} must be a whole number, like {example}, not {value:g}")
    if isinstance(value, str):
        text = value.strip()
        if percent:
            text = text.removesuffix("%").rstrip()
        if not text:
            raise Bad(f"{label} is missing")
        if text.startswith("="):
            raise Bad(f"{label} holds a formula {show(text)}: type the number itself")
        match = _INT.fullmatch(text)
        if match:
            return int(match.group(1))
        raise Bad(f"{label} must be a whole number, like {example}, not {show(text)}")
    if hasattr(value, "year"):
        kind = "a date"
    elif hasattr(value, "hour"):
        kind = "a time"
    elif isinstance(value, bytes | bytearray):
        kind = "binary data"
    else:
        kind = f"a {type(value).__name__}"
    raise Bad(f"{label} must be a whole number, like {example}, not {kind}")


def as_text(value: object, label: str, *, required: bool = False) -> str:
    """Text from a cell or scalar; numbers and dates are taken as written.

    Raises
    ------
    Bad
        When a required value is missing or the value is a list or mapping.
    """
    if value is None:
        if required:
            raise Bad(f"{label} is missing")
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, list | tuple):
        raise Bad(f"{label} must be text, not a list")
    if isinstance(value, dict):
        raise Bad(f"{label} must be text, not a mapping")
    raise Bad(f"{label} must be text")


def as_share(value: object) -> int | None:
    """A share of time from a cell or scalar, or None when it is not given (left at 0).

    Many real job descriptions give no shares of time: an empty cell, a missing
    key, ``null`` or ``"%"`` alone means "not set yet", not an error. That shares
    total 100 is checked before the job description is confirmed, not on import.

    Raises
    ------
    Bad
        When a share is given but is not a whole number (see :func:`as_int`).
    """
    if value is None:
        return None
    if isinstance(value, str) and not value.strip().removesuffix("%").strip():
        return None
    return as_int(value, "the share of time", percent=True)


# greedy text: the share is the last bracket, earlier brackets stay in the text
_SHARE_AT_END = re.compile(r"(.*)\(\s*([^()]*?)\s*%\s*\)\s*", re.DOTALL)


def split_share(text: str) -> tuple[str, str | None]:
    """Split ``"Teach brakes (30%)"`` into the text and the share (``"30"``).

    A text that does not end with a share in brackets is all text, with no share
    (``None``): shares of time may be set later.
    """
    match = _SHARE_AT_END.fullmatch(text)
    if match is None:
        return text, None
    return match.group(1).rstrip(), match.group(2)
