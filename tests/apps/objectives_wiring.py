"""The objectives page's panels wired to a WorkbookSession, as the page wires them (for tests)."""

from __future__ import annotations

import datetime as dt

from pmwidgets.apps.pages import linked, objective_panels, session_bar
from pmwidgets.apps.workbook_session import WorkbookSession
from pmwidgets.widgets.coverage_view import CoverageView
from pmwidgets.widgets.objective_editor import ObjectiveEditor
from pmwidgets.widgets.objective_list import ObjectiveList
from pmwidgets.widgets.session_bar import SessionBar


def editor(session: WorkbookSession, number: int | None = None) -> ObjectiveEditor:
    """An editor wired to ``session`` as the page wires the list's editor."""

    def save(value: object, reason: str) -> tuple[int, int]:
        return session.save_objective(value, e.based_on, reason)  # type: ignore[arg-type]

    e = ObjectiveEditor(session.state, number, on_save=save, author=session.acting.id)
    return linked(session, e, names="people")


def objectives(session: WorkbookSession) -> ObjectiveList:
    found = objective_panels(session)[0]
    assert isinstance(found, ObjectiveList)
    return found


def coverage(session: WorkbookSession) -> CoverageView:
    found = objective_panels(session)[1]
    assert isinstance(found, CoverageView)
    return found


def top_bar(session: WorkbookSession) -> SessionBar:
    return session_bar(session, None, lambda _person: None, "02_objectives")


def fill(e: ObjectiveEditor, title: str = "Run a learner feedback survey each term") -> None:
    e.title.value = title
    e.description.value = (
        "Ask every learner in my groups for feedback on practical sessions each term."
    )
    e.responsibilities.value = (1,)
    e.measure.value = "Survey response rate and average score"
    e.target.value = "80% response; average 4 of 5"
    e.due.value = dt.date(2027, 6, 30)
    e.weight.value = 10
