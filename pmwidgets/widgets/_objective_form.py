"""What :class:`~.objective_editor.ObjectiveEditor` says about its fields: gaps and SMART feedback."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.i18n import _
from ..domain.model import JobDescription, Objective
from ..domain.rules import Finding
from .base import check_line, esc, paragraph_html

_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")
#: the fields of the form, in its order (and the fields a template may fill in)
FIELDS = ("title", "description", "responsibilities", "measure", "target", "due", "weight")


class WeightText(W.Text):
    """The weight typed as text, so that it can be empty: no weight is invented.

    A number set from Python (``editor.weight.value = 20``) is kept as its text.
    """

    value = T.CUnicode("", help="The weight in percent, as typed").tag(sync=True)


def typed_weight(typed_value: object) -> tuple[int | None, str | None]:
    """The weight typed, or None with what is wrong with it (None, None: empty)."""
    typed = str(typed_value).strip().removesuffix("%").strip()
    if not typed:
        return None, None
    if not _WHOLE_NUMBER.fullmatch(typed) or not 1 <= int(typed) <= 100:
        shown = typed if len(typed) <= 20 else typed[:19] + "…"
        return None, _("the weight must be a whole number from 1 to 100, not “{v}”").format(v=shown)
    return int(typed), None


def missing(values: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """What the fields' ``values`` still lack, in plain words, all at once, in the form's order.

    Returns
    -------
    list of (sentence, needed_to_save)
        ``needed_to_save`` is False for what the objective needs before it can
        be agreed but may be saved without (its measure and target).
    """
    gaps: list[tuple[str, bool]] = []
    if not str(values["title"]).strip():
        gaps.append((_("give the objective a title"), True))
    if not values["responsibilities"]:
        gaps.append((_("choose the responsibilities it serves"), True))
    if not str(values["measure"]).strip():
        gaps.append((_("add a measure before agreeing: how progress will be seen"), False))
    if not str(values["target"]).strip():
        gaps.append(
            (_("add a target before agreeing: a number, a date or a yes/no outcome"), False)
        )
    if values["due"] is None:
        gaps.append((_("choose a due date inside the cycle"), True))
    weight, problem = typed_weight(values["weight"])
    if weight is None:
        gaps.append((problem or _("give it a weight from 1 to 100 (%)"), True))
    return gaps


def feedback_html(gaps: Sequence[str], findings: Sequence[Finding], measured: bool) -> str:
    """What is still missing, then the SMART feedback (``measured``: a measure and a
    target are typed, so a finding about them is not said twice)."""
    parts = []
    if gaps:
        parts.append("<div class='pmw-smart-missing'>{}</div>".format(esc(_("Not complete yet:"))))
        parts += [check_line(False, gap) for gap in gaps]
    if findings:
        shown = [f for f in findings if measured or f.criterion != "measurable"]
        score = sum(f.ok for f in findings)
        parts.append(f"<div class='pmw-smart-score'>{score}/5 SMART</div>")
        parts += [check_line(f.ok, f.message) for f in shown]
    return "".join(parts)


def untouched_html() -> str:
    """What an empty new objective shows before anyone types."""
    return paragraph_html(
        _(
            "Fill in the objective: what is still missing, and the SMART feedback, "
            "appear here as you type."
        )
    )


def follow(
    mine: Mapping[str, Any], loaded: Mapping[str, Any], stored: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """Fields untouched here follow what was stored; typed ones are kept.

    Parameters
    ----------
    mine:
        What each field holds now.
    loaded:
        What each field held when it last matched the stored objective.
    stored:
        The stored objective's fields now.

    Returns
    -------
    (fields to set, what each field now matches, whether a field both changed)
    """
    updates: dict[str, Any] = {}
    matched = dict(loaded)
    conflict = False
    for name, theirs in stored.items():
        now, before = mine[name], loaded.get(name)
        if now == before and theirs != before:
            updates[name] = matched[name] = theirs
        elif now != before and theirs != before and theirs != now:
            conflict = True
        else:
            matched[name] = theirs if now == theirs else before
    return updates, matched, conflict


def field_values(objective: Objective, job: JobDescription | None) -> dict[str, Any]:
    """What each field of the form shows for ``objective`` (of a job with ``job``'s
    responsibilities: one the job no longer has is not shown as chosen)."""
    return {
        "title": objective.title,
        "description": objective.description,
        "responsibilities": tuple(
            n for n in objective.responsibilities if job and job.responsibility(n)
        ),
        "measure": objective.measure,
        "target": objective.target,
        "due": objective.due,
        "weight": str(objective.weight),
    }
