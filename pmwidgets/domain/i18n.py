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


#: the order the organisation set (its ``date_order`` setting), once read from the store
_organisation_order: str | None = None
#: countries (a locale's territory) that write the month first, or the year first
_MONTH_FIRST = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"})
_YEAR_FIRST = frozenset({"CN", "TW", "HK", "MO", "JP", "KR", "KP", "MN", "HU", "LT", "IR"})
DATE_ORDERS = tuple(_DATE_ORDERS)


def set_date_order(order: str | None) -> None:
    """Use the organisation's ``order`` (``dmy``, ``mdy`` or ``ymd``; None: not set) from
    now on in this process; the apps and the CLI call it with the organisation's setting
    when they open the database.

    Raises
    ------
    ValueError
        With one line, for any other order.
    """
    global _organisation_order
    if order is not None and order not in _DATE_ORDERS:
        raise ValueError(
            _("“{order}” is not a date order: use dmy, mdy or ymd").format(order=order)
        )
    _organisation_order = order


def server_date_order(name: str | None = None) -> str | None:
    """The date order of the server's locale (``name``, or ``LC_ALL``, ``LC_TIME`` or
    ``LANG``, as the C library reads them), or None for none (``C``, ``POSIX``).

    >>> server_date_order("en_US.UTF-8"), server_date_order("en_GB.UTF-8"), server_date_order("C")
    ('mdy', 'dmy', None)
    >>> server_date_order("zh_CN.UTF-8"), server_date_order("de_DE@euro")
    ('ymd', 'dmy')
    """
    if name is None:
        name = next((os.environ[v] for v in ("LC_ALL", "LC_TIME", "LANG") if os.environ.get(v)), "")
    match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", name)
    if not match:
        return None
    country = match.group(1)
    return "mdy" if country in _MONTH_FIRST else "ymd" if country in _YEAR_FIRST else "dmy"


def date_order() -> str:
    """The organisation's order of day, month and year in a date box: its ``date_order``
    setting (``pmw org set date_order mdy``); else ``PMW_DATE_ORDER``; else the server's
    locale; else ``dmy`` (as the demo organisation, a British school), ``ymd`` in Chinese."""
    if _organisation_order is not None:
        return _organisation_order
    order = os.environ.get("PMW_DATE_ORDER", "").strip().lower()
    if order in _DATE_ORDERS:
        return order
    found = server_date_order()
    if found is not None:
        return found
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
