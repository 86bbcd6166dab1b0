"""Figures that reliability tests record, for ``docs/reliability.md``.

``make soak`` runs the tests marked ``reliability`` with ``PMW_SOAK=1`` (full
sizes, e.g. 1,000 operations) and ``PMW_FIGURES_DIR`` set, then renders every
recorded section into ``docs/reliability.md`` (see ``bench/soak_report.py``).
In ``make test`` the same tests run at their quick sizes and record nothing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any


def soaking() -> bool:
    """True when running under ``make soak`` (full sizes)."""
    return os.environ.get("PMW_SOAK") == "1"


def scale(quick: int, soak: int) -> int:
    """``soak`` under ``make soak``, ``quick`` in ``make test``."""
    return soak if soaking() else quick


def record(section: str, **figures: Any) -> None:
    """Add figures to a section of the reliability report.

    Numbers are summed with what the section already holds (so parametrised
    tests can each add their part); anything else replaces the old value.
    Does nothing unless ``PMW_FIGURES_DIR`` is set.
    """
    folder = os.environ.get("PMW_FIGURES_DIR")
    if not folder:
        return
    path = Path(folder) / (re.sub(r"[^a-z0-9]+", "-", section.lower()).strip("-") + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"section": section, "figures": {}}
    if path.exists():
        data = json.loads(path.read_text())
    held = data["figures"]
    for key, value in figures.items():
        old = held.get(key)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and isinstance(old, int | float) and not isinstance(old, bool):
            held[key] = old + value
        else:
            held[key] = value
    path.write_text(json.dumps(data, indent=1, sort_keys=True))
