"""StepPage: a step's page; in JupyterLab, the whole session as one app that moves in place.

Every page starts from the store: who is at the screen, which workbook, who is
acting. If someone has not been chosen yet, the page asks for it first.

On the web (Voila) a page is one step, and its links are addresses. In JupyterLab
(a coach's facilitated session) the page is the session's app: its links (the step
pills, the dashboard's, the home page's) are caught in the browser
(:class:`~pmwidgets.widgets.link_catcher.LinkCatcher`) and :meth:`StepPage.go` moves
to the step or workbook asked for, in place, on the one kernel. Each step is built
when first shown and kept, hidden, for the next visit, so moving back is a change of
one CSS class. Every view of every step follows the one
:class:`~.workbook_session.WorkbookSession`: the workbook and who is acting are
the same in every panel. The choice is remembered (:mod:`.session`), and a page in
another notebook follows it within a second, so no page shows the last workbook and
still takes input for it.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import ipywidgets as W

from ..domain.errors import PmwError
from ..domain.i18n import _
from ..services import Services
from ..widgets.base import StatusArea, button, heading, paragraph
from ..widgets.lean import close_replaced, make, show
from . import kernel_errors, session, wiring
from .logs import configure as configure_logging
from .messages import sign_in_message
from .session import Selection
from .style import stylesheet
from .workbook_session import WorkbookSession, every

if TYPE_CHECKING:
    from ..widgets.session_bar import SessionBar

log = logging.getLogger("pmwidgets.apps")
#: the step that is the dashboard across workbooks (shown in the app before one is open)
DASHBOARD = "coach_dashboard"


@dataclass(frozen=True)
class Step:
    """One step of the session: its title, how its views are built, and whether they
    are kept between visits (``False``: built again at each visit, as a document is)."""

    #: in English; translated where shown
    title: str
    build: Callable[[StepPage], list[W.Widget]]
    keep: bool = True
    #: shown in the step links of the JupyterLab app only (the agreement, the dashboard)
    app_only: bool = False
    #: who may see it: anyone (empty), or one of these roles
    roles: tuple[str, ...] = ()


class StepPage(W.VBox):
    """A step's page: sign-in and workbook choice if needed, then the session bar and the step.

    Parameters
    ----------
    step:
        The step shown first (a notebook's stem, a key of ``steps``).
    steps:
        Every step the page can show.
    in_place:
        Move between steps and workbooks in place (default: in JupyterLab, not on the web).
    """

    def __init__(self, step: str, steps: Mapping[str, Step], in_place: bool | None = None) -> None:
        configure_logging()
        kernel_errors.install()  # web only: widget messages' errors get a reference, not a traceback
        if step not in steps:
            raise ValueError(f"{step!r} is not a step")
        self.steps, self.step = steps, step
        self.in_place = not session.web_mode() if in_place is None else in_place
        self.css, self.head = stylesheet(app=self.in_place), heading(_(steps[step].title), 2)
        self.status = StatusArea()
        self.top: tuple[W.Widget, ...] = (self.css,)
        if self.in_place:
            from ..widgets.link_catcher import LinkCatcher

            catcher = LinkCatcher(
                on_open=self.status.guard(self.go), on_pdf=self.status.guard(self.download_pdf)
            )
            self.catcher: LinkCatcher | None = catcher
            self.top = (self.css, catcher)
        else:
            self.catcher = None
        super().__init__([*self.top, self.head])  # until the page is built
        #: the page's workbook session, once a workbook is open
        self.context: WorkbookSession | None = None
        #: the signed-in person's services (never the acting person's), once signed in
        self.me: Services | None = None
        self.bar: SessionBar | None = None
        self._boxes: dict[str, W.Box] = {}
        self._drawn = Selection()
        self.add_class("pmw-page")
        if self.in_place:
            self.add_class("pmw-app")
        if self.in_place:
            _close_earlier_apps(self)
        session.when_requested(self.show)
        if self.in_place:
            self.follow_selection()

    @property
    def title(self) -> str:
        """The title of the step shown (translated)."""
        return _(self.steps[self.step].title)

    @property
    def ctx(self) -> WorkbookSession:
        """The open workbook's session (a step's views are built only when one is open)."""
        if self.context is None:
            raise RuntimeError("no workbook is open")
        return self.context

    # --- drawing -------------------------------------------------------------------------

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
        self.bar, self.me, self._boxes = None, None, {}
        sel = self._drawn = session.load_selection()
        if not sel.user:
            entry = sign_in_message() if session.web_mode() else self._sign_in()
            self._draw(self.head, entry)
            return
        try:
            self.me = session.signed_in(sel)
        except PmwError:
            self._draw(self.head, sign_in_message())
            return
        if sel.workbook is None:
            head = heading(_("Choose a workbook"), 2) if self.in_place else self.head
            self._draw(head, self._picker(self.me))
            return
        try:
            self.context = WorkbookSession(session.services_for(sel) or self.me, sel.workbook)
        except PmwError as exc:
            self.status.error(str(exc))
            self._draw(self.head, self.status, self._picker(self.me))
            return
        self.bar = self._session_bar(self.context, self.me)
        self._draw(self.bar, self.status, self._box(self.step))
        self.context.watch(
            on_change=lambda: self.status.info(_("Updated with changes saved by someone else."))
        )

    def _session_bar(self, ctx: WorkbookSession, me: Services) -> SessionBar:
        from .pages import session_bar

        coach_mode = me.me.id == ctx.state.workbook.coach_id
        links = [
            (stem, step.title)
            for stem, step in self.steps.items()
            if (self.in_place or not step.app_only) and self._may_see(step, me)
        ]
        return session_bar(ctx, me.me if coach_mode else None, self._act, self.step, links)

    @staticmethod
    def _may_see(step: Step, me: Services) -> bool:
        return not step.roles or any(r.value in step.roles for r in me.me.roles)

    def _box(self, stem: str) -> W.Box:
        """The box of step ``stem``'s views, built when first asked for (again each time for
        a step that is not kept)."""
        step = self.steps[stem]
        box = self._boxes.get(stem)
        if box is None:
            box = self._boxes[stem] = make(W.VBox)
            box.add_class("pmw-step-body")
        if not box.children or not step.keep:
            if not self._may_see(step, self.me):  # type: ignore[arg-type]
                raise PmwError(_("This page is for coaches and HR."))
            old = tuple(box.children)
            box.children = tuple(step.build(self))
            close_replaced(old, box.children)
        return box

    def _draw(self, *widgets: W.Widget) -> None:
        """Show ``widgets`` under the stylesheet; close what the last drawing showed."""
        old: tuple[W.Widget, ...] = tuple(self.children)  # type: ignore[has-type]
        self.children = (*self.top, *widgets)
        # the status and the heading come back; and the heading is what the browser may
        # still be drawing from the page's first state, sent before the page was built:
        # closed then, it would leave the page blank (the browser tests saw it)
        close_replaced(old, (*self.children, self.status, self.head))

    # --- moving in place -------------------------------------------------------------------

    def go(self, step: str, workbook: int | None = None) -> None:
        """Show ``step`` of ``workbook`` (default: the open one), in place.

        The workbook is checked by the services first: a browser can ask for any.
        """
        if step not in self.steps:
            raise PmwError(
                _("That page is not part of this session: open it from the file browser.")
            )
        if self.me is not None and not self._may_see(self.steps[step], self.me):
            raise PmwError(_("This page is for coaches and HR."))
        open_id = self.context.workbook_id if self.context is not None else None
        if workbook is not None and workbook != open_id:
            if self.me is None:
                raise PmwError(_("Choose who is at the screen first."))
            self.me.workbook(workbook)  # checks access, whatever the page sent
            self.step = step
            session.save_selection(
                replace(session.load_selection(), workbook=workbook, acting=None, step=step)
            )
            self.show()
            return
        self.step = step
        if self.in_place:
            session.save_selection(replace(session.load_selection(), step=step))
        if self.context is None or self.bar is None:
            self.show()
            return
        back = step == DASHBOARD and self.me is not None and self.context.acting != self.me.me
        if back and self.me is not None:
            self._act(self.me.me.id)  # the dashboard is the coach's: nobody else acts there
        box = self._box(step)
        if box not in self.children:
            self.children = (*self.children, box)
        for other in self._boxes.values():
            show(other, other is box)
        self.bar.current_step = step
        self.bar.refresh(self.context.state)
        self.status.clear()
        if back and self.me is not None:
            self.status.info(
                _("{name} is acting again: the dashboard is the coach's.").format(
                    name=self.me.me.name
                )
            )

    def download_pdf(self, workbook: int) -> None:
        """Have the browser save workbook ``workbook``'s agreement as a PDF (access checked)."""
        if self.me is None or self.catcher is None:
            raise PmwError(_("Choose who is at the screen first."))
        export = self.me.agreement_export(workbook)
        self.catcher.download(
            f"performance-agreement-workbook-{int(workbook)}.pdf", export.pdf(), "application/pdf"
        )
        self.status.ok(_("The agreement of workbook {n} is downloading (PDF).").format(n=workbook))

    def _act(self, person_id: str) -> None:
        sel = session.load_selection()
        sel = replace(sel, acting=None if person_id == sel.user else person_id)
        session.save_selection(sel)
        self._drawn = sel
        svc = session.services_for(sel)
        if self.context is not None and svc is not None:
            self.context.act_as(svc)

    # --- one choice for every notebook -------------------------------------------------------

    def follow_selection(self, interval: float = 1.0) -> bool:
        """Redraw whenever another notebook changes who is at the screen, the workbook or
        who is acting, checking every ``interval`` seconds on the kernel's event loop.

        Returns False when there is no running loop (scripts, tests: call
        :meth:`selection_changed` instead).
        """
        return every(
            interval,
            self.selection_changed,
            lambda: self.comm is not None,
            "following the selection",
        )

    def selection_changed(self) -> bool:
        """Redraw if the remembered selection is not the one this page shows; say whether."""
        sel = session.load_selection()
        if sel == self._drawn:
            return False
        self.show()
        if sel.workbook is not None and self.context is not None:
            self.status.info(_("Another notebook of this session opened this workbook."))
        return True

    # --- who is at the screen, and which workbook ----------------------------------------------

    def _sign_in(self) -> W.Widget:
        people = Services.operator(session.store()).people()
        # nobody is chosen for the coach: a Continue without looking must not sign in
        # whoever comes first in the list
        chooser = W.Dropdown(
            description=_("Who is at the screen?"),
            options=[(_("Choose your name"), "")]
            + [(f"{p.name} ({', '.join(r.value for r in p.roles)})", p.id) for p in people],
            value="",
            style={"description_width": "initial"},
            layout={"width": "auto", "min_width": "28em"},
        )
        go = button(_("Continue"), "primary")

        def choose(_b: W.Button) -> None:
            if not chooser.value:
                raise PmwError(_("Choose your name first: who is at the screen?"))
            sel = replace(session.load_selection(), user=chooser.value, acting=None)
            session.save_selection(sel)
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
        """The workbooks to open; in the app, a coach's (or HR's) dashboard above them."""
        picker = wiring.workbook_picker(svc, lambda workbook_id: self.go(self.step, workbook_id))
        board = self.steps.get(DASHBOARD)
        if not self.in_place or board is None or not self._may_see(board, svc):
            return picker
        return make(W.VBox, children=[*board.build(self), picker])


_apps: list[weakref.ref[StepPage]] = []


def _close_earlier_apps(page: StepPage) -> None:
    """Close the apps this kernel made before ``page``: the notebook was run again (after a
    reload, say), and a page no longer shown must stop following and taking input."""
    for ref in _apps:
        old = ref()
        if old is not None and old.comm is not None:
            if old.context is not None:
                old.context.stop_watching()
            close_replaced((old, *old.children, *old._boxes.values()), ())
    _apps[:] = [weakref.ref(page)]
