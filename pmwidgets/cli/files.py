"""``pmw import-jd``, ``pmw export``, ``pmw import-objectives`` and ``pmw objectives-template``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .common import BINARY_FORMATS, EXIT_OK
from .writing import database_file, file_to_write, folder_to_write, write_file, write_folder

if TYPE_CHECKING:
    from ..services import Services


def import_jd(svc: Services, args: argparse.Namespace) -> int:
    """``pmw import-jd FILE``: store a job description; prints its library id."""
    from ..io.jobs.files import read_job_description

    job = read_job_description(args.file)
    print(svc.add_library_job(job, reason=f"imported from {args.file.name}"))
    return EXIT_OK


def export(svc: Services, args: argparse.Namespace) -> int:
    """``pmw export WORKBOOK|all --format json|xlsx|csv|md|html|pdf [-o PATH]``.

    Where the export goes is checked before anything is built.
    """
    from ..domain.errors import ValidationFailed

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
    database = database_file(svc)
    if fmt == "csv":
        if args.output is None:
            raise ValidationFailed("csv writes one file per table: give a folder with -o")
        folder = folder_to_write(args.output)
    elif args.output is not None:
        path = file_to_write(args.output, database)
    elif fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise ValidationFailed(
            f"{fmt} is binary: give a file with -o FILE, or redirect the output (> FILE)"
        )
    data = _export_bytes(svc, workbook, fmt, args)
    if isinstance(data, dict):  # csv: one file per table
        write_folder(args.output, folder, {f"{n}.csv": c for n, c in data.items()}, database)
        print(f"{len(data)} tables written to {args.output}", file=sys.stderr)
    elif args.output is not None:
        write_file(args.output, path, data)
        print(f"written to {args.output}", file=sys.stderr)
    else:  # the same bytes as in a file, whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _export_bytes(
    svc: Services, workbook: int | None, fmt: str, args: argparse.Namespace
) -> bytes | dict[str, bytes]:
    if fmt == "json":
        from ..io.workbook_json import dumps_workbook

        assert workbook is not None
        return dumps_workbook(
            svc.export_workbook(workbook, include_private=args.include_private)
        ).encode("utf-8")
    if fmt in ("md", "html", "pdf"):
        from ..io.agreement import document as agreement_doc

        assert workbook is not None
        doc = svc.agreement_document(workbook)
        if fmt == "pdf":
            return agreement_doc.to_pdf(doc)
        text = agreement_doc.to_markdown(doc) if fmt == "md" else agreement_doc.to_html(doc)
        return text.encode("utf-8")
    from ..io.sheets.frames import frames_to_csv, frames_to_xlsx
    from ..services.frames import frames

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


def import_objectives(svc: Services, args: argparse.Namespace) -> int:
    """``pmw import-objectives FILE [--reason TEXT]``: a team's objectives, all or nothing."""
    from ..domain.errors import PmwError
    from ..io.errors import ImportFailed
    from ..io.sheets.objectives_import import read_team_objectives
    from ..services.team_import import TeamRow, import_team_objectives

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


def objectives_template(svc: Services, args: argparse.Namespace) -> int:
    """``pmw objectives-template FILE``: an Excel sheet to fill in for ``import-objectives``."""
    from ..io.sheets.objectives_import import team_objectives_template

    path = file_to_write(args.output, database_file(svc))
    write_file(args.output, path, team_objectives_template())
    print(f"template written to {args.output}", file=sys.stderr)
    return EXIT_OK
