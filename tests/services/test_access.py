"""Who may do what, decided in one place (services/access.py): the decisions on in-memory
people and workbooks, no database; and no other service module decides by itself."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from pmwidgets.domain import (
    Assessment,
    DevelopmentPlan,
    NotAllowed,
    Rating,
    Review,
    SupportCommitment,
)
from pmwidgets.domain.model import Person, Role, Workbook
from pmwidgets.services import OPERATOR_ID, access
from pmwidgets.store import PrivateNotes

ADMIN = Person(id="admin", name="Ada Admin", roles=(Role.ADMIN,))
BOSS = Person(id="boss", name="Bea Boss", roles=(Role.MANAGER,))
EMP = Person(id="emp", name="Eli Employee", manager_id="boss")
OTHER_BOSS = Person(id="boss2", name="Bo Other", roles=(Role.MANAGER,))
COACH = Person(id="coach", name="Cora Coach", roles=(Role.COACH,))
COACH2 = Person(id="coach2", name="Cole Coach", roles=(Role.COACH,))
OPERATOR = Person(id=OPERATOR_ID, name="pmw operator", roles=(Role.ADMIN,))


def workbook(id: int = 1, coach: str | None = "coach", manager: str = "boss") -> Workbook:
    return Workbook(
        id=id,
        employee_id="emp",
        manager_id=manager,
        coach_id=coach,
        cycle_start=dt.date(2027, 1, 1),
        cycle_end=dt.date(2027, 12, 31),
    )


def test_only_an_admin_sees_every_workbook() -> None:
    assert access.sees_every_workbook(ADMIN)
    assert access.sees_every_workbook(OPERATOR)
    assert not any(access.sees_every_workbook(p) for p in (BOSS, EMP, COACH))


def test_a_facilitated_session_shows_only_the_coachs_own_workbooks() -> None:
    mine, theirs, none = workbook(1), workbook(2, coach="coach2"), workbook(3, coach=None)
    assert access.in_session(None, [mine, theirs, none]) == [mine, theirs, none]
    assert access.in_session(COACH, [mine, theirs, none]) == [mine]
    assert access.in_session(COACH2, (mine, theirs, none)) == [theirs]


def test_private_notes_are_their_authors_and_never_on_a_shared_screen() -> None:
    assert access.may_see_note("emp", "emp")
    assert not access.may_see_note("emp", "boss")
    assert not access.may_see_note(None, "emp") and not access.may_see_note(None, None)
    assert access.notes_viewer(EMP, None) == "emp"
    assert access.notes_viewer(EMP, COACH) is None
    assert access.may_see_event(EMP, None, "note.added", "emp")
    assert not access.may_see_event(EMP, None, "note.added", "boss")
    assert not access.may_see_event(EMP, COACH, "note.added", "emp")
    assert access.may_see_event(EMP, COACH, "objective.added", "boss")
    # a refused save's message names no note's change, whoever reads it
    assert not access.may_name_change("note.added")
    assert access.may_name_change("objective.added")


def test_the_store_applies_the_rule_on_notes_decided_here() -> None:
    assert PrivateNotes.shown is access.may_see_note


def test_only_the_operator_exports_others_private_notes() -> None:
    access.require_private_export(EMP, False)
    access.require_private_export(OPERATOR, True)
    with pytest.raises(NotAllowed, match="only the operator can export"):
        access.require_private_export(ADMIN, True)
    # whom an export is for: the person (their own notes), nobody on a shared screen,
    # everyone for the operator's full backup
    assert access.exported_notes(EMP, None, False) == "emp"
    assert access.exported_notes(EMP, COACH, False) is None
    assert access.exported_notes(OPERATOR, None, True) == PrivateNotes.EVERYONE
    with pytest.raises(NotAllowed, match="only the operator can export"):
        access.exported_notes(ADMIN, None, True)


def test_only_the_operator_or_an_admin_signed_in_as_themselves_revokes_access() -> None:
    access.require_revoker(OPERATOR, None, False)
    access.require_revoker(ADMIN, None, True)
    refused = [
        (BOSS, None, True, "only an admin can revoke someone's access"),
        (COACH, None, True, "only an admin can revoke someone's access"),
        (EMP, None, True, "only an admin can revoke someone's access"),
        (ADMIN, None, False, "only an admin signed in as themselves can revoke access"),
        (ADMIN, COACH, True, "only an admin signed in as themselves can revoke access"),
    ]
    for person, facilitator, verified, reason in refused:
        with pytest.raises(NotAllowed) as refusal:
            access.require_revoker(person, facilitator, verified)
        assert str(refusal.value) == reason  # one line


def test_the_operator_writes_no_content_and_no_notes() -> None:
    access.require_content_author(EMP)
    with pytest.raises(NotAllowed, match="does not write workbook content"):
        access.require_content_author(OPERATOR)
    access.require_note_author(EMP, None)
    with pytest.raises(NotAllowed, match="writes no notes"):
        access.require_note_author(OPERATOR, None)
    # a shared screen is named first, as before
    with pytest.raises(NotAllowed, match="not written on a shared screen"):
        access.require_note_author(OPERATOR, COACH)


def test_a_workbook_names_the_line_manager_unless_an_admin_opens_it() -> None:
    access.require_line_manager(BOSS, EMP, "boss")
    access.require_line_manager(ADMIN, EMP, "boss2")
    with pytest.raises(NotAllowed, match="Eli Employee's line manager is boss"):
        access.require_line_manager(BOSS, EMP, "boss2")
    nobodys = Person(id="new", name="Nina New")
    with pytest.raises(NotAllowed, match="line manager is nobody"):
        access.require_line_manager(BOSS, nobodys, "boss")


def test_objectives_are_imported_by_hr_or_the_workbooks_manager() -> None:
    access.require_importer(ADMIN, workbook())
    access.require_importer(BOSS, workbook())
    for who in (OTHER_BOSS, EMP, COACH):
        with pytest.raises(NotAllowed, match="only HR"):
            access.require_importer(who, workbook())


def test_each_party_changes_only_their_own_ratings_and_the_manager_the_support() -> None:
    before = DevelopmentPlan(
        ratings=(Rating(competency="Safety", by="employee", level=2),),
    )
    mine = before.model_copy(
        update={"ratings": (*before.ratings, Rating(competency="Safety", by="manager", level=3))}
    )
    access.require_own_ratings("manager", before, mine)
    with pytest.raises(NotAllowed, match="only the manager can change the manager's ratings"):
        access.require_own_ratings("employee", before, mine)
    # the same ratings in another order, or another case, are no change
    shuffled = DevelopmentPlan(ratings=(Rating(competency="SAFETY", by="employee", level=2),))
    access.require_own_ratings("manager", before, shuffled)
    support = before.model_copy(
        update={"support": (SupportCommitment(text="A mentor each month"),)}
    )
    access.require_own_ratings("manager", before, support)
    with pytest.raises(NotAllowed, match="support commitments"):
        access.require_own_ratings("employee", before, support)
    with pytest.raises(NotAllowed, match="only the employee can change the employee's ratings"):
        access.require_own_ratings(None, before, DevelopmentPlan())


def test_each_party_changes_only_their_own_assessments() -> None:
    before = Review()
    mine = Review(assessments=(Assessment(objective=1, by="employee", level="met"),))
    access.require_own_assessments("employee", before, mine)
    with pytest.raises(NotAllowed, match="only the employee can change the employee's"):
        access.require_own_assessments("manager", before, mine)


def test_a_confirmation_needs_a_way_that_is_the_persons_own_act() -> None:
    assert access.confirmation_method(None, True) == "own_sign_in"
    assert access.confirmation_method(COACH, True) == "session_code"
    assert access.confirmation_method(COACH, False) == "session_code"
    assert access.confirmation_method(None, False) is None
    assert access.require_confirmation_method(COACH, False) == "session_code"
    with pytest.raises(NotAllowed, match="a confirmation is each person's own act"):
        access.require_confirmation_method(None, False)


SERVICES = Path(access.__file__).parent


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SERVICES.glob("*.py") if p.name != "access.py"),
    ids=lambda p: p.name,
)
def test_no_other_service_module_decides_access_itself(path: Path) -> None:
    """Reading a person's roles, or comparing anyone to the operator, is access.py's."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "roles":
            found.append(f"line {node.lineno}: .roles")
        if isinstance(node, ast.Compare) and any(
            isinstance(n, ast.Name) and n.id == "OPERATOR_ID"
            for n in (node.left, *node.comparators)
        ):
            found.append(f"line {node.lineno}: compared with OPERATOR_ID")
    assert found == []
