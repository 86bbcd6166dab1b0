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
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services import Services

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_USAGE = 2
#: the reader of standard output went away (128 + SIGPIPE, what a shell shows for ``cat``).
EXIT_PIPE = 141
#: formats that are not text: written to standard output only when it is no terminal.
BINARY_FORMATS = ("pdf", "xlsx")

log = logging.getLogger("pmwidgets.cli")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pmw", description="pmwidgets: performance management workbooks"
    )
    p.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $PMW_DATABASE_URL or an SQLite file)",
    )
    p.add_argument(
        "--as",
        dest="as_person",
        metavar="PERSON",
        help="act as this person instead of the operator",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser(
        "demo", help="build the demo organisation (a vocational automotive training school)"
    )
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing if the database already has people"
    )
    demo.add_argument(
        "--people", type=int, metavar="N", help="a synthetic organisation of N people instead"
    )
    demo.add_argument("--seed", type=int, default=7, help="seed for --people (same seed, same org)")
    sub.add_parser("list", help="one line per workbook: id, employee, manager, stage")
    sub.add_parser("people", help="one line per person: id, name, roles")
    imp_jd = sub.add_parser(
        "import-jd", help="store a job description file (YAML, Markdown, CSV, Excel); prints its id"
    )
    imp_jd.add_argument("file", type=Path)
    exp = sub.add_parser("export", help="export a workbook")
    exp.add_argument("workbook", help="a workbook id, or 'all' (tables only: xlsx, csv)")
    exp.add_argument(
        "--format", choices=["json", "xlsx", "csv", "md", "html", "pdf"], default="json"
    )
    exp.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file to write (default: standard output); for csv, a folder",
    )
    exp.add_argument(
        "--include-private",
        action="store_true",
        help="include everyone's private notes (full backup)",
    )
    team = sub.add_parser(
        "import-objectives", help="add a team's objectives from an Excel file, all or nothing"
    )
    team.add_argument("file", type=Path)
    team.add_argument(
        "--reason", default="", help="why (needed where objectives are already agreed)"
    )
    tmpl = sub.add_parser(
        "objectives-template", help="write an Excel template for import-objectives"
    )
    tmpl.add_argument("output")
    imp = sub.add_parser("import", help="restore a workbook exported as JSON; prints its id")
    imp.add_argument("file", type=Path)
    ver = sub.add_parser("verify", help="check every hash and record; names the first broken one")
    ver.add_argument("workbook", type=int, nargs="?")
    ver.add_argument(
        "--head",
        metavar="N:HASH",
        help="a chain head printed by an earlier pmw verify: the chain must still hold it",
    )
    srv = sub.add_parser("serve", help="serve the notebooks as a web app (Voila) on 127.0.0.1")
    srv.add_argument("--port", type=int, default=8866)
    srv.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument(
        "--notebooks", type=Path, default=Path("notebooks"), help="folder of notebooks"
    )
    srv.add_argument(
        "--pool-size",
        type=int,
        default=1,
        help="preheated kernels per notebook (0: start one per page)",
    )
    srv.add_argument(
        "--behind-proxy",
        action="store_true",
        help="a TLS proxy is in front: cookies are Secure, its X-Forwarded-* headers are read",
    )
    srv.add_argument(
        "--max-pages", type=int, default=None, help="pages open at once in all (default 40)"
    )
    srv.add_argument(
        "--max-pages-per-person",
        type=int,
        default=None,
        help="pages one person may have open (default 6; the oldest is closed)",
    )
    inv = sub.add_parser("invite", help="print a signed, expiring sign-in link for a person")
    inv.add_argument("person", nargs="?", help="the person's id (see pmw people)")
    inv.add_argument("--all", action="store_true", help="one link per person")
    inv.add_argument("--url", default="http://127.0.0.1:8866", help="the web app's address")
    rev = sub.add_parser(
        "revoke",
        help="end a person's web sessions and withdraw the sign-in links made for them",
    )
    rev.add_argument("person", help="the person's id (see pmw people)")
    rev.add_argument("--reason", default="", help="why (recorded in the event log; required)")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="upgrade the schema (an SQLite file is backed up first)")
    db_backup = db_sub.add_parser(
        "backup", help="copy the SQLite database to FILE while the app runs, and check the copy"
    )
    db_backup.add_argument("file")
    db_backup.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    db_restore = db_sub.add_parser(
        "restore",
        help="replace the SQLite database by the backup FILE (checked first; the old one is kept)",
    )
    db_restore.add_argument("file", type=Path)
    return p


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
    args = _parser().parse_args(argv)
    from .domain.errors import PmwError

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
    from .services import Services, open_store

    if args.command == "db":
        return _db(args)
    if args.command == "serve":
        return _serve(args)
    with open_store(args.database) as store:
        svc = Services(store, args.as_person) if args.as_person else Services.operator(store)
        handler = _COMMANDS[args.command]
        return handler(svc, args)


def _db(args: argparse.Namespace) -> int:
    """``pmw db upgrade | backup FILE | restore FILE``."""
    from .services import open_store

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

    path = _file_to_write(shown)
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise _cannot_write(shown, path.parent, exc) from None


def _backup_to_restore(shown: str) -> None:
    """A plain line for a path that is no backup file at all: a folder."""
    from .domain.errors import ValidationFailed

    if not shown:
        raise ValidationFailed("an empty path: give a backup file")
    if Path(shown).is_dir():
        raise ValidationFailed(f"{shown}: is a folder, not a backup file")


def _demo(svc: Services, args: argparse.Namespace) -> int:
    from .demo.builder import build_demo

    if args.if_empty and svc.people():
        print(f"demo already built in {svc.store.url}")
        return EXIT_OK
    if args.people is not None:
        from .demo.synthetic import build_synthetic
        from .domain.errors import ValidationFailed

        if args.people < 10:
            raise ValidationFailed("--people needs at least 10 people")

        def report(done: int, total: int) -> None:
            if done == total or done % max(1, total // 10) == 0:
                print(f"{done} of {total} workbooks built", file=sys.stderr)

        ids = build_synthetic(svc.store, args.people, seed=args.seed, progress=report)
        print(f"synthetic organisation built: {len(ids)} workbooks in {svc.store.url}")
        return EXIT_OK
    ids = build_demo(svc.store, progress=lambda msg: print(msg, file=sys.stderr))
    print(f"demo built: {len(ids)} workbooks in {svc.store.url}")
    return EXIT_OK


def _list(svc: Services, args: argparse.Namespace) -> int:
    names = {p.id: p.name for p in svc.people()}
    for wb in svc.workbooks():
        print(
            f"{wb.id}\t{wb.employee_id}\t{wb.manager_id}\t{wb.stage.value}\t"
            f"{names.get(wb.employee_id, '?')} with {names.get(wb.manager_id, '?')}; next: {wb.stage.next_step}"
        )
    return EXIT_OK


def _people(svc: Services, args: argparse.Namespace) -> int:
    for p in svc.people():
        roles = ",".join(r.value for r in p.roles)
        print(f"{p.id}\t{p.name}\t{roles}\t{p.manager_id or ''}")
    return EXIT_OK


def _import_jd(svc: Services, args: argparse.Namespace) -> int:
    from .io.jobs.files import read_job_description

    job = read_job_description(args.file)
    print(svc.add_library_job(job, reason=f"imported from {args.file.name}"))
    return EXIT_OK


def _export(svc: Services, args: argparse.Namespace) -> int:
    from .domain.errors import ValidationFailed

    fmt = args.format
    if args.workbook == "all":
        if fmt not in ("xlsx", "csv"):
            raise ValidationFailed("'all' exports the tables: use --format xlsx or csv")
        workbook = None
    else:
        try:
            workbook = int(args.workbook)
        except ValueError:
            raise ValidationFailed(
                f"{args.workbook!r} is not a workbook id (see pmw list)"
            ) from None
        svc.workbook(workbook)  # access, and a plain error for an unknown one
    # where it goes is checked before anything is built
    database = _database_file(svc)
    if fmt == "csv":
        if args.output is None:
            raise ValidationFailed("csv writes one file per table: give a folder with -o")
        folder = _folder_to_write(args.output)
    elif args.output is not None:
        path = _file_to_write(args.output, database)
    elif fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise ValidationFailed(
            f"{fmt} is binary: give a file with -o FILE, or redirect the output (> FILE)"
        )
    data = _export_bytes(svc, workbook, fmt, args)
    if isinstance(data, dict):  # csv: one file per table
        _write_folder(args.output, folder, {f"{n}.csv": c for n, c in data.items()}, database)
        print(f"{len(data)} tables written to {args.output}", file=sys.stderr)
    elif args.output is not None:
        _write_file(args.output, path, data)
        print(f"written to {args.output}", file=sys.stderr)
    else:  # the same bytes as in a file, whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _export_bytes(
    svc: Services, workbook: int | None, fmt: str, args: argparse.Namespace
) -> bytes | dict[str, bytes]:
    if fmt == "json":
        from .io.workbook_json import dumps_workbook

        assert workbook is not None
        return dumps_workbook(
            svc.export_workbook(workbook, include_private=args.include_private)
        ).encode("utf-8")
    if fmt in ("md", "html", "pdf"):
        from .io.agreement import document as agreement_doc

        assert workbook is not None
        doc = svc.agreement_document(workbook)
        if fmt == "pdf":
            return agreement_doc.to_pdf(doc)
        text = agreement_doc.to_markdown(doc) if fmt == "md" else agreement_doc.to_html(doc)
        return text.encode("utf-8")
    from .io.sheets.frames import frames_to_csv, frames_to_xlsx
    from .services.frames import frames

    f = frames(svc)
    tables = {
        "workbooks": f.workbooks,
        "objectives": f.objectives,
        "events": f.events,
        "check_ins": f.check_ins,
        "actions": f.actions,
    }
    if workbook is not None:
        tables = {name: t[t["workbook_id"] == workbook] for name, t in tables.items()}
    return frames_to_xlsx(tables) if fmt == "xlsx" else frames_to_csv(tables)


def _import(svc: Services, args: argparse.Namespace) -> int:
    from .domain.errors import PmwError
    from .io.errors import ImportFailed
    from .io.workbook_json import read_workbook_file

    data = read_workbook_file(args.file)  # the size is checked before the file is read
    try:
        print(svc.import_workbook(data))
    except ImportFailed:
        raise
    except PmwError as exc:
        raise ImportFailed(args.file, "-", exc.reason) from None
    return EXIT_OK


def _verify(svc: Services, args: argparse.Namespace) -> int:
    report = svc.verify(args.workbook, args.head)
    scope = f"workbook {args.workbook}" if args.workbook else "database"
    if report.ok:
        print(
            f"ok: {scope} verified; {report.events} events in the chain, {report.rows} records checked"
            + (f"; chain head {report.head}" if report.head else "")
            + (f"; still holds {args.head.strip()}" if args.head else "")
        )
        made = dict(report.confirmations)
        print(
            f"confirmations: {made.get('own_sign_in', 0)} from own sign-in, "
            f"{made.get('session_code', 0)} in facilitated sessions with a personal code"
        )
        return EXIT_OK
    print(f"broken: {report.problem}")
    return EXIT_BROKEN


def _serve(args: argparse.Namespace) -> int:
    import os

    from .web.server import serve

    if args.database:
        os.environ["PMW_DATABASE_URL"] = args.database
    if not args.notebooks.is_dir():
        print(f"error: {args.notebooks}: no such folder of notebooks", file=sys.stderr)
        return EXIT_USAGE
    for name, value in (
        ("PMW_MAX_PAGES", args.max_pages),
        ("PMW_MAX_PAGES_PER_PERSON", args.max_pages_per_person),
    ):
        if value is not None:
            if value < 1:
                print(
                    f"error: --{name.lower()[4:].replace('_', '-')} must be at least 1",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            os.environ[name] = str(value)
    serve(
        port=args.port,
        notebooks=args.notebooks.resolve(),
        ip=args.ip,
        pool_size=args.pool_size,
        behind_proxy=args.behind_proxy,
    )
    return EXIT_OK


def _invite(svc: Services, args: argparse.Namespace) -> int:
    from .domain.errors import NotAllowed, ValidationFailed
    from .domain.model import Role
    from .services.sessions import INVITE_DAYS, new_invite

    if Role.ADMIN not in svc.me.roles:  # the operator is an admin too
        raise NotAllowed("only an admin can make sign-in links")
    people = svc.people()
    if args.all:
        chosen = people
    elif args.person:
        chosen = [p for p in people if p.id == args.person]
        if not chosen:
            raise ValidationFailed(f"no person with id {args.person!r} (see pmw people)")
    else:
        raise ValidationFailed("name a person, or use --all")
    base = args.url.rstrip("/")
    for p in chosen:
        link = f"{base}/pmw/signin?t={new_invite(svc.store, p.id)}"
        print(f"{p.id}\t{p.name}\t{link}" if args.all else link)
    print(f"links expire in {INVITE_DAYS} days", file=sys.stderr)
    return EXIT_OK


def _revoke(svc: Services, args: argparse.Namespace) -> int:
    """``pmw revoke PERSON --reason TEXT``: one line saying what ended."""
    from .domain.errors import ValidationFailed
    from .services.sessions import revoke

    person = next((p for p in svc.people() if p.id == args.person), None)
    if person is None:
        raise ValidationFailed(f"no person with id {args.person!r} (see pmw people)")
    if not args.reason.strip():
        raise ValidationFailed("say why with --reason TEXT: it is recorded in the event log")
    ended = revoke(svc, person.id, args.reason)
    sessions = "session" if ended == 1 else "sessions"
    print(
        f"ended {ended} {sessions} of {person.name} ({person.id}); "
        "sign-in links made before now no longer work"
    )
    return EXIT_OK


def _import_objectives(svc: Services, args: argparse.Namespace) -> int:
    from .domain.errors import PmwError
    from .io.errors import ImportFailed
    from .io.sheets.objectives_import import read_team_objectives
    from .services.team_import import TeamRow, import_team_objectives

    rows = read_team_objectives(args.file, str(args.file))
    team = [TeamRow(row=r.row, employee_id=r.employee_id, objective=r.objective) for r in rows]
    try:
        added = import_team_objectives(svc, team, reason=args.reason)
    except ImportFailed:
        raise
    except PmwError as exc:
        raise ImportFailed(args.file, "-", exc.reason) from None
    total = sum(len(v) for v in added.values())
    print(f"{total} objectives added to {len(added)} workbooks")
    return EXIT_OK


def _objectives_template(svc: Services, args: argparse.Namespace) -> int:
    from .io.sheets.objectives_import import team_objectives_template

    path = _file_to_write(args.output, _database_file(svc))
    _write_file(args.output, path, team_objectives_template())
    print(f"template written to {args.output}", file=sys.stderr)
    return EXIT_OK


# --- files a person names to write -----------------------------------------------------
#
# A path that cannot be written is a person's mistake (exit status 2, one line naming what
# is wrong), checked before anything is built. A file is written under a temporary name
# beside it and then renamed, so that a failure half-way leaves nothing half-written.


def _file_to_write(shown: str, database: Path | None = None) -> Path:
    """The file named ``shown`` (as the person typed it), checked: not a folder, in a
    folder that exists, not the database.

    Raises
    ------
    ValidationFailed
        One line saying what is wrong with the path.
    """
    from .domain.errors import ValidationFailed

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


def _folder_to_write(shown: str) -> Path:
    """The folder named ``shown``, for one file per table: an existing folder, or a new one
    in a folder that exists."""
    from .domain.errors import ValidationFailed

    if not shown:
        raise ValidationFailed("an empty path: give a folder")
    folder = Path(shown)
    if folder.exists() and not folder.is_dir():
        raise ValidationFailed(f"{shown}: is a file; csv writes one file per table: give a folder")
    if not folder.exists():
        _check_folder(shown, folder.parent)
    return folder


def _check_folder(shown: str, folder: Path) -> None:
    from .domain.errors import ValidationFailed

    if folder.is_dir():
        return
    if folder.exists():
        raise ValidationFailed(f"{shown}: {folder} is a file, not a folder")
    raise ValidationFailed(f"{shown}: the folder {folder} does not exist")


def _database_file(svc: Services) -> Path | None:
    from .store.engine import sqlite_path

    return sqlite_path(svc.store.url)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.exists() and other.exists() and path.samefile(other)
    except OSError:
        return False


def _cannot_write(shown: str, folder: Path, exc: OSError) -> Exception:
    """The one-line error for a file or folder that could not be written."""
    from .domain.errors import ValidationFailed

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


def _write_file(shown: str, path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, or leave it as it was."""
    try:
        if path.exists() and not path.is_file():  # a device or a pipe (/dev/null): through it
            with path.open("wb") as f:
                f.write(data)
            return
        target = path.resolve() if path.is_symlink() else path  # the file a link points to
        if target.exists() and not os.access(target, os.W_OK):
            from .domain.errors import ValidationFailed

            raise ValidationFailed(f"{shown}: permission denied (the file is read-only)")
        partial = _partial(target, data)
        try:
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise _cannot_write(shown, path.parent, exc) from None


def _write_folder(
    shown: str, folder: Path, files: dict[str, bytes], database: Path | None = None
) -> None:
    """Write every file of ``files`` into ``folder`` (made if missing), or none of them."""
    if folder.is_dir():  # before anything is written
        for name in files:
            _file_to_write(os.path.join(shown, name), database)
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
            raise _cannot_write(shown, where, exc) from None
        raise


_COMMANDS = {
    "import-objectives": _import_objectives,
    "objectives-template": _objectives_template,
    "invite": _invite,
    "revoke": _revoke,
    "demo": _demo,
    "list": _list,
    "people": _people,
    "import-jd": _import_jd,
    "export": _export,
    "import": _import,
    "verify": _verify,
}

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
