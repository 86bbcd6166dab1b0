"""Three-way merge of a record: a save never reverts a change its author has not seen.

A person's form starts from the record as it was at some version (*base*). When they
save, someone else may have saved a newer version (*theirs*). Field by field:

- a field only the author changed (*mine* differs from base, theirs does not) takes
  *mine*;
- a field only the other person changed takes *theirs* (the stale value in the form
  is not a change of the author's, so it reverts nothing);
- a field both changed, to different values, is a :class:`FieldConflict`: the author
  is shown both and chooses. Nothing is stored until they do.

Lists of items that have a key (responsibilities by number, ratings by competency and
party, …) are merged item by item, and the items' fields one by one; other lists are
one value. The functions are pure: JSON-able values in, JSON-able values out.

Examples
--------
>>> base = {"title": "Clerk", "purpose": ""}
>>> mine = {"title": "Clerk", "purpose": "Keeps records"}
>>> theirs = {"title": "Office clerk", "purpose": ""}
>>> merge3(base, mine, theirs, "job_description")
({'title': 'Office clerk', 'purpose': 'Keeps records'}, ())
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .kinds import RecordKind

#: a place in a record: field names, and for an item of a keyed list its key (a tuple)
Path = tuple[Any, ...]

#: the lists of each record kind whose items are merged one by one, with their key fields
ITEM_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    RecordKind.JOB_DESCRIPTION: {"responsibilities": ("number",), "competencies": ("name",)},
    RecordKind.OBJECTIVE: {},
    RecordKind.COVERAGE_REASON: {},
    RecordKind.PLAN: {
        "ratings": ("competency", "by"),
        "actions": ("description",),
        "support": ("text",),
    },
    RecordKind.CHECK_IN: {"progress": ("objective",), "amendments": ("proposal",)},
    RecordKind.REVIEW: {"assessments": ("objective", "by")},
}

_ABSENT = object()


@dataclass(frozen=True)
class FieldConflict:
    """One place both people changed, to different values: the author chooses.

    ``base``, ``mine`` and ``theirs`` are the values there (None where an item is absent).
    """

    path: Path
    base: Any
    mine: Any
    theirs: Any


def _key(item: Any, fields: tuple[str, ...]) -> tuple[Any, ...] | None:
    if not isinstance(item, Mapping):
        return None
    values = tuple(item.get(f) for f in fields)
    return tuple(v.casefold() if isinstance(v, str) else v for v in values)


def _keyed(items: Sequence[Any], fields: tuple[str, ...]) -> dict[tuple[Any, ...], Any] | None:
    """Items by key, or None when some item has no key or two share one."""
    found: dict[tuple[Any, ...], Any] = {}
    for item in items:
        key = _key(item, fields)
        if key is None or key in found:
            return None
        found[key] = item
    return found


def merge3(base: Any, mine: Any, theirs: Any, kind: str) -> tuple[Any, tuple[FieldConflict, ...]]:
    """Merge ``mine`` (made from ``base``) into ``theirs``; conflicts take theirs for now.

    Parameters
    ----------
    base:
        The record as the author's form started from it (None if it did not exist).
    mine:
        What the author saves.
    theirs:
        The record as stored now (None if it was removed since).
    kind:
        The record kind (a key of :data:`ITEM_KEYS`).

    Returns
    -------
    tuple
        The merged record, and the conflicts (empty when the merge is clean). Where
        there is a conflict, the merged record holds *theirs* until the author chooses
        (:func:`choose`).
    """
    conflicts: list[FieldConflict] = []
    merged = _merge(base, mine, theirs, (), ITEM_KEYS.get(kind, {}), conflicts)
    return merged, tuple(conflicts)


def _merge(
    base: Any,
    mine: Any,
    theirs: Any,
    path: Path,
    lists: Mapping[str, tuple[str, ...]],
    conflicts: list[FieldConflict],
) -> Any:
    if mine == theirs:
        return mine
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    if isinstance(base, Mapping) and isinstance(mine, Mapping) and isinstance(theirs, Mapping):
        out: dict[str, Any] = {}
        for k in [*theirs, *(k for k in mine if k not in theirs)]:
            b, m, t = base.get(k, _ABSENT), mine.get(k, _ABSENT), theirs.get(k, _ABSENT)
            fields = lists.get(k) if not path else None
            if fields and all(isinstance(v, list) for v in (b, m, t)):
                value = _merge_items(b, m, t, (*path, k), fields, conflicts)
            else:
                value = _merge(b, m, t, (*path, k), {}, conflicts)
            if value is not _ABSENT:
                out[k] = value
        return out
    conflicts.append(FieldConflict(path, _none(base), _none(mine), _none(theirs)))
    return theirs


def _merge_items(
    base: list[Any],
    mine: list[Any],
    theirs: list[Any],
    path: Path,
    fields: tuple[str, ...],
    conflicts: list[FieldConflict],
) -> list[Any]:
    b, m, t = _keyed(base, fields), _keyed(mine, fields), _keyed(theirs, fields)
    if b is None or m is None or t is None:  # no usable keys: the list is one value
        return list(_merge(base, mine, theirs, path, {}, conflicts))
    out = []
    for key in [*t, *(k for k in m if k not in t)]:
        value = _merge(
            b.get(key, _ABSENT), m.get(key, _ABSENT), t.get(key, _ABSENT), (*path, key), {},
            conflicts,
        )  # fmt: skip
        if value is not _ABSENT:
            out.append(value)
    return out


def _none(value: Any) -> Any:
    return None if value is _ABSENT else value


def choose(merged: Any, conflict: FieldConflict, value: Any, kind: str) -> Any:
    """``merged`` with ``value`` (the author's choice) at the conflict's place.

    ``value`` None at an item's place removes the item.
    """
    return _put(merged, conflict.path, value, ITEM_KEYS.get(kind, {}), top=True)


def _put(
    record: Any, path: Path, value: Any, lists: Mapping[str, tuple[str, ...]], top: bool
) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, tuple) and isinstance(record, list):
        fields = lists.get("", ())
        out, found = [], False
        for item in record:
            if _key(item, fields) == head:
                found = True
                new = _put(item, rest, value, {}, False)
                if new is not None:
                    out.append(new)
            else:
                out.append(item)
        if not found and value is not None and not rest:
            out.append(value)
        return out
    current = dict(record or {})
    child = current.get(head)
    sub = {"": lists[head]} if top and head in lists else {}
    new = _put(child, rest, value, sub, False)
    if new is None and not rest:
        current.pop(head, None)
    else:
        current[head] = new
    return current
