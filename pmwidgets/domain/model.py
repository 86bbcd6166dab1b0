"""The entities of a workbook, as immutable pydantic models.

The development plan, check-ins and review are defined in :mod:`.cycle`, the base
model and checked types in :mod:`.types`; all are importable from here.

Every model is frozen: editors work on a copy (``model_copy(update=...)``) and
hand the new value to the services layer, which stores it as one event.
Text is stored verbatim: HTML or spreadsheet formulas typed by a person are
data, escaped only where they are shown.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .cycle import (
    ACTION_MIX,
    ASSESSMENT_LABELS,
    ActionKind,
    Amendment,
    Assessment,
    AssessmentLevel,
    CheckIn,
    DevelopmentAction,
    DevelopmentPlan,
    ObjectiveProgress,
    ProgressStatus,
    Rating,
    Review,
    SupportCommitment,
)
from .i18n import _
from .types import (
    PARTIES,
    PERSON_ID_PATTERN,
    Level,
    LongText,
    Model,
    Party,
    Percent,
    PersonId,
    ShortText,
    word_count,
)

__all__ = [
    "ACTION_MIX",
    "ASSESSMENT_LABELS",
    "PARTIES",
    "PERSON_ID_PATTERN",
    "ActionKind",
    "Amendment",
    "Assessment",
    "AssessmentLevel",
    "CheckIn",
    "Competency",
    "CoverageReason",
    "DevelopmentAction",
    "DevelopmentPlan",
    "JobDescription",
    "Level",
    "LongText",
    "Model",
    "Note",
    "Objective",
    "ObjectiveProgress",
    "Party",
    "Percent",
    "Person",
    "PersonId",
    "ProgressStatus",
    "Rating",
    "Responsibility",
    "Review",
    "Role",
    "ShortText",
    "Stage",
    "SupportCommitment",
    "Workbook",
    "word_count",
]


class Role(StrEnum):
    """What a person may be in the organisation (a person may hold several)."""

    EMPLOYEE = "employee"
    MANAGER = "manager"
    COACH = "coach"
    ADMIN = "admin"


class Stage(StrEnum):
    """Where a workbook is in its cycle, in journey order."""

    JOB_DESCRIPTION = "job_description"
    OBJECTIVES = "objectives"
    DEVELOPMENT = "development"
    CHECK_INS = "check_ins"
    REVIEW = "review"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The stage in words."""
        return {
            Stage.JOB_DESCRIPTION: _("Job description"),
            Stage.OBJECTIVES: _("Objectives"),
            Stage.DEVELOPMENT: _("Development plan"),
            Stage.CHECK_INS: _("Check-ins"),
            Stage.REVIEW: _("Review"),
            Stage.CLOSED: _("Closed"),
        }[self]

    @property
    def next_step(self) -> str:
        """What the two people should do next, in words."""
        return {
            Stage.JOB_DESCRIPTION: _("Both confirm the job description is current"),
            Stage.OBJECTIVES: _("Propose objectives and agree them"),
            Stage.DEVELOPMENT: _("Rate competencies and agree a development plan"),
            Stage.CHECK_INS: _("Hold regular check-ins"),
            Stage.REVIEW: _("Assess each objective and sign the review"),
            Stage.CLOSED: _("Start the next cycle from this review"),
        }[self]


class Person(Model):
    """Someone who takes part: an employee, a manager, a coach or an admin."""

    id: PersonId
    name: ShortText
    email: str = ""
    roles: tuple[Role, ...] = (Role.EMPLOYEE,)
    manager_id: PersonId | None = None


# --- job description --------------------------------------------------------


class Responsibility(Model):
    """One numbered responsibility of a job, with its share of working time."""

    number: Annotated[int, Field(ge=1, le=999)]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    share: Percent = 0


class Competency(Model):
    """A competency the job needs, at a required proficiency from 1 to 5.

    ``anchors`` describes what the competency looks like at each level
    (behavioural anchors), keyed by level.
    """

    name: ShortText
    description: LongText = ""
    required: Level
    anchors: dict[Level, Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default_factory=dict
    )


class JobDescription(Model):
    """What the job is for, what it involves and what it takes.

    Shares of time may be work in progress: all 0 (not set yet, as in many real
    job descriptions) or partly set. Only a total over 100% is refused here;
    that they total exactly 100% is checked before anyone can confirm the job
    description (:func:`pmwidgets.domain.readiness.agreement_readiness`).
    """

    title: ShortText
    purpose: LongText = ""
    responsibilities: tuple[Responsibility, ...] = Field(min_length=1, max_length=200)
    competencies: tuple[Competency, ...] = Field(default=(), max_length=200)
    #: where it came from: "O*NET-SOC 49-3023.01", "demo", a file name.
    source: Annotated[str, StringConstraints(max_length=300)] = ""

    @model_validator(mode="after")
    def _check(self) -> JobDescription:
        numbers = [r.number for r in self.responsibilities]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(_("responsibilities must be numbered 1, 2, 3, … in order"))
        total = sum(r.share for r in self.responsibilities)
        if total > 100:
            raise ValueError(
                _("shares of time total {total}%, more than 100%: take {n} off").format(
                    total=total, n=total - 100
                )
            )
        names = [c.name.casefold() for c in self.competencies]
        if len(set(names)) != len(names):
            raise ValueError(_("each competency may appear only once"))
        return self

    def responsibility(self, number: int) -> Responsibility | None:
        """The responsibility with this number, if the job has it."""
        for r in self.responsibilities:
            if r.number == number:
                return r
        return None

    def competency(self, name: str) -> Competency | None:
        """The competency with this name (case-insensitive), if the job has it."""
        for c in self.competencies:
            if c.name.casefold() == name.casefold():
                return c
        return None


# --- workbook ---------------------------------------------------------------


class Workbook(Model):
    """One employee's performance cycle with their manager, perhaps with a coach."""

    id: int | None = None
    employee_id: PersonId
    manager_id: PersonId
    coach_id: PersonId | None = None
    cycle_start: dt.date
    cycle_end: dt.date
    stage: Stage = Stage.JOB_DESCRIPTION
    #: bumped by every write; a write based on an older version is refused.
    version: int = 0

    @model_validator(mode="after")
    def _check(self) -> Workbook:
        if self.cycle_end <= self.cycle_start:
            raise ValueError(_("the cycle must end after it starts"))
        if (self.cycle_end - self.cycle_start).days > 731:
            raise ValueError(_("a cycle may last two years at most"))
        if self.employee_id == self.manager_id:
            raise ValueError(_("the employee and the manager must be two different people"))
        if self.coach_id is not None and self.coach_id in (self.employee_id, self.manager_id):
            raise ValueError(_("the coach must be someone other than the employee and manager"))
        return self

    def party_of(self, person_id: str) -> Party | None:
        """Whether this person is the workbook's employee or manager (or neither)."""
        if person_id == self.employee_id:
            return "employee"
        if person_id == self.manager_id:
            return "manager"
        return None

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the cycle."""
        return self.cycle_start <= day <= self.cycle_end


class Objective(Model):
    """An objective for the cycle, grounded in the job description."""

    #: number of the objective within its workbook (1, 2, …), given when stored.
    id: int | None = None
    title: ShortText
    description: LongText = ""
    #: numbers of the job description's responsibilities it serves.
    responsibilities: tuple[Annotated[int, Field(ge=1)], ...] = Field(min_length=1)
    measure: Annotated[str, StringConstraints(max_length=2000)] = ""
    target: Annotated[str, StringConstraints(max_length=2000)] = ""
    due: dt.date
    weight: Percent
    proposed_by: PersonId

    @field_validator("responsibilities")
    @classmethod
    def _unique(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(set(value)))


class CoverageReason(Model):
    """Why a responsibility deliberately has no objective this cycle."""

    responsibility: Annotated[int, Field(ge=1)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class Note(Model):
    """A private note, visible only to the person who wrote it."""

    id: int | None = None
    author: PersonId
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
    at: dt.datetime | None = None
