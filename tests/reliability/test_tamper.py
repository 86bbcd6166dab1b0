"""Tampering behind the store's back is always detected, and the first broken record named.

Hypothesis picks a way to tamper with a copy of the demo database directly in
SQL (plain ``sqlite3``, not through the store): edit a field of an event,
delete events (in the middle, at the tail, with or without renumbering the
rest), swap two events' places, edit, delete or add a row (person, library job,
workbook, record, agreement, confirmation), or edit or delete the chain head.
``pmw verify`` must exit 1 and its ``broken:`` line must name the record that
was tampered with (the first one broken).

Every case goes through the command's own entry point (``pmwidgets.cli.main``)
in this process; a few go through a real ``pmw verify`` subprocess as well.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from figures import record, scale
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pmwidgets.cli import main as pmw

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
EVENT_FIELDS = (
    "at", "actor_id", "facilitator_id", "workbook_id", "workbook_version", "action", "entity",
    "entity_key", "reason", "before", "after", "prev_hash", "hash",
)  # fmt: skip
INT_FIELDS = {"workbook_id", "workbook_version"}
NULLABLE = {"facilitator_id", "workbook_id", "workbook_version", "before", "after"}


@dataclass
class Tally:
    """Cases tried and their outcome, by kind of tampering."""

    tried: int = 0
    detected: int = 0
    named: int = 0
    missed: int = 0
    misnamed: int = 0
    subprocess_checked: int = 0


def run_verify(db: Path) -> tuple[int, str]:
    """``pmw verify`` through its entry point: (exit status, output)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = pmw(["--database", f"sqlite:///{db}", "verify"])
    return status, out.getvalue()


def _text_edit(draw: Any, old: str) -> str:
    how = draw(st.sampled_from(["append", "replace_char", "new", "json"]))
    if how == "append" or not old:
        return old + draw(st.sampled_from([" ", "x", "0", "\n", "é"]))
    if how == "replace_char":
        i = draw(st.integers(0, len(old) - 1))
        ch = draw(st.characters(codec="utf-8", exclude_categories=("Cs",)))
        return old[:i] + ch + old[i + 1 :]
    if how == "json":
        try:
            value = json.loads(old)
        except ValueError:
            return old + "!"
        # the same JSON written differently, or with one value changed
        if draw(st.booleans()):
            return json.dumps(value, indent=1)
        return json.dumps({"edited": value}, sort_keys=True, separators=(",", ":"))
    return draw(st.text(min_size=1, max_size=40))


def _label(conn: sqlite3.Connection, table: str, rowid: int) -> str:
    """How verify names a row, as the start of its message."""
    if table == "people":
        return (
            f"person {conn.execute('SELECT id FROM people WHERE rowid=?', (rowid,)).fetchone()[0]}:"
        )
    if table == "job_library":
        return f"library job description {rowid}:"
    if table == "workbooks":
        return f"workbook {rowid}:"
    if table == "records":
        wb, kind, number = conn.execute(
            "SELECT workbook_id, kind, number FROM records WHERE id=?", (rowid,)
        ).fetchone()
        return f"{kind.replace('_', ' ')} {number} of workbook {wb}:"
    if table == "confirmations":
        rowid = conn.execute(
            "SELECT agreement_id FROM confirmations WHERE id=?", (rowid,)
        ).fetchone()[0]
    wb, subject, number = conn.execute(
        "SELECT workbook_id, subject, number FROM agreements WHERE id=?", (rowid,)
    ).fetchone()
    return f"agreement on the {subject.replace('_', ' ')} of workbook {wb}, version {number}:"


ROW_FIELDS = {
    "people": ("name", "email", "roles", "manager_id"),
    "job_library": ("title", "source", "content"),
    "workbooks": ("employee_id", "manager_id", "coach_id", "stage", "cycle_start", "cycle_end", "version"),
    "records": ("content", "author_id", "number"),
    "agreements": ("opened_reason", "agreed_hash", "agreed_canonical", "agreed_at"),
    "confirmations": ("person_id", "party", "content_hash", "at", "facilitator_id"),
}  # fmt: skip


def tamper(draw: Any, conn: sqlite3.Connection) -> tuple[str, str]:
    """Tamper with the database in one way; returns (kind, what the message must name)."""
    n = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    kind = draw(
        st.sampled_from(
            ["edit_event", "delete_events", "delete_renumber", "swap", "move", "edit_row",
             "delete_row", "insert_row", "edit_head", "delete_head"]
        )
    )  # fmt: skip
    if kind == "edit_event":
        seq = draw(st.integers(1, n))
        name = draw(st.sampled_from(EVENT_FIELDS))
        old = conn.execute(f"SELECT {name} FROM events WHERE seq=?", (seq,)).fetchone()[0]
        if name in INT_FIELDS:
            choices = [st.integers(-5, 10_000)]
        else:
            choices = [st.just(_text_edit(draw, old or ""))]
        if name in NULLABLE:
            choices.append(st.none())
        new = draw(st.one_of(*choices))
        assume(new != old)
        conn.execute(f"UPDATE events SET {name}=? WHERE seq=?", (new, seq))
        return f"edit event {name}", f"event #{seq}"
    if kind in ("delete_events", "delete_renumber"):
        size = draw(st.integers(1, 4))
        where = draw(st.sampled_from(["first", "middle", "tail"]))
        first = {"first": 1, "tail": n - size + 1}.get(where) or draw(st.integers(2, n - size))
        last = first + size - 1
        conn.execute("DELETE FROM events WHERE seq BETWEEN ? AND ?", (first, last))
        if kind == "delete_renumber" and last < n:
            gap = last - first + 1
            conn.execute("UPDATE events SET seq = -(seq - ?) WHERE seq > ?", (gap, last))
            conn.execute("UPDATE events SET seq = -seq WHERE seq < 0")
        return f"{kind.replace('_', ' ')} ({where})", f"event #{first}"
    if kind == "swap":
        i = draw(st.integers(1, n - 1))
        j = draw(st.integers(i + 1, n))
        conn.execute("UPDATE events SET seq=-1 WHERE seq=?", (i,))
        conn.execute("UPDATE events SET seq=? WHERE seq=?", (i, j))
        conn.execute("UPDATE events SET seq=? WHERE seq=-1", (j,))
        return "swap two events", f"event #{i}"
    if kind == "move":  # an event renumbered past the end
        seq = draw(st.integers(1, n))
        conn.execute("UPDATE events SET seq=? WHERE seq=?", (n + draw(st.integers(1, 50)), seq))
        return "move an event past the end", f"event #{seq}"
    if kind in ("edit_row", "delete_row", "insert_row"):
        table = draw(st.sampled_from(sorted(ROW_FIELDS)))
        key = "rowid" if table == "people" else "id"
        ids = [r[0] for r in conn.execute(f"SELECT {key} FROM {table} ORDER BY {key}")]
        rowid = draw(st.sampled_from(ids))
        if kind == "delete_row":
            # a missing row is named by its key in the event log
            label = _label(conn, table, rowid)
            if table == "records":
                wb, k, num = conn.execute(
                    "SELECT workbook_id, kind, number FROM records WHERE id=?", (rowid,)
                ).fetchone()
                label = f"record {wb}/{k}/{num}:"
            elif table == "agreements":
                wb, subject, num = conn.execute(
                    "SELECT workbook_id, subject, number FROM agreements WHERE id=?", (rowid,)
                ).fetchone()
                label = f"agreement {wb}/{subject}/{num}:"
            elif table == "job_library":
                label = f"job {rowid}:"
            conn.execute(f"DELETE FROM {table} WHERE {key}=?", (rowid,))
            return f"delete a row of {table}", label
        if kind == "insert_row":
            assume(table in ("records", "confirmations", "job_library"))
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
            values = conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} WHERE id=?", (rowid,)
            ).fetchone()
            row = dict(zip(cols, values, strict=True))
            if table == "records":
                row["number"] = 1000 + draw(st.integers(0, 99))
            conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
            new_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
            return f"add a row to {table}", _label(conn, table, new_id)
        name = draw(st.sampled_from(ROW_FIELDS[table]))
        old = conn.execute(f"SELECT {name} FROM {table} WHERE {key}=?", (rowid,)).fetchone()[0]
        if name in ("version", "number"):
            new: Any = draw(st.integers(0, 10_000))
        elif name in (
            "manager_id",
            "coach_id",
            "employee_id",
            "person_id",
            "facilitator_id",
            "author_id",
        ):
            people = [r[0] for r in conn.execute("SELECT id FROM people")]
            new = draw(st.sampled_from(people))
        elif name in ("cycle_start", "cycle_end"):
            new = draw(st.dates()).isoformat()
        else:
            new = _text_edit(draw, old or "")
        assume(new != old)
        if name == "content":  # stored JSON: the same value written differently is no change
            with contextlib.suppress(ValueError):
                assume(json.loads(new) != json.loads(old))
        if name == "number":
            wb, k = conn.execute(
                "SELECT workbook_id, kind FROM records WHERE id=?", (rowid,)
            ).fetchone()
            taken = conn.execute(
                "SELECT 1 FROM records WHERE workbook_id=? AND kind=? AND number=?", (wb, k, new)
            ).fetchone()
            assume(taken is None)
        conn.execute(f"UPDATE {table} SET {name}=? WHERE {key}=?", (new, rowid))
        return f"edit {table}.{name}", _label(conn, table, rowid)
    if kind == "edit_head":
        what = draw(st.sampled_from(["seq", "hash"]))
        if what == "seq":
            seq = draw(st.integers(0, n + 20))
            assume(seq != n)
            conn.execute("UPDATE chain_head SET seq=?", (seq,))
            return "edit the chain head", (f"event #{n + 1}" if seq > n else "chain head")
        new_hash = draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
        assume(new_hash != conn.execute("SELECT hash FROM chain_head").fetchone()[0])
        conn.execute("UPDATE chain_head SET hash=?", (new_hash,))
        return "edit the chain head", "chain head"
    conn.execute("DELETE FROM chain_head")
    return "delete the chain head", "chain head"


GROUPS = (
    ("edit event", "an event's field edited"),
    ("delete events", "events deleted"),
    ("delete renumber", "events deleted and the rest renumbered"),
    ("swap", "events reordered"),
    ("move", "events reordered"),
    ("edit the chain head", "chain head edited or deleted"),
    ("delete the chain head", "chain head edited or deleted"),
    ("edit ", "a row edited"),
    ("delete a row", "a row deleted"),
    ("add a row", "a row added"),
)


def _grouped(tally: dict[str, Tally]) -> dict[str, int]:
    """Cases tried, by broad kind of tampering."""
    out: dict[str, int] = {}
    for kind, t in tally.items():
        group = next(g for prefix, g in GROUPS if kind.startswith(prefix))
        out[group] = out.get(group, 0) + t.tried
    return out


TALLY: dict[str, Tally] = {}
COUNTER = itertools.count()


def test_tampering_is_always_detected_and_named(demo_template: Path, tmp_path: Path) -> None:
    @settings(
        max_examples=scale(80, 1500),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        database=None,
    )
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        db = tmp_path / f"case-{next(COUNTER)}.sqlite3"
        shutil.copy(demo_template, db)
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("BEGIN")
            kind, expected = tamper(data.draw, conn)
            conn.execute("COMMIT")
        finally:
            conn.close()
        tally = TALLY.setdefault(kind, Tally())
        tally.tried += 1
        status, out = run_verify(db)
        detected = status == 1 and out.startswith("broken: ")
        if expected.startswith("event #"):  # the first broken event, by its number
            named = re.match("broken: " + re.escape(expected) + r"\b", out) is not None
        elif expected == "chain head":
            named = expected in out
        else:
            named = out.startswith("broken: " + expected)
        named = detected and named
        tally.detected += detected
        tally.named += named
        tally.missed += not detected
        tally.misnamed += detected and not named
        db.unlink()
        assert detected, f"{kind}: not detected: {out!r}"
        assert named, f"{kind}: expected {expected!r} named first, got {out!r}"

    try:
        case()
    finally:
        tried = sum(t.tried for t in TALLY.values())
        record(
            "Tampering",
            cases=tried,
            detected=sum(t.detected for t in TALLY.values()),
            missed=sum(t.missed for t in TALLY.values()),
            first_broken_record_misnamed=sum(t.misnamed for t in TALLY.values()),
            **{f"cases: {k}": t for k, t in sorted(_grouped(TALLY).items())},
        )
        TALLY.clear()


@pytest.mark.parametrize(
    "sql, named",
    [
        ("UPDATE events SET reason='approved by HR' WHERE seq=40", "broken: event #40 "),
        ("DELETE FROM events WHERE seq=41", "broken: event #41:"),
        ("UPDATE events SET seq=-1 WHERE seq=10; UPDATE events SET seq=10 WHERE seq=11; "
         "UPDATE events SET seq=11 WHERE seq=-1", "broken: event #10:"),
        ("UPDATE records SET content=replace(content, 'a', 'b') WHERE id=3", "broken: objective 2 of workbook 1:"),
        ("UPDATE chain_head SET hash=replace(hash, substr(hash, 1, 1), 'x')", "broken: chain head:"),
    ],
)  # fmt: skip
def test_the_real_command_exits_1_and_names_the_record(
    demo_template: Path, tmp_path: Path, sql: str, named: str
) -> None:
    db = tmp_path / "tampered.sqlite3"
    shutil.copy(demo_template, db)
    ok = subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", "--database", f"sqlite:///{db}", "verify"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    conn = sqlite3.connect(db)
    conn.executescript(sql)
    conn.close()
    out = subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", "--database", f"sqlite:///{db}", "verify"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stdout.startswith(named), out.stdout
    assert out.stderr == ""
    record("Tampering", real_command_cases=1, real_command_detected=1)
