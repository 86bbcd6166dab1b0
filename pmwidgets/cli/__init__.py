"""The ``pmw`` command: build the demo, list, import, export and verify.

Contracts that outside tools rely on (see docs/cli.md):

- ``pmw list`` prints one tab-separated line per workbook: id, employee id,
  manager id, stage, then names and the next step for people to read;
- ``pmw people`` prints one line per person: id, name, roles, manager;
- on a bad input file a command exits with status 2 and prints one line,
  ``error: <file>:<where>: <reason>``, and stores nothing;
- no traceback is ever printed for a person's mistake;
- a path to write that cannot be written (a folder, a folder that does not exist, no
  permission) is a person's mistake too: status 2 and one line; files are written
  whole or not at all;
- pdf and xlsx go to standard output when it is redirected, never to a terminal;
- a reader that stops early (``pmw list | head -1``) ends the command quietly, with
  status 141 (128 + SIGPIPE).

The command line acts as the *operator*: whoever holds the database has full
access to it. ``--as PERSON`` narrows a command to what that person may see.

The modules: :mod:`.parser` (every command and option), one module a command group
(:mod:`.workbooks`, :mod:`.people`, :mod:`.files`, :mod:`.web`, :mod:`.admin`), and
:mod:`.writing` (the files a person names, written whole or not at all).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import admin, files, people, web, workbooks
from .common import BINARY_FORMATS, EXIT_BROKEN, EXIT_OK, EXIT_PIPE, EXIT_USAGE
from .parser import build_parser

if TYPE_CHECKING:
    from ..services import Services

__all__ = [
    "BINARY_FORMATS",
    "EXIT_BROKEN",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_USAGE",
    "main",
]

log = logging.getLogger("pmwidgets.cli")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pmw``; returns the exit status.

    A reader that goes away early (``pmw list | head -1``) ends the command quietly,
    with status :data:`EXIT_PIPE`, as it would end ``cat``.
    """
    try:
        return _main(argv)
    except BrokenPipeError:
        _silence_output()
        return EXIT_PIPE


def _silence_output() -> None:
    """Point standard output and error at the null device: what is still buffered for a
    reader that has gone goes nowhere, instead of failing again when Python exits."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, OSError, ValueError):  # no real file
                os.dup2(devnull, stream.fileno())
    finally:
        os.close(devnull)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from ..domain.errors import PmwError

    try:
        status = _run(args)
        sys.stdout.flush()  # a reader that went away shows here, not as Python exits
        return status
    except BrokenPipeError:
        raise
    except PmwError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted; nothing was stored", file=sys.stderr)
        return 130
    except Exception:
        ref = uuid.uuid4().hex[:8]
        _log_crash(ref)
        print(
            f"error: something went wrong inside pmw (reference {ref}); nothing was stored",
            file=sys.stderr,
        )
        return EXIT_BROKEN


def _log_crash(ref: str) -> None:
    import platformdirs

    folder = Path(platformdirs.user_log_dir("pmwidgets", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "pmw.log").open("a", encoding="utf-8") as f:
        f.write(f"--- reference {ref}\n{traceback.format_exc()}\n")


def _run(args: argparse.Namespace) -> int:
    from ..services import Services, open_store

    if args.command == "db":
        return admin.db(args)
    if args.command == "serve":
        return web.serve(args)
    if args.command == "lab":
        from .lab import lab

        return lab(args)
    # reading commands never create a database: a mistyped path is an error, not an empty file
    with open_store(args.database, create=args.command not in _READ_ONLY) as store:
        svc = Services(store, args.as_person) if args.as_person else Services.operator(store)
        handler = _COMMANDS[args.command]
        return handler(svc, args)


#: commands that only read: they refuse a database that does not exist yet.
_READ_ONLY = frozenset({"verify", "export"})

_COMMANDS: dict[str, Callable[[Services, argparse.Namespace], int]] = {
    "import-objectives": files.import_objectives,
    "objectives-template": files.objectives_template,
    "invite": people.invite,
    "revoke": people.revoke,
    "demo": workbooks.demo,
    "list": workbooks.list_workbooks,
    "people": people.people,
    "org": people.organisation,
    "import-jd": files.import_jd,
    "export": files.export,
    "import": workbooks.import_workbook,
    "verify": workbooks.verify,
}
