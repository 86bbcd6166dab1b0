"""Storage: SQLAlchemy models, the :class:`Store`, the hash-chained event log, migrations.

Depends on :mod:`pmwidgets.domain` only. What is exported here is the store's whole
interface: the layers above import nothing else of it (not its engines, its writer's
module or its ORM rows).
"""

from . import many, sessions
from .engine import sqlite_path
from .errors import (
    Change,
    InvalidEntry,
    MissingEntry,
    SchemaOutOfDate,
    StaleWrite,
    StoreError,
)
from .store import Event, Store
from .verify import VerifyReport, parse_head
from .writer import WorkbookWriter

__all__ = [
    "Change",
    "Event",
    "InvalidEntry",
    "MissingEntry",
    "SchemaOutOfDate",
    "StaleWrite",
    "Store",
    "StoreError",
    "VerifyReport",
    "WorkbookWriter",
    "many",
    "parse_head",
    "sessions",
    "sqlite_path",
]
