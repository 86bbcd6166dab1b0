"""``pmw demo``, ``pmw list``, ``pmw import`` and ``pmw verify``: the workbooks as a whole."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .common import EXIT_BROKEN, EXIT_OK

if TYPE_CHECKING:
    from ..services import Services


def demo(svc: Services, args: argparse.Namespace) -> int:
    """``pmw demo [--if-empty] [--people N [--seed S]]``: the demo (or a synthetic) organisation."""
    from ..demo.builder import build_demo

    if args.if_empty and svc.people():
        print(f"demo already built in {svc.store.url}")
        return EXIT_OK
    if args.people is not None:
        from ..demo.synthetic import build_synthetic
        from ..domain.errors import ValidationFailed

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


def list_workbooks(svc: Services, args: argparse.Namespace) -> int:
    """``pmw list``: one tab-separated line per workbook (see docs/cli.md)."""
    names = {p.id: p.name for p in svc.people()}
    for wb in svc.workbooks():
        print(
            f"{wb.id}\t{wb.employee_id}\t{wb.manager_id}\t{wb.stage.value}\t"
            f"{names.get(wb.employee_id, '?')} with {names.get(wb.manager_id, '?')}; next: {wb.stage.next_step}"
        )
    return EXIT_OK


def import_workbook(svc: Services, args: argparse.Namespace) -> int:
    """``pmw import FILE.json``: restore a workbook exported as JSON; prints its id."""
    from ..domain.errors import PmwError
    from ..io.errors import ImportFailed
    from ..io.workbook_json import read_workbook_file

    data = read_workbook_file(args.file)  # the size is checked before the file is read
    try:
        print(svc.import_workbook(data))
    except ImportFailed:
        raise
    except PmwError as exc:
        raise ImportFailed(args.file, "-", exc.reason) from None
    return EXIT_OK


def verify(svc: Services, args: argparse.Namespace) -> int:
    """``pmw verify [WORKBOOK] [--head N:HASH]``: 0 when everything checks out, 1 otherwise."""
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
