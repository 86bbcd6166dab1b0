"""How many widget models each page asks the browser to build (docs/performance.md).

The front end's time goes into building models rather than drawing views: a page of
166 HTML widgets with a Layout and a Style each (500 models) was interactive 360 ms
after a bare page; with one shared Layout and Style, 16 ms after it. So widgets share
their layout and style (``pmwidgets/widgets/lean.py``), and these tests hold the line:
a page may not go back to one Layout and one Style per widget, nor grow far past
what it needs. They count models, not time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pytest

from pmwidgets import apps
from pmwidgets.apps import session as app_session
from pmwidgets.widgets.lean import is_shared, make, shared, show

#: page -> most models it may create for workbook 1 of the demo, in coach mode
#: (measured: 9, 27, 141, 101, 119, 106, 100, 12, 40, with some headroom, after each step
#: gained its next action and its explanation's fold (two HTML models); on the benchmark's
#: larger workbook the review page went from 505 models to 170 when they were shared)
BUDGET = {
    "home_page": 15,
    "start_page": 35,
    "job_description_page": 150,
    "objectives_page": 110,
    "development_page": 125,
    "check_ins_page": 115,
    "review_page": 110,
    "agreement_page": 20,
    "dashboard_page": 50,
}
#: a job description never agreed shows where to start (the library, the catalogue, a
#: file) above its editor: the heaviest page (a lever in docs/performance.md)
DRAFTING_BUDGET = {"job_description_page": 225}


@pytest.fixture
def coach_session(demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Kate Walsh facilitating Mei Chen's workbook 1, as in the browser tests."""
    monkeypatch.delenv("PMW_WEB", raising=False)
    monkeypatch.setenv("PMW_DATABASE_URL", demo_url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("PMW_USER", "kwalsh")
    monkeypatch.setenv("PMW_WORKBOOK", "1")
    monkeypatch.setenv("PMW_ACTING", "mchen")
    app_session.store.cache_clear()
    W.Widget.close_all()
    yield
    app_session.store().close()
    app_session.store.cache_clear()
    W.Widget.close_all()


def _models() -> list[W.Widget]:
    return list(W.Widget.widgets.values())  # type: ignore[attr-defined]


@pytest.mark.filterwarnings("ignore:Widget.widgets is deprecated")
@pytest.mark.parametrize(
    ("name", "drafted_in", "manager"),
    [
        ("objectives_page", "2", "rokafor"),
        ("development_page", "2", "rokafor"),
        ("job_description_page", "5", "hlambert"),
    ],
)
def test_a_step_being_drafted_builds_its_editors_within_budget(
    name: str, drafted_in: str, manager: str, coach_session: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workbook 2 drafts its objectives and plan, workbook 5 its job description: the
    editors are built, within budget; workbook 1 has all three agreed: they read as
    documents, and no editor is built. (The drafting workbook's manager signed in;
    Helen Lambert, an admin, also reads workbook 1.)"""
    monkeypatch.setenv("PMW_USER", manager)  # workbooks 2 and 5 have no coach
    monkeypatch.setenv("PMW_WORKBOOK", drafted_in)
    monkeypatch.setenv("PMW_ACTING", manager)
    getattr(apps, name)()
    drafting = len(_models())
    assert drafting <= DRAFTING_BUDGET.get(name, BUDGET[name]), f"{name}: {drafting} models"
    W.Widget.close_all()
    monkeypatch.setenv("PMW_USER", "rokafor")
    monkeypatch.setenv("PMW_ACTING", "rokafor")
    monkeypatch.setenv("PMW_WORKBOOK", "1")
    getattr(apps, name)()
    agreed = len(_models())
    assert agreed < drafting // 2, (agreed, drafting)


@pytest.mark.filterwarnings("ignore:Widget.widgets is deprecated")
@pytest.mark.parametrize("name", sorted(BUDGET))
def test_a_page_builds_few_models(name: str, coach_session: None) -> None:
    getattr(apps, name)()
    models = _models()
    assert len(models) <= BUDGET[name], f"{name}: {len(models)} models"
    # few widgets have a layout or style of their own: most share one (lean.shared)
    views = [m for m in models if isinstance(m, W.DOMWidget)]
    own = [
        m
        for m in models
        if isinstance(m, W.Layout | W.widgets.widget_description.DescriptionStyle)
        and not is_shared(m)
    ]
    assert len(own) <= 0.15 * len(views) + 3, f"{name}: {len(own)} own layouts and styles"


def test_a_shared_layout_refuses_a_change_that_would_reach_every_widget() -> None:
    a, b = make(W.HTML, value="a"), make(W.Button, description="b")
    assert a.layout is b.layout and a.layout is shared(W.Layout)
    with pytest.raises(AttributeError, match="shared by many widgets"):
        a.layout.display = "none"
    assert a.layout.display is None
    show(a, False)  # hiding goes by CSS class instead
    assert "pmw-hidden" in a._dom_classes and "pmw-hidden" not in b._dom_classes
    W.Widget.close_all()
    assert make(W.HTML).layout.comm is not None  # a closed shared model is made anew


@pytest.mark.filterwarnings("ignore:Widget.widgets is deprecated")
@pytest.mark.parametrize("name", sorted(BUDGET))
def test_every_model_a_page_keeps_is_on_the_page(name: str, coach_session: None) -> None:
    """No model is made and then left off the page (the browser would still build it),
    and redrawing the page or switching who is acting closes what it replaced."""
    from pmwidgets.apps.pages import StepPage
    from pmwidgets.widgets.lean import widget_tree

    page = getattr(apps, name)()

    def orphans() -> list[str]:
        on_page = {id(w) for w in widget_tree(page)}
        if isinstance(page, StepPage):  # its first heading is kept for the browser's first draw
            on_page |= {id(w) for w in widget_tree(page.head)}
        return [f"{type(m).__name__} {getattr(m, 'value', '')!r:.60}" for m in _models()
                if id(m) not in on_page]  # fmt: skip

    assert orphans() == []
    if isinstance(page, StepPage):
        count = len(_models())
        page.show()
        page._act("rokafor")  # the coach hands the screen to the manager, then back
        page._act("mchen")
        page.show()
        assert orphans() == []
        assert len(_models()) == count
