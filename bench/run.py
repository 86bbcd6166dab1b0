"""``make bench``: run every benchmark in one sitting and write ``docs/performance.md``.

Usage::

    python -m bench.run [--quick] [--only pages,store,...] [--out docs/performance.md]

The results table records the machine, the versions, each measure's median with
its min and max, its ratio to the bare-Voila reference and whether its target is
met. The levers section (what each change bought) is kept in
``bench/levers.md`` and copied in, so a rerun never loses it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from .common import Row  # noqa: E402

ROOT = HERE.parent
SUITES = ("imports", "store", "pages", "dashboard", "concurrency", "lab")


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(dist: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v

        try:
            return v(dist)
        except PackageNotFoundError:
            return "not installed"

    chromium = "not installed"
    if Path("/usr/bin/chromium").exists():
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
        chromium = out.stdout.strip() or chromium
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", commit or "?"),
        ("CPU", f"{os.cpu_count()} cores, {model}"),
        ("memory", mem),
        ("load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("browser", chromium),
        *[
            (name, version(name))
            for name in (
                "voila",
                "ipywidgets",
                "ipykernel",
                "jupyter_server",
                "sqlalchemy",
                "pydantic",
                "pandas",
            )
        ],
    ]


def fmt(value: float, unit: str) -> str:
    """A number the way the table shows it."""
    if value != value:  # NaN
        return "—"
    if unit in ("ms", "MiB") and value >= 100:
        return f"{value:,.0f}"
    if unit == "s" or value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}"


def table(rows: list[Row]) -> list[str]:
    """Markdown tables, one per section."""
    out: list[str] = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out += [
                "",
                f"### {section}",
                "",
                "| measure | median | min | max | n | ratio | target | met | note |",
                "|---|---:|---:|---:|---:|---:|---|---|---|",
            ]
        unit = f" {row.unit}" if row.unit else ""
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        out.append(
            f"| {row.measure} | {fmt(row.median, row.unit)}{unit} | {fmt(row.low, row.unit)} "
            f"| {fmt(row.high, row.unit)} | {len(row.samples)} | {ratio} | {row.target} | {met} "
            f"| {row.note} |"
        )
    return out


def render(rows: list[Row], spent: dict[str, float], quick: bool, failures: list[str]) -> str:
    """The whole of docs/performance.md."""
    targets = [r for r in rows if r.met is not None]
    missed = [r for r in targets if not r.met]
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit the tables by hand.",
        "Benchmarks are kept apart from the tests: `make test` has no timed assertions.",
        "Everything below was measured in one run on the machine described, so ratios",
        "compare like with like; absolute times move with the machine's load.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in machine()],
        "",
        "## Targets",
        "",
        f"{len(targets) - len(missed)} of {len(targets)} targets met"
        + (" (quick run: fewer samples and a smaller organisation)." if quick else "."),
        "",
    ]
    if missed:
        lines += ["Missed:", ""] + [
            f"- {r.section}: {r.measure}: median {fmt(r.median, r.unit)} {r.unit}"
            + (f" ({r.ratio:.2f}×)" if r.ratio is not None else "")
            + f", target {r.target}"
            for r in missed
        ]
    if failures:
        lines += ["", "Benchmarks that failed to run:", ""] + [f"- {f}" for f in failures]
    lines += ["", "## Results", *table(rows)]
    if spent:
        lines += [
            "",
            "Time spent per benchmark in the latest run: "
            + ", ".join(f"{name} {secs / 60:.1f} min" for name, secs in spent.items())
            + ". Suites not run then keep the figures of their last run.",
        ]
    lines.append("")
    levers = HERE / "levers.md"
    if levers.exists():
        lines += [levers.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)


def _suite_of(section: str) -> str:
    for prefix, suite in (
        ("Import cost", "imports"),
        ("Concurrency", "concurrency"),
        ("JupyterLab session", "lab"),
        ("Dashboard page", "dashboard"),
        ("Page interactive", "pages"),
        ("Memory", "pages"),
        ("Round trip", "pages"),
        ("checks", "pages"),
    ):
        if section.startswith(prefix):
            return suite
    return "store"


def _previous(path: Path) -> dict[str, list[Row]]:
    """The figures of the last run, by suite (so that ``--only`` reruns part of them)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):  # the first format: one list, suites told by section
        grouped: dict[str, list[dict[str, object]]] = {}
        for row in data:
            grouped.setdefault(_suite_of(str(row["section"])), []).append(row)
        data = grouped
    return {suite: [Row(**row) for row in rows] for suite, rows in data.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; returns 1 when one of them could not run."""
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples, smaller sizes")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--folder", type=Path, default=ROOT / ".bench")
    args = parser.parse_args(argv)
    # the figures themselves are kept beside the page (and committed), so that a run of
    # some suites keeps the others' figures on any machine
    raw = args.out.with_suffix(".json")
    kept = _previous(raw)  # suites not run now keep their last figures
    rows: list[Row] = []
    spent: dict[str, float] = {}
    failures: list[str] = []
    by_suite: dict[str, list[Row]] = {}
    for name in [n for n in args.only.split(",") if n]:  # --only "": render the last figures
        module = importlib.import_module(f".bench_{name}", __package__)
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        start = time.monotonic()
        try:
            got = module.measure(args.folder / name, args.quick)
        except Exception as exc:  # a failed benchmark is reported, the others still run
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            print(f"bench: {name} failed: {exc}", file=sys.stderr, flush=True)
            got = []
        spent[name] = time.monotonic() - start
        for row in got:
            print(
                f"  {row.section} | {row.measure}: {fmt(row.median, row.unit)} {row.unit}",
                file=sys.stderr,
            )
        by_suite[name] = got
    merged = {**kept, **{k: v for k, v in by_suite.items() if v}}
    rows = [row for suite in SUITES for row in merged.get(suite, [])]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(rows, spent, args.quick, failures), encoding="utf-8")
    raw.parent.mkdir(parents=True, exist_ok=True)
    data = {suite: [r.__dict__ for r in suite_rows] for suite, suite_rows in merged.items()}
    raw.write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(f"bench: wrote {args.out} ({len(rows)} measures)", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
