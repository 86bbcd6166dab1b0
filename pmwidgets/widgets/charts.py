"""Charts as PNG images, drawn in the kernel with matplotlib.

A PNG in a ``widgets.Image`` renders the same in JupyterLab, in Voila and in an
exported document, needs no front-end extension and no internet, and can be
checked in tests. matplotlib is imported only when the first chart is drawn.
Every chart says its numbers in words too (its title and labels), so colour is
never the only signal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from ..domain.i18n import _

_EMPLOYEE = "#2a6f97"
_MANAGER = "#e07a1f"
_REQUIRED = "#6c757d"
_MIX = {"experience": "#2a9d8f", "exposure": "#e9c46a", "education": "#8e7dbe"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    plt = _pyplot()
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def image(png: bytes, alt: str, width: str = "560px") -> W.Image:
    """An Image widget for a chart, with its description for screen readers."""
    img = W.Image(value=png, format="png")
    img.layout.width = width
    img.layout.max_width = "100%"
    img.add_class("pmw-chart")
    img.description = alt  # not shown; kept for tests and assistive text
    return img


def gap_chart(rows: Sequence[tuple[str, int, int | None, int | None]]) -> bytes:
    """Required level against the employee's and the manager's ratings, per competency.

    ``rows`` holds (competency, required, employee rating, manager rating).
    """
    plt = _pyplot()
    names = [r[0] for r in rows] or [_("no competencies")]
    fig, ax = plt.subplots(figsize=(6.4, 0.55 * max(len(names), 2) + 1.1))
    y = range(len(names))
    height = 0.26
    ax.barh(
        [i - height for i in y],
        [r[1] for r in rows] or [0],
        height,
        label=_("required"),
        color=_REQUIRED,
    )
    ax.barh(list(y), [r[2] or 0 for r in rows] or [0], height, label=_("employee"), color=_EMPLOYEE)
    ax.barh(
        [i + height for i in y],
        [r[3] or 0 for r in rows] or [0],
        height,
        label=_("manager"),
        color=_MANAGER,
    )
    ax.set_yticks(list(y), [n[:32] for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 5)
    ax.set_xticks(range(0, 6))
    ax.set_xlabel(_("proficiency (1–5)"))
    ax.set_title(_("Current proficiency against what the job requires"))
    ax.legend(loc="lower right", fontsize="small")
    return _png(fig)


def mix_chart(counts: dict[str, int]) -> bytes:
    """The development actions' mix of experience, exposure and education, against 70-20-10."""
    plt = _pyplot()
    total = sum(counts.values())
    fig, ax = plt.subplots(figsize=(6.4, 2.1))
    left = 0.0
    for kind in ("experience", "exposure", "education"):
        share = 100 * counts.get(kind, 0) / total if total else 0
        ax.barh(
            [_("actions")], [share], left=left, color=_MIX[kind], label=f"{_(kind)} {share:.0f}%"
        )
        left += share
    ax.barh([_("70-20-10")], [70], color=_MIX["experience"], alpha=0.35)
    ax.barh([_("70-20-10")], [20], left=70, color=_MIX["exposure"], alpha=0.35)
    ax.barh([_("70-20-10")], [10], left=90, color=_MIX["education"], alpha=0.35)
    ax.set_xlim(0, 100)
    ax.set_title(_("Development actions by kind (%), against the 70-20-10 guide"))
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, fontsize="small", frameon=False
    )
    return _png(fig)


def coverage_chart(rows: Sequence[tuple[int, int, str]]) -> bytes:
    """Share of time per responsibility, by coverage status ((number, share, status) rows)."""
    plt = _pyplot()
    colours = {"covered": "#2a9d8f", "excused": "#e9c46a", "missing": "#d62828"}
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * max(len(rows), 2) + 1.0))
    for number, share, status in rows:
        ax.barh([f"{number}"], [share], color=colours.get(status, "#999"))
        ax.text(share + 0.5, f"{number}", _(status), va="center", fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, max([s for _n, s, _st in rows] + [10]) * 1.35)
    ax.set_xlabel(_("share of working time (%)"))
    ax.set_ylabel(_("responsibility"))
    ax.set_title(_("Which responsibilities the objectives serve"))
    return _png(fig)


def progress_chart(series: dict[str, Sequence[tuple[Any, int]]]) -> bytes:
    """Progress (%) per objective across check-ins: ``{label: [(date, percent), ...]}``."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    for label, points in series.items():
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label[:40])
    ax.set_ylim(0, 105)
    ax.set_ylabel(_("progress (%)"))
    ax.set_title(_("Progress at each check-in"))
    if series:
        ax.legend(fontsize="x-small", loc="upper left")
    fig.autofmt_xdate()
    return _png(fig)
