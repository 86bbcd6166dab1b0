"""Workbook JSON: the file ``pmw export --format json`` writes and ``pmw import`` reads.

The file holds one workbook with its whole history. Reading it validates every
part (the file's shape, each record against its domain model) before anything
is stored, and reports the first problem as ``<file>:<where>: <reason>``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
)

from ..domain.errors import first_error
from ..domain.model import (
    PERSON_ID_PATTERN,
    CheckIn,
    CoverageReason,
    DevelopmentPlan,
    JobDescription,
    Note,
    Objective,
    Review,
    Role,
    Stage,
)
from .errors import ImportFailed
from .filecheck import read_file

MAX_BYTES = 64 * 1024 * 1024

#: the domain model each kind of record must satisfy.
RECORD_MODELS: dict[str, type[BaseModel]] = {
    "job_description": JobDescription,
    "objective": Objective,
    "coverage_reason": CoverageReason,
    "plan": DevelopmentPlan,
    "check_in": CheckIn,
    "review": Review,
    "note": Note,
}


#: Largest id, version or number a database integer column holds.
MAX_INT = 2**31 - 1
#: Whole numbers only (not "3", 3.0 or true), within what the database holds.
Count = Annotated[StrictInt, Field(ge=1, le=MAX_INT)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Stamp = Annotated[str, Field(max_length=40)]


def _iso_date(text: str) -> str:
    dt.date.fromisoformat(text)  # a ValueError becomes the field's error
    return text


#: A date written as ISO text (2026-09-01), as the file holds it.
IsoDate = Annotated[StrictStr, AfterValidator(_iso_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class _Person(_Strict):
    id: str = Field(pattern=PERSON_ID_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    email: str = Field(default="", max_length=300)
    roles: list[Role]


class _Head(_Strict):
    id: Count
    version: Count
    updated_at: Stamp
    employee_id: Id
    manager_id: Id
    coach_id: Id | None
    cycle_start: IsoDate
    cycle_end: IsoDate
    stage: Stage


class _Record(_Strict):
    kind: Literal[
        "job_description", "objective", "coverage_reason", "plan", "check_in", "review", "note"
    ]
    number: Count
    content: dict[str, Any]
    author_id: Id
    updated_at: Stamp


class _Confirmation(_Strict):
    person_id: Id
    party: Literal["employee", "manager"]
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: Stamp
    facilitator_id: Id | None


class _Agreement(_Strict):
    subject: Literal["job_description", "objectives", "development_plan", "review"]
    number: Count
    opened_reason: str
    agreed_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None
    agreed_canonical: str | None
    agreed_at: Stamp | None
    confirmations: list[_Confirmation]


class _Event(_Strict):
    at: Stamp
    actor_id: Id
    facilitator_id: Id | None
    workbook_version: Annotated[StrictInt, Field(ge=0, le=MAX_INT)] | None
    action: str = Field(max_length=64)
    entity: Literal["workbook", "record", "agreement"]
    key: str = Field(max_length=100)
    reason: str
    before: Any
    after: Any


class WorkbookFile(_Strict):
    """The shape of a workbook JSON file."""

    format: Literal["pmwidgets.workbook"]
    format_version: Literal[1]
    workbook: _Head
    people: list[_Person]
    records: list[_Record]
    agreements: list[_Agreement]
    events: list[_Event] = Field(min_length=1)


def dumps_workbook(data: dict[str, Any]) -> str:
    """The JSON text of a workbook dump (UTF-8, indented, stable order)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_text(file: str | Path, node: Any, path: tuple[str | int, ...]) -> None:
    """Refuse text no database can store: NUL characters and unpaired surrogates."""
    if isinstance(node, str):
        found = _UNSTORABLE.search(node)
        if found:
            where = ".".join(str(p) for p in path) or "-"
            what = "a NUL character" if found.group() == "\x00" else "an unpaired surrogate"
            code = f"\\u{ord(found.group()):04x}"
            raise ImportFailed(
                file, where, f"the text holds {what} ({code}), which cannot be stored"
            )
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_text(file, key, path)
            _check_text(file, value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_text(file, value, (*path, i))


def read_workbook_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a workbook JSON file from disk (see :func:`loads_workbook`).

    The file's size is checked before it is read: a file over :data:`MAX_BYTES`,
    a folder or a device is refused without reading it.

    Raises
    ------
    ImportFailed
        For any problem, naming the place in the file.
    """
    name = str(path)
    raw = read_file(name, path, MAX_BYTES, _too_big)
    return loads_workbook(raw, name)


def _too_big(file: str | Path, size: int) -> ImportFailed:
    return ImportFailed(
        file,
        "-",
        f"the file is {size // 1_048_576} MiB; the limit is {MAX_BYTES // 1_048_576} MiB",
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads_workbook(raw: bytes | str, file: str | Path = "<data>") -> dict[str, Any]:
    """Parse and validate a workbook JSON file; returns the dump, ready to restore.

    Raises
    ------
    ImportFailed
        For any problem, naming the place in the file; nothing else escapes.
    """
    try:
        return _loads(raw, file)
    except ImportFailed:
        raise
    except RecursionError:
        raise ImportFailed(file, "-", "the JSON is nested too deeply") from None
    except Exception as exc:  # the promise: nothing but ImportFailed escapes
        raise ImportFailed(
            file, "-", f"unexpected problem reading the file ({type(exc).__name__})"
        ) from exc


def _loads(raw: bytes | str, file: str | Path) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not raw.strip():
        raise ImportFailed(file, "-", "the file is empty")
    if len(raw) > MAX_BYTES:
        raise _too_big(file, len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            file, f"byte {exc.start}", "not UTF-8 text: a workbook file is UTF-8 JSON"
        ) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            file, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise ImportFailed(file, "-", "the JSON is nested too deeply") from None
    except ValueError as exc:  # NaN or Infinity, or an integer with thousands of digits
        reason = str(exc) if "JSON number" in str(exc) else "a number has too many digits"
        raise ImportFailed(file, "-", f"not valid JSON: {reason}") from None
    _check_text(file, data, ())
    try:
        parsed = WorkbookFile.model_validate(data)
    except ValidationError as exc:
        raise ImportFailed(file, *first_error(exc)) from None
    for i, record in enumerate(parsed.records):
        try:
            RECORD_MODELS[record.kind].model_validate(record.content)
        except ValidationError as exc:
            where, reason = first_error(exc)
            raise ImportFailed(file, f"records.{i}.content.{where}", reason) from None
    ids = {p.id for p in parsed.people}
    head = parsed.workbook
    for role, pid in (
        ("employee", head.employee_id),
        ("manager", head.manager_id),
        ("coach", head.coach_id),
    ):
        if pid is not None and pid not in ids:
            raise ImportFailed(
                file, f"workbook.{role}_id", f"person {pid!r} is not in the file's people"
            )
    seen: set[tuple[str, int]] = set()
    for i, record in enumerate(parsed.records):
        if (record.kind, record.number) in seen:
            raise ImportFailed(file, f"records.{i}", f"{record.kind} {record.number} appears twice")
        seen.add((record.kind, record.number))
    result: dict[str, Any] = data
    return result
