"""The store's own exceptions: callers never see SQLAlchemy's."""

from __future__ import annotations

from ..domain.errors import NotFound, PmwError, ValidationFailed


class StoreError(PmwError):
    """Something the store could not do; the message says what, in plain words."""


class MissingEntry(StoreError, NotFound):
    """No such person, job description, workbook or record."""


class InvalidEntry(StoreError, ValidationFailed):
    """The write would break a rule or a constraint; nothing was stored."""


class StaleWrite(StoreError):
    """The write was based on an older version of the workbook; nothing was stored.

    The message names what changed since, and who changed it.
    """

    def __init__(self, reason: str, current_version: int) -> None:
        super().__init__(reason)
        self.current_version = current_version


class SchemaOutOfDate(StoreError):
    """The database was made by an older pmwidgets: run ``pmw db upgrade``."""
