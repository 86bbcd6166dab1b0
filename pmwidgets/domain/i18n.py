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


def format_datetime(value: dt.datetime | None) -> str:
    """Format a timestamp (shown in UTC) for people to read."""
    if value is None:
        return _("never")
    return f"{format_date(value.date())} {value:%H:%M} UTC"
