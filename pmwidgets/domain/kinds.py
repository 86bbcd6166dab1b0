"""The kinds of record a workbook holds, and what each belongs to.

A record kind is stored as its value (the ``records.kind`` column and the first
part of an event's action, e.g. ``objective.updated``). :class:`RecordKind` is a
``StrEnum``, so each member equals its stored text.

Examples
--------
>>> RecordKind.CHECK_IN == "check_in"
True
>>> SUBJECT_OF[RecordKind.COVERAGE_REASON]
'objectives'
>>> RecordKind.NOTE in CONTENT_KINDS
False
"""

from __future__ import annotations

from enum import StrEnum

from .agreement import Subject


class RecordKind(StrEnum):
    """What a record in a workbook is."""

    JOB_DESCRIPTION = "job_description"
    OBJECTIVE = "objective"
    COVERAGE_REASON = "coverage_reason"
    PLAN = "plan"
    CHECK_IN = "check_in"
    REVIEW = "review"
    NOTE = "note"


#: the kinds whose writes count as a party's contribution (a private note does not).
CONTENT_KINDS: frozenset[RecordKind] = frozenset(RecordKind) - {RecordKind.NOTE}

#: the agreement subject each kind of record belongs to (check-ins and notes: none).
SUBJECT_OF: dict[RecordKind, Subject] = {
    RecordKind.JOB_DESCRIPTION: "job_description",
    RecordKind.OBJECTIVE: "objectives",
    RecordKind.COVERAGE_REASON: "objectives",
    RecordKind.PLAN: "development_plan",
    RecordKind.REVIEW: "review",
}
