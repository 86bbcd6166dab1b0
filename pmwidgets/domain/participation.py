"""Detecting one-sided workbooks: performance management done by one person alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import _
from .model import Party

#: fewer contributions than this are too early to call one-sided.
MIN_CONTRIBUTIONS = 3


@dataclass(frozen=True)
class Participation:
    """How many contributions each party wrote."""

    employee: int
    manager: int

    @property
    def total(self) -> int:
        """All contributions by the two parties."""
        return self.employee + self.manager

    @property
    def one_sided(self) -> Party | None:
        """The party who wrote everything, when the other wrote nothing."""
        if self.total < MIN_CONTRIBUTIONS:
            return None
        if self.manager == 0:
            return "employee"
        if self.employee == 0:
            return "manager"
        return None

    @property
    def message(self) -> str:
        """A sentence for both parties about the balance of contributions."""
        side = self.one_sided
        if side == "employee":
            return _(
                "one-sided: the employee wrote all {n} contributions; the manager has not "
                "contributed yet"
            ).format(n=self.total)
        if side == "manager":
            return _(
                "one-sided: the manager wrote all {n} contributions; the employee has not "
                "contributed yet"
            ).format(n=self.total)
        return _("both contribute: employee {e}, manager {m}").format(
            e=self.employee, m=self.manager
        )


def participation(authors: Iterable[Party | None]) -> Participation:
    """Count contributions by party; ``None`` (a coach or an admin) does not count."""
    employee = manager = 0
    for party in authors:
        if party == "employee":
            employee += 1
        elif party == "manager":
            manager += 1
    return Participation(employee, manager)
