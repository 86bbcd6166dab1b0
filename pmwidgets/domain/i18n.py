"""The one translation function every user-facing string goes through.

Strings are marked with ``_()`` (gettext style) from the first line of UI code,
so that the Simplified Chinese catalogue can be added without touching callers.
Catalogues live in ``pmwidgets/locale/<lang>/LC_MESSAGES/pmwidgets.mo``; when a
catalogue is missing the English text is returned unchanged.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
import re
from functools import lru_cache
from pathlib import Path

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def current_language() -> str:
    """The language chosen by ``PMW_LANG`` (``en`` when unset)."""
    return os.environ.get("PMW_LANG", "en") or "en"


@lru_cache(maxsize=8)
def _translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation("pmwidgets", _LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    lang = os.environ.get("PMW_LANG") or "en"
    if lang == "en" and _english_is_source():
        return message  # the fast path: a page draws thousands of strings per refresh
    return _translations(lang).gettext(message)


@lru_cache(maxsize=1)
def _english_is_source() -> bool:
    """True when there is no English catalogue, so English strings are returned as written."""
    return type(_translations("en")) is gettext.NullTranslations


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _translations(current_language()).ngettext(singular, plural, n)


_DATE_FORMATS = {"en": "%-d %b %Y", "zh_CN": "%Y年%-m月%-d日"}


def format_date(value: dt.date | None) -> str:
    """Format a date for people to read, in the current language."""
    if value is None:
        return _("no date")
    fmt = _DATE_FORMATS.get(current_language(), _DATE_FORMATS["en"])
    return value.strftime(fmt)


#: how the organisation writes a date in a date box: (strftime format, what to type)
_DATE_ORDERS = {
    "dmy": ("%d/%m/%Y", "dd/mm/yyyy"),
    "mdy": ("%m/%d/%Y", "mm/dd/yyyy"),
    "ymd": ("%Y-%m-%d", "yyyy-mm-dd"),
}
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})\s*$")


def date_order() -> str:
    """The organisation's order of day, month and year in a date box: ``PMW_DATE_ORDER``
    (``dmy``, ``mdy`` or ``ymd``); by default ``dmy`` (British, as the demo organisation),
    ``ymd`` in Chinese."""
    order = os.environ.get("PMW_DATE_ORDER", "").strip().lower()
    if order in _DATE_ORDERS:
        return order
    return "ymd" if current_language() == "zh_CN" else "dmy"


def input_date(value: dt.date | None) -> str:
    """``value`` as the organisation writes it in a date box (``31/08/2027``); "" for none.

    >>> input_date(dt.date(2027, 8, 31))
    '31/08/2027'
    """
    return value.strftime(_DATE_ORDERS[date_order()][0]) if value is not None else ""


def date_hint() -> str:
    """What to type in a date box, in the organisation's order (``dd/mm/yyyy``)."""
    return _DATE_ORDERS[date_order()][1]


def parse_input_date(text: str) -> dt.date | None:
    """The date typed in a date box, in the organisation's order or as ``2027-08-31``;
    None for an empty box.

    Raises
    ------
    ValueError
        With one line saying how to write it, for anything else.

    >>> parse_input_date("31/8/2027"), parse_input_date("2027-08-31"), parse_input_date(" ")
    (datetime.date(2027, 8, 31), datetime.date(2027, 8, 31), None)
    >>> parse_input_date("31/02/2027")
    Traceback (most recent call last):
    ValueError: “31/02/2027” is not a date: write it as dd/mm/yyyy, for example 31/08/2027
    """
    if not text.strip():
        return None
    found = _NUMERIC_DATE.match(text)
    try:
        if found is None:
            raise ValueError(text)
        a, b, c = (int(g) for g in found.groups())
        if len(found.group(1)) == 4:  # a year first: always year, month, day
            return dt.date(a, b, c)
        if len(found.group(3)) != 4:
            raise ValueError(text)
        order = date_order()
        return dt.date(c, a, b) if order == "mdy" else dt.date(c, b, a)
    except ValueError:
        example = input_date(dt.date(2027, 8, 31))
        raise ValueError(
            _("“{text}” is not a date: write it as {hint}, for example {example}").format(
                text=text.strip(), hint=date_hint(), example=example
            )
        ) from None


def format_datetime(value: dt.datetime | None) -> str:
    """Format a timestamp (shown in UTC) for people to read."""
    if value is None:
        return _("never")
    return f"{format_date(value.date())} {value:%H:%M} UTC"
