"""A person's own settings (``person_settings``, migration 0004): read and written here.

Operational, like the web sessions: what a person's pages remember for them (the
steps whose explanation they have seen), not part of the hash-chained log.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from .errors import MissingEntry
from .models import PersonRow, PersonSettingRow
from .sessions import stamp

if TYPE_CHECKING:
    from .store import Store

_SETTINGS = cast(Table, PersonSettingRow.__table__)
_PEOPLE = cast(Table, PersonRow.__table__)


def settings_of(store: Store, person_id: str) -> dict[str, str]:
    """Every setting of ``person_id``, by name (one indexed read; none: empty)."""
    with store.reading_core() as conn:
        rows = conn.execute(
            select(_SETTINGS.c.name, _SETTINGS.c.value).where(_SETTINGS.c.person_id == person_id)
        ).all()
    return {str(name): str(value) for name, value in rows}


def put_setting(
    store: Store, person_id: str, name: str, value: str, at: dt.datetime | None = None
) -> None:
    """Set ``person_id``'s setting ``name`` to ``value`` (added, or replaced).

    Raises :class:`MissingEntry` for an unknown person.
    """
    row = {"value": value, "updated_at": stamp(at or dt.datetime.now(dt.UTC))}
    where = (_SETTINGS.c.person_id == person_id, _SETTINGS.c.name == name)
    for _attempt in range(2):  # two pages adding the same setting at once: one adds it
        try:
            with store.writing() as s:
                conn = s.connection()
                if conn.execute(update(_SETTINGS).where(*where).values(**row)).rowcount:
                    return
                if (
                    conn.execute(select(_PEOPLE.c.id).where(_PEOPLE.c.id == person_id)).first()
                    is None
                ):
                    raise MissingEntry(f"no person with id {person_id!r}")
                conn.execute(insert(_SETTINGS), {"person_id": person_id, "name": name, **row})
                return
        except IntegrityError:
            continue
