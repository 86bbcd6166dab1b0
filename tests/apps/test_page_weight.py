"""What a step page's kernel loads: the heavy libraries stay out (docs/performance.md).

Each page is built in a fresh interpreter against the demo, as its kernel would
build it, and we look at what was imported. No timing: only which modules.
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
import pmwidgets.apps as apps
page = getattr(apps, sys.argv[1])()
print(json.dumps([m for m in {heavy!r} if m in sys.modules]))
"""

STEP_PAGES = [
    "home_page",
    "start_page",
    "job_description_page",
    "objectives_page",
    "development_page",
    "check_ins_page",
    "review_page",
    "agreement_page",
    "dashboard_page",  # kwalsh is a coach: she sees the dashboard, built without pandas
]


@pytest.mark.parametrize("page", STEP_PAGES)
def test_a_page_builds_without_the_heavy_libraries(
    page: str, demo_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMW_", "VOILA_"))}
    env.update(
        PMW_DATABASE_URL=demo_url,
        PMW_USER="kwalsh",
        PMW_WORKBOOK="1",
        PMW_ACTING="mchen",
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), page],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"{page} loaded {loaded}"
