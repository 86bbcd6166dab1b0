"""Old name of :mod:`._svg`, kept only until ``coverage_view`` imports ``_svg`` itself."""

from ._svg import Chart, chart, coverage_chart

__all__ = ["Chart", "chart", "coverage_chart"]
