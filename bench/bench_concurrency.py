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
import json
import os
import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from servers import ROOT, PmwServer, Server, VoilaServer, cpu_seconds, rss_mib

from pmwidgets.demo.builder import build_demo, demo_file
from pmwidgets.services import open_store

from .bench_pages import (
    BARE,
    BARE_NOTEBOOK,
    BARE_READY,
    EDITOR_READY,
    PAGES,
    ROUND_TRIP_JS,
    Browser,
    Site,
    _env,
    interactive,
    open_objective,
    preheated_pool,
    settle,
)
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


def chromium_pids() -> list[int]:
    """Every Chromium process on the machine (the benchmark's browser and its renderers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().startswith(b"/usr/lib/chromium/"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_by_part(server: Server) -> dict[str, float]:
    """CPU seconds used so far by the browser, the server and its kernels."""
    return {
        "browser": sum(cpu_seconds(p) for p in chromium_pids()),
        "server": cpu_seconds(server.proc.pid),
        "kernels": sum(cpu_seconds(p) for p in server.kernel_pids()),
    }


# The bare page at the same pace as EDIT_LOOP_JS: per round three timed clicks and two
# untimed ones (where the edit loop sets the target and the reason), with the same pauses.
BARE_LOOP_JS = """async ([edits, pause, tag]) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const click = [['click', '.widget-button', ''], '.widget-label', ''];
  const out = {type: [], save: []};
  for (let i = 0; i < edits; i++) {
    await sleep(pause * (0.5 + Math.random()));
    out.type.push(await window.pmwRoundTrip(click));
    await sleep(150);
    out.type.push(await window.pmwRoundTrip(click));
    await sleep(150);
    document.querySelector('.widget-button').click();
    document.querySelector('.widget-button').click();
    await sleep(100);
    out.save.push(await window.pmwRoundTrip(click));
  }
  out.done = true;
  return out;
}"""

START_LOOP = (
    """([edits, pause, tag]) => { window.pmwLoop = (%s)([edits, pause, tag]); return true; }"""
)


def measure(folder: Path, quick: bool) -> list[Row]:
    """Open N sessions, let them all edit at once, and report round trips and memory.

    The same number of bare one-Button pages, served by stock Voila and clicked at the
    same pace, is the reference: what any Voila app costs on this machine.
    """
    from .bench_pages import EDIT_LOOP_JS

    sizes = (5, 10) if quick else SIZES
    template = database(folder / "data", max(sizes))
    rows: list[Row] = []
    browser = Browser()
    try:
        for size in sizes:
            count = 2 if quick else 4
            rows += _run(folder, template, browser, size, EDIT_LOOP_JS, count)
            rows += _run_bare(folder, browser, size, count)
    finally:
        browser.close()
    return rows


@dataclass
class Sessions:
    """What N sessions did together: their round trips, and what it cost."""

    typed: list[float] = field(default_factory=list)  # per loop: the first two timed steps
    saved: list[float] = field(default_factory=list)  # per loop: the last timed step
    load_ms: list[float] = field(default_factory=list)
    opened: float = 0.0  # seconds until every page was open
    memory: float = 0.0  # MiB: the server and all its kernels, every page open
    kernels: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds while the loops ran
    wall: float = 0.0  # seconds the loops ran


def _sessions(
    browser: Browser,
    site: Site,
    visits: list[tuple[str | None, str, str]],
    prepare: Callable[[Any], None],
    loop_js: str,
    count: int,
) -> Sessions:
    """Open each (person, url, ready) page, then run ``loop_js`` in all of them at once."""
    server = site.server
    got = Sessions()
    started = time.monotonic()
    with ExitStack() as stack:
        pages = []
        for person, url, ready in visits:
            page = stack.enter_context(browser.visit(site, person))
            got.load_ms.append(interactive(page, url, ready))
            prepare(page)
            pages.append(page)
        got.opened = time.monotonic() - started
        kernels = server.kernel_pids()
        got.kernels = len(kernels)
        got.memory = rss_mib(server.proc.pid) + sum(rss_mib(k) for k in kernels)
        # every session starts its loop at once; then we collect them all
        before, started = cpu_by_part(server), time.monotonic()
        for i, page in enumerate(pages):
            page.evaluate(START_LOOP % loop_js, [count, 1000, f"s{i + 1}"])
        for page in pages:
            result = page.evaluate("() => window.pmwLoop")
            if any(ms < 0 for ms in result["type"] + result["save"]):
                raise RuntimeError(f"a session got no answer in 20 s: {result}")
            got.typed += result["type"]
            got.saved += result["save"]
        got.wall = time.monotonic() - started
        got.cpu = {part: used - before[part] for part, used in cpu_by_part(server).items()}
    return got


def _round_trips(section: str, names: tuple[str, str], got: Sessions, size: int) -> list[Row]:
    rows = [
        Row(section, names[0], "ms", got.typed),
        Row(section, names[1], "ms", got.saved),
    ]
    for row in rows:
        p95 = percentile(row.samples, 95)
        row.note = f"p50 {percentile(row.samples, 50):.0f} ms, p95 {p95:.0f} ms"
        if size == 50 and not names[0].startswith("bare"):
            row.target, row.met = "p95 < 100 ms", p95 < 100
    return rows


def _cpu(section: str, what: str, got: Sessions) -> list[Row]:
    """CPU per round trip, by part: the browser, the server, the kernels."""
    steps = len(got.typed) + len(got.saved)
    return [
        Row(
            section,
            f"CPU per {what}: {part}",
            "ms",
            [1000 * used / max(steps, 1)],
            note=f"{used:.1f} s of CPU over {steps} {what}s in {got.wall:.0f} s "
            f"({100 * used / got.wall / (os.cpu_count() or 1):.0f}% of the machine)",
        )
        for part, used in got.cpu.items()
    ]


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
    settle(server, preheated_pool(ROOT / "notebooks"), timeout=300)
    visits: list[tuple[str | None, str, str]] = [
        (
            f"e{n:03d}",
            f"{server.url}/voila/render/02_objectives.ipynb?workbook={n}",
            EDITOR_READY,
        )
        for n in range(1, size + 1)
    ]
    try:
        got = _sessions(browser, site, visits, lambda page: open_objective(page, 1), loop_js, count)
    finally:
        server.stop()
    section = f"Concurrency: {size} sessions at once"
    names = (
        "title edit until SMART feedback (all sessions)",
        "save until the table shows it (all sessions)",
    )
    rows = _round_trips(section, names, got, size)
    rows.append(
        Row(
            section,
            "memory: server and all kernels",
            "MiB",
            [got.memory],
            note=f"{got.kernels} kernels ({got.kernels - size} of them preheated and idle); "
            f"{got.memory / max(got.kernels, 1):.0f} MiB each on average",
        )
    )
    rows += _cpu(section, "edit", got)
    rows.append(
        Row(
            section,
            "opening the pages one after another",
            "ms",
            got.load_ms,
            note=f"all {size} open after {got.opened:.0f} s; later pages start a kernel cold",
        )
    )
    return rows


def _run_bare(folder: Path, browser: Browser, size: int, count: int) -> list[Row]:
    """The reference: ``size`` bare one-Button pages of stock Voila, clicked at the same pace."""
    work = folder / f"bare-sessions-{size}"
    if work.exists():
        shutil.rmtree(work)
    (work / "notebooks").mkdir(parents=True)
    (work / "notebooks" / f"{BARE}.ipynb").write_text(json.dumps(BARE_NOTEBOOK), encoding="utf-8")
    server = VoilaServer(
        _env(work, work / "unused.sqlite3"), work / "voila.log", folder=work / "notebooks"
    )
    site = Site("stock", server, False, [BARE])
    url = f"{server.url}/voila/render/{BARE}.ipynb"
    try:
        got = _sessions(
            browser,
            site,
            [(None, url, BARE_READY)] * size,
            lambda page: page.evaluate(ROUND_TRIP_JS),
            BARE_LOOP_JS,
            count,
        )
    finally:
        server.stop()
    section = f"Concurrency: {size} sessions at once"
    names = (
        "bare Voila page, same pace: click until the label changes",
        "bare Voila page, same pace: click after two others",
    )
    return _round_trips(section, names, got, size) + _cpu(section, "bare click", got)
