"""What changed between two versions of a workbook's content, in words a manager reads.

Pure functions over the JSON of two versions: the agreement panel lists what changed
since the last agreed version, the history lists what each event changed, and a
conflict names the field both people changed. No widgets and no database here.

Examples
--------
>>> describe_changes("objective", {"title": "A", "weight": 20}, {"title": "A", "weight": 30})
['weight changed from 20% to 30%']
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from typing import Any

from .agreement import AgreementVersion
from .i18n import _, format_date
from .model import ASSESSMENT_LABELS, PARTIES

Item = Mapping[str, Any]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERCENT = frozenset({"weight", "share", "percent"})
_CODES = frozenset({"status", "kind"})
OBJECTIVE_FIELDS = ("title", "description", "responsibilities", "measure", "target", "due", "weight")  # fmt: skip


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; ``_()`` translates it where used."""
    return message


#: a list inside a shape: (field, key fields, item name, summary when added/removed, field order)
ListSpec = tuple[str, tuple[str, ...], str, str, tuple[str, ...]]
#: how each kind of content is compared: its plain fields in order, and its lists of items.
SHAPES: dict[str, tuple[tuple[str, ...], tuple[ListSpec, ...]]] = {
    "objectives": ((), (
        ("objectives", ("id",), N_("Objective {id}"), "{title}", OBJECTIVE_FIELDS),
        ("coverage_reasons", ("responsibility",),
         N_("Reason for leaving out responsibility {responsibility}"), "{reason}", ()),
    )),
    "objective": (OBJECTIVE_FIELDS, ()),
    "job_description": (("title", "purpose", "source"), (
        ("responsibilities", ("number",), N_("Responsibility {number}"), "{text}", ("text", "share")),
        ("competencies", ("name",), N_("Competency {name}"), N_("required level {required}"),
         ("description", "required")),
    )),
    "development_plan": ((), (
        ("ratings", ("competency", "by"), N_("{by}'s rating of {competency}"), N_("level {level}"), ()),
        ("actions", ("description",), N_("Action {description}"), "",
         ("kind", "gap", "objective", "due", "status")),
        ("support", ("text",), N_("Manager's support {text}"), "", ()),
    )),
    "review": (("development_outcomes", "next_cycle_focus"), (
        ("assessments", ("objective", "by"), N_("{by}'s assessment of objective {objective}"),
         "{level}", ("level", "comment")),
    )),
    "check_in": (("on", "goal", "reality", "options", "will", "carried_forward"), (
        ("progress", ("objective",), N_("Progress on objective {objective}"), N_("{percent}, {status}"),
         ("percent", "status", "evidence")),
        ("amendments", ("proposal",), N_("Amendment {proposal}"), "", ("objective", "reason")),
    )),
}  # fmt: skip
#: record kinds (as in the event log) whose shape has another name.
SHAPE_OF_KIND = {"plan": "development_plan"}


#: stored field names in words (translated when shown)
FIELD_LABELS = {
    "title": N_("title"), "description": N_("description"), "measure": N_("measure"),
    "responsibilities": N_("responsibilities served"), "target": N_("target"), "due": N_("due"),
    "weight": N_("weight"), "purpose": N_("purpose"), "source": N_("source"), "text": N_("text"),
    "share": N_("share of time"), "required": N_("required level"), "level": N_("level"),
    "anchors": N_("level description"), "comment": N_("comment"), "kind": N_("kind"),
    "gap": N_("competency gap"), "objective": N_("objective"), "status": N_("status"),
    "reason": N_("reason"), "development_outcomes": N_("development outcomes"),
    "next_cycle_focus": N_("focus for the next cycle"), "goal": N_("goal"), "on": N_("date"),
    "reality": N_("reality"), "options": N_("options"), "will": N_("will"),
    "percent": N_("progress"), "evidence": N_("evidence"), "proposal": N_("proposal"),
    "carried_forward": N_("actions carried forward"), "proposed_by": N_("proposed by"),
    "author": N_("author"),
}  # fmt: skip


def field_label(key: str) -> str:
    """A stored field's name in words."""
    label = FIELD_LABELS.get(key)
    return _(label) if label else key.replace("_", " ")


def describe_value(key: str, value: Any) -> str:
    """A stored value in words: dates formatted, percentages with %, text in quotes."""
    if _empty(value):
        return _("nothing")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            pass
    if key in _PERCENT and isinstance(value, int):
        return f"{value}%"
    if key == "level" and value in ASSESSMENT_LABELS:
        return _(ASSESSMENT_LABELS[value])
    if key == "by" and value in PARTIES:
        return _("Employee") if value == "employee" else _("Manager")
    if key in _CODES and isinstance(value, str):
        return _(value.replace("_", " "))
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(describe_value(key, v) for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def field_changes(
    old: Item, new: Item, order: Sequence[str] = (), skip: Iterable[str] = ()
) -> list[str]:
    """One phrase per field that differs: "due changed from 31 Dec 2026 to 28 Feb 2027"."""
    skipped = set(skip)
    keys = [k for k in order if (k in old or k in new) and k not in skipped]
    keys += sorted(k for k in {*old, *new} if k not in keys and k not in skipped)
    out = []
    for k in keys:
        a, b = old.get(k), new.get(k)
        label = field_label(k)
        if a == b:
            continue
        if isinstance(a, dict | None) and isinstance(b, dict | None):
            out += [f"{label} {change}" for change in field_changes(a or {}, b or {})]
        elif _empty(a):
            out.append(_("{field} set to {new}").format(field=label, new=describe_value(k, b)))
        elif _empty(b):
            out.append(
                _("{field} cleared (was {old})").format(field=label, old=describe_value(k, a))
            )
        else:
            was, now = describe_value(k, a), describe_value(k, b)
            out.append(
                _("{field} changed from {old} to {new}").format(field=label, old=was, new=now)
            )
    return out


def _name(template: str, item: Item, capital: bool = True) -> str:
    text = _(template).format(**{k: describe_value(k, v) for k, v in item.items()})
    return text[:1].upper() + text[1:] if capital else text


def keyed_changes(
    old_items: Iterable[Item], new_items: Iterable[Item], spec: ListSpec
) -> list[str]:
    """Items matched by their key: "Objective 4 added: …", "Objective 3 removed: …", "Objective 2: …"."""
    _field, keys, name, summary, order = spec

    def key(item: Item) -> tuple[Any, ...]:
        return tuple(
            str(item.get(k)).casefold() if isinstance(item.get(k), str) else item.get(k)
            for k in keys
        )

    old = {key(i): i for i in old_items}
    new = {key(i): i for i in new_items}
    ordered = [*old, *(k for k in new if k not in old)]
    with suppress(TypeError):
        ordered.sort()
    out = []
    for k in ordered:
        item = new[k] if k in new else old[k]
        if k not in old or k not in new:
            text = (_("{item} added") if k not in old else _("{item} removed")).format(
                item=_name(name, item)
            )
            out.append(f"{text}: {_name(summary, item, False)}" if summary else text)
            continue
        changes = field_changes(old[k], new[k], order, keys)
        if changes:
            out.append(
                _("{item}: {changes}").format(item=_name(name, item), changes="; ".join(changes))
            )
    return out


def text_diff(old: Any, new: Any) -> list[str]:
    """Line differences of pretty-printed JSON: the fallback when no shape fits."""

    def lines(v: Any) -> list[str]:
        return json.dumps(v, indent=2, sort_keys=True, ensure_ascii=False).splitlines()

    diff = difflib.unified_diff(lines(old), lines(new), lineterm="", n=0)
    return [d for d in diff if not d.startswith(("---", "+++", "@@"))]


def describe_changes(shape: str, old: Any, new: Any) -> list[str]:
    """The differences between two versions of some content, in words.

    ``shape`` is an agreement subject ("objectives", "job_description", …) or a
    record kind of the event log ("objective", "plan", "check_in", …). Content of
    an unknown shape falls back to a line diff of its JSON.
    """
    if old == new:
        return []
    found: list[str] = []
    try:
        fields, lists = SHAPES[SHAPE_OF_KIND.get(shape, shape)]
        a, b = old or {}, new or {}
        found = field_changes(a, b, fields, [spec[0] for spec in lists])
        for spec in lists:
            found += keyed_changes(a.get(spec[0]) or [], b.get(spec[0]) or [], spec)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        found = []
    return found or text_diff(old, new)


def last_agreed(
    version: AgreementVersion | None, events: Iterable[Any], subject: str
) -> tuple[int, str] | None:
    """(number, canonical JSON) of the latest agreed version of ``subject``, if any.

    The current version's frozen text when it is agreed; otherwise the latest
    ``agreement.agreed`` event before it in the log (the state holds only the
    latest version per subject).
    """
    if version is not None and version.agreed and version.agreed_canonical is not None:
        return version.number, version.agreed_canonical
    best: tuple[int, str] | None = None
    for e in events:
        after = e.after
        if e.entity != "agreement" or e.action != "agreement.agreed" or not isinstance(after, dict):
            continue
        number, text = int(after.get("number") or 0), after.get("agreed_canonical")
        if after.get("subject") != subject or not text:
            continue
        if version is not None and number >= version.number:
            continue
        if best is None or number > best[0]:
            best = (number, text)
    return best


def changes_since_agreed(subject: str, agreed_canonical: str, content: Any) -> list[str]:
    """What changed in ``content`` since the agreed version whose canonical JSON is given.

    Examples
    --------
    >>> changes_since_agreed("objectives", '{"objectives": []}', {"objectives": [
    ...     {"id": 1, "title": "Cut delays", "weight": 50}]})
    ['Objective 1 added: “Cut delays”']
    """
    return describe_changes(subject, json.loads(agreed_canonical), content)
