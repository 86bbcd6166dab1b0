"""The web app as managers and employees meet it: `pmw serve`, signed links, two people at once.

Each person is a separate browser context (their own cookies). Every request that
does not go to 127.0.0.1 is aborted, and counted: the app must make none.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from servers import ROOT

from pmwidgets.web.server import NOT_PREHEATED

from .conftest import PmwServer, screenshot, wait_ready

pytestmark = pytest.mark.slow

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def people(browser) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    """Browser contexts by person, each recording any request that tried to leave the machine."""
    contexts: dict = {}
    outside: list[str] = []

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if r.request.url.startswith("http://127.0.0.1") or r.request.url.startswith(
            "ws://127.0.0.1"
        ):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    def open_as(person: str):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.route("**/*", route)
        page = ctx.new_page()
        page.set_default_navigation_timeout(90_000)
        page.set_default_timeout(30_000)
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        contexts[person] = ctx
        return page

    yield {"open": open_as, "outside": outside}
    for ctx in contexts.values():
        ctx.close()


def sign_in(page, web: PmwServer, person: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(web.invite(person), wait_until="domcontentloaded")
    wait_ready(page)


def test_sign_in_lands_on_home_with_own_workbooks_only(people, web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    page = people["open"]("rokafor")
    sign_in(page, web, "rokafor")
    assert page.url.endswith("/voila/render/home.ipynb")
    body = page.inner_text("body")
    assert "Hello, Richard Okafor" in body
    for name in ("Mei Chen", "Tuan Nguyen", "Diego Silva"):
        assert name in body
    assert "Anna Berg" not in body and "Sam Jones" not in body  # not his reports
    assert "one-sided" in body
    assert "Performance workbooks" in body  # the product's own top bar
    # what is his to do comes first, most pressing first: Diego's changed objectives
    first = page.locator(".pmw-next li").first
    assert "Workbook 3, with Diego Silva" in first.inner_text()
    assert first.locator("a").get_attribute("href").endswith("02_objectives.ipynb?workbook=3")  # type: ignore[union-attr]
    screenshot(page, "web_home")
    page.click(".pmw-home-table >> text=2 Objectives >> nth=0")
    wait_ready(page, ".pmw-session-bar")
    assert "Workbook 1: Mei Chen with Richard Okafor" in page.inner_text("body")
    assert people["outside"] == []  # no CDN, no request off this machine


def test_no_identity_shows_a_sign_in_message_and_nothing_else(people, web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    page = people["open"]("nobody")
    start = len(web.log.read_text())
    for path in ("voila/render/home.ipynb", "voila/render/02_objectives.ipynb?workbook=1"):
        answer = page.goto(f"{web.url}/{path}", wait_until="domcontentloaded")
        assert answer is not None and answer.status == 401
        body = page.inner_text("main.pmw-plain")
        assert "sign in with your personal link" in body
        for secret in ("Mei Chen", "Richard", "diagnostics", "Workbook 1"):
            assert secret not in body
    screenshot(page, "web_no_identity")
    # a static page: no kernel was handed out or started for a stranger
    assert "Using pre-heated kernel" not in web.log.read_text()[start:]
    forged = page.context.request.get(f"{web.url}/pmw/signin?t=bWNoZW4.forged.signature")
    assert forged.status == 403 and "not valid" in forged.text()
    assert page.context.request.get(f"{web.url}/voila/files/02_objectives.ipynb").status in (
        403,
        404,
    )
    assert page.context.request.get(f"{web.url}/voila/api/contents").url.endswith("home.ipynb")
    html = page.context.request.get(f"{web.url}/voila/render/home.ipynb").text()
    assert "cdn" not in html.lower() and "fontawesome" not in html.lower()  # nothing from outside
    assert "Performance workbooks" in html  # our template, not the stock one
    for leak in ("database.sqlite3", "pmwidgets.sqlite3", "../"):
        assert page.context.request.get(f"{web.url}/voila/files/{leak}").status in (403, 404)


def test_someone_elses_workbook_is_not_available(people, web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    page = people["open"]("mchen")
    sign_in(page, web, "mchen")
    page.goto(
        f"{web.url}/voila/render/02_objectives.ipynb?workbook=4", wait_until="domcontentloaded"
    )
    wait_ready(page, ".pmw-status")
    body = page.inner_text("body")
    assert "workbook 4 is not available to you" in body
    for secret in ("Anna Berg", "Helen Lambert", "destination", "open day"):
        assert secret not in body
    screenshot(page, "web_not_available")


def test_two_people_agree_objectives_and_a_reload_shows_the_agreed_version(
    people, web: PmwServer
) -> None:  # type: ignore[no-untyped-def]
    emp, mgr = people["open"]("tnguyen"), people["open"]("rokafor")
    sign_in(emp, web, "tnguyen")
    sign_in(mgr, web, "rokafor")
    for page in (emp, mgr):
        page.goto(
            f"{web.url}/voila/render/02_objectives.ipynb?workbook=2", wait_until="domcontentloaded"
        )
        wait_ready(page, ".pmw-objective-editor")
    # the employee proposes an objective that brings the weights to 100
    editor = emp.locator(".pmw-objective-editor")
    editor.get_by_label("Title").fill("Run a learner feedback survey each term")
    editor.get_by_label("Description").fill(
        "Ask every learner for feedback on practical sessions each term and act on it."
    )
    editor.get_by_label("Serves").select_option(
        index=[1, 3]
    )  # responsibilities 2 and 4: the job is covered
    editor.get_by_label("Measure").fill("Survey response rate")
    editor.get_by_label("Target").fill("80% response by June")
    editor.get_by_label("Due").fill("2027-06-30")  # no date is invented for a new objective
    editor.get_by_label("Weight (%)").fill("10")
    editor.get_by_label("Weight (%)").press("Tab")
    emp.get_by_role("button", name="Save objective").click()
    emp.wait_for_selector("text=Objective 4 proposed.")
    # the manager sees it within about two seconds, without reloading
    started = time.monotonic()
    mgr.wait_for_selector(
        ".pmw-objective-list >> text=Run a learner feedback survey each term", timeout=10_000
    )
    seen_after = time.monotonic() - started
    print(f"\nthe manager saw the employee's saved objective after {seen_after:.2f} s")
    assert seen_after < 5, seen_after
    # the manager edits objective 1 (vague and heavy) and saves
    mgr.locator(".pmw-objective-list").get_by_role("combobox", name="Objective").select_option(
        label="1. Improve teaching"
    )
    mgr.get_by_role("button", name="Open").click()
    medit = mgr.locator(".pmw-objective-editor")
    mgr.wait_for_function(
        "() => document.querySelector('.pmw-objective-editor input').value === 'Improve teaching'"
    )
    medit.get_by_label("Title").fill("Raise learners' rating of practical sessions")
    medit.get_by_label("Measure").fill("Average learner rating of practical sessions")
    medit.get_by_label("Target").fill("Average 4 of 5 by June, from 3.4")
    medit.get_by_label("Target").press("Tab")
    mgr.get_by_role("button", name="Save objective").click()
    mgr.wait_for_selector("text=Objective 1 saved.")
    emp.wait_for_selector(
        ".pmw-objective-list >> text=Raise learners' rating of practical sessions", timeout=10_000
    )
    screenshot(mgr, "web_objectives_two_people")
    # objective 3 has no measure and no target: nobody can confirm yet, and the panel
    # lists everything that is missing at once
    readiness = emp.locator(".pmw-agreement-panel")
    emp.wait_for_selector(".pmw-agreement-panel >> text=Before either of you can confirm")
    assert "“Learn about electric vehicles” has no measure" in readiness.inner_text()
    assert "“Learn about electric vehicles” has no target" in readiness.inner_text()
    assert emp.get_by_role("button", name="Confirm as Tuan Nguyen (employee)").count() == 0
    emp.locator(".pmw-objective-list").get_by_role("combobox", name="Objective").select_option(
        label="3. Learn about electric vehicles"
    )
    emp.get_by_role("button", name="Open").click()
    eedit = emp.locator(".pmw-objective-editor")
    emp.wait_for_function(
        "() => document.querySelector('.pmw-objective-editor input').value.startsWith('Learn about')"
    )
    eedit.get_by_label("Measure").fill("Level 2 electric vehicle safety award")
    eedit.get_by_label("Target").fill("Award passed by 31 March")
    eedit.get_by_label("Target").press("Tab")
    emp.get_by_role("button", name="Save objective").click()
    emp.wait_for_selector("text=Objective 3 saved.")
    # what is left are SMART criteria a person may accept, saying why (recorded)
    for page in (emp, mgr):
        page.wait_for_selector(".pmw-agreement-panel >> text=Not every SMART criterion is met")
        page.locator(".pmw-agreement-panel").get_by_label("Why you agree as it is").fill(
            "We review the weights at the first check-in"
        )
    # both confirm what they see
    emp.get_by_role("button", name="Confirm as Tuan Nguyen (employee)").click()
    emp.wait_for_selector("text=Confirmed by the employee; waiting for the manager")
    mgr.wait_for_selector("text=Confirmed by the employee; waiting for the manager", timeout=10_000)
    mgr.get_by_role("button", name="Confirm as Richard Okafor (manager)").click()
    mgr.wait_for_selector("text=Agreed by both")
    # the employee's page moves on with it: nothing there still waits for the manager
    emp.wait_for_selector(".pmw-agreement-panel >> text=Agreed by both", timeout=10_000)
    emp.wait_for_function(
        "() => !document.querySelector('.pmw-agreement-panel').innerText"
        ".includes('waiting for Richard Okafor')",
        timeout=10_000,
    )
    emp.reload(wait_until="domcontentloaded")
    wait_ready(emp, ".pmw-agreed-doc")  # agreed: the objectives read as a document
    assert emp.locator(".pmw-objective-editor").count() == 0  # no editor built
    body = emp.inner_text("body")
    assert "Agreed by both" in body and "Version 1" in body
    assert "Raise learners' rating of practical sessions" in body
    assert "Stage: Development plan" in body
    screenshot(emp, "web_objectives_agreed")
    assert people["outside"] == []


def test_a_target_both_changed_is_shown_side_by_side_not_overwritten(
    people, web: PmwServer
) -> None:  # type: ignore[no-untyped-def]
    a, b = people["open"]("dsilva"), people["open"]("rokafor")
    sign_in(a, web, "dsilva")
    sign_in(b, web, "rokafor")
    for page in (a, b):
        page.goto(
            f"{web.url}/voila/render/02_objectives.ipynb?workbook=3", wait_until="domcontentloaded"
        )
        wait_ready(page, ".pmw-objective-editor")
        page.locator(".pmw-objective-list").get_by_role("combobox", name="Objective").select_option(
            index=2
        )
        page.get_by_role("button", name="Open").click()
        page.wait_for_function(
            "() => document.querySelector('.pmw-objective-editor input').value.startsWith('Keep consumables')"
        )
        # every field has arrived, not only the title: typing into one still being filled
        # from the kernel would be overwritten by it (seen once, under load)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.pmw-objective-editor input')]"
            ".some(i => i.value.startsWith('Spend at most 9,000'))"
        )
    a.locator(".pmw-objective-editor").get_by_label("Target").fill("Spend at most 8,500 pounds")
    b.locator(".pmw-objective-editor").get_by_label("Target").fill("Spend at most 9,500 pounds")
    # version 2 is a draft after an agreement: each change says why (it joins v2's reasons)
    a.locator(".pmw-objective-editor").get_by_label("Reason for change").fill("Prices went up")
    b.locator(".pmw-objective-editor").get_by_label("Reason for change").fill("A tighter budget")
    a.get_by_role("button", name="Save objective").click()
    a.wait_for_selector("text=Objective 3 saved.")
    b.get_by_role("button", name="Save objective").click()
    b.wait_for_selector(".pmw-objective-editor .pmw-conflict", timeout=10_000)
    status = b.locator(".pmw-objective-editor > .pmw-status").inner_text()
    assert "Diego Silva also changed a field you changed" in status
    assert (
        b.locator(".pmw-objective-editor").get_by_label("Target").input_value()
        == "Spend at most 9,500 pounds"
    )
    table = b.locator(".pmw-conflict").inner_text()
    assert "Spend at most 8,500 pounds" in table and "Spend at most 9,500 pounds" in table
    screenshot(b, "web_stale_save")
    b.locator(".pmw-conflict").get_by_role("radio", name="Keep Diego Silva's").check()
    b.locator(".pmw-conflict").get_by_role("button", name="Save my choices").click()
    b.wait_for_selector("text=Your choice is saved", timeout=10_000)
    assert (
        b.locator(".pmw-objective-editor").get_by_label("Target").input_value()
        == "Spend at most 8,500 pounds"
    )


def test_xss_in_an_objective_and_a_note_stays_text(people, web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    page = people["open"]("mchen")
    sign_in(page, web, "mchen")
    page.goto(
        f"{web.url}/voila/render/04_check_ins.ipynb?workbook=1", wait_until="domcontentloaded"
    )
    wait_ready(page, ".pmw-check-in-log")
    log = page.locator(".pmw-check-in-log")
    log.get_by_label("Goal", exact=True).fill(XSS)
    log.get_by_label("Reality", exact=True).fill("Reality " + XSS)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_selector("text=saved", timeout=10_000)
    page.wait_for_selector(
        ".pmw-check-in-log >> text=Reality <img", timeout=10_000
    )  # newest is open
    assert XSS.split(">")[0] in page.inner_text(".pmw-check-in-log")  # shown as text
    page.goto(
        f"{web.url}/voila/render/02_objectives.ipynb?workbook=1", wait_until="domcontentloaded"
    )
    wait_ready(page, ".pmw-agreed-doc")
    page.get_by_role("button", name="Propose a change").click()  # agreed: open the editors
    page.locator(".pmw-objective-editor").wait_for()
    page.locator(".pmw-objective-editor").get_by_label("Title").fill(XSS)
    page.locator(".pmw-objective-editor").get_by_label("Title").press("Tab")
    page.wait_for_timeout(800)
    assert page.dialogs == []
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("() => window.__xss === undefined")


def test_closed_pages_shut_their_kernels_down(browser, web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    """Closing a tab shuts its kernel down through Voila's unload beacon, not the culler.

    The context has no request routing (Playwright's routing cancels the beacon); the
    browser reaches no other host anyway (``--host-resolver-rules``).
    """

    def settle(target: int | None = None, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        last, same = -1, 0
        while time.monotonic() < deadline:
            n = web.kernels()
            if target is not None and n <= target:
                return n
            same = same + 1 if n == last else 0
            if target is None and same >= 6:
                return n  # steady for three seconds
            last = n
            time.sleep(0.5)
        return web.kernels()

    baseline = settle()  # the preheated pools, refilled
    # a pool for each page; the toolkit's examples get their kernel when opened
    pools = re.findall(r"Kernel pool of (\S+) is filled", web.log.read_text())
    pages = {
        p.name
        for p in (ROOT / "notebooks").glob("*.ipynb")
        if not any(re.search(pattern, p.name) for pattern in NOT_PREHEATED)
    }
    assert "session.ipynb" not in pages  # the JupyterLab session: no kernel waits for it
    assert (ROOT / "notebooks" / "examples").is_dir() and set(pools) == pages
    start = len(web.log.read_text())
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, web, "mchen")
    for stem in ("02_objectives", "04_check_ins"):
        extra = context.new_page()
        extra.goto(f"{web.url}/voila/render/{stem}.ipynb?workbook=1", wait_until="domcontentloaded")
        wait_ready(extra, ".pmw-session-bar")
        extra.close(run_before_unload=True)
    page.close(run_before_unload=True)
    context.close()
    # the log names kernels by a fingerprint, never by their id (pmwidgets.web.logs)
    used = re.findall(r"Using pre-heated kernel: (k-[0-9a-f]{8}) for", web.log.read_text()[start:])
    assert len(used) == 3  # home and the two step pages
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log = web.log.read_text()[start:]
        if all(f"Kernel shutdown: {kernel}" in log for kernel in used):
            break
        time.sleep(0.5)
    for kernel in used:
        assert f"Kernel shutdown: {kernel}" in log, kernel
        assert not re.search(rf"Culling .*\({kernel}\)", log), f"{kernel} waited for the culler"
    assert settle() <= baseline  # and the pools are refilled, no more


def _confirmations(web: PmwServer) -> int:
    import sqlite3

    db = sqlite3.connect(web.env["PMW_DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        return int(db.execute("SELECT count(*) FROM confirmations").fetchone()[0])
    finally:
        db.close()


def test_a_forged_click_on_a_hidden_agree_button_is_refused(people, web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    # Helen Lambert is an admin: she may read workbook 1, but it is not hers to agree.
    page = people["open"]("hlambert")
    sign_in(page, web, "hlambert")
    page.goto(
        f"{web.url}/voila/render/02_objectives.ipynb?workbook=1", wait_until="domcontentloaded"
    )
    wait_ready(page, ".pmw-agreement-panel")
    before = _confirmations(web)
    hidden = page.evaluate(
        """() => {
            const b = [...document.querySelectorAll('.pmw-agreement-panel button')]
                .find(x => x.textContent.trim().startsWith('Confirm'));
            if (!b) return 'missing';
            const wasHidden = getComputedStyle(b).display === 'none' || b.offsetParent === null;
            b.style.display = 'inline-block'; b.disabled = false; b.removeAttribute('disabled');
            let p = b.parentElement; while (p) { if (p.style) p.style.display = ''; p = p.parentElement; }
            b.click();  // the front end sends the click over the websocket, as any browser can
            return wasHidden ? 'hidden' : 'visible';
        }"""
    )
    assert hidden == "hidden"
    page.wait_for_selector(
        ".pmw-agreement-panel >> text=only the employee and the manager", timeout=10_000
    )
    assert _confirmations(web) == before  # refused server-side: nothing stored
    screenshot(page, "web_forged_click_refused")


def test_a_coach_goes_from_the_dashboard_to_a_workbook_and_its_agreement_pdf(
    people, web: PmwServer, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page = people["open"]("kwalsh")
    sign_in(page, web, "kwalsh")
    page.click("text=Open the dashboard across workbooks")
    wait_ready(page, ".pmw-dashboard-rows")
    body = page.inner_text("body")
    for name in ("Mei Chen", "Diego Silva", "Anna Berg"):
        assert name in body
    assert "Tuan Nguyen" not in body and "Sam Jones" not in body  # not her workbooks
    screenshot(page, "web_dashboard")
    page.locator(".pmw-dashboard-rows a[href*='agreement.ipynb?workbook=1']").first.click()
    wait_ready(page, ".pmw-agreement-document")
    assert "Performance agreement" in page.inner_text("body")
    screenshot(page, "web_agreement")
    page.click("text=Prepare the PDF")
    page.wait_for_selector("text=Download the agreement (PDF)")
    with page.expect_download() as info:
        page.click("text=Download the agreement (PDF)")
    path = tmp_path / "agreement.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for title in (
        "Raise the Level 3 diagnostics pass rate",
        "Zero reportable workshop safety incidents",
    ):
        assert title in " ".join(text.split())
    assert "Mei Chen" in text and "Richard Okafor" in text
    assert people["outside"] == []


def test_page_kernels_send_no_echo_of_each_change(web: PmwServer) -> None:
    """One front end per kernel: ipywidgets' echo of every change would be a wasted message."""
    from pathlib import Path

    pids = web.kernel_pids()  # the preheated pool, started as every page's kernel is
    assert pids
    for pid in pids:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"JUPYTER_WIDGETS_ECHO=0" in environ
        assert b"PMW_WEB=1" in environ


def _listening_tcp_inodes() -> set[str]:
    """Socket inodes of every TCP socket on this machine that listens (from /proc/net)."""
    from pathlib import Path

    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found.add(fields[9])
    return found


def test_page_kernels_take_their_channels_on_unix_sockets(web: PmwServer) -> None:
    """Kernels talk to the server over Unix sockets in a private folder, not five TCP ports:
    no port to race for when several start at once, and none another local user could reach."""
    import time

    checked = 0
    deadline = time.monotonic() + 60
    while not checked and time.monotonic() < deadline:
        listening = _listening_tcp_inodes()
        for pid in web.kernel_pids():
            try:
                _check_kernel_channels(pid, listening)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                if _running(pid):
                    raise
                continue  # culled or replaced while we looked: another kernel is checked
            checked += 1
        if not checked:
            time.sleep(0.5)
    assert checked, "no page kernel stayed up long enough to be checked"


def _running(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie, waiting to be reaped, does not)."""
    from pathlib import Path

    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def _check_kernel_channels(pid: int, listening: set[str]) -> None:
    """Assert that kernel `pid` has its five channels on private Unix sockets, not TCP."""
    import json
    import os
    import stat
    from pathlib import Path

    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    connection = Path(cmdline[cmdline.index(b"-f") + 1].decode())
    info = json.loads(connection.read_text())
    assert info["transport"] == "ipc"
    assert stat.S_IMODE(connection.parent.stat().st_mode) & 0o077 == 0  # only the server's user
    for channel in ("shell", "iopub", "stdin", "control", "hb"):
        assert stat.S_ISSOCK(Path(f"{info['ip']}-{info[channel + '_port']}").stat().st_mode)
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:  # closed while we looked
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    # ipykernel's own pipe for output from forked processes is the one TCP listener
    # left (a random port it binds itself, checked by a random key); TCP channels were five
    assert len(inodes & listening) <= 1, f"kernel {pid} listens on TCP channels"


def test_the_server_log_says_when(web: PmwServer) -> None:
    """Each line of the server's own log starts with its date and time."""

    lines = [line for line in web.log.read_text().splitlines() if line.startswith("[PmwVoila")]
    assert len(lines) >= 5
    stamped = re.compile(r"^\[PmwVoila \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]")
    assert all(stamped.match(line) for line in lines), lines[:3]
