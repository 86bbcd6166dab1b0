"""The statements of a unit of work (:mod:`.writer`), built once.

SQLAlchemy Core through the session's connection, because the ORM's unit of work
(and building a statement per call) cost more than the statements themselves, on
every save. Events go through the chain's tail (:mod:`.appending`), stored together
when the unit ends.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import BindParameter, Table, bindparam, delete, insert, select, update

from .models import AgreementRow, ConfirmationRow, EventRow, RecordRow, WorkbookRow

EVENTS = cast(Table, EventRow.__table__)
RECORDS = cast(Table, RecordRow.__table__)
WORKBOOKS = cast(Table, WorkbookRow.__table__)

WORKBOOK_ID: BindParameter[int] = bindparam("workbook_id")
#: a record by its key (bound as ``at_workbook``, ``at_kind``, ``at_number``: an UPDATE
#: binds its columns' own names to the values it sets).
AT_KEY = (
    RECORDS.c.workbook_id == bindparam("at_workbook"),
    RECORDS.c.kind == bindparam("at_kind"),
    RECORDS.c.number == bindparam("at_number"),
)
RECORD_AT = select(RECORDS.c.content).where(*AT_KEY)
ADD_RECORD = insert(RECORDS)
CHANGE_RECORD = update(RECORDS).where(*AT_KEY)
DROP_RECORD = delete(RECORDS).where(*AT_KEY)
#: the workbook's row, locked (``FOR UPDATE`` on PostgreSQL; SQLite's write lock is held).
LOCK_WORKBOOK = select(WORKBOOKS).where(WORKBOOKS.c.id == WORKBOOK_ID).with_for_update()
#: the hash of the workbook's latest event.
LAST_EVENT_OF = (
    select(EVENTS.c.hash)
    .where(EVENTS.c.workbook_id == WORKBOOK_ID)
    .order_by(EVENTS.c.seq.desc())
    .limit(1)
)
AGREEMENTS = cast(Table, AgreementRow.__table__)
CONFIRMATIONS = cast(Table, ConfirmationRow.__table__)
AGREEMENT_AT = select(AGREEMENTS).where(
    AGREEMENTS.c.workbook_id == bindparam("at_workbook"),
    AGREEMENTS.c.subject == bindparam("at_subject"),
    AGREEMENTS.c.number == bindparam("at_number"),
)
CONFIRMATIONS_OF = (
    select(CONFIRMATIONS)
    .where(CONFIRMATIONS.c.agreement_id == bindparam("agreement"))
    .order_by(CONFIRMATIONS.c.id)
)
#: an agreement version's columns that saving it sets.
AGREEMENT_VALUES = (
    "subject",
    "number",
    "opened_reason",
    "agreed_hash",
    "agreed_canonical",
    "agreed_at",
)
ADD_AGREEMENT = insert(AGREEMENTS)
CHANGE_AGREEMENT = update(AGREEMENTS).where(AGREEMENTS.c.id == bindparam("agreement"))
CONFIRMED = ("agreement_id", "person_id", "party", "content_hash", "at", "facilitator_id")
ADD_CONFIRMATION = insert(CONFIRMATIONS)
#: a new version, time of the last write and stage (``version``, ``updated_at``, ``stage``).
MOVE_WORKBOOK = update(WORKBOOKS).where(WORKBOOKS.c.id == WORKBOOK_ID)
