"""Who may read, write and confirm what. Every service call goes through these checks.

- an employee: their own workbooks;
- a manager: the workbooks in which they are the manager (their reports');
- a coach: the workbooks they facilitate;
- an admin: every workbook.

Only the workbook's employee and manager confirm agreements, each for themselves.
In a facilitated session (a coach acting as one of them), the coach must be the
workbook's own coach, for reading as for writing. Only someone with the coach
role coaches a workbook. Private notes are visible to their author only.
"""

from __future__ import annotations

from typing import Literal

from ..domain.errors import NotAllowed, NotFound
from ..domain.i18n import _
from ..domain.model import Party, Person, Role, Workbook

Relation = Literal["employee", "manager", "coach", "admin"]


def relation(person: Person, workbook: Workbook) -> Relation | None:
    """How ``person`` relates to ``workbook``, or None when not at all."""
    if person.id == workbook.employee_id:
        return "employee"
    if person.id == workbook.manager_id:
        return "manager"
    if workbook.coach_id is not None and person.id == workbook.coach_id:
        return "coach"
    if Role.ADMIN in person.roles:
        return "admin"
    return None


def can_read(person: Person, workbook: Workbook, facilitator: Person | None = None) -> bool:
    """Whether ``person`` may see ``workbook`` (facilitated by ``facilitator``, if given)."""
    if facilitator is not None and facilitator.id != workbook.coach_id:
        return False
    return relation(person, workbook) is not None


def require_read(person: Person, workbook: Workbook) -> Relation:
    """The person's relation to the workbook; NotFound (not "forbidden") when none.

    Saying "not available to you" rather than "forbidden" does not reveal
    whether the workbook exists.
    """
    rel = relation(person, workbook)
    if rel is None:
        raise NotFound(_("workbook {id} is not available to you").format(id=workbook.id))
    return rel


def require_write(person: Person, workbook: Workbook) -> Relation:
    """Same rule as reading: the people of the workbook, and admins, may write."""
    return require_read(person, workbook)


def require_party(person: Person, workbook: Workbook) -> Party:
    """The person's party (employee or manager); NotAllowed for anyone else."""
    require_read(person, workbook)
    party = workbook.party_of(person.id)
    if party is None:
        raise NotAllowed(_("only the employee and the manager of this workbook can do this"))
    return party


def require_facilitator(coach: Person, workbook: Workbook) -> None:
    """A facilitated session needs the workbook's own coach, to read as well as to write.

    Not even an admin may act for the employee or the manager: each party's
    contributions and confirmations are theirs, made in front of their coach.
    Another coach acting as the employee does not see the employee's workbooks.
    """
    if coach.id != workbook.coach_id:
        raise NotAllowed(
            _("{name} is not the coach of workbook {id}").format(name=coach.name, id=workbook.id)
        )


def require_role(person: Person, *roles: Role) -> None:
    """NotAllowed unless the person holds one of ``roles``."""
    if not any(r in person.roles for r in roles):
        raise NotAllowed(
            _("this needs the role {roles}").format(roles=" or ".join(r.value for r in roles))
        )


def may_create_workbook(person: Person, manager_id: str, coach_id: str | None) -> bool:
    """Admins, the coach named (holding the coach role), and the manager themselves may open a workbook.

    Naming oneself coach is no way in: an employee who did so would read a
    colleague's workbook for the whole cycle.
    """
    if Role.ADMIN in person.roles or person.id == manager_id:
        return True
    return person.id == coach_id and Role.COACH in person.roles


def require_coach(coach: Person) -> None:
    """NotAllowed unless ``coach`` holds the coach role: the coach of a workbook reads all of it."""
    if Role.COACH not in coach.roles:
        raise NotAllowed(
            _(
                "{name} is not a coach: only someone with the coach role can coach a workbook"
            ).format(name=coach.name)
        )


def hidden_workbook(person: Person, workbook_id: int) -> NotFound:
    """The error for a workbook that does not exist, as this person may hear it.

    An admin sees every workbook, so hears that it does not exist; anyone else
    hears what they would hear of someone else's workbook, so that trying ids
    does not reveal which ones exist.
    """
    if Role.ADMIN in person.roles:
        return NotFound(_("workbook {id} does not exist").format(id=workbook_id))
    return NotFound(_("workbook {id} is not available to you").format(id=workbook_id))
