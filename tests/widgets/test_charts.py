"""The SVG charts: numbers drawn to scale, every text escaped, words beside colour."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from pmwidgets.widgets import _svg as charts
from pmwidgets.widgets.dashboard_charts import coverage_share_chart, stage_chart

XSS = "<img src=x onerror=alert(1)>&\"'"
NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def widths(svg: str, colour: str) -> list[float]:
    return [
        float(r.get("width", "0"))
        for r in parse(svg).iter(f"{NS}rect")
        if r.get("fill") == colour and r.get("height") != "12"  # 12: legend swatches
    ]


def test_gap_chart_draws_each_rating_to_scale() -> None:
    svg = charts.gap_chart([("Diagnostics", 4, 2, None), ("Teaching", 3, 3, 5)])
    required = widths(svg, charts.REQUIRED)
    employee = widths(svg, charts.EMPLOYEE)
    manager = widths(svg, charts.MANAGER)
    unit = required[0] / 4
    assert required[1] == 3 * unit and employee == [2 * unit, 3 * unit]
    assert manager == [0.0, 5 * unit]
    assert "not rated" in svg  # a missing rating is said, not only left blank
    texts = [t.text for t in parse(svg).iter(f"{NS}text")]
    assert {"required", "employee", "manager"} <= set(texts)


def test_every_label_is_escaped() -> None:
    svgs = [
        charts.gap_chart([(XSS, 3, 1, 2)]),
        charts.progress_chart({XSS: [(dt.date(2026, 10, 1), 10), (dt.date(2026, 11, 1), 40)]}),
        coverage_share_chart([(XSS, 50)]),
    ]
    for svg in svgs:
        assert "<img" not in svg and "&lt;img" in svg
        root = parse(svg)
        assert not list(root.iter("img")) and not list(root.iter(f"{NS}script"))


def test_progress_chart_has_a_line_per_series_and_percent_scale() -> None:
    day = dt.date(2026, 10, 1)
    series = {
        f"Objective {n}": [(day, 0), (day + dt.timedelta(days=28), 10 * n)] for n in (1, 2, 3)
    }
    svg = charts.progress_chart(series)
    lines = list(parse(svg).iter(f"{NS}polyline"))
    assert len(lines) == 3
    ys = [[float(p.split(",")[1]) for p in line.get("points", "").split()] for line in lines]
    assert all(y[0] == ys[0][0] for y in ys)  # all start at 0%
    assert ys[0][1] > ys[1][1] > ys[2][1]  # higher percent is drawn higher
    assert re.search(r">01 Oct</text>", svg) and ">29 Oct</text>" in svg


def test_mix_chart_states_the_shares_in_words() -> None:
    svg = charts.mix_chart({"experience": 2, "exposure": 1, "education": 1})
    assert "experience 50%" in svg and "exposure 25%" in svg and "education 25%" in svg


def test_many_workbooks_become_a_histogram_of_coverage() -> None:
    items = [(f"wb {i}", i % 101) for i in range(200)] + [("no job", None)]
    svg = coverage_share_chart(items)
    assert ">90–100%</text>" in svg and "wb 1" not in svg
    counts = sorted(int(t.text) for t in parse(svg).iter(f"{NS}text") if (t.text or "").isdigit())
    assert sum(c for c in counts if c >= 10 and c < 100) >= 190  # band counts add up


def test_stage_chart_lists_every_stage_in_order() -> None:
    svg = stage_chart({"check_ins": 3, "review": 1})
    labels = [t.text for t in parse(svg).iter(f"{NS}text")]
    assert labels.index("Check-ins") < labels.index("Review")


def test_a_chart_widget_shows_no_label_beside_it() -> None:
    widget = charts.chart(charts.mix_chart({"experience": 1}), "1 action: 100% experience")
    assert widget.description == ""  # an HTML widget would draw its description as a label
    assert widget.alt == "1 action: 100% experience"
