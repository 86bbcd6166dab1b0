"""Tools for the hostile-user suites: one shared server, visitors, forged widget messages.

The four suites (XSS, access, signed links, static files and errors) share one
``pmw serve`` (the ``hostile_web`` fixture in conftest.py), on a copy of the demo
with one more coach, Jay Patel, who coaches none of its workbooks.

Forged messages go over the websocket, as any browser can send them: the page's
own JavaScript opens a second connection to its kernel (protocol v1, the one the
front end speaks), asks for the state of every widget model, and then sends
updates and clicks to any model, hidden, disabled or not shown at all.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from servers import PmwServer, row_counts

from pmwidgets.domain.model import Person, Role
from pmwidgets.services import Services, identity
from pmwidgets.store import Store

#: what would show that a traceback reached a person.
TRACEBACK_MARKERS = ("Traceback", 'File "', '.py", line', "most recent call last")
#: workbook 1's content, which only its people (and admins) may see.
WORKBOOK_1_SECRETS = ("Raise the Level 3 diagnostics pass rate", "high-voltage vehicle safety")
ANOTHER_COACH = Person(id="jpatel", name="Jay Patel", roles=(Role.COACH,))


def start_server(demo_template: Path, folder: Path) -> PmwServer:
    """``pmw serve`` on a copy of the demo with one more coach; waits for the preheated kernels."""
    db = folder / "demo.sqlite3"
    shutil.copy(demo_template, db)
    url = f"sqlite:///{db}"
    with Store(url) as store:
        Services.operator(store).add_person(ANOTHER_COACH, reason="hostile-user tests")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMW_")}
    env.update(
        PMW_DATABASE_URL=url,
        PMW_SECRET="hostile-secret-" + folder.name,
        XDG_STATE_HOME=str(folder / "state"),
        XDG_DATA_HOME=str(folder / "data"),
        JUPYTER_CONFIG_DIR=str(folder / "jupyter-config"),
    )
    server = PmwServer(env, folder / "serve.log", cull_seconds=30)
    server.wait_preheated()
    return server


def secret(server: PmwServer) -> str:
    """The server's signing secret."""
    return server.env["PMW_SECRET"]


def db_path(server: PmwServer) -> Path:
    """The server's SQLite file."""
    return Path(server.env["PMW_DATABASE_URL"].removeprefix("sqlite:///"))


def store(server: PmwServer) -> Store:
    """The server's database, opened from the test (close it after use)."""
    return Store(server.env["PMW_DATABASE_URL"])


def counts(server: PmwServer) -> dict[str, int]:
    """Rows that any stored change would add to: events, confirmations, workbooks, people."""
    return row_counts(server)


def invite_link(server: PmwServer, person: str) -> str:
    """A personal link, signed as ``pmw invite`` signs it."""
    return f"{server.url}/pmw/signin?t={identity.invite_token(person, key=secret(server))}"


def visitor(browser: Any) -> Any:
    """A page in a fresh context (own cookies) that reaches 127.0.0.1 only and records dialogs."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort(),
    )
    page = ctx.new_page()
    page.set_default_navigation_timeout(90_000)
    page.set_default_timeout(30_000)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def sign_in(page: Any, server: PmwServer, person: str) -> None:
    """Follow ``person``'s signed link without rendering home: the context gets the cookies."""
    reply = page.context.request.get(invite_link(server, person), max_redirects=0)
    assert reply.status == 302, reply.text()
    names = {c["name"] for c in page.context.cookies()}
    assert identity.COOKIE in names, names


def open_page(page: Any, server: PmwServer, path: str, selector: str = ".pmw-page") -> None:
    """Open ``/voila/render/<path>`` and wait until the app is on it."""
    page.goto(f"{server.url}/voila/render/{path}", wait_until="domcontentloaded")
    # generous: on two shared cores a kernel that has to start first can take a while
    page.wait_for_selector("#loading", state="detached", timeout=180_000)
    page.wait_for_selector(selector, timeout=60_000)


def page_text(page: Any) -> str:
    """All text on the page, hidden parts included (a collapsed section still leaks)."""
    return str(page.evaluate("() => document.body.textContent"))


def tracebacks(page: Any) -> list[str]:
    """Traceback markers found in the page's HTML (outputs and widgets included)."""
    html = page.content() + page_text(page)
    return [m for m in TRACEBACK_MARKERS if m in html]


# --- forged widget messages ---------------------------------------------------------------

FORGE_JS = r"""
async () => {
  const PROTOCOL = 'v1.kernel.websocket.jupyter.org';
  const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const base = cfg.baseUrl || '/';
  const session = 'forger-' + Math.random().toString(16).slice(2);
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base +
    'api/kernels/' + cfg.kernelId + '/channels?session_id=' + session;
  const ws = new WebSocket(url, [PROTOCOL]);
  ws.binaryType = 'arraybuffer';
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = () => bad(new Error('refused')); });
  const enc = new TextEncoder(), dec = new TextDecoder();
  const pack = (channel, parts) => {
    const chunks = [enc.encode(channel), ...parts.map(p => enc.encode(JSON.stringify(p)))];
    const n = chunks.length + 1, head = 8 * (1 + n);
    const out = new Uint8Array(head + chunks.reduce((a, c) => a + c.length, 0));
    const view = new DataView(out.buffer);
    view.setUint32(0, n, true);
    let at = head;
    for (let i = 0; i < n; i++) {
      view.setUint32(8 * (i + 1), at, true);
      if (i < chunks.length) { out.set(chunks[i], at); at += chunks[i].length; }
    }
    return out.buffer;
  };
  const unpack = (buf) => {
    const view = new DataView(buf), n = view.getUint32(0, true);
    const off = [...Array(n).keys()].map(i => view.getUint32(8 * (i + 1), true));
    const part = (i) => dec.decode(new Uint8Array(buf, off[i], off[i + 1] - off[i]));
    const [header, parent_header, , content] = [1, 2, 3, 4].map(i => JSON.parse(part(i)));
    return {channel: part(0), header, parent_header, content, msg_type: header.msg_type};
  };
  const replies = new Map(), states = new Map();
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') return;
    const msg = unpack(ev.data), c = msg.content || {};
    if (msg.msg_type === 'comm_msg' && c.data && c.data.method === 'update') {
      states.set(c.comm_id, Object.assign(states.get(c.comm_id) || {}, c.data.state));
    }
    const parent = msg.parent_header && msg.parent_header.msg_id;
    if (parent && msg.channel === 'shell' && replies.has(parent)) {
      replies.get(parent)(msg); replies.delete(parent);
    }
  };
  let count = 0;
  const send = (msg_type, content) => {
    const header = {msg_id: session + '-' + (++count), msg_type, session, username: 'forger',
                    date: new Date().toISOString(), version: '5.3'};
    const reply = new Promise((ok) => replies.set(header.msg_id, ok));
    ws.send(pack('shell', [header, {}, {}, content]));
    return reply;
  };
  const info = await send('comm_info_request', {target_name: 'jupyter.widget'});
  const ids = Object.keys(info.content.comms || {});
  for (const id of ids) send('comm_msg', {comm_id: id, data: {method: 'request_state'}});
  const until = Date.now() + 20000;
  while (states.size < ids.length && Date.now() < until) await new Promise(r => setTimeout(r, 50));
  window.__pmwForge = {
    models: () => ids.map(id => ({id, state: states.get(id) || {}})),
    update: (id, state) => {
      send('comm_msg', {comm_id: id, data: {method: 'update', state, buffer_paths: []}});
      return true;
    },
    click: (id) => {
      send('comm_msg', {comm_id: id, data: {method: 'custom', content: {event: 'click'}}});
      return true;
    },
  };
  return ids.length;
}
"""

LEGACY_SOCKET_JS = r"""
async () => {
  const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const ws = new WebSocket('ws://' + location.host + (cfg.baseUrl || '/') + 'api/kernels/' +
                           cfg.kernelId + '/channels?session_id=legacy');
  return await new Promise(r => { ws.onopen = () => r('open'); ws.onerror = () => r('refused'); });
}
"""


class Forger:
    """Widget messages forged from inside a page, to its own kernel."""

    def __init__(self, page: Any) -> None:
        self.page = page
        assert int(page.evaluate(FORGE_JS)) > 0
        self.models: list[dict[str, Any]] = page.evaluate("() => window.__pmwForge.models()")

    def find(self, model: str, description: str = "", **state: Any) -> str:
        """The id of the one model of this kind whose description starts with ``description``."""
        found = [
            m["id"]
            for m in self.models
            if m["state"].get("_model_name") == model
            and str(m["state"].get("description", "")).startswith(description)
            and all(m["state"].get(k) == v for k, v in state.items())
        ]
        assert found, f"no {model} {description!r} among {len(self.models)} models"
        return str(found[0])

    def state(self, model_id: str) -> dict[str, Any]:
        """The state of one model as the kernel sent it."""
        return next(m["state"] for m in self.models if m["id"] == model_id)

    def update(self, model_id: str, **state: Any) -> None:
        """Set traits of a model, as a front end would after an edit."""
        self.page.evaluate("([i, s]) => window.__pmwForge.update(i, s)", [model_id, state])

    def click(self, model_id: str) -> None:
        """Click a button, visible or not."""
        self.page.evaluate("(i) => window.__pmwForge.click(i)", model_id)
