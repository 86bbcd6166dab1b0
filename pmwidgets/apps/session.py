"""Who is at the screen, and which workbook the notebooks are about.

In the web app (``pmw serve`` sets ``PMW_WEB=1``) the person is verified for
every request (a signed session cookie, the JupyterHub user, or a trusted proxy
header: see :mod:`pmwidgets.services.identity`), the workbook comes from the
page's address (``?workbook=3``), and nothing is read from or written to files.

In JupyterLab (a coach's facilitated session) the person running the server
holds the database, so the person at the keyboard is trusted: they are named
by ``PMW_USER``, or chosen on the start page. The choice of workbook and of
who is acting is remembered in a small file in the user's state folder, so
that each step's notebook opens the same workbook; it is kept per database and
folder (each coaching session has a folder of its own). Environment variables
(``PMW_USER``, ``PMW_WORKBOOK``, ``PMW_ACTING``) override the file, which is
how tests and scripted runs pick a workbook.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from ..domain.errors import PmwError
from ..services import Services, Store, open_store


@dataclass(frozen=True)
class Selection:
    """The signed-in person, the workbook, and who is acting (coach mode).

    In JupyterLab the step the session app last showed is remembered too, so that
    running it again (after a reload) opens where the coach was; two selections that
    differ only by it are equal: another notebook may show another step.
    """

    user: str | None = None
    workbook: int | None = None
    acting: str | None = None
    step: str | None = field(default=None, compare=False)


def _key() -> str:
    """Whose selection this is: the database, and the folder the notebooks run in.

    In JupyterLab a kernel runs in its notebook's folder, so each coaching session
    (``pmw lab --session NAME``, a folder of its own) remembers its own person, workbook
    and step, and a new session starts by asking who is at the screen; the notebooks of
    one session share theirs.
    """
    return f"{store().url} in {Path.cwd()}"


def _state_file() -> Path:
    import platformdirs

    folder = Path(platformdirs.user_state_dir("pmwidgets", appauthor=False))
    return folder / "session.json"


class DatabaseUnavailable(RuntimeError):
    """The database could not be opened for a web page (deliberately not a PmwError)."""


@lru_cache(maxsize=4)
def store(url: str | None = None) -> Store:
    """The store for this kernel, opened once.

    On the web, a database that cannot be opened is nobody's mistake on the page:
    it fails like any other fault, with a reference, and its message (which names
    the database, perhaps with a password) goes to the server's log only. Shown
    as a refusal, it would also have told a signed-in person to sign in again.
    """
    try:
        return open_store(url)
    except PmwError as exc:
        if not web_mode():
            raise  # in JupyterLab the coach holds the database: tell them what is wrong
        raise DatabaseUnavailable(str(exc)) from exc


_web_memory: dict[str, object] = {}


def web_mode() -> bool:
    """Whether this kernel serves a web request (``pmw serve``) rather than JupyterLab."""
    return os.environ.get("PMW_WEB") == "1"


def preheating() -> bool:
    """Whether this kernel was started ahead of its request (Voila's preheated pool)."""
    return web_mode() and os.environ.get("VOILA_PREHEAT", "False") != "False"


def when_requested(build: Callable[[], None]) -> None:
    """Build a page: at once in JupyterLab, just after the cell in the web app.

    On the web the page's cell returns its container straight away and the page is
    built on the kernel's event loop once the request is known, so that Voila can
    send the page's HTML without waiting for the build (see
    :func:`pmwidgets.apps.request.after_request` and docs/performance.md).
    """
    from .kernel_errors import install

    install()  # web only: errors from widget messages get a reference, never a traceback
    if web_mode() and not _web_memory.get("request"):
        from .request import after_request

        def requested() -> None:
            _web_memory["request"] = True
            build()

        if after_request(requested):
            return
    build()


def _web_selection() -> Selection:
    from urllib.parse import parse_qs

    from ..services.page_identity import ENVIRON, read_assertion

    if not _web_memory.get("request"):
        from .request import wait_for_request

        wait_for_request()  # a preheated kernel waits here for its page's request
        _web_memory["request"] = True
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    workbook = _int((query.get("workbook") or [""])[0])
    if "person" not in _web_memory:  # read once: the page serves one person all its life
        found = read_assertion(os.environ.get(ENVIRON, ""))
        _web_memory["person"], _web_memory["session"] = found or (None, "")
    return Selection(
        user=_str(_web_memory["person"]),
        workbook=_int(_web_memory.get("workbook")) or workbook,
        acting=_str(_web_memory.get("acting")),
    )


def web_session() -> str:
    """The key of the web session this page's request carried ("" if none, or not the web)."""
    return str(_web_memory.get("session") or "")


def load_selection() -> Selection:
    """The remembered selection, overridden by the environment (or, on the web, the request)."""
    if web_mode():
        return _web_selection()
    saved: dict[str, object] = {}
    path = _state_file()
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            saved = data.get(_key(), {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            saved = {}
    sel = Selection(
        user=_str(saved.get("user")),
        workbook=_int(saved.get("workbook")),
        acting=_str(saved.get("acting")),
        step=_str(saved.get("step")),
    )
    env = os.environ
    return replace(
        sel,
        user=env.get("PMW_USER") or sel.user,
        workbook=_int(env.get("PMW_WORKBOOK")) or sel.workbook,
        acting=env.get("PMW_ACTING") or sel.acting,
    )


def save_selection(selection: Selection) -> None:
    """Remember the selection for the other notebooks (per database; on the web, for this page)."""
    if web_mode():
        _web_memory["workbook"] = selection.workbook
        _web_memory["acting"] = selection.acting
        return
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[_key()] = asdict(selection)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    tmp.replace(path)


def signed_in(selection: Selection) -> Services:
    """Services for the person at the screen, as themselves.

    Verified on the web (the request carried their signed session, the hub's user or
    the proxy's header); in JupyterLab they were chosen at the screen, so they
    confirm nothing there without their personal code (see ``Services.verified``).
    """
    if not selection.user:
        raise ValueError("nobody is signed in")
    return Services(store(), selection.user, verified=web_mode())


def services_for(selection: Selection) -> Services | None:
    """Services for the signed-in person, acting as ``selection.acting`` in coach mode."""
    if not selection.user:
        return None
    svc = signed_in(selection)
    if selection.acting and selection.acting != selection.user:
        return svc.acting_as(selection.acting)
    return svc


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _str(value: object) -> str | None:
    return str(value) if value else None
