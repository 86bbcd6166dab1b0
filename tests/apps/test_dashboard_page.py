"""Dashboard across workbooks: counts, filters, sorting, pages, links, escaping, who may see it."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pandas as pd
import pytest
from helpers import CYCLE, make_job

from pmwidgets.apps import session as app_session
from pmwidgets.apps.dashboard import dashboard_for, dashboard_page
from pmwidgets.demo.synthetic import build_synthetic
from pmwidgets.domain import Objective, Person, Stage
from pmwidgets.services import Services
from pmwidgets.services.frames import WorkbookSummary, frames
from pmwidgets.store import Store
from pmwidgets.widgets import _svg as charts
from pmwidgets.widgets.dashboard import PAGE_SIZE, SORTS, Dashboard
from pmwidgets.widgets.dashboard_charts import coverage_share_chart, stage_chart
from pmwidgets.widgets.session_bar import STEPS

TODAY = dt.date(2026, 12, 1)
ROW = re.compile(r"<tr data-workbook='(\d+)'>(.*?)</tr>", re.S)
HREF = re.compile(r"href='([^']*)'")
XSS_NAME = "<script>alert('name')</script> Eve Evans"
XSS_TITLE = "<img src=x onerror=alert('title')> Keep the workshop tidy every single week"


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


def board(store: Store, who: str = "hlambert", **kwargs: object) -> Dashboard:
    return dashboard_for(Services(store, who), today=TODAY, **kwargs)  # type: ignore[arg-type]


def shown(d: Dashboard) -> list[int]:
    """Workbook ids in the table as drawn, in order."""
    return [int(n) for n, _cells in ROW.findall(d.table.value)]


def walk(root: W.Widget) -> Iterator[W.Widget]:
    yield root
    for child in getattr(root, "children", ()):
        yield from walk(child)


def add_workbooks(store: Store, n: int) -> None:
    """``n`` more workbooks at the job description stage, for new employees of Richard's."""
    op = Services.operator(store)
    for i in range(n):
        op.add_person(Person(id=f"p{i:03d}", name=f"Person {i:03d}", manager_id="rokafor"))
        op.create_workbook(f"p{i:03d}", "rokafor", CYCLE[0], CYCLE[1], coach_id="kwalsh")


def test_headline_counts_match_the_frames(demo: Store) -> None:
    d = board(demo)
    wbs = frames(Services(demo, "hlambert"), TODAY).workbooks
    assert d.counts == {
        "workbooks": len(wbs),
        "pending": int((wbs["pending"] != "").sum()),
        "overdue": int(wbs["overdue_check_in"].sum()),
        "one_sided": int(wbs["one_sided"].notna().sum()),
    }
    # workbook 4's last check-in is long ago, but it is in review: not overdue
    assert d.counts == {"workbooks": 5, "pending": 1, "overdue": 0, "one_sided": 1}
    head = html.unescape(re.sub(r"<[^>]+>", " ", d.headline.value))
    assert re.search(r"\b5\s+workbooks", head)
    assert re.search(r"\b0\s+with a check-in overdue", head)
    assert re.search(r"\b1\s+one-sided", head)
    assert re.search(r"\b1\s+awaiting the other party", head)
    assert shown(d) == [1, 2, 3, 4, 5]
    assert d.page_label.value == "Page 1 of 1 (5 workbooks)"


def test_filters_narrow_the_rows(demo: Store) -> None:
    d = board(demo)
    d.stage.value = "check_ins"
    assert shown(d) == [1, 3]
    d.stage.value = ""
    d.manager.value = "hlambert"
    assert shown(d) == [4, 5]
    d.manager.value = ""
    d.attention.value = True  # one-sided (2) or awaiting agreement (3); 4 is in review
    assert shown(d) == [2, 3]
    assert "⚠ check-in overdue" not in html.unescape(d.table.value)
    assert "⚠ one-sided: only the employee writes" in html.unescape(d.table.value)
    d.attention.value = False
    d.search.value = "MEI"
    assert shown(d) == [1]
    d.search.value = "walsh"  # the coach's name
    assert shown(d) == [1, 3, 4]
    d.search.value = "nobody here"
    assert shown(d) == []
    assert "No workbooks match these filters." in d.table.value
    assert d.status.kind == ""


def test_sorting_changes_the_order(demo: Store) -> None:
    d = board(demo)
    d.sort.value = "employee"
    assert shown(d) == [4, 3, 1, 5, 2]  # Anna, Diego, Mei, Sam, Tuan
    d.order.value = "descending"
    assert shown(d) == [2, 5, 1, 3, 4]
    d.order.value = "ascending"
    d.sort.value = "stage_order"  # journey order, not alphabetical
    assert shown(d) == [5, 2, 1, 3, 4]
    d.sort.value = "coverage_share"
    assert shown(d) == [5, 2, 3, 4, 1]
    d.sort.value = "last_check_in"
    assert shown(d) == [4, 3, 1, 2, 5]  # no check-in yet: last, whichever the order
    d.order.value = "descending"
    assert shown(d) == [1, 3, 4, 2, 5]


def test_pages_of_fifty_rows(demo: Store) -> None:
    add_workbooks(demo, 56)
    d = board(demo, "kwalsh")  # her 3 demo workbooks and the 56 new ones
    assert PAGE_SIZE == 50 and d.counts["workbooks"] == 59
    first = shown(d)
    assert len(first) == 50 and d.page_label.value == "Page 1 of 2 (59 workbooks)"
    assert d.previous_button.disabled and not d.next_button.disabled
    d.next_button.click()
    second = shown(d)
    assert len(second) == 9 and not set(first) & set(second)
    assert d.page_label.value == "Page 2 of 2 (59 workbooks)" and d.next_button.disabled
    d.next_button.click()  # a forged click on the disabled button: stays on the last page
    assert shown(d) == second and d.status.kind == ""
    d.previous_button.click()
    assert shown(d) == first
    d.next_button.click()
    d.manager.value = "rokafor"  # a filter starts again from the first page
    assert d.page == 0 and d.page_label.value == "Page 1 of 2 (58 workbooks)"
    assert shown(d)[:3] == [1, 3, 6]
    d.manager.value = "hlambert"
    assert shown(d) == [4] and d.next_button.disabled


def test_smaller_pages_and_sorting_across_them(demo: Store) -> None:
    d = board(demo, page_size=2)
    d.sort.value = "employee"
    pages = [shown(d)]
    for _ in range(2):
        d.next_button.click()
        pages.append(shown(d))
    assert pages == [[4, 3], [1, 5], [2]]
    assert d.page_label.value == "Page 3 of 3 (5 workbooks)"


def test_rows_are_every_page_of_the_filtered_table_in_order(demo: Store) -> None:
    add_workbooks(demo, 56)
    d = board(demo, "kwalsh")
    d.sort.value = "employee"
    d.order.value = "descending"
    rows = d.rows()
    assert all(isinstance(r, WorkbookSummary) for r in rows) and len(rows) == 59
    pages = [shown(d)]
    d.next_button.click()
    pages.append(shown(d))
    assert [r.workbook_id for r in rows] == pages[0] + pages[1]
    assert [r.employee for r in rows[:3]] == ["Person 055", "Person 054", "Person 053"]
    assert d.pages == 2
    d.manager.value = "hlambert"
    assert [(r.workbook_id, r.employee, r.pending) for r in d.rows()] == [(4, "Anna Berg", "")]
    assert d.pages == 1


def test_every_row_links_to_its_own_workbook(demo: Store) -> None:
    d = board(demo, link_base="/voila/render/")
    rows = ROW.findall(d.table.value)
    assert [int(n) for n, _cells in rows] == [1, 2, 3, 4, 5]
    for n, cells in rows:
        links = [html.unescape(h) for h in HREF.findall(cells)]
        assert links == [
            *(f"/voila/render/{stem}.ipynb?workbook={n}" for stem, _label in STEPS),
            f"/voila/render/agreement.ipynb?workbook={n}",
        ]
        assert f"/voila/render/02_objectives.ipynb?workbook={n}" in links
        assert ">Agreement (PDF)</a>" in cells


def test_names_and_titles_are_escaped(demo: Store) -> None:
    op = Services.operator(demo)
    op.add_person(Person(id="eve", name=XSS_NAME, manager_id="rokafor"))
    wb = op.create_workbook("eve", "rokafor", CYCLE[0], CYCLE[1], coach_id="kwalsh")
    wb_id = wb.id or 0
    job = make_job().model_copy(update={"title": "<b onmouseover=alert(1)>Technician</b>"})
    Services(demo, "rokafor").set_job_description(wb_id, job, demo.latest_version(wb_id))
    for who in ("eve", "rokafor"):
        svc = Services(demo, who)
        svc.confirm(wb_id, "job_description", svc.open(wb_id).subject_hash("job_description"))
    objective = Objective(
        title=XSS_TITLE,
        responsibilities=(1,),
        due=dt.date(2027, 6, 30),
        weight=50,
        proposed_by="eve",
    )
    Services(demo, "eve").add_objective(wb_id, objective, demo.latest_version(wb_id))
    d = board(demo, "kwalsh")
    d.search.value = "eve evans"
    assert shown(d) == [wb_id]
    for widget in walk(d):
        value = getattr(widget, "value", "")
        if isinstance(widget, W.HTML) and isinstance(value, str):
            assert "<script" not in value and "<img" not in value and "<b " not in value
    assert html.escape(XSS_NAME) in d.table.value
    assert "&lt;b onmouseover=alert(1)&gt;Technician&lt;/b&gt;" in d.table.value
    f = frames(Services(demo, "kwalsh"), TODAY)
    assert XSS_TITLE in f.objectives["title"].tolist()  # stored verbatim: data, not code


def test_charts_render_as_svg(demo: Store) -> None:
    d = board(demo)
    for image in (d.stage_image, d.coverage_image, d.mix_image):
        assert image.value.startswith("<svg") and image.value.endswith("</svg>")
    assert ">Workbooks at each stage</text>" in d.stage_image.value


def test_read_again_picks_up_changes(demo: Store) -> None:
    d = board(demo, "rokafor")
    assert d.counts["pending"] == 1  # workbook 3's objectives, reopened: both must agree again
    emp = Services(demo, "dsilva")
    emp.confirm(3, "objectives", emp.open(3).subject_hash("objectives"), accept_reason="as is")
    d.refresh_button.click()
    assert d.status.kind == "ok", d.status.message
    assert d.counts["pending"] == 1
    assert "objectives: awaiting manager" in d.table.value


def test_a_coach_sees_only_her_workbooks(demo: Store) -> None:
    d = board(demo, "kwalsh")
    assert shown(d) == [1, 3, 4]
    assert d.counts["workbooks"] == 3
    assert [v for _label, v in d.manager.options] == ["", "hlambert", "rokafor"]
    for name in ("Tuan Nguyen", "Sam Jones"):
        assert name not in d.table.value


# --- the same as the pandas table it replaced ------------------------------------------

STAGE_ORDER = {s.value: i for i, s in enumerate(Stage)}


def pandas_order(
    wbs: pd.DataFrame, stage: str, manager: str, attention: bool, search: str, sort: str, order: str
) -> list[int]:
    """The table's rows as the dashboard chose them when it worked on the workbooks frame."""
    wbs = wbs.copy()
    wbs["stage_order"] = wbs["stage"].map(STAGE_ORDER).astype("Int64")
    wbs["attention"] = (
        wbs["overdue_check_in"] | wbs["one_sided"].notna() | (wbs["pending"] != "")
    ).astype(bool)
    keep = pd.Series(True, index=wbs.index)
    if stage:
        keep &= wbs["stage"] == stage
    if manager:
        keep &= wbs["manager_id"] == manager
    if attention:
        keep &= wbs["attention"]
    words = search.strip().casefold()
    if words:
        found = pd.Series(False, index=wbs.index)
        for col in ("employee", "manager", "coach", "employee_id"):
            found |= wbs[col].fillna("").str.casefold().str.contains(words, regex=False)
        keep &= found
    ordered = wbs[keep.astype(bool)].sort_values(
        [sort, "workbook_id"],
        ascending=[order == "ascending", True],
        kind="stable",
        na_position="last",
        key=lambda c: c.str.casefold() if c.dtype == "string" else c,
    )
    return [int(n) for n in ordered["workbook_id"]]


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """About 60 workbooks at every stage; some names differ only in case, to tie."""
    path = tmp_path_factory.mktemp("dashboard") / "org.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        build_synthetic(store, 70, seed=3, today=dt.date(2027, 3, 1))
        op = Services.operator(store)
        boss = next(w.manager_id for w in op.workbooks())
        for i, name in enumerate(["anna lee", "Anna Lee", "ANNA LEE", "Ánna Lee"]):
            op.add_person(Person(id=f"tie{i}", name=name, manager_id=boss))
            op.create_workbook(f"tie{i}", boss, CYCLE[0], CYCLE[1])
        yield store
        W.Widget.close_all()


def test_filters_and_sorting_choose_the_same_rows_as_the_pandas_table(organisation: Store) -> None:
    """Every sort, both orders, under each kind of filter: the same rows in the same order
    (ties by workbook number; a missing date or coverage last, whichever the order)."""
    today = dt.date(2027, 3, 1)
    hr = next(p.id for p in organisation.find_people() if "admin" in {r.value for r in p.roles})
    d = dashboard_for(Services(organisation, hr), today=today)
    wbs = frames(Services(organisation, hr), today).workbooks
    assert len(wbs) >= 50 and wbs["last_check_in"].isna().any()
    assert wbs["coverage_share"].isna().any() and wbs["overdue_check_in"].any()
    managers = [v for _label, v in d.manager.options if v][:2]
    filters = [
        ("", "", False, ""),
        ("check_ins", "", False, ""),
        ("", managers[0], False, ""),
        ("", managers[1], True, ""),
        ("", "", True, ""),
        ("", "", False, "an"),
        ("review", "", False, "ANNA"),
    ]
    checked = 0
    for stage, manager, attention, search in filters:
        d.stage.value, d.manager.value = stage, manager
        d.attention.value, d.search.value = attention, search
        for _label, sort in SORTS:
            for order in ("ascending", "descending"):
                d.sort.value, d.order.value = sort, order
                expected = pandas_order(wbs, stage, manager, attention, search, sort, order)
                assert [r.workbook_id for r in d.rows()] == expected, (stage, manager, sort, order)
                assert shown(d) == expected[:PAGE_SIZE]
                checked += bool(expected)
    assert checked >= 70  # most combinations have rows to order


def test_counts_menus_and_charts_are_those_of_the_pandas_table(organisation: Store) -> None:
    today = dt.date(2027, 3, 1)
    hr = next(p.id for p in organisation.find_people() if "admin" in {r.value for r in p.roles})
    d = dashboard_for(Services(organisation, hr), today=today)
    wbs = frames(Services(organisation, hr), today).workbooks
    assert d.counts == {
        "workbooks": len(wbs),
        "pending": int((wbs["pending"] != "").sum()),
        "overdue": int(wbs["overdue_check_in"].sum()),
        "one_sided": int(wbs["one_sided"].notna().sum()),
    }
    per_stage = wbs["stage"].value_counts()
    assert d.stage.options[1:] == tuple(
        (f"{s.label} ({int(per_stage.get(s.value, 0))})", s.value) for s in Stage
    )
    pairs = set(zip(wbs["manager"], wbs["manager_id"], strict=True))
    assert sorted(d.manager.options[1:]) == sorted(pairs)
    names = [n.casefold() for n, _i in d.manager.options[1:]]
    assert names == sorted(names)
    assert d.stage_image.value == stage_chart(per_stage.to_dict())
    labels = wbs["workbook_id"].astype(str) + " " + wbs["employee"].fillna("")
    shares = wbs["coverage_share"].astype(object).where(wbs["coverage_share"].notna(), None)
    items = [
        (str(label), None if v is None else int(v)) for label, v in zip(labels, shares, strict=True)
    ]
    assert d.coverage_image.value == coverage_share_chart(items)
    kinds = {k: int(wbs[f"actions_{k}"].sum()) for k in ("experience", "exposure", "education")}
    assert d.mix_image.value == charts.mix_chart({k: n for k, n in kinds.items() if n})


def test_few_workbooks_get_a_labelled_bar_each(demo: Store) -> None:
    d = board(demo)
    wbs = frames(Services(demo, "hlambert"), TODAY).workbooks
    items = [
        (f"{n} {e}", int(c))
        for n, e, c in zip(wbs.workbook_id, wbs.employee, wbs.coverage_share, strict=True)
    ]
    assert d.coverage_image.value == coverage_share_chart(items)
    assert ">1 Mei Chen</text>" in d.coverage_image.value


# --- the page ---------------------------------------------------------------------------


@pytest.fixture
def page_as(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[pytest.MonkeyPatch]:
    for var in ("PMW_USER", "PMW_WORKBOOK", "PMW_ACTING", "PMW_WEB"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PMW_DATABASE_URL", demo_url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app_session.store.cache_clear()
    yield monkeypatch
    app_session.store().close()
    app_session.store.cache_clear()


@pytest.mark.parametrize("who", ["mchen", "rokafor"])
def test_the_page_is_for_coaches_and_hr_only(page_as: pytest.MonkeyPatch, who: str) -> None:
    page_as.setenv("PMW_USER", who)
    page = dashboard_page()
    text = " ".join(w.value for w in walk(page) if isinstance(w, W.HTML))
    assert "The dashboard is for coaches and HR." in text
    assert "href='home.ipynb'" in text
    assert not any(isinstance(w, Dashboard) for w in walk(page))
    assert "Mei Chen" not in text


@pytest.mark.parametrize(
    ("who", "expected"), [("kwalsh", [1, 3, 4]), ("hlambert", [1, 2, 3, 4, 5])]
)
def test_the_page_shows_coaches_and_admins_their_workbooks(
    page_as: pytest.MonkeyPatch, who: str, expected: list[int]
) -> None:
    page_as.setenv("PMW_USER", who)
    page = dashboard_page()
    boards = [w for w in walk(page) if isinstance(w, Dashboard)]
    assert len(boards) == 1
    assert shown(boards[0]) == expected


def test_the_page_without_a_known_person_asks_to_sign_in(page_as: pytest.MonkeyPatch) -> None:
    page_as.setenv("PMW_USER", "nobody-by-that-name")
    page = dashboard_page()
    text = " ".join(w.value for w in walk(page) if isinstance(w, W.HTML))
    assert "Please sign in with your personal link" in text
    assert not any(isinstance(w, Dashboard) for w in walk(page))
