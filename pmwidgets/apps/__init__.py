"""One function per notebook step; each assembles that step's page from widgets and services.

Names are imported on first use (PEP 562), so a step page's kernel loads only that
page's modules: the dashboard's pandas and the PDF writer stay out of the objectives
page (see docs/performance.md, "lazy imports").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

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
        session_app,
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
    "session_app": "pages",
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
    "session_app",
    "start_page",
]

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
