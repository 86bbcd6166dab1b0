"""Factories shared by the tests (importable as ``helpers``)."""

from __future__ import annotations

import datetime as dt

from pmwidgets.domain import Competency, JobDescription, Person, Responsibility, Role
from pmwidgets.services import Services
from pmwidgets.store import Store

CYCLE = (dt.date(2026, 9, 1), dt.date(2027, 8, 31))


def make_job(n: int = 3) -> JobDescription:
    """A small valid job description with ``n`` responsibilities."""
    shares = [100 // n] * n
    shares[0] += 100 - sum(shares)
    return JobDescription(
        title="Workshop technician",
        purpose="Keeps the training workshop ready and safe.",
        responsibilities=tuple(
            Responsibility(number=i + 1, text=f"Responsibility number {i + 1}", share=shares[i])
            for i in range(n)
        ),
        competencies=(
            Competency(
                name="Health and safety",
                required=4,
                anchors={1: "Follows rules", 4: "Owns inspections"},
            ),
        ),
    )


def add_people(store: Store) -> None:
    """Add a manager, two employees, a coach and an admin."""
    for p in (
        Person(id="admin", name="Ada Admin", roles=(Role.ADMIN,)),
        Person(id="boss", name="Bea Boss", roles=(Role.MANAGER,)),
        Person(id="emp", name="Eli Employee", manager_id="boss"),
        Person(id="other", name="Otto Other", manager_id="boss"),
        Person(id="coach", name="Cora Coach", roles=(Role.COACH,)),
        Person(id="coach2", name="Cole Coach", roles=(Role.COACH,)),
    ):
        store.add_person(p, actor_id="setup")


def new_workbook(store: Store, employee: str = "emp", coach: str | None = "coach") -> int:
    """A workbook for ``employee`` with boss, opened by boss; returns its id."""
    wb = Services(store, "boss").create_workbook(employee, "boss", *CYCLE, coach_id=coach)
    assert wb.id is not None
    return wb.id


def agreed_job(store: Store, wb_id: int) -> None:
    """Set the small job description and have both confirm it."""
    boss = Services(store, "boss")
    boss.set_job_description(wb_id, make_job(), store.latest_version(wb_id))
    for who in ("emp", "boss"):
        svc = Services(store, who)
        svc.confirm(wb_id, "job_description", svc.open(wb_id).subject_hash("job_description"))


def migrate(url: str, direction: str, revision: str) -> None:
    """Take the database at ``url`` up or down (``"upgrade"``/``"downgrade"``) to ``revision``."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from pmwidgets.store.schema import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)
    finally:
        engine.dispose()


def table_cells(markup: str) -> list[list[str]]:
    """The text of each body cell of the HTML tables in ``markup``, row by row (tags
    dropped, whitespace squeezed): what a person reads in each cell, whatever the markup."""
    from html.parser import HTMLParser

    rows: list[list[str]] = []

    class Cells(HTMLParser):
        cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "tr":
                rows.append([])
            elif tag == "td" and rows:
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag == "td" and self.cell is not None:
                rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    Cells().feed(markup)
    return [r for r in rows if r]
