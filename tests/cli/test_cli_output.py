"""Where `pmw` writes: pipes closed early, binary to standard output, output paths that
are a person's mistake (one line, exit status 2, nothing half-written)."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PMW = [sys.executable, "-m", "pmwidgets.cli"]
#: the exit status of a command whose reader went away (128 + SIGPIPE, as a shell shows it).
EXIT_PIPE = 141


def env(url: str) -> dict[str, str]:
    return {**os.environ, "PMW_DATABASE_URL": url}


def run(
    *args: str, url: str, prefix: tuple[str, ...] = (), **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    if "stdout" not in kw and "stderr" not in kw:
        kw["capture_output"] = True
    return subprocess.run([*prefix, *PMW, *args], env=env(url), timeout=120, **kw)


def one_error(out: subprocess.CompletedProcess[bytes]) -> str:
    """The one line a person's mistake gives (exit status 2, nothing on stdout)."""
    err = out.stderr.decode()
    assert out.returncode == 2, err
    assert "Traceback" not in err and "something went wrong" not in err, err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert out.stdout == b""
    return err.strip()


def tree(folder: Path) -> list[str]:
    """Every path under ``folder`` (to see that nothing was left behind)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-output") / "demo.sqlite3"
    out = run("demo", url=f"sqlite:///{path}")
    assert out.returncode == 0, out.stderr
    return path


@pytest.fixture
def url(built: Path, tmp_path: Path) -> str:
    dest = tmp_path / "db" / "copy.sqlite3"
    dest.parent.mkdir()
    shutil.copy(built, dest)
    return f"sqlite:///{dest}"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to write into (and the current folder)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def unwritable(work: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """A folder nobody may write in, and the prefix that runs pmw so that the rule holds
    (root ignores file permissions unless its capability to do so is dropped)."""
    folder = work / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")
    yield folder, prefix
    folder.chmod(0o700)


# --- a reader that goes away early ------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A synthetic organisation of 200 people: `pmw list` prints about 17 kB."""
    path = tmp_path_factory.mktemp("cli-big") / "org.sqlite3"
    url = f"sqlite:///{path}"
    out = run("demo", "--people", "200", url=url)
    assert out.returncode == 0, out.stderr
    return url


@pytest.mark.parametrize("command", [["list"], ["people"], ["invite", "--all"]])
def test_piped_into_head_it_stops_quietly(big: str, command: list[str]) -> None:
    """`pmw list | head -1`: head reads a line and exits while pmw still writes. The pipe is
    made as small as Linux allows (4 kB), so pmw cannot have written everything before."""
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    head = subprocess.Popen(["head", "-1"], stdin=read, stdout=subprocess.PIPE)
    proc = subprocess.Popen([*PMW, *command], stdout=write, stderr=subprocess.PIPE, env=env(big))
    os.close(read)
    os.close(write)
    first, _ = head.communicate(timeout=120)
    _, err = proc.communicate(timeout=120)
    assert first.count(b"\n") == 1
    assert err == b""  # no "something went wrong", no "Exception ignored"
    assert proc.returncode == EXIT_PIPE


@pytest.mark.parametrize(
    "command",
    [["list"], ["people"], ["export", "1"], ["export", "1", "--format", "pdf"]],
)
def test_a_reader_that_closed_before_anything_was_written(big: str, command: list[str]) -> None:
    proc = subprocess.Popen(
        [*PMW, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(big)
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the read end: every write of pmw's now fails
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == EXIT_PIPE
    assert err == b""


def test_the_whole_list_still_arrives_through_a_pipe(big: str) -> None:
    listed = subprocess.run(
        f"{' '.join(PMW)} list | cat", shell=True, capture_output=True, env=env(big), check=True
    )
    assert listed.stdout.count(b"\n") == 173 and listed.stderr == b""


# --- binary formats on standard output ----------------------------------------------------


def test_a_pdf_redirected_to_a_file(url: str, work: Path) -> None:
    target = work / "agreement.pdf"
    with target.open("wb") as f:  # pmw export 1 --format pdf > agreement.pdf
        out = run("export", "1", "--format", "pdf", url=url, stdout=f, stderr=subprocess.PIPE)
    assert out.returncode == 0, out.stderr
    assert out.stderr == b""
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Raise the Level 3 diagnostics pass rate" in " ".join(text.split())


@pytest.mark.parametrize("workbook", ["1", "all"])
def test_an_xlsx_through_a_pipe(url: str, workbook: str) -> None:
    import openpyxl

    out = run("export", workbook, "--format", "xlsx", url=url)
    assert out.returncode == 0, out.stderr
    assert zipfile.is_zipfile(io.BytesIO(out.stdout))
    book = openpyxl.load_workbook(io.BytesIO(out.stdout))
    assert {"workbooks", "objectives", "events", "check_ins", "actions"} <= set(book.sheetnames)
    assert book["workbooks"].max_row == (2 if workbook == "1" else 6)


def test_text_formats_on_stdout_are_the_same_bytes_as_in_a_file(url: str, work: Path) -> None:
    for fmt in ("json", "md", "html"):
        piped = run("export", "1", "--format", fmt, url=url)
        assert piped.returncode == 0, piped.stderr
        written = run("export", "1", "--format", fmt, "-o", f"x.{fmt}", url=url)
        assert written.returncode == 0, written.stderr
        assert piped.stdout == (work / f"x.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_binary_to_a_terminal_is_refused(url: str, fmt: str) -> None:
    main, terminal = pty.openpty()
    try:
        out = run("export", "1", "--format", fmt, url=url, stdout=terminal, stderr=subprocess.PIPE)
        os.set_blocking(main, False)
        try:
            shown = os.read(main, 1 << 16)
        except BlockingIOError:
            shown = b""
    finally:
        os.close(terminal)
        os.close(main)
    assert shown == b""  # nothing written to the terminal
    err = out.stderr.decode()
    assert out.returncode == 2, err
    assert err == (
        f"error: {fmt} is binary: give a file with -o FILE, or redirect the output (> FILE)\n"
    )


# --- output paths that are a person's mistake ---------------------------------------------


FILE_FORMATS = ["json", "xlsx", "md", "html", "pdf"]


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_export_into_a_folder_that_does_not_exist(url: str, work: Path, fmt: str) -> None:
    missing = work / "no" / "such" / "dir"
    err = one_error(run("export", "1", "--format", fmt, "-o", f"{missing}/x.{fmt}", url=url))
    assert err == f"error: {missing}/x.{fmt}: the folder {missing} does not exist"
    assert tree(work) == []


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_export_onto_a_folder(url: str, work: Path, fmt: str) -> None:
    (work / "somedir").mkdir()
    err = one_error(run("export", "1", "--format", fmt, "-o", "somedir", url=url))
    assert err == "error: somedir: is a folder; give a file name"
    err = one_error(run("export", "1", "--format", fmt, "-o", "newdir/", url=url))
    assert err == "error: newdir/: names a folder; give a file name"
    assert tree(work) == ["somedir"]


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_export_below_a_file(url: str, work: Path, fmt: str) -> None:
    (work / "notes.txt").write_text("mine")
    err = one_error(run("export", "1", "--format", fmt, "-o", f"notes.txt/x.{fmt}", url=url))
    assert err == f"error: notes.txt/x.{fmt}: notes.txt is a file, not a folder"
    assert tree(work) == ["notes.txt"] and (work / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_export_where_writing_is_not_allowed(
    url: str, work: Path, fmt: str, unwritable: tuple[Path, tuple[str, ...]]
) -> None:
    folder, prefix = unwritable
    out = run("export", "1", "--format", fmt, "-o", f"locked/x.{fmt}", url=url, prefix=prefix)
    assert one_error(out) == f"error: locked/x.{fmt}: permission denied (cannot write in locked)"
    assert tree(folder) == []


def test_export_over_a_read_only_file_or_to_an_empty_path(
    url: str, work: Path, unwritable: tuple[Path, tuple[str, ...]]
) -> None:
    _folder, prefix = unwritable
    kept = work / "kept.json"
    kept.write_text("mine")
    kept.chmod(0o444)
    out = run("export", "1", "-o", "kept.json", url=url, prefix=prefix)
    assert one_error(out) == "error: kept.json: permission denied (the file is read-only)"
    assert kept.read_text() == "mine"
    err = one_error(run("export", "1", "-o", "", url=url))
    assert err == "error: an empty path: give a file name"
    err = one_error(run("export", "1", "--format", "csv", "-o", "", url=url))
    assert err == "error: an empty path: give a folder"
    assert tree(work) == ["kept.json", "locked"]


def test_export_replaces_a_file_whole(url: str, work: Path) -> None:
    old = work / "wb.json"
    old.write_text("an older export")
    old.chmod(0o640)
    out = run("export", "1", "-o", "wb.json", url=url)
    assert out.returncode == 0, out.stderr
    assert old.read_text().startswith("{") and old.stat().st_mode & 0o777 == 0o640
    assert tree(work) == ["wb.json"]  # no temporary file left


def test_export_to_a_device_writes_through_it(url: str) -> None:
    out = run("export", "1", "--format", "pdf", "-o", os.devnull, url=url)
    assert out.returncode == 0, out.stderr
    assert Path(os.devnull).is_char_device()  # written to, not replaced by a file


def test_export_onto_the_database_itself_is_refused(url: str) -> None:
    db = url.removeprefix("sqlite:///")
    before = Path(db).read_bytes()
    err = one_error(run("export", "1", "-o", db, url=url))
    assert err == f"error: {db}: is the database itself; choose another file"
    assert Path(db).read_bytes() == before


def test_csv_writes_into_a_folder_it_may_create(url: str, work: Path) -> None:
    names = ["actions.csv", "check_ins.csv", "events.csv", "objectives.csv", "workbooks.csv"]
    out = run("export", "1", "--format", "csv", "-o", "tables", url=url)
    assert out.returncode == 0, out.stderr
    assert tree(work / "tables") == names
    (work / "existing").mkdir()
    (work / "existing" / "keep.txt").write_text("mine")
    assert run("export", "all", "--format", "csv", "-o", "existing", url=url).returncode == 0
    assert tree(work / "existing") == sorted([*names, "keep.txt"])
    assert (work / "existing" / "workbooks.csv").read_text("utf-8-sig").count("\n") == 6


def test_csv_path_mistakes(url: str, work: Path) -> None:
    (work / "notes.txt").write_text("mine")
    err = one_error(run("export", "1", "--format", "csv", "-o", "notes.txt", url=url))
    assert err == "error: notes.txt: is a file; csv writes one file per table: give a folder"
    missing = work / "no" / "such"
    err = one_error(run("export", "1", "--format", "csv", "-o", f"{missing}/tables", url=url))
    assert err == f"error: {missing}/tables: the folder {missing} does not exist"
    assert tree(work) == ["notes.txt"]


def test_csv_leaves_nothing_half_written(url: str, work: Path) -> None:
    """One table cannot be written (a folder has its name): no table is."""
    (work / "tables" / "events.csv").mkdir(parents=True)
    err = one_error(run("export", "1", "--format", "csv", "-o", "tables", url=url))
    assert err == "error: tables/events.csv: is a folder; give a file name"
    assert tree(work) == ["tables", "tables/events.csv"]  # not even the tables before it


def test_csv_where_writing_is_not_allowed(
    url: str, work: Path, unwritable: tuple[Path, tuple[str, ...]]
) -> None:
    folder, prefix = unwritable
    out = run("export", "1", "--format", "csv", "-o", "locked", url=url, prefix=prefix)
    assert one_error(out) == "error: locked: permission denied (cannot write in locked)"
    out = run("export", "1", "--format", "csv", "-o", "locked/tables", url=url, prefix=prefix)
    assert one_error(out) == "error: locked/tables: permission denied (cannot write in locked)"
    assert tree(folder) == []


def test_objectives_template_path_mistakes(
    url: str, work: Path, unwritable: tuple[Path, tuple[str, ...]]
) -> None:
    (work / "somedir").mkdir()
    err = one_error(run("objectives-template", "somedir", url=url))
    assert err == "error: somedir: is a folder; give a file name"
    err = one_error(run("objectives-template", "no/such/team.xlsx", url=url))
    assert err == "error: no/such/team.xlsx: the folder no/such does not exist"
    _folder, prefix = unwritable
    out = run("objectives-template", "locked/team.xlsx", url=url, prefix=prefix)
    assert one_error(out) == "error: locked/team.xlsx: permission denied (cannot write in locked)"
    assert tree(work) == ["locked", "somedir"]


def test_db_backup_path_mistakes(
    url: str, work: Path, unwritable: tuple[Path, tuple[str, ...]]
) -> None:
    (work / "somedir").mkdir()
    for extra in ((), ("--overwrite",)):
        err = one_error(run("db", "backup", "somedir", *extra, url=url))
        assert err == "error: somedir: is a folder; give a file name"
    err = one_error(run("db", "backup", "no/such/b.sqlite3", url=url))
    assert err == "error: no/such/b.sqlite3: the folder no/such does not exist"
    _folder, prefix = unwritable
    out = run("db", "backup", "locked/b.sqlite3", url=url, prefix=prefix)
    assert one_error(out) == "error: locked/b.sqlite3: permission denied (cannot write in locked)"
    assert tree(work) == ["locked", "somedir"]


# --- db restore of what is no backup ------------------------------------------------------


def test_db_restore_of_a_folder_or_of_no_database(url: str, work: Path) -> None:
    db = Path(url.removeprefix("sqlite:///"))
    (work / "somedir").mkdir()
    err = one_error(run("db", "restore", "somedir", url=url))
    assert err == "error: somedir: is a folder, not a backup file"
    (work / "notes.txt").write_text("hello\n")
    err = one_error(run("db", "restore", "notes.txt", url=url))
    assert err == "error: notes.txt: not an SQLite database"
    pdf = work / "agreement.pdf"
    assert run("export", "1", "--format", "pdf", "-o", str(pdf), url=url).returncode == 0
    err = one_error(run("db", "restore", str(pdf), url=url))
    assert err == f"error: {pdf}: not an SQLite database"
    err = one_error(run("db", "restore", "missing.sqlite3", url=url))
    assert err == "error: missing.sqlite3: no such file"
    assert sorted(p.name for p in db.parent.iterdir()) == ["copy.sqlite3"]  # nothing replaced
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM workbooks").fetchone() == (5,)
    conn.close()
