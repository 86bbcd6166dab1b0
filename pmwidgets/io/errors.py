"""The error every importer raises for a bad file, and how it quotes a value."""

from __future__ import annotations

import re
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


#: Characters a terminal might act on (control characters), replaced in what errors quote.
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")


def show(value: object, limit: int = 40) -> str:
    """A value as quoted in an error message, cut short if long."""
    text = value if isinstance(value, str) else repr(value)
    text = CONTROL_CHARS.sub("?", " ".join(text.split()))  # nothing a terminal would act on
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
