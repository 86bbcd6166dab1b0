"""Use cases: the one API that notebooks, widgets and the command line call.

Depends on :mod:`pmwidgets.domain`, :mod:`pmwidgets.store` and :mod:`pmwidgets.io`.
"""

from ..store import StaleWrite, Store
from . import stale  # noqa: F401  (the words of the store's StaleWrite)
from .api import OPERATOR_ID, Services


def open_store(url: str | None = None, *, create: bool = True, allow_old: bool = False) -> Store:
    """Open the database at ``url`` (default: ``$PMW_DATABASE_URL`` or the SQLite file).

    Parameters
    ----------
    create:
        Create the schema in an empty database.
    allow_old:
        Open a database whose schema is out of date (for ``pmw db upgrade``).

    The organisation's settings (how it writes a date) apply to this process from then on.
    """
    from ..domain.i18n import set_date_order
    from ..store.settings import organisation_settings

    store = Store(url, create=create, check_schema=not allow_old)
    if not allow_old:
        try:
            set_date_order(organisation_settings(store).get("date_order"))
        except ValueError:  # a value written by hand: the default, rather than no page
            set_date_order(None)
    return store


__all__ = ["OPERATOR_ID", "Services", "StaleWrite", "Store", "open_store"]
