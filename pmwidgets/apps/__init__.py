"""One function per notebook step; each assembles that step's page from widgets and services."""

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
