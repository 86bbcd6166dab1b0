"""The home page: every workbook this person may see, where it stands, and links to its steps."""

from __future__ import annotations

import datetime as dt
import logging

import ipywidgets as W

from ..domain.errors import PmwError
from ..domain.i18n import _, format_date
from ..domain.model import Role
from ..domain.state import WorkbookState, next_step
from ..services import Services
from ..widgets.base import esc, heading, html_widget, pdf_link, step_link, table_markup
from ..widgets.session_bar import STEPS
from . import session
from .logs import configure as configure_logging
from .messages import failure_message, sign_in_message
from .style import stylesheet

log = logging.getLogger("pmwidgets.apps")


def workbook_states(svc: Services) -> list[WorkbookState]:
    """Every workbook the signed-in person may see, as it stands (read once per page)."""
    return [svc.open(wb.id or 0) for wb in svc.workbooks()]


def workbook_rows(
    svc: Services, states: list[WorkbookState] | None = None, names: dict[str, str] | None = None
) -> str:
    """The table of workbooks as HTML (every value escaped), with links to each step."""
    names = names if names is not None else {p.id: p.name for p in svc.people()}
    rows = []
    for state in workbook_states(svc) if states is None else states:
        wb = state.workbook
        last = max((c.on for c in state.check_ins), default=None)
        statuses = ", ".join(
            f"{_(label)}: {state.agreement_status(subject).label.split(':')[0].lower()}"  # type: ignore[arg-type]
            for subject, label in (
                ("job_description", "job description"),
                ("objectives", "objectives"),
            )
        )
        flag = ""
        participation = svc.participation(wb.id or 0)
        if participation.one_sided:
            flag = f"<div class='pmw-bad'>⚠ {esc(participation.message)}</div>"
        steps = " ".join(
            [step_link(stem, _(label), wb.id or 0) for stem, label in STEPS[1:]]
            + [pdf_link(wb.id or 0, _("Agreement (PDF)"), css="pmw-step")]
        )
        rows.append(
            [
                str(int(wb.id or 0)),
                f"<strong>{esc(names.get(wb.employee_id, wb.employee_id))}</strong><br>"
                f"<span class='pmw-muted'>{esc(_('with {m}').format(m=names.get(wb.manager_id, wb.manager_id)))}</span>",
                f"{esc(wb.stage.label)}<div class='pmw-muted'>{esc(statuses)}</div>{flag}",
                esc(next_step(state)),
                esc(format_date(last) if last else _("none yet")),
                f"<nav class='pmw-steps' aria-label='{esc(_('Steps'))}'>{steps}</nav>",
            ]
        )
    headers = [
        _("No."),
        _("Employee"),
        _("Stage"),
        _("Next step"),
        _("Last check-in"),
        _("Open a step"),
    ]
    empty = esc(_("No workbooks yet."))
    return table_markup(headers, rows, css="pmw-table pmw-home-table", empty=empty)


def next_for_you(
    svc: Services,
    states: list[WorkbookState] | None = None,
    today: dt.date | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """What the signed-in person should do first in each workbook they take part in, most
    pressing first (a confirmation awaited from them), each with a link to its step; as HTML
    (every value escaped)."""
    from ..domain.next_action import workbook_next
    from ..widgets.next_action_card import step_name

    names = names if names is not None else {p.id: p.name for p in svc.people()}
    items: list[tuple[int, str]] = []
    for state in workbook_states(svc) if states is None else states:
        wb = state.workbook
        party = wb.party_of(svc.me.id)
        if party is None:
            continue
        found = workbook_next(state, party, today)
        if found is None:
            continue
        stem, action = found
        other = wb.manager_id if party == "employee" else wb.employee_id
        who = _("Workbook {n}, with {name}").format(n=wb.id, name=names.get(other, other))
        label = _("Open {step}").format(step=step_name(stem))
        link = step_link(stem, label, wb.id or 0, css="pmw-next-go")
        urgent = 0 if action.target == "agree" else 1
        items.append(
            (urgent, f"<li><strong>{esc(who)}</strong>: {esc(action.text)}<br>{link}</li>")
        )
    if not items:
        return ""
    label = esc(_("Next for you"))
    rows = "".join(html for _urgent, html in sorted(items, key=lambda i: i[0]))
    return (
        f"<section class='pmw-next' aria-label='{label}'><div class='pmw-next-label'>{label}</div>"
        f"<ul class='pmw-next-list'>{rows}</ul></section>"
    )


def personal_code_card(person_id: str) -> W.VBox:
    """The signed-in person's code for confirming at a coach's screen, with a refresh.

    Shown only to a person verified as themselves (the web app): whoever reads it can
    confirm for them, so it is never shown on a screen where someone was merely chosen.
    """
    from ..services import identity
    from ..widgets.base import button
    from .session import web_session

    shown = html_widget(css="pmw-card")
    again = button(_("Show a new code"))

    def draw(_b: object = None) -> None:
        now = dt.datetime.now(dt.UTC)
        # bound to this sign-in: signing out (or pmw revoke) makes it worthless at once
        code = identity.personal_code(person_id, now, session=web_session())
        minutes = max(1, int((identity.code_valid_until(now) - now).total_seconds() // 60))
        title = _("Your personal code for a facilitated session")
        help_text = _(
            "When you confirm at your coach's screen, type this code there, or read it out "
            "for it to be typed: it shows that the confirmation is yours, made by you, in "
            "the session. Give it only for something you agree with, and only there. It "
            "works for about {m} more minutes, while you stay signed in."
        ).format(m=minutes)
        shown.value = (
            f"<div class='pmw-personal-code'><div><strong>{esc(title)}</strong></div>"
            f"<div class='pmw-code' aria-label='{esc(' '.join(code))}'>"
            f"{esc(code[:3])} {esc(code[3:])}</div>"
            f"<p class='pmw-help'>{esc(help_text)}</p></div>"
        )

    again.on_click(draw)
    draw()
    return W.VBox([shown, again])


def home_page() -> W.VBox:
    """The signed-in person's workbooks, with their stage, next step and links to each step."""
    configure_logging()
    css = stylesheet()
    page = W.VBox([css])
    page.add_class("pmw-page")
    session.when_requested(lambda: _fill(page, css))
    return page


def _fill(page: W.VBox, css: W.HTML) -> None:
    """Draw the home page for the signed-in person (or ask them to sign in)."""
    try:
        sel = session.load_selection()
        if not sel.user:
            from .pages import start_page

            page.children = (
                css,
                sign_in_message() if session.web_mode() else start_page(),
            )
            return
        svc = session.signed_in(sel)
        today = format_date(dt.date.today())
        extra: list[W.Widget] = []
        if Role.COACH in svc.me.roles or Role.ADMIN in svc.me.roles:
            label = _("Open the dashboard across workbooks")
            extra.append(
                html_widget(
                    f"<p><a class='pmw-step' href='coach_dashboard.ipynb'>{esc(label)}</a></p>"
                )
            )
        states = workbook_states(svc)
        code: list[W.Widget] = []
        if svc.verified and any(
            s.workbook.coach_id and s.workbook.party_of(svc.me.id) for s in states
        ):
            code.append(personal_code_card(svc.me.id))
        names = {p.id: p.name for p in svc.people()}  # read once for both parts
        first = next_for_you(svc, states, names=names)
        page.children = (
            css,
            heading(_("Hello, {name}").format(name=svc.me.name), 2),
            *([html_widget(first)] if first else []),
            *code,  # read out at a coach's screen: on a phone too, it must not need scrolling
            *extra,
            heading(_("Your workbooks on {day}").format(day=today), 3),
            html_widget(workbook_rows(svc, states, names)),
        )
    except PmwError:
        page.children = (css, sign_in_message())
    except Exception:
        page.children = (css, failure_message("home page"))
