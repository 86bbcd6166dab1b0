"""Every notebook runs under nbval (--nbval-lax) against a fresh demo database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pmwidgets.apps.guides import guide_html

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_are_thin_and_explain_their_step() -> None:
    stems = [p.stem for p in NOTEBOOKS]
    assert stems == [
        "00_start_here", "01_job_description", "02_objectives", "03_development_plan",
        "04_check_ins", "05_review", "agreement", "coach_dashboard", "home", "session",
    ]  # fmt: skip
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        markdown = "".join(
            "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
        )
        # a step's explanation is the fold under its next action (apps/guides.py), so the
        # page leads with what to do; the other notebooks carry theirs in a fold of their own
        explained = markdown + re.sub(r"<[^>]+>", " ", guide_html(path.stem))
        assert 1 <= len(code) <= 3, path.name
        assert len(explained.split()) >= 80, f"{path.name} explains too little"
        assert all(not c.get("outputs") for c in code), f"{path.name} is saved with outputs"
    start = guide_html("00_start_here")
    for idea in ("not an appraisal", "What each of you brings", "What agreeing means", "growth"):
        assert idea in start


@pytest.mark.slow
@pytest.mark.parametrize(
    "selection",
    [
        {"PMW_USER": "kwalsh", "PMW_WORKBOOK": "1", "PMW_ACTING": "mchen"},  # coach mode
        {"PMW_USER": "aberg", "PMW_WORKBOOK": "4"},  # an employee in review
        {},  # nobody chosen yet: each page asks who is at the screen
    ],
    ids=["coach-mode", "employee", "no-selection"],
)
def test_every_notebook_runs_under_nbval(
    demo_url: str, tmp_path: Path, selection: dict[str, str]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMW_")}
    env.update(selection, PMW_DATABASE_URL=demo_url, XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-q",
            *map(str, NOTEBOOKS),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(NOTEBOOKS)} passed" in result.stdout


def test_the_embedding_example_runs_under_nbval_without_a_database(tmp_path: Path) -> None:
    """notebooks/examples/using_the_widgets.ipynb: the widgets in anyone's notebook.

    Its checked cell's printed lines must come out as saved (``NBVAL_CHECK_OUTPUT``), and
    no database is opened or made: the database setting points at a file that must not
    appear.
    """
    example = ROOT / "notebooks" / "examples" / "using_the_widgets.ipynb"
    nb = json.loads(example.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    checked = [c for c in code if "NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
    assert checked and all(c["outputs"] for c in checked), "the checked cell keeps its output"
    db = tmp_path / "never.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMW_")}
    env.update(PMW_DATABASE_URL=f"sqlite:///{db}", XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", str(example)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout, result.stdout[-2000:]
    assert not db.exists()
