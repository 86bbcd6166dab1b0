"""Crashes: writers and the web server killed with ``kill -9`` while they save.

1. A writer process makes real service-layer writes and prints ``ack TOKEN``
   only after each write returned. The test kills it with SIGKILL at random
   moments (most of them in the middle of a write), starts it again, and goes on
   until the wanted number of writes was attempted. Afterwards: SQLite's
   ``integrity_check`` is ok, every acknowledged write is in the store, every
   workbook version holds one whole write (nothing half-stored), and ``pmw
   verify`` exits 0. On SQLite and on PostgreSQL.
2. The web app (``pmw serve``: Voila and its kernels) is killed, the whole
   process tree at once, while an employee's check-in save is in flight from
   Chromium. After each restart: ``integrity_check`` is ok, every save whose
   "saved" confirmation the page showed is in the store, and ``pmw verify``
   exits 0.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from figures import record, scale
from servers import CHROMIUM, CHROMIUM_ARGS, free_port

from pmwidgets.demo.builder import build_demo
from pmwidgets.store import Store
from reliability._workers import (
    WORKBOOKS,
    Writer,
    events_by_token,
    integrity,
    pmw_verify,
    whole_writes,
)

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]


def _demo_database(db_url: str) -> dict[int, int]:
    with Store(db_url) as store:
        build_demo(store)
        return {wb: store.latest_version(wb) for wb in WORKBOOKS}


def test_writers_killed_with_sigkill(db_url: str, tmp_path: Path) -> None:
    target = scale(100, 1000)
    versions0 = _demo_database(db_url)
    rng = random.Random(11)
    tried: list[str] = []
    acked: set[str] = set()
    refused: set[str] = set()
    errors: list[str] = []
    kills = mid_write = 0
    # at least three lives and one kill inside a write, whatever the writer's pace
    while (len(tried) < target or kills < 3 or mid_write < 1) and kills < 60:
        writer = Writer(db_url, f"k{kills}", 1000 + kills, tmp_path / "writer.log")
        ready = writer.wait_for("ready")
        if rng.random() < 0.8:  # just after a write started: the kill lands inside it
            time.sleep(rng.uniform(0.0, 0.5))
            started = writer.wait_for("try ", ready)
            time.sleep(rng.uniform(0.0, 0.03))
        else:  # anywhere
            time.sleep(rng.uniform(0.0, 0.5))
            started = ready
        del started
        died = writer.lines[-1:] == ["<eof>"]
        lines = writer.kill()
        if died:
            log = (tmp_path / "writer.log").read_text()[-3000:]
            pytest.fail(f"the writer stopped by itself: {log}")
        kills += 1
        for line in lines:
            word, _, rest = line.partition(" ")
            token = rest.split(" ", 1)[0]
            if word == "try":
                tried.append(token)
            elif word == "ack":
                acked.add(token)
            elif word == "refused":
                refused.add(token)
            elif word == "error":
                errors.append(rest)
        last = next((line for line in reversed(lines) if line.startswith("try ")), None)
        if last is not None and last.split()[1] not in acked | refused:
            mid_write += 1
    in_doubt = [t for t in tried if t not in acked and t not in refused]
    problems: list[str] = [f"writer error: {e}" for e in errors]
    with Store(db_url) as store:
        by_token = events_by_token(store)
        missing = sorted(acked - set(by_token))
        problems += [f"{t}: acknowledged, then lost" for t in missing]
        traces = sorted(refused & set(by_token))
        problems += [f"{t}: refused, but stored" for t in traces]
        atomicity = whole_writes(store, versions0)
        problems += atomicity
    check = integrity(db_url)
    if check not in ("ok", "n/a"):
        problems.append(f"integrity_check: {check}")
    verify = pmw_verify(db_url)
    if verify.returncode != 0:
        problems.append(f"pmw verify: {verify.stdout.strip()} {verify.stderr.strip()}")
    backend = "SQLite" if db_url.startswith("sqlite") else "PostgreSQL"
    record(
        f"Crashes: writer killed with kill -9 ({backend})",
        attempted=len(tried),
        acknowledged=len(acked),
        refused=len(refused),
        kills=kills,
        kills_during_a_write=mid_write,
        in_doubt_then_found_stored=sum(t in by_token for t in in_doubt),
        in_doubt_then_found_absent=sum(t not in by_token for t in in_doubt),
        lost=len(missing) + len(errors),
        corrupted=len(traces)
        + len(atomicity)
        + (check not in ("ok", "n/a"))
        + (verify.returncode != 0),
    )
    assert kills >= 3 and mid_write >= 1, (kills, mid_write)
    assert len(acked) > target // 4
    assert not problems, "\n".join(problems[:20])


# --- the web app killed while a save is in flight --------------------------------


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Voila starts each kernel in a session of its own)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class WebApp:
    """``pmw serve`` in a process group of its own, killable as a whole with SIGKILL."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable, "-m", "pmwidgets.cli", "serve", f"--port={self.port}", "--pool-size=0",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pmw serve exited: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/voila/static/", timeout=2)
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.3)
                continue
            return
        raise RuntimeError("pmw serve did not start in 180 s")

    def invite(self, person: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "pmwidgets.cli", "invite", person, "--url", self.url],
            env=self.env, capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        return out.stdout.strip()

    def kill(self) -> int:
        """SIGKILL the server and every kernel at once; returns how many processes died."""
        victims = [self.proc.pid, *_descendants(self.proc.pid)]
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        return len(victims)


@pytest.fixture
def chromium() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _status(page: object) -> str:
    return str(page.locator(".pmw-check-in-log .pmw-status").inner_text())  # type: ignore[attr-defined]


@pytest.mark.slow
def test_web_app_killed_while_saving(chromium: object, demo_template: Path, tmp_path: Path) -> None:
    rounds = scale(3, 10)
    db = tmp_path / "web.sqlite3"
    shutil.copy(demo_template, db)
    url = f"sqlite:///{db}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMW_")}
    env.update(
        PMW_DATABASE_URL=url,
        PMW_SECRET="reliability-" + tmp_path.name,
        PMW_CULL_SECONDS="120",
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
    )
    rng = random.Random(5)
    confirmed: list[str] = []
    in_flight: list[str] = []
    attempted = processes_killed = 0
    latencies: list[float] = []
    problems: list[str] = []
    for r in range(rounds):
        app = WebApp(env, tmp_path / "serve.log")
        context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("http://127.0.0.1")
                else route.abort()
            ),
        )
        page = context.new_page()
        page.set_default_timeout(120_000)
        try:
            page.goto(app.invite("mchen"), wait_until="domcontentloaded")
            page.wait_for_selector("#loading", state="detached")
            page.goto(
                f"{app.url}/voila/render/04_check_ins.ipynb?workbook=1",
                wait_until="domcontentloaded",
            )
            page.wait_for_selector("#loading", state="detached")
            page.wait_for_selector(".pmw-check-in-log")
            log = page.locator(".pmw-check-in-log")
            saves = rng.randint(1, 3)
            for i in range(saves + 1):
                token = f"web{r}x{i}"
                before = _status(page)
                log.get_by_label("Goal", exact=True).fill(f"Soak token {token}")
                page.get_by_role("button", name="Save check-in").click()
                clicked = time.monotonic()
                attempted += 1
                if i < saves:  # a save that completes
                    page.wait_for_function(
                        "([sel, before]) => { const e = document.querySelector(sel);"
                        " return e && e.innerText !== before && e.innerText.trim() !== ''; }",
                        arg=[".pmw-check-in-log .pmw-status", before],
                    )
                    latencies.append(time.monotonic() - clicked)
                    if "saved" not in _status(page):
                        problems.append(f"{token}: not saved: {_status(page)}")
                    else:
                        confirmed.append(token)
                    continue
                # the last one: kill while it is in flight (a save takes about `latency`)
                latency = min(latencies)
                time.sleep(max(0.0, rng.uniform(0.0, 1.2 * latency) - (time.monotonic() - clicked)))
                processes_killed += app.kill()
                time.sleep(0.5)  # let the page show whatever had reached it
                after = _status(page)
                if after != before and "saved" in after:
                    confirmed.append(token)
                else:
                    in_flight.append(token)
        finally:
            context.close()
            if app.proc.poll() is None:
                app.kill()
        check = integrity(url)
        if check != "ok":
            problems.append(f"after kill {r + 1}: integrity_check: {check}")
        verify = pmw_verify(url)
        if verify.returncode != 0:
            problems.append(f"after kill {r + 1}: pmw verify: {verify.stdout.strip()}")
    with Store(url) as store:
        stored = {
            t for t, evs in events_by_token(store).items() if evs[0].action == "check_in.added"
        }
    missing = [t for t in confirmed if t not in stored]
    problems += [f"{t}: the page said saved, but it is not in the store" for t in missing]
    record(
        "Crashes: web app killed with kill -9 during a save (SQLite)",
        kills=rounds,
        processes_killed=processes_killed,
        saves_attempted=attempted,
        saves_confirmed_on_the_page=len(confirmed),
        saves_in_flight_when_killed=len(in_flight),
        in_flight_then_found_stored=sum(t in stored for t in in_flight),
        lost=len(missing),
        corrupted=sum(p.startswith("after kill") for p in problems),
    )
    assert not problems, "\n".join(problems)
