"""One function per step: each assembles that step's page, so a notebook is two cells.

Every page starts from the store: who is at the screen, which workbook, who is
acting. If someone has not been chosen yet, the page asks for it first.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

import ipywidgets as W
import traitlets as T

from ..domain.agreement import AgreementStatus, Subject
from ..domain.errors import PmwError
from ..domain.i18n import _
from ..domain.model import Objective, Person
from ..services import Services
from ..widgets.base import StatusArea, button, heading, html_table, html_widget, paragraph
from ..widgets.lean import close_replaced, make
from ..widgets.session_bar import SessionBar
from . import kernel_errors, session, wiring
from .logs import configure as configure_logging
from .messages import sign_in_message
from .style import stylesheet
from .workbook_session import WorkbookSession

if TYPE_CHECKING:
    from ..widgets.agreement_panel import AgreementPanel

log = logging.getLogger("pmwidgets.apps")

Builder = Callable[[WorkbookSession], list[W.Widget]]
V = TypeVar("V", bound=W.Widget)


def linked(session: WorkbookSession, view: V, **traits: str) -> V:
    """``view`` following ``session``: each of its ``traits`` (view trait = session trait),
    then its ``state``, last, so that it draws the new state once, with the rest set."""
    for view_trait, session_trait in traits.items():
        T.dlink((session, session_trait), (view, view_trait))
    T.dlink((session, "state"), (view, "state"))
    return view


def session_bar(
    session: WorkbookSession, coach: Person | None, on_act: Callable[[str], None], step: str
) -> SessionBar:
    """The bar at the top of a step's page, following ``session``."""
    bar = SessionBar(coach=coach, on_act=on_act, current_step=step)
    return linked(
        session, bar, names="people", acting="acting", facilitator="facilitator",
        participation="participation",
    )  # fmt: skip


def agreement_panel(session: WorkbookSession, subject: Subject) -> AgreementPanel:
    """The agreement on ``subject``, following ``session``; *Confirm* confirms through it."""
    from ..widgets.agreement_panel import AgreementPanel

    def confirm(seen_hash: str, code: str, accept_reason: str) -> AgreementStatus:
        return session.confirm(subject, seen_hash, code, accept_reason)

    panel = AgreementPanel(subject, on_confirm=confirm)
    # the text agreed before the draft, set before the state that it is compared with
    T.dlink((session, "state"), (panel, "agreed_before"), lambda _s: session.last_agreed(subject))
    return linked(
        session, panel, names="people", acting="acting", facilitator="facilitator",
        method="confirm_method",
    )  # fmt: skip


def objective_panels(session: WorkbookSession) -> list[W.Widget]:
    """The objectives (with their editor) and the coverage of the job, following ``session``."""
    from ..widgets.coverage_view import CoverageView
    from ..widgets.objective_list import ObjectiveList

    def save(value: Objective, reason: str) -> tuple[int, int]:
        return session.save_objective(value, objectives.editor.based_on, reason)

    objectives = ObjectiveList(on_save=save, on_remove=session.remove_objective)
    T.dlink((session, "acting"), (objectives.editor, "author"), lambda p: p.id)
    coverage = CoverageView(on_save_reason=session.set_coverage_reason)
    return [linked(session, objectives, names="people"), linked(session, coverage, names="people")]


class StepPage(W.VBox):
    """A step's page: sign-in and workbook choice if needed, then the session bar and the step."""

    def __init__(self, step: str, build: Builder, title: str) -> None:
        configure_logging()
        kernel_errors.install()  # web only: widget messages' errors get a reference, not a traceback
        self.css, self.head = stylesheet(), heading(title, 2)
        super().__init__([self.css, self.head])  # until the page is built
        self.step, self.build, self.title = step, build, title
        #: the page's workbook session, once a workbook is open
        self.context: WorkbookSession | None = None
        self.status = StatusArea()
        self.add_class("pmw-page")
        session.when_requested(self.show)

    def show(self) -> None:
        """(Re)draw the page from the remembered selection."""
        try:
            self._show()
        except PmwError as exc:
            self._draw(self.head, self.status)
            self.status.error(str(exc))
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("page %s failed (reference %s)", self.step, ref)
            self._draw(self.head, self.status)
            self.status.error(_("This page could not be shown (reference {ref}).").format(ref=ref))

    def _show(self) -> None:
        if self.context is not None:
            self.context.stop_watching()
            self.context = None
        sel = session.load_selection()
        if not sel.user:
            entry = sign_in_message() if session.web_mode() else self._sign_in()
            self._draw(self.head, entry)
            return
        try:
            signed_in = session.signed_in(sel)
        except PmwError:
            self._draw(self.head, sign_in_message())
            return
        if sel.workbook is None:
            self._draw(self.head, self._picker(signed_in))
            return
        try:
            svc = session.services_for(sel) or signed_in
            self.context = WorkbookSession(svc, sel.workbook)
        except PmwError as exc:
            self.status.error(str(exc))
            self._draw(self.head, self.status, self._picker(signed_in))
            return
        wb = self.context.state.workbook
        coach_mode = signed_in.me.id == wb.coach_id
        bar = session_bar(self.context, signed_in.me if coach_mode else None, self._act, self.step)
        self._draw(bar, *self.build(self.context), self.status)
        ctx = self.context
        ctx.watch(
            on_change=lambda: self.status.info(_("Updated with changes saved by someone else."))
        )

    def _draw(self, *widgets: W.Widget) -> None:
        """Show ``widgets`` under the stylesheet; close what the last drawing showed."""
        old: tuple[W.Widget, ...] = tuple(self.children)  # type: ignore[has-type]
        self.children = (self.css, *widgets)
        # the status and the heading come back; and the heading is what the browser may
        # still be drawing from the page's first state, sent before the page was built:
        # closed then, it would leave the page blank (the browser tests saw it)
        close_replaced(old, (*self.children, self.status, self.head))

    def _act(self, person_id: str) -> None:
        sel = session.load_selection()
        sel = replace(sel, acting=None if person_id == sel.user else person_id)
        session.save_selection(sel)
        svc = session.services_for(sel)
        if self.context is not None and svc is not None:
            self.context.act_as(svc)

    def _sign_in(self) -> W.Widget:
        people = Services.operator(session.store()).people()
        chooser = W.Dropdown(
            description=_("Who is at the screen?"),
            options=[(f"{p.name} ({', '.join(r.value for r in p.roles)})", p.id) for p in people],
            style={"description_width": "initial"},
        )
        go = button(_("Continue"), "primary")

        def choose(_b: W.Button) -> None:
            session.save_selection(
                replace(session.load_selection(), user=chooser.value, acting=None)
            )
            self.show()

        go.on_click(self.status.guard(choose))
        note = paragraph(
            _(
                "This is a facilitated session on one screen: choose yourself. In the web app "
                "people sign in with their own link instead."
            )
        )
        return W.VBox([note, W.HBox([chooser, go]), self.status])

    def _picker(self, svc: Services) -> W.Widget:
        def opened(workbook_id: int) -> None:
            session.save_selection(
                replace(session.load_selection(), workbook=workbook_id, acting=None)
            )
            self.show()

        return wiring.workbook_picker(svc, opened)


def _folded(title: str, build: Callable[[], W.Widget]) -> W.Accordion:
    """A folded panel whose content is built (and its data read) when first opened.

    Building folded panels up front cost every page build (and the history, every
    save) for panels most visits never open (docs/performance.md).
    """
    status = StatusArea()
    acc = make(W.Accordion, children=[status], titles=(title,), selected_index=None)

    def opened(change: dict[str, object]) -> None:
        if change["new"] == 0 and acc.children[0] is status:
            acc.children = [build()]
            acc.set_title(0, title)

    acc.observe(status.guard(opened), names="selected_index")
    return acc


def _history(ctx: WorkbookSession) -> W.Accordion:
    """The workbook's history, folded; it is read and drawn when first opened."""

    return _folded(_("History of this workbook"), lambda: wiring.history_view(ctx))


def start_page() -> StepPage:
    """00 Start here: who is at the screen, the workbook, and where each step stands."""

    def build(ctx: WorkbookSession) -> list[W.Widget]:
        state = ctx.state
        rows = [
            (_(label), state.agreement_status(subject).label)  # type: ignore[arg-type]
            for subject, label in (
                ("job_description", "Job description"),
                ("objectives", "Objectives"),
                ("development_plan", "Development plan"),
                ("review", "Review"),
            )
        ]
        overview = html_widget(html_table([_("Step"), _("Agreement")], rows))
        picker = _folded(
            _("Open another workbook, or start a new cycle"),
            lambda: wiring.workbook_picker(ctx.services, _reopen),
        )
        return [heading(_("Where this workbook stands"), 3), overview, picker, _history(ctx)]

    return StepPage("00_start_here", build, _("Start here"))


def _reopen(workbook_id: int) -> None:
    session.save_selection(replace(session.load_selection(), workbook=workbook_id, acting=None))


def job_description_page() -> StepPage:
    """01 Job description: choose, import or write it; both confirm it is current."""

    return StepPage(
        "01_job_description",
        lambda ctx: [
            wiring.job_description_editor(ctx),
            agreement_panel(ctx, "job_description"),
            _history(ctx),
        ],
        _("1 Job description"),
    )


def objectives_page() -> StepPage:
    """02 Objectives: propose, check SMART, weigh, cover the job, agree."""
    return StepPage(
        "02_objectives",
        lambda session: [
            *objective_panels(session),
            agreement_panel(session, "objectives"),
            _history(session),
        ],
        _("2 Objectives"),
    )


def development_page() -> StepPage:
    """03 Development plan: rate, find gaps, plan actions, commit support, agree."""

    return StepPage(
        "03_development_plan",
        lambda ctx: [
            wiring.development_planner(ctx),
            agreement_panel(ctx, "development_plan"),
            _history(ctx),
        ],
        _("3 Development plan"),
    )


def check_ins_page() -> StepPage:
    """04 Check-ins: GROW conversations, progress and evidence, amendments."""
    return StepPage(
        "04_check_ins",
        lambda ctx: [wiring.check_in_log(ctx), agreement_panel(ctx, "objectives"), _history(ctx)],
        _("4 Check-ins"),
    )


def review_page() -> StepPage:
    """05 Review: assessments side by side with the evidence; both sign."""
    return StepPage(
        "05_review",
        lambda ctx: [wiring.review_form(ctx), agreement_panel(ctx, "review"), _history(ctx)],
        _("5 Review"),
    )
