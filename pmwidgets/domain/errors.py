"""Errors that carry a plain sentence for the person who caused them.

Every error the product shows a person is a :class:`PmwError`: its ``str()`` is
one line, in words a manager understands, with no traceback.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from .i18n import _


class PmwError(Exception):
    """Base of every error meant for a person; ``str()`` is one plain line."""

    def __init__(self, reason: str, where: str = "") -> None:
        self.reason = reason
        self.where = where
        super().__init__(f"{where}: {reason}" if where else reason)


class ValidationFailed(PmwError):
    """Input that breaks a rule: nothing was stored."""


class NotAllowed(PmwError):
    """The acting person may not do this."""


class NotFound(PmwError):
    """No such record, or none this person may see."""


class StaleData(PmwError):
    """The change was based on an older version of the workbook; nothing was stored.

    The store's :class:`~pmwidgets.store.errors.StaleWrite` is one: a page that shows it
    reads the workbook again, and the person sees what changed before saving again.
    """

    def __init__(self, reason: str, current_version: int) -> None:
        super().__init__(reason)
        self.current_version = current_version


def describe_validation_error(error: ValidationError, limit: int = 3) -> str:
    """Turn a pydantic error into one readable line naming each field."""
    parts: list[str] = []
    for item in error.errors()[:limit]:
        loc = ".".join(str(p) for p in item.get("loc", ()) if p != "__root__")
        msg = str(item.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = len(error.errors()) - limit
    if more > 0:
        parts.append(_("and {n} more").format(n=more))
    return "; ".join(parts)


def join_reasons(reasons: Iterable[str]) -> str:
    """Join several reasons into one line."""
    return "; ".join(r for r in reasons if r)


def first_error(error: ValidationError) -> tuple[str, str]:
    """(where, reason) of a pydantic error's first problem, for one-line messages."""
    errors = error.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "-"
    reason = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if first.get("type") == "missing":
        reason = _("required, but missing")
    elif first.get("type") == "extra_forbidden":
        reason = _("not a field this file can have")
    if len(errors) > 1:
        reason += _(" (and {n} more problems)").format(n=len(errors) - 1)
    return where, reason


class EditConflict(ValidationFailed):
    """Both people changed the same field since the author's form was loaded: nothing was stored.

    Carries what the author needs to choose: the record (``kind``, ``number``), the
    merged record (*theirs* at each conflict), the conflicts themselves
    (:class:`~pmwidgets.domain.merge.FieldConflict`), the workbook's version the merge
    was made against (save the choice with it), and who made the other changes.
    """

    def __init__(
        self,
        reason: str,
        kind: str,
        number: int,
        merged: object,
        conflicts: tuple[object, ...],
        version: int,
        by: tuple[str, ...] = (),
    ) -> None:
        super().__init__(reason)
        self.kind, self.number, self.merged = kind, number, merged
        self.conflicts, self.version, self.by = conflicts, version, by
