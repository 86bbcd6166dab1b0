"""What a page reads after every save, read without the event log: the same answers.

The session bar's participation and the agreement panel's last agreed version used
to be worked out from the workbook's whole event log on every refresh; they are now
counted in SQL and read from the agreement rows. These tests compare both ways, for
everyone who may read each demo workbook, and check that the access rule still holds.
"""

from __future__ import annotations

import pytest

from pmwidgets.domain import NotFound, participation
from pmwidgets.domain.agreement import SUBJECTS
from pmwidgets.domain.kinds import CONTENT_KINDS
from pmwidgets.services import Services
from pmwidgets.store import Store
from pmwidgets.widgets.agreement_panel import last_agreed

READERS = ("mchen", "tnguyen", "dsilva", "aberg", "sjones", "rokafor", "hlambert", "kwalsh")


def _may_read(svc: Services, workbook_id: int) -> bool:
    return any(wb.id == workbook_id for wb in svc.workbooks())


def test_participation_is_what_the_event_log_says(demo: Store) -> None:
    op = Services.operator(demo)
    for wb in op.workbooks():
        wb_id = wb.id or 0
        expected = participation(
            wb.party_of(e.actor_id)
            for e in demo.events(wb_id)
            if e.entity == "record" and e.action.split(".")[0] in CONTENT_KINDS
        )
        for person in READERS:
            svc = Services(demo, person)
            if _may_read(svc, wb_id):
                assert svc.participation(wb_id) == expected, (person, wb_id)
    assert Services(demo, "tnguyen").participation(2).one_sided == "employee"


def test_last_agreed_is_what_the_event_log_says(demo: Store) -> None:
    op = Services.operator(demo)
    for wb in op.workbooks():
        wb_id = wb.id or 0
        state = op.open(wb_id)
        events = op.history(wb_id)
        for subject in SUBJECTS:
            expected = last_agreed(state.agreements.get(subject), events, subject)
            assert op.last_agreed(wb_id, subject) == expected, (wb_id, subject)
    # workbook 3: version 2 of the objectives awaits both; version 1 is what was agreed
    found = Services(demo, "dsilva").last_agreed(3, "objectives")
    assert found is not None and found[0] == 1


def test_the_new_reads_keep_the_access_rule(demo: Store) -> None:
    outsider = Services(demo, "aberg")  # Anna Berg: not in Mei Chen's workbook
    with pytest.raises(NotFound, match="not available to you"):
        outsider.participation(1)
    with pytest.raises(NotFound, match="not available to you"):
        outsider.last_agreed(1, "objectives")
    with pytest.raises(NotFound, match="not available to you"):
        outsider.open(1)
