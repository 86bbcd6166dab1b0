"""The error every importer raises for a bad file."""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import PmwError


class ImportFailed(PmwError):
    """A file could not be read; nothing was stored.

    ``str()`` gives ``<file>:<where>: <reason>`` on one line, which the command
    line prints after ``error: ``.
    """

    def __init__(self, file: str | Path, where: str, reason: str) -> None:
        self.file = str(file)
        self.where = where or "-"
        self.reason = " ".join(str(reason).split())  # always one line
        Exception.__init__(self, f"{self.file}:{self.where}: {self.reason}")
