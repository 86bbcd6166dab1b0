"""The agreed job description in :mod:`.job_description_editor`: a document, until a change.

Agreed by both, the job description reads as a document, with *Propose a change*,
which opens the editor and its reason field. Search and import are offered only while
a job description has never been agreed: an employee in mid-year must not think the
agreed one has to be found and written again.
"""

from __future__ import annotations

import ipywidgets as W

from ..domain.agreement import AgreementStatus
from ..domain.i18n import _
from ..domain.state import WorkbookState
from ._jd_start import StartingPoints
from .base import button, heading, html_widget
from .lean import make, show


class AgreedOrDrafting(StartingPoints):
    """Shows the agreed text, or the editor (and the starting points), as the state says."""

    start_box: W.VBox
    edit_box: W.VBox
    saved_box: W.VBox
    saved_view: W.HTML
    state: WorkbookState
    #: the person asked to change the agreed job description: the editor is open
    proposing = False

    def _agreed_part(self) -> W.VBox:
        """The agreed job description, read-only, with *Propose a change*."""
        self.agreed_view = html_widget(css="pmw-jd-saved")
        self.propose_button = button(
            _("Propose a change"), tooltip=_("Open the editor: a change needs both to agree again")
        )
        self.propose_button.on_click(self.status.guard(lambda _b: self.propose_change()))
        self.agreed_box = make(
            W.VBox,
            children=[
                heading(_("The agreed job description")),
                self.agreed_view,
                self.propose_button,
            ],
        )
        return self.agreed_box

    def propose_change(self) -> None:
        """Open the editor on the agreed job description, to propose a change (with a reason)."""
        self.proposing = True
        self._arrange(self.state)
        self.status.info(_("Change what needs changing, give the reason, and save."))

    def _arrange(self, state: WorkbookState) -> None:
        """Agreed: the agreed text, read-only, with *Propose a change*; being drafted: the
        editor (and, before any agreement, the search and import to start from)."""
        agreed = state.agreement_status("job_description") == AgreementStatus.AGREED
        if not agreed:
            self.proposing = False
        editing = not agreed or self.proposing
        show(self.agreed_box, not editing)
        show(self.start_box, "job_description" not in state.agreements)
        show(self.edit_box, editing)
        show(self.saved_box, not agreed)
        if not editing:
            self.agreed_view.value = self.saved_view.value
