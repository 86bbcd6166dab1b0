"""The sentence a person reads when their save was based on an older version.

The store raises :class:`~pmwidgets.store.StaleWrite` with data (which workbook, which
versions, what changed since, by whom); the words are written here, through ``_()``,
naming only the changes :func:`~.access.may_name_change` allows (never a private note).
"""

from __future__ import annotations

from ..domain.i18n import _
from ..domain.wording import describe_change
from ..store import StaleWrite
from . import access


def stale_sentence(exc: StaleWrite) -> str:
    """Say what changed since the version a refused save was based on, and what to do.

    Parameters
    ----------
    exc:
        The store's error, with the workbook, the versions and the latest changes.

    Returns
    -------
    str
        For example ``not saved: workbook 3 changed since you opened it (version 1,
        now 2): Eli Employee added objective 1 “Cut delays” at 09:30 UTC. Look at
        their changes, then save yours again.``
    """
    parts = [
        _("{name} {what} at {time} UTC").format(
            name=c.actor, what=describe_change(c.action, c.entity_key, c.content), time=c.at[11:16]
        )
        for c in exc.changes
        if access.may_name_change(c.action)
    ]
    changed = "; ".join(parts) or _("a change was made")
    more = _(" (and {n} earlier changes)").format(n=exc.earlier) if exc.earlier else ""
    return _(
        "not saved: workbook {workbook} changed since you opened it (version {since}, now {now}): "
        "{changed}{more}. Look at their changes, then save yours again."
    ).format(
        workbook=exc.workbook_id,
        since=exc.expected_version,
        now=exc.current_version,
        changed=changed,
        more=more,
    )


StaleWrite.words = stale_sentence
