"""The dashboard page for HR on a 10,000-workbook organisation, in Chromium.

The organisation comes from :func:`bench.bench_store.build_org` (the same
file the store benchmark measures). ``pmw serve`` runs on a copy of it, with the
dashboard's preheated kernel reading every workbook's row before the request
(``frames.warm``). We time HR's page from navigation start until the table of
workbooks is on screen, against the bare one-Button page on the same server.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
from contextlib import closing
from pathlib import Path

from servers import PmwServer

from .bench_pages import (
    BARE,
    BARE_READY,
    PAGES,
    Browser,
    Site,
    _env,
    interactive,
    notebooks_folder,
    preheated_pool,
    settle,
)
from .bench_store import build_org
from .common import Row


def _admin(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        for pid, roles in conn.execute("SELECT id, roles FROM people ORDER BY id"):
            if "admin" in roles.split(","):
                return str(pid)
    raise RuntimeError("the organisation has no admin")


def measure(folder: Path, quick: bool) -> list[Row]:
    """Time HR's dashboard page on the large organisation (1,000 workbooks when quick)."""
    size = 1000 if quick else 10_000
    rounds = 2 if quick else 6  # a 10 % target on a shared 2-core machine needs the samples
    org = build_org(size, folder.parent / "store")
    work = folder / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db = work / "org.sqlite3"
    shutil.copy(org, db)
    admin = _admin(db)
    nb = notebooks_folder(folder)
    server = PmwServer(_env(work, db), work / "serve.log", 600, f"--notebooks={nb}")
    site = Site("pmw", server, True, [BARE, "coach_dashboard"])
    pool = preheated_pool(nb)
    browser = Browser()
    samples: dict[str, list[float]] = {"bare": [], "dashboard": []}
    try:
        settle(server, pool, timeout=900)  # the dashboard kernel warms 10,000 rows first
        for _ in range(rounds):
            with browser.visit(site, admin) as page:
                samples["bare"].append(interactive(page, site.url(BARE), BARE_READY))
            settle(server, pool, timeout=900)
            with browser.visit(site, admin) as page:
                ms = interactive(page, site.url("coach_dashboard"), PAGES["coach_dashboard"])
                samples["dashboard"].append(ms)
                text = page.inner_text(".pmw-dashboard")
                if f"{size:,} workbooks" not in text and f"{size} workbooks" not in text:
                    raise RuntimeError(f"the dashboard does not show {size} workbooks")
            settle(server, pool, timeout=900)
    finally:
        browser.close()
        server.stop()
    section = f"Dashboard page, {size:,} workbooks (HR, preheated)"
    bare = Row(section, "bare page on the same server", "ms", samples["bare"])
    dash = Row(section, "dashboard page interactive", "ms", samples["dashboard"])
    ratios = sorted(d / b for b, d in zip(samples["bare"], samples["dashboard"], strict=True))
    dash.ratio = statistics.median(ratios)  # each visit against the bare visit just before it
    dash.target, dash.met = "<= 1.10x bare", dash.ratio <= 1.10
    dash.note = (
        "navigation start until the table is on screen; the < 1.5 s target is on the "
        "kernel's build (Store section): the front end alone takes as long as the bare page; "
        f"ratio = median of {len(ratios)} paired visits ({ratios[0]:.2f}–{ratios[-1]:.2f})"
    )
    return [bare, dash]
