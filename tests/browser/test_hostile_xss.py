"""Hostile text in every free-text field, rendered by the real web app in Chromium.

One workbook holds every payload of :mod:`xss_payloads` in every field a person
can fill (the fields of :mod:`pmwidgets.domain.model`, plus the reasons given for
changes and the names of its two people), written through the services layer as
its employee and manager would. Then every page that shows them is opened:
no dialog may open, nothing a payload carries may enter the page as markup, and
each payload must be on the page as text, character for character.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import figures
import pytest
from xss_payloads import INJECTED_JS, PAGE_TEXT_JS, PAYLOADS, payload

from pmwidgets.domain.model import (
    Amendment,
    Assessment,
    CheckIn,
    Competency,
    DevelopmentAction,
    DevelopmentPlan,
    JobDescription,
    Objective,
    ObjectiveProgress,
    Person,
    Rating,
    Responsibility,
    Review,
    Role,
    SupportCommitment,
)
from pmwidgets.services import Services
from pmwidgets.store import Store

from .conftest import PmwServer, screenshot
from .hostile import open_page, sign_in, store, tracebacks, visitor

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

CYCLE = (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
ALL = " | ".join(PAYLOADS)  # long fields hold every payload, so each is shown whole somewhere


class Fields:
    """Hands out a payload per field, and remembers which fields were filled."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, name: str) -> str:
        self.names.append(name)
        return payload(len(self.names))

    def all(self, name: str) -> str:
        self.names.append(name)
        return ALL


def build_hostile_workbook(s: Store) -> tuple[int, list[str]]:
    """A workbook in review, every free-text field holding hostile text; returns (id, fields)."""
    f = Fields()
    op = Services.operator(s)
    op.add_person(Person(id="xmgr", name=f("person name (manager)"), roles=(Role.MANAGER,)))
    op.add_person(Person(id="xemp", name=f("person name (employee)"), manager_id="xmgr"))
    mgr, emp = Services(s, "xmgr"), Services(s, "xemp")
    wb = mgr.create_workbook("xemp", "xmgr", *CYCLE, coach_id="kwalsh").id or 0
    v = lambda: s.latest_version(wb)  # noqa: E731
    competencies = tuple(
        Competency(
            name=f"competency name {i}: " + f("competency name")[:250],
            description=f("competency description"),
            required=3,
            anchors={1: f("competency anchor (level 1)"), 4: f("competency anchor (level 4)")},
        )
        for i in (1, 2)
    )
    job = JobDescription(
        title=f("job title"),
        purpose=f.all("job purpose"),
        responsibilities=tuple(
            Responsibility(number=i, text=f("responsibility text"), share=share)
            for i, share in ((1, 50), (2, 30), (3, 20))
        ),
        competencies=competencies,
        source=f("job source"),
    )
    mgr.set_job_description(wb, job, v(), reason=f("reason for a change"))
    for svc in (emp, mgr):
        svc.confirm(wb, "job_description", svc.open(wb).subject_hash("job_description"))
    for weight, served in ((60, (1,)), (40, (2,))):
        objective = Objective(
            title=f("objective title"),
            description=f("objective description"),
            responsibilities=served,
            measure=f("objective measure"),
            target=f("objective target"),
            due=CYCLE[1],
            weight=weight,
            proposed_by="xemp",
        )
        emp.add_objective(wb, objective, v())
    emp.set_coverage_reason(wb, 3, f("coverage reason"), v())
    for svc in (emp, mgr):
        svc.confirm(
            wb,
            "objectives",
            svc.open(wb).subject_hash("objectives"),
            accept_reason="accepted as it is",
        )
    gap = competencies[0].name
    plan = DevelopmentPlan(
        ratings=tuple(
            Rating(competency=c.name, by=by, level=2, comment=f("rating comment"))  # type: ignore[arg-type]
            for c in competencies
            for by in ("employee", "manager")
        ),
        actions=(
            DevelopmentAction(
                kind="experience", description=f("development action"), gap=gap, due=CYCLE[1]
            ),
            DevelopmentAction(
                kind="education", description=f("development action"), objective=1, due=CYCLE[1]
            ),
        ),
        support=(SupportCommitment(text=f("manager's support commitment"), due=CYCLE[1]),),
    )
    ratings_emp = plan.model_copy(
        update={"ratings": tuple(r for r in plan.ratings if r.by == "employee"), "support": ()}
    )
    emp.set_plan(wb, ratings_emp, v())
    mgr.set_plan(wb, plan, v())
    for svc in (emp, mgr):
        svc.confirm(wb, "development_plan", svc.open(wb).subject_hash("development_plan"))
    check_in = CheckIn(
        on=dt.date(2026, 11, 2),
        goal=f("check-in goal"),
        reality=f.all("check-in reality"),
        options=f("check-in options"),
        will=f("check-in will"),
        progress=(
            ObjectiveProgress(objective=1, percent=40, evidence=f("progress evidence")),
            ObjectiveProgress(objective=2, percent=10, evidence=f("progress evidence")),
        ),
        carried_forward=(f("action carried forward"), f("action carried forward")),
        amendments=(
            Amendment(objective=2, proposal=f("amendment proposal"), reason=f("amendment reason")),
        ),
    )
    emp.save_check_in(wb, check_in, v())
    first = Services.operator(s).open(wb).objective(1)
    assert first is not None
    changed = first.model_copy(update={"target": f("objective target (changed)")})
    mgr.update_objective(wb, 1, changed, v(), reason=f("reason for a change"))
    mgr.start_review(wb, v(), reason=f("reason for a change"))
    review = Review(
        assessments=tuple(
            Assessment(objective=n, by=by, level="met", comment=f("assessment comment"))  # type: ignore[arg-type]
            for n in (1, 2)
            for by in ("employee", "manager")
        ),
        development_outcomes=f.all("development outcomes"),
        next_cycle_focus=f("next cycle focus"),
    )
    mine = review.model_copy(
        update={"assessments": tuple(a for a in review.assessments if a.by == "employee")}
    )
    emp.set_review(wb, mine, v())
    mgr.set_review(wb, review, v())
    emp.add_note(wb, f("private note"))
    return wb, sorted(set(f.names))


@pytest.fixture(scope="module")
def hostile(hostile_web: PmwServer) -> Iterator[tuple[PmwServer, int, list[str]]]:
    """The shared server, with the hostile workbook written into its database."""
    with store(hostile_web) as s:
        wb, fields = build_hostile_workbook(s)
    yield hostile_web, wb, fields


def _check(page: Any, where: str, seen: list[str]) -> None:
    injected = page.evaluate(INJECTED_JS)
    assert injected == [], f"{where}: injected {injected}"
    assert page.dialogs == [], f"{where}: dialogs {page.dialogs}"
    assert tracebacks(page) == [], where
    seen.append(str(page.evaluate(PAGE_TEXT_JS)))


def _every_page(browser: Any, server: PmwServer, person: str, wb: int, texts: list[str]) -> int:
    """Open every page of the hostile workbook as ``person``; returns how many."""
    page = visitor(browser)
    sign_in(page, server, person)
    pages = 0
    for path, ready in (
        ("home.ipynb", ".pmw-home-table"),
        (f"00_start_here.ipynb?workbook={wb}", ".pmw-session-bar"),
        (f"01_job_description.ipynb?workbook={wb}", ".pmw-agreement-panel"),
        (f"02_objectives.ipynb?workbook={wb}", ".pmw-agreement-panel"),
        (f"03_development_plan.ipynb?workbook={wb}", ".pmw-agreement-panel"),
        (f"04_check_ins.ipynb?workbook={wb}", ".pmw-check-in-log"),
        (f"05_review.ipynb?workbook={wb}", ".pmw-agreement-panel"),
        (f"agreement.ipynb?workbook={wb}", ".pmw-agreement-document"),
    ):
        open_page(page, server, path, ready)
        page.wait_for_timeout(500)  # let anything injected run
        _check(page, f"{person}: {path}", texts)
        pages += 1
        if path.startswith("02_") and person == "xemp":
            screenshot(page, "hostile_xss_objectives")
    page.context.close()
    return pages


def test_stored_payloads_stay_text_on_every_page(browser, hostile) -> None:  # type: ignore[no-untyped-def]
    server, wb, fields = hostile
    texts: list[str] = []
    pages = 0
    # the employee sees every page; under make soak, so do the manager and HR
    for viewer in ("xemp", *(("xmgr", "hlambert") if figures.soaking() else ())):
        pages += _every_page(browser, server, viewer, wb, texts)
    coach = visitor(browser)
    # the coach: the dashboard, and a step page in coach mode (names on the acting buttons)
    sign_in(coach, server, "kwalsh")
    for path, ready in (
        ("coach_dashboard.ipynb", ".pmw-dashboard-rows"),
        (f"00_start_here.ipynb?workbook={wb}", ".pmw-session-bar"),
    ):
        open_page(coach, server, path, ready)
        coach.wait_for_timeout(500)
        _check(coach, path, texts)
        pages += 1
    screenshot(coach, "hostile_xss_coach_mode")
    corpus = "\n".join(texts)
    # verbatim, so no template engine evaluated {{7*7}} and no entity was decoded
    missing = [p for p in PAYLOADS if p not in corpus]
    assert not missing, f"shown altered or not at all: {missing}"
    # the checks can fail: the same payloads put into the page as markup are caught
    coach.evaluate(
        "() => { window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.effectiveDirective)); }"
    )
    coach.evaluate(
        "(all) => { const d = document.createElement('div'); d.innerHTML = all;"
        " document.body.appendChild(d); }",
        "".join(PAYLOADS),
    )
    coach.wait_for_timeout(1000)
    caught = coach.evaluate(INJECTED_JS)
    assert len(caught) >= 20 and any("window.__xss" in c for c in caught), caught
    # and the Content-Security-Policy, the last line of defence, stops their scripts
    # (before it, an alert() from this markup opened a dialog)
    blocked = coach.evaluate("() => window.__csp")
    assert any(d.startswith("script-src") for d in blocked), blocked
    assert coach.dialogs == []
    coach.context.close()
    figures.record(
        "XSS payloads",
        payloads=len(PAYLOADS),
        fields=len(fields),
        pages_rendered=pages,
        dialogs=0,
        injected_elements=0,
        field_names=", ".join(fields),
        about=(
            "Every payload of tests/xss_payloads.py (script tags, event handlers, javascript: "
            "and data: URLs, attribute and element breakouts, mutation XSS, CSS, template, "
            "Markdown and MathJax tricks, entity, URL, unicode spellings) is stored through "
            "the services layer in every free-text field of one workbook (and in its people's "
            "names), and typed into the check-in form of the real page; every page that shows "
            "them is rendered by `pmw serve` in Chromium. No dialog may open, no element or "
            "attribute a payload carries may exist, and each payload must be visible as text, "
            "character for character. A control puts the same payloads in as raw markup and "
            "must be caught."
        ),
    )


def test_payloads_typed_into_the_page_are_saved_and_shown_as_text(browser, hostile) -> None:  # type: ignore[no-untyped-def]
    server, wb, _fields = hostile
    typed = {
        "Goal": _p("script-tag"),
        "Reality": _p("img-onerror"),
        "Options": _p("xss-textarea"),  # </textarea> breakout
        "Will": _p("xss-mxss"),  # mutation XSS
        "Carried forward": _p("xss-mathjax'"),
        "Proposal": _p("xss-attr-break"),
        "Reason": _p("parent.__xss"),  # iframe srcdoc
    }
    page = visitor(browser)
    sign_in(page, server, "xemp")
    open_page(page, server, f"04_check_ins.ipynb?workbook={wb}", ".pmw-check-in-log")
    log = page.locator(".pmw-check-in-log")
    for label, text in typed.items():
        log.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_selector(".pmw-check-in-log >> text=saved", timeout=20_000)
    page.wait_for_timeout(500)
    texts: list[str] = []
    _check(page, "check-ins after typing", texts)
    for text in typed.values():
        assert text in texts[0], text
    screenshot(page, "hostile_xss_typed_check_in")
    with store(server) as s:
        newest = max(Services.operator(s).open(wb).check_ins, key=lambda c: c.id or 0)
    assert (newest.goal, newest.reality, newest.options, newest.will) == (
        typed["Goal"],
        typed["Reality"],
        typed["Options"],
        typed["Will"],
    )
    assert newest.carried_forward == (typed["Carried forward"],)
    assert (newest.amendments[0].proposal, newest.amendments[0].reason) == (
        typed["Proposal"],
        typed["Reason"],
    )
    page.context.close()
    figures.record("XSS payloads", typed_through_the_page=len(typed), pages_rendered=1)


def _p(marker: str) -> str:
    """The one payload that contains ``marker``."""
    (found,) = [p for p in PAYLOADS if marker in p]
    return found
