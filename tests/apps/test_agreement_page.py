"""The agreement page: the document at once, the PDF drawn only when asked for."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pytest

from pmwidgets.apps import agreement_page
from pmwidgets.apps import session as app_session
from pmwidgets.widgets.lean import is_shown


@pytest.fixture
def signed_in(demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("PMW_ACTING", raising=False)
    monkeypatch.setenv("PMW_DATABASE_URL", demo_url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("PMW_USER", "mchen")
    monkeypatch.setenv("PMW_WORKBOOK", "1")
    app_session.store.cache_clear()
    yield
    app_session.store().close()
    app_session.store.cache_clear()
    W.Widget.close_all()


def widgets_of(root: W.Widget) -> list[W.Widget]:
    found = [root]
    for child in getattr(root, "children", ()):
        found += widgets_of(child)
    return found


def test_pdf_is_drawn_on_request_and_downloads(signed_in: None) -> None:
    page = agreement_page()
    html = " ".join(w.value for w in widgets_of(page) if isinstance(w, W.HTML))
    assert "Raise the Level 3 diagnostics pass rate" in html  # the document is there at once
    assert "application/pdf" not in html  # but no PDF has been drawn yet
    assert "text/markdown" in html
    prepare = next(w for w in widgets_of(page) if isinstance(w, W.Button))
    assert prepare.description == "Prepare the PDF"
    prepare.click()
    links = next(
        w
        for w in widgets_of(page)
        if isinstance(w, W.HTML) and "<p class='pmw-downloads'>" in w.value
    )
    match = re.search(r"href='data:application/pdf;base64,([^']+)'", links.value)
    assert match, links.value
    pdf = base64.b64decode(match.group(1))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    assert "Download the agreement (PDF)" in links.value
    assert not is_shown(prepare)


def test_someone_elses_agreement_is_refused_in_words(
    signed_in: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMW_WORKBOOK", "4")
    page = agreement_page()
    text = " ".join(w.value for w in widgets_of(page) if isinstance(w, W.HTML))
    assert "not available to you" in text and "Anna Berg" not in text
