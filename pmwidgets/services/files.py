"""Files a page reads or offers, through the services layer (DESIGN.md: widgets and pages
call the services, never ``pmwidgets.io`` directly).

A job description someone uploads, the occupation catalogue they search, and the
agreement as HTML, Markdown or PDF. None of these reads a workbook: what the
agreement shows comes from :meth:`pmwidgets.services.Services.agreement_document`,
which checks access. The importers load only when first used, so a page that
never uploads or searches never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..domain.model import JobDescription
    from ..io.agreement.model import AgreementDocument
    from ..io.jobs.catalogue import Catalogue


def read_job_description(name: str, data: bytes) -> JobDescription:
    """The job description in an uploaded file (YAML, Markdown, CSV or Excel).

    Raises :class:`pmwidgets.io.errors.ImportFailed` (a one-line reason naming the
    file and the place) for anything that is not a good job description.
    """
    from ..io.jobs.files import read_job_description as read

    return read(name, data=data)


def catalogue() -> Catalogue:
    """The O*NET occupation catalogue shipped with pmwidgets (read once, then shared)."""
    from ..io.jobs.catalogue import load_catalogue

    return load_catalogue()


def agreement_html(doc: AgreementDocument) -> str:
    """The agreement as a web page; every piece of people's text is escaped."""
    from ..io.agreement.document import to_html

    return to_html(doc)


def agreement_markdown(doc: AgreementDocument) -> str:
    """The agreement as Markdown."""
    from ..io.agreement.document import to_markdown

    return to_markdown(doc)


def agreement_pdf(doc: AgreementDocument) -> bytes:
    """The agreement as a PDF (about half a second; loads the PDF library on first use)."""
    from ..io.agreement.document import to_pdf

    return to_pdf(doc)
