"""Documents a page reads or offers: an uploaded job description, the occupation
catalogue, and a workbook's performance agreement as HTML, Markdown or PDF.

Pages and widgets call these, never :mod:`pmwidgets.io` directly (docs/architecture.md).
The agreement is built only for a workbook the acting person may read: it is read
through :meth:`~pmwidgets.services.Services.open` and the workbook's history, which
check access. The importers and the PDF library load only when first used, so a page
that never uploads, searches or downloads never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..io.agreement.document import (
    AgreementDocument,
    acceptances,
    last_agreed_versions,
)
from ..io.agreement.document import (
    agreement_document as build_document,
)

if TYPE_CHECKING:
    from ..domain.model import JobDescription
    from ..io.jobs.catalogue import Catalogue
    from .api import Services


def read_job_description(name: str, data: bytes) -> JobDescription:
    """The job description in an uploaded file (YAML, Markdown, CSV or Excel).

    Raises :class:`pmwidgets.io.errors.ImportFailed` (a one-line reason naming the
    file and the place) for anything that is not a good job description.
    """
    from ..io.jobs.files import read_job_description as read

    return read(name, data=data)


def job_catalogue() -> Catalogue:
    """The O*NET occupation catalogue shipped with pmwidgets (read once, then shared)."""
    from ..io.jobs.catalogue import load_catalogue

    return load_catalogue()


def agreement_document(svc: Services, workbook_id: int) -> AgreementDocument:
    """The performance agreement of a workbook, as a document both people would sign.

    Uses the frozen text of the last version each subject was agreed, with
    its hash and both confirmations; a newer draft is marked as not agreed.
    Only for a workbook the acting person may read.
    """
    state = svc.open(workbook_id)
    names = {p.id: p.name for p in svc.people()}
    events: list[Any] = list(svc.history(workbook_id))
    previous = last_agreed_versions(events)
    accepted = acceptances(events)
    return build_document(state, names, previous=previous, accepted=accepted)


@dataclass(frozen=True)
class AgreementExport:
    """The agreement of one workbook the person may read, to show or download.

    It is read once (:func:`agreement_export`); each format is drawn from that one
    reading when asked for, so the PDF offered later is of the page shown.
    """

    workbook_id: int
    document: AgreementDocument

    def html(self) -> str:
        """The agreement as a web page; every piece of people's text is escaped."""
        from ..io.agreement.document import to_html

        return to_html(self.document)

    def section_html(self, subject: str) -> str:
        """One subject's part of the agreement as HTML elements to place in a page (its
        headings from ``<h3>``); every piece of people's text is escaped."""
        from ..io.agreement.layout import section
        from ..io.agreement.text import html_body

        return html_body(section(self.document, subject), shift=1)

    def markdown(self) -> str:
        """The agreement as Markdown."""
        from ..io.agreement.document import to_markdown

        return to_markdown(self.document)

    def pdf(self) -> bytes:
        """The agreement as a PDF (about half a second; loads the PDF library on first use)."""
        from ..io.agreement.document import to_pdf

        return to_pdf(self.document)


def agreement_export(svc: Services, workbook_id: int) -> AgreementExport:
    """The agreement of ``workbook_id``, if the acting person may read it, to export.

    Raises :class:`~pmwidgets.domain.errors.NotFound` for a workbook they may not see,
    as every read does.
    """
    return AgreementExport(workbook_id, agreement_document(svc, workbook_id))
