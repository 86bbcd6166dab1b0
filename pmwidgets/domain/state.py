"""A workbook as one person sees it at one version: everything the steps need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .agreement import (
    AgreementStatus,
    AgreementVersion,
    Subject,
    canonical_json,
    content_hash,
    status,
)
from .model import (
    CheckIn,
    CoverageReason,
    DevelopmentPlan,
    JobDescription,
    Note,
    Objective,
    Review,
    Workbook,
)
from .rules import Coverage, coverage


@dataclass(frozen=True)
class WorkbookState:
    """A consistent snapshot of one workbook, read at ``workbook.version``."""

    workbook: Workbook
    job: JobDescription | None = None
    objectives: tuple[Objective, ...] = ()
    coverage_reasons: tuple[CoverageReason, ...] = ()
    plan: DevelopmentPlan = field(default_factory=DevelopmentPlan)
    check_ins: tuple[CheckIn, ...] = ()
    review: Review = field(default_factory=Review)
    #: the latest agreement version per subject.
    agreements: dict[str, AgreementVersion] = field(default_factory=dict)
    #: private notes: only the viewer's own.
    notes: tuple[Note, ...] = ()
    #: each subject's stored text, when the state was read from a store (a subject stored
    #: as one record: that record's; the objectives: their records' put together as the
    #: subject's canonical JSON is): see :meth:`subject_hash`.
    stored_texts: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    #: what has been worked out from this snapshot already (canonical texts, hashes,
    #: coverage): every panel of a page asks, and the snapshot never changes.
    _memo: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def objective(self, number: int) -> Objective | None:
        """The objective with this number, if any."""
        for o in self.objectives:
            if o.id == number:
                return o
        return None

    def subject_content(self, subject: Subject) -> Any:
        """The JSON-able content that an agreement on ``subject`` covers."""
        if subject == "job_description":
            return self.job.model_dump(mode="json") if self.job else None
        if subject == "objectives":
            return {
                "objectives": [o.model_dump(mode="json") for o in sorted(self.objectives, key=_id)],
                "coverage_reasons": [
                    r.model_dump(mode="json")
                    for r in sorted(self.coverage_reasons, key=lambda r: r.responsibility)
                ],
            }
        if subject == "development_plan":
            return self.plan.model_dump(mode="json")
        return self.review.model_dump(mode="json")

    def subject_canonical(self, subject: Subject) -> str:
        """Canonical JSON of a subject's content."""
        key = ("canonical", subject)
        found: str | None = self._memo.get(key)
        if found is None:
            found = self._memo[key] = canonical_json(self.subject_content(subject))
        return found

    def subject_hash(self, subject: Subject) -> str:
        """SHA-256 of a subject's canonical JSON: what a confirmation refers to."""
        key = ("hash", subject)
        found: str | None = self._memo.get(key)
        if found is None:
            found = self._stored_hash(subject) or content_hash(self.subject_canonical(subject))
            self._memo[key] = found
        return found

    def _stored_hash(self, subject: Subject) -> str | None:
        """The hash of the subject's stored text, if its agreement refers to that hash.

        A hash an agreement refers to is of the canonical JSON of the subject's content
        when it was confirmed; a stored text with that hash is that canonical JSON, and
        the content now was parsed from it, which written out again is the same text. So
        it is the canonical JSON of the content now, found without writing the content
        out (the costly part of reading many workbooks). Any other stored text may not be
        canonical: it is not used.
        """
        text = self.stored_texts.get(subject)
        version = self.agreements.get(subject)
        if text is None or version is None:
            return None
        found = content_hash(text)
        if found != version.agreed_hash and all(
            c.content_hash != found for c in version.confirmations
        ):
            return None
        self._memo.setdefault(("canonical", subject), text)
        return found

    def agreement_status(self, subject: Subject) -> AgreementStatus:
        """Where the agreement on ``subject`` stands now."""
        return status(self.agreements.get(subject), self.subject_hash(subject))

    def needs_reason(self, subject: Subject) -> bool:
        """Whether a change to ``subject`` now needs a reason: it is agreed (the change opens
        the next version), or it is a draft after an agreement (the reason joins the draft's)."""
        version = self.agreements.get(subject)
        return version is not None and (version.agreed or version.number > 1)

    def coverage(self) -> Coverage | None:
        """Coverage of the job's responsibilities, or None without a job description."""
        if self.job is None:
            return None
        if "coverage" not in self._memo:
            self._memo["coverage"] = coverage(self.job, self.objectives, self.coverage_reasons)
        found: Coverage = self._memo["coverage"]
        return found


def _id(o: Objective) -> int:
    return o.id or 0


def next_step(state: WorkbookState) -> str:
    """What the two people should do next, in words: a pending agreement comes first."""
    from .agreement import SUBJECT_LABELS, AgreementStatus
    from .i18n import _

    for subject in ("job_description", "objectives", "development_plan", "review"):
        version = state.agreements.get(subject)
        if version is None:
            continue
        status_now = state.agreement_status(subject)
        label = _(SUBJECT_LABELS[subject])
        if status_now == AgreementStatus.AWAITING_MANAGER:
            return _("The manager confirms the {subject} (version {n})").format(
                subject=label, n=version.number
            )
        if status_now == AgreementStatus.AWAITING_EMPLOYEE:
            return _("The employee confirms the {subject} (version {n})").format(
                subject=label, n=version.number
            )
        if status_now == AgreementStatus.DRAFT and version.number > 1:
            return _("Both agree the changed {subject} (version {n})").format(
                subject=label, n=version.number
            )
    return state.workbook.stage.next_step
