"""WorkbookSession on the demo database: each write calls one use case and sets ``state``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import pytest
import traitlets as T

from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.domain.errors import NotAllowed, PmwError
from pmwidgets.domain.state import WorkbookState
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.store import store as store_module
from pmwidgets.widgets import ObjectiveList


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    W.Widget.close_all()


def test_a_save_sets_state_and_every_linked_view_redraws(demo: Store) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    view = ObjectiveList()
    T.dlink((session, "state"), (view, "state"))
    first = session.state.objective(1)
    assert first is not None and session.version == demo.latest_version(2)
    number, version = session.save_objective(
        first.model_copy(update={"target": "9 of 10 learners say it helped"}), session.version
    )
    assert (number, version) == (1, demo.latest_version(2)) == (1, session.version)
    assert "9 of 10 learners say it helped" in view.table.value
    assert session.state is Services(demo, "tnguyen").open(2)  # the store's own, kept state


def test_a_save_reads_the_workbooks_content_from_the_database_never(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    reads: list[Any] = []
    real = store_module.read_content
    monkeypatch.setattr(store_module, "read_content", lambda *a: reads.append(a) or real(*a))
    first = session.state.objective(1)
    assert first is not None
    session.save_objective(first.model_copy(update={"weight": 55}), session.version)
    assert reads == []  # the write's check and the new state both come from what is kept
    assert session.state.objective(1).weight == 55  # type: ignore[union-attr]


def test_a_save_reads_the_workbook_once_before_the_write_and_once_for_the_state_it_made(
    demo: Store,
) -> None:
    svc = Services(demo, "tnguyen")
    session = WorkbookSession(svc, 2)
    loads: list[tuple[Any, ...]] = []
    real_load = demo.load
    demo.load = lambda *a, **k: loads.append(a) or real_load(*a, **k)  # type: ignore[method-assign]
    opened: list[int] = []
    real_open = svc.open
    svc.open = lambda wb: opened.append(wb) or real_open(wb)  # type: ignore[method-assign]
    shown: list[WorkbookState] = []
    session.observe(lambda change: shown.append(change["new"]), names="state")
    first = session.state.objective(1)
    assert first is not None
    for weight in (55, 60):
        session.save_objective(first.model_copy(update={"weight": weight}), session.version)
    # per save: the use case's read to check the write, and its read of what it made
    assert len(loads) == 2 * 2 and opened == []  # the session reads nothing again
    note = session.add_note("Ask about the Friday group")
    assert len(loads) == 5 and opened == []  # a note is checked on the header alone
    assert [s.workbook.version for s in shown] == [session.version - 2, session.version - 1,
                                                  session.version]  # fmt: skip
    assert session.state == Services(demo, "tnguyen").open(2)
    assert [n.id for n in session.state.notes] == [note]  # her own private note


def test_a_save_that_someone_else_saves_just_after_shows_theirs_and_says_so(
    demo: Store,
) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    told: list[int] = []
    session.watch(on_change=lambda: told.append(session.version))  # no loop: not started
    boss = Services(demo, "rokafor")
    real_load = demo.load
    loads: list[int] = []

    def load(workbook_id: int, viewer_id: str | None) -> WorkbookState:
        loads.append(workbook_id)
        if len(loads) == 2:  # between her write's commit and the read of what it made
            boss.remove_objective(2, 3, demo.latest_version(2))
        return real_load(workbook_id, viewer_id)

    demo.load = load  # type: ignore[method-assign]
    first = session.state.objective(1)
    assert first is not None
    _number, made = session.save_objective(first.model_copy(update={"weight": 55}), session.version)
    assert session.version == made + 1 == demo.latest_version(2) == told[0]
    assert session.state.objective(3) is None and session.state.objective(1).weight == 55  # type: ignore[union-attr]


def test_a_refused_write_shows_what_someone_else_saved_meanwhile(demo: Store) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    seen = session.version
    boss = Services(demo, "rokafor")
    state = boss.open(2)
    boss.remove_objective(2, 3, state.workbook.version)
    with pytest.raises(PmwError):
        session.remove_objective(3, "", based_on=seen)  # he removed it already
    assert session.version == demo.latest_version(2) != seen
    assert session.state.objective(3) is None


def test_access_is_checked_by_the_services_whatever_the_page_sends(demo: Store) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    session.services = Services(demo, "aberg")  # a forged session: not her workbook
    version = demo.latest_version(2)
    with pytest.raises(PmwError, match="not available to you"):
        session.set_coverage_reason(2, "A forged reason", version)
    session.services = Services(demo, "kwalsh").acting_as("tnguyen")  # not this workbook's coach
    with pytest.raises(NotAllowed):
        session.set_coverage_reason(2, "A forged reason", version)
    assert demo.latest_version(2) == version


def test_coach_mode_switches_who_acts_and_how_they_confirm(demo: Store) -> None:
    coach = Services(demo, "kwalsh")
    session = WorkbookSession(coach.acting_as("dsilva"), 3)
    assert session.acting.id == "dsilva" and session.facilitator is not None
    assert session.confirm_method == "session_code" and session.facilitated
    assert session.people["kwalsh"] == "Kate Walsh" and session.people["dsilva"] == "Diego Silva"
    acting: list[str] = []
    session.observe(lambda change: acting.append(change["new"].id), names="acting")
    session.act_as(coach.acting_as("rokafor"))
    assert acting == ["rokafor"] and session.party == "manager"


def test_the_text_agreed_before_a_draft_is_read_once(demo: Store, monkeypatch: Any) -> None:
    svc = Services(demo, "rokafor")
    session = WorkbookSession(svc, 3)  # the objectives of workbook 3 are a version-2 draft
    calls: list[str] = []
    real = svc.last_agreed
    monkeypatch.setattr(svc, "last_agreed", lambda wb, s: calls.append(s) or real(wb, s))
    found = session.last_agreed("objectives")
    assert found is not None and found[0] == 1
    assert session.last_agreed("objectives") == found and calls == ["objectives"]
    assert session.last_agreed("review") is None


def test_reload_shows_the_state_again_and_nothing_watches_without_a_loop(demo: Store) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    seen: list[int] = []
    session.observe(lambda change: seen.append(change["new"].workbook.version), names="state")
    Services(demo, "rokafor").remove_objective(2, 3, demo.latest_version(2))
    session.reload()
    assert seen == [session.version] == [demo.latest_version(2)]
    assert session.watch() is False  # no running event loop here: nothing to watch with


def test_a_refused_write_that_finds_someone_elses_save_says_so(demo: Store) -> None:
    session = WorkbookSession(Services(demo, "tnguyen"), 2)
    told: list[int] = []
    session.watch(on_change=lambda: told.append(session.version))  # no loop: not started
    seen = session.version
    boss = Services(demo, "rokafor")
    boss.remove_objective(2, 3, boss.open(2).workbook.version)
    with pytest.raises(PmwError):
        session.remove_objective(3, "", based_on=seen)
    assert told == [demo.latest_version(2)]
