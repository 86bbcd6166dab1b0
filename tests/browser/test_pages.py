"""Each step page in a real browser: it renders, is usable, escapes text, and looks right."""

from __future__ import annotations

import pytest

from .conftest import VoilaServer, open_page, screenshot

STEPS = [
    "00_start_here",
    "01_job_description",
    "02_objectives",
    "03_development_plan",
    "04_check_ins",
    "05_review",
]
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEPS)
def test_each_step_page_renders(page, voila: VoilaServer, stem: str) -> None:  # type: ignore[no-untyped-def]
    open_page(page, voila, stem)
    body = page.inner_text("body")
    assert "Workbook 1: Mei Chen with Richard Okafor" in body
    assert "Traceback" not in body and "Error" not in page.title()
    assert "Kate Walsh" in body  # coach mode: the facilitator is named
    # wrapped text reads as text: ipywidgets spaces an HTML widget's lines one input
    # height (28 px) apart unless the stylesheet says otherwise
    spacing = page.evaluate(
        "() => [...document.querySelectorAll('.pmw-page .widget-html-content > *')]"
        ".map(e => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize))"
        ".filter(r => !isNaN(r))"
    )
    assert spacing and max(spacing) < 1.6, spacing
    screenshot(page, stem)


@pytest.mark.slow
def test_smart_feedback_follows_typing_and_text_stays_text(page, voila: VoilaServer) -> None:  # type: ignore[no-untyped-def]
    open_page(page, voila, "02_objectives")
    # workbook 1's objectives are agreed: they read as a document until a change is proposed
    page.get_by_role("button", name="Propose a change").click()
    editor = page.locator(".pmw-objective-editor")
    editor.wait_for()
    feedback = editor.locator(".pmw-smart")
    # an empty form shows no red before anyone types
    assert "give the objective a title" not in feedback.inner_text()
    assert editor.locator(".pmw-smart .pmw-bad").count() == 0
    title = editor.locator("input[type=text]").first
    title.fill("x")
    title.press("Tab")
    title.fill("")
    title.press("Tab")
    page.wait_for_function(  # touched: everything missing is listed at once
        "() => document.querySelector('.pmw-objective-editor .pmw-smart').innerText.includes('give the objective a title')",
        timeout=10_000,
    )
    title.fill(XSS)
    title.press("Tab")
    page.wait_for_function(
        "() => !document.querySelector('.pmw-objective-editor .pmw-smart').innerText.includes('give the objective a title')",
        timeout=10_000,
    )
    assert "choose the responsibilities it serves" in feedback.inner_text()
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.locator(".pmw-objective-editor img[src=x]").count() == 0
