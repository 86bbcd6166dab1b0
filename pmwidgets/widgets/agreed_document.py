"""AgreedDocument: an agreed step reads as a document, until someone proposes a change.

Once both have agreed the objectives (or the development plan, or signed the review),
the step's page shows what they agreed as the agreement document words it, read-only,
with *Propose a change*. The editors stay out of the way: an employee in mid-year must
not think the agreed objectives are to be written again. *Propose a change* opens them
(the reason field among them: a change to an agreed subject needs one). Nothing changes
until a save; *Keep the agreed version* folds the editors away again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
import traitlets as T

from ..domain.agreement import AgreementStatus, Subject
from ..domain.i18n import _
from ..domain.model import Stage
from ..domain.state import WorkbookState
from .base import StatusArea, button, esc, html_widget
from .lean import shared, show

_WHAT = {
    "job_description": "the job description",
    "objectives": "the objectives",
    "development_plan": "the development plan",
    "review": "the review",
}


class AgreedDocument(W.VBox):
    """``editors`` while ``subject`` is being drafted; the agreed text, once it is agreed.

    A pure view of :attr:`state`. ``document(state)`` gives the agreed text as HTML
    (escaped by its maker); it is asked for only when shown, once per workbook version.
    ``editors()`` builds the editors, when first needed: an agreed step that nobody
    changes never builds them (nor reads what they need). ``open_change(editors)``, if
    given, is called when a change is proposed: for an editor that shows the agreed text
    itself until asked to change it (the job description's).

    >>> from pmwidgets.domain.examples import example_state
    >>> view = AgreedDocument("objectives", lambda s: "<p>agreed</p>",
    ...                       lambda: [W.Label("the editor")], state=example_state())
    >>> view.editing, view.children[0].value
    (True, 'the editor')
    """

    #: the workbook
    state = T.Instance(WorkbookState, allow_none=True)
    #: whether the editors are shown (a draft, or a change proposed on this page)
    editing = T.Bool(True, read_only=True)

    def __init__(
        self,
        subject: Subject,
        document: Callable[[WorkbookState], str],
        editors: Callable[[], Sequence[W.Widget]],
        open_change: Callable[[Sequence[W.Widget]], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.subject, self.document, self._make_editors = subject, document, editors
        self.open_change = open_change
        self.proposing = False
        self._drawn: tuple[int | None, int] | None = None
        self._editors: list[W.Widget] | None = None
        self._doc: list[W.Widget] | None = None
        self._proposal: list[W.Widget] | None = None
        kwargs.setdefault("layout", shared(W.Layout, width="100%"))
        super().__init__(**kwargs)
        self.add_class("pmw-agreed-or-editing")
        self._arrange()

    @property
    def editors(self) -> list[W.Widget]:
        """The editors (built on first use)."""
        if self._editors is None:
            self._editors = list(self._make_editors())
        return self._editors

    def _doc_parts(self) -> list[W.Widget]:
        """The agreed text, *Propose a change*, and a status line (built on first use)."""
        if self._doc is None:
            self.view = html_widget(css="pmw-agreed-doc")
            self.status = StatusArea()
            self.propose_button = button(
                _("Propose a change"),
                tooltip=_("Open the editor: a change needs a reason, and both to agree again"),
            )
            self.propose_button.on_click(self.status.guard(lambda _b: self.propose_change()))
            closed = _("This cycle is closed: nothing in it changes now.")
            self.closed_note = html_widget(f"<p class='pmw-muted'>{esc(closed)}</p>")
            self._doc = [self.propose_button, self.closed_note, self.status, self.view]
        return self._doc

    def _proposal_parts(self) -> list[W.Widget]:
        """What says a change is being proposed, and *Keep the agreed version*."""
        if self._proposal is None:
            said = _(
                "You are proposing a change to {what}, which both agreed. Change what needs "
                "changing, give the reason, and save: both then agree the new version."
            ).format(what=_(_WHAT[self.subject]))
            self.proposal_note = html_widget(f"<p class='pmw-proposing'>{esc(said)}</p>")
            self.keep_button = button(_("Keep the agreed version"))
            self.keep_button.on_click(self._doc_parts()[2].guard(lambda _b: self.keep_agreed()))
            self._proposal = [self.proposal_note, self.keep_button]
        return self._proposal

    @T.observe("state")
    def _state_changed(self, _change: dict[str, Any]) -> None:
        self._arrange()

    def agreed(self) -> bool:
        """Whether the subject is agreed by both, as it stands (no newer draft)."""
        return (
            self.state is not None
            and self.state.agreement_status(self.subject) == AgreementStatus.AGREED
        )

    def closed(self) -> bool:
        """Whether the workbook's cycle is closed (nothing in it can change)."""
        return self.state is not None and self.state.workbook.stage == Stage.CLOSED

    def propose_change(self) -> None:
        """Open the editors on the agreed text, to propose a change (with a reason)."""
        if self.closed() or self.subject == "review":
            self._doc_parts()[2].error(_("This cycle is closed: nothing in it changes now."))
            return
        self.proposing = True
        self._arrange()
        if self.open_change is not None:
            self.open_change(self.editors)

    def keep_agreed(self) -> None:
        """Fold the editors away again: the agreed version stays as it is."""
        self.proposing = False
        self._arrange()
        self.status.info(_("Nothing changed: the agreed version stands."))

    def _arrange(self) -> None:
        if self.state is None:  # nothing to show yet: nothing built
            self.children = ()
            return
        agreed = self.agreed()
        if not agreed:
            self.proposing = False
        editing = not agreed or self.proposing
        self.set_trait("editing", editing)
        if editing:
            proposal = self._proposal_parts() if self.proposing else []
            self.children = (*proposal, *self.editors)
            return
        parts = self._doc_parts()
        show(self.propose_button, not self.closed() and self.subject != "review")
        show(self.closed_note, self.closed())
        key = (self.state.workbook.id, self.state.workbook.version)
        if key != self._drawn:
            self.view.value = self.document(self.state)
            self._drawn = key
            self.status.clear()
        self.children = tuple(parts)
