"""LinkCatcher: the page's links to steps and workbooks, followed in place in JupyterLab.

The step pills, the dashboard's links and the agreement's PDF link are plain HTML links
(``<a href="02_objectives.ipynb?workbook=3" data-pmw-step="02_objectives"
data-pmw-workbook="3">``), which the web app follows as addresses. In JupyterLab an
address reloads all of JupyterLab and opens a notebook that has not run; so there a
page carries a LinkCatcher, which takes every click on such a link inside the page
(``.pmw-page``) and tells the kernel which step and workbook were asked for. The page
then moves in place (:meth:`pmwidgets.apps.step_page.StepPage.go`), and every
request is checked by the services, like any other widget message: a browser can send
any message, for any workbook.

A link marked ``data-pmw-pdf`` asks for a download instead: the kernel makes the file
and sends its bytes back (:meth:`LinkCatcher.download`), and the browser saves it.

The catcher draws nothing. Its script is the constant ``_esm`` below (anywidget loads
it from the widget's state; nothing is fetched).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as T

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const page = () => el.closest(".pmw-page") || document.body;
  const onClick = (event) => {
    const link = event.target.closest && event.target.closest("a[data-pmw-step], a[data-pmw-pdf]");
    if (!link || !page().contains(link)) return;
    event.preventDefault();
    event.stopPropagation();
    model.send({
      step: link.dataset.pmwStep || "",
      workbook: link.dataset.pmwWorkbook || "",
      pdf: link.dataset.pmwPdf || "",
    });
  };
  const onMessage = (message, buffers) => {
    if (!message || message.download === undefined || !buffers || !buffers.length) return;
    const blob = new Blob([buffers[0]], { type: message.mime || "application/octet-stream" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = message.download;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  document.addEventListener("click", onClick, true);
  model.on("msg:custom", onMessage);
  return () => {
    document.removeEventListener("click", onClick, true);
    model.off("msg:custom", onMessage);
  };
}
export default { render };
"""

_STEP = re.compile(r"^[a-z0-9_]{1,40}$")
_NUMBER = re.compile(r"^[0-9]{1,9}$")


class LinkCatcher(anywidget.AnyWidget):
    """Clicks on the page's step and workbook links, reported to ``on_open`` in the kernel.

    Parameters
    ----------
    on_open:
        Called with (step, workbook id or None) for a step link: the step's notebook
        stem, as the link named it (the page checks it is a step).
    on_pdf:
        Called with a workbook id for a PDF link.

    What the browser sent is read as text and checked for shape only here: the page
    and the services decide what it may open.

    Examples
    --------
    >>> asked = []
    >>> catcher = LinkCatcher(on_open=lambda step, wb: asked.append((step, wb)))
    >>> catcher.clicked({"step": "02_objectives", "workbook": "3"})
    >>> catcher.clicked({"step": "<script>", "workbook": "3"})
    >>> asked
    [('02_objectives', 3)]
    """

    _esm = T.Unicode(_ESM).tag(sync=True)

    def __init__(
        self,
        on_open: Callable[[str, int | None], None] | None = None,
        on_pdf: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self.on_open, self.on_pdf = on_open, on_pdf
        self.on_msg(lambda _w, content, _buffers: self.clicked(content))

    def clicked(self, content: Any) -> None:
        """Handle one message from the browser: a click on a step, workbook or PDF link."""
        if not isinstance(content, dict):
            return
        step, workbook, pdf = (str(content.get(k) or "") for k in ("step", "workbook", "pdf"))
        if pdf:
            if _NUMBER.match(pdf) and self.on_pdf is not None:
                self.on_pdf(int(pdf))
            return
        if not _STEP.match(step) or (workbook and not _NUMBER.match(workbook)):
            return
        if self.on_open is not None:
            self.on_open(step, int(workbook) if workbook else None)

    def download(self, filename: str, data: bytes, mime: str) -> None:
        """Have the browser save ``data`` as ``filename``."""
        self.send({"download": filename, "mime": mime}, buffers=[data])
