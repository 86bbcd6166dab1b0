"""Report rows cached per workbook, per database and language, under the workbook's
latest event.

A report's row of one workbook (the ``workbooks`` frame's, say) depends only on the
workbook's own stored content, so it is cached under the hash of the workbook's latest
event (not its version: a database put back from a copy reaches the same versions with
other content), as the workbooks' content is (:mod:`.workbooks`). A reading first
compares the event chain's head, so when nothing was written nothing is read;
otherwise one indexed query finds the workbooks that moved. The rows are also kept in
a file for the next kernel (:mod:`.files`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...domain.i18n import current_language
from ...domain.model import Workbook
from .. import many
from ..engine import sqlite_path
from . import files

if TYPE_CHECKING:
    from ..store import Store

#: databases whose rows are cached (the most recently used).
_DATABASES = 4


@dataclass(frozen=True)
class CachedRow:
    """A workbook's row (the values a report caches), as of its latest event."""

    key: str
    version: int
    values: tuple[Any, ...]


@dataclass
class RowCache:
    """The rows cached for one database and language."""

    rows: dict[int, CachedRow] = field(default_factory=dict)
    #: the event chain's head when every cached row was last checked against the log.
    head: tuple[int, str] | None = None
    #: every workbook's header and every person's name, as of the chain's head then
    #: (adding or renaming a person, like every write, moves the head).
    everything: tuple[tuple[int, str] | None, list[Workbook], dict[str, str]] | None = None
    #: the file the rows are also kept in, for the next kernel (None: in memory only)
    disk: Path | None = None
    #: what each row's values are (the file says so too, and is ignored if they differ)
    fields: tuple[str, ...] = ()
    #: which of them are dates (the file holds them as ISO text)
    dates: frozenset[str] = frozenset()

    def save(self) -> None:
        """Keep the rows on disk too (see :mod:`.files`)."""
        if self.disk is not None:
            files.save(self.disk, self.fields, self.rows, self.head)

    def everything_at(
        self, head: tuple[int, str] | None, store: Store | None = None
    ) -> tuple[list[Workbook], dict[str, str]] | None:
        """Every header and name as of the chain's head ``head``, if they were read then,
        or (given the ``store``) caught up from the events written since they were read:
        the headers of the workbooks those moved, and every name again."""
        if self.everything is None:
            return None
        then, headers, names = self.everything
        if then == head:
            return headers, names
        if store is None or then is None or head is None:
            return None
        moved = many.moved_since(store, then)
        if moved is None:  # the database was put back from a copy: read it all again
            return None
        if moved:
            merged = {h.id or 0: h for h in headers}
            merged.update((h.id or 0, h) for h in many.headers_of(store, sorted(moved)))
            headers = [merged[i] for i in sorted(merged)]
        names = store.person_names()  # someone may have been added
        self.everything = (head, headers, names)
        return headers, names

    def stale(
        self, store: Store, head: tuple[int, str] | None, headers: Sequence[Workbook]
    ) -> list[Workbook]:
        """The workbooks among ``headers`` whose cached row is missing or out of date.

        Nothing was written since the last check when the chain's head (read before
        ``headers``) is where it was; otherwise the events after the last check say which
        workbooks moved (a few rows, however many workbooks there are), or, when that
        head is no longer in the chain, each workbook's latest event says whether it
        changed.
        """
        moved = (
            None if self.head is None or head == self.head else many.moved_since(store, self.head)
        )
        if moved is not None:
            for wb_id, key in moved.items():
                row = self.rows.get(wb_id)
                if row is not None and row.key != key:
                    del self.rows[wb_id]
            self.head = head
        elif head != self.head:
            if not self.rows:  # nothing kept to check (a first read): every row is read anyway
                self.head = head
            elif len(headers) > many.IN_LIMIT:  # reading every key costs no more: check them all
                keys = many.latest_events(store, None)
                self.rows = {i: r for i, r in self.rows.items() if keys.get(i, "") == r.key}
                self.head = head
            else:
                keys = many.latest_events(store, [h.id or 0 for h in headers])
                for h in headers:
                    row = self.rows.get(h.id or 0)
                    if row is not None and row.key != keys.get(h.id or 0, ""):
                        del self.rows[h.id or 0]
        return [
            h for h in headers if (r := self.rows.get(h.id or 0)) is None or r.version != h.version
        ]


_CACHES: OrderedDict[tuple[str, str], RowCache] = OrderedDict()


def row_cache(
    store: Store, fields: tuple[str, ...] = (), dates: frozenset[str] = frozenset()
) -> RowCache:
    """The rows cached for this database and the current language (``fields``: what a
    row holds, ``dates``: which of them are dates).

    A kernel's first call starts from the rows an earlier one kept on disk (for a
    database file or server; an in-memory database gets new, empty rows each time).
    """
    if sqlite_path(store.url) is None and store.url.startswith("sqlite"):
        return RowCache()  # every in-memory database is a different one
    key = (store.url, current_language())
    cache = _CACHES.pop(key, None)
    if cache is None:
        cache = RowCache(fields=fields, dates=dates)
        if fields:
            cache.disk = files.cache_file(store.url, key[1])
            loaded, cache.head = files.load(cache.disk, fields, dates)
            cache.rows = {wb: CachedRow(*row) for wb, row in loaded.items()}
    _CACHES[key] = cache  # most recently used last
    while len(_CACHES) > _DATABASES:
        _CACHES.popitem(last=False)
    return cache


def forget_rows(disk: bool = True) -> None:
    """Drop every cached row (the next reading reads everything again); with
    ``disk=False`` only this kernel's, as if it had just started."""
    _CACHES.clear()
    if disk:
        files.forget()
