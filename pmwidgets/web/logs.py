"""The server log keeps secrets out: kernel ids, session cookies, sign-in and query tokens.

A kernel id no longer opens a page by itself (:mod:`pmwidgets.web.owners`), but
it stays out of logs all the same, as do the tokens that do open something: a
personal link's ``t=``, a kernel's query ``k=``, and cookies (Jupyter Server
logs a failed request's headers). Each id is replaced by a short fingerprint,
so the lines about one page can still be followed.
"""

from __future__ import annotations

import logging
import re

from .owners import fingerprint

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_SECRETS = re.compile(
    r"(?P<name>pmw_session=|_xsrf=|[?&](?:t|k|_xsrf)=|\"Cookie\": \"|Cookie: )"
    r"(?P<value>[^;&\s\"]+)"
)


def redact(text: str) -> str:
    """``text`` with kernel ids fingerprinted and tokens and cookies blanked."""
    text = _UUID.sub(lambda m: fingerprint(m.group(0)), text)
    return _SECRETS.sub(lambda m: m.group("name") + "…", text)


class Redact(logging.Filter):
    """A handler filter that rewrites each record's message with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record (and keep it)."""
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def redact_all_handlers() -> None:
    """Put :class:`Redact` on every handler of every logger there is now."""
    loggers = [logging.getLogger()] + [
        obj for obj in logging.Logger.manager.loggerDict.values() if isinstance(obj, logging.Logger)
    ]
    handlers = [h for logger in loggers for h in logger.handlers]
    if logging.lastResort is not None:  # prints warnings of loggers without a handler
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, Redact) for f in handler.filters):
            handler.addFilter(Redact())
