"""The agreement page: the performance agreement as a document, to read, print or download as PDF."""

from __future__ import annotations

import base64
import logging
import re

import ipywidgets as W

from ..domain.errors import PmwError
from ..domain.i18n import _
from ..services import Services
from ..widgets.base import StatusArea, button, esc, heading, html_widget
from ..widgets.lean import make, show
from . import session
from .logs import configure as configure_logging
from .messages import failure_message, sign_in_message
from .style import stylesheet

log = logging.getLogger("pmwidgets.apps")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads ``data`` (a data: URI: no file is ever served from disk)."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='pmw-download' download='{esc(filename)}' href='data:{esc(mime)};base64,{encoded}'>"
        f"{esc(label)}</a>"
    )


def agreement_page() -> W.VBox:
    """The workbook's agreement as a document, with PDF and Markdown downloads."""
    configure_logging()
    css = stylesheet()
    page = W.VBox([css])
    page.add_class("pmw-page")
    session.when_requested(lambda: _fill(page, css))
    return page


def _fill(page: W.VBox, css: W.HTML) -> None:
    """Draw the agreement page for the signed-in person (or say why not)."""
    try:
        sel = session.load_selection()
        if not sel.user or sel.workbook is None:
            status = StatusArea()
            page.children = (
                css,
                heading(_("Performance agreement"), 2),
                sign_in_message() if not sel.user else status,
            )
            status.error(_("Choose a workbook on your home page: this address names none."))
            return
        try:
            svc = session.signed_in(sel)
        except PmwError:  # an identity, but of nobody known here: as if not signed in
            page.children = (
                css,
                heading(_("Performance agreement"), 2),
                sign_in_message(),
            )
            return
        page.children = (css, *agreement_view(svc, sel.workbook))
    except PmwError as exc:
        status = StatusArea()
        page.children = (css, heading(_("Performance agreement"), 2), status)
        status.error(str(exc))
    except Exception:
        page.children = (css, failure_message("agreement page"))


def agreement_view(svc: Services, workbook_id: int) -> list[W.Widget]:
    """Workbook ``workbook_id``'s agreement as ``svc``'s person may read it: the PDF and
    Markdown downloads, and the document (access checked by the services)."""
    status = StatusArea()
    export = svc.agreement_export(workbook_id)
    stem = f"performance-agreement-workbook-{workbook_id}"
    html = export.html()
    body = _BODY.search(html)
    styles = "".join(_STYLE.findall(html))
    markdown = download_link(
        export.markdown().encode("utf-8"), f"{stem}.md", "text/markdown", _("Markdown")
    )
    links = html_widget(f"<p class='pmw-downloads'>{markdown}</p>")
    # The PDF is drawn when asked for: it takes about half a second and loads the
    # PDF library, which the page itself does not need (docs/performance.md).
    prepare = button(_("Prepare the PDF"))

    def make_pdf(_b: W.Button) -> None:
        pdf = download_link(
            export.pdf(), f"{stem}.pdf", "application/pdf", _("Download the agreement (PDF)")
        )
        links.value = f"<p class='pmw-downloads'>{pdf} · {markdown}</p>"
        show(prepare, False)

    prepare.on_click(status.guard(make_pdf))
    # the document's HTML escapes every piece of user text (pmwidgets.services.documents)
    document = html_widget(styles + (body.group(1) if body else html), "pmw-agreement-document")
    actions = make(W.HBox, children=[prepare, links])
    return [actions, status, document]
