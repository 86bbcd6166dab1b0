"""No file is served that should not be, and no error reaches a person as a traceback.

Static files: every way of asking ``pmw serve`` for a notebook, a Python module,
the database (and its -wal and -shm files), the key file, pyproject.toml or
.git/config, with and without a valid session, is answered with anything but
that file. Paths are sent byte for byte (``..`` and ``%2e%2e`` are not tidied
up by the client).

Errors: a bad workbook number, an unknown page, forged widget messages carrying
values no input can hold, and a database that fails in the middle of a session
each give a plain sentence, never a traceback, a file path or a database address.
"""

from __future__ import annotations

import http.client
import re
import sqlite3
from pathlib import Path
from typing import Any

import figures
import pytest
from servers import ROOT

from pmwidgets.services import identity, sessions

from .conftest import PmwServer, screenshot
from .hostile import (
    TRACEBACK_MARKERS,
    Forger,
    db_path,
    open_page,
    page_text,
    secret,
    sign_in,
    store,
    tracebacks,
    visitor,
)

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _markers(server: PmwServer, key_file: Path) -> dict[str, str]:
    """{what: text that only that file holds}: a response holding one served the file."""
    return {
        "a notebook": '"nbformat"',
        "a notebook's code": "from pmwidgets.apps import",
        "a Python module": "from __future__ import annotations",
        "the database": "SQLite format 3",
        "the key file": key_file.read_text().strip(),
        "the signing secret": secret(server),
        "pyproject.toml": "[tool.pytest.ini_options]",
        ".git/config": "repositoryformatversion",
        "/etc/passwd": "root:x:0:0",
    }


def _paths(server: PmwServer, key_file: Path) -> list[str]:
    db = db_path(server)
    paths = [
        "/voila/files/home.ipynb",
        "/voila/files/02_objectives.ipynb",
        "/voila/files/home.ipynb?download=1",
        "/files/home.ipynb",
        "/files/notebooks/home.ipynb",
        "/notebooks/home.ipynb",
        "/home.ipynb",
        "/voila/render/home.ipynb?format=ipynb",
        "/voila/files/../pyproject.toml",
        "/voila/files/..%2fpyproject.toml",
        "/voila/files/%2e%2e/pyproject.toml",
        "/voila/files/%2e%2e%2f%2e%2e%2fpmwidgets/web/server.py",
        "/voila/render/../pyproject.toml",
        "/voila/render/%2e%2e/pyproject.toml",
        "/voila/render/..%2fpyproject.toml",
        "/voila/render/home.ipynb/../../pmwidgets/services/identity.py",
        "/voila/render/..%2fpmwidgets%2fservices%2fidentity.py",
        "/voila/render/../pmwidgets/services/identity.py",
        "/voila/static/../../pmwidgets/web/server.py",
        "/voila/static/..%2f..%2f..%2fpmwidgets%2fweb%2fserver.py",
        "/voila/static/home.ipynb",
        "/static/home.ipynb",
        "/static/../pyproject.toml",
        "/api/contents",
        "/api/contents/home.ipynb",
        "/api/contents/home.ipynb?content=1",
        "/voila/api/contents/home.ipynb",
        "/tree",
        "/tree/notebooks",
        "/voila/tree",
        "/voila/tree/notebooks",
        "/nbextensions/",
        "/nbextensions/../home.ipynb",
        "/voila/nbextensions/home.ipynb",
        "/voila/labextensions/../../../../pyproject.toml",
        "/voila/labextensions/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/voila/templates/pmw/static/../../../../../../../../../etc/passwd",
        "/voila/templates/pmw/static/..%2f..%2f..%2f..%2fpyproject.toml",
        "/voila/templates/../../pmwidgets/web/server.py",
        "/voila/api/themes/../../../../pyproject.toml",
        "/pmwidgets/web/server.py",
        "/voila/files/pmwidgets/web/server.py",
        "/pyproject.toml",
        "/.git/config",
        "/voila/files/.git/config",
        "/voila/files/../.git/config",
        "/voila/render/..%2f.git%2fconfig",
        "/api/kernels",
        "/api/sessions",
        "/api/kernelspecs",
        "/api/terminals",
        "/api/config/notebook",
    ]
    for suffix in ("", "-wal", "-shm"):
        target = f"{db}{suffix}"
        paths += [
            f"/voila/files/{db.name}{suffix}",
            f"/voila/files{target}",
            f"/voila/files/{target}",
            f"/voila/render{target}",
            f"/voila/files/%2e%2e{'/%2e%2e' * 12}{target}",
            target,
        ]
    paths += [f"/voila/files{key_file}", f"/voila/files/%2e%2e{'/%2e%2e' * 12}{key_file}"]
    return paths


def _get(server: PmwServer, path: str, cookie: str = "") -> tuple[int, str]:
    """GET ``path`` exactly as written (no normalisation), following no redirect."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        if cookie:
            conn.putheader("Cookie", cookie)
        conn.endheaders()
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_no_notebook_module_database_or_key_is_served(hostile_web: PmwServer) -> None:
    server = hostile_web
    key_file = Path(server.env["XDG_DATA_HOME"]) / "pmwidgets" / "secret.key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text("decoy-key-file-6f1c0e2b9a")  # where a server without PMW_SECRET keeps it
    markers = _markers(server, key_file)
    with store(server) as db:
        session = f"{identity.COOKIE}={sessions.start_session(db, 'hlambert')}"
    served, requests = [], 0
    for path in _paths(server, key_file):
        for cookie in ("", session):
            status, body = _get(server, path, cookie)
            requests += 1
            leaked = [what for what, marker in markers.items() if marker in body]
            if status == 200 and leaked:
                served.append(f"{path} ({'signed in' if cookie else 'anonymous'}): {leaked}")
            assert not [m for m in TRACEBACK_MARKERS if m in body], path
            assert status < 500, f"{path}: {status}"  # a bad address is refused, not a failure
            assert not leaked or status != 200, (path, leaked)
            if path.startswith("/api/"):
                assert not UUID.search(body), f"{path} lists kernel ids"
    # a real page, for comparison: it is served, and holds no notebook source or secret
    status, body = _get(server, "/voila/render/home.ipynb", session)
    assert status == 200 and "Performance workbooks" in body
    assert not [w for w, m in markers.items() if m in body]
    assert not served, served
    figures.record(
        "Static files",
        paths=requests,
        served=0,
        leaks=0,
        about=(
            "Requests to a running `pmw serve`, anonymous and signed in, sent byte for byte: "
            "the notebooks under /voila/files/, /files/, /voila/render/../, /static/, "
            "/voila/static/, /api/contents, /tree, /voila/tree, nbextensions and "
            "labextensions, with `..`, `%2e%2e` and `..%2f`, the Python modules, the "
            "database and its -wal and -shm files by name and by absolute path, the key file, "
            "pyproject.toml, .git/config and /etc/passwd, and the kernel listing APIs. A "
            "response *serves* a file when it is a 200 holding text only that file holds."
        ),
    )


def test_bad_addresses_give_a_plain_sentence(browser, hostile_web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    server = hostile_web
    page = visitor(browser)
    sign_in(page, server, "mchen")
    cases, found = 0, []
    for path, says in (
        ("02_objectives.ipynb?workbook=999", "workbook 999 is not available to you"),
        ("05_review.ipynb?workbook=-1", "is not available to you"),
        ("03_development_plan.ipynb?workbook=99999999999999999999999", "not available to you"),
        ("agreement.ipynb?workbook=4", "workbook 4 is not available to you"),
        ("agreement.ipynb?workbook=abc", "Choose a workbook"),
        ("01_job_description.ipynb?workbook=%3Cscript%3Ealert(1)%3C/script%3E", "Workbooks"),
    ):
        open_page(page, server, path, ".pmw-page")
        page.wait_for_selector(f".pmw-page >> text={says}", timeout=30_000)
        found += [f"{path}: {marker}" for marker in tracebacks(page)]
        assert "sign in with your personal link" not in page_text(page), path
        assert page.dialogs == []
        cases += 1
    screenshot(page, "error_bad_workbook_number")
    # an unknown page: Voila's own 404, with no traceback
    reply = page.goto(f"{server.url}/voila/render/nope.ipynb", wait_until="domcontentloaded")
    assert reply is not None and reply.status == 404
    found += [f"unknown page: {marker}" for marker in tracebacks(page)]
    cases += 1
    page.context.close()
    figures.record(
        "Errors shown to users",
        cases=cases,
        tracebacks=len(found),
        about=(
            "Workbook numbers that do not exist, are negative, too large for any database, "
            "not numbers or hold markup; an unknown page; forged widget values no input can "
            "hold; the event log vanishing while a page is open; a database that needs an "
            "upgrade. Each must give a plain sentence on the page: no traceback, no file "
            "path, no database address, and no request to sign in again."
        ),
    )
    assert found == [], found


def test_forged_values_no_input_can_hold_give_no_traceback(browser, hostile_web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    server = hostile_web
    page = visitor(browser)
    sign_in(page, server, "tnguyen")  # workbook 2: objectives being written
    open_page(page, server, "02_objectives.ipynb?workbook=2", ".pmw-objective-editor")
    forge = Forger(page)
    editor = {
        name: forge.find(model, name)
        for model, name in (
            ("TextModel", "Title"),
            ("TextModel", "Weight"),
            ("TextModel", "Due"),  # the date box (pmwidgets.widgets.date_box)
            ("SelectMultipleModel", "Serves"),
        )
    }
    forge.update(editor["Title"], value="Run a learner survey each term")
    forge.update(editor["Weight"], value="a lot")  # not a number
    forge.update(editor["Due"], value={"year": 99999, "month": 13, "date": 40})  # not text
    forge.update(editor["Due"], value="40/13/99999")  # no date
    forge.update(editor["Serves"], index=[999])  # no such responsibility
    forge.update(editor["Title"], no_such_trait=True)
    forge.click(forge.find("ButtonModel", "Save objective"))
    page.wait_for_selector(".pmw-objective-editor .pmw-status-error", timeout=30_000)
    status = page.locator(".pmw-objective-editor .pmw-status").inner_text()
    assert status.strip(), "the save should have been refused in words"
    assert "\n" not in status.strip() and len(status) < 300, status
    found = tracebacks(page)
    page.context.close()
    figures.record("Errors shown to users", cases=1, tracebacks=len(found))
    assert found == [], found


def test_a_database_failing_mid_session_gives_a_plain_sentence(
    browser, hostile_web: PmwServer
) -> None:  # type: ignore[no-untyped-def]
    server = hostile_web
    db = db_path(server)
    page = visitor(browser)
    sign_in(page, server, "dsilva")  # workbook 3: check-ins
    open_page(page, server, "04_check_ins.ipynb?workbook=3", ".pmw-check-in-log")
    page.locator(".pmw-check-in-log").get_by_label("Goal", exact=True).fill("Review the budget")
    other = visitor(browser)
    sign_in(other, server, "dsilva")
    cases, found = 0, []
    try:
        # the event log disappears while the page is open
        _sql(db, "ALTER TABLE events RENAME TO events_gone")
        page.get_by_role("button", name="Save check-in").click()
        page.wait_for_selector(".pmw-check-in-log .pmw-status-error", timeout=30_000)
        message = page.locator(".pmw-check-in-log .pmw-status-error").inner_text()
        # the one sentence for a fault that is nobody's mistake on the page, with its reference
        assert re.fullmatch(
            r"✗ Something went wrong and nothing was saved \(reference [0-9a-f]{8}\)\.",
            message.strip(),
        ), message
        cases += 1
        # and a page opened now
        open_page(other, server, "00_start_here.ipynb?workbook=3", ".pmw-page")
        other.wait_for_selector(".pmw-status-error", timeout=30_000)
        cases += 1
        screenshot(other, "error_database_failed")
        found += _check_plain(page, db) + _check_plain(other, db)
        _sql(db, "ALTER TABLE events_gone RENAME TO events")
        # nothing of the refused check-in was stored half-way
        assert "Review the budget" not in _dump(db)
        # the database says it needs an upgrade (as after installing a newer pmwidgets)
        _sql(db, "UPDATE alembic_version SET version_num = '0000'")
        open_page(other, server, "02_objectives.ipynb?workbook=3", ".pmw-page")
        other.wait_for_selector(".pmw-status-error", timeout=30_000)
        found += _check_plain(other, db)
        screenshot(other, "error_database_out_of_date")
        cases += 1
    finally:
        _sql(db, "ALTER TABLE events_gone RENAME TO events", missing_ok=True)
        _restore_revision(db)
    page.context.close()
    other.context.close()
    figures.record("Errors shown to users", cases=cases, tracebacks=len(found))
    assert found == [], found


def _check_plain(page: Any, db: Path) -> list[str]:
    """No file path and no database address on the page; returns the traceback markers found."""
    text = page_text(page) + page.content()
    for leak in (str(db), "sqlite:", "postgresql", "OperationalError", "sqlalchemy"):
        assert leak not in text, leak
    return tracebacks(page)


def _dump(db: Path) -> str:
    """Every row of every table of the database, as text (to look for what was refused)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')
        )
    finally:
        conn.close()


def _sql(db: Path, statement: str, missing_ok: bool = False) -> None:
    conn = sqlite3.connect(db, timeout=30)
    try:
        conn.execute(statement)
        conn.commit()
    except sqlite3.OperationalError:
        if not missing_ok:
            raise
    finally:
        conn.close()


def _restore_revision(db: Path) -> None:
    from pmwidgets.store.schema import HEAD

    _sql(db, f"UPDATE alembic_version SET version_num = '{HEAD}'")


def test_the_served_folder_holds_only_notebooks() -> None:
    """What Voila could ever list or serve from the notebooks folder: no data, no code, no keys."""
    folder = ROOT / "notebooks"
    found = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    assert found and all(name.endswith(".ipynb") for name in found), found
    # the pages, and the embedding example beside them (it opens no database)
    assert [n for n in found if "/" in n] == ["examples/using_the_widgets.ipynb"], found
