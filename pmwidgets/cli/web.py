"""``pmw serve``: the notebooks as a web app (Voila)."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, EXIT_USAGE


def serve(args: argparse.Namespace) -> int:
    """``pmw serve [--port N] [--ip ADDR] [--pool-size K] [--behind-proxy] [--max-pages N]
    [--max-pages-per-person N]``: serve until interrupted; 2 for a limit under 1."""
    import os

    from ..web.server import serve as run_server

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
    run_server(
        port=args.port,
        notebooks=args.notebooks.resolve(),
        ip=args.ip,
        pool_size=args.pool_size,
        behind_proxy=args.behind_proxy,
    )
    return EXIT_OK
