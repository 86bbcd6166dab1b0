"""The web attacks of issue 13, each tried against a real ``pmw serve``: none succeeds.

A hostile visitor, or a hostile signed-in employee, with raw HTTP and websocket
clients (tests/kernel_client.py) beside Chromium:

- another person's kernel, with no cookie and with their own cookie: websocket,
  REST, the unload beacon's shutdown;
- Voila's ``/voila/query/<id>`` for the pool's kernels (where stock Voila hands
  the next visitor's cookies to whoever listens first);
- page floods: anonymous, and as one person; a socket held open with nothing sent;
- a message larger than any page sends; template and theme overrides;
- a cookie replayed after signing out and after ``pmw revoke``.

Each is refused, nothing is written, and after the floods the kernels and their
memory are back within the limits. ``make soak`` runs every attack more often and
writes the "Web attacks" figures into docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import figures
import pytest
from kernel_client import KernelClient, kernel_id_of, sign_in
from servers import ROOT, PmwServer, rss_mib, serve_demo_copy
from tornado.httpclient import HTTPClientError
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError, websocket_connect

from pmwidgets.services import page_identity

from .conftest import screenshot, wait_ready
from .hostile import counts, visitor

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

PER_PERSON = 3
TOTAL = 8
IDLE_SECONDS = 15
NOTEBOOKS = len(list((ROOT / "notebooks").glob("*.ipynb")))
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PmwServer]:
    """``pmw serve`` with small limits, so that the floods reach them quickly."""
    server = serve_demo_copy(
        demo_template,
        tmp_path_factory.mktemp("attacks"),
        60,
        PMW_MAX_PAGES_PER_PERSON=str(PER_PERSON),
        PMW_MAX_PAGES=str(TOTAL),
        PMW_IDLE_MINUTES=str(IDLE_SECONDS / 60),
    )
    yield server
    server.stop()


# --- small raw clients -----------------------------------------------------------------


def request(
    server: PmwServer,
    path: str,
    cookie: str = "",
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, str]]:
    """(status, body, headers) of one request, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=180)
    sent = dict(headers or {})
    if cookie:
        sent["Cookie"] = cookie
    if body is not None:
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
    conn.request(method, path, body=body, headers=sent)
    reply = conn.getresponse()
    text = reply.read().decode("utf-8", "replace")
    conn.close()
    got: dict[str, str] = {}
    for name, value in reply.getheaders():  # repeated ones (Set-Cookie) joined
        key = name.lower()
        got[key] = f"{got[key]}, {value}" if key in got else value
    return reply.status, text, got


#: every page kernel the attacks saw, for the check that none is in the log
SEEN: set[str] = set()


class Visitor:
    """A signed-in person's cookies, and the pages they opened without a browser."""

    def __init__(self, server: PmwServer, person: str, cookies: dict[str, str] | None = None):
        self.server = server
        self.person = person
        if cookies is None:
            cookies = {c.name: c.value for c in sign_in(server.invite(person))}
        self.cookies = cookies
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())

    @classmethod
    def of_browser(cls, server: PmwServer, person: str, page: Any) -> Visitor:
        """The same session as a browser page's (its cookies)."""
        return cls(server, person, {c["name"]: c["value"] for c in page.context.cookies()})

    def open(self, path: str = "home.ipynb") -> str:
        """Open a page (its HTML, streamed to the end); returns its kernel id."""
        status, body, _ = request(self.server, f"/voila/render/{path}", self.cookie)
        assert status == 200, (status, body[-300:])
        kernel = kernel_id_of(body)
        SEEN.add(kernel)
        return kernel

    def xsrf(self) -> str:
        """The ``_xsrf`` cookie that signing in set."""
        return self.cookies["_xsrf"]

    def sign_out(self) -> int:
        """Sign out as the sign-out page's button does (a POST with the xsrf token)."""
        body = urllib.parse.urlencode({"_xsrf": self.xsrf()})
        return request(self.server, "/pmw/signout", self.cookie, "POST", body)[0]


def socket_refused(server: PmwServer, kernel_id: str, cookie: str = "") -> int | None:
    """The status that refused a kernel websocket, or None if it was accepted."""
    try:
        client = KernelClient(server.url, kernel_id, cookie=cookie or None)
    except HTTPClientError as exc:
        return int(exc.code)
    client.close()
    return None


def wait_closed(client: KernelClient, timeout: float) -> tuple[int | None, str | None]:
    """Read until the server closes the socket: its close code and reason.

    The code is -1 if the server closed the connection without a close frame (as
    tornado does after a message over the size limit), None if it stayed open.
    """
    deadline = time.monotonic() + timeout
    closed = False
    while time.monotonic() < deadline and not closed:
        try:
            client.collect(1)
        except (ConnectionError, StreamClosedError, WebSocketClosedError):
            closed = True
    code, reason = client._conn.close_code, client._conn.close_reason
    client.close()
    if closed and code is None:
        return -1, None
    return code, reason


def settle(server: PmwServer, most: int, timeout: float = 90) -> int:
    """Wait until the server runs at most ``most`` kernels; the count then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.kernels() > most:
        time.sleep(1)
    return server.kernels()


def shows(server: PmwServer, kernel: str, cookie: str, text: str, timeout: float = 30) -> bool:
    """Whether the page's widgets come to hold ``text`` (the page is built after its cell)."""
    deadline = time.monotonic() + timeout
    with KernelClient(server.url, kernel, cookie=cookie) as own:
        while time.monotonic() < deadline:
            if text in str(own.widget_states()):
                return True
            time.sleep(1)
    return False


def page_kernel_memory(server: PmwServer, kernel_id: str) -> float:
    """Resident memory of one page's kernel, MiB (its command line names its id)."""
    for pid in server.kernel_pids():
        try:
            if kernel_id in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                return rss_mib(pid)
        except OSError:
            continue
    raise AssertionError(f"no kernel process for {kernel_id}")


def kernel_memory(server: PmwServer) -> float:
    """Resident memory of all the server's kernels, MiB."""
    return sum(rss_mib(pid) for pid in server.kernel_pids())


def pool_kernel_ids(server: PmwServer) -> list[str]:
    """The ids of the kernels running now, read from their command lines (as a local user could)."""
    found = []
    for pid in server.kernel_pids():
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        found += UUID.findall(cmd)
    return found


def record(attack: str, tried: int, succeeded: int = 0, **more: Any) -> None:
    """Figures for docs/reliability.md's "Web attacks" section."""
    figures.record(f"Web attacks: {attack}", tried=tried, succeeded=succeeded, **more)


# --- the attacks -----------------------------------------------------------------------


def test_another_persons_kernel_is_closed_to_strangers_and_to_other_people(
    site: PmwServer,
) -> None:
    manager = Visitor(site, "rokafor")
    employee = Visitor(site, "aberg")
    kernel = manager.open("02_objectives.ipynb?workbook=3")
    before = counts(site)
    tries = 0
    for cookie in ("", employee.cookie, "pmw_session=" + "A" * 43):
        assert socket_refused(site, kernel, cookie) == 403
        assert request(site, f"/api/kernels/{kernel}", cookie)[0] == 403
        tries += 2
    # no Jupyter identity cookie of its own, and no anonymous user made up
    assert sorted(manager.cookies) == ["_xsrf", "pmw_session"]
    # the control: its owner connects, and the kernel answers
    with KernelClient(site.url, kernel, cookie=manager.cookie) as own:
        assert own.reply(own.kernel_info_request()).msg_type == "kernel_info_reply"
    assert request(site, f"/api/kernels/{kernel}", manager.cookie)[0] == 200
    # nothing in the REST answer tells a stranger whether a kernel exists
    assert request(site, "/api/kernels/00000000-0000-0000-0000-000000000000")[0] == 403
    assert counts(site) == before
    record("another person's kernel (websocket and REST)", tries)
    manager.sign_out()
    employee.sign_out()


def test_nobody_shuts_down_someone_elses_page(site: PmwServer) -> None:
    owner = Visitor(site, "mchen")
    other = Visitor(site, "dsilva")
    kernel = owner.open("home.ipynb")
    made_up = "2|abcdef01|0123456789abcdef0123456789abcdef|1700000000"
    body = urllib.parse.urlencode({"_xsrf": made_up})
    forged = f"_xsrf={made_up}"
    tries = [
        request(site, f"/voila/api/shutdown/{kernel}", forged, "POST", body)[0],
        request(site, f"/voila/api/shutdown/{kernel}", f"{other.cookie}", "POST",
                urllib.parse.urlencode({"_xsrf": other.xsrf()}))[0],
        request(site, f"/api/kernels/{kernel}", f"{other.cookie}", "DELETE",
                headers={"X-XSRFToken": other.xsrf()})[0],
    ]  # fmt: skip
    assert all(status in (403, 404) for status in tries), tries
    assert request(site, f"/api/kernels/{kernel}", owner.cookie)[0] == 200  # still running
    record("shutting down someone's page", len(tries))
    owner.sign_out()
    other.sign_out()


def test_listening_on_voilas_query_socket_hears_nothing(site: PmwServer) -> None:
    """Stock Voila gives the next page's request, cookies and all, to whoever listens first."""
    pool = pool_kernel_ids(site)
    assert pool, "no kernels running?"

    async def listen(kernel_id: str, token: str = "") -> int | None:
        url = f"ws://127.0.0.1:{site.port}/voila/query/{kernel_id}"
        try:
            conn = await websocket_connect(url + (f"?k={token}" if token else ""))
        except HTTPClientError as exc:
            return int(exc.code)
        conn.close()
        return None

    loop = asyncio.new_event_loop()  # its own: asyncio.run would unset the thread's loop
    try:
        refused = [loop.run_until_complete(listen(k)) for k in pool]
        refused += [loop.run_until_complete(listen(k, "0" * 64)) for k in pool]
    finally:
        loop.close()
    assert refused == [404] * len(refused)
    # someone opens a page while the listeners tried: their page is built, as theirs
    person = Visitor(site, "hlambert")
    kernel = person.open("home.ipynb")
    assert shows(site, kernel, person.cookie, "Helen Lambert")
    record("listening on /voila/query for pool kernels", len(refused))
    person.sign_out()


def test_a_page_kernel_is_told_the_person_and_never_sees_the_cookies(
    site: PmwServer, tmp_path: Path
) -> None:
    """What Voila passes on from a page's request to its kernel: no cookie, a signed person.

    Voila builds the same request details for a preheated kernel (over the query
    socket) and for a kernel started for its request (in its environment). With
    ``--pool-size 0`` every kernel is started for its request, and its environment
    can be read in /proc, as a local user could.
    """
    cold = PmwServer(site.env, tmp_path / "cold.log", 60, "--pool-size=0", "--behind-proxy")
    try:
        # behind a TLS proxy (--behind-proxy) every cookie is Secure
        link = cold.invite("kwalsh").removeprefix(cold.url)
        _status, _body, headers = request(cold, link, headers={"X-Forwarded-Proto": "https"})
        assert "pmw_session=" in headers["set-cookie"] and "Secure" in headers["set-cookie"]
        person = Visitor(cold, "kwalsh")
        kernel = person.open("04_check_ins.ipynb?workbook=1")
        environs = []
        for pid in cold.kernel_pids():
            environs.append(Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace"))
        assert len(environs) == 1
        environ = environs[0]
        assert "HTTP_COOKIE" not in environ and "pmw_session" not in environ
        assert person.cookies["pmw_session"] not in environ
        value = environ.split(page_identity.ENVIRON + "=", 1)[1].split("\0", 1)[0]
        assert page_identity.person_from_assertion(value, site.env["PMW_SECRET"]) == "kwalsh"
        assert shows(cold, kernel, person.cookie, "Kate Walsh")
        person.sign_out()
    finally:
        cold.stop()
    record("cookies reaching a page kernel", 1)


def test_no_kernel_for_fifty_strangers(site: PmwServer) -> None:
    loads = figures.scale(50, 200)
    settle(site, NOTEBOOKS)
    before = site.kernels()
    start = len(site.log.read_text())
    pages = ["home.ipynb", "02_objectives.ipynb?workbook=1", "coach_dashboard.ipynb"]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda i: request(site, f"/voila/render/{pages[i % 3]}")[0], range(loads))
        )
    assert statuses == [401] * loads
    assert "Using pre-heated kernel" not in site.log.read_text()[start:]
    assert site.kernels() <= before
    record("anonymous page loads", loads, kernels_started=0)


def test_fifty_pages_as_one_person_stay_within_the_limits(browser: Any, site: PmwServer) -> None:
    """The oldest page closes (and says so), the rest wait their turn; memory comes back."""
    loads = figures.scale(50, 100)
    settle(site, NOTEBOOKS)
    page = visitor(browser)
    invite = site.invite("lmorris")
    page.goto(invite, wait_until="domcontentloaded")
    wait_ready(page, ".pmw-home-table, .pmw-home")
    flood = Visitor.of_browser(site, "lmorris", page)
    cookie = flood.cookie
    statuses: list[int] = []
    most = 0

    def one(i: int) -> int:
        path = ("home.ipynb", "02_objectives.ipynb?workbook=2")[i % 2]
        return request(site, f"/voila/render/{path}", cookie)[0]

    with ThreadPoolExecutor(3) as pool:
        for status in pool.map(one, range(loads)):
            statuses.append(status)
            most = max(most, site.kernels())
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= loads // 2
    # the browser's page was the oldest: it says why it stopped
    page.wait_for_selector("#pmw-closed", timeout=30_000)
    assert f"more than {PER_PERSON} pages" in page.inner_text("#pmw-closed")
    screenshot(page, "web_too_many_pages")
    assert most <= NOTEBOOKS + PER_PERSON + 3  # the pools refilling, and this person's pages
    left = settle(site, NOTEBOOKS + PER_PERSON)
    assert left <= NOTEBOOKS + PER_PERSON
    memory = kernel_memory(site)
    assert memory < (NOTEBOOKS + PER_PERSON) * 200, memory
    record(
        "pages opened by one person",
        loads,
        most_kernels_at_once=most,
        kernel_memory_after_mib=round(memory),
    )
    flood.sign_out()
    page.context.close()


def test_a_full_server_says_it_is_busy(site: PmwServer) -> None:
    settle(site, NOTEBOOKS)
    people = [Visitor(site, p) for p in ("hlambert", "rokafor", "kwalsh")]
    opened = 0
    for person in people:
        for _ in range(PER_PERSON):
            if opened < TOTAL:
                person.open("home.ipynb")
                opened += 1
    assert opened == TOTAL
    late = Visitor(site, "aberg")
    status, body, headers = request(site, "/voila/render/home.ipynb", late.cookie)
    assert status == 503 and "try again in a minute" in body and headers.get("retry-after")
    for person in people:
        person.sign_out()
    assert request(site, "/voila/render/home.ipynb", late.cookie)[0] == 200
    record("pages beyond the server's total", 1)
    late.sign_out()


def test_a_socket_held_open_with_nothing_sent_is_closed(site: PmwServer) -> None:
    person = Visitor(site, "dsilva")
    held = KernelClient(site.url, person.open("home.ipynb"), cookie=person.cookie)
    busy = KernelClient(site.url, person.open("home.ipynb"), cookie=person.cookie)
    deadline = time.monotonic() + IDLE_SECONDS + 40
    code = reason = None
    while time.monotonic() < deadline:
        busy.reply(busy.kernel_info_request())  # a page in use answers and stays
        try:
            held.collect(2)
        except ConnectionError:
            code, reason = held._conn.close_code, held._conn.close_reason
            held.close()
            break
    assert code == 4002 and reason and "without use" in reason, (code, reason)
    assert busy.reply(busy.kernel_info_request()).msg_type == "kernel_info_reply"
    busy.close()
    record("a socket held open with nothing sent", 1)
    person.sign_out()


def test_a_message_larger_than_any_page_sends_is_refused(site: PmwServer) -> None:
    person = Visitor(site, "mchen")
    kernel = person.open("home.ipynb")
    assert shows(site, kernel, person.cookie, "Mei Chen")  # built: its memory has settled
    before = page_kernel_memory(site, kernel)
    tries = figures.scale(3, 11)
    closed = 0
    for _ in range(tries):
        client = KernelClient(site.url, kernel, cookie=person.cookie)
        # the server may close the socket while the message is still being sent
        with contextlib.suppress(StreamClosedError, WebSocketClosedError):
            client.send("comm_msg", {"comm_id": "x", "data": {"pad": "x" * (9 * 1024 * 1024)}})
        code, _reason = wait_closed(client, 20)
        closed += code == 1009  # refused, with a reason the page shows
    assert closed == tries
    with KernelClient(site.url, kernel, cookie=person.cookie) as again:  # the page still works
        assert again.reply(again.kernel_info_request()).msg_type == "kernel_info_reply"
    assert page_kernel_memory(site, kernel) - before < 20  # no large message reached it
    # beyond 16 MiB the connection is cut without reading the message to its end
    client = KernelClient(site.url, kernel, cookie=person.cookie)
    with contextlib.suppress(StreamClosedError, WebSocketClosedError):
        client.send("comm_msg", {"comm_id": "x", "data": {"pad": "x" * (17 * 1024 * 1024)}})
    assert wait_closed(client, 20)[0] in (1009, -1)
    record("9 MB and 17 MB widget messages", tries + 1)
    person.sign_out()


def test_a_malformed_frame_closes_its_socket_and_nothing_else(site: PmwServer) -> None:
    """Seven bytes of garbage once hung the whole server at full CPU."""
    person = Visitor(site, "mchen")
    kernel = person.open("home.ipynb")
    frames = [b"garbage", b"\xff" * 64, (10).to_bytes(8, "little") + b"\0" * 40]
    for frame in frames:
        client = KernelClient(site.url, kernel, cookie=person.cookie)
        client.send_frame(frame)
        assert wait_closed(client, 20)[0] == 1003
        status, _body, _ = request(site, "/login")  # the server still answers at once
        assert status == 401
    with KernelClient(site.url, kernel, cookie=person.cookie) as again:
        assert again.reply(again.kernel_info_request()).msg_type == "kernel_info_reply"
    record("malformed websocket frames", len(frames))
    person.sign_out()


def test_only_the_pmw_template_and_proper_pages_for_odd_paths(site: PmwServer) -> None:
    person = Visitor(site, "hlambert")
    before = site.kernels()
    start = len(site.log.read_text())
    paths = [
        "/voila/render/home.ipynb?template=lab",
        "/voila/render/home.ipynb?template=../..",
        "/voila/render/home.ipynb?theme=dark",
        "/voila/render/home.ipynb?template=classic&theme=dark",
    ]
    for path in paths:
        status, body, _ = request(site, path, person.cookie)
        assert status == 400 and "not a page here" in body, path
    assert "Using pre-heated kernel" not in site.log.read_text()[start:]
    assert site.kernels() <= before
    assert request(site, "/logout", person.cookie)[0] == 302
    assert request(site, "/login")[0] == 401
    for path in ("/login?next=/voila/render/home.ipynb", "/pmw/signout", "/voila/templates/x"):
        assert request(site, path, person.cookie)[0] < 500, path
    # every answer carries the security headers, refusals and static files included
    for path in ("/nosuchpage", "/api/kernels", "/voila/files/home.ipynb", "/favicon.ico"):
        status, body, headers = request(site, path, person.cookie)
        assert status in (403, 404), path
        assert "default-src 'none'" in headers.get("content-security-policy", ""), path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert "Traceback" not in body, path
    assert "not a page here" in request(site, "/nosuchpage")[1]
    static = request(site, "/voila/templates/pmw/static/pmw-closed.js", person.cookie)
    assert static[0] == 200 and static[2].get("x-content-type-options") == "nosniff"
    record("template and theme overrides, odd paths", len(paths) + 9)
    person.sign_out()


def test_a_cookie_replayed_after_sign_out_or_revoke_opens_nothing(
    browser: Any, site: PmwServer
) -> None:
    # signing out ends the session everywhere: a copy of the cookie is worth nothing
    person = Visitor(site, "aberg")
    kernel = person.open("home.ipynb")
    watching = KernelClient(site.url, kernel, cookie=person.cookie)
    copied = person.cookie
    assert person.sign_out() == 200
    assert wait_closed(watching, 20)[0] == 4003
    assert request(site, "/voila/render/home.ipynb", copied)[0] == 401
    assert socket_refused(site, kernel, copied) == 403
    # pmw revoke ends every session of the person and withdraws their links
    page = visitor(browser)
    link = site.invite("aberg")
    page.goto(link, wait_until="domcontentloaded")
    wait_ready(page, ".pmw-home-table, .pmw-home")
    second = Visitor(site, "aberg")
    before = counts(site)
    out = subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", "revoke", "aberg", "--reason", "attack test"],
        env=site.env, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert "ended 2 sessions" in out.stdout
    assert request(site, "/voila/render/home.ipynb", second.cookie)[0] == 401
    assert request(site, link.removeprefix(site.url))[0] == 403  # the old link is withdrawn
    page.wait_for_selector("#pmw-closed", timeout=60_000)  # the open page is closed, and says so
    assert "session has ended" in page.inner_text("#pmw-closed")
    screenshot(page, "web_session_revoked")
    after = counts(site)
    assert after["events"] == before["events"] + 1  # the revocation itself, with its reason
    assert Visitor(site, "aberg").open("home.ipynb")  # a new link works
    record("cookies replayed after sign-out and after pmw revoke", 4)
    page.context.close()


def test_the_log_names_no_kernel_cookie_or_token(site: PmwServer) -> None:
    log = site.log.read_text(errors="replace")
    ids = SEEN | set(pool_kernel_ids(site))
    assert len(ids) > NOTEBOOKS
    assert not [i for i in ids if i in log]
    assert not re.search(r"pmw_session=[A-Za-z0-9_-]{20}", log)
    assert not re.search(r"[?&]t=[A-Za-z0-9_-]{20}", log)
    assert not re.search(r"[?&]k=[0-9a-f]{20}", log)
