"""A confirmation is each person's own act: no path lets one person confirm for another.

On SQLite and PostgreSQL (``people_store`` runs on both): a coach alone cannot
confirm for the employee or the manager, with no code or a wrong one; the person's
personal code, read on their own signed-in page, makes it count, recorded as made
in a session facilitated by the coach; someone merely chosen at a screen (JupyterLab)
cannot confirm; guessing codes is cut off after a few tries.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import agreed_job, make_job, new_workbook

from pmwidgets.domain import NotAllowed, ValidationFailed
from pmwidgets.domain.agreement import AgreementStatus
from pmwidgets.domain.model import Objective
from pmwidgets.services import Services, identity
from pmwidgets.store import Store

KEY = "test-secret-for-codes"


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMW_SECRET", KEY)
    identity._failed.clear()


def _job_workbook(store: Store) -> int:
    wb = new_workbook(store, coach="coach")
    Services(store, "boss").set_job_description(wb, make_job(), store.latest_version(wb))
    return wb


def _hash(svc: Services, wb: int) -> str:
    return svc.open(wb).subject_hash("job_description")


def test_a_coach_alone_cannot_confirm_for_anyone(people_store: Store) -> None:
    store = people_store
    wb = _job_workbook(store)
    coach = Services(store, "coach")
    before = len(store.events(wb))
    for who in ("emp", "boss"):
        as_them = coach.acting_as(who)
        with pytest.raises(NotAllowed, match="personal code"):
            as_them.confirm(wb, "job_description", _hash(as_them, wb))
        with pytest.raises(NotAllowed, match="not their current personal code"):
            as_them.confirm(wb, "job_description", _hash(as_them, wb), "000000")
        # the coach's own code is not theirs
        with pytest.raises(NotAllowed, match="not their current personal code"):
            as_them.confirm(
                wb, "job_description", _hash(as_them, wb), identity.personal_code("coach")
            )
    # and the coach is no party to confirm as herself
    with pytest.raises(NotAllowed, match="only the employee and the manager"):
        coach.confirm(wb, "job_description", _hash(coach, wb))
    assert len(store.events(wb)) == before
    assert "job_description" not in coach.open(wb).agreements


def test_the_personal_code_makes_a_session_confirmation_count(people_store: Store) -> None:
    store = people_store
    wb = _job_workbook(store)
    coach = Services(store, "coach")
    emp = coach.acting_as("emp")
    assert emp.confirmation_method() == "session_code"
    code = identity.personal_code("emp")
    status = emp.confirm(wb, "job_description", _hash(emp, wb), f" {code[:3]} {code[3:]} ")
    assert status == AgreementStatus.AWAITING_MANAGER
    # the manager confirms from his own sign-in: verified, nobody facilitating
    boss = Services(store, "boss")
    assert boss.confirmation_method() == "own_sign_in"
    assert boss.confirm(wb, "job_description", _hash(boss, wb)) == AgreementStatus.AGREED
    version = boss.open(wb).agreements["job_description"]
    by = {c.person_id: c for c in version.confirmations}
    assert (by["emp"].facilitator_id, by["emp"].method) == ("coach", "session_code")
    assert (by["boss"].facilitator_id, by["boss"].method) == (None, "own_sign_in")
    confirmed = [e for e in store.events(wb) if e.action.startswith("agreement.")]
    assert [(e.actor_id, e.facilitator_id) for e in confirmed] == [
        ("emp", "coach"),
        ("boss", None),
    ]
    report = store.verify(wb)
    assert report.ok and report.confirmations == (("own_sign_in", 1), ("session_code", 1))


def test_someone_chosen_at_a_screen_cannot_confirm(people_store: Store) -> None:
    """JupyterLab without a coach: the person was picked from a list, not verified."""
    store = people_store
    wb = _job_workbook(store)
    chosen = Services(store, "emp", verified=False)
    assert chosen.confirmation_method() is None
    with pytest.raises(NotAllowed, match="own act"):
        chosen.confirm(wb, "job_description", _hash(chosen, wb), identity.personal_code("emp"))
    assert "job_description" not in chosen.open(wb).agreements


def test_codes_expire_and_guessing_is_cut_off(people_store: Store) -> None:
    store = people_store
    wb = _job_workbook(store)
    now = dt.datetime(2026, 12, 6, 10, 2, tzinfo=dt.UTC)
    minutes = identity.CODE_WINDOW_MINUTES
    last_window = identity.personal_code("emp", now - dt.timedelta(minutes=minutes))
    too_old = identity.personal_code("emp", now - dt.timedelta(minutes=2 * minutes))
    assert last_window != too_old
    identity.check_personal_code("emp", last_window, now)  # the window before still counts
    with pytest.raises(NotAllowed, match="not their current"):
        identity.check_personal_code("emp", too_old, now)
    assert identity.code_valid_until(now) > now + dt.timedelta(minutes=minutes - 1)
    # five wrong guesses for a person, then even the right code is refused for the window
    emp = Services(store, "coach").acting_as("emp")
    for _ in range(identity.CODE_ATTEMPTS - 1):
        with pytest.raises(NotAllowed, match="not their current"):
            emp.confirm(wb, "job_description", _hash(emp, wb), "123456")
    with pytest.raises(NotAllowed):
        emp.confirm(wb, "job_description", _hash(emp, wb), "654321")
    with pytest.raises(NotAllowed, match="too many wrong codes"):
        emp.confirm(wb, "job_description", _hash(emp, wb), identity.personal_code("emp"))
    # another person's code is unaffected
    boss = Services(store, "coach").acting_as("boss")
    boss.confirm(wb, "job_description", _hash(boss, wb), identity.personal_code("boss"))


def test_the_operator_and_other_coaches_cannot_confirm(people_store: Store) -> None:
    store = people_store
    wb = _job_workbook(store)
    with pytest.raises(NotAllowed):
        Services.operator(store).confirm(wb, "job_description", "0" * 64)
    other = Services(store, "coach2").acting_as("emp")
    with pytest.raises(NotAllowed, match="not the coach"):
        other.confirm(wb, "job_description", "0" * 64, identity.personal_code("emp"))
    assert "job_description" not in Services(store, "boss").open(wb).agreements


def _objective(**kw: object) -> Objective:
    fields: dict[str, object] = {
        "title": "Cut the waiting time for a repair",
        "description": "Learners wait less for a working vehicle in the practical sessions",
        "responsibilities": (1, 2, 3),
        "measure": "Days from a fault report to the vehicle back in the workshop",
        "target": "5 working days or fewer for 90% of faults",
        "due": dt.date(2027, 6, 30),
        "weight": 50,
        "proposed_by": "emp",
    }
    return Objective(**{**fields, **kw})  # type: ignore[arg-type]


def test_incomplete_content_is_refused_naming_everything_at_once(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store, coach=None)
    emp = Services(store, "emp")
    # a job description imported without shares of time: kept, but not confirmable
    job = make_job()
    unset = tuple(r.model_copy(update={"share": 0}) for r in job.responsibilities)
    emp.set_job_description(wb, job.model_copy(update={"responsibilities": unset}), 1)
    with pytest.raises(ValidationFailed, match="shares of time are not set yet"):
        emp.confirm(wb, "job_description", _hash(emp, wb))
    agreed_job(store, wb)
    emp.add_objective(wb, _objective(target="", weight=30), store.latest_version(wb))
    emp.add_objective(wb, _objective(title="Safer lifts", measure=""), store.latest_version(wb))
    with pytest.raises(ValidationFailed) as refused:
        emp.confirm(wb, "objectives", emp.open(wb).subject_hash("objectives"))
    message = str(refused.value)
    for missing in ("objective 1", "has no target", "objective 2", "has no measure", "total 80"):
        assert missing in message, message
    assert Services(store, "boss").open(wb).agreements.get("objectives") is None


def test_a_smart_gap_is_agreed_only_with_a_recorded_reason(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store, coach=None)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    emp.add_objective(wb, _objective(weight=100, description=""), store.latest_version(wb))
    seen = emp.open(wb).subject_hash("objectives")
    with pytest.raises(ValidationFailed, match="say why you accept this"):
        emp.confirm(wb, "objectives", seen)
    emp.confirm(wb, "objectives", seen, accept_reason="One objective this term, by design")
    event = store.events(wb)[-1]
    assert event.action == "agreement.confirmed" and event.actor_id == "emp"
    assert "accepted as it is" in event.reason and "One objective this term" in event.reason
    with pytest.raises(ValidationFailed, match="say why you accept this"):
        boss.confirm(wb, "objectives", seen)  # each person accepts for themselves
    agreed = boss.confirm(wb, "objectives", seen, accept_reason="Agreed: one big objective")
    assert agreed == AgreementStatus.AGREED


def test_an_empty_plan_cannot_be_agreed(people_store: Store) -> None:
    store = people_store
    wb = new_workbook(store, coach=None)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    emp.add_objective(wb, _objective(weight=100), store.latest_version(wb))
    for svc in (emp, boss):
        svc.confirm(wb, "objectives", svc.open(wb).subject_hash("objectives"), "", "By design")
    with pytest.raises(ValidationFailed) as refused:
        emp.confirm(wb, "development_plan", emp.open(wb).subject_hash("development_plan"))
    message = str(refused.value)
    assert "the employee has not rated any competency yet" in message
    assert "the manager has not rated any competency yet" in message
    assert "no development action yet" in message


def test_the_agreement_document_says_what_each_person_accepted_and_why(
    people_store: Store,
) -> None:
    from pmwidgets.io.agreement.document import to_markdown

    store = people_store
    wb = new_workbook(store, coach=None)
    agreed_job(store, wb)
    emp, boss = Services(store, "emp"), Services(store, "boss")
    emp.add_objective(wb, _objective(weight=100), store.latest_version(wb))
    seen = emp.open(wb).subject_hash("objectives")
    emp.confirm(wb, "objectives", seen, accept_reason="One objective this term, by design")
    boss.confirm(wb, "objectives", seen, accept_reason="Agreed: one big objective")
    text = to_markdown(boss.agreement_document(wb))
    assert "because: One objective this term, by design" in text
    assert "because: Agreed: one big objective" in text
    assert "from their own sign-in" in text


def test_a_code_shown_in_a_session_dies_with_it(people_store: Store) -> None:
    """Signing out, or pmw revoke, makes the code that sign-in showed worthless at once."""
    from pmwidgets.services import sessions

    store = people_store
    wb = _job_workbook(store)
    emp = Services(store, "coach").acting_as("emp")
    laptop = sessions.start_session(store, "emp")
    phone = sessions.start_session(store, "emp")
    on_laptop = identity.personal_code("emp", session=sessions.session_key(laptop))
    on_phone = identity.personal_code("emp", session=sessions.session_key(phone))
    assert on_laptop != on_phone
    sessions.end_session(store, laptop)  # signed out on the laptop
    before = len(store.events(wb))
    with pytest.raises(NotAllowed, match="not their current personal code"):
        emp.confirm(wb, "job_description", _hash(emp, wb), on_laptop)
    assert len(store.events(wb)) == before
    sessions.revoke(Services.operator(store), "emp", "phone lost")  # the phone too
    with pytest.raises(NotAllowed, match="not their current personal code"):
        emp.confirm(wb, "job_description", _hash(emp, wb), on_phone)
    # a new sign-in shows a new code, which works
    again = sessions.start_session(store, "emp")
    code = identity.personal_code("emp", session=sessions.session_key(again))
    assert emp.confirm(wb, "job_description", _hash(emp, wb), code)
