"""``pmw people``, ``pmw invite``, ``pmw revoke`` and ``pmw org``: the people, their sign-in
links, and the organisation's settings."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .common import EXIT_OK

if TYPE_CHECKING:
    from ..services import Services


def people(svc: Services, args: argparse.Namespace) -> int:
    """``pmw people``: one tab-separated line per person: id, name, roles, manager id."""
    for p in svc.people():
        roles = ",".join(r.value for r in p.roles)
        print(f"{p.id}\t{p.name}\t{roles}\t{p.manager_id or ''}")
    return EXIT_OK


def invite(svc: Services, args: argparse.Namespace) -> int:
    """``pmw invite PERSON_ID | --all [--url URL]``: signed links that expire."""
    from ..domain.errors import ValidationFailed
    from ..services.access import require_inviter
    from ..services.sessions import INVITE_DAYS
    from ..services.sessions import invite as new_link

    require_inviter(svc.me)  # before anything is read
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
        link = f"{base}/pmw/signin?t={new_link(svc, p.id)}"
        print(f"{p.id}\t{p.name}\t{link}" if args.all else link)
    print(f"links expire in {INVITE_DAYS} days", file=sys.stderr)
    return EXIT_OK


def revoke(svc: Services, args: argparse.Namespace) -> int:
    """``pmw revoke PERSON --reason TEXT``: one line saying what ended."""
    from ..domain.errors import ValidationFailed
    from ..services.sessions import revoke as end_sessions

    person = next((p for p in svc.people() if p.id == args.person), None)
    if person is None:
        raise ValidationFailed(f"no person with id {args.person!r} (see pmw people)")
    if not args.reason.strip():
        raise ValidationFailed("say why with --reason TEXT: it is recorded in the event log")
    ended = end_sessions(svc, person.id, args.reason)
    sessions = "session" if ended == 1 else "sessions"
    print(
        f"ended {ended} {sessions} of {person.name} ({person.id}); "
        "sign-in links made before now no longer work"
    )
    return EXIT_OK


def organisation(svc: Services, args: argparse.Namespace) -> int:
    """``pmw org show``: one tab-separated line per setting (name, value, and ``default``
    when it is not set); ``pmw org set NAME VALUE``: one line saying what is set."""
    from ..domain.i18n import date_order

    if args.org_command == "set":
        svc.set_organisation_setting(args.name, args.value)
        print(f"{args.name} is now {args.value.strip().lower()} for the whole organisation")
        return EXIT_OK
    settings = svc.organisation_settings()
    if "date_order" in settings:
        print(f"date_order\t{settings['date_order']}")
    else:
        print(f"date_order\t{date_order()}\tdefault")
    return EXIT_OK
