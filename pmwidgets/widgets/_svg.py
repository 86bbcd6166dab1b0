"""Charts as inline SVG, drawn in the kernel from plain Python (private to the widgets).

An SVG in a ``widgets.HTML`` renders the same in JupyterLab, in Voila and in a
browser's print, scales without blurring, needs no front-end extension and no
internet, and costs the kernel nothing to import. (They were matplotlib PNGs
until the benchmarks showed matplotlib adding about 45 MiB and 0.4-1 s to every
step page's kernel: see docs/performance.md.) Every text in a chart is escaped,
and every chart says its numbers in words too (its title, labels and the
``description`` kept for assistive text), so colour is never the only signal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as W

from ..domain.i18n import _
from .lean import make

EMPLOYEE = "#2a6f97"
MANAGER = "#e07a1f"
REQUIRED = "#6c757d"
MIX = {"experience": "#2a9d8f", "exposure": "#e9c46a", "education": "#8e7dbe"}
COVERAGE = {"covered": "#2a9d8f", "excused": "#e9c46a", "missing": "#d62828"}
PALETTE = (
    "#2a6f97", "#e07a1f", "#2a9d8f", "#d62828", "#8e7dbe",
    "#6a994e", "#bc6c25", "#577590", "#c9184a", "#7f5539",
)  # fmt: skip

WIDTH = 640
_FONT = "font-family='inherit'"


@dataclass(frozen=True)
class Segment:
    """A piece of a horizontal bar: from ``start`` for ``length`` units, in ``colour``."""

    length: float
    colour: str
    start: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Lane:
    """One bar of a group (one or more segments), with optional text after it."""

    segments: tuple[Segment, ...]
    text: str = ""


class Chart(W.HTML):
    """An HTML widget holding an SVG chart; ``alt`` says its numbers in words.

    ``alt`` is kept in the kernel (for tests and for the page's text), not as the
    widget's ``description``: an HTML widget shows its description as a label.
    """

    alt: str = ""


def chart(svg: str, alt: str, width: str = "640px") -> Chart:
    """A chart widget from an SVG, with its description in words."""
    widget = make(Chart, value=svg, layout={"width": width, "max_width": "100%"})
    widget.alt = alt
    widget.add_class("pmw-chart")
    return widget


def _text(
    x: float, y: float, words: str, anchor: str = "start", extra: str = "", size: int = 12
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {_FONT} font-size='{size}' {extra}>"
        f"{escape(words)}</text>"
    )


def _svg(height: float, title: str, body: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height:.0f}' "
        f"width='100%' role='img' aria-label='{escape(title, quote=True)}' "
        "style='max-width:640px;display:block;background:#fff'>"
        f"<title>{escape(title)}</title>"
        + _text(WIDTH / 2, 18, title, "middle", "font-weight='600'", size=13)
        + "".join(body)
        + "</svg>"
    )


def _legend(items: Sequence[tuple[str, str]], y: float) -> tuple[list[str], float]:
    """Swatches and labels in rows from ``y``; returns the parts and the height used."""
    parts, x, row = [], 12.0, 0
    for label, colour in items:
        w = 24 + 6.6 * len(label)
        if x + w > WIDTH - 8 and x > 12:
            x, row = 12.0, row + 1
        top = y + row * 18
        parts.append(f"<rect x='{x:.1f}' y='{top:.1f}' width='12' height='12' fill='{colour}'/>")
        parts.append(_text(x + 17, top + 10.5, label))
        x += w
    return parts, (row + 1) * 18 if items else 0


def hbars(
    title: str,
    groups: Sequence[tuple[str, Sequence[Lane]]],
    xmax: float,
    xlabel: str,
    ticks: Sequence[float],
    legend: Sequence[tuple[str, str]] = (),
    label_width: int = 190,
) -> str:
    """Horizontal bars: one group per label, one or more lanes (bars) per group."""
    lane_h, gap, top = 13.0, 9.0, 34.0
    left, right = float(label_width), WIDTH - 60.0
    scale = (right - left) / (xmax or 1)
    body: list[str] = []
    y = top
    for label, lanes in groups:
        height = lane_h * max(len(lanes), 1)
        body.append(_text(left - 8, y + height / 2 + 4, _short(label, label_width), "end"))
        for i, lane in enumerate(lanes):
            ly = y + i * lane_h
            end = 0.0
            for s in lane.segments:
                x = left + s.start * scale
                body.append(
                    f"<rect x='{x:.1f}' y='{ly + 1:.1f}' width='{max(s.length * scale, 0):.1f}' "
                    f"height='{lane_h - 2:.1f}' fill='{s.colour}' fill-opacity='{s.opacity}'/>"
                )
                end = max(end, s.start + s.length)
            if lane.text:
                body.append(_text(left + end * scale + 4, ly + lane_h - 3, lane.text))
        y += height + gap
    bottom = y - gap + 4
    grid = [
        f"<line x1='{left + t * scale:.1f}' y1='{top - 4}' x2='{left + t * scale:.1f}' "
        f"y2='{bottom:.1f}' stroke='#ccc' stroke-width='0.6'/>"
        + _text(left + t * scale, bottom + 14, _number(t), "middle")
        for t in ticks
    ]
    axis = [_text((left + right) / 2, bottom + 30, xlabel, "middle")] if xlabel else []
    keys, used = _legend(legend, bottom + (40 if xlabel else 24))
    height = bottom + (40 if xlabel else 24) + used + 6
    return _svg(height, title, grid + body + axis + keys)


def lines(
    title: str,
    series: Mapping[str, Sequence[tuple[dt.date, float]]],
    ymax: float,
    ylabel: str,
) -> str:
    """Values over dates, one line per series, with a legend below."""
    left, right, top, bottom = 56.0, WIDTH - 20.0, 34.0, 214.0
    days = [d for points in series.values() for d, _v in points]
    first, last = (min(days), max(days)) if days else (dt.date.today(), dt.date.today())
    span = max((last - first).days, 1)

    def xy(day: dt.date, value: float) -> tuple[float, float]:
        x = (
            left + (day - first).days / span * (right - left)
            if last != first
            else (left + right) / 2
        )
        return x, bottom - value / ymax * (bottom - top)

    body: list[str] = []
    for t in range(0, int(ymax) + 1, 25):
        _x, y = xy(first, t)
        body.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{right}' y2='{y:.1f}' stroke='#ddd' stroke-width='0.6'/>"
            + _text(left - 6, y + 4, str(t), "end")
        )
    for day in sorted(set(days)):
        x, _y = xy(day, 0)
        body.append(_text(x, bottom + 15, day.strftime("%d %b"), "middle", size=10))
    body.append(
        _text(
            14,
            (top + bottom) / 2,
            ylabel,
            "middle",
            f"transform='rotate(-90 14 {(top + bottom) / 2:.0f})'",
        )
    )
    legend = []
    for i, (label, points) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        dash = "" if i < len(PALETTE) else " stroke-dasharray='5 3'"
        coords = [xy(d, v) for d, v in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(
            f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'{dash}/>"
        )
        body += [f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'/>" for x, y in coords]
        legend.append((_short(label, 300), colour))
    keys, used = _legend(legend, bottom + 28)
    return _svg(bottom + 28 + used + 6, title, body + keys)


def _short(label: str, width: float) -> str:
    """Cut a label to what fits in ``width`` pixels (about 6.6 px a character)."""
    room = max(int(width / 6.6) - 1, 4)
    return label if len(label) <= room else label[: room - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}"


# --- the product's charts ---------------------------------------------------------


def gap_chart(rows: Sequence[tuple[str, int, int | None, int | None]]) -> str:
    """Required level against the employee's and the manager's ratings, per competency.

    ``rows`` holds (competency, required, employee rating, manager rating).
    """
    groups = [
        (
            name,
            [
                Lane((Segment(required, REQUIRED),)),
                Lane((Segment(employee or 0, EMPLOYEE),), "" if employee else _("not rated")),
                Lane((Segment(manager or 0, MANAGER),), "" if manager else _("not rated")),
            ],
        )
        for name, required, employee, manager in rows
    ] or [(_("no competencies"), [])]
    legend = [(_("required"), REQUIRED), (_("employee"), EMPLOYEE), (_("manager"), MANAGER)]
    return hbars(
        _("Current proficiency against what the job requires"),
        groups,
        5,
        _("proficiency (1–5)"),
        range(0, 6),
        legend,
    )


def mix_chart(counts: dict[str, int]) -> str:
    """The development actions' mix of experience, exposure and education, against 70-20-10."""
    total = sum(counts.values())
    start, actual = 0.0, []
    for kind in ("experience", "exposure", "education"):
        share = 100 * counts.get(kind, 0) / total if total else 0.0
        actual.append(Segment(share, MIX[kind], start))
        start += share
    guide = (
        Segment(70, MIX["experience"], 0, 0.35),
        Segment(20, MIX["exposure"], 70, 0.35),
        Segment(10, MIX["education"], 90, 0.35),
    )
    legend = [
        (f"{_(kind)} {s.length:.0f}%", MIX[kind])
        for kind, s in zip(("experience", "exposure", "education"), actual, strict=True)
    ]
    return hbars(
        _("Development actions by kind (%), against the 70-20-10 guide"),
        [(_("actions"), [Lane(tuple(actual))]), (_("70-20-10"), [Lane(guide)])],
        100,
        "",
        range(0, 101, 20),
        legend,
        label_width=90,
    )


def coverage_chart(rows: Sequence[tuple[int, int, str]]) -> str:
    """Share of time per responsibility, by coverage status ((number, share, status) rows)."""
    groups = [
        (str(number), [Lane((Segment(share, COVERAGE.get(status, "#999")),), _(status))])
        for number, share, status in rows
    ]
    top = max([s for _n, s, _st in rows] + [10])
    ticks = range(0, int(top * 1.35) + 1, 10)
    return hbars(
        _("Which responsibilities the objectives serve"),
        groups,
        top * 1.35,
        _("share of working time (%) for each responsibility"),
        ticks,
        label_width=40,
    )


def progress_chart(series: Mapping[str, Sequence[tuple[Any, int]]]) -> str:
    """Progress (%) per objective across check-ins: ``{label: [(date, percent), ...]}``."""
    return lines(_("Progress at each check-in"), series, 100, _("progress (%)"))
