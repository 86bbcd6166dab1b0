"""What every benchmark returns: rows for the table in ``docs/performance.md``."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Row:
    """One measured quantity, with the spread of its samples and its target."""

    section: str
    measure: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: str = ""  # e.g. "<= 20 ms", "<= 1.10x bare"
    ratio: float | None = None  # against the bare-Voila reference, when there is one
    met: bool | None = None  # target met? None when there is no target
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def low(self) -> float:
        return min(self.samples) if self.samples else float("nan")

    @property
    def high(self) -> float:
        return max(self.samples) if self.samples else float("nan")


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
