"""Render the figures of a ``make soak`` run into ``docs/reliability.md``.

Usage: ``python -m bench.soak_report FIGURES_DIR OUT.md``

``FIGURES_DIR`` holds one JSON file per section, written by
:func:`tests.figures.record` (``{"section": ..., "figures": {...}}``), and, when
``make soak`` made it, ``junit.xml`` (which tests passed, failed or were skipped).
The report starts with when, where and with what the figures were measured,
then gives one table per section: the known sections first, with a few words on
what they check, then any other section as it comes. A figure that must be
zero (lost, corrupted, missed, ...) and is not is flagged loudly, at the top too.
A section may explain itself with a text figure named ``about``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: what each known section checks, by the start of its title (lower case), in report order.
KNOWN: list[tuple[str, str]] = [
    (
        "conflicting edits",
        "2, 4 and 8 processes make real service-layer writes (objective updates, check-ins, "
        "private notes) to the same three workbooks at once, all starting together. Each "
        "objective update changes one field (title, description, measure or target) on a form "
        "and re-sends every other field as the form shows it: a fifth of the writes claim an "
        "older version than they read, and half of the objective updates come from a form "
        "left open while the others save (stale). Every attempt is logged by its writer with "
        "its outcome. Checked afterwards: every acknowledged write is in the event log, once; "
        "no refused write left a trace; **no silent reverts**: every acknowledged objective "
        "save changed only the field its writer changed, and only from the value its writer "
        "had seen, so every acknowledged change survives unless a writer who had seen it "
        "changed it later (*silent reverts* must be 0; *stale forms merged* counts saves whose "
        "form was out of date in other fields, kept as the others saved them); a field both "
        "changed is refused as a conflict, storing nothing; every refusal says why; each "
        "workbook version holds exactly one whole write; `pmw verify` (the real command) "
        "exits 0; on SQLite `PRAGMA integrity_check` is ok. *Lost* counts attempts without an "
        "outcome, acknowledged writes that are missing and silent reverts; *corrupted* counts "
        "traces of refused writes, broken versions, failed checks.",
    ),
    (
        "crashes: writer",
        "A writer process makes real service-layer writes and prints `ack TOKEN` only after a "
        "write returned; it is killed with SIGKILL at random moments (most just after a write "
        "started) and started again until the number of writes was attempted. Checked "
        "afterwards: every acknowledged write is stored, writes in doubt (killed before the "
        "acknowledgement) are either whole or absent, every workbook version holds one whole "
        "write, `integrity_check` is ok and `pmw verify` exits 0.",
    ),
    (
        "crashes: web app",
        "`pmw serve` (Voila and its kernels) runs a real check-in page in Chromium; while an "
        "employee's save is in flight, the server and every kernel are killed with SIGKILL at "
        "once, then the server is started again. Every save whose *saved* confirmation the "
        "page showed must be stored; after each kill `integrity_check` is ok and `pmw verify` "
        "exits 0.",
    ),
    (
        "backup and restore",
        "`pmw db backup` (SQLite's online backup API) runs while a writer process keeps "
        "saving; each backup must pass `integrity_check` and `pmw verify`. `pmw db restore` "
        "while the writer keeps saving must put back exactly the backed-up event chain (the "
        "writer's later saves continue it), and, with nobody writing, exactly the backed-up "
        "tables; bad backups (not a database, damaged, another app's, tampered) are refused "
        "with one line. For PostgreSQL, the documented path (`pg_dump -Fc`, `pg_restore`, "
        "`pmw verify`) is run against a real server.",
    ),
    (
        "backup and restore while the app runs (postgresql",
        "The PostgreSQL path documented below, run against a real server: `pg_dump -Fc` of "
        "the demo database, `pg_restore` into a new database, then `pmw verify` on it, which "
        "must exit 0 with the same event chain, hash for hash.",
    ),
    (
        "tampering",
        "Hypothesis tampers with a copy of the demo database directly in SQL, behind the "
        "store's back: it edits a field of an event, deletes events (first, middle, tail; "
        "with or without renumbering the rest), swaps or moves events, edits, deletes or adds "
        "a row (person, job, workbook, record, agreement, confirmation), or edits or deletes "
        "the chain head. `pmw verify` must exit 1 and name the first broken record.",
    ),
]
GENERIC = {
    "bad input": "Bad input files: each must give one clear error line and store nothing.",
    "fuzzing": "Fuzzed inputs: no crash, no traceback, nothing stored half-way.",
    "xss": "Hostile text shown in the pages: it must stay text (no dialog, no injected element).",
    "access matrix": "Who may do what: every cell of the access matrix, tried.",
    "formula injection": "Text that a spreadsheet would run as a formula, in every export: "
    "it must stay text.",
    "web attacks": "An attack on the served web app (tests/browser/test_web_attacks.py), with "
    "raw HTTP and websocket clients beside Chromium against a real `pmw serve`: how often it "
    "was tried, and how often it succeeded (must be 0). Nothing may be written by any attempt.",
}
#: figures that must be zero, by name (and by ending, e.g. "cli_lost").
ZERO = {
    "succeeded",
    "lost",
    "corrupted",
    "missed",
    "first_broken_record_misnamed",
    "wrong",
    "failures",
    "crashes",
    "dialogs",
    "injected_elements",
    "leaks",
    "tracebacks",
    "formulas_left",
    "silent_overwrites",
    "silent_reverts",
    "served",
    "accepted_wrongly",
}
#: per section (start of its title, lower case), further figures that must be zero.
ZERO_IN = {"bad input": {"stored", "cli_stored"}}


@dataclass
class Tests:
    """What junit.xml says about the pytest run."""

    total: int = 0
    started: str = ""
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def read_junit(path: Path) -> Tests | None:
    """The outcome of the pytest run, from its junit XML (None if there is none)."""
    if not path.exists():
        return None
    tests = Tests()
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        tests.seconds += float(suite.get("time", 0) or 0)
        tests.started = tests.started or suite.get("timestamp", "")
    for case in root.iter("testcase"):
        tests.total += 1
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        if case.find("failure") is not None or case.find("error") is not None:
            tests.failed.append(name)
        elif case.find("skipped") is not None:
            reason = case.find("skipped")
            why = reason.get("message", "") if reason is not None else ""
            tests.skipped.append(f"{name} ({why[:120]})" if why else name)
    return tests


def _run(*cmd: str) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def machine() -> dict[str, str]:
    """Where and with what the figures were measured."""
    info: dict[str, str] = {}
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    cores = f"{os.cpu_count()} cores"
    info["Machine"] = ", ".join(x for x in (cores, ram, cpu, platform.platform()) if x)
    info["Python"] = sys.version.split()[0]
    info["SQLite"] = sqlite3.sqlite_version
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    pg = _run(found[-1], "--version") if found else ""
    version = re.search(r"PostgreSQL\) (\S+)", pg)
    info["PostgreSQL"] = version.group(1) if version else "not installed"
    commit = _run("git", "rev-parse", "--short", "HEAD")
    dirty = _run("git", "status", "--porcelain", "--untracked-files=no")
    info["Commit"] = (
        f"`{commit}`" + (" with uncommitted changes" if dirty else "") if commit else "unknown"
    )
    return info


def load(folder: Path) -> list[dict[str, Any]]:
    """Every section recorded in ``folder``."""
    sections = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "section" in data and isinstance(data.get("figures"), dict):
            sections.append(data)
    return sections


def _order(section: str) -> tuple[int, int, str]:
    low = section.lower()
    backend = 0 if "sqlite" in low else 1  # SQLite, the default, before PostgreSQL
    for i, (prefix, _text) in enumerate(KNOWN):
        if low.startswith(prefix.split(" (")[0]):
            return i, backend, low
    return len(KNOWN), backend, low


def describe(section: str) -> str:
    """A few words on what a section checks ("" if unknown)."""
    low = section.lower()
    known = [(len(prefix), text) for prefix, text in KNOWN if low.startswith(prefix)]
    if known:
        return max(known)[1]  # the most specific
    return next((text for key, text in GENERIC.items() if key in low), "")


def must_be_zero(section: str, key: str) -> bool:
    """Whether the figure ``key`` of ``section`` must be zero."""
    k = key.lower()
    if k in ZERO or any(k.endswith("_" + z) for z in ZERO):
        return True
    low = section.lower()
    return any(low.startswith(s) and k in keys for s, keys in ZERO_IN.items())


def fmt(value: Any) -> str:
    """A figure as text for a Markdown table cell."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).replace("|", "\\|").replace("\n", " ")


def label(key: str) -> str:
    """A figure's name for people: ``kills_during_a_write`` -> ``Kills during a write``."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def render(sections: list[dict[str, Any]], tests: Tests | None, info: dict[str, str]) -> str:
    """The whole report as Markdown."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if tests is not None and tests.started:  # when the run began (junit's local time)
        with contextlib.suppress(ValueError):
            began = dt.datetime.fromisoformat(tests.started).astimezone(dt.UTC)
            now = began.strftime("%Y-%m-%d %H:%M UTC") + " (start of the run)"
    out = [
        "# Reliability",
        "",
        "Workbooks are agreements between two people about a year of someone's work, so",
        "losing or corrupting one is the worst thing pmwidgets can do. These figures come from",
        "the reliability suite at full size: `make soak` runs every test marked `reliability`",
        "with `PMW_SOAK=1`, and `python -m bench.soak_report` writes this file from what they",
        "recorded. `make test` runs the same tests at small sizes. *This file is generated:",
        "edit `bench/soak_report.py`, not this file.*",
        "",
        f"- Date: {now}",
        *(f"- {k}: {v}" for k, v in info.items()),
        "- Command: `make soak`",
    ]
    if tests is not None:
        passed = tests.total - len(tests.failed) - len(tests.skipped)
        out.append(
            f"- Tests: {tests.total} run in {tests.seconds / 60:.1f} min: {passed} passed, "
            f"{len(tests.failed)} failed, {len(tests.skipped)} skipped"
        )
    flags = [
        (s["section"], k, v)
        for s in sections
        for k, v in s["figures"].items()
        if must_be_zero(s["section"], k) and isinstance(v, int | float) and v != 0
    ]
    out.append("")
    if flags:
        out.append("> **⚠ FIGURES THAT MUST BE ZERO ARE NOT:**")
        out += [f"> - **{sec}: {label(k)} = {fmt(v)}**" for sec, k, v in flags]
        out.append("")
    elif sections:
        out += ["Every figure that must be zero (lost, corrupted, missed, ...) is zero.", ""]
    out += glance(sections)
    if tests is not None and tests.failed:
        out.append("> **⚠ TESTS FAILED in this run** (their figures may be incomplete):")
        out += [f"> - `{name}`" for name in tests.failed]
        out.append("")
    if not sections:
        out += ["No figures were recorded.", ""]
    for s in sorted(sections, key=lambda s: _order(s["section"])):
        title, figures = s["section"], dict(s["figures"])
        about = figures.pop("about", "")
        out += [f"## {title}", ""]
        text = describe(title) or str(about)
        if text:
            out += [text, ""]
        out += ["| Figure | Value |", "|---|---:|"]
        for key in _ordered_keys(figures):
            value = fmt(figures[key])
            if must_be_zero(title, key):
                ok = figures[key] == 0
                value = f"{value} (must be 0)" if ok else f"**⚠ {value} — MUST BE 0**"
            out.append(f"| {label(key)} | {value} |")
        out.append("")
    if tests is not None and tests.skipped:
        out += ["## Skipped in this run", ""]
        out += [f"- `{name}`" for name in tests.skipped]
        out.append("")
    out += [POSTGRES, ""]
    return "\n".join(out)


#: the figures summed over every section in the table at the top: (figure, meaning).
GLANCE: list[tuple[str, ...]] = [
    ("attempted", "Operations attempted (conflicting edits, crashes)"),
    ("acknowledged", "Operations acknowledged"),
    ("refused", "Operations refused, each with a message"),
    ("lost", "Lost (must be 0)"),
    ("corrupted", "Corrupted (must be 0)"),
    ("stale_forms_merged", "Stale forms saved, the others' changes kept"),
    ("silent_reverts", "Silent reverts (must be 0)"),
    ("cases", "Tampering cases tried", "tampering"),
    ("missed", "Tampering missed (must be 0)", "tampering"),
    ("inputs", "Bad inputs tried"),
    ("examples", "Fuzzed inputs tried"),
    ("payloads", "Hostile payloads tried"),
    ("cells", "Access-matrix cells checked"),
    ("tried", "Web attacks tried", "web attacks"),
    ("succeeded", "Web attacks that succeeded (must be 0)", "web attacks"),
]


def glance(sections: list[dict[str, Any]]) -> list[str]:
    """A table of the main figures summed over the sections that record them."""
    rows = []
    for key, meaning, *only in GLANCE:
        found = [
            (sec, v)
            for sec, v in _sums(sections, key)
            if not only or sec.lower().startswith(only[0])
        ]
        if not found:
            continue
        total = sum(v for _, v in found)
        value = fmt(total)
        if key in ("lost", "corrupted", "missed", "silent_reverts", "succeeded") and total:
            value = f"**⚠ {value} — MUST BE 0**"
        where = "; ".join(f"{sec}: {fmt(v)}" for sec, v in found)
        rows.append(f"| {meaning} | {value} | {where} |")
    if not rows:
        return []
    return ["## At a glance", "", "| Figure | Total | By section |", "|---|---:|---|", *rows, ""]


def _sums(sections: list[dict[str, Any]], key: str) -> list[tuple[str, float]]:
    """(section, value) of every section that records the number ``key``."""
    return [
        (s["section"], s["figures"][key])
        for s in sorted(sections, key=lambda s: _order(s["section"]))
        if isinstance(s["figures"].get(key), int | float)
        and not isinstance(s["figures"].get(key), bool)
        and (key != "refused" or "attempted" in s["figures"])  # operations only
    ]


def _ordered_keys(figures: dict[str, Any]) -> list[str]:
    """The usual figures first, in a fixed order, then the rest by name."""
    first = ["attempted", "acknowledged", "refused", "lost", "corrupted", "cases", "detected"]
    first += ["missed", "inputs", "payloads", "cells"]
    return [k for k in first if k in figures] + sorted(k for k in figures if k not in first)


POSTGRES = """## How to back up and restore

On SQLite, back up and restore while the app runs (see docs/cli.md):

    pmw db backup /backups/pmw-$(date +%F).sqlite3   # online backup API; the copy is checked
    pmw db restore /backups/pmw-2026-11-24.sqlite3   # checked first; the old database is kept

On PostgreSQL, use PostgreSQL's own tools, then check the result with `pmw verify`:

    pg_dump -Fc -d "$DB" -f pmw.dump                 # consistent while the app runs
    createdb pmw_restored
    pg_restore --no-owner -d pmw_restored pmw.dump
    PMW_DATABASE_URL=postgresql+psycopg://.../pmw_restored pmw verify   # must exit 0

Then point `PMW_DATABASE_URL` at the restored database (or rename it), restart the web app,
and keep the old database until `pmw verify` has passed on the new one. `pg_dump` takes
one consistent snapshot without stopping writers; `pg_restore` into a new, empty database
keeps the old one untouched if anything goes wrong. The test
`tests/reliability/test_backup.py::test_postgresql_backup_with_pg_dump_and_pg_restore`
runs exactly this path against a real server."""


def main(argv: list[str] | None = None) -> int:
    """Write the report; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m bench.soak_report FIGURES_DIR OUT.md", file=sys.stderr)
        return 2
    folder, out = Path(args[0]), Path(args[1])
    sections = load(folder) if folder.is_dir() else []
    text = render(sections, read_junit(folder / "junit.xml"), machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    flagged = re.findall(r"MUST BE 0", text)
    print(f"{out}: {len(sections)} sections" + (f", {len(flagged)} FLAGGED" if flagged else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
