"""What every ``pmw`` command shares: its exit statuses."""

from __future__ import annotations

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_USAGE = 2
#: the reader of standard output went away (128 + SIGPIPE, what a shell shows for ``cat``).
EXIT_PIPE = 141
#: formats that are not text: written to standard output only when it is no terminal.
BINARY_FORMATS = ("pdf", "xlsx")
