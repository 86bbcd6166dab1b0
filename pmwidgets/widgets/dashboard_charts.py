"""Charts for the dashboard across workbooks, as inline SVG (see :mod:`.charts`).

Each chart writes its numbers on the bars as well, so that colour is never the
only signal and a chart can be read in black and white.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..domain.i18n import _
from ..domain.model import Stage
from ._svg import Lane, Segment, hbars

_BAR = "#2a6f97"
_COVERED = "#2a9d8f"
#: up to this many workbooks, coverage is drawn one bar per workbook; beyond, as a histogram.
MAX_BARS = 25


def _ticks(top: int) -> range:
    step = max(1, -(-top // 5))
    return range(0, top + 1, step)


def stage_chart(counts: Mapping[str, int]) -> str:
    """How many workbooks are at each stage, in journey order.

    Parameters
    ----------
    counts:
        Number of workbooks per stage value (``"check_ins"``: 3); stages
        missing from it count as none.
    """
    values = [(s.label, int(counts.get(s.value, 0))) for s in Stage]
    top = max([v for _l, v in values] + [1])
    groups = [(label, [Lane((Segment(v, _BAR),), str(v))]) for label, v in values]
    return hbars(
        _("Workbooks at each stage"),
        groups,
        top * 1.15,
        _("workbooks"),
        _ticks(top),
        label_width=150,
    )


def coverage_share_chart(items: Sequence[tuple[str, int | None]]) -> str:
    """How much of each job's working time the objectives serve.

    Parameters
    ----------
    items:
        (label, percent of time covered) per workbook; None when the workbook
        has no job description yet. Up to :data:`MAX_BARS` workbooks are drawn
        one bar each; more as a histogram of workbooks per band of 10%.
    """
    known = [(label, int(share)) for label, share in items if share is not None]
    title = _("Coverage of the job descriptions by objectives")
    axis = _("share of working time served by an objective (%)")
    if len(known) <= MAX_BARS:
        groups = [
            (label, [Lane((Segment(share, _COVERED),), f"{share}%")]) for label, share in known
        ] or [(_("no job descriptions yet"), [])]
        return hbars(title, groups, 115, axis, range(0, 101, 20))
    bands = [0] * 10
    for _label, share in known:
        bands[min(max(share, 0) // 10, 9)] += 1
    top = max([*bands, 1])
    groups = [
        (f"{10 * i}–{10 * i + 9 if i < 9 else 100}%", [Lane((Segment(n, _COVERED),), str(n or ""))])
        for i, n in enumerate(bands)
    ]
    return hbars(
        title, groups, top * 1.15, _("workbooks") + " — " + axis, _ticks(top), label_width=90
    )
