"""Many people at once: 10, 25 and 50 browser sessions editing their objectives together.

Each session is a different employee, signed in by cookie, on the objectives page
of their own workbook (drafted objectives, as in September). Once every page is
open, all sessions run the same edit loop at the same time: clear and restore an
objective's title (SMART feedback round trips), then change its target and save
(until the objectives table shows it), with a random pause of about a second
between edits. We report the p50 and p95 of every round trip, and the memory of
the server and all its kernels while the sessions are open.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import yaml
from servers import ROOT, PmwServer, rss_mib

from pmwidgets.services import open_store
from pmwidgets.services.demo import build_demo, demo_file

from .bench_pages import PAGES, Browser, Site, _env, interactive, open_objective, settle
from .common import Row, percentile

SIZES = (10, 25, 50)


def organisation(folder: Path, people: int) -> Path:
    """An organisation of ``people`` employees, each with a workbook of 3 drafted objectives."""
    demo = demo_file()
    job = str(demo.parent / "jobs" / "automotive_maintenance_instructor.yaml")
    staff: list[dict[str, Any]] = [
        {"id": "hlambert", "name": "Helen Lambert", "roles": ["manager", "admin"]},
        {"id": "rokafor", "name": "Richard Okafor", "roles": ["manager"], "manager": "hlambert"},
    ]
    workbooks = []
    day = dt.date(2026, 9, 2)
    for n in range(1, people + 1):
        pid = f"e{n:03d}"
        staff.append(
            {"id": pid, "name": f"Employee {n:03d}", "roles": ["employee"], "manager": "rokafor"}
        )
        steps: list[dict[str, Any]] = [
            {"date": day, "as": "rokafor", "do": "set_job"},
            {"date": day, "as": pid, "do": "confirm", "subject": "job_description"},
            {"date": day, "as": "rokafor", "do": "confirm", "subject": "job_description"},
        ]
        for k in (1, 2, 3):
            steps.append(
                {
                    "date": day + dt.timedelta(days=k),
                    "as": pid,
                    "do": "add_objective",
                    "objective": {
                        "title": f"Objective {k}: raise first-attempt pass rates in unit {k}",
                        "description": "Weekly fault-finding practice on live vehicles.",
                        "responsibilities": [k],
                        "measure": f"First-attempt pass rate on unit {k}",
                        "target": f"{70 + k}% pass at the first attempt",
                        "due": dt.date(2027, 6, 30),
                        "weight": 30 + (k == 1) * 10,
                    },
                }
            )
        workbooks.append(
            {
                "employee": pid,
                "manager": "rokafor",
                "cycle": [dt.date(2026, 9, 1), dt.date(2027, 8, 31)],
                "job": job,
                "steps": steps,
            }
        )
    spec = {
        "organisation": "Benchmark school",
        "people": staff,
        "library": [job],
        "workbooks": workbooks,
    }
    path = folder / f"organisation-{people}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def database(folder: Path, people: int) -> Path:
    """The organisation's SQLite file, built once per schema version."""
    from pmwidgets.store.schema import HEAD

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"team-{people}-schema-{HEAD}.sqlite3"
    if not db.exists():
        tmp = folder / "building.sqlite3"
        tmp.unlink(missing_ok=True)
        with open_store(f"sqlite:///{tmp}") as store:
            build_demo(store, organisation(folder, people))
        tmp.replace(db)
    return db


START_LOOP = (
    """([edits, pause, tag]) => { window.pmwLoop = (%s)([edits, pause, tag]); return true; }"""
)


def measure(folder: Path, quick: bool) -> list[Row]:
    """Open N sessions, let them all edit at once, and report round trips and memory."""
    from .bench_pages import EDIT_LOOP_JS

    sizes = (5, 10) if quick else SIZES
    template = database(folder / "data", max(sizes))
    rows: list[Row] = []
    browser = Browser()
    try:
        for size in sizes:
            rows += _run(folder, template, browser, size, EDIT_LOOP_JS, 2 if quick else 4)
    finally:
        browser.close()
    return rows


def _run(
    folder: Path, template: Path, browser: Browser, size: int, loop_js: str, count: int
) -> list[Row]:
    work = folder / f"sessions-{size}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db = work / "team.sqlite3"
    shutil.copy(template, db)
    server = PmwServer(_env(work, db), work / "serve.log", 600)
    site = Site("pmw", server, True, list(PAGES))
    settle(server, len(list((ROOT / "notebooks").glob("*.ipynb"))), timeout=300)
    open_started = time.monotonic()
    load_ms: list[float] = []
    typed: list[float] = []
    saved: list[float] = []
    try:
        with ExitStack() as stack:
            pages = []
            for n in range(1, size + 1):
                page = stack.enter_context(browser.visit(site, f"e{n:03d}"))
                url = f"{server.url}/voila/render/02_objectives.ipynb?workbook={n}"
                load_ms.append(interactive(page, url, PAGES["02_objectives"]))
                open_objective(page, 1)
                pages.append(page)
            opened = time.monotonic() - open_started
            kernels = server.kernel_pids()
            memory = rss_mib(server.proc.pid) + sum(rss_mib(k) for k in kernels)
            # every session starts its edit loop at once; then we collect them all
            for i, page in enumerate(pages):
                page.evaluate(START_LOOP % loop_js, [count, 1000, f"s{i + 1}"])
            for page in pages:
                result = page.evaluate("() => window.pmwLoop")
                if any(ms < 0 for ms in result["type"] + result["save"]):
                    raise RuntimeError(f"a session got no answer in 20 s: {result}")
                typed += result["type"]
                saved += result["save"]
    finally:
        server.stop()
    section = f"Concurrency: {size} sessions at once"
    rows = [
        Row(section, "title edit until SMART feedback (all sessions)", "ms", typed),
        Row(section, "save until the table shows it (all sessions)", "ms", saved),
    ]
    for row in rows:
        p95 = percentile(row.samples, 95)
        row.note = f"p50 {percentile(row.samples, 50):.0f} ms, p95 {p95:.0f} ms"
        if size == 50:
            row.target, row.met = "p95 < 100 ms", p95 < 100
    rows.append(
        Row(
            section,
            "memory: server and all kernels",
            "MiB",
            [memory],
            note=f"{len(kernels)} kernels ({len(kernels) - size} of them preheated and idle); "
            f"{memory / max(len(kernels), 1):.0f} MiB each on average",
        )
    )
    rows.append(
        Row(
            section,
            "opening the pages one after another",
            "ms",
            load_ms,
            note=f"all {size} open after {opened:.0f} s; later pages start a kernel cold",
        )
    )
    return rows
