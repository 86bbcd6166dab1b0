"""``pmw lab``: the session's working copy, JupyterLab's settings for a shared screen, and
the one-line refusals (the server itself is driven in tests/browser/test_lab_session.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pmwidgets.cli.lab import LAB_STATE, SETTINGS, LabError, lab_argv, prepare

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def _notebook_with_outputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Step"]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 7,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["Diego\n"]}],
                "source": ["page()"],
            },
        ],
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "00_start_here.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_a_session_is_a_copy_of_every_notebook_without_outputs(tmp_path: Path) -> None:
    source = tmp_path / "repo" / "notebooks"
    _notebook_with_outputs(source)
    session = prepare(tmp_path / "work", source, "2026-12-07")
    assert session == (tmp_path / "work" / "2026-12-07").resolve()
    copy = json.loads((session / "00_start_here.ipynb").read_text(encoding="utf-8"))
    code = copy["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["source"] == ["page()"] and copy["cells"][0]["source"] == ["# Step"]
    assert "widgets" not in copy["metadata"]


def test_the_repository_s_notebooks_are_all_copied_and_a_session_goes_on(tmp_path: Path) -> None:
    session = prepare(tmp_path / "work", NOTEBOOKS, "s1")
    names = sorted(p.name for p in session.glob("*.ipynb"))
    assert names == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    worked_on = session / "02_objectives.ipynb"
    worked_on.write_text(worked_on.read_text(encoding="utf-8") + " ", encoding="utf-8")
    before = worked_on.read_text(encoding="utf-8")
    prepare(tmp_path / "work", NOTEBOOKS, "s1")  # the coach starts the same session again
    assert worked_on.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in prepare(tmp_path / "work", NOTEBOOKS, "s2").glob("*")) == names


@pytest.mark.parametrize("inside", ["notebooks/sessions", ".", "work"])
def test_a_working_folder_in_the_repository_is_refused(tmp_path: Path, inside: str) -> None:
    repo = tmp_path / "repo"
    source = repo / "notebooks"
    _notebook_with_outputs(source)
    with pytest.raises(LabError, match="outside the repository"):
        prepare(repo / inside, source, "s1")
    assert not (repo / inside / "s1").exists()


@pytest.mark.parametrize("session", ["", "..", "a/b", "../x"])
def test_a_session_name_is_a_plain_folder_name(tmp_path: Path, session: str) -> None:
    with pytest.raises(LabError, match="plain folder name"):
        prepare(tmp_path / "work", NOTEBOOKS, session)


def test_no_notebooks_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="no notebooks"):
        prepare(tmp_path / "work", tmp_path / "empty", "s1")


def test_jupyterlab_asks_nothing_and_calls_nowhere(tmp_path: Path) -> None:
    session = prepare(tmp_path / "work", NOTEBOOKS, "s1")
    folder = tmp_path / "work"
    argv = dict(a[2:].split("=", 1) for a in lab_argv(folder, session, 8899, "127.0.0.1", False))
    assert argv["LabApp.news_url"] == "None"
    assert argv["LabApp.extension_manager"] == "readonly"
    assert argv["LabApp.check_for_updates_class"].endswith("NeverCheckForUpdate")
    assert argv["ServerApp.root_dir"] == str(folder)
    assert argv["ServerApp.ip"] == "127.0.0.1" and argv["ServerApp.open_browser"] == "False"
    assert argv["LabApp.default_url"] == "/doc/tree/s1/session.ipynb"
    assert argv["ContentsManager.pre_save_hook"] == "pmwidgets.cli.lab.strip_widget_views"
    # a closed tab's kernel stops when unused; a kernel a tab still shows never does
    assert argv["MappingKernelManager.cull_connected"] == "False"
    assert int(argv["MappingKernelManager.cull_idle_timeout"]) >= 300
    settings = Path(argv["LabApp.user_settings_dir"])
    assert settings == folder / LAB_STATE / "settings"
    for plugin, values in SETTINGS.items():
        stored = json.loads((settings / f"{plugin}.jupyterlab-settings").read_text())
        assert stored == values
    assert SETTINGS["@jupyterlab/apputils-extension/notification"]["fetchNews"] == "false"


def test_settings_the_coach_changed_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    prepare(folder, NOTEBOOKS, "s1")
    path = (
        folder
        / LAB_STATE
        / "settings"
        / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    )
    path.write_text(json.dumps({"doNotDisturbMode": True, "fetchNews": "true"}))
    prepare(folder, NOTEBOOKS, "s2")
    assert json.loads(path.read_text()) == {
        "doNotDisturbMode": True,
        "fetchNews": "false",
        "checkForUpdates": False,
    }


def test_pmw_lab_refuses_a_folder_in_the_repository_in_one_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pmwidgets.cli", "--database", f"sqlite:///{tmp_path}/x.db",
         "lab", "--folder", str(ROOT / "notebooks" / "work"), "--port", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: ")
    assert "outside the repository" in out.stderr
    assert not (ROOT / "notebooks" / "work").exists()
