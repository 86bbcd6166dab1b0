"""The read-only pieces of :mod:`.review_form` as HTML (every text escaped)."""

from __future__ import annotations

import datetime as dt

from ..domain.i18n import _, format_date
from ..domain.model import ASSESSMENT_LABELS, Assessment, Objective, Stage
from ..domain.readiness import review_opens
from ..domain.state import WorkbookState
from .base import esc, html_table, paragraph_html


def _status_label(status: str) -> str:
    return {
        "not_started": _("not started"),
        "on_track": _("on track"),
        "at_risk": _("at risk"),
        "off_track": _("off track"),
        "done": _("done"),
    }.get(status, status)


def _stage_index(stage: Stage) -> int:
    return list(Stage).index(stage)


def objective_html(o: Objective) -> str:
    """An objective's title, measure and target."""
    number = o.id or 0
    return (
        f"<h4>{esc(_('Objective {n}: {title}').format(n=number, title=o.title))}</h4>"
        f"<p><strong>{esc(_('Measure'))}:</strong> {esc(o.measure or _('none given'))}</p>"
        f"<p><strong>{esc(_('Target'))}:</strong> {esc(o.target or _('none given'))}</p>"
    )


def evidence_html(state: WorkbookState, number: int) -> str:
    """The progress recorded for objective ``number`` at each check-in, as a table."""
    rows = [
        (format_date(c.on), f"{p.percent}%", _status_label(p.status), p.evidence)
        for c in sorted(state.check_ins, key=lambda c: (c.on, c.id or 0))
        for p in c.progress
        if p.objective == number
    ]
    heading_html = f"<strong>{esc(_('Evidence from check-ins'))}</strong>"
    return heading_html + (
        html_table([_("Date"), _("Progress"), _("Status"), _("Evidence")], rows)
        if rows
        else paragraph_html(_("No evidence was recorded for it at a check-in."), "pmw-muted")
    )


def column_html(title: str, a: Assessment | None) -> str:
    """The other party's column: its title, then their level and comment."""
    return f"<strong>{esc(title)}</strong>" + (
        f"<p><strong>{esc(_(ASSESSMENT_LABELS[a.level]))}</strong></p>"
        f"<p>{esc(a.comment).replace(chr(10), '<br>')}</p>"
        if a
        else paragraph_html(_("Not assessed yet."), "pmw-muted")
    )


def stage_note(state: WorkbookState) -> str:
    """What the review step is at, and what comes next, in words."""
    stage = state.workbook.stage
    if _stage_index(stage) < _stage_index(Stage.CHECK_INS):
        return _(
            "The review comes at the end of the cycle: the objectives and the development "
            "plan must be agreed by both first."
        )
    if stage == Stage.CHECK_INS:
        note = _(
            "Starting the review moves this workbook to its last step: each of you assesses "
            "every objective against the evidence gathered at the check-ins, then both sign."
        )
        opens = review_opens(state.workbook)
        if dt.date.today() < opens:
            note += " " + _(
                "The cycle ends on {end}, so the review starts from {opens}. To start it "
                "earlier, give the reason below: it is recorded, and both of you see it."
            ).format(end=format_date(state.workbook.cycle_end), opens=format_date(opens))
        return note
    if stage == Stage.REVIEW:
        return _(
            "Each of you assesses every objective in your own column, with the evidence "
            "from the check-ins beside it."
        )
    return _("The review has been signed by both; this workbook is closed.")
