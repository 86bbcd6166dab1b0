"""Dashboard: where every workbook stands, for a coach or an HR lead looking across many."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as W
import pandas as pd

from ..domain.i18n import _, format_date
from ..domain.model import Stage
from ..services import Services
from ..services.frames import Frames, frames
from . import charts
from .base import WIDE, StatusArea, button, esc, heading
from .dashboard_charts import coverage_share_chart, stage_chart
from .session_bar import STEPS

#: rows shown on one page of the table.
PAGE_SIZE = 50
#: the sort menu: (label, column of the workbooks frame).
SORTS: tuple[tuple[str, str], ...] = (
    ("Workbook number", "workbook_id"),
    ("Employee", "employee"),
    ("Manager", "manager"),
    ("Stage", "stage_order"),
    ("Last check-in", "last_check_in"),
    ("Next check-in due", "next_check_in_due"),
    ("Coverage of the job", "coverage_share"),
)
#: short link texts for the steps, so that a row stays compact (the full label is its title).
SHORT_STEPS: dict[str, str] = {
    "00_start_here": "Start",
    "01_job_description": "1 Job",
    "03_development_plan": "3 Plan",
}
_STAGE_ORDER = {s.value: i for i, s in enumerate(Stage)}


class Dashboard(W.VBox):
    """Headline counts, a filterable and sortable table of workbooks, and charts.

    Everything comes from :func:`pmwidgets.services.frames.frames`, so only the
    workbooks the person may see are shown, and no private note. Each row links
    to its workbook's steps and to its agreement document.

    Parameters
    ----------
    services:
        The services of the person looking (a coach or an admin).
    link_base:
        Prefix of the links to the step pages (empty: relative to this page).
    page_size:
        Rows per page of the table.
    today:
        The day overdue check-ins are judged against (default: today).

    Examples
    --------
    >>> board = Dashboard(Services(store, "kwalsh"))  # doctest: +SKIP
    >>> board.attention.value = True  # doctest: +SKIP
    >>> board.rows()[["employee", "pending"]]  # doctest: +SKIP
    """

    def __init__(
        self,
        services: Services,
        link_base: str = "",
        page_size: int = PAGE_SIZE,
        today: dt.date | None = None,
    ) -> None:
        self.services = services
        self.link_base = link_base
        self.page_size = max(1, page_size)
        self.today = today
        self.page = 0
        self.counts: dict[str, int] = {}
        self.frames: Frames | None = None
        self._table = pd.DataFrame()
        self._quiet = False
        self.status = StatusArea()
        guard = self.status.guard
        self.headline = W.HTML()
        self.stage = W.Dropdown(description=_("Stage"), style=WIDE)
        self.manager = W.Dropdown(description=_("Manager"), style=WIDE)
        self.search = W.Text(
            description=_("Search names"),
            placeholder=_("employee, manager or coach"),
            style=WIDE,
        )
        self.attention = W.Checkbox(
            description=_("Only those needing attention (overdue, one-sided or awaiting)"),
            indent=False,
        )
        self.attention.layout.width = "auto"
        self.sort = W.Dropdown(
            description=_("Sort by"), options=[(_(label), col) for label, col in SORTS], style=WIDE
        )
        self.order = W.ToggleButtons(
            description=_("Order"),
            options=[(_("Ascending"), "ascending"), (_("Descending"), "descending")],
            style={"description_width": "4em"},
        )
        for control in (self.stage, self.manager, self.search, self.attention):
            control.observe(guard(self._on_filter), names="value")
        for control in (self.sort, self.order):
            control.observe(guard(self._on_sort), names="value")
        self.table = W.HTML()
        self.table.add_class("pmw-dashboard-table")
        self.previous_button = button(_("Previous"), tooltip=_("Previous page of workbooks"))
        self.next_button = button(_("Next"), tooltip=_("Next page of workbooks"))
        self.page_label = W.Label()
        self.previous_button.on_click(guard(lambda _b: self.go_to(self.page - 1)))
        self.next_button.on_click(guard(lambda _b: self.go_to(self.page + 1)))
        self.refresh_button = button(_("Read again"), tooltip=_("Read every workbook again"))
        self.refresh_button.on_click(guard(self._on_refresh))
        self.stage_image = charts.chart("", _("Workbooks at each stage"))
        self.coverage_image = charts.chart("", _("Coverage of the job descriptions"))
        self.mix_image = charts.chart("", _("Development actions by kind"))
        super().__init__(
            [
                self.headline,
                W.HBox([self.stage, self.manager]),
                W.HBox([self.search, self.attention]),
                W.HBox([self.sort, self.order]),
                self.table,
                W.HBox([self.previous_button, self.page_label, self.next_button]),
                heading(_("Across all these workbooks")),
                self.stage_image,
                self.coverage_image,
                self.mix_image,
                self.refresh_button,
                self.status,
            ]
        )
        self.add_class("pmw-dashboard")
        self.refresh()

    # --- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read every visible workbook again; keep the filters where they still apply."""
        self.frames = frames(self.services, self.today)
        wbs = self.frames.workbooks.copy()
        wbs["stage_order"] = wbs["stage"].map(_STAGE_ORDER).astype("Int64")
        wbs["attention"] = (
            wbs["overdue_check_in"] | wbs["one_sided"].notna() | (wbs["pending"] != "")
        ).astype(bool)
        self._table = wbs
        self.counts = {
            "workbooks": len(wbs),
            "pending": int((wbs["pending"] != "").sum()),
            "overdue": int(wbs["overdue_check_in"].sum()),
            "one_sided": int(wbs["one_sided"].notna().sum()),
        }
        self._quiet = True
        try:
            per_stage = wbs["stage"].value_counts()
            stage_chosen = self.stage.value or ""
            self.stage.options = [(_("All stages"), "")] + [
                (f"{s.label} ({int(per_stage.get(s.value, 0))})", s.value) for s in Stage
            ]
            self.stage.value = stage_chosen
            managers = sorted(
                set(zip(wbs["manager"], wbs["manager_id"], strict=True)),
                key=lambda m: str(m[0]).casefold(),
            )
            chosen = self.manager.value
            self.manager.options = [(_("All managers"), ""), *[(n, i) for n, i in managers]]
            self.manager.value = chosen if chosen in {i for _n, i in managers} else ""
        finally:
            self._quiet = False
        self.headline.value = self._headline()
        self._charts()
        self._redraw()

    def rows(self) -> pd.DataFrame:
        """The workbooks that pass the filters, in the chosen order (all pages)."""
        wbs = self._table
        if wbs.empty:
            return wbs
        keep = pd.Series(True, index=wbs.index)
        if self.stage.value:
            keep &= wbs["stage"] == self.stage.value
        if self.manager.value:
            keep &= wbs["manager_id"] == self.manager.value
        if self.attention.value:
            keep &= wbs["attention"]
        words = self.search.value.strip().casefold()
        if words:
            found = pd.Series(False, index=wbs.index)
            for col in ("employee", "manager", "coach", "employee_id"):
                text = wbs[col].fillna("").str.casefold()
                found |= text.str.contains(words, regex=False)
            keep &= found
        column = self.sort.value or "workbook_id"
        return wbs[keep.astype(bool)].sort_values(
            [column, "workbook_id"],
            ascending=[self.order.value == "ascending", True],
            kind="stable",
            na_position="last",
            key=_sort_key,
        )

    @property
    def pages(self) -> int:
        """How many pages the filtered table takes (at least one)."""
        return self._pages(len(self.rows()))

    def go_to(self, page: int) -> None:
        """Show page ``page`` (counted from 0; kept within the pages there are)."""
        self.page = max(0, page)
        self._redraw()

    def _pages(self, n: int) -> int:
        return max(1, -(-n // self.page_size))

    # --- drawing ----------------------------------------------------------------------

    def _headline(self) -> str:
        c = self.counts
        cards = [
            (c["workbooks"], _("workbooks"), ""),
            (c["pending"], _("awaiting the other party's agreement"), "pending"),
            (c["overdue"], _("with a check-in overdue"), "overdue"),
            (c["one_sided"], _("one-sided: only one party writes"), "one-sided"),
        ]
        items = "".join(
            f"<div class='pmw-card pmw-dashboard-count' data-count='{esc(key)}'>"
            f"<div class='pmw-title'>{int(n)}</div><div>{esc(label)}</div></div>"
            for n, label, key in cards
        )
        return f"<div class='pmw-dashboard-counts'>{items}</div>"

    def _charts(self) -> None:
        assert self.frames is not None
        wbs = self.frames.workbooks
        self.stage_image.value = stage_chart(wbs["stage"].value_counts().to_dict())
        labels = wbs["workbook_id"].astype(str) + " " + wbs["employee"].fillna("")
        shares = wbs["coverage_share"].astype(object).where(wbs["coverage_share"].notna(), None)
        items = [
            (label, None if share is None else int(share))
            for label, share in zip(labels, shares, strict=True)
        ]
        self.coverage_image.value = coverage_share_chart(items)
        # the actions' kinds are counted per workbook already: no need to read every action
        kinds = {k: int(wbs[f"actions_{k}"].sum()) for k in ("experience", "exposure", "education")}
        self.mix_image.value = charts.mix_chart({k: n for k, n in kinds.items() if n})

    def _redraw(self) -> None:
        rows = self.rows()
        pages = self._pages(len(rows))
        self.page = min(self.page, pages - 1)
        shown = rows.iloc[self.page * self.page_size : (self.page + 1) * self.page_size]
        self.table.value = self._html(shown)
        self.page_label.value = _("Page {page} of {pages} ({n} workbooks)").format(
            page=self.page + 1, pages=pages, n=len(rows)
        )
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1

    def _html(self, rows: pd.DataFrame) -> str:
        headers = [
            _("No."), _("Employee"), _("Job"), _("Stage"), _("Check-ins"), _("Coverage"),
            _("Contributions"), _("Awaiting"), _("Open a step"), _("Agreement document"),
        ]  # fmt: skip
        head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in headers)
        body = "".join(self._row(r) for r in rows.to_dict("records"))
        if not body:
            text = _("No workbooks match these filters.")
            body = f"<tr><td colspan='{len(headers)}'>{esc(text)}</td></tr>"
        return (
            "<table class='pmw-table pmw-dashboard-rows'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def _row(self, r: dict[str, Any]) -> str:
        n = int(r["workbook_id"])
        coach = esc(_("coach: {name}").format(name=r["coach"])) if _present(r["coach"]) else ""
        person = (
            f"<strong>{esc(r['employee'])}</strong><br><span class='pmw-muted'>"
            f"{esc(_('with {m}').format(m=r['manager']))}</span>"
            f"<div class='pmw-muted'>{coach}</div>"
        )
        stage = f"{esc(r['stage_label'])}<div class='pmw-muted'>{esc(r['next_step'])}</div>"
        last = _date(r["last_check_in"])
        visits = _("{n}, last on {day}").format(n=int(r["check_ins"]), day=last)
        check_ins = esc(visits if last else _("none yet"))
        if r["stage"] in ("check_ins", "review"):
            due = _("next due {day}").format(day=_date(r["next_check_in_due"]))
            check_ins += f"<div class='pmw-muted'>{esc(due)}</div>"
        if r["overdue_check_in"]:
            check_ins += f"<div class='pmw-bad'>⚠ {esc(_('check-in overdue'))}</div>"
        if _present(r["coverage_share"]):
            cover = _("{share}% of time; {c} of {n} responsibilities").format(
                share=int(r["coverage_share"]),
                c=int(r["responsibilities_covered"]),
                n=int(r["responsibilities"]),
            )
            if r["responsibilities_excused"]:
                cover += " " + _("({n} left out with a reason)").format(
                    n=int(r["responsibilities_excused"])
                )
        else:
            cover = _("no job description yet")
        balance = _("employee {e} · manager {m}").format(
            e=int(r["employee_contributions"]), m=int(r["manager_contributions"])
        )
        if _present(r["one_sided"]):
            only = _("one-sided: only the {party} writes").format(party=_(str(r["one_sided"])))
            balance = f"{esc(balance)}<div class='pmw-bad'>⚠ {esc(only)}</div>"
        else:
            balance = esc(balance)
        pending = esc(r["pending"]) if r["pending"] else "<span class='pmw-muted'>—</span>"
        steps = " ".join(
            f"<a class='pmw-step' href='{self._href(stem, n)}' title='{esc(_(label))}' "
            f"aria-label='{esc(_(label))}'>{esc(_(SHORT_STEPS.get(stem, label)))}</a>"
            for stem, label in STEPS
        )
        document = f"<a href='{self._href('agreement', n)}'>{esc(_('Agreement (PDF)'))}</a>"
        cells = [
            str(n), person, esc(r["job_title"]) if _present(r["job_title"]) else "—", stage,
            check_ins, esc(cover), balance, pending, f"<nav class='pmw-steps'>{steps}</nav>",
            document,
        ]  # fmt: skip
        return f"<tr data-workbook='{n}'>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    def _href(self, stem: str, workbook_id: int) -> str:
        return esc(f"{self.link_base}{stem}.ipynb?workbook={int(workbook_id)}")

    # --- callbacks --------------------------------------------------------------------

    def _on_filter(self, _change: Any = None) -> None:
        if not self._quiet:
            self.page = 0
            self._redraw()

    def _on_sort(self, _change: Any = None) -> None:
        if not self._quiet:
            self._redraw()

    def _on_refresh(self, _b: Any = None) -> None:
        self.refresh()
        self.status.ok(_("Read {n} workbooks again.").format(n=self.counts["workbooks"]))


def _sort_key(column: pd.Series) -> pd.Series:
    """Names sort without regard to case; other columns as they are."""
    if column.dtype == "string":
        return column.str.casefold()
    return column


def _present(value: Any) -> bool:
    """Whether a cell holds a value (not None, NA or NaT)."""
    return not bool(pd.isna(value))


def _date(value: Any) -> str:
    if not _present(value):
        return ""
    return format_date(pd.Timestamp(value).date())
