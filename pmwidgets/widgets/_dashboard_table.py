"""The dashboard's table of workbooks as HTML (private to :mod:`.dashboard`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..domain.i18n import _, format_date
from ..domain.model import Stage
from .base import esc, pdf_link, step_link, table_markup
from .session_bar import STEPS

#: short link texts for the steps, so that a row stays compact (the full label is its title).
SHORT_STEPS: dict[str, str] = {
    "00_start_here": "Start",
    "01_job_description": "1 Job",
    "03_development_plan": "3 Plan",
}


def table_html(rows: Sequence[Any], link_base: str) -> str:
    """The table of ``rows`` (workbook summaries), every value escaped, with links to steps."""
    headers = [
        _("No."), _("Employee"), _("Job"), _("Stage"), _("Check-ins"), _("Coverage"),
        _("Contributions"), _("Awaiting"), _("Open a step"), _("Agreement document"),
    ]  # fmt: skip
    body = [_row(r, link_base) for r in rows]
    empty = esc(_("No workbooks match these filters."))
    attrs = [f"data-workbook='{int(r.workbook_id)}'" for r in rows]
    return table_markup(
        headers, body, css="pmw-table pmw-dashboard-rows", empty=empty, row_attrs=attrs
    )


def _row(r: Any, link_base: str) -> list[str]:
    n = r.workbook_id
    coach = esc(_("coach: {name}").format(name=r.coach)) if r.coach is not None else ""
    person = (
        f"<strong>{esc(r.employee)}</strong><br><span class='pmw-muted'>"
        f"{esc(_('with {m}').format(m=r.manager))}</span>"
        f"<div class='pmw-muted'>{coach}</div>"
    )
    stage = f"{esc(r.stage_label)}<div class='pmw-muted'>{esc(r.next_step)}</div>"
    last = _date(r.last_check_in)
    visits = _("{n}, last on {day}").format(n=r.check_ins, day=last)
    check_ins = esc(visits if last else _("none yet"))
    if r.stage == Stage.CHECK_INS.value:  # in review and after, no check-in is due
        due = _("next due {day}").format(day=_date(r.next_check_in_due))
        check_ins += f"<div class='pmw-muted'>{esc(due)}</div>"
    if r.overdue_check_in:
        check_ins += f"<div class='pmw-bad'>⚠ {esc(_('check-in overdue'))}</div>"
    if r.coverage_share is not None:
        cover = _("{share}% of time; {c} of {n} responsibilities").format(
            share=r.coverage_share, c=r.responsibilities_covered, n=r.responsibilities
        )
        if r.responsibilities_excused:
            cover += " " + _("({n} left out with a reason)").format(n=r.responsibilities_excused)
    else:
        cover = _("no job description yet")
    balance = _("employee {e} · manager {m}").format(
        e=r.employee_contributions, m=r.manager_contributions
    )
    if r.one_sided is not None:
        only = _("one-sided: only the {party} writes").format(party=_(r.one_sided))
        balance = f"{esc(balance)}<div class='pmw-bad'>⚠ {esc(only)}</div>"
    else:
        balance = esc(balance)
    pending = esc(r.pending) if r.pending else "<span class='pmw-muted'>—</span>"
    steps = " ".join(
        step_link(
            stem,
            _(SHORT_STEPS.get(stem, label)),
            n,
            base=link_base,
            attrs=f"title='{esc(_(label))}' aria-label='{esc(_(label))}'",
        )
        for stem, label in STEPS
    )
    document = pdf_link(n, _("Agreement (PDF)"), link_base)
    cells = [
        str(n), person, esc(r.job_title) if r.job_title is not None else "—", stage,
        check_ins, esc(cover), balance, pending, f"<nav class='pmw-steps'>{steps}</nav>",
        document,
    ]  # fmt: skip
    return cells


def _date(value: dt.date | None) -> str:
    return format_date(value) if value is not None else ""
