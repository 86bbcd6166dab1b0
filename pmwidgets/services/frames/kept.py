"""Workbook rows kept between calls, per database and language.

A workbook's row depends only on its own stored content, so it is kept under the
hash of the workbook's latest event (not its version: a database put back from a
copy reaches the same versions with other content). A call first compares the
event chain's head, so when nothing was written nothing is read; otherwise one
indexed query finds the workbooks that moved.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...domain.i18n import current_language
from ...domain.model import Workbook
from ...store import Store, many, sqlite_path
from . import on_disk

#: databases whose rows are kept between calls (the most recently used).
_KEEP_DATABASES = 4


@dataclass(frozen=True)
class Kept:
    """A workbook's row (the values :mod:`.summaries` keeps), as of its latest event."""

    key: str
    version: int
    values: tuple[Any, ...]


@dataclass
class KeptRows:
    """The rows kept for one database and language."""

    rows: dict[int, Kept] = field(default_factory=dict)
    #: the event chain's head when every kept row was last checked against the log.
    head: tuple[int, str] | None = None
    #: every workbook's header and every person's name, as of the chain's head then
    #: (adding or renaming a person, like every write, moves the head).
    everything: tuple[tuple[int, str] | None, list[Workbook], dict[str, str]] | None = None
    #: the file the rows are also kept in, for the next kernel (None: in memory only)
    disk: Path | None = None
    #: what each row's values are (the file says so too, and is ignored if they differ)
    fields: tuple[str, ...] = ()

    def save(self) -> None:
        """Keep the rows on disk too (see :mod:`.on_disk`)."""
        if self.disk is not None:
            on_disk.save(self.disk, self.fields, self.rows)

    def everything_at(
        self, head: tuple[int, str] | None
    ) -> tuple[list[Workbook], dict[str, str]] | None:
        """Every header and name, if they were read when the chain's head was ``head``."""
        if self.everything is None or self.everything[0] != head:
            return None
        return self.everything[1], self.everything[2]

    def stale(
        self, store: Store, head: tuple[int, str] | None, headers: Sequence[Workbook]
    ) -> list[Workbook]:
        """The workbooks among ``headers`` whose kept row is missing or out of date.

        Nothing was written since the last check when the chain's head (read before
        ``headers``) is where it was; otherwise each workbook's latest event says
        whether it changed.
        """
        if head != self.head:
            if len(headers) > many.IN_LIMIT:  # reading every key costs no more: check them all
                keys = many.latest_events(store, None)
                self.rows = {i: k for i, k in self.rows.items() if keys.get(i, "") == k.key}
                self.head = head
            else:
                keys = many.latest_events(store, [h.id or 0 for h in headers])
                for h in headers:
                    kept = self.rows.get(h.id or 0)
                    if kept is not None and kept.key != keys.get(h.id or 0, ""):
                        del self.rows[h.id or 0]
        return [
            h for h in headers if (k := self.rows.get(h.id or 0)) is None or k.version != h.version
        ]


_KEPT: OrderedDict[tuple[str, str], KeptRows] = OrderedDict()


def kept_rows(store: Store, fields: tuple[str, ...] = ()) -> KeptRows:
    """The rows kept for this database and language (``fields``: what a row holds).

    A kernel's first call starts from the rows kept on disk by an earlier one (for a
    database file or server; an in-memory database gets new, empty rows each time).
    """
    if sqlite_path(store.url) is None and store.url.startswith("sqlite"):
        return KeptRows()  # every in-memory database is a different one
    key = (store.url, current_language())
    kept = _KEPT.pop(key, None)
    if kept is None:
        kept = KeptRows(fields=fields)
        if fields:
            kept.disk = on_disk.cache_file(store, key[1])
            loaded = on_disk.load(kept.disk, fields)
            kept.rows = {
                wb: Kept(k, version, values) for wb, (k, version, values) in loaded.items()
            }
    _KEPT[key] = kept  # most recently used last
    while len(_KEPT) > _KEEP_DATABASES:
        _KEPT.popitem(last=False)
    return kept


def forget(disk: bool = True) -> None:
    """Drop every kept row (the next call of :func:`~pmwidgets.services.frames.frames` or
    :func:`~pmwidgets.services.frames.workbook_summaries` reads everything again); with
    ``disk=False`` only this kernel's, as if it had just started."""
    _KEPT.clear()
    if disk:
        on_disk.forget()
