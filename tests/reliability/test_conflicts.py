"""Conflicting edits: 2 to 8 processes write to the same workbooks at once.

Each process makes real service-layer writes (objective updates, check-ins,
private notes) on the same three demo workbooks, some with a deliberately stale
version, some reusing the version an earlier save returned (as a page does), and
logs every attempt and its outcome. Afterwards:

- every attempt was acknowledged or refused with a message (none vanished);
- every acknowledged write is in the event log, once; no refused one left a trace;
- no silent reverts: an acknowledged objective save changed only the field its
  writer changed (its form re-sent every other field, often stale), and only from
  the value its writer had seen; so every acknowledged change survives unless a
  writer who had seen it changed it later, and the last writer's value is the one
  the event order says;
- every refusal says why: a field both changed (a conflict, nothing stored), or the
  workbook changed under a private note;
- each workbook's version went up by exactly its number of acknowledged writes;
- ``pmw verify`` (the real command) exits 0, and on SQLite ``integrity_check`` is ok.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from figures import record, scale, soaking

from pmwidgets.demo.builder import build_demo
from pmwidgets.store import Store
from reliability._workers import (
    BUSY_MESSAGE,
    CONFLICT_MESSAGE,
    FIELDS,
    STALE_MESSAGE,
    WORKBOOKS,
    conflict_worker,
    events_by_token,
    integrity,
    pmw_verify,
    read_log,
    whole_writes,
)

pytestmark = pytest.mark.reliability

PROCESSES = [2, 4, 8] if soaking() else [4]


def check_run(url: str, attempted: list[str], ops: list[dict[str, Any]], versions0: dict[int, int]):  # type: ignore[no-untyped-def]
    """Check the store after a run; returns (figures, problems)."""
    problems: list[str] = []
    outcome = {op["token"]: op for op in ops}
    no_outcome = [t for t in attempted if t not in outcome]
    problems += [f"{t}: attempted, but the writer never heard back" for t in no_outcome]
    errors = [op for op in ops if op["outcome"] == "error"]
    problems += [f"{op['token']}: {op['message']}\n{op['traceback']}" for op in errors]
    acked = [op for op in ops if op["outcome"] == "ack"]
    refused = [op for op in ops if op["outcome"] == "refused"]
    with Store(url) as store:
        by_token = events_by_token(store)
        missing = [op for op in acked if op["token"] not in by_token]
        problems += [f"{op['token']}: acknowledged, but not in the event log" for op in missing]
        traces = [op for op in refused if op["token"] in by_token]
        problems += [f"{op['token']}: refused, but stored" for op in traces]
        twice = [
            t
            for t, evs in by_token.items()
            if len({e.entity_key for e in evs if e.entity == "record"}) > 1
        ]
        problems += [f"{t}: stored in more than one place" for t in twice]
        overwritten, merged = [], 0
        for op in acked:
            if op["kind"] != "objective" or op["token"] not in by_token:
                continue
            event = by_token[op["token"]][-1]
            before = (event.before or {}).get("content", {})
            after = (event.after or {}).get("content", {})
            reverted = [f for f in FIELDS if f != op["field"] and before.get(f) != after.get(f)]
            unseen = before.get(op["field"]) != op["seen"]
            merged += any(op["form"][f] != before.get(f) for f in FIELDS if f != op["field"])
            if reverted or unseen:
                overwritten.append(op)
                problems.append(
                    f"{op['token']} ({op['mode']}, expected version {op['expected']}): "
                    + (f"reverted {reverted}, which its writer did not change" if reverted else "")
                    + (f"overwrote {before.get(op['field'])!r}, unseen" if unseen else "")
                )
        told = (STALE_MESSAGE, CONFLICT_MESSAGE, BUSY_MESSAGE)
        silent = [op for op in refused if not any(m in op.get("message", "") for m in told)]
        problems += [f"{op['token']}: refused with {op.get('message')!r}" for op in silent]
        per_wb = Counter(op["wb"] for op in acked)
        for wb, v0 in versions0.items():
            now = store.latest_version(wb)
            if now - v0 != per_wb[wb]:
                problems.append(
                    f"workbook {wb}: version went from {v0} to {now}, "
                    f"but {per_wb[wb]} writes were acknowledged"
                )
        state_problems = _last_writer_values(store) + whole_writes(store, versions0)
        problems += state_problems
    verify = pmw_verify(url)
    if verify.returncode != 0:
        problems.append(f"pmw verify: {verify.stdout.strip()} {verify.stderr.strip()}")
    check = integrity(url)
    if check not in ("ok", "n/a"):
        problems.append(f"integrity_check: {check}")
    lost = len(no_outcome) + len(errors) + len(missing) + len(overwritten)
    corrupted = (
        len(traces)
        + len(twice)
        + len(state_problems)
        + (verify.returncode != 0)
        + (check not in ("ok", "n/a"))
    )
    figures = {
        "attempted": len(attempted),
        "acknowledged": len(acked),
        "refused": len(refused),
        "refused_as_conflicts": sum(CONFLICT_MESSAGE in op.get("message", "") for op in refused),
        "refused_while_others_kept_saving": sum(
            BUSY_MESSAGE in op.get("message", "") for op in refused
        ),
        "stale_forms_merged": merged,
        "stale_saves_acknowledged": sum(op["mode"] in ("stale", "chained") for op in acked),
        "silent_reverts": len(overwritten),
        "lost": lost,
        "corrupted": corrupted,
    }
    return figures, problems


def _last_writer_values(store: Store) -> list[str]:
    """Each objective holds the description of the last update in event order."""
    problems = []
    last: dict[tuple[int, int], str] = {}
    for e in store.events():
        if e.action == "objective.updated" and e.workbook_id in WORKBOOKS:
            number = int(e.entity_key.rsplit("/", 1)[1])
            last[(e.workbook_id, number)] = e.after["content"]
    for (wb, number), content in last.items():
        state = store.load(wb, None)
        objective = state.objective(number)
        for f in FIELDS:
            stored = getattr(objective, f) if objective else None
            if stored != content[f]:
                problems.append(
                    f"objective {number} of workbook {wb}: its {f} holds {stored!r}, "
                    "not the last write's"
                )
    return problems


@pytest.mark.parametrize("processes", PROCESSES)
def test_conflicting_edits(db_url: str, processes: int, tmp_path: Path) -> None:
    operations = scale(80, 1000)
    with Store(db_url) as store:
        build_demo(store)
        versions0 = {wb: store.latest_version(wb) for wb in WORKBOOKS}
    ctx = mp.get_context("spawn")
    logs = [tmp_path / f"worker-{i}.jsonl" for i in range(processes)]
    shares = [operations // processes + (i < operations % processes) for i in range(processes)]
    start_at = time.time() + 4 + processes  # every writer has started by then
    procs = [
        ctx.Process(target=conflict_worker, args=(db_url, i, shares[i], 7, str(logs[i]), start_at))
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=1800)
    crashed = [p.exitcode for p in procs if p.exitcode != 0]
    attempted: list[str] = []
    ops: list[dict[str, Any]] = []
    for log in logs:
        if log.exists():
            a, d = read_log(log)
            attempted += a
            ops += d
    figures, problems = check_run(db_url, attempted, ops, versions0)
    backend = "SQLite" if db_url.startswith("sqlite") else "PostgreSQL"
    record(
        f"Conflicting edits ({backend})",
        **figures,
        runs=1,
        **{f"operations_with_{processes}_processes": len(attempted)},
    )
    assert not crashed, f"writer processes exited with {crashed}"
    assert len(attempted) == operations
    assert figures["stale_saves_acknowledged"] > 0  # the test did save stale forms
    assert figures["stale_forms_merged"] > 0, figures  # … whose other fields others changed
    assert figures["acknowledged"] > operations // 4
    assert not problems, "\n".join(problems[:20])


def test_a_save_returns_the_version_it_wrote_even_if_another_follows_at_once(
    demo_url: str,
) -> None:
    """A page keeps the version its save returned; it must not include a save it never saw.

    Another person's save is made to land right after ours commits (from an
    ``after_commit`` hook, on a second connection): the version we get back must
    still be ours, so that our next save, based on what we wrote, keeps theirs (a
    change we never saw) instead of silently overwriting it.
    """
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from pmwidgets.domain.errors import EditConflict
    from pmwidgets.domain.model import Objective
    from pmwidgets.services import Services

    with Store(demo_url) as mine, Store(demo_url) as theirs:
        emp, boss = Services(mine, "tnguyen"), Services(theirs, "rokafor")
        state = emp.open(2)
        old = state.objective(1)
        assert old is not None
        fired: list[int] = []

        def after_commit(session: Session) -> None:
            if session.bind is mine.engine and not fired:
                fired.append(1)
                s = boss.open(2)
                o = s.objective(1)
                assert o is not None
                boss.update_objective(
                    2, 1, o.model_copy(update={"target": "the manager's target"}),
                    s.workbook.version,
                )  # fmt: skip

        event.listen(Session, "after_commit", after_commit)
        try:
            ours = old.model_copy(update={"description": "the employee's description"})
            returned = emp.update_objective(2, 1, ours, state.workbook.version)
        finally:
            event.remove(Session, "after_commit", after_commit)
        assert fired
        assert returned == state.workbook.version + 1  # ours, not the manager's
        again = Objective.model_validate({**ours.model_dump(), "measure": "Learner survey"})
        emp.update_objective(2, 1, again, returned)  # re-sends the old target, unseen
        stored = emp.open(2).objective(1)
        assert stored is not None and stored.target == "the manager's target"
        assert stored.measure == "Learner survey"
        # the same field both changed is never overwritten: a conflict, nothing stored
        mine = Objective.model_validate({**ours.model_dump(), "target": "the employee's"})
        with pytest.raises(EditConflict, match="Richard Okafor also changed"):
            emp.update_objective(2, 1, mine, returned)
        assert emp.open(2).objective(1).target == "the manager's target"  # type: ignore[union-attr]


def test_a_page_does_not_adopt_a_save_it_never_saw(demo_url: str) -> None:
    """The objective editor, after its save, keeps the version its own save made.

    The manager's save of the same objective lands right after the employee's
    commits, before the employee's page reloads. The employee then changes
    another field and saves: that save must keep the manager's target, not
    silently put the employee's old one back.
    """
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from pmwidgets.apps.pages import objective_panels
    from pmwidgets.apps.workbook_session import WorkbookSession
    from pmwidgets.services import Services
    from pmwidgets.widgets.objective_list import ObjectiveList

    with Store(demo_url) as mine, Store(demo_url) as theirs:
        objectives = objective_panels(WorkbookSession(Services(mine, "tnguyen"), 2))[0]
        assert isinstance(objectives, ObjectiveList)
        objectives.show_objective(2)
        page = objectives.editor
        boss = Services(theirs, "rokafor")
        fired: list[int] = []

        def after_commit(session: Session) -> None:
            if session.bind is mine.engine and not fired:
                fired.append(1)
                s = boss.open(2)
                o = s.objective(2)
                assert o is not None
                boss.update_objective(
                    2, 2, o.model_copy(update={"target": "the manager's target"}),
                    s.workbook.version,
                )  # fmt: skip

        page.target.value = "the employee's target"
        event.listen(Session, "after_commit", after_commit)
        try:
            page.save_button.click()
        finally:
            event.remove(Session, "after_commit", after_commit)
        assert fired and page.status.kind == "ok", page.status.message
        page.measure.value = "Sessions checked, from the session log"
        page.save_button.click()
        assert page.status.kind == "ok", page.status.message
        stored = Services(theirs, "rokafor").open(2).objective(2)
        assert stored is not None and stored.target == "the manager's target"
        assert stored.measure == "Sessions checked, from the session log"
        assert page.target.value == "the manager's target"  # the page shows what is stored


def test_a_job_description_typed_while_the_other_saves_keeps_both(demo_url: str) -> None:
    """The page's watcher reloads after the manager's save while the employee is typing:
    the employee's save keeps the manager's new purpose (a field the employee did not
    touch, now shown on the page) and stores the employee's title."""
    from pmwidgets.apps.wiring import job_description_editor
    from pmwidgets.apps.workbook_session import WorkbookSession
    from pmwidgets.services import Services
    from pmwidgets.widgets.job_description_editor import JobDescriptionEditor

    with Store(demo_url) as store:
        boss = Services(store, "rokafor")
        ctx = WorkbookSession(Services(store, "mchen"), 1)
        page = job_description_editor(ctx)  # as the job description page wires it
        assert isinstance(page, JobDescriptionEditor)
        page.title.value = "Automotive instructor (as the employee reads it)"
        state = boss.open(1)
        assert state.job is not None
        new = state.job.model_copy(update={"purpose": "The manager's new purpose"})
        boss.set_job_description(1, new, state.workbook.version, "the manager's reason")
        ctx.reload()  # what the page's watcher does within a second
        assert page.purpose.value == "The manager's new purpose"  # shown: not touched here
        page.reason.value = "the employee's reason"
        page.save_button.click()
        assert page.status.kind == "ok", page.status.message
        job = boss.open(1).job
        assert job is not None and job.purpose == "The manager's new purpose"
        assert job.title == "Automotive instructor (as the employee reads it)"
