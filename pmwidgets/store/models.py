"""SQLAlchemy models: the tables behind the store.

Workbook content (objectives, the plan, check-ins, …) is kept as validated
JSON documents in ``records``, one row per item, so the schema stays small and
every item is written, hashed and verified the same way. Timestamps are ISO-8601
text in UTC, so that hashes recompute byte for byte on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)
HASH = String(64)
TIMESTAMP = String(40)


class Base(DeclarativeBase):
    """Declarative base of all pmwidgets tables."""


class PersonRow(Base):
    """A person who takes part."""

    __tablename__ = "people"

    #: short id, used in links and on the command line.
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    #: full name as people see it.
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(300), default="")
    #: comma-separated roles: employee, manager, coach, admin.
    roles: Mapped[str] = mapped_column(String(100))
    #: the person's line manager, if any.
    manager_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)


class JobRow(Base):
    """A job description in the organisation's library."""

    __tablename__ = "job_library"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    #: canonical JSON of the JobDescription.
    content: Mapped[str] = mapped_column(Text)


class WorkbookRow(Base):
    """One employee's cycle with their manager."""

    __tablename__ = "workbooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    manager_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    coach_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True, nullable=True)
    cycle_start: Mapped[dt.date] = mapped_column(Date)
    cycle_end: Mapped[dt.date] = mapped_column(Date)
    #: one of pmwidgets.domain.Stage.
    stage: Mapped[str] = mapped_column(String(32), index=True)
    #: bumped by every write; the optimistic-concurrency token.
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[str] = mapped_column(TIMESTAMP)


class RecordRow(Base):
    """One item of workbook content: the job description, an objective, a check-in, …"""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("workbook_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbooks.id"), index=True)
    #: job_description, objective, coverage_reason, plan, check_in, review or note.
    kind: Mapped[str] = mapped_column(String(32))
    #: number of the item within its workbook and kind (1 for single items).
    number: Mapped[int] = mapped_column(Integer)
    #: canonical JSON of the domain model.
    content: Mapped[str] = mapped_column(Text)
    #: who last wrote it.
    author_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    updated_at: Mapped[str] = mapped_column(TIMESTAMP)


class AgreementRow(Base):
    """One numbered version of an agreement on a workbook subject."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("workbook_id", "subject", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbooks.id"), index=True)
    #: job_description, objectives, development_plan or review.
    subject: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    #: why this version was opened after an earlier one was agreed.
    opened_reason: Mapped[str] = mapped_column(Text, default="")
    #: SHA-256 of agreed_canonical, once both confirmed it.
    agreed_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)
    #: the canonical JSON both parties agreed, frozen.
    agreed_canonical: Mapped[str | None] = mapped_column(Text, nullable=True)
    agreed_at: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)


class ConfirmationRow(Base):
    """One party's confirmation of one content hash."""

    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    #: employee or manager.
    party: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(HASH)
    at: Mapped[str] = mapped_column(TIMESTAMP)
    #: the coach who facilitated the session, if any.
    facilitator_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)


class EventRow(Base):
    """An append-only, hash-chained record of one change: who, when, what, why, before, after."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_workbook_seq", "workbook_id", "seq"),
        Index("ix_events_entity", "entity", "entity_key", "seq"),
        #: covering index for counting contributions per workbook (migration 0002).
        Index("ix_events_participation", "entity", "workbook_id", "action", "actor_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(TIMESTAMP)
    actor_id: Mapped[str] = mapped_column(ID)
    facilitator_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    workbook_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the workbook's version after this change.
    workbook_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: e.g. objective.added, agreement.confirmed.
    action: Mapped[str] = mapped_column(String(64))
    #: person, job, workbook, record or agreement.
    entity: Mapped[str] = mapped_column(String(32))
    #: the entity's key, e.g. "3/objective/2".
    entity_key: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: canonical JSON of the entity before and after (NULL when absent).
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str] = mapped_column(HASH)
    hash: Mapped[str] = mapped_column(HASH)


class ChainHeadRow(Base):
    """The last event's number and hash: locked by every write, so appends are serial."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(HASH)


class WebSessionRow(Base):
    """A web app session: operational, not part of the event chain (migration 0003).

    Only the SHA-256 of the cookie's token is stored: a copy of this table names no
    session anyone could use.
    """

    __tablename__ = "web_sessions"

    #: SHA-256 hex of the cookie token.
    key: Mapped[str] = mapped_column(HASH, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    #: the person's access generation when the session started (see PersonAccessRow).
    generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    #: the absolute end of the session.
    expires_at: Mapped[str] = mapped_column(TIMESTAMP)
    #: when it was last used (recorded at most every few minutes).
    last_seen_at: Mapped[str] = mapped_column(TIMESTAMP)


class PersonAccessRow(Base):
    """How far a person's web access has been revoked (migration 0003); no row: never."""

    __tablename__ = "person_access"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    #: bumped by each revocation: invite links and sessions of an older generation are dead.
    invite_generation: Mapped[int] = mapped_column(Integer, default=0)
    #: when access was last revoked.
    revoked_at: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)


class PersonSettingRow(Base):
    """One setting of a person's own (migration 0004): operational, not in the event chain.

    What a person's pages remember for them, such as the steps whose explanation they
    have seen (``seen:<step>``), so that it opens on their first visit and stays folded
    after, on any device they sign in from.
    """

    __tablename__ = "person_settings"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000), default="")
    updated_at: Mapped[str] = mapped_column(TIMESTAMP)


class OrganisationSettingRow(Base):
    """One setting of the organisation's (migration 0005), such as how it writes a date
    in a date box (``date_order``): who set it last, and when. Operational, like
    ``person_settings``: not in the event chain (it changes no workbook)."""

    __tablename__ = "organisation_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[str] = mapped_column(TIMESTAMP)
