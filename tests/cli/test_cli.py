"""The `pmw` command as outside tools and people use it: contracts, errors, exit codes."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PMW = [sys.executable, "-m", "pmwidgets.cli"]


def pmw(*args: str, url: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PMW_DATABASE_URL": url}
    result = subprocess.run([*PMW, *args], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr + result.stdout
    if check is not None:
        assert result.returncode == check, result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    out = pmw("demo", url=f"sqlite:///{path}")
    assert "demo built: 5 workbooks" in out.stdout
    return path


@pytest.fixture
def url(built: Path, tmp_path: Path) -> str:
    dest = tmp_path / "copy.sqlite3"
    shutil.copy(built, dest)
    return f"sqlite:///{dest}"


def test_list_prints_one_line_per_workbook(url: str) -> None:
    lines = pmw("list", url=url).stdout.splitlines()
    assert len(lines) == 5
    first = lines[0].split("\t")
    assert first[:4] == ["1", "mchen", "rokafor", "check_ins"]
    assert {line.split("\t")[3] for line in lines} == {
        "check_ins",
        "objectives",
        "review",
        "job_description",
    }


def test_people_prints_id_name_roles(url: str) -> None:
    lines = pmw("people", url=url).stdout.splitlines()
    assert len(lines) == 9
    assert "hlambert\tHelen Lambert\tmanager,admin\t" in lines


def test_as_a_person_lists_only_their_workbooks(url: str) -> None:
    lines = pmw("--as", "rokafor", "list", url=url).stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["1", "2", "3"]
    assert pmw("--as", "mchen", "list", url=url).stdout.count("\n") == 1


def test_verify_passes_then_names_a_tampered_objective(url: str) -> None:
    out = pmw("verify", url=url).stdout
    assert out.startswith("ok: database verified")
    # how each confirmation was made: the demo has both kinds
    made = re.search(r"confirmations: (\d+) from own sign-in, (\d+) in facilitated sessions", out)
    assert made and int(made[1]) > 0 and int(made[2]) > 0, out
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    with db:
        db.execute(
            "UPDATE records SET content = replace(content, 'At most 2', 'At most 20') WHERE kind = 'objective'"
        )
    db.close()
    out = pmw("verify", url=url, check=1)
    assert (
        out.stdout.strip()
        == "broken: objective 1 of workbook 3: stored content differs from its last recorded event"
    )
    assert pmw("verify", "1", url=url).returncode == 0  # workbook 1 is intact


def test_demo_refuses_a_database_with_people(url: str) -> None:
    out = pmw("demo", url=url, check=2)
    assert out.stderr.startswith("error: the database already has people")
    assert "already built" in pmw("demo", "--if-empty", url=url).stdout


def test_import_jd_prints_an_id(url: str) -> None:
    out = pmw("import-jd", "data/demo/jobs/workshop_technician.yaml", url=url)
    assert out.stdout.strip() == "6"


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("empty.yaml", b"", ":-: "),
        ("binary.yaml", b"\x00\x01\x02\xff", ":"),
        ("latin1.md", "# Mécanicien\n".encode("latin-1"), ":"),
        ("bomb.yaml", b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", ":"),
        ("shares.yaml", b"title: T\nresponsibilities:\n  - {text: a, share: 130}\n", ":"),
        ("wrong.csv", b"nothing,like,it\n1,2,3\n", ":"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", ":"),
        ("notes.txt", b"hello", ":"),
    ],
)
def test_bad_job_description_files_get_one_line_errors(
    url: str, tmp_path: Path, name: str, content: bytes, where: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = pmw("import-jd", str(path), url=url, check=2)
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}{where}"), out.stderr
    assert out.stdout == ""
    assert pmw("verify", url=url).returncode == 0
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    assert db.execute("SELECT count(*) FROM job_library").fetchone() == (5,)  # nothing stored


def test_missing_file_is_a_one_line_error(url: str) -> None:
    out = pmw("import-jd", "/no/such/file.yaml", url=url, check=2)
    assert out.stderr.startswith("error: /no/such/file.yaml:")


def test_export_and_import_round_trip(url: str, tmp_path: Path) -> None:
    exported = tmp_path / "wb.json"
    pmw("export", "1", "--format", "json", "-o", str(exported), "--include-private", url=url)
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert pmw("import", str(exported), url=fresh).stdout.strip() == "1"
    again = pmw("export", "1", "--include-private", url=fresh).stdout
    assert again == exported.read_text()
    assert pmw("verify", url=fresh).returncode == 0


def test_an_export_without_private_notes_imports_too(url: str, tmp_path: Path) -> None:
    exported = tmp_path / "wb.json"
    pmw("export", "1", "--format", "json", "-o", str(exported), url=url)  # Mei's note left out
    assert "Friday group" not in exported.read_text()
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert pmw("import", str(exported), url=fresh).stdout.strip() == "1"
    assert pmw("verify", url=fresh).returncode == 0
    again = pmw("export", "1", url=fresh).stdout
    assert again == exported.read_text()


def test_importing_a_broken_workbook_file(url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pmwidgets.workbook"}')
    out = pmw("import", str(bad), url=url, check=2)
    assert out.stderr.startswith(f"error: {bad}:format_version: required, but missing")


def test_an_unusable_database_is_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = pmw("list", url=f"sqlite:///{blocker}/db.sqlite3", check=2)
    assert out.stderr.startswith("error: cannot open the database")


def test_db_upgrade_is_a_no_op_on_a_current_database(url: str) -> None:
    assert "schema is up to date" in pmw("db", "upgrade", url=url).stdout


def test_unknown_workbook(url: str) -> None:
    assert (
        pmw("export", "99", url=url, check=2).stderr.strip() == "error: workbook 99 does not exist"
    )


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_export_the_agreement_document(url: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"agreement.{fmt}"
    pmw("export", "1", "--format", fmt, "-o", str(out), url=url)
    data = out.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:
        text = data.decode("utf-8")
    assert "Raise the Level 3 diagnostics pass rate" in " ".join(text.split())


def test_export_tables_as_xlsx_and_csv(url: str, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "all.xlsx"
    pmw("export", "all", "--format", "xlsx", "-o", str(out), url=url)
    book = openpyxl.load_workbook(out)
    assert {"workbooks", "objectives", "events", "check_ins", "actions"} <= set(book.sheetnames)
    assert book["workbooks"].max_row == 6  # a header and five workbooks
    folder = tmp_path / "csv"
    pmw("--as", "mchen", "export", "1", "--format", "csv", "-o", str(folder), url=url)
    assert (folder / "objectives.csv").read_text(encoding="utf-8-sig").count("\n") == 5
    refused = pmw(
        "--as", "mchen", "export", "4", "--format", "csv", "-o", str(folder), url=url, check=2
    )
    assert "not available to you" in refused.stderr
    csv = pmw("export", "1", "--format", "csv", url=url, check=2).stderr
    assert csv == "error: csv writes one file per table: give a folder with -o\n"


def test_import_a_teams_objectives_from_excel(url: str, tmp_path: Path) -> None:
    template = tmp_path / "team.xlsx"
    pmw("objectives-template", str(template), url=url)
    assert template.stat().st_size > 1000
    import openpyxl

    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in range(sheet.max_row, 1, -1):
        sheet.delete_rows(row)
    values = {
        "employee": "tnguyen", "title": "Publish the workshop timetable each term", "description": "",
        "responsibilities": "2, 4", "measure": "Timetable published", "target": "Published in week 1",
        "due": "2027-06-30", "weight": 10,
    }  # fmt: skip
    sheet.append([values.get(str(h).strip().lower(), "") for h in header])
    bad = dict(values, weight="ten", employee="ghost")
    sheet.append([bad.get(str(h).strip().lower(), "") for h in header])
    book.save(template)
    out = pmw("--as", "hlambert", "import-objectives", str(template), url=url, check=2)
    assert out.stderr.startswith(f"error: {template}:") and "row 3" in out.stderr
    sheet.delete_rows(3)
    book.save(template)
    out = pmw("--as", "hlambert", "import-objectives", str(template), url=url)
    assert "1 objectives added to 1 workbooks" in out.stdout


def test_verify_prints_the_chain_head_and_checks_a_noted_one(url: str, tmp_path: Path) -> None:
    """A chain cut back (an older copy put in place, or the newest writes deleted whole)
    checks out by itself; the head someone noted earlier shows it."""
    db = Path(url.removeprefix("sqlite:///"))

    def head() -> str:
        line = pmw("verify", url=url).stdout.splitlines()[0]
        assert "; chain head " in line, line
        return line.rsplit("; chain head ", 1)[1]

    earlier = head()
    older = tmp_path / "older.sqlite3"
    shutil.copy(db, older)
    exported = tmp_path / "wb.json"
    pmw("export", "1", "--format", "json", "-o", str(exported), url=url)
    pmw("import", str(exported), url=url)  # more events
    later = head()
    assert int(later.split(":")[0]) > int(earlier.split(":")[0])
    still = pmw("verify", "--head", earlier, url=url).stdout
    assert still.startswith("ok: database verified") and f"still holds {earlier}" in still
    # the database replaced by the older copy: it verifies by itself, not against `later`
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(older, db)
    assert pmw("verify", url=url).returncode == 0
    cut = pmw("verify", "--head", later, url=url, check=1).stdout.strip()
    seq = later.split(":")[0]
    assert cut == (
        f"broken: event #{seq}: noted as the chain's head earlier, but no longer in the log "
        "(the newest events were deleted)"
    )
    seq, digest = earlier.split(":")
    other = f"{seq}:{'0' if digest[0] != '0' else '1'}{digest[1:]}"
    rewritten = pmw("verify", "--head", other, url=url, check=1).stdout
    assert "its hash is not the one noted earlier" in rewritten
    for bad in ("nonsense", "12", "0:" + digest, f"{seq}:{digest[:10]}"):
        out = pmw("verify", "--head", bad, url=url, check=2)
        assert out.stderr.startswith("error: a chain head") and out.stderr.count("\n") == 1


@pytest.mark.parametrize("command", [["verify"], ["export", "1", "--format", "json"]])
def test_a_reading_command_refuses_a_database_that_does_not_exist(
    command: list[str], tmp_path: Path
) -> None:
    """A mistyped path gets one line, and no empty database is left behind to look real."""
    missing = tmp_path / "typo" / "pmw.sqlite3"
    out = pmw(*command, url=f"sqlite:///{missing}", check=2)
    assert out.stderr.strip() == f"error: no database at {missing}"
    assert not missing.exists() and not missing.parent.exists()
