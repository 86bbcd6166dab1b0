"""Workbook JSON: the file ``pmw export --format json`` writes and ``pmw import`` reads.

The file holds one workbook with its whole history. Reading it validates every
part (the file's shape, each record against its domain model) before anything
is stored, and reports the first problem as ``<file>:<where>: <reason>``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class _Person(_Strict):
    id: str = Field(pattern=PERSON_ID_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    email: str = ""
    roles: list[Role]


class _Head(_Strict):
    id: int = Field(ge=1)
    version: int = Field(ge=1)
    updated_at: str
    employee_id: str
    manager_id: str
    coach_id: str | None
    cycle_start: dt.date
    cycle_end: dt.date
    stage: Stage


class _Record(_Strict):
    kind: Literal[
        "job_description", "objective", "coverage_reason", "plan", "check_in", "review", "note"
    ]
    number: int = Field(ge=1)
    content: dict[str, Any]
    author_id: str
    updated_at: str


class _Confirmation(_Strict):
    person_id: str
    party: Literal["employee", "manager"]
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: str
    facilitator_id: str | None


class _Agreement(_Strict):
    subject: Literal["job_description", "objectives", "development_plan", "review"]
    number: int = Field(ge=1)
    opened_reason: str
    agreed_hash: str | None
    agreed_canonical: str | None
    agreed_at: str | None
    confirmations: list[_Confirmation]


class _Event(_Strict):
    at: str
    actor_id: str
    facilitator_id: str | None
    workbook_version: int | None
    action: str = Field(max_length=64)
    entity: Literal["workbook", "record", "agreement"]
    key: str = Field(max_length=128)
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


def loads_workbook(raw: bytes | str, file: str | Path = "<data>") -> dict[str, Any]:
    """Parse and validate a workbook JSON file; returns the dump, ready to restore.

    Raises
    ------
    ImportFailed
        For any problem, naming the place in the file.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not raw.strip():
        raise ImportFailed(file, "-", "the file is empty")
    if len(raw) > MAX_BYTES:
        raise ImportFailed(
            file,
            "-",
            f"the file is {len(raw) // 1_048_576} MiB; the limit is {MAX_BYTES // 1_048_576} MiB",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            file, f"byte {exc.start}", "not UTF-8 text: a workbook file is UTF-8 JSON"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            file, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise ImportFailed(file, "-", "the JSON is nested too deeply") from None
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
