"""Text in spreadsheet cells (CSV and Excel), shared by every reader and writer of them.

Formulas. A spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@``
as a formula (some also after a leading tab or carriage return, or the full-width forms
``＝＋－＠``), so text typed by a person could run on the computer of whoever opens the
file. :func:`escape_cell` therefore puts a single quote ``'`` before any text that
starts with one of :data:`FORMULA_STARTS` (``'`` itself included), and
:func:`unescape_cell` removes exactly one leading ``'`` when a cell is read, so a text
survives the round trip. :func:`excel_text` makes text something an Excel cell can hold.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_STARTS", "escape_cell", "excel_text", "unescape_cell"]

#: First characters that make a spreadsheet treat a cell as a formula (and ``'``): the
#: full-width forms too, which some spreadsheets (and input methods) turn into ``=``, ``+``...
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_cell(text: str) -> str:
    """Text for a CSV/Excel cell: a leading ``'`` keeps it from running as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`: remove exactly one leading ``'``."""
    return text[1:] if text.startswith("'") else text


def excel_text(text: str) -> str:
    """Text as an Excel cell can hold it: carriage returns become line breaks, and the
    characters XML cannot hold (control characters) are dropped. Not quoted."""
    return _NOT_IN_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
