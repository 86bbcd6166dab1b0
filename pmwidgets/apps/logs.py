"""Where the pages' log goes: the kernel process's own stderr, never the page.

In a kernel, ``sys.stderr`` is redirected into the notebook's output, so a
logged traceback would show on the page (in Voila too). The product's logger
writes to the process's original stderr instead, which the Voila server and
JupyterLab keep in their logs. People see a plain sentence with a reference;
the reference leads to the traceback here.
"""

from __future__ import annotations

import logging
import sys

_FORMAT = "[pmwidgets %(asctime)s %(levelname)s %(name)s] %(message)s"


def configure() -> None:
    """Send the ``pmwidgets`` loggers to the process's stderr (once per kernel)."""
    logger = logging.getLogger("pmwidgets")
    if any(getattr(h, "_pmw", False) for h in logger.handlers):
        return
    stream = sys.__stderr__ or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._pmw = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
