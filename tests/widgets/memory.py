"""Domain objects made in memory for the view tests (no database): a workbook, objectives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pmwidgets.domain.model import Objective, Workbook


def workbook(**changes: Any) -> Workbook:
    """Mei Chen's workbook with Richard Okafor, for the cycle 2026-27 (``changes`` applied)."""
    fields: dict[str, Any] = {
        "id": 1,
        "employee_id": "mchen",
        "manager_id": "rokafor",
        "cycle_start": dt.date(2026, 9, 1),
        "cycle_end": dt.date(2027, 8, 31),
    }
    return Workbook(**{**fields, **changes})


def objective(n: int, title: str, **changes: Any) -> Objective:
    """Objective ``n``, serving responsibility 1, due in June 2027."""
    fields: dict[str, Any] = {
        "id": n,
        "title": title,
        "responsibilities": (1,),
        "due": dt.date(2027, 6, 30),
        "weight": 50,
        "proposed_by": "mchen",
    }
    return Objective(**{**fields, **changes})
