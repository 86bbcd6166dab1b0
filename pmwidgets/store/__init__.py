"""Storage: SQLAlchemy models, the :class:`Store`, the hash-chained event log, migrations.

Depends on :mod:`pmwidgets.domain` only.
"""

from .errors import InvalidEntry, MissingEntry, SchemaOutOfDate, StaleWrite, StoreError
from .store import Event, Store

__all__ = [
    "Event",
    "InvalidEntry",
    "MissingEntry",
    "SchemaOutOfDate",
    "StaleWrite",
    "Store",
    "StoreError",
]
