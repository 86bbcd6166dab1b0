"""JobDescriptionEditor: find, import or write the job description a workbook rests on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import EditConflict, ValidationFailed, describe_validation_error
from ..domain.i18n import _
from ..domain.model import Competency, JobDescription, Responsibility
from ..domain.rules import shares_check
from ..domain.state import WorkbookState
from ._jd_agreed import AgreedOrDrafting
from ._jd_parts import confirm_note, saved_html
from ._jd_rows import CompetencyRow, ResponsibilityRow
from ._jd_start import Found, Search
from ._two_way import filling, offer_choice, value_from_form
from .base import (
    StatusArea,
    button,
    check_line,
    esc,
    heading,
    html_widget,
    paragraph,
    text,
)
from .conflict_view import ConflictSlot
from .lean import close_replaced, make, show

__all__ = ["Found", "JobDescriptionEditor"]


class JobDescriptionEditor(AgreedOrDrafting):
    """Find, import or write a workbook's job description, and save it.

    Three starting points load a job description *into the editor* (nothing is
    stored until *Save*): a search (``on_search(query)`` returns what it found;
    ``on_pick(key)`` returns the one chosen), a file (``on_upload(name, data)``
    reads YAML, Markdown, CSV or Excel), or a blank form. Below the editor, the
    job description as saved in ``state`` is shown read-only, so both parties can
    read what they are about to confirm (confirmation itself happens in the
    agreement panel). ``value`` is the job description as it stands in the editor,
    or None while the fields do not make a valid one; setting it puts it into the
    editor. *Save* hands it to ``on_save(job, reason)``, against :attr:`based_on`,
    the version the typing started from; a refusal it raises is shown in words,
    and an :class:`EditConflict` shows both values under *Save* for a choice.

    Shares of time may be saved unfinished (not set, or not totalling 100%), as
    work in progress; the editor then says beside *Save* that the job
    description cannot be confirmed until they total 100%.

    Parameters
    ----------
    state:
        The workbook: its job description as saved, and where its agreement stands.
    names:
        People's names by id (whose the other value of a conflict is).
    on_save, on_cancel, on_search, on_pick, on_upload:
        The callbacks (``on_cancel``: the person drops a conflicting save).

    Examples
    --------
    >>> import datetime as dt
    >>> from pmwidgets.domain.model import Workbook
    >>> from pmwidgets.domain.state import WorkbookState
    >>> wb = Workbook(id=1, employee_id="mchen", manager_id="rokafor",
    ...               cycle_start=dt.date(2026, 9, 1), cycle_end=dt.date(2027, 8, 31))
    >>> editor = JobDescriptionEditor(WorkbookState(wb),
    ...     on_save=lambda job, reason: print(job.title, [r.share for r in job.responsibilities]))
    >>> editor.value is None  # a blank form: no title yet
    True
    >>> editor.title.value = "Workshop technician"
    >>> editor.resp_box.children[0].text.value = "Keeps the workshop safe"
    >>> editor.value.responsibilities[0].share
    100
    >>> editor.save_button.click()
    Workshop technician [100]
    >>> editor.status.message
    'Job description saved. Both of you now read it and confirm it.'
    """

    value = T.Instance(JobDescription, allow_none=True)
    state = T.Instance(WorkbookState)
    names = T.Dict()
    #: the workbook version the editor's content is based on (sent with a save)
    based_on = T.Int(0)

    def __init__(
        self,
        state: WorkbookState,
        names: Mapping[str, str] | None = None,
        *,
        on_save: Callable[[JobDescription, str], object] | None = None,
        on_cancel: Callable[[], None] | None = None,
        on_search: Search | None = None,
        on_pick: Callable[[tuple[str, Any]], JobDescription] | None = None,
        on_upload: Callable[[str, bytes], JobDescription] | None = None,
    ) -> None:
        self.on_save, self.on_cancel = on_save, on_cancel
        self.on_search, self.on_pick, self.on_upload = on_search, on_pick, on_upload
        self._found: dict[tuple[str, Any], Found] = {}
        self._clean: tuple[Any, ...] = ()
        self._source = ""
        self._saved: JobDescription | None = None
        self._ready = self._filling = self._saving = self._state_arrived = False
        self.status = StatusArea()
        self.start_box = make(W.VBox, children=self._starting_points())
        self.edit_box = make(W.VBox, children=self._editor_part())
        self.saved_box = make(
            W.VBox, children=[heading(_("As saved: what both of you confirm")), self.saved_view]
        )
        parts = [self._agreed_part(), self.start_box, self.edit_box, self.saved_box]
        super().__init__([heading(_("Job description"), 2), *parts])
        self.add_class("pmw-job-description-editor")
        self.names, self.state = dict(names or {}), state
        self.based_on = state.workbook.version
        self._saved = state.job
        self._load_saved(state.job)
        self._ready = True
        self._on_state(state)

    def _editor_part(self) -> list[W.Widget]:
        guard = self.status.guard
        self.title = text(_("Job title"))
        self.purpose = text(
            _("Purpose"), area=True, placeholder=_("What the job is for, in a sentence or two")
        )
        self.source_line = html_widget()
        self.resp_box = make(W.VBox)
        self.share_total = html_widget()
        self.add_resp_button = button(_("Add responsibility"))
        self.comp_box = make(W.VBox)
        self.add_comp_button = button(_("Add competency"))
        self.reason = text(
            _("Reason for change"),
            placeholder=_("Why this change: both see it in the record"),
        )
        self.save_button = button(_("Save job description"), "primary")
        #: beside Save: why what is in the editor could be saved but not yet confirmed
        self.confirm_note = html_widget(css="pmw-confirm-note")
        self.saved_view = html_widget(css="pmw-jd-saved")
        self.add_resp_button.on_click(guard(lambda _b: self._add_responsibility()))
        self.add_comp_button.on_click(guard(lambda _b: self._add_competency()))
        #: both changed one field: the two values side by side, under Save, for a choice
        self.conflicts = ConflictSlot(lambda _ids: self.names)
        self.save_button.on_click(guard(lambda _b: self.save(), on_conflict=self._conflict))
        for field in (self.title, self.purpose):
            field.observe(self._on_field, names="value")
        share_help = paragraph(_("Give each responsibility its share of working time."))
        resps = [heading(_("Responsibilities"), 4), share_help, self.resp_box, self.share_total]
        comps = [heading(_("Competencies"), 4), self.comp_box, self.add_comp_button]
        save = [self.reason, self.confirm_note, self.save_button, self.status, self.conflicts]
        edit = [heading(_("Edit")), self.title, self.purpose, self.source_line]
        return [*edit, *resps, self.add_resp_button, *comps, *save]

    # --- the editor -----------------------------------------------------------------

    def load_job(self, job: JobDescription | None) -> None:
        """Put ``job`` into the editor (None: a blank form); nothing is stored."""
        with filling(self), self.hold_trait_notifications():
            self.title.value = job.title if job else ""
            self.purpose.value = job.purpose if job else ""
            self._source = job.source if job else ""
            self.source_line.value = (
                f"<p class='pmw-muted'>{esc(_('Source: {source}').format(source=self._source))}</p>"
                if self._source
                else ""
            )
            self._load_rows(job, responsibilities=True, competencies=True)
        self._on_field()

    def _load_rows(
        self, job: JobDescription | None, responsibilities: bool, competencies: bool
    ) -> None:
        if responsibilities:
            rows = [(r.text, r.share) for r in job.responsibilities] if job else [("", 100)]
            self._replace_rows(
                self.resp_box,
                [self._responsibility_row(n, v, s) for n, (v, s) in enumerate(rows, start=1)],
            )
        if competencies:
            self._replace_rows(
                self.comp_box, [self._competency_row(c) for c in (job.competencies if job else ())]
            )

    @staticmethod
    def _replace_rows(box: W.Box, rows: list[W.Widget]) -> None:
        """Put ``rows`` in ``box`` in one change: the box never empties on the screen, so the
        page keeps its length and the browser its scroll position (and it is one message,
        not one per row)."""
        old = tuple(box.children)
        box.children = tuple(rows)
        close_replaced(old, ())

    def _responsibility_row(self, number: int, value: str = "", share: int = 0) -> W.Widget:
        row = ResponsibilityRow(number, value, share)
        self._wire(self.resp_box, row, [row.text, row.share])
        return row

    def _competency_row(self, competency: Competency | None = None) -> W.Widget:
        row = CompetencyRow(competency, on_change=self._on_field)
        self._wire(self.comp_box, row, row.inputs())
        return row

    def _wire(self, box: W.Box, row: Any, inputs: list[W.Widget]) -> None:
        row.remove.on_click(self.status.guard(lambda _b: self._remove(box, row)))
        for field in inputs:
            field.observe(self._on_field, names="value")

    def _add_responsibility(self) -> None:
        self._append(self.resp_box, self._responsibility_row(len(self.resp_box.children) + 1))

    def _add_competency(self) -> None:
        self._append(self.comp_box, self._competency_row())

    def _append(self, box: W.Box, row: W.Widget) -> None:
        box.children = (*box.children, row)
        self._on_field()

    def _remove(self, box: W.Box, row: W.Widget) -> None:
        box.children = tuple(c for c in box.children if c is not row)
        for n, r in enumerate(self.resp_box.children, start=1):
            r.renumber(n)
        row.close()
        self._on_field()

    def _draft(self) -> JobDescription:
        """The job description the fields describe; ValidationFailed in plain words if not."""
        rows: list[ResponsibilityRow] = list(self.resp_box.children)
        if not self.title.value.strip():
            raise ValidationFailed(_("give the job a title"))
        if not rows:
            raise ValidationFailed(_("add at least one responsibility"))
        for n, r in enumerate(rows, start=1):
            if not r.text.value.strip():
                raise ValidationFailed(_("responsibility {n} has no text").format(n=n))
        comps: list[CompetencyRow] = list(self.comp_box.children)
        for n, c in enumerate(comps, start=1):
            if not c.name.value.strip():
                raise ValidationFailed(_("competency {n} has no name").format(n=n))
        try:
            return JobDescription(
                title=self.title.value,
                purpose=self.purpose.value,
                responsibilities=tuple(
                    Responsibility(number=n, text=r.text.value, share=int(r.share.value))
                    for n, r in enumerate(rows, start=1)
                ),
                competencies=tuple(
                    Competency(
                        name=c.name.value,
                        description=about,
                        required=int(c.required.value),
                        anchors=anchors,
                    )
                    for c in comps
                    for about, anchors in [c.details()]
                ),
                source=self._source,
            )
        except ValidationError as exc:
            raise ValidationFailed(describe_validation_error(exc)) from None

    def _on_field(self, change: Any = None) -> None:
        """Recompute ``value``, the share total and the note beside *Save* from the fields
        (no database round trip)."""
        values = [int(r.share.value) for r in self.resp_box.children]
        shares = shares_check(values)
        self.share_total.value = check_line(shares.ok, shares.message)
        self.confirm_note.value = (
            "" if shares.ok else check_line(False, confirm_note(sum(values), shares.message))
        )
        value_from_form(self, self._draft)

    @T.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        """Someone set ``value``: put it into the editor (None: a blank form)."""
        if not self._filling:
            with filling(self):
                self.load_job(change["new"])

    # --- saving and the saved view --------------------------------------------------

    def save(self) -> None:
        """Hand the job description to ``on_save`` (with a reason once it has been agreed).

        Sent with the version the typing started from: what the other person saved
        since, in fields not typed here, is kept; a field both changed comes back as a
        conflict, shown under *Save* with both values for a choice.
        """
        job = self.value if self.value is not None else self._draft()  # words if invalid
        self._store(job, self.based_on)

    def _store(self, job: JobDescription, based_on: int) -> None:
        self.based_on = based_on
        self._saving, self._state_arrived = True, False
        try:
            if self.on_save is not None:
                self.on_save(job, self.reason.value)
        except Exception:
            self._saving = False
            self._after_save()  # what the other person saved: around the typing
            raise
        self._saving = False
        self.conflicts.clear()
        # what is typed is what is saved: the new state redraws the editor only where the
        # merge kept the other person's changes (redrawing every row moved the page)
        self._saved, self._clean = job, self._snapshot()
        self._after_save()
        job = self.state.job if self._state_arrived and self.state.job else job
        self.based_on = self.state.workbook.version if self._state_arrived else based_on
        self.reason.value = ""
        shares = shares_check(r.share for r in job.responsibilities)
        if shares.ok:
            self.status.ok(_("Job description saved. Both of you now read it and confirm it."))
        else:
            self.status.ok(
                _(
                    "Job description saved as a draft. It cannot be confirmed until the shares "
                    "of time total 100%."
                )
            )

    def _after_save(self) -> None:
        """Redraw from the state that arrived while saving (if one did)."""
        if self._state_arrived:
            self._on_state(self.state)

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: both values under *Save*; the author's choice is saved."""

        def save(record: Any, version: int) -> None:
            self._store(JobDescription.model_validate(record), version)
            self.status.ok(_("Your choice is saved; the rest was merged with theirs."))

        offer_choice(self.conflicts, conflict, save, self._cancelled)

    def _cancelled(self) -> None:
        if self.on_cancel is not None:
            self.on_cancel()

    def _follow_untouched(self, job: JobDescription, now: tuple[Any, ...]) -> None:
        """Show ``job``'s values in the parts of the editor nobody has typed in."""
        clean = self._clean
        with filling(self), self.hold_trait_notifications():
            if now[0] == clean[0]:
                self.title.value = job.title
            if now[1] == clean[1]:
                self.purpose.value = job.purpose
            self._load_rows(job, now[3] == clean[3], now[4] == clean[4])
        self._on_field()
        after = self._snapshot()
        # the parts that followed are clean again (at their new values); typed parts stay typed
        self._clean = tuple(a if n == c else c for a, n, c in zip(after, now, clean, strict=True))

    def _snapshot(self) -> tuple[Any, ...]:
        """Everything typed into the editor, to tell whether the person changed anything."""
        comps = [c.snapshot() for c in self.comp_box.children]
        resps = [(r.text.value, r.share.value) for r in self.resp_box.children]
        return (self.title.value, self.purpose.value, self._source, resps, comps)

    def _load_saved(self, job: JobDescription | None) -> None:
        self.load_job(job)
        self._clean = self._snapshot()

    @T.observe("state")
    def _on_state_change(self, _change: Any = None) -> None:
        if self._saving:  # redrawn once the save has told the editor what it saved
            self._state_arrived = True
        elif self._ready:
            self.status.guard(self._on_state)(self.state)

    def _on_state(self, state: WorkbookState) -> None:
        """Refresh the read-only parts; the fields nobody typed in follow what was saved.

        With nothing typed, the editor starts again from this version. Otherwise the
        fields the person has not touched show the other person's saved changes, and the
        typing stays based on the version it began from: the next save keeps the other's
        changes and shows any field both changed, for a choice.
        """
        now = self._snapshot()
        untouched = now == self._clean
        if state.job != self._saved and untouched:
            self._load_saved(state.job)
        elif state.job != self._saved and state.job is not None:
            self._follow_untouched(state.job, now)
        if untouched:
            self.based_on = state.workbook.version
        self._saved = state.job
        show(self.reason, state.needs_reason("job_description"))
        self.saved_view.value = saved_html(state)
        self._arrange(state)
