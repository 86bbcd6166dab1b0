"""The dashboard page's kernel never imports pandas or numpy (docs/performance.md).

``import pandas`` alone costs a kernel about 58 MiB, which put the dashboard page
over its memory target while every step page stayed far under it. The dashboard
works on plain rows (:func:`pmwidgets.services.frames.workbook_summaries`);
pandas stays for the frames that exports and notebooks use. Each case builds the
page in a fresh interpreter against the demo, as its kernel would, and looks at
what was imported. No timing: only which modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "matplotlib", "fpdf", "PIL", "openpyxl", "voila", "jupyter_server")

PROBE = """
import json, sys
from pmwidgets.apps import session
from pmwidgets.services.frames import warm

warm(session.store())  # what a preheated kernel does before its request
from pmwidgets.apps import dashboard_page
from pmwidgets.widgets.dashboard import Dashboard

def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)

page = dashboard_page()
boards = [w for w in walk(page) if isinstance(w, Dashboard)]
if sys.argv[1] == "frames":  # the tables for an export: these need pandas
    from pmwidgets.services import Services
    from pmwidgets.services.frames import frames
    frames(Services(session.store(), "hlambert")).workbooks
print(json.dumps({
    "loaded": [m for m in HEAVY if m in sys.modules],
    "shown": [int(r.workbook_id) for b in boards for r in b.rows()],
    "table": "".join(b.table.value for b in boards),
}))
"""


def _build(who: str, demo_url: str, tmp_path: Path, also: str = "") -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMW_", "VOILA_"))}
    env.update(PMW_DATABASE_URL=demo_url, PMW_USER=who, XDG_STATE_HOME=str(tmp_path / "state"))
    out = subprocess.run(
        [sys.executable, "-c", PROBE.replace("HEAVY", repr(HEAVY)), also or "page"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("who", "expected"), [("kwalsh", [1, 3, 4]), ("hlambert", [1, 2, 3, 4, 5])]
)
def test_the_dashboard_page_builds_without_pandas_or_numpy(
    who: str, expected: list[int], demo_url: str, tmp_path: Path
) -> None:
    result = _build(who, demo_url, tmp_path)
    assert result["shown"] == expected  # the dashboard was built, with its rows
    assert "data-workbook='1'" in str(result["table"])
    assert result["loaded"] == [], f"the dashboard page loaded {result['loaded']}"


def test_the_probe_sees_pandas_when_frames_are_built(demo_url: str, tmp_path: Path) -> None:
    """The frames (for exports and notebooks) still come through pandas: the probe
    above would see it if the dashboard used them."""
    result = _build("hlambert", demo_url, tmp_path, also="frames")
    assert result["shown"] == [1, 2, 3, 4, 5]
    assert {"pandas", "numpy"} <= set(result["loaded"])  # type: ignore[arg-type]
