"""A small workbook in memory, for examples and tests that need no database.

The widgets' docstring examples draw it; a notebook can too. Its cycle runs from the
first of this month for a year, so what the SMART rules say of it does not age.

Examples
--------
>>> state = example_state()
>>> [o.title for o in state.objectives]
['Cut delayed practical sessions', 'Keep the workshop inspection-ready']
>>> state.agreement_status("objectives").label
'Draft: not confirmed by either party'
"""

from __future__ import annotations

import datetime as dt

from .model import (
    Competency,
    JobDescription,
    Objective,
    Person,
    Responsibility,
    Role,
    Stage,
    Workbook,
)
from .state import WorkbookState

#: the employee of the example workbook
EMPLOYEE = Person(id="mchen", name="Mei Chen", roles=(Role.EMPLOYEE,), manager_id="rokafor")
#: the manager of the example workbook
MANAGER = Person(id="rokafor", name="Richard Okafor", roles=(Role.MANAGER,))
#: the coach of the example workbook
COACH = Person(id="kwalsh", name="Kate Walsh", roles=(Role.COACH,))
#: their names by id, as the views take them
NAMES = {p.id: p.name for p in (EMPLOYEE, MANAGER, COACH)}

JOB = JobDescription(
    title="Workshop technician",
    purpose="Keep the training workshop safe and ready for every practical session.",
    responsibilities=(
        Responsibility(
            number=1, text="Prepare vehicles and tools for practical sessions", share=60
        ),
        Responsibility(number=2, text="Keep the workshop safe and inspection-ready", share=40),
    ),
    competencies=(Competency(name="Health and safety", required=3),),
)


def example_workbook(today: dt.date | None = None, version: int = 7) -> Workbook:
    """The example's workbook header: a one-year cycle from the first of this month."""
    start = (today or dt.date.today()).replace(day=1)
    return Workbook(
        id=1,
        employee_id=EMPLOYEE.id,
        manager_id=MANAGER.id,
        coach_id=COACH.id,
        cycle_start=start,
        cycle_end=start + dt.timedelta(days=364),
        stage=Stage.OBJECTIVES,
        version=version,
    )


def example_objective(
    number: int = 1, today: dt.date | None = None, **changes: object
) -> Objective:
    """One complete, SMART objective of the example (``changes`` replace fields)."""
    wb = example_workbook(today)
    fields: dict[str, object] = {
        "id": number,
        "title": "Cut delayed practical sessions",
        "description": "Prepare every session's vehicles and tools the day before, from the plans.",
        "responsibilities": (1,),
        "measure": "Sessions delayed, from the preparation log",
        "target": "At most 2 delayed sessions in the cycle",
        "due": wb.cycle_end - dt.timedelta(days=60),
        "weight": 50,
        "proposed_by": EMPLOYEE.id,
    }
    fields.update(changes)
    return Objective.model_validate(fields)


def example_state(today: dt.date | None = None, version: int = 7) -> WorkbookState:
    """The example workbook at the objectives stage: a job and two objectives, not agreed."""
    return WorkbookState(
        workbook=example_workbook(today, version),
        job=JOB,
        objectives=(
            example_objective(1, today),
            example_objective(
                2,
                today,
                title="Keep the workshop inspection-ready",
                description="Check the workshop against the safety checklist every week.",
                responsibilities=(2,),
                measure="Weekly checks recorded; findings at the yearly inspection",
                target="No findings at the yearly inspection",
            ),
        ),
    )
