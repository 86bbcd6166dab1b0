"""Storage: SQLAlchemy models, the :class:`Store`, the hash-chained event log, migrations.

Depends on :mod:`pmwidgets.domain` only. What is exported here is the store's whole
interface: the layers above import nothing else of it (not its engines, its writer's
module or its ORM rows).
"""

from . import many, sessions
from .cache import CachedRow, RowCache, forget_rows, row_cache
from .engine import sqlite_path
from .errors import (
    Change,
    InvalidEntry,
    MissingEntry,
    SchemaOutOfDate,
    StaleWrite,
    StoreError,
)
from .rows import PrivateNotes
from .store import Event, Store
from .verify import VerifyReport
from .writer import WorkbookWriter

__all__ = [
    "CachedRow",
    "Change",
    "Event",
    "InvalidEntry",
    "MissingEntry",
    "PrivateNotes",
    "RowCache",
    "SchemaOutOfDate",
    "StaleWrite",
    "Store",
    "StoreError",
    "VerifyReport",
    "WorkbookWriter",
    "forget_rows",
    "many",
    "row_cache",
    "sessions",
    "sqlite_path",
]
