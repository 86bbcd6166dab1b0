"""``pmw db upgrade | backup FILE | restore FILE``: database maintenance."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_BROKEN, EXIT_OK
from .writing import cannot_write, file_to_write


def db(args: argparse.Namespace) -> int:
    """``pmw db upgrade | backup FILE | restore FILE``."""
    from ..services import open_store

    if args.db_command == "backup":
        _backup_file(args.file)
    elif args.db_command == "restore":
        _backup_to_restore(args.file)
    with open_store(args.database, create=False, allow_old=True) as store:
        if args.db_command == "upgrade":
            backup = store.upgrade()
            print(f"schema is up to date{f'; backup at {backup}' if backup else ''}")
            return EXIT_OK
        if args.db_command == "backup":
            report = store.backup(Path(args.file), overwrite=args.overwrite)
            check = report.check
            if not check.ok:
                print(f"backup written to {report.path}, but it does not verify")
                print(f"broken: {check.problem}")
                return EXIT_BROKEN
            print(f"backup written to {report.path}; verified: {check.events} events")
            return EXIT_OK
        restored = store.restore(Path(args.file))
        kept = f"; the replaced database is kept at {restored.kept}" if restored.kept else ""
        older = restored.upgraded_from
        upgraded = f" (an older pmwidgets' backup, schema {older}: upgraded)" if older else ""
        print(
            f"restored from {restored.source}{upgraded}: "
            f"{restored.check.events} events verified{kept}"
        )
        return EXIT_OK


def _backup_file(shown: str) -> None:
    """Check the file ``pmw db backup`` is to write: a file name, in a folder that exists
    and may be written in (the store refuses an existing file without ``--overwrite``)."""
    import tempfile

    path = file_to_write(shown)
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise cannot_write(shown, path.parent, exc) from None


def _backup_to_restore(shown: str) -> None:
    """A plain line for a path that is no backup file at all: a folder."""
    from ..domain.errors import ValidationFailed

    if not shown:
        raise ValidationFailed("an empty path: give a backup file")
    if Path(shown).is_dir():
        raise ValidationFailed(f"{shown}: is a folder, not a backup file")
