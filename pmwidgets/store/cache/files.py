"""Report rows kept on disk, so that a new kernel need not read every workbook again.

A kernel caches each workbook's row in memory (:mod:`.rows`); a kernel that starts
without them (no preheat, or a second HR visitor while the preheated kernel is
taken) read every workbook: about 4 s at 10,000 workbooks, most of it parsing JSON.
The rows are also written to one file per database and language in the user's
cache folder, and a new kernel starts from that file.

The file is a cache, never a source: each row carries the hash of its workbook's
latest event, and is used only while that is still the workbook's latest event
(:meth:`.rows.RowCache.stale` checks it against the database, as for rows kept in
memory). A file that cannot be read, or was written by another format, is ignored.
It is written atomically (a new file, then a rename), readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("pmwidgets.store")

#: changes whenever what a row holds changes (the fields and their order, below).
FORMAT = 1


def cache_folder() -> Path:
    """The user's cache folder for pmwidgets (``PMW_CACHE_DIR`` overrides it)."""
    import platformdirs

    return Path(os.environ.get("PMW_CACHE_DIR") or platformdirs.user_cache_dir("pmwidgets"))


def cache_file(url: str, language: str) -> Path:
    """Where the rows of this database (named by a hash of its URL) and language are kept."""
    name = hashlib.sha256(f"{url}\n{language}".encode()).hexdigest()[:32]
    return cache_folder() / f"workbook-rows-{name}.json"


def forget() -> None:
    """Remove every file of kept rows."""
    for path in cache_folder().glob("workbook-rows-*.json"):
        path.unlink(missing_ok=True)


#: what a file holds: ``{workbook: (key, version, values)}``, and the event chain's head
#: when every one of them was last checked against the log (None if unknown).
Kept = tuple[dict[int, tuple[str, int, tuple[Any, ...]]], tuple[int, str] | None]


def load(path: Path, fields: tuple[str, ...], dates: frozenset[str]) -> Kept:
    """The rows kept in ``path`` and the head they were checked at; no rows if none
    (``dates``: the fields that are dates)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or tuple(data.get("fields", ())) != fields:
            return {}, None
        at = [i for i, f in enumerate(fields) if f in dates]
        rows = {}
        for wb, (key, version, values) in data["rows"].items():
            for i in at:
                if values[i] is not None:
                    values[i] = dt.date.fromisoformat(values[i])
            rows[int(wb)] = (str(key), int(version), tuple(values))
        head = data.get("head")
        checked = (int(head[0]), str(head[1])) if head else None
        return rows, checked
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        log.warning("ignoring the kept workbook rows in %s: %s", path, exc)
        return {}, None


def save(
    path: Path, fields: tuple[str, ...], rows: dict[int, Any], head: tuple[int, str] | None = None
) -> None:
    """Write ``{workbook: CachedRow}`` to ``path``, with the chain's ``head`` they were all
    checked at (atomically; a failure is only logged)."""

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    data = {
        "format": FORMAT,
        "fields": list(fields),
        "head": list(head) if head else None,
        "rows": {
            str(wb): [row.key, row.version, [plain(v) for v in row.values]]
            for wb, row in rows.items()
        },
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, separators=(",", ":")))  # dumps: C, dump is Python
        tmp.replace(path)
    except OSError as exc:
        log.warning("could not keep the workbook rows in %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
