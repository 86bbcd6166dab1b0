"""Saying in words what an event did: "changed objective 2 “Cut delays”"."""

from __future__ import annotations

from typing import Any

from .i18n import _
from .kinds import RecordKind
from .model import Stage

#: how each kind of record is named; "{n}" is its number within the workbook.
_RECORD_NAMES: dict[str, str] = {
    RecordKind.OBJECTIVE: "objective {n}",
    RecordKind.CHECK_IN: "check-in {n}",
    RecordKind.COVERAGE_REASON: "the reason for leaving out responsibility {n}",
    RecordKind.NOTE: "a private note",
    RecordKind.JOB_DESCRIPTION: "the job description",
    RecordKind.PLAN: "the development plan",
    RecordKind.REVIEW: "the review",
}
_VERBS = {"added": "added", "updated": "changed", "removed": "removed"}
_SUBJECTS = {
    "job_description": "the job description",
    "objectives": "the objectives",
    "development_plan": "the development plan",
    "review": "the review",
}


def describe_change(action: str, entity_key: str, content: Any = None) -> str:
    """What an event did, as a phrase to follow a person's name.

    Parameters
    ----------
    action:
        The event's action, e.g. ``objective.updated`` or ``agreement.agreed``.
    entity_key:
        The event's key, e.g. ``3/objective/2`` or ``3/objectives/1``.
    content:
        The event's after (or before) state, used for titles and stages.
    """
    kind, _dot, verb = action.partition(".")
    parts = entity_key.split("/")
    if kind == "workbook":
        if verb == "created":
            return _("opened the workbook")
        stage = (content or {}).get("stage")
        label = Stage(stage).label if stage in {s.value for s in Stage} else str(stage)
        return _("moved the workbook to {stage}").format(stage=label)
    if kind == "agreement" and len(parts) >= 3:
        subject = _(_SUBJECTS.get(parts[1], parts[1].replace("_", " ")))
        words = {
            "confirmed": _("confirmed {subject} (version {n})"),
            "agreed": _("confirmed {subject}, and both have now agreed version {n}"),
            "reopened": _("reopened {subject} as version {n}"),
        }.get(verb, _("changed the agreement on {subject} (version {n})"))
        return words.format(subject=subject, n=parts[2])
    if kind in ("person", "job"):
        return _("{verb} {kind} {key}").format(
            verb=_(_VERBS.get(verb, verb)), kind=kind, key=entity_key
        )
    number = parts[-1]
    name = _(_RECORD_NAMES.get(kind, kind.replace("_", " ") + " {n}")).format(n=number)
    inner = (content or {}).get("content", content) if isinstance(content, dict) else None
    if isinstance(inner, dict) and inner.get("title") and kind == RecordKind.OBJECTIVE:
        name += f" “{inner['title']}”"
    return f"{_(_VERBS.get(verb, verb))} {name}"
