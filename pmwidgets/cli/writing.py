"""Files a person names for ``pmw`` to write: checked first, then written whole or not at all.

A path that cannot be written is a person's mistake (exit status 2, one line naming what
is wrong), checked before anything is built. A file is written under a temporary name
beside it and then renamed, so that a failure half-way leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Services

__all__ = [
    "cannot_write",
    "database_file",
    "file_to_write",
    "folder_to_write",
    "write_file",
    "write_folder",
]


def file_to_write(shown: str, database: Path | None = None) -> Path:
    """The file named ``shown`` (as the person typed it), checked: not a folder, in a
    folder that exists, not the database.

    Raises
    ------
    ValidationFailed
        One line saying what is wrong with the path.
    """
    from ..domain.errors import ValidationFailed

    if not shown:
        raise ValidationFailed("an empty path: give a file name")
    path = Path(shown)
    if path.is_dir():
        raise ValidationFailed(f"{shown}: is a folder; give a file name")
    if shown.endswith(("/", os.sep)):
        raise ValidationFailed(f"{shown}: names a folder; give a file name")
    _check_folder(shown, path.parent)
    if database is not None and _same_file(path, database):
        raise ValidationFailed(f"{shown}: is the database itself; choose another file")
    return path


def folder_to_write(shown: str) -> Path:
    """The folder named ``shown``, for one file per table: an existing folder, or a new one
    in a folder that exists (else :class:`ValidationFailed`, one line)."""
    from ..domain.errors import ValidationFailed

    if not shown:
        raise ValidationFailed("an empty path: give a folder")
    folder = Path(shown)
    if folder.exists() and not folder.is_dir():
        raise ValidationFailed(f"{shown}: is a file; csv writes one file per table: give a folder")
    if not folder.exists():
        _check_folder(shown, folder.parent)
    return folder


def _check_folder(shown: str, folder: Path) -> None:
    from ..domain.errors import ValidationFailed

    if folder.is_dir():
        return
    if folder.exists():
        raise ValidationFailed(f"{shown}: {folder} is a file, not a folder")
    raise ValidationFailed(f"{shown}: the folder {folder} does not exist")


def database_file(svc: Services) -> Path | None:
    """The SQLite file of the database ``svc`` works on, or None (PostgreSQL, in memory)."""
    from ..store.engine import sqlite_path

    return sqlite_path(svc.store.url)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.exists() and other.exists() and path.samefile(other)
    except OSError:
        return False


def cannot_write(shown: str, folder: Path, exc: OSError) -> Exception:
    """The one-line error for a file or folder that could not be written."""
    from ..domain.errors import ValidationFailed

    if isinstance(exc, PermissionError):
        where = "the current folder" if str(folder) == "." else str(folder)
        return ValidationFailed(f"{shown}: permission denied (cannot write in {where})")
    if isinstance(exc, IsADirectoryError):
        return ValidationFailed(f"{shown}: is a folder; give a file name")
    return ValidationFailed(f"{shown}: cannot be written ({exc.strerror or exc})")


def _partial(target: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``target``, flushed to disk, with the
    permissions ``target`` has (or a new file would get)."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if target.exists():
            os.chmod(partial, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def write_file(shown: str, path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, or leave it as it was.

    Raises
    ------
    ValidationFailed
        One line when the file cannot be written (read-only, no permission, ...).
    """
    try:
        if path.exists() and not path.is_file():  # a device or a pipe (/dev/null): through it
            with path.open("wb") as f:
                f.write(data)
            return
        target = path.resolve() if path.is_symlink() else path  # the file a link points to
        if target.exists() and not os.access(target, os.W_OK):
            from ..domain.errors import ValidationFailed

            raise ValidationFailed(f"{shown}: permission denied (the file is read-only)")
        partial = _partial(target, data)
        try:
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise cannot_write(shown, path.parent, exc) from None


def write_folder(
    shown: str, folder: Path, files: dict[str, bytes], database: Path | None = None
) -> None:
    """Write every file of ``files`` into ``folder`` (made if missing), or none of them.

    Raises
    ------
    ValidationFailed
        One line when a file or the folder cannot be written; nothing is left behind.
    """
    if folder.is_dir():  # before anything is written
        for name in files:
            file_to_write(os.path.join(shown, name), database)
    made = False
    written: list[tuple[Path, Path]] = []
    try:
        if not folder.is_dir():
            folder.mkdir()
            made = True
        for name, content in files.items():
            written.append((_partial(folder / name, content), folder / name))
        for partial, target in written:
            os.replace(partial, target)
    except BaseException as exc:
        for partial, _target in written:
            partial.unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            where = folder if made or folder.is_dir() else folder.parent
            raise cannot_write(shown, where, exc) from None
        raise
