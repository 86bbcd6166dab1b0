"""``pmw lab``: JupyterLab for a coach's facilitated session, on a working copy of the
notebooks outside the repository, with nothing that calls out or prompts on the shared
screen.

The repository's notebooks never change by use: each session gets its own copy (a
folder per session, by default the day's date), which JupyterLab may save outputs into.
JupyterLab itself is set up for a screen that three people look at:

- no "Jupyter news?" prompt and no news feed (``news_url`` off, ``fetchNews`` off);
- no check for a newer JupyterLab (``NeverCheckForUpdate``, ``checkForUpdates`` off);
- a read-only Extension Manager, which never searches PyPI;
- its own settings and workspaces in the working folder, so the coach's other
  JupyterLab settings are neither used nor changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from .common import EXIT_OK, EXIT_USAGE

#: the notebook JupyterLab opens first, in the session's folder: the whole session as one app.
FIRST = "session.ipynb"
#: where JupyterLab keeps its settings and workspaces, inside the working folder.
LAB_STATE = ".lab"

#: JupyterLab's user settings for the shared screen, by plugin: no news, no update check.
SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # saved (without widget views) soon after a run, so a closed tab rarely asks to save
    "@jupyterlab/docmanager-extension/plugin": {"autosaveInterval": 15},
}
#: a kernel whose notebook no tab shows any more stops after this long unused (seconds)
CLOSED_TAB_KERNEL_SECONDS = 600


class LabError(ValueError):
    """A working folder or session that cannot be used, said in one line."""


def default_folder() -> Path:
    """The coach's working folder: ``$PMW_LAB_FOLDER``, or ``~/pmwidgets-sessions``."""
    return Path(os.environ.get("PMW_LAB_FOLDER") or Path.home() / "pmwidgets-sessions")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def prepare(folder: Path, notebooks: Path, session: str) -> Path:
    """Make ``folder/session`` a working copy of the notebooks in ``notebooks`` and return
    it; the notebooks already there are kept (a session goes on where it stopped).

    Each copy is made without outputs, execution counts or saved widget state, so a
    session starts from the notebooks as published. The folder must be outside the
    notebooks' repository (the folder that holds ``notebooks``), so that using them
    never changes a file under version control.

    Raises
    ------
    LabError
        When ``notebooks`` holds no notebook, ``folder`` is inside their repository, or
        ``session`` is not a plain folder name.
    """
    source = notebooks.resolve()
    originals = sorted(source.glob("*.ipynb")) if source.is_dir() else []
    if not originals:
        raise LabError(f"{notebooks}: no notebooks to copy")
    if not session or session in (".", "..") or Path(session).name != session:
        raise LabError(f"{session!r}: a session is named by a plain folder name")
    target_root = folder.expanduser().resolve()
    if _inside(target_root, source.parent) or _inside(source, target_root):
        raise LabError(
            f"{folder}: the working folder must be outside the repository ({source.parent}), "
            "so that a session never changes its notebooks"
        )
    target = target_root / session
    target.mkdir(parents=True, exist_ok=True)
    for original in originals:
        copy = target / original.name
        if not copy.exists():
            copy.write_text(_clean(original.read_text(encoding="utf-8")), encoding="utf-8")
    _write_settings(target_root / LAB_STATE / "settings")
    return target


def _clean(text: str) -> str:
    """A notebook's JSON without outputs, execution counts or saved widget state."""
    nb = json.loads(text)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


#: the output of a cell that shows widgets
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_views(model: dict[str, Any], **_kwargs: Any) -> None:
    """JupyterLab's ``pre_save_hook``: a notebook is saved without its widgets' views.

    A saved view names a widget by an id that only its kernel knows. Reopened after
    that kernel has gone (a reload after JupyterLab was restarted, another day), it
    shows "Error displaying widget: model not found"; and a stale copy is worse. Saved
    without it, a reloaded notebook shows its "how to start" note, and running it opens
    the session where it was (the workbook, the step and who is acting are remembered).
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    nb = model["content"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                out for out in cell.get("outputs", []) if WIDGET_VIEW not in out.get("data", {})
            ]
    nb.get("metadata", {}).pop("widgets", None)


def _write_settings(folder: Path) -> None:
    """JupyterLab's user settings for the shared screen (see :data:`SETTINGS`), merged into
    any the coach changed since."""
    for plugin, values in SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError:  # JupyterLab writes JSON5 with comments: start again
            current = {}
        path.write_text(json.dumps({**current, **values}, indent=2) + "\n", encoding="utf-8")


def lab_argv(folder: Path, session: Path, port: int, ip: str, browser: bool) -> list[str]:
    """JupyterLab's (and Jupyter Server's) command line for a session in ``folder``."""
    options = {
        "ServerApp.ip": ip,
        "ServerApp.port": port,
        "ServerApp.port_retries": 0,  # the address printed is the one asked for
        "ServerApp.root_dir": folder,
        "ServerApp.open_browser": browser,
        "ServerApp.allow_root": hasattr(os, "geteuid") and os.geteuid() == 0,
        # JupyterLab's simple interface (one document, no side panels): the shared screen
        "LabApp.default_url": f"/doc/tree/{session.name}/{FIRST}",
        "LabApp.news_url": None,
        "LabApp.check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "LabApp.extension_manager": "readonly",
        "LabApp.user_settings_dir": folder / LAB_STATE / "settings",
        "LabApp.workspaces_dir": folder / LAB_STATE / "workspaces",
        "ContentsManager.pre_save_hook": "pmwidgets.cli.lab.strip_widget_views",
        # a notebook's kernel keeps running after its tab is closed (JupyterLab's way);
        # unused and with no tab connected, it is stopped, never while a tab shows it
        "MappingKernelManager.cull_idle_timeout": CLOSED_TAB_KERNEL_SECONDS,
        "MappingKernelManager.cull_connected": False,
        "MappingKernelManager.cull_interval": 60,
    }
    return [f"--{name}={value}" for name, value in options.items()]


def lab(args: argparse.Namespace) -> int:
    """``pmw lab [--folder DIR] [--session NAME] [--notebooks DIR] [--port N] [--ip ADDR]
    [--browser]``: JupyterLab on a working copy of the notebooks, until interrupted; 2 for
    a folder or session that cannot be used."""
    if args.database:
        os.environ["PMW_DATABASE_URL"] = args.database
    folder = (args.folder or default_folder()).expanduser().resolve()
    try:
        session = prepare(folder, args.notebooks, args.session or dt.date.today().isoformat())
    except (LabError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"pmw lab: the session's notebooks are in {session}", flush=True)
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=lab_argv(folder, session, args.port, args.ip, args.browser))
    return EXIT_OK
