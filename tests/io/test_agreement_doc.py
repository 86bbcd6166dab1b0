"""The performance agreement as a document: PDF, Markdown and HTML from the demo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from pmwidgets.domain.agreement import AgreementVersion, Confirmation, content_hash
from pmwidgets.domain.errors import ValidationFailed
from pmwidgets.domain.i18n import format_date, format_datetime
from pmwidgets.domain.model import CoverageReason, JobDescription, Objective
from pmwidgets.domain.state import WorkbookState
from pmwidgets.io.agreement.document import (
    AgreementDocument,
    agreement_document,
    last_agreed_versions,
    to_html,
    to_markdown,
    to_pdf,
)
from pmwidgets.services import Services
from pmwidgets.store import Store

XSS = '<script>alert("x")</script>'


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: install Debian's poppler-utils"
    return found


def pdf_text(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    """The PDF's text (one page, or all), with runs of white space made single spaces."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", *pages, str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found, info.stdout
    return int(found.group(1))


def demo_document(
    demo: Store, workbook: int, with_history: bool = False
) -> tuple[WorkbookState, AgreementDocument, dict[str, str]]:
    svc = Services.operator(demo)
    state = svc.open(workbook)
    people = {p.id: p.name for p in svc.people()}
    previous = last_agreed_versions(svc.history(workbook)) if with_history else None
    return state, agreement_document(state, people, previous=previous), people


def agreed_objectives(state: WorkbookState) -> list[dict[str, object]]:
    """The objectives as frozen in the latest agreed version, read independently."""
    version = state.agreements["objectives"]
    assert version.agreed and version.agreed_canonical
    found: list[dict[str, object]] = json.loads(version.agreed_canonical)["objectives"]
    return found


def confirmation_facts(version: AgreementVersion, people: dict[str, str]) -> list[str]:
    facts = []
    for c in version.confirmations:
        facts += [people[c.person_id], format_datetime(c.at)]
        if c.facilitator_id:
            facts.append(people[c.facilitator_id])
    return facts


def test_pdf_of_workbook_1_holds_what_both_agreed(demo: Store, tmp_path: Path) -> None:
    state, doc, people = demo_document(demo, 1)
    pdf = to_pdf(doc)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    objectives = agreed_objectives(state)
    assert len(objectives) == 4
    for o in objectives:
        assert str(o["title"]) in text
        assert str(o["measure"]) in text
        assert format_date(dt.date.fromisoformat(str(o["due"]))) in text
    # responsibilities written out in full
    assert state.job is not None
    for r in state.job.responsibilities:
        assert f"{r.number}. {r.text}" in text
    version = state.agreements["objectives"]
    assert version.agreed_hash
    facts = confirmation_facts(version, people)
    assert "Mei Chen" in facts and "Richard Okafor" in facts and "Kate Walsh" in facts
    for fact in facts:
        assert fact in text, fact
    assert version.agreed_hash[:16] in text
    assert "Objectives — version 1" in text
    assert "Objectives, version 1" in text
    assert "Pay the IMI course fee" in text, "the manager's support commitments"
    assert "Signature" in text and "Date" in text
    assert "DRAFT" not in text


def test_every_pdf_page_has_the_header_and_its_number(demo: Store, tmp_path: Path) -> None:
    _state, doc, _people = demo_document(demo, 1)
    pdf = to_pdf(doc)
    pages = page_count(pdf, tmp_path)
    assert 3 <= pages <= 8
    for n in range(1, pages + 1):
        text = pdf_text(pdf, tmp_path, page=n)
        assert f"Page {n} of {pages}" in text
        assert "Mei Chen · performance agreement 2026–2027 · " in text
        assert "objectives version 1, agreed · workbook 1, version" in text


def test_page_one_renders_to_a_real_image(demo: Store, tmp_path: Path) -> None:
    from matplotlib import image

    _state, doc, _people = demo_document(demo, 1)
    (tmp_path / "doc.pdf").write_bytes(to_pdf(doc))
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    png = tmp_path / "page.png"
    assert png.stat().st_size > 8_000
    pixels = image.imread(str(png))
    height, width = pixels.shape[:2]
    assert abs(height - 702) <= 2 and abs(width - 496) <= 2, "A4 at 60 dpi"
    ink = (pixels[..., :3] < 0.75).any(axis=-1).mean()
    assert 0.02 < ink < 0.5, f"page 1 is {ink:.1%} ink"


def test_markdown_and_html_say_the_same_things(demo: Store) -> None:
    state, doc, people = demo_document(demo, 1)
    markdown, page = to_markdown(doc), to_html(doc)
    version = state.agreements["objectives"]
    assert version.agreed_hash
    facts = [str(o["title"]) for o in agreed_objectives(state)]
    facts += confirmation_facts(version, people)
    facts += [version.agreed_hash, "Objectives — version 1", "Pay the IMI course fee"]
    for fact in facts:
        assert fact in markdown, fact
        assert html.escape(fact) in page, fact
    assert page.startswith("<!DOCTYPE html>")
    assert "@media print" in page and "size: A4" in page
    assert "Mei Chen · performance agreement 2026–2027 · " in page


def _with_hostile_text(state: WorkbookState) -> WorkbookState:
    """The demo's workbook 1 with markup in its titles, and nothing agreed yet."""
    assert state.job is not None
    job = JobDescription.model_validate(
        {**state.job.model_dump(), "title": f"Instructor {XSS}", "purpose": "**bold** [a](b)"}
    )
    first = state.objectives[0].model_copy(update={"title": f"{XSS} & <b>more</b>"})
    return dataclasses.replace(
        state, job=job, objectives=(first, *state.objectives[1:]), agreements={}
    )


def test_user_text_is_escaped_in_html_and_markdown(demo: Store) -> None:
    state, _doc, people = demo_document(demo, 1)
    people = {**people, "mchen": '<img src=x onerror="alert(1)">'}
    doc = agreement_document(_with_hostile_text(state), people)
    page = to_html(doc)
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert html.escape(XSS) in page
    assert html.escape('<img src=x onerror="alert(1)">') in page
    rendered = MarkdownIt("commonmark").render(to_markdown(doc))
    assert "<script" not in rendered and "<img" not in rendered and "<strong>bold" not in rendered
    assert html.escape(XSS) in rendered, "the text shows as written"
    assert "**bold** [a](b)" in rendered


def test_draft_content_is_marked_not_agreed(demo: Store, tmp_path: Path) -> None:
    state, _doc, people = demo_document(demo, 1)
    doc = agreement_document(_with_hostile_text(state), people)
    assert not doc.objectives.agreed
    markdown = to_markdown(doc)
    assert markdown.count("DRAFT — not agreed") >= 2
    text = pdf_text(to_pdf(doc), tmp_path)
    assert "DRAFT — not agreed" in text
    assert XSS in text, "a PDF shows markup as plain text"


def test_workbook_3_says_version_2_awaits_agreement(demo: Store, tmp_path: Path) -> None:
    state, doc, _people = demo_document(demo, 3)
    latest = state.agreements["objectives"]
    assert latest.number == 2 and not latest.agreed
    assert doc.objectives.version == 2 and not doc.objectives.agreed
    markdown = to_markdown(doc)
    assert "Version 2 of the objectives is awaiting agreement by both" in markdown
    assert "DRAFT — not agreed" in markdown
    assert "Due:** 28 Feb 2027" in markdown, "the current (draft) content is shown"
    text = pdf_text(to_pdf(doc), tmp_path)
    assert "Version 2 of the objectives is awaiting agreement by both" in text
    assert "DRAFT — not agreed" in text
    assert state.subject_hash("objectives")[:16] in text


def test_workbook_3_with_its_history_shows_the_agreed_version_and_the_change(
    demo: Store, tmp_path: Path
) -> None:
    state, doc, people = demo_document(demo, 3, with_history=True)
    agreed = last_agreed_versions(Services.operator(demo).history(3))["objectives"]
    assert agreed.number == 1 and agreed.agreed_hash
    assert doc.objectives.agreed and doc.objectives.version == 1
    assert doc.proposed is not None and doc.proposed.version == 2
    assert [o.id for o in doc.proposed.objectives] == [2]
    assert doc.proposed.unchanged == (1, 3)
    markdown = to_markdown(doc)
    agreed_part, _sep, proposed_part = markdown.partition("## Proposed changes to the objectives")
    assert "31 Dec 2026" in agreed_part and "28 Feb 2027" not in agreed_part
    assert "28 Feb 2027" in proposed_part and "DRAFT — not agreed" in proposed_part
    assert "changed from version 1: target, due date" in proposed_part
    text = pdf_text(to_pdf(doc), tmp_path)
    for fact in [agreed.agreed_hash[:16], *confirmation_facts(agreed, people)]:
        assert fact in text, fact
    # the canonical JSON alone gives the same agreed content, without the confirmations
    only_json = agreement_document(state, people, agreed_objectives=agreed.agreed_canonical)
    assert only_json.objectives == doc.objectives
    record = next(r for r in only_json.agreements if r.subject == "objectives")
    assert record.version == 1 and record.content_hash == agreed.agreed_hash
    assert (
        "not confirmed"
        not in to_markdown(only_json).split("### Objectives, version 1")[1].split("###")[0]
    )
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        agreement_document(state, people, agreed_objectives="{broken")


def test_unicode_survives_into_the_pdf(demo: Store, tmp_path: Path) -> None:
    state, _doc, people = demo_document(demo, 1)
    names = {"mchen": "Zoé Łukasiewicz", "rokafor": "Анна Петрова", "kwalsh": "Ἀλέξανδρος"}
    title = "Снизить задержки — réduire les retards — zmniejszyć opóźnienia"
    first = state.objectives[0].model_copy(update={"title": title})
    changed = dataclasses.replace(state, objectives=(first, *state.objectives[1:]), agreements={})
    text = pdf_text(to_pdf(agreement_document(changed, {**people, **names})), tmp_path)
    for expected in (*names.values(), title, "Zoé Łukasiewicz · performance agreement 2026–2027"):
        assert expected in text, expected


def test_a_signed_review_is_included(demo: Store) -> None:
    state, doc, people = demo_document(demo, 4)
    assert doc.review is None, "the demo's review is not signed yet"
    assert "The review is under way" in to_markdown(doc)
    canonical = state.subject_canonical("review")
    digest = content_hash(canonical)
    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    signed = AgreementVersion(
        subject="review",
        number=1,
        confirmations=tuple(
            Confirmation(person_id=p, party=party, content_hash=digest, at=at)
            for p, party in (("aberg", "employee"), ("hlambert", "manager"))
        ),
        agreed_hash=digest,
        agreed_canonical=canonical,
        agreed_at=at,
    )
    state = dataclasses.replace(state, agreements={**state.agreements, "review": signed})
    doc = agreement_document(state, people)
    assert doc.review is not None
    markdown = to_markdown(doc)
    assert "## Review, signed by both" in markdown
    assert "Exceeded" in markdown and "Best destination figures the school has had" in markdown
    assert "The spreadsheet course made the destinations report quick" in markdown
    assert digest in markdown and "20 Nov 2026 10:00 UTC" in markdown


def test_a_workbook_with_nothing_agreed(demo: Store) -> None:
    _state, doc, _people = demo_document(demo, 5)
    markdown = to_markdown(doc)
    assert "No objectives yet." in markdown and "No development plan yet." in markdown
    assert "Job description: not yet" in markdown
    assert "DRAFT — not agreed" in markdown, "the job description is not confirmed yet"


def test_unknown_people_are_named_by_their_id(demo: Store) -> None:
    state, _doc, _people = demo_document(demo, 1)
    doc = agreement_document(state, {})
    assert doc.employee.name == "mchen"
    assert "rokafor" in to_markdown(doc)


def test_objective_that_cites_a_missing_responsibility_says_so(demo: Store) -> None:
    state, _doc, people = demo_document(demo, 1)
    odd = Objective.model_validate(
        {**state.objectives[0].model_dump(), "responsibilities": (1, 42), "id": 9}
    )
    changed = dataclasses.replace(state, objectives=(odd,), agreements={})
    rendered = MarkdownIt("commonmark").render(to_markdown(agreement_document(changed, people)))
    assert "42. (not in the job description)" in rendered


def test_coverage_shows_reasons_and_gaps(demo: Store) -> None:
    state, _doc, people = demo_document(demo, 1)
    kept = tuple(o for o in state.objectives if o.id not in (1, 3))
    reason = CoverageReason(responsibility=4, reason="Covered by the <learner support> team")
    changed = dataclasses.replace(state, objectives=kept, coverage_reasons=(reason,), agreements={})
    doc = agreement_document(changed, people)
    statuses = {r.number: r.status for r in doc.objectives.coverage}
    assert statuses == {1: "missing", 2: "missing", 3: "covered", 4: "excused", 5: "covered"}
    page = to_html(doc)
    assert "left out this cycle: Covered by the &lt;learner support&gt; team" in page
    assert page.count("no objective and no reason given") == 2
    assert "objectives 2, 4" in page


def test_text_longer_than_a_page_still_prints(demo: Store, tmp_path: Path) -> None:
    state, _doc, people = demo_document(demo, 1)
    description = " ".join(f"w{i}" for i in range(1500))  # close to the 10,000 allowed
    first = state.objectives[0].model_copy(update={"description": description})
    changed = dataclasses.replace(state, objectives=(first, *state.objectives[1:]), agreements={})
    text = pdf_text(to_pdf(agreement_document(changed, people)), tmp_path)
    words = re.findall(r"\bw\d+\b", text)
    assert words == description.split(), "every word, in order, across pages"
    assert "objectives not yet agreed" in text


def test_the_exporters_import_nothing_above_the_io_layer() -> None:
    code = (
        "import sys, pmwidgets.io.agreement.document as a, pmwidgets.io.agreement.pdf, "
        "pmwidgets.io.sheets.frames, pmwidgets.io.sheets.objectives_import; "
        "bad = sorted(m for m in sys.modules if m.startswith(('pmwidgets.services', "
        "'pmwidgets.store', 'pmwidgets.widgets', 'pmwidgets.apps', 'sqlalchemy', 'ipywidgets', "
        "'matplotlib'))); print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
