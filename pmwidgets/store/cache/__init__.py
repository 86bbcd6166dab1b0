"""The store's one cache, keyed by the head of the event chain.

Every write appends an event, and an event's hash covers the whole chain before it,
so the hash of a workbook's latest event names its content: whatever is cached under
it is served only while it is still the latest (another process's write, a bulk load
or a backup put back change it). Two things are cached that way:

- :mod:`.workbooks`: the content a store last read or wrote of each of the few
  workbooks it works on, so that a page reads its workbook again cheaply;
- :mod:`.rows`: the reports' rows of every workbook (the ``workbooks`` frame's), per
  database and language, so that a report reads again only the workbooks that moved
  (when the chain's head has not moved, nothing); also in a file for the next kernel
  (:mod:`.files`).
"""

from .rows import CachedRow, RowCache, forget_rows, row_cache
from .workbooks import Cached, Record, WorkbookCache, read_content, read_header

__all__ = [
    "Cached",
    "CachedRow",
    "Record",
    "RowCache",
    "WorkbookCache",
    "forget_rows",
    "read_content",
    "read_header",
    "row_cache",
]
