"""The pieces of :mod:`.check_in_log`: a progress row, the GROW prompts, a past entry as HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import ipywidgets as W

from ..domain.errors import ValidationFailed
from ..domain.i18n import _, format_date
from ..domain.model import CheckIn, ObjectiveProgress
from ..domain.state import WorkbookState
from .base import WIDE, esc, html_widget, paragraph, paragraph_html, text
from .lean import make


def status_words() -> dict[str, str]:
    """Each progress status in words, in the order they are offered."""
    words = (_("not started"), _("on track"), _("at risk"), _("off track"), _("done"))
    return dict(
        zip(("not_started", "on_track", "at_risk", "off_track", "done"), words, strict=True)
    )


def grow() -> tuple[tuple[str, str, str], ...]:
    """(field, label, one-line hint) for each part of a GROW conversation."""
    return (
        ("goal", _("Goal"), _("Goal: what do we want from this conversation?")),
        ("reality", _("Reality"), _("Reality: where do things stand now, and what shows it?")),
        ("options", _("Options"), _("Options: what could we do?")),
        ("will", _("Will"), _("Will: what will each of us do, and by when?")),
    )


def _multiline(value: str) -> str:
    """Escaped text with its line breaks kept."""
    return esc(value).replace("\n", "<br>")


def items_html(title: str, lines: Sequence[str]) -> str:
    """A titled list of already-escaped lines (empty when there are none)."""
    if not lines:
        return ""
    body = "".join(f"<li>{line}</li>" for line in lines)
    return f"<h4>{esc(title)}</h4><ul>{body}</ul>"


def newest_first(check_ins: Sequence[CheckIn]) -> list[CheckIn]:
    return sorted(check_ins, key=lambda c: (c.on, c.id or 0), reverse=True)


def hint(message: str) -> W.HTML:
    """A one-line hint under a heading or above an input."""
    return paragraph(message, "pmw-muted")


class ProgressRow:
    """The inputs for one objective's progress in the new check-in."""

    def __init__(self, number: int, title: str) -> None:
        self.number = number
        self.label = html_widget()
        self.percent = make(
            W.BoundedIntText,
            description=_("Objective {n} (%)").format(n=number),
            min=0,
            max=100,
            style=WIDE,
        )
        self.status = make(
            W.Dropdown,
            description=_("Status"),
            options=[(_("not discussed"), ""), *((w, s) for s, w in status_words().items())],
            style=WIDE,
        )
        self.evidence = text(_("Evidence"), placeholder=_("What shows the progress"))
        self.previous = 0
        inputs = make(W.HBox, children=[self.percent, self.status])
        self.box = make(W.VBox, children=[self.label, inputs, self.evidence], classes=("pmw-card",))
        self.retitle(title)

    def retitle(self, title: str) -> None:
        words = _("Objective {n}: {title}").format(n=self.number, title=title)
        self.label.value = f"<strong>{esc(words)}</strong>"

    def reset(self, previous: int) -> None:
        self.previous = previous
        self.percent.value = previous
        self.status.value = ""
        self.evidence.value = ""

    def load(self, progress: ObjectiveProgress | None) -> None:
        """Show ``progress`` (None: not discussed, at the previous percent)."""
        if progress is None:
            self.reset(self.previous)
            return
        self.percent.value = progress.percent
        self.status.value = progress.status
        self.evidence.value = progress.evidence

    def inputs(self) -> tuple[W.ValueWidget, ...]:
        """The inputs a person types in."""
        return (self.percent, self.status, self.evidence)

    def progress(self) -> ObjectiveProgress | None:
        """The progress typed in, None when the objective was not discussed."""
        if not self.status.value:
            if self.evidence.value.strip() or self.percent.value != self.previous:
                raise ValidationFailed(
                    _("choose a status for objective {n}, or leave its progress as it was").format(
                        n=self.number
                    )
                )
            return None
        return ObjectiveProgress(
            objective=self.number,
            percent=int(self.percent.value),
            status=self.status.value,
            evidence=self.evidence.value,
        )


def entry_html(c: CheckIn, state: WorkbookState) -> str:
    """One past check-in as HTML: its notes, progress, actions and amendments (escaped)."""
    notes = ((label, getattr(c, f)) for f, label, _h in grow())
    parts = [
        f"<p><strong>{esc(label)}:</strong> {_multiline(value)}</p>"
        for label, value in notes
        if value.strip()
    ]
    progress = []
    for p in c.progress:
        objective = state.objective(p.objective)
        line = _("Objective {n} {title}: {percent}%, {status}").format(
            n=p.objective,
            title=objective.title if objective else "",
            percent=p.percent,
            status=status_words().get(p.status, p.status),
        )
        if p.evidence.strip():
            line += _(" — evidence: {evidence}").format(evidence=p.evidence)
        progress.append(esc(line))
    amendments = []
    for a in c.amendments:
        what = _("Objective {n}").format(n=a.objective) if a.objective else _("No objective")
        line = _("{what}: {proposal} (reason: {reason})")
        amendments.append(esc(line.format(what=what, proposal=a.proposal, reason=a.reason)))
    body = "".join(parts)
    body += items_html(_("Progress"), progress)
    body += items_html(_("Actions carried forward"), [esc(a) for a in c.carried_forward])
    body += items_html(_("Proposed amendments"), amendments)
    return body or paragraph_html(_("No notes were written."))


def entry_title(c: CheckIn, names: Mapping[str, str]) -> str:
    """A past check-in's title: its date and who wrote it."""
    author = c.author or ""
    name = names.get(author, author or _("unknown"))
    return _("{date} — by {name}").format(date=format_date(c.on), name=name)


def progress_alt(series: Mapping[str, Sequence[tuple[dt.date, int]]]) -> str:
    """The progress chart in words."""
    return _("Progress at each check-in: {details}").format(
        details="; ".join(
            f"{label}: "
            + ", ".join(
                _("{percent}% on {date}").format(percent=pct, date=format_date(day))
                for day, pct in points
            )
            for label, points in series.items()
        )
    )
