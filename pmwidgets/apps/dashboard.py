"""The dashboard page: every workbook a coach or an HR lead may see, where each one stands."""

from __future__ import annotations

import logging

import ipywidgets as W

from ..domain.errors import PmwError
from ..domain.i18n import _
from ..domain.model import Role
from ..services import Services
from ..widgets.base import esc, heading, paragraph
from ..widgets.dashboard import Dashboard
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
    return W.HTML(
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
    page = W.VBox()
    page.add_class("pmw-page")
    title = heading(_("Dashboard: workbooks across the organisation"), 2)
    try:
        if session.preheating():
            # before anyone asks: read every workbook's row once, so that the
            # request reads only what changed since (docs/performance.md)
            from ..services.frames import warm

            warm(session.store())
        sel = session.load_selection()
        if not sel.user:
            from .pages import start_page

            page.children = (
                stylesheet(),
                sign_in_message() if session.web_mode() else start_page(),
            )
            return page
        svc = Services(session.store(), sel.user)
        if not any(role in svc.me.roles for role in DASHBOARD_ROLES):
            page.children = (stylesheet(), title, not_for_you())
            return page
        intro = _(
            "Where each of your workbooks stands: who is waiting for whom, which check-ins are "
            "overdue, and where one person does all the writing. Open a step to work on a "
            "workbook."
        )
        page.children = (stylesheet(), title, paragraph(intro), Dashboard(svc, link_base))
    except PmwError:
        page.children = (stylesheet(), sign_in_message())
    except Exception:
        page.children = (stylesheet(), failure_message("dashboard page"))
    return page
