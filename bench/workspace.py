"""The benchmark's data: the demo organisation plus a realistic year for Mei Chen.

Workbook 1 of the demo gets 12 agreed objectives (weights 8-9 %, every
responsibility covered), a development plan and 6 check-ins that report on every
objective: the size of a real workbook late in a cycle. It is built through the
same services as ``pmw demo``, so every record is an event with its author.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from pmwidgets.demo.builder import build_demo, demo_file
from pmwidgets.services import open_store

OBJECTIVES = 12
CHECK_INS = 6
WORKBOOK = 1  # Mei Chen (employee mchen, manager rokafor, coach kwalsh)


def _objectives(start: dt.date) -> list[dict[str, Any]]:
    steps = []
    for n in range(1, OBJECTIVES + 1):
        steps.append(
            {
                "date": start + dt.timedelta(days=n // 3),
                "as": "mchen" if n % 2 else "rokafor",
                "do": "add_objective",
                "objective": {
                    "title": f"Objective {n}: raise first-attempt pass rates in unit {n}",
                    "description": (
                        f"Learners on unit {n} pass at the first attempt more often, through "
                        "weekly fault-finding practice on live vehicles and short feedback tutorials."
                    ),
                    "responsibilities": [(n - 1) % 5 + 1],
                    "measure": f"First-attempt pass rate on unit {n}",
                    "target": f"{70 + n}% of learners pass at the first attempt",
                    "due": dt.date(2027, 6, 30),
                    "weight": 9 if n <= 4 else 8,
                },
            }
        )
    return steps


def _check_ins(start: dt.date) -> list[dict[str, Any]]:
    steps = []
    for k in range(CHECK_INS):
        day = start + dt.timedelta(days=14 * k)
        steps.append(
            {
                "date": day,
                "as": "mchen" if k % 2 == 0 else "rokafor",
                "do": "check_in",
                "check_in": {
                    "goal": f"Fortnightly check-in {k + 1}",
                    "reality": "Practice sessions run every week; two learners behind.",
                    "options": "Move practice earlier; pair learners with stronger partners.",
                    "will": "Tutorials this week; retention recorded monthly.",
                    "progress": [
                        {
                            "objective": n,
                            "percent": min(100, 8 * (k + 1) + n),
                            "status": "on_track" if (n + k) % 5 else "at_risk",
                            "evidence": f"Log for unit {n}, week {2 * (k + 1)}",
                        }
                        for n in range(1, OBJECTIVES + 1)
                    ],
                },
            }
        )
    return steps


def organisation(folder: Path) -> Path:
    """Write the benchmark organisation (the demo, with workbook 1 enlarged); return its path."""
    demo = demo_file()
    spec = yaml.safe_load(demo.read_text(encoding="utf-8"))
    base = demo.parent
    spec["library"] = [
        ref if ref.startswith("onet:") else str(base / ref) for ref in spec["library"]
    ]
    for wb in spec["workbooks"]:
        if not wb["job"].startswith("onet:"):
            wb["job"] = str(base / wb["job"])
    first = spec["workbooks"][WORKBOOK - 1]
    steps = first["steps"]
    job_steps = [s for s in steps if s["do"] == "set_job" or s.get("subject") == "job_description"]
    plan_steps = [
        s
        for s in steps
        if s["do"] in ("rate", "add_action", "add_support")
        or s.get("subject") == "development_plan"
    ]
    for s in plan_steps:
        if s["do"] == "add_action":
            s["action"].pop("objective", None)
    agree = [
        {"date": dt.date(2026, 9, 15), "as": who, "do": "confirm", "subject": "objectives"}
        for who in ("mchen", "rokafor")
    ]
    first["steps"] = [
        *job_steps,
        *_objectives(dt.date(2026, 9, 8)),
        *agree,
        *plan_steps,
        *_check_ins(dt.date(2026, 10, 6)),
    ]
    path = folder / "organisation.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def database(folder: Path) -> Path:
    """The benchmark database (built once per folder); returns the SQLite file."""
    from pmwidgets.store.schema import HEAD

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"bench-schema-{HEAD}.sqlite3"  # rebuilt when the schema changes
    if not db.exists():
        tmp = folder / "building.sqlite3"
        tmp.unlink(missing_ok=True)
        with open_store(f"sqlite:///{tmp}") as store:
            build_demo(store, organisation(folder))
        tmp.replace(db)
    return db
