"""What an agreement document holds, and the blocks it is laid out in.

The document is plain frozen data, built by
:func:`pmwidgets.io.agreement.document.agreement_document`;
:func:`pmwidgets.io.agreement.layout.layout` turns it into blocks, which the
Markdown, HTML and PDF writers draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ...domain.model import DevelopmentPlan, JobDescription, Objective, Party, Review
from ...domain.rules import CoverageRow


@dataclass(frozen=True)
class PersonRef:
    """A person as named in the document."""

    id: str
    name: str


@dataclass(frozen=True)
class Signed:
    """One party's confirmation of a version, in the document's terms."""

    party: Party
    person: PersonRef
    at: dt.datetime
    #: the coach, when confirmed in a facilitated session.
    facilitator: PersonRef | None = None
    #: what the person accepted as it is (a SMART criterion not met), and why
    accepted: str = ""


@dataclass(frozen=True)
class SubjectRecord:
    """The agreement record of one version of one subject."""

    subject: str
    #: None: never put up for agreement.
    version: int | None
    agreed: bool
    #: where it stands, in words ("Agreed by both", "version 2 is awaiting agreement", …).
    status: str
    #: SHA-256 of what was agreed, or of the current draft content; "" when there is none.
    content_hash: str
    confirmations: tuple[Signed, ...] = ()
    opened_reason: str = ""


@dataclass(frozen=True)
class ObjectivesPart:
    """One version of the objectives: agreed, or a draft."""

    version: int | None
    agreed: bool
    objectives: tuple[Objective, ...]
    coverage: tuple[CoverageRow, ...] = ()
    #: in a draft shown beside its agreed version: objectives it leaves as they were.
    unchanged: tuple[int, ...] = ()
    #: … and objectives of the agreed version it removes.
    removed: tuple[int, ...] = ()
    #: the total of all its objectives' weights (a draft's unchanged ones included).
    weights_total: int = 0


@dataclass(frozen=True)
class AgreementDocument:
    """Everything a signed performance agreement says, ready to be written out."""

    title: str
    workbook_id: int | None
    workbook_version: int
    employee: PersonRef
    manager: PersonRef
    coach: PersonRef | None
    cycle_start: dt.date
    cycle_end: dt.date
    stage: str
    job: JobDescription | None
    job_agreed: bool
    objectives: ObjectivesPart
    #: the draft awaiting agreement, when the agreed version is shown above it.
    proposed: ObjectivesPart | None
    plan: DevelopmentPlan
    plan_agreed: bool
    #: the signed review (None until both have signed it).
    review: Review | None
    agreements: tuple[SubjectRecord, ...]
    #: sentences both must read first: drafts awaiting agreement, content not agreed.
    notices: tuple[str, ...] = ()

    def person(self, person_id: str) -> PersonRef:
        """The employee, manager or coach with this id (else the id itself as name)."""
        for p in (self.employee, self.manager, self.coach):
            if p is not None and p.id == person_id:
                return p
        return PersonRef(person_id, person_id)


# --- blocks ---------------------------------------------------------------------------

ParaKind = Literal["text", "draft", "notice", "small", "mono"]


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 (the title), 2 (a part) or 3."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    """A paragraph; ``draft`` and ``notice`` stand out, ``mono`` is a hash."""

    text: str
    kind: ParaKind = "text"


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, one per line."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class SignOff:
    """Lines to sign and date, one per (role, name)."""

    lines: tuple[tuple[str, str], ...]


Block = Heading | Para | Fields | Table | SignOff
