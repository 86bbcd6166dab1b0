"""Charts for the dashboard across workbooks, as PNG images (see :mod:`.charts`).

Each chart writes its numbers on the bars as well, so that colour is never the
only signal and a chart can be read in black and white.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..domain.i18n import _
from ..domain.model import Stage
from .charts import _png, _pyplot

_BAR = "#2a6f97"
_COVERED = "#2a9d8f"
#: up to this many workbooks, coverage is drawn one bar per workbook; beyond, as a histogram.
MAX_BARS = 25


def stage_chart(counts: Mapping[str, int]) -> bytes:
    """How many workbooks are at each stage, in journey order.

    Parameters
    ----------
    counts:
        Number of workbooks per stage value (``"check_ins"``: 3); stages
        missing from it count as none.
    """
    plt = _pyplot()
    labels = [s.label for s in Stage]
    values = [int(counts.get(s.value, 0)) for s in Stage]
    fig, ax = plt.subplots(figsize=(6.4, 2.9))
    bars = ax.barh(labels, values, color=_BAR)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, max([*values, 1]) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(_("workbooks"))
    ax.set_title(_("Workbooks at each stage"))
    return _png(fig)


def coverage_share_chart(items: Sequence[tuple[str, int | None]]) -> bytes:
    """How much of each job's working time the objectives serve.

    Parameters
    ----------
    items:
        (label, percent of time covered) per workbook; None when the workbook
        has no job description yet. Up to :data:`MAX_BARS` workbooks are drawn
        one bar each; more as a histogram of workbooks per band of 10%.
    """
    plt = _pyplot()
    known = [(label, int(share)) for label, share in items if share is not None]
    if len(known) <= MAX_BARS:
        fig, ax = plt.subplots(figsize=(6.4, 0.38 * max(len(known), 2) + 1.2))
        labels = [label[:36] for label, _share in known] or [_("no job descriptions yet")]
        values = [share for _label, share in known] or [0]
        bars = ax.barh(range(len(labels)), values, color=_COVERED)
        ax.set_yticks(range(len(labels)), labels)
        ax.bar_label(bars, labels=[f"{v}%" for v in values], padding=3, fontsize="small")
        ax.invert_yaxis()
        ax.set_xlim(0, 115)
        ax.set_xlabel(_("share of working time served by an objective (%)"))
    else:
        fig, ax = plt.subplots(figsize=(6.4, 3.0))
        edges = list(range(0, 101, 10))
        counts, _edges, bars = ax.hist(
            [share for _label, share in known], bins=edges, color=_COVERED, edgecolor="white"
        )
        ax.bar_label(bars, labels=[str(int(c)) if c else "" for c in counts], fontsize="small")
        ax.set_xticks(edges)
        ax.set_ylim(0, max([*counts, 1]) * 1.15)
        ax.set_xlabel(_("share of working time served by an objective (%)"))
        ax.set_ylabel(_("workbooks"))
        ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(_("Coverage of the job descriptions by objectives"))
    return _png(fig)
