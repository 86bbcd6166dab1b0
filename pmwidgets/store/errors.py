"""The store's own exceptions: callers never see SQLAlchemy's.

They carry data (which workbook, which version, what changed); the sentence a person
reads is written above the store, through ``_()`` (see :attr:`StaleWrite.words`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ..domain.errors import NotFound, PmwError, StaleData, ValidationFailed


class StoreError(PmwError):
    """Something the store could not do; the message says what, in plain words."""


class MissingEntry(StoreError, NotFound):
    """No such person, job description, workbook or record."""


class InvalidEntry(StoreError, ValidationFailed):
    """The write would break a rule or a constraint; nothing was stored."""


@dataclass(frozen=True)
class Change:
    """One change made to a workbook since a stale write's version (as the event log has it)."""

    actor_id: str
    #: the actor's name (their id when they are not known).
    actor: str
    action: str
    entity_key: str
    #: the record's content after the change (before it, for a removal).
    content: Any
    #: when, as ISO-8601 text in UTC.
    at: str


class StaleWrite(StoreError, StaleData):
    """The write was based on an older version of the workbook; nothing was stored.

    Parameters
    ----------
    reason:
        The sentence to show, when the raiser wrote one (the services do); None when
        the store raises it, with the data below: the sentence is then made by
        :attr:`words`, which the services set (they write it through ``_()``).
    current_version:
        The workbook's version now.
    workbook_id, expected_version:
        Which workbook, and the version the write was based on.
    changes:
        The latest changes since ``expected_version`` (at most three), oldest first. A
        private note's change is among them as data: the words above the store leave it
        out (see ``services.access.may_name_change``).
    earlier:
        How many more changes were made before those.
    """

    #: makes the sentence of a StaleWrite raised without one (set above the store).
    words: ClassVar[Callable[[StaleWrite], str] | None] = None

    def __init__(
        self,
        reason: str | None,
        current_version: int,
        *,
        workbook_id: int | None = None,
        expected_version: int | None = None,
        changes: tuple[Change, ...] = (),
        earlier: int = 0,
    ) -> None:
        super().__init__(reason or "", current_version)
        #: the sentence given by the raiser (None: made by :attr:`words`).
        self.sentence = reason
        self.current_version = current_version
        self.workbook_id = workbook_id
        self.expected_version = expected_version
        self.changes = changes
        self.earlier = earlier

    def __str__(self) -> str:
        if self.sentence:
            return self.sentence
        words = StaleWrite.words
        if words is not None:
            return words(self)
        return (
            f"StaleWrite(workbook={self.workbook_id}, expected={self.expected_version}, "
            f"current={self.current_version})"
        )


class SchemaOutOfDate(StoreError):
    """The database was made by an older pmwidgets: run ``pmw db upgrade``."""
