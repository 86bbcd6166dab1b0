"""JobDescriptionEditor: find, import or write the job description a workbook rests on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W
import traitlets as T
from pydantic import ValidationError

from ..domain.errors import EditConflict, PmwError, ValidationFailed, describe_validation_error
from ..domain.i18n import _
from ..domain.model import Competency, JobDescription, Responsibility
from ..domain.readiness import agreement_readiness
from ..domain.rules import shares_check
from ..domain.state import WorkbookState
from .base import (
    WIDE,
    StatusArea,
    button,
    check_line,
    choice_list,
    esc,
    heading,
    html_table,
    html_widget,
    paragraph,
    text,
)
from .conflict_view import ConflictSlot
from .context import WorkbookContext
from .lean import close_replaced, make, shared, show

LEVELS = (1, 2, 3, 4, 5)


class _ResponsibilityRow(W.HBox):
    """One responsibility: its number, its text, its share of time and a remove button."""

    def __init__(self, number: int, value: str = "", share: int = 0) -> None:
        self.number = make(W.Label)
        placeholder = _("What the job holder does")
        self.text = text("", value, placeholder, layout={"flex": "1"})
        self.share = make(
            W.BoundedIntText, value=share, min=0, max=100, style=WIDE, layout={"width": "16em"}
        )
        self.remove = button(_("Remove"), tooltip=_("Remove this responsibility"))
        children = [self.number, self.text, self.share, self.remove]
        super().__init__(children, layout=shared(W.Layout))
        self.renumber(number)

    def renumber(self, number: int) -> None:
        self.number.value = f"{number}."
        self.text.description = _("Responsibility {n}").format(n=number)
        self.share.description = _("Share of time (%)")
        self.remove.tooltip = _("Remove responsibility {n}").format(n=number)


class _CompetencyRow(W.VBox):
    """One competency: name, required level, and (folded away) description and anchors.

    The folded part's six text areas are made when it is first opened (or asked for):
    a job from the catalogue has a dozen competencies or more, and the browser would
    otherwise build them all for a panel most visits never open. Until then the
    description and anchors are the ones loaded (:meth:`details`).
    """

    def __init__(
        self, competency: Competency | None = None, on_change: Callable[..., None] | None = None
    ) -> None:
        c = competency
        self._on_change = on_change
        self._loaded = (c.description if c else "", dict(c.anchors) if c else {})
        self._description: W.Textarea | None = None
        self._anchors: dict[int, W.Textarea] = {}
        self.name = text(_("Competency"), c.name if c else "")
        self.required = make(
            W.Dropdown,
            description=_("Required level"),
            options=[(str(n), n) for n in LEVELS],
            value=c.required if c else 3,
            style=WIDE,
        )
        self.remove = button(_("Remove"), tooltip=_("Remove this competency"))
        title = _("Description and behavioural anchors for levels 1–5")
        self.more = make(W.Accordion, children=[html_widget()], titles=(title,))
        self.more.selected_index = None
        self.more.observe(self._opened, names="selected_index")
        top = make(W.HBox, children=[self.name, self.required, self.remove])
        super().__init__([top, self.more], layout=shared(W.Layout))
        self.add_class("pmw-card")

    def _opened(self, change: dict[str, Any]) -> None:
        if change["new"] == 0:
            self._build()

    def _build(self) -> None:
        """Make the folded part's inputs (once), with the loaded description and anchors."""
        if self._description is not None:
            return
        about, anchors = self._loaded
        self._description = text(_("Description"), about, area=True, rows=2)
        self._anchors = {
            n: text(_("Level {n} looks like").format(n=n), anchors.get(n, ""), area=True, rows=2)
            for n in LEVELS
        }
        fields = [self._description, *self._anchors.values()]
        if self._on_change is not None:
            for field in fields:
                field.observe(self._on_change, names="value")
        self.more.children = [make(W.VBox, children=fields)]

    @property
    def description(self) -> W.Textarea:
        """The description's input (made now if the folded part was never opened)."""
        self._build()
        assert self._description is not None
        return self._description

    @property
    def anchors(self) -> dict[int, W.Textarea]:
        """The anchors' inputs by level (made now if the folded part was never opened)."""
        self._build()
        return self._anchors

    def details(self) -> tuple[str, dict[int, str]]:
        """The description and the non-empty anchors, as typed or as loaded."""
        if self._description is None:
            about, anchors = self._loaded
            return about, {n: a for n, a in anchors.items() if a.strip()}
        typed = {n: t.value for n, t in self._anchors.items() if t.value.strip()}
        return self._description.value, typed

    def inputs(self) -> list[W.Widget]:
        """The inputs made so far (the folded ones only once opened)."""
        folded = [self._description, *self._anchors.values()] if self._description else []
        return [self.name, self.required, *folded]

    def snapshot(self) -> tuple[Any, ...]:
        """Everything typed or loaded into this row, to tell whether anything changed."""
        about, anchors = self.details()
        return (self.name.value, self.required.value, about, tuple(sorted(anchors.items())))


class JobDescriptionEditor(W.VBox):
    """Find, import or write a workbook's job description, and save it.

    Three starting points load a job description *into the editor* (nothing is
    stored until *Save*): a search over the organisation's library and the
    occupation catalogue, a file (YAML, Markdown, CSV or Excel), or a blank
    form. Below the editor, the job description as saved is shown read-only, so
    both parties can read what they are about to confirm (confirmation itself
    happens in the agreement panel). ``value`` is the job description as it
    stands in the editor, or None while the fields do not make a valid one.

    Shares of time may be saved unfinished (not set, or not totalling 100%), as
    work in progress; the editor then says beside *Save* that the job
    description cannot be confirmed until they total 100%.

    Parameters
    ----------
    context:
        The workbook and the acting person.
    on_saved:
        Called with the saved job description after a successful save.

    Examples
    --------
    >>> editor = JobDescriptionEditor(context)  # doctest: +SKIP
    >>> editor.search_box.value = "automotive"  # doctest: +SKIP
    >>> editor.use_button.click()  # doctest: +SKIP
    >>> editor.save_button.click()  # doctest: +SKIP
    """

    value = T.Instance(JobDescription, allow_none=True)

    def __init__(
        self, context: WorkbookContext, on_saved: Callable[[JobDescription], None] | None = None
    ) -> None:
        self.context = context
        self.on_saved = on_saved
        self._catalogue: Any = None
        self._entries: dict[str, str] = {}
        self._clean: tuple[Any, ...] = ()
        self._source = ""
        self._saved: JobDescription | None = None
        #: the workbook version the editor's content is based on (sent with a save)
        self._based_on = context.version
        self.status = StatusArea()
        guard = self.status.guard
        # --- starting points
        self.search_box = text(
            _("Find a job"), placeholder=_("Words of the job title, such as technician")
        )
        self.search_box.continuous_update = False
        self.search_button = button(_("Search"))
        self.results = choice_list(_("Results"))
        self.preview = html_widget()
        self.use_button = button(
            _("Use this"), tooltip=_("Load the chosen job description into the editor")
        )
        self.upload = W.FileUpload(
            accept=".yaml,.yml,.md,.csv,.xlsx", multiple=False, description=_("Import a file")
        )
        self.search_button.on_click(guard(lambda _b: self.search()))
        self.search_box.observe(guard(lambda _c: self.search()), names="value")
        self.results.observe(guard(self._on_result), names="value")
        self.use_button.on_click(guard(lambda _b: self.use_selected()))
        self.upload.observe(guard(self._on_upload), names="value")
        # --- the editor
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
            placeholder=_("Needed once the job description is agreed"),
        )
        self.save_button = button(_("Save job description"), "primary")
        #: beside Save: why what is in the editor could be saved but not yet confirmed
        self.confirm_note = html_widget(css="pmw-confirm-note")
        self.saved_view = html_widget(css="pmw-jd-saved")
        self.add_resp_button.on_click(guard(lambda _b: self._add_responsibility()))
        self.add_comp_button.on_click(guard(lambda _b: self._add_competency()))
        #: both changed one field: the two values side by side, under Save, for a choice
        self.conflicts = ConflictSlot(context.names)
        self.save_button.on_click(
            guard(lambda _b: self.save(), on_stale=self._stale, on_conflict=self._conflict)
        )
        for field in (self.title, self.purpose):
            field.observe(self._on_field, names="value")
        super().__init__(
            [
                heading(_("Job description"), 2),
                heading(_("Start from an existing job description")),
                make(W.HBox, children=[self.search_box, self.search_button]),
                self.results,
                self.preview,
                make(W.HBox, children=[self.use_button, self.upload]),
                heading(_("Edit")),
                self.title,
                self.purpose,
                self.source_line,
                heading(_("Responsibilities"), 4),
                paragraph(_("Give each responsibility its share of working time.")),
                self.resp_box,
                self.share_total,
                self.add_resp_button,
                heading(_("Competencies"), 4),
                self.comp_box,
                self.add_comp_button,
                self.reason,
                self.confirm_note,
                self.save_button,
                self.status,
                self.conflicts,
                heading(_("As saved: what both of you confirm")),
                self.saved_view,
            ]
        )
        self.add_class("pmw-job-description-editor")
        context.subscribe(self._on_state)
        self._saved = context.state.job
        self._load_saved(context.state.job)
        self._on_state(context.state)

    # --- finding a starting point ---------------------------------------------------

    def search(self) -> None:
        """List library and catalogue job descriptions matching the search box."""
        query = self.search_box.value.strip()
        options: list[tuple[str, tuple[str, Any]]] = [
            (_("Library: {title}").format(title=title), ("library", job_id))
            for job_id, title, _src in self.context.services.library(query, 20)
        ]
        found, problem = [], ""
        if query:
            try:
                if self._catalogue is None:
                    from ..services.files import catalogue

                    self._catalogue = catalogue()
                found = self._catalogue.search(query, 20)
            except PmwError as exc:  # the library still answers without the catalogue
                problem = str(exc)
            self._entries = {e.code: e.summary for e in found}
            options += [
                (
                    _("Catalogue {code}: {title}").format(code=e.code, title=e.title),
                    ("catalogue", e.code),
                )
                for e in found
            ]
        self.results.options = options
        self.results.value = options[0][1] if options else None
        if problem:
            self.status.error(problem)
        elif options:
            self.status.info(_("{n} job descriptions found.").format(n=len(options)))
        else:
            self.status.info(_("Nothing found: try fewer or shorter words."))

    def _on_result(self, change: Any = None) -> None:
        """Show the chosen catalogue entry's summary, with the attribution its licence needs."""
        choice = self.results.value
        self.preview.value = (
            f"<p class='pmw-muted'>{esc(self._entries.get(choice[1], ''))}</p>"
            f"<p class='pmw-muted'>{esc(self._catalogue.attribution)}</p>"
            if choice and choice[0] == "catalogue"
            else ""
        )

    def use_selected(self) -> None:
        """Load the chosen search result into the editor (not saved yet)."""
        choice = self.results.value
        if not choice:
            raise ValidationFailed(_("search, then choose a job description first"))
        kind, key = choice
        job = (
            self.context.services.library_job(key)
            if kind == "library"
            else self._catalogue.get(key)
        )
        self.load_job(job)
        self.status.info(
            _("“{title}” is in the editor: adapt it, then save.").format(title=job.title)
        )

    def _on_upload(self, change: Any = None) -> None:
        files = self.upload.value
        if not files:
            return
        item = files[-1]
        name = str(item["name"])
        self.status.busy(_("Reading {name}…").format(name=name))
        from ..services.files import read_job_description

        try:
            job = read_job_description(name, bytes(item["content"]))
        finally:
            self.upload.value = ()  # the same file can be chosen again
        self.load_job(job)
        self.status.info(_("Read {name}: check it, then save.").format(name=name))

    # --- the editor -----------------------------------------------------------------

    def load_job(self, job: JobDescription | None) -> None:
        """Put ``job`` into the editor (None: a blank form); nothing is stored."""
        with self.hold_trait_notifications():
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
            old = tuple(self.resp_box.children)
            self.resp_box.children = ()
            rows = [(r.text, r.share) for r in job.responsibilities] if job else [("", 100)]
            for value, share in rows:
                self._add_responsibility(value, share, refresh=False)
            close_replaced(old, ())
        if competencies:
            old = tuple(self.comp_box.children)
            self.comp_box.children = ()
            for c in job.competencies if job else ():
                self._add_competency(c, refresh=False)
            close_replaced(old, ())

    def _add_responsibility(self, value: str = "", share: int = 0, refresh: bool = True) -> None:
        row = _ResponsibilityRow(len(self.resp_box.children) + 1, value, share)
        self._add_row(self.resp_box, row, [row.text, row.share], refresh)

    def _add_competency(self, competency: Competency | None = None, refresh: bool = True) -> None:
        row = _CompetencyRow(competency, on_change=self._on_field)
        self._add_row(self.comp_box, row, row.inputs(), refresh)

    def _add_row(self, box: W.Box, row: Any, inputs: list[W.Widget], refresh: bool) -> None:
        row.remove.on_click(self.status.guard(lambda _b: self._remove(box, row)))
        for field in inputs:
            field.observe(self._on_field, names="value")
        box.children = (*box.children, row)
        if refresh:
            self._on_field()

    def _remove(self, box: W.Box, row: W.Widget) -> None:
        box.children = tuple(c for c in box.children if c is not row)
        for n, r in enumerate(self.resp_box.children, start=1):
            r.renumber(n)
        row.close()
        self._on_field()

    def _draft(self) -> JobDescription:
        """The job description the fields describe; ValidationFailed in plain words if not."""
        rows: list[_ResponsibilityRow] = list(self.resp_box.children)
        if not self.title.value.strip():
            raise ValidationFailed(_("give the job a title"))
        if not rows:
            raise ValidationFailed(_("add at least one responsibility"))
        for n, r in enumerate(rows, start=1):
            if not r.text.value.strip():
                raise ValidationFailed(_("responsibility {n} has no text").format(n=n))
        comps: list[_CompetencyRow] = list(self.comp_box.children)
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
            "" if shares.ok else check_line(False, _confirm_note(sum(values), shares.message))
        )
        try:
            self.value = self._draft()
        except ValidationFailed:
            self.value = None

    # --- saving and the saved view --------------------------------------------------

    def save(self) -> None:
        """Store the job description (with a reason once it has been agreed).

        Sent with the version the typing started from: what the other person saved
        since, in fields not typed here, is kept; a field both changed comes back as a
        conflict, shown under *Save* with both values for a choice.
        """
        self._store(self._draft(), self._based_on)

    def _store(self, job: JobDescription, based_on: int) -> None:
        ctx = self.context
        ctx.services.set_job_description(ctx.workbook_id, job, based_on, self.reason.value)
        self.conflicts.clear()
        # what is typed is what is saved: the reload redraws the editor only where the
        # merge kept the other person's changes (redrawing every row moved the page)
        self._saved, self._clean = job, self._snapshot()
        ctx.reload()
        job = ctx.state.job or job
        self._based_on = ctx.version
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
        if self.on_saved:
            self.on_saved(job)

    def _stale(self) -> None:
        """Someone saved at the same moment: show it, keep what was typed; save again merges."""
        self.context.reload()

    def _conflict(self, conflict: EditConflict) -> None:
        """Both changed one field: both values under *Save*; the author's choice is saved."""

        def save(record: Any, version: int) -> None:
            self._store(JobDescription.model_validate(record), version)
            self.status.ok(_("Your choice is saved; the rest was merged with theirs."))

        self.conflicts.show_conflict(conflict, save)
        self.context.reload()

    def _follow_untouched(self, job: JobDescription, now: tuple[Any, ...]) -> None:
        """Show ``job``'s values in the parts of the editor nobody has typed in."""
        clean = self._clean
        with self.hold_trait_notifications():
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
            self._based_on = state.workbook.version
        self._saved = state.job
        show(self.reason, state.needs_reason("job_description"))
        self.saved_view.value = _saved_html(state)


def _confirm_note(total: int, problem: str) -> str:
    """The sentence beside *Save* when the shares of time do not total 100%."""
    if total > 100:  # the one share problem that stops a save as well
        return _("Cannot be saved yet: {problem}.").format(problem=problem)
    return _(
        "Can be saved as a draft, but cannot be confirmed until the shares of time total "
        "100%: {problem}."
    ).format(problem=problem)


def _saved_html(state: WorkbookState) -> str:
    """The saved job description as read-only HTML; every piece of text escaped."""
    job = state.job
    if job is None:
        return f"<p class='pmw-muted'>{esc(_('No job description has been saved for this workbook yet.'))}</p>"
    status = state.agreement_status("job_description").label
    shares_set = any(r.share for r in job.responsibilities)
    items = "".join(
        f"<li>{esc(r.text)} <span class='pmw-muted'>"
        f"({esc(_('{share}% of time').format(share=r.share))})</span></li>"
        if shares_set
        else f"<li>{esc(r.text)}</li>"
        for r in job.responsibilities
    )
    readiness = agreement_readiness(state, "job_description")
    parts = [
        "<div class='pmw-card'>",
        f"<h4>{esc(job.title)}</h4>",
        f"<p class='pmw-muted'>{esc(status)}</p>",
        "".join(
            check_line(False, _("Cannot be confirmed yet: {why}").format(why=why))
            for why in readiness.blocking
        ),
        f"<p>{esc(job.purpose)}</p>" if job.purpose else "",
        f"<h5>{esc(_('Responsibilities'))}</h5><ol>{items}</ol>",
    ]
    if job.competencies:
        rows = [(c.name, _("level {n} of 5").format(n=c.required)) for c in job.competencies]
        parts.append(f"<h5>{esc(_('Competencies'))}</h5>")
        parts.append(html_table([_("Competency"), _("Required")], rows))
    if job.source:
        parts.append(
            f"<p class='pmw-muted'>{esc(_('Source: {source}').format(source=job.source))}</p>"
        )
    parts.append("</div>")
    return "".join(parts)
