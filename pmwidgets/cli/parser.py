"""The ``pmw`` command's arguments: every command and option, in the order ``pmw --help`` lists them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    #: what ``add_subparsers`` returns, to add the commands to.
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``pmw``'s command line (see docs/cli.md)."""
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
    _listing_commands(sub)
    _file_commands(sub)
    _verify_and_serve_commands(sub)
    _link_commands(sub)
    _organisation_commands(sub)
    _db_commands(sub)
    return p


def _listing_commands(sub: Commands) -> None:
    """``demo``, ``list`` and ``people``."""
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


def _file_commands(sub: Commands) -> None:
    """``import-jd``, ``export``, ``import-objectives``, ``objectives-template`` and ``import``."""
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


def _verify_and_serve_commands(sub: Commands) -> None:
    """``verify``, ``serve`` and ``lab``."""
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
    lab = sub.add_parser(
        "lab",
        help="JupyterLab for a coach's session, on a working copy of the notebooks (see docs/lab.md)",
    )
    lab.add_argument(
        "--folder",
        type=Path,
        default=None,
        help="the coach's working folder, outside the repository "
        "(default: $PMW_LAB_FOLDER or ~/pmwidgets-sessions)",
    )
    lab.add_argument(
        "--session", default=None, help="the session's folder in it (default: today's date)"
    )
    lab.add_argument(
        "--notebooks", type=Path, default=Path("notebooks"), help="folder of notebooks to copy"
    )
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    lab.add_argument("--browser", action="store_true", help="open a browser on the session")


def _link_commands(sub: Commands) -> None:
    """``invite`` and ``revoke``."""
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


def _organisation_commands(sub: Commands) -> None:
    """``org show`` and ``org set NAME VALUE``."""
    org = sub.add_parser("org", help="the organisation's settings (how it writes a date)")
    org_sub = org.add_subparsers(dest="org_command", required=True, metavar="ACTION")
    org_sub.add_parser("show", help="one line per setting: name, value (default: what applies)")
    org_set = org_sub.add_parser(
        "set", help="set one (admins): date_order dmy|mdy|ymd, how a date box reads a date"
    )
    org_set.add_argument("name", help="the setting: date_order")
    org_set.add_argument("value", help="its value: dmy (31/08/2027), mdy or ymd")


def _db_commands(sub: Commands) -> None:
    """``db upgrade``, ``db backup`` and ``db restore``."""
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
