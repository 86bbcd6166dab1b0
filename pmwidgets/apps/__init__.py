"""One function per notebook step; each assembles that step's page from widgets and services."""

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
    "check_ins_page",
    "development_page",
    "home_page",
    "job_description_page",
    "objectives_page",
    "review_page",
    "start_page",
]
