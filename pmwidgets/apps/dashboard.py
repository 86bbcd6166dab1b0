"""The dashboard page: every workbook a coach or an HR lead may see, where each one stands."""

from __future__ import annotations

import datetime as dt
import logging

import ipywidgets as W

from ..domain.errors import PmwError
from ..domain.i18n import _
from ..domain.model import Role
from ..services import Services
from ..widgets.base import esc, heading, html_widget, paragraph
from ..widgets.dashboard import PAGE_SIZE, Dashboard
from . import session
from .logs import configure as configure_logging
from .messages import failure_message, sign_in_message
from .style import stylesheet

log = logging.getLogger("pmwidgets.apps")

#: who may open the dashboard: coaches, and admins (HR).
DASHBOARD_ROLES = (Role.COACH, Role.ADMIN)


def not_for_you() -> W.Widget:
    """What someone who is neither a coach nor an admin sees instead of the dashboard."""
    text = _("The dashboard is for coaches and HR. Your own workbooks are on your home page.")
    link = _("Go to your home page")
    return html_widget(
        f"<p class='pmw-help pmw-not-for-you'>{esc(text)}</p>"
        f"<p><a class='pmw-step' href='home.ipynb'>{esc(link)}</a></p>"
    )


def dashboard_page(link_base: str = "") -> W.VBox:
    """The dashboard across workbooks, for the signed-in coach or admin.

    Parameters
    ----------
    link_base:
        Prefix of the links to each workbook's step pages (empty: relative).

    Returns
    -------
    ipywidgets.VBox
        The page. Anyone else signed in gets one sentence saying the dashboard
        is for coaches and HR, and a link home; nobody signed in is asked to
        sign in. The services show each person only their own workbooks anyway.
    """
    configure_logging()
    css = stylesheet()
    page = W.VBox([css])
    page.add_class("pmw-page")
    if session.preheating():
        # before anyone asks: read every workbook's row once, so that the request
        # reads only what changed since (docs/performance.md). Like the dashboard,
        # this works on plain rows: this kernel never imports pandas.
        from ..services.frames import warm

        try:
            warm(session.store())
        except Exception:  # the request will read everything then, and say what failed
            log.exception("reading the dashboard's rows ahead of the request failed")
    session.when_requested(lambda: _fill(page, css, link_base))
    return page


def _fill(page: W.VBox, css: W.HTML, link_base: str) -> None:
    """Draw the dashboard for the signed-in person (or say why not)."""
    title = heading(_("Dashboard: workbooks across the organisation"), 2)
    try:
        sel = session.load_selection()
        if not sel.user:
            from .pages import start_page

            page.children = (css, sign_in_message() if session.web_mode() else start_page())
            return
        svc = session.signed_in(sel)
        if not any(role in svc.me.roles for role in DASHBOARD_ROLES):
            page.children = (css, title, not_for_you())
            return
        intro = _(
            "Where each of your workbooks stands: who is waiting for whom, which check-ins are "
            "overdue, and where one person does all the writing. Open a step to work on a "
            "workbook."
        )
        page.children = (css, title, paragraph(intro), dashboard_for(svc, link_base))
    except PmwError:
        page.children = (css, sign_in_message())
    except Exception:
        page.children = (css, failure_message("dashboard page"))


def dashboard_for(
    svc: Services, link_base: str = "", today: dt.date | None = None, page_size: int = PAGE_SIZE
) -> Dashboard:
    """The dashboard of the workbooks ``svc``'s person may see; *Read again* reads them again.

    ``today``: the day overdue check-ins are judged against (default: today).
    """
    from ..services.frames import workbook_summaries

    def read() -> list[object]:
        return list(workbook_summaries(svc, today))

    return Dashboard(read(), link_base, page_size, on_refresh=read)
