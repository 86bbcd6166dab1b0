"""Every role × every page, and widget messages forged over the websocket, in the real web app.

The roles are people of the demo: Mei Chen (employee of workbook 1), Richard
Okafor (her manager), Kate Walsh (its coach), Jay Patel (another coach), Helen
Lambert (admin), Anna Berg (an employee with her own workbook), and nobody
signed in. Each page either shows workbook 1 to them or refuses in one plain
sentence, and a refused page holds nothing of workbook 1, not even in hidden parts.

Forged messages are sent from the page itself to its own kernel, as any browser
can: clicks on hidden buttons, values typed into disabled inputs. The services
refuse each one, the page says so, and the database is unchanged.
"""

from __future__ import annotations

from typing import Any

import figures
import pytest

from .conftest import PmwServer, screenshot
from .hostile import (
    LEGACY_SOCKET_JS,
    WORKBOOK_1_SECRETS,
    Forger,
    counts,
    open_page,
    page_text,
    sign_in,
    tracebacks,
    visitor,
)

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

ROLES = {
    "employee": "mchen",
    "manager": "rokafor",
    "coach": "kwalsh",
    "another coach": "jpatel",
    "admin": "hlambert",
    "unrelated employee": "aberg",
    "nobody": None,
}
NAMES = {
    "mchen": "Mei Chen",
    "rokafor": "Richard Okafor",
    "kwalsh": "Kate Walsh",
    "jpatel": "Jay Patel",
    "hlambert": "Helen Lambert",
    "aberg": "Anna Berg",
}
STEPS = [
    "00_start_here",
    "01_job_description",
    "02_objectives",
    "03_development_plan",
    "04_check_ins",
    "05_review",
]
PAGES = ["home", *STEPS, "agreement", "coach_dashboard"]
READERS_OF_1 = {"mchen", "rokafor", "kwalsh", "hlambert"}
DASHBOARD = {"kwalsh", "hlambert", "jpatel"}
#: whose workbooks each person's home page lists (by employee), and whose it must not.
HOME = {
    "mchen": ({"Mei Chen"}, {"Tuan Nguyen", "Anna Berg", "Sam Jones"}),
    "rokafor": ({"Mei Chen", "Tuan Nguyen", "Diego Silva"}, {"Anna Berg", "Sam Jones"}),
    "kwalsh": ({"Mei Chen", "Diego Silva", "Anna Berg"}, {"Tuan Nguyen", "Sam Jones"}),
    "jpatel": (set(), {"Mei Chen", "Tuan Nguyen", "Diego Silva", "Anna Berg", "Sam Jones"}),
    "hlambert": ({"Mei Chen", "Tuan Nguyen", "Diego Silva", "Anna Berg", "Sam Jones"}, set()),
    "aberg": ({"Anna Berg"}, {"Mei Chen", "Tuan Nguyen", "Diego Silva", "Sam Jones"}),
}


def path_of(stem: str, workbook: int = 1) -> str:
    """The page's address under /voila/render/ (step pages and the agreement name a workbook)."""
    if stem in ("home", "coach_dashboard"):
        return f"{stem}.ipynb"
    return f"{stem}.ipynb?workbook={workbook}"


def visit(page: Any, server: PmwServer, person: str | None, stem: str) -> str:
    """Open one page as ``person`` and check it is shown or refused as the rules say.

    Returns "shown" or "refused".
    """
    text_of = lambda: page_text(page)  # noqa: E731
    if person is None:
        open_page(page, server, path_of(stem), ".pmw-signin")
        body = text_of()
        for secret in (*WORKBOOK_1_SECRETS, "Mei Chen", "Richard Okafor", "Workbook 1"):
            assert secret not in body, (stem, secret)
        outcome = "refused"
    elif stem == "home":
        open_page(page, server, path_of(stem), ".pmw-home-table")
        table = str(page.inner_text(".pmw-home-table"))
        present, absent = HOME[person]
        assert f"Hello, {NAMES[person]}" in text_of()
        assert all(n in table for n in present), (person, table)
        assert not any(n in table for n in absent), (person, table)
        outcome = "shown"
    elif stem == "coach_dashboard":
        if person in DASHBOARD:
            open_page(page, server, path_of(stem), ".pmw-dashboard")
            body = text_of()
            present, absent = HOME[person]
            assert all(n in body for n in present) and not any(n in body for n in absent)
            outcome = "shown"
        else:
            open_page(page, server, path_of(stem), ".pmw-not-for-you")
            assert "Mei Chen" not in text_of() or person == "mchen"
            outcome = "refused"
    elif person in READERS_OF_1:
        ready = ".pmw-agreement-document" if stem == "agreement" else ".pmw-session-bar"
        open_page(page, server, path_of(stem), ready)
        body = text_of()
        if stem == "agreement":
            assert WORKBOOK_1_SECRETS[0] in body
        else:
            assert "Workbook 1: Mei Chen with Richard Okafor" in body
        outcome = "shown"
    else:
        open_page(page, server, path_of(stem), ".pmw-page")
        page.wait_for_selector("text=workbook 1 is not available to you", timeout=30_000)
        body = text_of()
        for secret in (*WORKBOOK_1_SECRETS, "Workbook 1:"):
            assert secret not in body, (person, stem, secret)
        outcome = "refused"
    assert tracebacks(page) == [], (person, stem)
    assert page.dialogs == []
    return outcome


def _pages_for(index: int) -> list[str]:
    """Each role's pages: all of them under make soak; one each, all different, in make test."""
    n = figures.scale(1, len(PAGES))
    return [PAGES[(2 * index + k) % len(PAGES)] for k in range(n)]


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_only_what_it_may(browser, hostile_web: PmwServer, role: str) -> None:  # type: ignore[no-untyped-def]
    person = ROLES[role]
    page = visitor(browser)
    if person is not None:
        sign_in(page, hostile_web, person)
    before = counts(hostile_web)
    tally = {"shown": 0, "refused": 0}
    for stem in _pages_for(list(ROLES).index(role)):
        tally[visit(page, hostile_web, person, stem)] += 1
    assert counts(hostile_web)["events"] == before["events"]  # looking writes nothing
    if role == "unrelated employee":
        screenshot(page, "access_refused_page")
    page.context.close()
    figures.record(
        "Access matrix",
        cells=sum(tally.values()),
        allowed=tally["shown"],
        refused=tally["refused"],
        wrong=0,
        browser_pages_checked=sum(tally.values()),
    )


# --- forged widget messages -----------------------------------------------------------


def _forged_and_refused(
    page: Any, server: PmwServer, send: Any, says: str, where: str = ".pmw-page"
) -> None:
    """Send one forged message; the page must say ``says`` and nothing may be stored."""
    before = counts(server)
    send()
    # the message may sit in a part of the page that is hidden at this stage
    page.wait_for_selector(f"{where} >> text={says}", state="attached", timeout=20_000)
    assert counts(server) == before, f"stored after a forged message: {says}"
    assert tracebacks(page) == []


def test_forged_messages_of_people_who_may_not_are_refused(browser, hostile_web: PmwServer) -> None:  # type: ignore[no-untyped-def]
    server = hostile_web
    sent = 0
    cells = {"shown": 0, "refused": 0}

    # the admin may read workbook 1, but not agree it for someone
    admin = visitor(browser)
    sign_in(admin, server, "hlambert")
    cells[visit(admin, server, "hlambert", "02_objectives")] += 1
    forge = Forger(admin)
    confirm = forge.find("ButtonModel", "Confirm")
    assert forge.state(confirm)["layout"]  # a hidden button: the page never showed it
    _forged_and_refused(
        admin,
        server,
        lambda: forge.click(confirm),
        "only the employee and the manager",
        ".pmw-agreement-panel",
    )
    # nor act for someone: she is no coach, and her page offers nobody to act as
    before = counts(server)
    forge.update(forge.find("ToggleButtonsModel", "Acting now"), index=0)
    admin.wait_for_timeout(1000)
    assert counts(server) == before and "Signed in as Helen Lambert" in page_text(admin)
    # a client that will not speak protocol v1 gets no socket (it used to hang the server)
    assert admin.evaluate(LEGACY_SOCKET_JS) == "refused"
    assert admin.context.request.get(f"{server.url}/voila/api/contents").ok
    sent += 3
    screenshot(admin, "access_forged_confirm_refused")
    admin.context.close()

    # the employee types into the manager's hidden support form and clicks its button
    emp = visitor(browser)
    sign_in(emp, server, "mchen")
    cells[visit(emp, server, "mchen", "03_development_plan")] += 1
    # the plan is agreed: she opens the editors, as anyone may, to propose a change
    emp.get_by_role("button", name="Propose a change").click()
    emp.locator(".pmw-development-planner").wait_for()
    forge = Forger(emp)
    forge.update(forge.find("TextModel", "Commitment"), value="A pay rise of 20%")
    _forged_and_refused(
        emp,
        server,
        lambda: forge.click(forge.find("ButtonModel", "Add commitment")),
        "only the manager can change the manager's support commitments",
    )
    sent += 2
    emp.context.close()

    # the manager writes into a disabled assessment before the review has started
    mgr = visitor(browser)
    sign_in(mgr, server, "rokafor")
    cells[visit(mgr, server, "rokafor", "05_review")] += 1
    forge = Forger(mgr)
    comment = forge.find("TextareaModel", "Comment")
    assert forge.state(comment)["disabled"] is True
    forge.update(comment, value="Not met: written before the review started")
    forge.update(forge.find("DropdownModel", "Level"), index=1)
    _forged_and_refused(
        mgr,
        server,
        lambda: forge.click(forge.find("ButtonModel", "Save my assessments")),
        "start the review first",
    )
    sent += 3
    mgr.context.close()

    # the coach, as herself, clicks the hidden "Start the review" and "Confirm" (sign)
    coach = visitor(browser)
    sign_in(coach, server, "kwalsh")
    cells[visit(coach, server, "kwalsh", "05_review")] += 1
    forge = Forger(coach)
    for button, where in (
        ("Start the review", ".pmw-review-form"),
        ("Confirm", ".pmw-agreement-panel"),
    ):
        _forged_and_refused(
            coach,
            server,
            lambda b=button: forge.click(forge.find("ButtonModel", b)),
            "only the employee and the manager",
            where,
        )
    sent += 2
    screenshot(coach, "access_forged_start_review_refused")
    coach.context.close()

    # an employee of another workbook clicks the hidden "Create workbook"
    other = visitor(browser)
    sign_in(other, server, "aberg")
    cells[visit(other, server, "aberg", "02_objectives")] += 1
    forge = Forger(other)
    # she fills the hidden form for a colleague: Mei Chen, with Richard Okafor
    employee = forge.find("DropdownModel", "Employee")
    forge.update(employee, index=forge.state(employee)["_options_labels"].index("Mei Chen"))
    manager = forge.find("DropdownModel", "Manager")
    forge.update(manager, index=forge.state(manager)["_options_labels"].index("Richard Okafor"))
    _forged_and_refused(
        other,
        server,
        lambda: forge.click(forge.find("ButtonModel", "Create workbook")),
        "only the manager, the coach or an admin can open a workbook",
    )
    sent += 3
    other.context.close()

    figures.record(
        "Forged widget messages",
        messages=sent,
        refused=sent,
        accepted_wrongly=0,
        about=(
            "Messages sent from a page to its own kernel over a second websocket, as any "
            "browser can: clicks on hidden Confirm, Start-the-review, Add-commitment and "
            "Create-workbook buttons, values typed into a disabled assessment and a hidden "
            "support form, a switch of who is acting by someone who is no coach, and a socket "
            "in the legacy protocol (which used to hang the server). Each must be refused in "
            "words on the page, with the event log, confirmations, workbooks and people "
            "unchanged."
        ),
    )
    figures.record(
        "Access matrix",
        cells=sum(cells.values()),
        allowed=cells["shown"],
        refused=cells["refused"],
        wrong=0,
        browser_pages_checked=sum(cells.values()),
    )
