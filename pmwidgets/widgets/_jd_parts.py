"""The read-only pieces of :mod:`.job_description_editor` as HTML (every text escaped)."""

from __future__ import annotations

from ..domain.i18n import _
from ..domain.readiness import agreement_readiness
from ..domain.state import WorkbookState
from .base import check_line, esc, html_table


def confirm_note(total: int, problem: str) -> str:
    """The sentence beside *Save* when the shares of time do not total 100%."""
    if total > 100:  # the one share problem that stops a save as well
        return _("Cannot be saved yet: {problem}.").format(problem=problem)
    return _(
        "Can be saved as a draft, but cannot be confirmed until the shares of time total "
        "100%: {problem}."
    ).format(problem=problem)


def saved_html(state: WorkbookState) -> str:
    """The saved job description as read-only HTML; every piece of text escaped."""
    job = state.job
    if job is None:
        return f"<p class='pmw-muted'>{esc(_('No job description has been saved for this workbook yet.'))}</p>"
    status = state.agreement_status("job_description").label
    shares_set = any(r.share for r in job.responsibilities)
    items = "".join(
        f"<li>{esc(r.text)} <span class='pmw-muted'>"
        f"({esc(_('{share}% of time').format(share=r.share))})</span></li>"
        if shares_set
        else f"<li>{esc(r.text)}</li>"
        for r in job.responsibilities
    )
    readiness = agreement_readiness(state, "job_description")
    parts = [
        "<div class='pmw-card'>",
        f"<h4>{esc(job.title)}</h4>",
        f"<p class='pmw-muted'>{esc(status)}</p>",
        "".join(
            check_line(False, _("Cannot be confirmed yet: {why}").format(why=why))
            for why in readiness.blocking
        ),
        f"<p>{esc(job.purpose)}</p>" if job.purpose else "",
        f"<h5>{esc(_('Responsibilities'))}</h5><ol>{items}</ol>",
    ]
    if job.competencies:
        rows = [(c.name, _("level {n} of 5").format(n=c.required)) for c in job.competencies]
        parts.append(f"<h5>{esc(_('Competencies'))}</h5>")
        parts.append(html_table([_("Competency"), _("Required")], rows))
    if job.source:
        parts.append(
            f"<p class='pmw-muted'>{esc(_('Source: {source}').format(source=job.source))}</p>"
        )
    parts.append("</div>")
    return "".join(parts)
