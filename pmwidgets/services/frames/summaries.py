"""The ``workbooks`` rows as plain Python values: what the dashboard needs, without pandas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from ...domain.model import Role, Workbook
from ...store import CachedRow, Store, forget_rows, many, row_cache
from ..api import Services
from .columns import CHECK_IN_VALUES, WORKBOOK_COLUMNS, WorkbookSummary
from .reading import Words, visible, visible_among, workbook_row

#: the fields named or judged on every call rather than cached: people may be renamed,
#: and "overdue" depends on the day.
_LIVE = ("employee", "manager", "coach", "overdue_check_in")
#: rows read in one call worth writing to disk for the next kernel (fewer read fast).
SAVE_AFTER = 200
#: the fields cached between calls, in order, and those of them that are dates.
ROW_FIELDS = tuple(f for f in WorkbookSummary._fields if f not in _LIVE)
_DATES = frozenset(f for f in ROW_FIELDS if WORKBOOK_COLUMNS[f].startswith("datetime"))
#: a row's cached values, in the order of :data:`ROW_FIELDS`.
_VALUES = itemgetter(*ROW_FIELDS)
_EMPLOYEE, _MANAGER, _COACH, _STAGE, _DUE = map(
    ROW_FIELDS.index, ("employee_id", "manager_id", "coach_id", "stage", "next_check_in_due")
)


def _summary(
    v: Sequence[Any], employee: str, manager: str, coach: str | None, overdue: bool
) -> WorkbookSummary:
    """A summary of the cached values ``v`` (:data:`ROW_FIELDS`) and the live ones, each in
    its place (checked below, at import)."""
    return WorkbookSummary._make(
        (v[0], v[1], employee, v[2], manager, v[3], coach, *v[4:16], overdue, *v[16:])
    )


if _summary(ROW_FIELDS, *_LIVE) != WorkbookSummary._fields:  # type: ignore[arg-type]
    raise AssertionError("_summary() puts a field out of place")


class Summaries(NamedTuple):
    """What one reading gives: the rows, and the headers and names the other frames need."""

    rows: list[WorkbookSummary]
    headers: list[Workbook]
    names: dict[str, str]


def read_summaries(services: Services, today: dt.date) -> Summaries:
    """The summaries of the workbooks ``services`` may see, read through the store's row
    cache."""
    store = services.store
    cached = row_cache(store, ROW_FIELDS, _DATES)
    me, facilitator = services.me, services.facilitator
    head = many.chain_head(store)  # before the headers: a write in between is seen next time
    known = cached.everything_at(head, store)
    if known is not None:  # nothing written since every header and name were read
        headers, names = visible_among(known[0], me, facilitator), known[1]
    else:
        headers, names = visible(store, me, facilitator), store.person_names()
        if Role.ADMIN in me.roles and facilitator is None:  # these are every header
            cached.everything = (head, headers, names)
    stale = cached.stale(store, head, headers)
    if stale:
        cached.rows.update(read_rows(store, stale))
    if len(stale) >= SAVE_AFTER:  # worth keeping for the next kernel (after the snapshot)
        cached.save()
    rows = [_live(cached.rows[h.id or 0].values, names, today) for h in headers]
    return Summaries(rows, headers, names)


def read_rows(store: Store, headers: Sequence[Workbook]) -> dict[int, CachedRow]:
    """The rows of these workbooks to cache, read in a few queries whatever their number.

    Each row's key (its workbook's latest event) is read before the content: a write
    landing in between makes the row newer than its key, so it is read again next time.
    Each workbook's state is let go once its row is made (see :func:`.many.each_state`).
    """
    ids = [h.id or 0 for h in headers]
    keys = many.latest_events(store, ids)
    counts = many.contributions(store, ids)
    rows: dict[int, CachedRow] = {}
    words: Words = {}
    with many.uncollected():
        for state in many.each_state(store, ids):
            wb_id = state.workbook.id or 0
            row = workbook_row(state, counts[wb_id], words)
            values = _VALUES(row)
            rows[wb_id] = CachedRow(keys.get(wb_id, ""), int(row["version"]), values)
    return rows


def _live(v: tuple[Any, ...], names: Mapping[str, str], today: dt.date) -> WorkbookSummary:
    employee_id, manager_id, coach_id = v[_EMPLOYEE], v[_MANAGER], v[_COACH]
    return _summary(
        v,
        names.get(employee_id, employee_id),
        names.get(manager_id, manager_id),
        names.get(coach_id, coach_id) if coach_id else None,
        v[_STAGE] in CHECK_IN_VALUES and v[_DUE] < today,
    )


def workbook_summaries(services: Services, today: dt.date | None = None) -> list[WorkbookSummary]:
    """One summary per workbook ``services`` may see, by workbook number: the rows of the
    ``workbooks`` frame as plain Python values, read without pandas.

    Parameters
    ----------
    services:
        The services of the person looking; only their workbooks are read.
    today:
        The day to judge overdue check-ins against (default: today).

    Returns
    -------
    list of WorkbookSummary
        The same values as :func:`~pmwidgets.services.frames.frames`' ``workbooks``
        frame, row for row; None where the frame has ``<NA>`` or ``NaT``, dates as
        :class:`datetime.date`. Rows are cached between calls, in the store (see
        :mod:`pmwidgets.store.cache`).

    Examples
    --------
    >>> rows = workbook_summaries(Services(store, "kwalsh"))  # doctest: +SKIP
    >>> [(r.employee, r.next_check_in_due) for r in rows if r.overdue_check_in]  # doctest: +SKIP
    """
    return read_summaries(services, today or dt.date.today()).rows


def warm(store: Store) -> int:
    """Read every workbook's row once (at start-up), so that the first
    :func:`workbook_summaries` or :func:`~pmwidgets.services.frames.frames` call of a
    person reads only what changed since; needs no pandas.

    Parameters
    ----------
    store:
        The database to read.

    Returns
    -------
    int
        The number of workbooks read.
    """
    return len(workbook_summaries(Services.operator(store)))


def forget(disk: bool = True) -> None:
    """Drop every cached row (the next call of :func:`~pmwidgets.services.frames.frames` or
    :func:`workbook_summaries` reads everything again); with ``disk=False`` only this
    kernel's, as if it had just started."""
    forget_rows(disk)
