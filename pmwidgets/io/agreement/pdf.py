"""Draw the agreement document's blocks as an A4 PDF with fpdf2.

The text is set in DejaVu Sans, the TrueType fonts that ship inside matplotlib
(``mpl-data/fonts/ttf``; Debian's ``fonts-dejavu`` is tried next), so Latin,
Greek and Cyrillic text prints as typed. DejaVu has no Chinese, Japanese or
Korean glyphs: when a CJK font is installed (Noto Sans CJK, WenQuanYi, Droid
Sans Fallback) it is used as a fallback for those characters; otherwise they
are left out of the PDF and fpdf2 logs which ones.

Every page has a header line (the employee, the cycle, the workbook and its
version) and "Page n of N" at the foot. Tables repeat their header row after
a page break; headings are not left alone at the foot of a page.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

from ...domain.i18n import _
from .model import Block, Fields, Heading, Para, SignOff, Table

_FONT = "DejaVu"
_MONO = "DejaVuMono"
_CJK = "Fallback"
_DEBIAN_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_CJK_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
#: characters a PDF text line cannot show (tabs become spaces, line breaks stay).
_HASH = re.compile("[0-9a-f]{64}")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@lru_cache(maxsize=1)
def dejavu_folder() -> Path:
    """The folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf.

    Raises
    ------
    RuntimeError
        Neither matplotlib's copy nor Debian's fonts-dejavu is installed.
    """
    places = []
    spec = importlib.util.find_spec("matplotlib")
    for root in (spec.submodule_search_locations or []) if spec else []:
        places.append(Path(root) / "mpl-data" / "fonts" / "ttf")
    places.append(_DEBIAN_DEJAVU)
    for folder in places:
        if (folder / "DejaVuSans.ttf").is_file() and (folder / "DejaVuSans-Bold.ttf").is_file():
            return folder
    raise RuntimeError(
        "cannot write a PDF: the DejaVu Sans fonts were not found (install matplotlib "
        "or Debian's fonts-dejavu-core)"
    )


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


class _Pdf(FPDF):
    def __init__(self, running: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running = _clean(" ".join(running.split()))
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(True, margin=18)
        folder = dejavu_folder()
        self.add_font(_FONT, "", folder / "DejaVuSans.ttf")
        self.add_font(_FONT, "B", folder / "DejaVuSans-Bold.ttf")
        mono = folder / "DejaVuSansMono.ttf"
        self.mono = _MONO if mono.is_file() else _FONT
        if mono.is_file():
            self.add_font(_MONO, "", mono)
        cjk = next((Path(p) for p in _CJK_CANDIDATES if Path(p).is_file()), None)
        if cjk is not None:
            self.add_font(_CJK, "", cjk)
            self.set_fallback_fonts([_CJK], exact_match=False)
        self.set_font(_FONT, "", 10)

    def header(self) -> None:
        self.set_font(_FONT, "", 8)
        self.set_text_color(90)
        text = self.running
        while text and self.get_string_width(text) > self.epw:
            text = text[:-2] + "…"
        self.set_xy(self.l_margin, 10)
        self.cell(self.epw, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(170)
        self.line(self.l_margin, 15.5, self.w - self.r_margin, 15.5)
        self.set_y(self.t_margin)
        self.set_text_color(0)
        self.set_font(_FONT, "", 10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, "", 8)
        self.set_text_color(90)
        words = _("Page {n} of {total}").format(n=self.page_no(), total="{nb}")
        self.cell(0, 5, words, align="C")
        self.set_text_color(0)

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm are left on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def render_pdf(blocks: Sequence[Block], title: str, running: str) -> bytes:
    """The blocks as an A4 PDF.

    Parameters
    ----------
    blocks
        The document, as laid out by :func:`pmwidgets.io.agreement.layout.layout`.
    title
        The PDF's title (document properties).
    running
        The header line printed at the top of every page.
    """
    pdf = _Pdf(running)
    pdf.set_title(_clean(title))
    pdf.set_creator("pmwidgets")
    pdf.add_page()
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            _heading(pdf, block, blocks[i + 1] if i + 1 < len(blocks) else None)
        elif isinstance(block, Para):
            _para(pdf, block)
        elif isinstance(block, Fields):
            _table(pdf, None, block.rows, _FIELD_WIDTHS)
        elif isinstance(block, Table):
            _table(pdf, block.headers, block.rows, block.widths)
        else:
            _sign_off(pdf, block)
    return bytes(pdf.output())


_FIELD_WIDTHS = (3.2, 8.8)


#: most wrapped lines in one table row; longer cells continue in the rows below.
_MAX_ROW_LINES = 40
_LINE = 4.4


def _wrapped(pdf: _Pdf, cells: Sequence[str], widths: Sequence[float]) -> list[list[str]]:
    """Each cell's text as the lines it wraps into (in the current font)."""
    total = sum(widths)
    return [
        _lines(pdf.multi_cell(pdf.epw * w / total - 2.4, _LINE, _clean(t), dry_run=True,
                              output="LINES"))
        for w, t in zip(widths, cells, strict=True)
    ]  # fmt: skip


def _fields_height(pdf: _Pdf, rows: Sequence[tuple[str, str]]) -> float:
    """Roughly how tall a label/value table will be, in mm."""
    pdf.set_font(_FONT, "", 9)
    height = sum(
        max(len(lines) for lines in _wrapped(pdf, row, _FIELD_WIDTHS)) * _LINE + 2.4 for row in rows
    )
    pdf.set_font(_FONT, "", 10)
    return height


def _page_sized(
    pdf: _Pdf, rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> list[Sequence[str]]:
    """The rows, a row too tall for a page cut into several (fpdf2 cannot split a row)."""
    out: list[Sequence[str]] = []
    for row in rows:
        wrapped = _wrapped(pdf, row, widths)
        if max(len(lines) for lines in wrapped) <= _MAX_ROW_LINES:
            out.append(row)
            continue
        for start in range(0, max(len(lines) for lines in wrapped), _MAX_ROW_LINES):
            out.append(tuple("\n".join(c[start : start + _MAX_ROW_LINES]) for c in wrapped))
    return out


def _lines(found: object) -> list[str]:
    return found if isinstance(found, list) else []


def _heading(pdf: _Pdf, b: Heading, after: Block | None) -> None:
    """A heading, on a new page when too little of what follows would fit under it."""
    size = {1: 18.0, 2: 13.5}.get(b.level, 11.0)
    needed = {1: 0.0, 2: 55.0}.get(b.level, 30.0)
    if isinstance(after, Heading):
        needed += 15
    elif isinstance(after, Fields):
        # keep an objective's heading and its details together when they fit on a page
        needed = max(needed, min(12 + _fields_height(pdf, after.rows), 120))
    pdf.room(needed)
    pdf.ln({1: 0.0, 2: 5.0}.get(b.level, 2.5))
    pdf.set_font(_FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, _clean(b.text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if b.level == 2:
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.get_y() + 0.8, pdf.w - pdf.r_margin, pdf.get_y() + 0.8)
        pdf.ln(2.5)
    else:
        pdf.ln(1.5)
    pdf.set_font(_FONT, "", 10)


def _para(pdf: _Pdf, b: Para) -> None:
    text = _clean(b.text)
    if b.kind == "draft":
        pdf.set_font(_FONT, "B", 10)
        pdf.set_text_color(140, 0, 0)
        pdf.set_draw_color(170, 0, 0)
        pdf.set_fill_color(255, 238, 238)
        pdf.multi_cell(0, 6, text, border=1, fill=True, align="L", padding=2,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    elif b.kind == "notice":
        pdf.set_fill_color(255, 244, 225)
        pdf.multi_cell(0, 5, text, fill=True, align="L", padding=2,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    elif b.kind == "mono":
        pdf.set_font(pdf.mono, "", 8.5)
        pdf.multi_cell(0, 4.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif b.kind == "small":
        pdf.set_font(_FONT, "", 8.5)
        pdf.set_text_color(70)
        pdf.multi_cell(0, 4.3, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 10)
    pdf.set_text_color(0)
    pdf.set_fill_color(255)
    pdf.ln(1.5)


def _table(
    pdf: _Pdf,
    headers: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
) -> None:
    pdf.set_font(_FONT, "", 9)
    pdf.set_draw_color(150)
    pdf.set_fill_color(255)
    label = FontFace(emphasis="BOLD", fill_color=(240, 240, 240))
    mono = FontFace(family=pdf.mono, emphasis="", size_pt=8)
    with pdf.table(
        col_widths=tuple(widths),
        first_row_as_headings=headers is not None,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        text_align="LEFT",
        line_height=_LINE,
        padding=1.2,
        borders_layout=TableBordersLayout.ALL,
        v_align="TOP",
    ) as table:
        if headers is not None:
            heading = table.row()
            for h in headers:
                heading.cell(_clean(h))
        for cells in _page_sized(pdf, rows, widths):
            row = table.row()
            for i, text in enumerate(cells):
                style = label if headers is None and i == 0 else None
                row.cell(_clean(text), style=mono if _HASH.fullmatch(text) else style)
    pdf.set_font(_FONT, "", 10)
    pdf.ln(2.5)


def _sign_off(pdf: _Pdf, b: SignOff) -> None:
    for role, name in b.lines:
        pdf.room(30)
        pdf.ln(4)
        pdf.set_font(_FONT, "B", 10.5)
        pdf.cell(0, 6, _clean(f"{role}: {name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y() + 12
        left = pdf.l_margin
        pdf.set_draw_color(0)
        pdf.line(left, y, left + 105, y)
        pdf.line(left + 115, y, left + 165, y)
        pdf.set_font(_FONT, "", 8.5)
        pdf.set_xy(left, y + 1)
        pdf.cell(105, 4, _("Signature"))
        pdf.set_xy(left + 115, y + 1)
        pdf.cell(50, 4, _("Date"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    pdf.set_font(_FONT, "", 10)
