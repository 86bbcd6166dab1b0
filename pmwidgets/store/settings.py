"""Settings, read and written here: a person's own (``person_settings``, migration
0004) and the organisation's (``organisation_settings``, migration 0005).

Operational, like the web sessions: what a person's pages remember for them (the
steps whose explanation they have seen), and what the organisation sets for everyone
(how it writes a date); not part of the hash-chained log.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from .errors import MissingEntry
from .models import OrganisationSettingRow, PersonRow, PersonSettingRow
from .sessions import stamp

if TYPE_CHECKING:
    from .store import Store

_SETTINGS = cast(Table, PersonSettingRow.__table__)
_PEOPLE = cast(Table, PersonRow.__table__)
_ORGANISATION = cast(Table, OrganisationSettingRow.__table__)


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


def organisation_settings(store: Store) -> dict[str, str]:
    """Every setting of the organisation's, by name (none set: empty)."""
    with store.reading_core() as conn:
        rows = conn.execute(select(_ORGANISATION.c.name, _ORGANISATION.c.value)).all()
    return {str(name): str(value) for name, value in rows}


def put_organisation_setting(
    store: Store, name: str, value: str, by: str, at: dt.datetime | None = None
) -> None:
    """Set the organisation's setting ``name`` to ``value``, recording who (``by``) and when."""
    row = {"value": value, "updated_by": by, "updated_at": stamp(at or dt.datetime.now(dt.UTC))}
    for _attempt in range(2):  # two people setting it at once: one adds it, the other updates
        try:
            with store.writing() as s:
                conn = s.connection()
                where = _ORGANISATION.c.name == name
                if conn.execute(update(_ORGANISATION).where(where).values(**row)).rowcount:
                    return
                conn.execute(insert(_ORGANISATION), {"name": name, **row})
                return
        except IntegrityError:
            continue
