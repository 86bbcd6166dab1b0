"""Tidy tables across every workbook a person may see, for coaches and HR.

:func:`frames` reads only the workbooks the person may see, by the rule of
:meth:`Services.workbooks` and :func:`.access.can_read`: an employee gets their
own workbooks, a manager those of their reports, a coach those they facilitate,
an admin all. Private notes never appear in any frame (not even one's own: these
frames are made to be shared and exported).

The reading is set-based: the store reads the visible workbooks' headers and
states in a few queries, whatever their number (:mod:`pmwidgets.store.many`), and
each row is a pure function of one workbook's
:class:`~pmwidgets.domain.state.WorkbookState`, by the domain's own rules
(:mod:`.reading`). What each workbook's row says depends on nothing but that
workbook's stored content, so the rows are cached in the store's one cache
(:mod:`pmwidgets.store.cache`), per database and language, under the hash of the
workbook's latest event: the next call reads again only the workbooks that changed
since (:func:`warm` fills this at start-up).

The rows come first, as plain Python: :func:`workbook_summaries` gives one
:class:`WorkbookSummary` per workbook (the ``workbooks`` frame's columns as
fields, None for a missing value, dates as :class:`datetime.date`) and never
imports pandas, so the dashboard's kernel does without it (about 58 MiB; see
docs/performance.md). :func:`frames` is a thin typed layer over the same rows
for exports and notebooks (:mod:`.tables`): the ``workbooks`` frame is built at
once, the other frames when first used.

Each frame has one row per thing, with typed columns: dates are
``datetime64`` (``NaT`` when missing), counts and numbers ``Int64``, text
``string`` (``<NA>`` when missing), flags ``bool``.

``workbooks``: one row per workbook
    ``workbook_id``; ``employee_id``, ``employee``, ``manager_id``, ``manager``,
    ``coach_id``, ``coach`` (ids and names; the coach may be missing);
    ``cycle_start``, ``cycle_end``; ``stage`` (its value, e.g. ``check_ins``),
    ``stage_label`` and ``next_step`` (in words); ``job_title`` (missing before
    a job description is set); ``version`` (bumped by every write);
    ``objectives`` (count) and ``weight_total`` (sum of their weights);
    ``check_ins`` (count) and ``last_check_in`` (date of the latest);
    ``next_check_in_due``: six weeks after the latest conversation (the later of
    the last check-in and the last agreement), or six weeks after the cycle
    starts when there was neither; ``overdue_check_in``: the stage is check-ins
    (not review, not closed: their check-ins are over) and ``next_check_in_due``
    is before ``today``; ``pending``: the
    subjects one party confirmed that await the other, e.g.
    ``"objectives: awaiting manager"``, comma separated (empty when none);
    ``one_sided``: ``employee`` or ``manager`` when that party wrote every
    contribution (see :mod:`pmwidgets.domain.participation`), else missing;
    ``employee_contributions``, ``manager_contributions``;
    ``responsibilities`` (in the job description), ``responsibilities_covered``
    (served by an objective), ``responsibilities_excused`` (left out with a
    reason); ``coverage_share``: percent of working time served by an
    objective (missing without a job description); ``actions_experience``,
    ``actions_exposure``, ``actions_education``: development actions by kind.

``objectives``: one row per objective
    ``workbook_id``, ``objective`` (its number), ``title``,
    ``responsibilities`` (the numbers it serves, e.g. ``"1, 2"``), ``measure``,
    ``target``, ``due``, ``weight``, ``proposed_by`` (person id);
    ``latest_percent`` and ``latest_status`` from the newest check-in that
    reports progress on it (missing when none does); ``agreed``: the objectives
    as they stand now are agreed by both.

``events``: one row per event of the visible workbooks, oldest first
    ``seq``, ``at`` (UTC timestamp), ``workbook_id``, ``actor_id``, ``actor``
    (name), ``facilitator`` (the coach's name, when facilitated), ``action``
    (e.g. ``objective.updated``), ``what`` (in words, e.g. ``changed objective
    2 “Cut delays”``), ``reason``.

``check_ins``: one row per check-in
    ``workbook_id``, ``check_in`` (its number), ``on``, ``author_id``,
    ``author`` (name), ``goal``, ``reality``, ``options``, ``will``,
    ``objectives_discussed`` (numbers with progress given, e.g. ``"1, 3"``),
    ``amendments`` (how many were proposed).

``actions``: one row per development action
    ``workbook_id``, ``kind`` (``experience``, ``exposure`` or ``education``),
    ``description``, ``gap`` (the competency), ``objective`` (its number),
    ``due``, ``status`` (``planned``, ``in_progress``, ``done``, ``dropped``).
"""

from __future__ import annotations

from .columns import (
    ACTION_COLUMNS,
    CHECK_IN_COLUMNS,
    CHECK_IN_INTERVAL,
    CHECK_IN_STAGES,
    CHECK_IN_VALUES,
    EVENT_COLUMNS,
    OBJECTIVE_COLUMNS,
    WORKBOOK_COLUMNS,
    WorkbookSummary,
)
from .summaries import forget, warm, workbook_summaries
from .tables import Frames, frames, summaries_frame

__all__ = [
    "ACTION_COLUMNS",
    "CHECK_IN_COLUMNS",
    "CHECK_IN_INTERVAL",
    "CHECK_IN_STAGES",
    "CHECK_IN_VALUES",
    "EVENT_COLUMNS",
    "OBJECTIVE_COLUMNS",
    "WORKBOOK_COLUMNS",
    "Frames",
    "WorkbookSummary",
    "forget",
    "frames",
    "summaries_frame",
    "warm",
    "workbook_summaries",
]
