"""Who may read, write and confirm what. Every service call goes through these checks.

- an employee: their own workbooks;
- a manager: the workbooks in which they are the manager (their reports');
- a coach: the workbooks they facilitate;
- an admin: every workbook.

Only the workbook's employee and manager confirm agreements, each for themselves.
In a facilitated session (a coach acting as one of them), the coach must be the
workbook's own coach, for reading as for writing. Only someone with the coach
role coaches a workbook. Private notes are visible to their author only: the store
applies that rule (:func:`may_see_note`) to what it reads, and never decides it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ..domain.agreement import ConfirmationMethod
from ..domain.errors import NotAllowed, NotFound
from ..domain.i18n import _
from ..domain.model import PARTIES, DevelopmentPlan, Party, Person, Review, Role, Workbook
from ..store import PrivateNotes

Relation = Literal["employee", "manager", "coach", "admin"]

#: the id under which whoever runs the command line on the database itself acts.
OPERATOR_ID = "pmw-operator"


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


def require_organisation_admin(person: Person) -> None:
    """NotAllowed unless ``person`` may change what the organisation sets for everyone:
    an admin, or the operator (``pmw org set`` on the server)."""
    if person.id != OPERATOR_ID:
        require_role(person, Role.ADMIN)


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


# --- which workbooks, and what in them, a person is shown -----------------------------


def sees_every_workbook(person: Person) -> bool:
    """Whether ``person`` sees every workbook (an admin), not only those they are part of."""
    return Role.ADMIN in person.roles


def in_session(facilitator: Person | None, workbooks: Iterable[Workbook]) -> list[Workbook]:
    """Of ``workbooks``, those a session facilitated by ``facilitator`` may show: the
    workbooks that coach coaches (all of them, with nobody facilitating)."""
    if facilitator is None:
        return list(workbooks)
    return [wb for wb in workbooks if wb.coach_id == facilitator.id]


# --- private notes: their author's alone ----------------------------------------------


def may_see_note(reader_id: str | None, author_id: str | None) -> bool:
    """Whether a reading for ``reader_id`` holds the private note that ``author_id`` wrote.

    Only its author's: a reading for nobody in particular (None: a shared screen, a
    report) holds no note. The store applies this rule to every workbook state and
    every export it builds (it is :attr:`pmwidgets.store.PrivateNotes.shown`, set below);
    who a reading is for is :func:`notes_viewer`'s to say.
    """
    return reader_id is not None and author_id == reader_id


def notes_viewer(person: Person, facilitator: Person | None) -> str | None:
    """Whom a reading is for, as far as private notes go: the person, who sees their own;
    on a shared screen (a facilitated session), nobody (None), so no note shows."""
    return None if facilitator is not None else person.id


def may_see_event(
    person: Person, facilitator: Person | None, action: str, actor_id: str | None
) -> bool:
    """Whether an event of the workbook's history is shown: a private note's events
    only to their author, and never on a shared screen."""
    if not action.startswith("note."):
        return True
    return may_see_note(notes_viewer(person, facilitator), actor_id)


def may_name_change(action: str) -> bool:
    """Whether the message of a save refused as out of date may name a change made since:
    never a private note's, not even to its author (the message is made for whoever
    reads it, perhaps on a shared screen)."""
    return not action.startswith("note.")


def require_private_export(person: Person, include_private: bool) -> None:
    """Only the operator (full backups) exports other people's private notes."""
    if include_private and person.id != OPERATOR_ID:
        raise NotAllowed(_("only the operator can export other people's private notes"))


def exported_notes(person: Person, facilitator: Person | None, include_private: bool) -> str | None:
    """Whom an export of a workbook is for, which decides the private notes it holds.

    The operator's full backup (``include_private``) is for everyone: it holds every
    note. Anyone else's export holds what their page shows: their own notes, and on a
    shared screen none. NotAllowed for ``include_private`` from anyone but the operator.
    """
    require_private_export(person, include_private)
    if include_private:
        return PrivateNotes.EVERYONE
    return notes_viewer(person, facilitator)


# --- who may write what ---------------------------------------------------------------


def require_content_author(person: Person) -> None:
    """A workbook's content is written by a person: never by the command line's operator."""
    if person.id == OPERATOR_ID:
        raise NotAllowed(
            _("the command line does not write workbook content: act as a person with --as PERSON")
        )


def has_own_settings(person: Person) -> bool:
    """Whether ``person``'s pages remember things for them (a person does; the command
    line's operator, who is no one, does not)."""
    return person.id != OPERATOR_ID


def require_note_author(person: Person, facilitator: Person | None) -> None:
    """A private note is written by its author alone: not on a shared screen, and not
    by the command line's operator."""
    if facilitator is not None:
        raise NotAllowed(_("private notes are not written on a shared screen"))
    if person.id == OPERATOR_ID:
        raise NotAllowed(_("the command line writes no notes: act as a person with --as PERSON"))


def require_line_manager(person: Person, employee: Person, manager_id: str) -> None:
    """A workbook names the employee's line manager as manager; only an admin names
    someone else."""
    if not sees_every_workbook(person) and employee.manager_id != manager_id:
        raise NotAllowed(
            _("{name}'s line manager is {manager}: only an admin can name someone else").format(
                name=employee.name, manager=employee.manager_id or _("nobody")
            )
        )


def require_importer(person: Person, workbook: Workbook) -> None:
    """Objectives are imported into a workbook by HR (an admin) or its manager."""
    if not sees_every_workbook(person) and workbook.manager_id != person.id:
        raise NotAllowed(_("only HR (an admin) or the employee's manager may import objectives"))


def require_own_ratings(
    party: Party | None, before: DevelopmentPlan, after: DevelopmentPlan
) -> None:
    """Each party changes only their own ratings in the development plan, and only the
    manager the manager's support commitments."""
    for other in PARTIES:
        if other != party and _ratings(before, other) != _ratings(after, other):
            raise NotAllowed(
                _("only the {party} can change the {party}'s ratings").format(party=_(other))
            )
    if party != "manager" and before.support != after.support:
        raise NotAllowed(_("only the manager can change the manager's support commitments"))


def require_own_assessments(party: Party | None, before: Review, after: Review) -> None:
    """Each party changes only their own assessments in the review."""
    for other in PARTIES:
        if other != party and _assessments(before, other) != _assessments(after, other):
            raise NotAllowed(
                _("only the {party} can change the {party}'s assessments").format(party=_(other))
            )


def _ratings(plan: DevelopmentPlan, party: str) -> list[Any]:
    return sorted(
        (r.competency.casefold(), r.level, r.comment) for r in plan.ratings if r.by == party
    )


def _assessments(review: Review, party: str) -> list[Any]:
    return sorted((a.objective, a.level, a.comment) for a in review.assessments if a.by == party)


def require_revoker(person: Person, facilitator: Person | None, verified: bool) -> None:
    """Someone's access is revoked by the operator, or by an admin signed in as themselves.

    Not by an admin only chosen at a screen (``verified`` False), nor in a facilitated
    session: ending a person's sessions is the admin's own act.
    """
    if person.id == OPERATOR_ID:
        return
    if Role.ADMIN not in person.roles:
        raise NotAllowed(_("only an admin can revoke someone's access"))
    if facilitator is not None or not verified:
        raise NotAllowed(_("only an admin signed in as themselves can revoke access"))


def require_inviter(person: Person) -> None:
    """Sign-in links are made by an admin (the operator, ``pmw`` on the server, is one)."""
    if person.id != OPERATOR_ID and Role.ADMIN not in person.roles:
        raise NotAllowed(_("only an admin can make sign-in links"))


# --- confirming -----------------------------------------------------------------------


def confirmation_method(facilitator: Person | None, verified: bool) -> ConfirmationMethod | None:
    """How the acting person can confirm on this screen, if at all.

    ``own_sign_in`` when they are signed in as themselves (``verified``, nobody
    facilitating); ``session_code`` in a facilitated session, where the coach's screen
    acts for them and their personal code is needed; None when they were only chosen
    at the screen (JupyterLab without a coach): a confirmation is a person's own act,
    so it is never made for them.
    """
    if facilitator is not None:
        return "session_code"
    return "own_sign_in" if verified else None


def require_confirmation_method(facilitator: Person | None, verified: bool) -> ConfirmationMethod:
    """The way the acting person confirms here; NotAllowed when there is none (see
    :func:`confirmation_method`)."""
    method = confirmation_method(facilitator, verified)
    if method is None:
        raise NotAllowed(
            _(
                "a confirmation is each person's own act: confirm from your own sign-in in "
                "the web app, or with your personal code in a session facilitated by the "
                "workbook's coach"
            )
        )
    return method


PrivateNotes.shown = may_see_note
