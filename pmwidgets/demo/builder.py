"""Building the demo organisation through the services layer.

``data/demo/organisation.yaml`` lists people, library job descriptions and, for
each workbook, the steps its people took, each with a date and an author. The
builder replays those steps through :class:`Services`, so the demo's history
is made of real events written by the people named, on the dates given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..domain.errors import ValidationFailed
from ..domain.model import (
    Assessment,
    CheckIn,
    DevelopmentAction,
    JobDescription,
    Objective,
    Person,
    Rating,
    Review,
    Role,
    SupportCommitment,
)
from ..domain.readiness import agreement_readiness
from ..io.datafiles import data_dir
from ..io.jobs.catalogue import load_catalogue
from ..io.jobs.files import read_job_description
from ..services import identity
from ..services.api import Services
from ..store import Store

SYSTEM_ACTOR = "pmw-system"


def demo_file() -> Path:
    """The demo organisation's description."""
    return data_dir() / "demo" / "organisation.yaml"


def build_demo(
    store: Store, path: Path | None = None, progress: Callable[[str], None] | None = None
) -> list[int]:
    """Build the demo organisation in an empty store; returns the workbook ids.

    Raises
    ------
    ValidationFailed
        The store already holds people (the demo is built only once).
    """
    path = path or demo_file()
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if store.find_people():
        raise ValidationFailed(
            "the database already has people in it; the demo is built in an empty database"
        )
    say = progress or (lambda _msg: None)
    add_people(store, spec["people"])
    admin = next(p["id"] for p in spec["people"] if "admin" in p.get("roles", []))
    svc = Services(store, admin)
    if spec.get("date_order"):  # how the organisation writes a date in a date box
        svc.set_organisation_setting("date_order", str(spec["date_order"]))
    for ref in spec.get("library", []):
        svc.add_library_job(_job(ref, path.parent), reason="demo library")
    ids = []
    for wb_spec in spec["workbooks"]:
        wb_id = _build_workbook(store, wb_spec, path.parent)
        say(f"workbook {wb_id}: {wb_spec['employee']} with {wb_spec['manager']}")
        ids.append(wb_id)
    return ids


def add_people(store: Store, people: list[dict[str, Any]]) -> None:
    # managers first, so that each person's manager exists when they are added
    pending = list(people)
    while pending:
        added = False
        for p in list(pending):
            if p.get("manager") and p["manager"] in {q["id"] for q in pending}:
                continue
            person = Person(
                id=p["id"],
                name=p["name"],
                email=p.get("email", ""),
                roles=tuple(Role(r) for r in p.get("roles", ["employee"])),
                manager_id=p.get("manager"),
            )
            store.add_person(person, actor_id=SYSTEM_ACTOR, reason="demo organisation")
            pending.remove(p)
            added = True
        if not added:
            raise ValidationFailed("the demo's managers form a loop")


def _job(ref: str, base: Path) -> JobDescription:
    if ref.startswith("onet:"):
        return load_catalogue().get(ref.removeprefix("onet:"))
    return read_job_description(base / ref)


def clock_for(day: dt.date, index: int) -> Callable[[], dt.datetime]:
    moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC) + dt.timedelta(
        minutes=7 * index
    )
    return lambda: moment


def _build_workbook(store: Store, spec: dict[str, Any], base: Path) -> int:
    start, end = (dt.date.fromisoformat(str(d)) for d in spec["cycle"])
    steps = spec.get("steps", [])
    first = dt.date.fromisoformat(str(steps[0]["date"])) if steps else start
    manager = Services(store, spec["manager"], clock=clock_for(first, 0))
    wb = manager.create_workbook(
        spec["employee"],
        spec["manager"],
        start,
        end,
        coach_id=spec.get("coach"),
        reason="new cycle",
    )
    assert wb.id is not None
    job = _job(spec["job"], base)
    for i, step in enumerate(steps, start=1):
        day = dt.date.fromisoformat(str(step["date"]))
        svc = Services(store, step["as"], clock=clock_for(day, i))
        if step.get("facilitated"):
            svc = Services(store, step["as"], facilitator_id=spec["coach"], clock=clock_for(day, i))
        run_step(svc, wb.id, step, job)
    return wb.id


def run_step(svc: Services, wb_id: int, step: dict[str, Any], job: JobDescription) -> None:
    state = svc.open(wb_id)
    version = state.workbook.version
    reason = step.get("reason", "")
    party = state.workbook.party_of(svc.me.id)
    do = step["do"]
    if do == "set_job":
        svc.set_job_description(wb_id, job, version, reason)
    elif do == "confirm":
        # in a facilitated session each person types the code from their own page
        code = identity.personal_code(svc.me.id, at=svc.clock()) if svc.facilitator else ""
        subject = step["subject"]
        # a SMART criterion not met is accepted only with the person's recorded reason
        ready = agreement_readiness(state, subject, svc.clock().date())
        accept = step.get("accept", "") if ready.acceptable else ""
        svc.confirm(wb_id, subject, state.subject_hash(subject), code, accept)
    elif do == "add_objective":
        svc.add_objective(
            wb_id, Objective(**step["objective"], proposed_by=svc.me.id), version, reason
        )
    elif do == "update_objective":
        old = state.objective(step["number"])
        assert old is not None
        new = Objective.model_validate({**old.model_dump(), **step["changes"]})
        svc.update_objective(wb_id, step["number"], new, version, reason)
    elif do == "rate":
        assert party is not None
        ratings = [r for r in state.plan.ratings if r.by != party]
        ratings += [Rating(competency=c, by=party, level=lv) for c, lv in step["ratings"].items()]
        svc.set_plan(
            wb_id, state.plan.model_copy(update={"ratings": tuple(ratings)}), version, reason
        )
    elif do == "add_action":
        actions = (*state.plan.actions, DevelopmentAction(**step["action"]))
        svc.set_plan(wb_id, state.plan.model_copy(update={"actions": actions}), version, reason)
    elif do == "add_support":
        support = (*state.plan.support, SupportCommitment(**step["support"]))
        svc.set_plan(wb_id, state.plan.model_copy(update={"support": support}), version, reason)
    elif do == "check_in":
        svc.save_check_in(wb_id, CheckIn(on=step["date"], **step["check_in"]), version, reason)
    elif do == "start_review":
        svc.start_review(wb_id, version, reason)
    elif do == "assess":
        assert party is not None
        mine = [Assessment(by=party, **a) for a in step["assessments"]]
        others = [a for a in state.review.assessments if a.by != party]
        review = Review(
            assessments=tuple(others + mine),
            development_outcomes=step.get(
                "development_outcomes", state.review.development_outcomes
            ),
            next_cycle_focus=state.review.next_cycle_focus,
        )
        svc.set_review(wb_id, review, version, reason)
    elif do == "coverage_reason":
        svc.set_coverage_reason(wb_id, step["responsibility"], step["why"], version, reason)
    elif do == "note":
        svc.add_note(wb_id, step["text"])
    else:
        raise ValidationFailed(f"unknown demo step {do!r}")
