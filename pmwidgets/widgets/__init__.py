"""Composite ipywidgets for performance management: pure views, data in, callbacks out.

Each widget takes domain objects (a :class:`~pmwidgets.domain.state.WorkbookState`,
an :class:`~pmwidgets.domain.model.Objective`) and reports what the person did
through ``on_<event>`` callbacks; editors expose a two-way ``value`` trait. None
touches a database: ``pmwidgets.apps`` wires them to the services.

Examples
--------
>>> from pmwidgets.domain.examples import example_state
>>> from pmwidgets.widgets import ObjectiveList
>>> ObjectiveList(example_state()).chooser.options[0]
('1. Cut delayed practical sessions', 1)

Names are imported on first use (PEP 562): ``import pmwidgets.widgets`` costs
ipywidgets, and each widget's module only when that widget is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .agreement_panel import AgreementPanel
    from .check_in_log import CheckInLog
    from .conflict_view import ConflictSlot, ConflictView
    from .coverage_view import CoverageView
    from .dashboard import Dashboard
    from .development_planner import DevelopmentPlanner
    from .history_view import HistoryView
    from .job_description_editor import JobDescriptionEditor
    from .objective_editor import ObjectiveEditor
    from .objective_list import ObjectiveList
    from .review_form import ReviewForm
    from .session_bar import SessionBar
    from .workbook_picker import WorkbookPicker

_WHERE = {
    "AgreementPanel": "agreement_panel",
    "CheckInLog": "check_in_log",
    "ConflictSlot": "conflict_view",
    "ConflictView": "conflict_view",
    "CoverageView": "coverage_view",
    "Dashboard": "dashboard",
    "DevelopmentPlanner": "development_planner",
    "HistoryView": "history_view",
    "JobDescriptionEditor": "job_description_editor",
    "ObjectiveEditor": "objective_editor",
    "ObjectiveList": "objective_list",
    "ReviewForm": "review_form",
    "SessionBar": "session_bar",
    "WorkbookPicker": "workbook_picker",
}

__all__ = [
    "AgreementPanel",
    "CheckInLog",
    "ConflictSlot",
    "ConflictView",
    "CoverageView",
    "Dashboard",
    "DevelopmentPlanner",
    "HistoryView",
    "JobDescriptionEditor",
    "ObjectiveEditor",
    "ObjectiveList",
    "ReviewForm",
    "SessionBar",
    "WorkbookPicker",
]

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
