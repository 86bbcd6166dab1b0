"""The step pages' views wired to the workbook session: data in, the session's writes out.

Each view in :mod:`pmwidgets.widgets` is pure: data in, callbacks out. Here each one
follows the :class:`~.workbook_session.WorkbookSession`'s ``state`` and its callbacks
are the session's write methods, each one use case of the services (which check
access); after a write the session shows the workbook as it now stands, so every view
of the page redraws from the same state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as W

from ..domain.errors import PmwError
from ..domain.i18n import _
from ..domain.model import JobDescription, Workbook
from ..services import Services
from .workbook_session import WorkbookSession

V = TypeVar("V", bound=W.Widget)


def wired(
    session: WorkbookSession,
    view: V,
    also: Callable[[], dict[str, Any]] = dict,
    **calls: Callable[..., Any],
) -> V:
    """Keep ``view.state`` current, and give it the callbacks ``calls`` (``on_save=...``).

    ``also`` gives other traits to set with the state (the acting party, in coach mode).
    """

    def follow(_change: object = None) -> None:
        with view.hold_trait_notifications():
            for name, value in {**also(), "state": session.state}.items():
                setattr(view, name, value)

    for name, call in calls.items():
        setattr(view, name, call)
    session.observe(follow, names=["state", "acting"])
    return view


def history_view(ctx: WorkbookSession) -> W.Widget:
    """The workbook's history, read again after every reload."""
    from ..widgets.history_view import HistoryView

    def read() -> dict[str, Any]:
        svc = ctx.services
        events = svc.history(ctx.workbook_id)
        ids = {e.actor_id for e in events} | {e.facilitator_id for e in events}
        return {
            "events": events,
            "names": ctx.names(ids),
            "viewer": svc.me.id,
            "shared_screen": ctx.facilitated,
        }

    view = HistoryView(**read())

    def follow(_change: object) -> None:
        with view.hold_trait_notifications():
            for name, value in read().items():
                setattr(view, name, value)

    ctx.observe(follow, names=["state", "acting"])
    return view


def workbook_picker(svc: Services, on_open: Callable[[int], None]) -> W.Widget:
    """The workbooks ``svc``'s person may see; opening and creating go through the services."""
    from ..widgets.workbook_picker import WorkbookPicker

    def open_checked(workbook_id: int) -> None:
        svc.workbook(workbook_id)  # checks access again, whatever the page sent
        on_open(workbook_id)

    def create(
        employee: str, manager: str, start: dt.date, end: dt.date, coach: str | None
    ) -> Workbook:
        wb = svc.create_workbook(employee, manager, start, end, coach_id=coach)
        picker.people = {p.id: p for p in svc.people()}
        picker.all_workbooks = svc.workbooks()
        return wb

    picker = WorkbookPicker(
        svc.workbooks(),
        svc.people(),
        me=svc.me,
        facilitator=svc.facilitator,
        on_open=open_checked,
        on_create=create,
    )
    return picker


def check_in_log(ctx: WorkbookSession) -> W.Widget:
    """The check-ins; a new one is saved by the services (an amendment reopens the objectives)."""
    from ..widgets.check_in_log import CheckInLog

    log = CheckInLog(ctx.state, ctx.names())
    return wired(
        ctx,
        log,
        on_save=lambda check_in, _reason: ctx.save_check_in(check_in, log.based_on),
    )


def review_form(ctx: WorkbookSession) -> W.Widget:
    """The review: each party's assessments saved, and the review started, by the services."""
    from ..widgets.review_form import ReviewForm

    form = ReviewForm(ctx.state, ctx.party, ctx.names())
    return wired(
        ctx,
        form,
        also=lambda: {"party": ctx.party},
        on_save=lambda review, _reason: ctx.set_review(review, form.based_on),
        on_start=lambda reason: ctx.start_review(ctx.version, reason),
    )


def development_planner(ctx: WorkbookSession) -> W.Widget:
    """The development plan; every change to it is saved by the services."""
    from ..widgets.development_planner import DevelopmentPlanner

    planner = DevelopmentPlanner(ctx.state, ctx.party, ctx.names())
    return wired(
        ctx,
        planner,
        also=lambda: {"party": ctx.party},
        on_save=lambda plan, reason: ctx.set_plan(plan, planner.based_on, reason),
    )


def job_description_editor(ctx: WorkbookSession) -> W.Widget:
    """The job description: found in the library or the catalogue, read from a file, saved."""
    from ..widgets.job_description_editor import Found, JobDescriptionEditor

    kept: dict[str, Any] = {}  # the occupation catalogue, read when first searched

    def search(query: str) -> tuple[list[Found], str]:
        found = [
            Found(("library", job_id), _("Library: {title}").format(title=title))
            for job_id, title, _src in ctx.services.library(query, 20)
        ]
        if not query:
            return found, ""
        try:
            if "catalogue" not in kept:
                from ..services.documents import job_catalogue

                kept["catalogue"] = job_catalogue()
            entries = kept["catalogue"].search(query, 20)
        except PmwError as exc:  # the library still answers without the catalogue
            return found, str(exc)
        attribution = kept["catalogue"].attribution
        found += [
            Found(
                ("catalogue", e.code),
                _("Catalogue {code}: {title}").format(code=e.code, title=e.title),
                (e.summary, attribution),
            )
            for e in entries
        ]
        return found, ""

    def pick(key: tuple[str, Any]) -> JobDescription:
        kind, code = key
        if kind == "library":
            return ctx.services.library_job(code)
        return kept["catalogue"].get(code)

    def upload(name: str, data: bytes) -> JobDescription:
        from ..services.documents import read_job_description

        return read_job_description(name, data)

    editor = JobDescriptionEditor(
        ctx.state, ctx.names(), on_search=search, on_pick=pick, on_upload=upload
    )
    return wired(
        ctx,
        editor,
        on_save=lambda job, reason: ctx.set_job_description(job, editor.based_on, reason),
    )
