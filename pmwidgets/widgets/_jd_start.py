"""The starting points of :mod:`.job_description_editor`: a search, and a file to import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import ipywidgets as W

from ..domain.errors import ValidationFailed
from ..domain.i18n import _
from ..domain.model import JobDescription
from .base import StatusArea, button, choice_list, esc, heading, html_widget, text
from .lean import make


class Found(NamedTuple):
    """A job description a search found: its key for ``on_pick``, its label, and notes.

    ``notes`` are shown under the results while it is chosen (a summary, the
    attribution a catalogue's licence needs).
    """

    key: tuple[str, Any]
    label: str
    notes: tuple[str, ...] = ()


#: what ``on_search`` returns: what was found, and a problem to show ("" if none)
Search = Callable[[str], tuple[Sequence[Found], str]]


class StartingPoints(W.VBox):
    """The part of a job description editor that finds a job description to start from.

    Nothing is stored: what is found or read is put into the editor by :meth:`load_job`.
    """

    status: StatusArea
    on_search: Search | None
    on_pick: Callable[[tuple[str, Any]], JobDescription] | None
    on_upload: Callable[[str, bytes], JobDescription] | None
    _found: dict[tuple[str, Any], Found]

    def load_job(self, job: JobDescription | None) -> None:
        """Put ``job`` into the editor (None: a blank form); nothing is stored."""
        raise NotImplementedError

    def _starting_points(self) -> list[W.Widget]:
        guard = self.status.guard
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
        return [
            heading(_("Start from an existing job description")),
            make(W.HBox, children=[self.search_box, self.search_button]),
            self.results,
            self.preview,
            make(W.HBox, children=[self.use_button, self.upload]),
        ]

    # --- finding a starting point ---------------------------------------------------

    def search(self) -> None:
        """List the job descriptions ``on_search`` finds for the words in the search box."""
        query = self.search_box.value.strip()
        found, problem = self.on_search(query) if self.on_search is not None else ((), "")
        self._found = {f.key: f for f in found}
        options = [(f.label, f.key) for f in found]
        self.results.options = options
        self.results.value = options[0][1] if options else None
        if problem:
            self.status.error(problem)
        elif options:
            self.status.info(_("{n} job descriptions found.").format(n=len(options)))
        else:
            self.status.info(_("Nothing found: try fewer or shorter words."))

    def _on_result(self, change: Any = None) -> None:
        """Show the chosen result's notes (a summary, the attribution its licence needs)."""
        chosen = self._found.get(self.results.value) if self.results.value else None
        notes = chosen.notes if chosen else ()
        self.preview.value = "".join(f"<p class='pmw-muted'>{esc(n)}</p>" for n in notes)

    def use_selected(self) -> None:
        """Load the chosen search result into the editor (not saved yet)."""
        choice = self.results.value
        if not choice or self.on_pick is None:
            raise ValidationFailed(_("search, then choose a job description first"))
        job = self.on_pick(choice)
        self.load_job(job)
        self.status.info(
            _("“{title}” is in the editor: adapt it, then save.").format(title=job.title)
        )

    def _on_upload(self, change: Any = None) -> None:
        files = self.upload.value
        if not files or self.on_upload is None:
            return
        item = files[-1]
        name = str(item["name"])
        self.status.busy(_("Reading {name}…").format(name=name))
        try:
            job = self.on_upload(name, bytes(item["content"]))
        finally:
            self.upload.value = ()  # the same file can be chosen again
        self.load_job(job)
        self.status.info(_("Read {name}: check it, then save.").format(name=name))
