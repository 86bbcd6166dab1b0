"""The store's own exceptions: callers never see SQLAlchemy's."""

from __future__ import annotations

from ..domain.errors import NotFound, PmwError, StaleData, ValidationFailed


class StoreError(PmwError):
    """Something the store could not do; the message says what, in plain words."""


class MissingEntry(StoreError, NotFound):
    """No such person, job description, workbook or record."""


class InvalidEntry(StoreError, ValidationFailed):
    """The write would break a rule or a constraint; nothing was stored."""


class StaleWrite(StoreError, StaleData):
    """The write was based on an older version of the workbook; nothing was stored.

    The message names what changed since, and who changed it.
    """


class SchemaOutOfDate(StoreError):
    """The database was made by an older pmwidgets: run ``pmw db upgrade``."""
