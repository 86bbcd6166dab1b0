"""What a page says instead of itself: please sign in, or a plain failure with a reference."""

from __future__ import annotations

import logging
import uuid

import ipywidgets as W

from ..domain.i18n import _
from ..widgets.base import paragraph

log = logging.getLogger("pmwidgets.apps")


def sign_in_message() -> W.Widget:
    """What someone without a verified identity sees: this, and nothing else."""
    return paragraph(
        _(
            "Please sign in with your personal link to see your workbooks. If you do not have "
            "one, or it has expired, ask your coach or HR for a new one."
        ),
        css="pmw-signin",
    )


def failure_message(what: str) -> W.Widget:
    """Log the exception being handled under a reference, and say only the reference.

    Call it inside an ``except`` block: the traceback goes to the server's log
    (see :mod:`pmwidgets.apps.logs`), never to the page.
    """
    ref = uuid.uuid4().hex[:8]
    log.exception("%s failed (reference %s)", what, ref)
    return paragraph(_("This page could not be shown (reference {ref}).").format(ref=ref))
