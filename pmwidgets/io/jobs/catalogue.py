"""The occupation catalogue: about 900 job descriptions derived from O*NET 29.3.

The catalogue is one gzip'd JSON file, ``data/catalogue/onet-29.3.json.gz``,
written by ``scripts/build_catalogue.py``. Loading it parses the JSON once and
builds a small search index; a :class:`~pmwidgets.domain.model.JobDescription`
is validated only when :meth:`Catalogue.get` asks for it, so loading stays
cheap.

The data is from the O*NET 29.3 Database by USDOL/ETA, used under CC BY 4.0:
show :attr:`Catalogue.attribution` wherever the catalogue's content is shown.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...domain.errors import NotFound, ValidationFailed
from ...domain.i18n import _
from ...domain.model import JobDescription
from ..datafiles import data_dir

#: where the catalogue lives inside the data folder.
CATALOGUE_FILE = Path("catalogue") / "onet-29.3.json.gz"
#: longest summary shown for an entry, in characters.
SUMMARY_LENGTH = 160

# A sentence ends at ".", "!" or "?" followed by white space and a capital
# letter, unless the period closes an abbreviation such as "U.S." or "e.g.".
_SENTENCE_END = re.compile(r"(?<!\.[A-Za-z])[.!?](?=\s+[A-Z])")
_PUNCTUATION = "\"'.,;:!?()[]{}"


@dataclass(frozen=True)
class CatalogueEntry:
    """One occupation of the catalogue, as listed by a search.

    Attributes
    ----------
    code : str
        The O*NET-SOC code, such as ``"49-3023.00"``.
    title : str
        The O*NET title of the occupation.
    summary : str
        The first sentence of the job's purpose, at most 160 characters.
    """

    code: str
    title: str
    summary: str


def summarise(purpose: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first sentence of ``purpose``, shortened to ``limit`` characters.

    Parameters
    ----------
    purpose : str
        Text of one or more sentences.
    limit : int, optional
        Longest result, in characters; a longer sentence is cut at a word
        boundary and ends with an ellipsis.

    Returns
    -------
    str
        The first sentence (with its full stop), or its shortened form.
    """
    text = " ".join(purpose.split())
    end = _SENTENCE_END.search(text)
    sentence = text[: end.end()] if end else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


class Catalogue:
    """A searchable catalogue of job descriptions, keyed by O*NET-SOC code.

    Parameters
    ----------
    document : Mapping[str, Any]
        The parsed catalogue file: ``attribution``, ``source`` and a list of
        ``occupations``, each with ``code``, ``title`` and ``jd``.

    Raises
    ------
    ValidationFailed
        If the document does not have that shape.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        try:
            occupations = document["occupations"]
            self._attribution = str(document.get("attribution", ""))
            self._source = str(document.get("source", ""))
            raw: dict[str, dict[str, Any]] = {}
            entries: list[CatalogueEntry] = []
            for item in occupations:
                code, title, jd = str(item["code"]), str(item["title"]), item["jd"]
                if not isinstance(jd, dict):
                    raise TypeError(code)
                raw[code] = jd
                entries.append(CatalogueEntry(code, title, summarise(str(jd.get("purpose", "")))))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValidationFailed(
                _("the occupation catalogue is not in the expected format")
            ) from exc
        self._raw = raw
        self._entries = tuple(entries)
        # the search index, built once: case-folded title, and title + purpose.
        self._titles = tuple(e.title.casefold() for e in entries)
        self._texts = tuple(
            f"{e.title}\n{raw[e.code].get('purpose', '')}".casefold() for e in entries
        )

    @property
    def entries(self) -> tuple[CatalogueEntry, ...]:
        """Every occupation, in order of code."""
        return self._entries

    @property
    def attribution(self) -> str:
        """The attribution the O*NET licence (CC BY 4.0) requires to be shown."""
        return self._attribution

    @property
    def source(self) -> str:
        """Where the catalogue came from, such as ``"O*NET 29.3"``."""
        return self._source

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._key(code) is not None

    def _key(self, code: str) -> str | None:
        code = code.strip().removeprefix("O*NET-SOC").strip()
        if code in self._raw:
            return code
        if "." not in code and f"{code}.00" in self._raw:
            return f"{code}.00"
        return None

    def get(self, code: str) -> JobDescription:
        """The job description of one occupation, validated afresh.

        Parameters
        ----------
        code : str
            The O*NET-SOC code, such as ``"49-3023.00"``; ``"49-3023"`` stands
            for ``"49-3023.00"`` and an ``"O*NET-SOC "`` prefix is ignored.

        Returns
        -------
        JobDescription
            A new, validated job description (its ``source`` names the code).

        Raises
        ------
        NotFound
            If the catalogue has no occupation with this code.
        ValidationFailed
            If the stored job description breaks a rule of the domain model.
        """
        key = self._key(code)
        if key is None:
            raise NotFound(
                _("there is no occupation with code {code} in the catalogue").format(
                    code=code.strip() or "''"
                )
            )
        try:
            return JobDescription.model_validate(self._raw[key])
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise ValidationFailed(
                _("the catalogue's job description for {code} is not valid").format(code=key)
            ) from exc

    def search(self, query: str, limit: int = 20) -> list[CatalogueEntry]:
        """Occupations whose title or purpose contains every word of ``query``.

        Parameters
        ----------
        query : str
            Words to look for, case-insensitive; a word matches anywhere in a
            word of the text (``"teach"`` finds "Teachers"). Surrounding
            punctuation is ignored. An empty query matches every occupation.
        limit : int, optional
            Most entries to return.

        Returns
        -------
        list[CatalogueEntry]
            The matches, those with more query words in the title first, then
            in order of code.
        """
        if limit <= 0:
            return []
        words = [w for w in (w.strip(_PUNCTUATION) for w in query.casefold().split()) if w]
        if not words:
            return list(self._entries[:limit])
        hits: list[tuple[int, int]] = []
        for i, text in enumerate(self._texts):
            if all(w in text for w in words):
                title = self._titles[i]
                hits.append((-sum(w in title for w in words), i))
        hits.sort()
        return [self._entries[i] for _, i in hits[:limit]]


def read_catalogue(path: Path) -> Catalogue:
    """Read a catalogue file (gzip'd JSON, or plain JSON).

    Parameters
    ----------
    path : Path
        The catalogue file.

    Returns
    -------
    Catalogue
        The catalogue; job descriptions are validated when asked for.

    Raises
    ------
    NotFound
        If the file does not exist.
    ValidationFailed
        If the file is not a readable catalogue.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound(_("the occupation catalogue {path} is missing").format(path=path)) from exc
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        document = json.loads(data)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise ValidationFailed(
            _("the occupation catalogue {path} cannot be read").format(path=path)
        ) from exc
    if not isinstance(document, dict):
        raise ValidationFailed(
            _("the occupation catalogue {path} is not in the expected format").format(path=path)
        )
    return Catalogue(document)


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    try:
        folder = data_dir()
    except FileNotFoundError as exc:
        raise NotFound(
            _("the occupation catalogue is missing: {reason}").format(reason=exc)
        ) from exc
    return read_catalogue(folder / CATALOGUE_FILE)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The occupation catalogue, the shipped one unless ``path`` is given.

    Parameters
    ----------
    path : Path or None, optional
        A catalogue file; ``None`` means ``catalogue/onet-29.3.json.gz`` in the
        data folder (see :func:`pmwidgets.io.datafiles.data_dir`), which is read
        once and then shared.

    Returns
    -------
    Catalogue
        The catalogue.

    Raises
    ------
    NotFound
        If the catalogue file does not exist.
    ValidationFailed
        If it is not a readable catalogue.
    """
    if path is None:
        return _default_catalogue()
    return read_catalogue(Path(path))
