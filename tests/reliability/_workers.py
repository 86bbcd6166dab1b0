"""Writer processes for the reliability tests: real service-layer writes, logged.

Every operation writes a unique token into the workbook (an objective's
description, a check-in's goal, a private note), so that afterwards the test can
find each acknowledged write in the event log, and make sure that no refused
one left a trace.

Used two ways:

- :func:`conflict_worker` runs in a ``multiprocessing`` (spawn) child and logs
  one JSON line per operation to its own file;
- ``python tests/reliability/_workers.py crash URL PREFIX SEED`` writes until it
  is killed, printing ``try TOKEN`` before each write and ``ack TOKEN`` only
  after the write returned (flushed), for the crash tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: the demo workbooks the writers share: (id, employee, manager). All have
#: objectives; 1 and 3 are holding check-ins.
WORKBOOKS = {1: ("mchen", "rokafor"), 2: ("tnguyen", "rokafor"), 3: ("dsilva", "rokafor")}
CHECK_IN_WORKBOOKS = (1, 3)
CHECK_IN_DAY = dt.date(2026, 11, 20)
STALE_MESSAGE = "changed since you opened it"
#: what a save refused because both changed one field says (nothing stored; both shown)
CONFLICT_MESSAGE = "also changed"
#: what a save says when others saved during every one of its tries (nothing stored)
BUSY_MESSAGE = "the workbook is changing fast"
#: the objective fields the writers edit, one per save, on forms that may be stale
FIELDS = ("title", "description", "measure", "target")


@dataclass
class Memory:
    """What one writer's page holds: the version its form is based on, and each objective
    as the form shows it (stale once someone else saves: the form is not reloaded)."""

    version: int
    objectives: dict[int, dict[str, Any]] = field(default_factory=dict)


def _services(store: Any, cache: dict[str, Any], actor: str) -> Any:
    from pmwidgets.services import Services

    if actor not in cache:
        cache[actor] = Services(store, actor)
    return cache[actor]


def _read(svc: Any, wb: int) -> Memory:
    state = svc.open(wb)
    return Memory(
        state.workbook.version,
        {o.id: o.model_dump() for o in state.objectives if o.id is not None},
    )


def one_operation(
    store: Any,
    cache: dict[str, Any],
    rng: random.Random,
    token: str,
    memory: dict[int, Memory],
    stale_share: float = 0.0,
    chained_share: float = 0.0,
    plan: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Do one random write through the services; return what was attempted and how it ended.

    An objective update changes one field (of :data:`FIELDS`) on a form, and re-sends
    every other field as the form shows it, as a page does. ``stale_share`` of the
    writes claim an older version than the one read. ``chained_share`` of the
    objective updates use a form kept from this writer's earlier read or save instead
    of reading again: a page left open while others save. No write may revert a field
    its writer did not change, or overwrite a value its writer had not seen; a field
    both changed is refused as a conflict.

    ``plan`` fixes an objective update instead of drawing it: its ``wb``, ``actor``,
    ``number`` and ``field``, and optionally ``seen`` (a :class:`Memory` kept from an
    earlier read: a page left open), as :func:`scripted_collision` uses.
    """
    from pmwidgets.domain.errors import PmwError
    from pmwidgets.domain.model import CheckIn, Objective

    plan = plan or {}
    wb = plan.get("wb") or rng.choice(sorted(WORKBOOKS))
    kind = "objective" if plan else rng.choices(["objective", "check_in", "note"], [5, 3, 2])[0]
    if kind == "check_in" and wb not in CHECK_IN_WORKBOOKS:
        wb = rng.choice(CHECK_IN_WORKBOOKS)
    actor = plan.get("actor") or rng.choice(WORKBOOKS[wb])
    svc = _services(store, cache, actor)
    op: dict[str, Any] = {"token": token, "kind": kind, "wb": wb, "actor": actor, "mode": "fresh"}
    try:
        if "seen" in plan:
            seen = plan["seen"]
            op["mode"] = "chained"
        elif not plan and kind == "objective" and wb in memory and rng.random() < chained_share:
            seen = memory[wb]
            op["mode"] = "chained"
        else:
            seen = _read(svc, wb)
        expected = seen.version
        if not plan and rng.random() < stale_share and expected > 1 and op["mode"] == "fresh":
            expected -= rng.randint(1, min(3, expected - 1))
            op["mode"] = "stale"
        op["expected"] = expected
        if kind == "objective":
            number = plan.get("number") or rng.choice(sorted(seen.objectives))
            form = seen.objectives[number]
            changed = plan.get("field") or rng.choice(FIELDS)
            value = f"Soak token {token}: {changed} kept current."
            op.update(number=number, field=changed, seen=form[changed], value=value)
            op["form"] = {f: form[f] for f in FIELDS}
            new = Objective.model_validate({**form, changed: value})
            returned = svc.update_objective(wb, number, new, expected, reason=f"soak {token}")
            op["returned"] = returned
            # the page shows what is stored after its save (as the editors reload), then is
            # left open: other writers' later saves leave its form stale
            memory[wb] = _read(svc, wb)
        elif kind == "check_in":
            check_in = CheckIn(on=CHECK_IN_DAY, goal=f"Soak token {token}")
            op["returned"] = svc.save_check_in(wb, check_in, expected)
            memory.pop(wb, None)
        else:
            op["returned"] = svc.add_note(wb, f"Soak token {token}", expected)
            memory.pop(wb, None)
        op["outcome"] = "ack"
    except PmwError as exc:
        op["outcome"] = "refused"
        op["message"] = str(exc)
        memory.pop(wb, None)
    except Exception as exc:  # anything else is a bug: the test reports it
        op["outcome"] = "error"
        op["message"] = f"{type(exc).__name__}: {exc}"
        op["traceback"] = traceback.format_exc()
        memory.pop(wb, None)
    return op


def conflict_worker(
    url: str, index: int, operations: int, seed: int, log: str, start_at: float = 0.0
) -> None:
    """A writer process: ``operations`` random writes, each logged to the file ``log``.

    The attempt is logged (and flushed) before the write, the outcome after it,
    so an attempt that never got an outcome shows up as lost. All writers begin at
    ``start_at`` (a ``time.time()``), so that they really write at the same time.
    """
    from pmwidgets.store import Store

    rng = random.Random(seed * 1000 + index)
    cache: dict[str, Any] = {}
    memory: dict[int, Memory] = {}
    with Store(url) as store, Path(log).open("a", encoding="utf-8") as out:
        _services(store, cache, "rokafor").open(1)  # imports and connections, before the start
        time.sleep(max(0.0, start_at - time.time()))
        i = 0
        while i < operations:
            if i % 10 == 5 and operations - i >= 2:
                plans = scripted_collision(store, cache, rng)
            else:
                plans = [None]
            for plan in plans:
                token = f"w{index}x{i}"
                out.write(json.dumps({"attempt": token}) + "\n")
                out.flush()
                op = one_operation(
                    store, cache, rng, token, memory, stale_share=0.2, chained_share=0.5, plan=plan
                )
                out.write(json.dumps(op) + "\n")
                out.flush()
                i += 1


def scripted_collision(store: Any, cache: dict[str, Any], rng: random.Random) -> list[dict]:
    """Two objective updates that collide whatever the scheduling: one party opens the
    objective, the other saves one field of it, then the first saves another field
    from the form it opened before (stale: the store must keep the other's change).

    Random interleaving of the writer processes makes such saves too, but how many
    depends on how the machine schedules them (a loaded machine may run the writers
    one after another); these make sure every run has some.
    """
    wb = rng.choice(sorted(WORKBOOKS))
    first, second = rng.sample(WORKBOOKS[wb], 2)
    seen = _read(_services(store, cache, first), wb)
    number = rng.choice(sorted(seen.objectives))
    theirs, mine = rng.sample(FIELDS, 2)
    return [
        {"wb": wb, "actor": second, "number": number, "field": theirs},
        {"wb": wb, "actor": first, "number": number, "field": mine, "seen": seen},
    ]


def read_log(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """(tokens attempted, operations with an outcome) from one worker's log."""
    attempted: list[str] = []
    done: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if "attempt" in entry:
            attempted.append(entry["attempt"])
        else:
            done.append(entry)
    return attempted, done


def crash_writer(url: str, prefix: str, seed: int) -> None:
    """Write until killed: ``try TOKEN`` before each write, ``ack TOKEN`` once it returned."""
    from pmwidgets.store import Store

    rng = random.Random(seed)
    cache: dict[str, Any] = {}
    with Store(url) as store:
        print("ready", flush=True)
        i = 0
        while True:
            token = f"{prefix}x{i}"
            print(f"try {token}", flush=True)
            op = one_operation(store, cache, rng, token, {})
            if op["outcome"] == "ack":
                print(f"ack {token}", flush=True)
            elif op["outcome"] == "refused":
                print(f"refused {token} {op['message']}", flush=True)
            else:
                print(f"error {token} {op['message']}", flush=True)
                print(op["traceback"], file=sys.stderr, flush=True)
            i += 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "crash":
        crash_writer(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("usage: _workers.py crash URL PREFIX SEED")


class Writer:
    """One run of the writer subprocess, its output read line by line as it comes."""

    def __init__(self, url: str, prefix: str, seed: int, log: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "crash", url, prefix, str(seed)],
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
            text=True,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.lines.append("<eof>")
            self.changed.notify_all()

    def wait_for(self, prefix: str, after: int = 0, timeout: float = 120) -> int:
        """Index of the first line from ``after`` on that starts with ``prefix``."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for i in range(after, len(self.lines)):
                    if self.lines[i].startswith(prefix) or self.lines[i] == "<eof>":
                        return i
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {prefix!r} line from the writer")
                self.changed.wait(left)

    def kill(self) -> list[str]:
        """SIGKILL the writer; returns every line it printed."""
        with contextlib.suppress(ProcessLookupError):  # died already: the caller says why
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.reader.join(timeout=60)
        return [line for line in self.lines if line != "<eof>"]


# --- checks shared by the tests ---------------------------------------------------


def pmw_verify(url: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``pmw verify`` on ``url``."""
    return subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", "--database", url, "verify"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def integrity(url: str) -> str:
    """``PRAGMA integrity_check`` of an SQLite database ("ok" when sound); "n/a" otherwise."""
    from pmwidgets.store.engine import sqlite_path

    path = sqlite_path(url)
    if path is None:
        return "n/a"
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def token_of(text: str) -> str | None:
    """The soak token in a piece of stored text, if any."""
    if "Soak token " not in text:
        return None
    return text.split("Soak token ", 1)[1].split(":")[0].split('"')[0]


def event_token(e: Any) -> str | None:
    """The soak token of the write an event belongs to: from its reason (``soak TOKEN``),
    else from its ``after`` state (a record holds other writes' tokens in other fields,
    so the reason comes first)."""
    if e.reason.startswith("soak "):
        return str(e.reason.removeprefix("soak ")).strip()
    return token_of(json.dumps(e.after, ensure_ascii=False)) if e.after is not None else None


def events_by_token(store: Any) -> dict[str, list[Any]]:
    """Events by the soak token of the write they belong to."""
    found: dict[str, list[Any]] = {}
    for e in store.events():
        token = event_token(e)
        if token is not None:
            found.setdefault(token, []).append(e)
    return found


def whole_writes(store: Any, versions0: dict[int, int]) -> list[str]:
    """Problems with atomicity: every workbook version made since the start holds one whole write.

    A write is one transaction and one version; its events (for example an
    agreement reopened, then the objective changed) must all carry the same
    token, and each version since ``versions0`` exactly one token.
    """
    problems = []
    groups: dict[tuple[int, int], list[Any]] = {}
    for e in store.events():
        if e.workbook_id in versions0 and (e.workbook_version or 0) > versions0[e.workbook_id]:
            groups.setdefault((e.workbook_id, e.workbook_version), []).append(e)
    for (wb, version), evs in sorted(groups.items()):
        tokens = {event_token(e) for e in evs}
        tokens.discard(None)
        if len(tokens) != 1:
            problems.append(f"workbook {wb} version {version}: {len(tokens)} writes in one version")
        kinds = {e.action for e in evs}
        if kinds & {"agreement.reopened"} and not kinds - {"agreement.reopened"}:
            problems.append(f"workbook {wb} version {version}: reopened, but the change is missing")
    for wb, v0 in versions0.items():
        made = {version for (w, version) in groups if w == wb}
        expected = set(range(v0 + 1, store.latest_version(wb) + 1))
        if made != expected:
            problems.append(f"workbook {wb}: versions {sorted(expected - made)} hold no write")
    return problems
