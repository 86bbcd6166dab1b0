"""The tidy pandas frames, built from the plain rows of :mod:`.summaries` and
:mod:`.reading`. pandas is imported only when a frame is built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...domain.model import Workbook
from ...store import Store, many
from ..api import Services
from .columns import (
    ACTION_COLUMNS,
    CHECK_IN_COLUMNS,
    EVENT_COLUMNS,
    OBJECTIVE_COLUMNS,
    WORKBOOK_COLUMNS,
    WorkbookSummary,
)
from .reading import action_rows, check_in_rows, objective_rows, read_events
from .summaries import read_summaries

if TYPE_CHECKING:
    import pandas as pd


class Frames:
    """The tidy frames of every workbook one person may see (columns: see the package).

    ``workbooks`` is built at once; ``objectives``, ``events``, ``check_ins`` and
    ``actions`` are read when first used, for the same workbooks.
    """

    def __init__(
        self,
        workbooks: pd.DataFrame,
        today: dt.date,
        others: Callable[[str], pd.DataFrame],
    ) -> None:
        self.workbooks = workbooks
        #: the day "overdue" was judged against.
        self.today = today
        self._others = others
        self._built: dict[str, pd.DataFrame] = {}

    def _get(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            self._built[name] = self._others(name)
        return self._built[name]

    @property
    def objectives(self) -> pd.DataFrame:
        """One row per objective."""
        return self._get("objectives")

    @property
    def events(self) -> pd.DataFrame:
        """One row per event of the visible workbooks, oldest first (no private notes)."""
        return self._get("events")

    @property
    def check_ins(self) -> pd.DataFrame:
        """One row per check-in."""
        return self._get("check_ins")

    @property
    def actions(self) -> pd.DataFrame:
        """One row per development action."""
        return self._get("actions")


def frames(services: Services, today: dt.date | None = None) -> Frames:
    """Tidy frames of the workbooks ``services`` may see.

    Parameters
    ----------
    services:
        The services of the person looking; only their workbooks are read.
    today:
        The day to judge overdue check-ins against (default: today).

    Returns
    -------
    Frames
        Workbooks, objectives, events, check-ins and development actions. The
        ``workbooks`` frame holds the rows of
        :func:`~pmwidgets.services.frames.workbook_summaries`, typed.

    Examples
    --------
    >>> f = frames(Services(store, "kwalsh"))  # doctest: +SKIP
    >>> f.workbooks[f.workbooks.overdue_check_in][["employee", "next_check_in_due"]]  # doctest: +SKIP
    """
    today = today or dt.date.today()
    got = read_summaries(services, today)
    workbooks = summaries_frame(got.rows)
    return Frames(workbooks, today, _Later(services.store, got.headers, got.names).frame)


def summaries_frame(rows: Sequence[WorkbookSummary]) -> pd.DataFrame:
    """The ``workbooks`` frame of these summaries (typed; one row each, in order).

    Parameters
    ----------
    rows:
        Summaries from :func:`~pmwidgets.services.frames.workbook_summaries`.

    Returns
    -------
    pandas.DataFrame
        Exactly the columns of :data:`WORKBOOK_COLUMNS`, each of its dtype.
    """
    data: dict[str, list[Any]] = {c: [] for c in WORKBOOK_COLUMNS}
    if rows:
        data = dict(zip(WorkbookSummary._fields, map(list, zip(*rows, strict=True)), strict=True))
    return typed_columns(data, WORKBOOK_COLUMNS)


class _Later:
    """The frames other than ``workbooks``, read when first asked for (the objectives,
    check-ins and actions together, from one reading of the workbooks' states)."""

    def __init__(self, store: Store, headers: Sequence[Workbook], names: Mapping[str, str]) -> None:
        self.store, self.headers, self.names = store, headers, names
        self._rows: dict[str, list[dict[str, Any]]] | None = None

    def frame(self, name: str) -> pd.DataFrame:
        if name == "events":
            return typed_frame(read_events(self.store, self.headers, self.names), EVENT_COLUMNS)
        if self._rows is None:
            self._rows = self._detail_rows()
        columns = {"objectives": OBJECTIVE_COLUMNS, "check_ins": CHECK_IN_COLUMNS}
        return typed_frame(self._rows[name], columns.get(name, ACTION_COLUMNS))

    def _detail_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The rows of the three frames, in the order of the headers (by workbook id), each
        workbook's state let go once its rows are made."""
        rows: dict[str, list[dict[str, Any]]] = {"objectives": [], "check_ins": [], "actions": []}
        with many.uncollected():
            for state in many.each_state(self.store, [h.id or 0 for h in self.headers]):
                rows["objectives"].extend(objective_rows(state))
                rows["check_ins"].extend(check_in_rows(state, self.names))
                rows["actions"].extend(action_rows(state))
        return rows


# --- typing -------------------------------------------------------------------------


def typed_frame(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A frame with exactly ``columns``, in order, each of its declared dtype."""
    return typed_columns({name: [r.get(name) for r in rows] for name in columns}, columns)


def typed_columns(data: Mapping[str, list[Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A frame of the value lists in ``data``: exactly ``columns``, each of its declared dtype."""
    import pandas as pd

    typed: dict[str, pd.Series] = {}
    for name, dtype in columns.items():
        values = data[name]
        if dtype.startswith("datetime64[ns,"):
            series = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        elif dtype.startswith("datetime64"):
            series = pd.to_datetime(pd.Series(values, dtype=object))
        else:
            series = pd.Series(values, dtype=object)
        typed[name] = series.astype(dtype)
    return pd.DataFrame(typed, columns=list(columns))
