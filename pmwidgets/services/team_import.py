"""Importing a team's objectives from the spreadsheet HR keeps: every row checked, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain import agreement as agr
from ..domain.errors import NotAllowed, NotFound, ValidationFailed
from ..domain.i18n import _
from ..domain.model import Objective, Stage, Workbook
from ..domain.rules import objective_problems
from ..domain.state import WorkbookState
from . import access
from .api import Services


@dataclass(frozen=True)
class TeamRow:
    """One row of the spreadsheet: where it was, whose objective, and the objective."""

    row: int
    employee_id: str
    objective: Objective


def _workbook_for(svc: Services, employee_id: str, row: TeamRow) -> Workbook:
    """The employee's open workbook whose cycle contains the objective's due date."""
    candidates = [
        wb
        for wb in svc.workbooks()
        if wb.employee_id == employee_id
        and wb.stage != Stage.CLOSED
        and wb.contains(row.objective.due)
    ]
    if not candidates:
        raise ValidationFailed(
            _("no open workbook for {who} with a cycle that includes {due}").format(
                who=employee_id, due=row.objective.due.isoformat()
            )
        )
    return max(candidates, key=lambda wb: wb.cycle_start)


def import_team_objectives(
    svc: Services, rows: Sequence[TeamRow], reason: str = ""
) -> dict[int, list[int]]:
    """Add every row's objective to its employee's workbook, or nothing at all.

    Each row is checked against the workbook it lands in (access, a confirmed job
    description, responsibilities that exist, a due date inside the cycle); all
    problems are reported together, one per row. Objectives already agreed are
    reopened as a new version with ``reason``, which is then required.

    Returns
    -------
    dict
        The new objective numbers, by workbook id.
    """
    if not rows:
        raise ValidationFailed(_("the file has no objectives in it"))
    by_workbook, problems = _placed(svc, rows)
    states = {wb_id: svc.store.load(wb_id, viewer_id=None) for wb_id in by_workbook}
    for wb_id, wb_rows in by_workbook.items():
        problems.extend(_problems(states[wb_id], wb_rows, reason))
    _refuse_all(problems)
    return _added(svc, by_workbook, states, reason)


def _placed(svc: Services, rows: Sequence[TeamRow]) -> tuple[dict[int, list[TeamRow]], list[str]]:
    """The rows by the workbook each lands in, and the rows that land nowhere the
    acting person may import into (one problem per row)."""
    problems: list[str] = []
    by_workbook: dict[int, list[TeamRow]] = defaultdict(list)
    for row in rows:
        try:
            wb = _workbook_for(svc, row.employee_id, row)
            access.require_importer(svc.me, wb)
        except (NotAllowed, NotFound, ValidationFailed) as exc:
            problems.append(_("row {n}: {why}").format(n=row.row, why=exc.reason))
            continue
        by_workbook[wb.id or 0].append(row)
    return by_workbook, problems


def _problems(state: WorkbookState, rows: list[TeamRow], reason: str) -> list[str]:
    """What stops ``rows`` landing in the workbook whose state is ``state``."""
    problems: list[str] = []
    for row in rows:
        found = objective_problems(row.objective, state.workbook, state.job)
        version = state.agreements.get("job_description")
        if state.job is not None and (
            version is None or not (version.agreed or version.number > 1)
        ):
            found.append(_("both must confirm the job description before objectives are set"))
        problems.extend(_("row {n}: {why}").format(n=row.row, why=p) for p in found)
    latest = state.agreements.get("objectives")
    if latest is not None and latest.agreed and len(reason.strip()) < 3:
        problems.append(
            _("the objectives of {who} are agreed: give a reason for adding to them").format(
                who=state.workbook.employee_id
            )
        )
    return problems


def _refuse_all(problems: list[str]) -> None:
    """Refuse the whole import when anything is wrong, naming the first 20 problems."""
    if problems:
        shown = problems[:20]
        more = len(problems) - len(shown)
        suffix = _(" (and {n} more)").format(n=more) if more else ""
        raise ValidationFailed(_("nothing was imported: ") + "; ".join(shown) + suffix)


def _added(
    svc: Services,
    by_workbook: dict[int, list[TeamRow]],
    states: dict[int, WorkbookState],
    reason: str,
) -> dict[int, list[int]]:
    """Write every row in one transaction (agreed objectives reopened first); the new
    objective numbers, by workbook id."""
    added: dict[int, list[int]] = defaultdict(list)
    units = [(wb_id, states[wb_id].workbook.version) for wb_id in by_workbook]
    with svc.store.write_batch(
        units, svc.me.id, svc.facilitator.id if svc.facilitator else None
    ) as writers:
        for wb_id, wb_rows in by_workbook.items():
            w = writers[wb_id]
            latest = states[wb_id].agreements.get("objectives")
            opened = agr.reopen(latest, reason)
            if opened is not None and opened is not latest:
                w.save_agreement(opened, "agreement.reopened", reason)
            for row in wb_rows:
                content = row.objective.model_dump(mode="json", exclude={"id"})
                content["proposed_by"] = svc.me.id
                added[wb_id].append(w.put("objective", None, content, reason or _("imported")))
    return dict(added)
