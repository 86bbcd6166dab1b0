"""Where the shipped data files (demo organisation, catalogue) are found."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The ``data/`` folder: ``PMW_DATA_DIR``, the repository's, or the installed copy."""
    env = os.environ.get("PMW_DATA_DIR")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "data", package / "_data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("pmwidgets data folder not found; set PMW_DATA_DIR")
