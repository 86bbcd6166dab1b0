"""Entities and rules of performance management; no UI, no SQL.

Imports only the standard library and pydantic.
"""

from .agreement import (
    SUBJECTS,
    AgreementStatus,
    AgreementVersion,
    Confirmation,
    Subject,
    canonical_json,
    content_hash,
)
from .errors import NotAllowed, NotFound, PmwError, ValidationFailed
from .model import (
    Amendment,
    Assessment,
    CheckIn,
    Competency,
    CoverageReason,
    DevelopmentAction,
    DevelopmentPlan,
    JobDescription,
    Note,
    Objective,
    ObjectiveProgress,
    Party,
    Person,
    Rating,
    Responsibility,
    Review,
    Role,
    Stage,
    SupportCommitment,
    Workbook,
)
from .participation import Participation, participation
from .rules import Coverage, Finding, coverage, smart_check, weight_check
from .state import WorkbookState

__all__ = [
    "SUBJECTS",
    "AgreementStatus",
    "AgreementVersion",
    "Amendment",
    "Assessment",
    "CheckIn",
    "Competency",
    "Confirmation",
    "Coverage",
    "CoverageReason",
    "DevelopmentAction",
    "DevelopmentPlan",
    "Finding",
    "JobDescription",
    "NotAllowed",
    "NotFound",
    "Note",
    "Objective",
    "ObjectiveProgress",
    "Participation",
    "Party",
    "Person",
    "PmwError",
    "Rating",
    "Responsibility",
    "Review",
    "Role",
    "Stage",
    "Subject",
    "SupportCommitment",
    "ValidationFailed",
    "Workbook",
    "WorkbookState",
    "canonical_json",
    "content_hash",
    "coverage",
    "participation",
    "smart_check",
    "weight_check",
]
