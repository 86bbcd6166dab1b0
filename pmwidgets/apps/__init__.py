"""One function per notebook step; each assembles that step's page from widgets and services.

Names are imported on first use (PEP 562), so a step page's kernel loads only that
page's modules: the dashboard's pandas and the PDF writer stay out of the objectives
page (see docs/performance.md, "lazy imports").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .agreement import agreement_page
    from .dashboard import dashboard_page
    from .home import home_page
    from .pages import (
        StepPage,
        check_ins_page,
        development_page,
        job_description_page,
        objectives_page,
        review_page,
        start_page,
    )

_WHERE = {
    "agreement_page": "agreement",
    "dashboard_page": "dashboard",
    "home_page": "home",
    "StepPage": "pages",
    "check_ins_page": "pages",
    "development_page": "pages",
    "job_description_page": "pages",
    "objectives_page": "pages",
    "review_page": "pages",
    "start_page": "pages",
}

__all__ = [
    "StepPage",
    "agreement_page",
    "check_ins_page",
    "dashboard_page",
    "development_page",
    "home_page",
    "job_description_page",
    "objectives_page",
    "review_page",
    "start_page",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` the first time it is asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
