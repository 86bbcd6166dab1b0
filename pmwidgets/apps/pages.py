"""One function per step: each assembles that step's page, so a notebook is two cells.

:data:`STEPS` says how each step's views are built from the open workbook's session;
:class:`~.step_page.StepPage` shows them (in JupyterLab, all of them, in place).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import ipywidgets as W
import traitlets as T

from ..domain.agreement import AgreementStatus, Subject
from ..domain.i18n import _
from ..domain.model import Objective, Person
from ..domain.state import WorkbookState
from ..widgets.base import StatusArea, esc, heading, html_table, html_widget
from ..widgets.fold import Fold
from ..widgets.session_bar import STEPS as BAR_STEPS
from ..widgets.session_bar import SessionBar
from . import wiring
from .step_page import Step, StepPage
from .workbook_session import WorkbookSession

if TYPE_CHECKING:
    from ..widgets.agreement_panel import AgreementPanel

__all__ = ["STEPS", "Step", "StepPage", "session_app"]

V = TypeVar("V", bound=W.Widget)


def linked(session: WorkbookSession, view: V, **traits: str) -> V:
    """``view`` following ``session``: each of its ``traits`` (view trait = session trait),
    then its ``state``, last, so that it draws the new state once, with the rest set."""
    for view_trait, session_trait in traits.items():
        T.dlink((session, session_trait), (view, view_trait))
    T.dlink((session, "state"), (view, "state"))
    return view


def session_bar(
    session: WorkbookSession,
    coach: Person | None,
    on_act: Callable[[str], None],
    step: str,
    steps: Sequence[tuple[str, str]] = BAR_STEPS,
) -> SessionBar:
    """The bar at the top of a step's page, following ``session``; ``steps``: its links."""
    bar = SessionBar(coach=coach, on_act=on_act, current_step=step, steps=steps)
    return linked(
        session, bar, names="people", acting="acting", facilitator="facilitator",
        participation="participation",
    )  # fmt: skip


def agreement_panel(session: WorkbookSession, subject: Subject, anchor: str = "") -> AgreementPanel:
    """The agreement on ``subject``, following ``session``; *Confirm* confirms through it.
    ``anchor``: the id of its heading, where a next action's link goes."""
    from ..widgets.agreement_panel import AgreementPanel

    def confirm(seen_hash: str, code: str, accept_reason: str) -> AgreementStatus:
        return session.confirm(subject, seen_hash, code, accept_reason)

    panel = AgreementPanel(subject, on_confirm=confirm, anchor=anchor)
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


def objective_panels_of(page: StepPage) -> list[W.Widget]:
    """The objectives step's views for ``page``'s workbook."""
    return objective_panels(page.ctx)


def _folded(title: str, build: Callable[[], W.Widget]) -> Fold:
    """A folded panel whose content is built (and its data read) when first opened.

    Building folded panels up front cost every page build (and the history, every
    save) for panels most visits never open (docs/performance.md).
    """
    status = StatusArea()
    fold = Fold(title, status)

    def opened(change: dict[str, object]) -> None:
        if change["new"] == 0 and fold.content is status:
            fold.content = build()

    fold.observe(status.guard(opened), names="selected_index")
    return fold


def _history(ctx: WorkbookSession) -> Fold:
    """The workbook's history, folded; it is read and drawn when first opened."""

    return _folded(_("History of this workbook"), lambda: wiring.history_view(ctx))


def _overview(state: object) -> str:
    rows = [
        (_(label), state.agreement_status(subject).label)  # type: ignore[attr-defined]
        for subject, label in (
            ("job_description", "Job description"),
            ("objectives", "Objectives"),
            ("development_plan", "Development plan"),
            ("review", "Review"),
        )
    ]
    return html_table([_("Step"), _("Agreement")], rows)


def _start(page: StepPage) -> list[W.Widget]:
    """Where the workbook stands, another workbook to open, and the history."""
    ctx = page.ctx
    overview = html_widget(_overview(ctx.state))
    T.dlink((ctx, "state"), (overview, "value"), _overview)
    me = page.me or ctx.services  # the picker lists the signed-in person's workbooks
    picker = _folded(
        _("Open another workbook, or start a new cycle"),
        lambda: wiring.workbook_picker(me, lambda wb: page.go("00_start_here", wb)),
    )
    return [heading(_("Where this workbook stands"), 3), overview, picker, _history(ctx)]


def _agreement(page: StepPage) -> list[W.Widget]:
    from .agreement import agreement_view

    return agreement_view(page.me or page.ctx.services, page.ctx.workbook_id)


def _dashboard(page: StepPage) -> list[W.Widget]:
    from .dashboard import dashboard_for

    return [dashboard_for(page.me or page.ctx.services)]


#: steps whose form is not at the top of their views: the view marks its own place
_FORM_BELOW = frozenset({"04_check_ins"})


def _lead(page: StepPage, stem: str) -> list[W.Widget]:
    """The top of a step: what the person acting should do next, and why, with a link to
    it; then how the step works, in a fold that is open on the person's first visit (and
    the place the next action's "Go to the form" link goes)."""
    from ..widgets.next_action_card import NextActionCard, anchor_id
    from .guides import guide_html

    ctx = page.ctx
    card = linked(ctx, NextActionCard(stem), acting="acting")
    guide = guide_html(stem)
    fold = ""
    if guide:
        me = page.me or ctx.services
        opened = " open" if me.first_visit(stem) else ""
        summary = esc(_("How this step works"))
        fold = f"<details class='pmw-guide'{opened}><summary>{summary}</summary>{guide}</details>"
    # the form is at the top of the step's views, but for the check-ins: below their log
    mark = (
        ""
        if stem in _FORM_BELOW
        else f"<span class='pmw-anchor' id='{anchor_id(stem, 'edit')}' tabindex='-1'></span>"
    )
    return [card, html_widget(fold + mark)]


def _agree(page: StepPage, stem: str, subject: Subject) -> list[W.Widget]:
    """The agreement panel on ``subject``, its heading the place the next action's
    "Go to the confirmation" link goes."""
    from ..widgets.next_action_card import anchor_id

    return [agreement_panel(page.ctx, subject, anchor_id(stem, "agree"))]


def _agreed_or_editing(
    page: StepPage,
    subject: Subject,
    editors: Callable[[], list[W.Widget]],
    open_change: Callable[[Sequence[W.Widget]], None] | None = None,
) -> W.Widget:
    """``editors`` while ``subject`` is drafted; once agreed, the agreed text as the
    agreement document words it, read-only, with *Propose a change*."""
    from ..services.documents import agreement_export
    from ..widgets.agreed_document import AgreedDocument

    ctx = page.ctx

    def document(state: WorkbookState) -> str:
        return agreement_export(ctx.services, state.workbook.id or 0).section_html(subject)

    return linked(ctx, AgreedDocument(subject, document, editors, open_change))


def _step(
    title: str,
    stem: str,
    views: Callable[[StepPage], list[W.Widget]],
    subject: Subject,
    document: bool = True,
    open_change: Callable[[Sequence[W.Widget]], None] | None = None,
) -> Step:
    """A step of the journey: its next action and guide, its views (once ``subject`` is
    agreed, and if ``document``: the agreed text, with *Propose a change*; the views
    are then built when a change is proposed), its agreement, its history."""

    def build(p: StepPage) -> list[W.Widget]:
        shown = (
            [_agreed_or_editing(p, subject, lambda: views(p), open_change)]
            if document
            else views(p)
        )
        return [*_lead(p, stem), *shown, *_agree(p, stem, subject), _history(p.ctx)]

    return Step(title, build)


#: every step of a workbook's session, by notebook stem: the web app's pages show one
#: each; the JupyterLab app shows them all, in place
STEPS: dict[str, Step] = {
    "00_start_here": Step("Start here", lambda p: [*_lead(p, "00_start_here"), *_start(p)]),
    "01_job_description": _step(
        "1 Job description", "01_job_description",
        lambda p: [wiring.job_description_editor(p.ctx)], "job_description",
        # the editor, built when a change is proposed, opens on that change (it can also
        # show the agreed text itself, as a widget in a notebook of one's own)
        open_change=lambda editors: editors[0].propose_change(),
    ),
    "02_objectives": _step(
        "2 Objectives", "02_objectives", objective_panels_of, "objectives"
    ),
    "03_development_plan": _step(
        "3 Development plan", "03_development_plan",
        lambda p: [wiring.development_planner(p.ctx)], "development_plan",
    ),
    "04_check_ins": _step(
        "4 Check-ins", "04_check_ins", lambda p: [wiring.check_in_log(p.ctx)], "objectives",
        document=False,
    ),
    "05_review": _step("5 Review", "05_review", lambda p: [wiring.review_form(p.ctx)], "review"),
    "agreement": Step("Agreement", _agreement, keep=False, app_only=True),
    "coach_dashboard": Step(
        "Dashboard", _dashboard, keep=False, app_only=True, roles=("coach", "admin")
    ),
}  # fmt: skip


def session_app(step: str | None = None) -> StepPage:
    """The coach's session: every step of the open workbook in one app, which moves in
    place in JupyterLab (``notebooks/session.ipynb``).

    ``step``: the step shown first; by default, in JupyterLab, the one the app showed
    last (so running the notebook again, after a reload, opens where the coach was).
    """
    if step is None:
        from . import session

        last = None if session.web_mode() else session.load_selection().step
        step = last if last in STEPS else "00_start_here"
    return StepPage(step, STEPS)


def start_page() -> StepPage:
    """00 Start here: who is at the screen, the workbook, and where each step stands."""
    return StepPage("00_start_here", STEPS)


def job_description_page() -> StepPage:
    """01 Job description: choose, import or write it; both confirm it is current."""
    return StepPage("01_job_description", STEPS)


def objectives_page() -> StepPage:
    """02 Objectives: propose, check SMART, weigh, cover the job, agree."""
    return StepPage("02_objectives", STEPS)


def development_page() -> StepPage:
    """03 Development plan: rate, find gaps, plan actions, commit support, agree."""
    return StepPage("03_development_plan", STEPS)


def check_ins_page() -> StepPage:
    """04 Check-ins: GROW conversations, progress and evidence, amendments."""
    return StepPage("04_check_ins", STEPS)


def review_page() -> StepPage:
    """05 Review: assessments side by side with the evidence; both sign."""
    return StepPage("05_review", STEPS)
