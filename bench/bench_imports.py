"""Import cost: what a page's kernel pays before it can draw anything.

Each statement runs in a fresh interpreter (so nothing is cached in memory),
several times; we report the wall time of the import and the heavy modules it
pulled in. ``import ipywidgets`` is the reference every page pays anyway.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .common import Row

HEAVY = (
    "pandas", "numpy", "matplotlib", "PIL", "fpdf", "openpyxl", "voila", "jupyter_server",
    "nbconvert", "alembic", "yaml", "markdown_it", "sqlalchemy", "pydantic",
)  # fmt: skip

STATEMENTS = {
    "import ipywidgets (reference)": "import ipywidgets",
    "import pmwidgets": "import pmwidgets",
    "a step page: from pmwidgets.apps import objectives_page": (
        "import ipywidgets; from pmwidgets.apps import objectives_page"
    ),
    "the dashboard: from pmwidgets.apps import dashboard_page": (
        "import ipywidgets; from pmwidgets.apps import dashboard_page"
    ),
    "the command line: import pmwidgets.cli": "import pmwidgets.cli",
}

PROBE = """
import json, resource, sys, time
t = time.perf_counter()
exec({stmt!r})
elapsed = time.perf_counter() - t
print(json.dumps({{"ms": elapsed * 1000,
    "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def probe(statement: str) -> dict[str, object]:
    """Time one import statement in a fresh interpreter."""
    code = PROBE.format(stmt=statement, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(folder: Path, quick: bool) -> list[Row]:
    """Import times and peak memory of a fresh interpreter, per statement."""
    runs = 3 if quick else 7
    rows: list[Row] = []
    for name, statement in STATEMENTS.items():
        results = [probe(statement) for _ in range(runs)]
        heavy = results[-1]["heavy"]
        rows.append(
            Row(
                "Import cost",
                name,
                "ms",
                [float(r["ms"]) for r in results],  # type: ignore[arg-type]
                note="pulls in: " + (", ".join(heavy) if heavy else "nothing heavy"),  # type: ignore[arg-type]
            )
        )
        rows.append(
            Row(
                "Import cost",
                f"{name}: peak memory",
                "MiB",
                [float(r["rss"]) for r in results],  # type: ignore[arg-type]
            )
        )
    reference = rows[0].median
    for row in rows[2::2]:
        row.ratio = row.median / reference
    return rows
