"""Read and write job descriptions as YAML, Markdown, CSV and Excel (.xlsx) files.

:func:`read_job_description` picks the format by the file's suffix and returns a
:class:`~pmwidgets.domain.model.JobDescription`. Whatever the file holds, the
only exception it raises is :class:`~pmwidgets.io.errors.ImportFailed`, whose
``str()`` is one line: ``<file>:<where>: <reason>``. ``where`` is a line, a
row, a YAML path, a sheet and row, or ``-`` for the whole file.
:func:`write_job_description` and :func:`dumps_job_description` write the same
four formats, and reading back what was written gives an equal job description.

The formats, in short (each format module documents its details):

YAML (``.yaml``, ``.yml``; see :mod:`pmwidgets.io.jobs.as_yaml`)::

    title: Automotive maintenance instructor
    purpose: Teach apprentices to service and repair cars safely.
    responsibilities:
      - text: Teach workshop and classroom lessons
        share: 60
      - Assess apprentices' practical work (40%)
    competencies:
      - name: Vehicle diagnostics
        required: 4
        description: Finds the cause of a fault systematically.
        anchors: {1: Follows a fault chart with help, 5: Coaches others}
    source: demo

Markdown (``.md``, ``.markdown``; see :mod:`pmwidgets.io.jobs.as_markdown`)::

    # Automotive maintenance instructor

    Teach apprentices to service and repair cars safely.

    ## Responsibilities

    1. Teach workshop and classroom lessons (60%)
    2. Assess apprentices' practical work (40%)

    ## Competencies

    - Vehicle diagnostics: 4
      Finds the cause of a fault systematically.
      - 1: Follows a fault chart with help
      - 5: Coaches others

    ## Source

    demo

CSV (``.csv``, ``,`` or ``;`` separated, UTF-8 with or without BOM; see
:mod:`pmwidgets.io.jobs.as_csv`)::

    section,number,text,share,required,level,anchor,description
    title,,Automotive maintenance instructor,,,,,
    purpose,,Teach apprentices to service and repair cars safely.,,,,,
    responsibility,1,Teach workshop and classroom lessons,60,,,,
    responsibility,2,Assess apprentices' practical work,40,,,,
    competency,,Vehicle diagnostics,,4,,,Finds the cause of a fault systematically.
    anchor,,Vehicle diagnostics,,,1,Follows a fault chart with help,
    source,,demo,,,,,

Excel (``.xlsx``; see :mod:`pmwidgets.io.jobs.as_xlsx`): sheet ``Job`` (columns
``field``, ``value``; rows title, purpose, source), sheet ``Responsibilities``
(``number``, ``responsibility``, ``share``), sheet ``Competencies``
(``competency``, ``required``, ``description``) and optional sheet ``Anchors``
(``competency``, ``level``, ``anchor``), each with a header row.

Text is data: HTML such as ``<script>`` or a formula such as ``=HYPERLINK(...)``
in a free-text field is stored verbatim, never run or rejected. So that a
spreadsheet never runs such text as a formula, the CSV and Excel writers put a
single quote ``'`` before any text cell that starts with ``=``, ``+``, ``-``,
``@`` (or their full-width forms ``＝＋－＠``), a tab, a carriage return or ``'``
itself, and the readers remove exactly
one leading ``'`` from every text cell. A leading quote therefore survives the
round trip (``'x`` is written ``''x``); a hand-made file whose text cell starts
with one ``'`` loses that quote, as it would when typed into a spreadsheet.

What each format can carry exactly: YAML and CSV carry any text but the NUL
character (the CSV writer drops it; a YAML ``"\\0"`` is refused when read).
Excel cannot hold control characters or a carriage return: the writer drops
control characters and turns carriage returns into line breaks.
Markdown cannot hold white space at the start or end of a text or of its lines,
more than one blank line in a row, or a line break in the title, a competency
name or the source; the writer turns these into single spaces or drops them.

Safety limits: a file may hold at most :data:`MAX_BYTES`; YAML anchors and
aliases are refused (no "billion laughs"), as is nesting deeper than
:data:`~pmwidgets.io.jobs.as_yaml.MAX_DEPTH`; Markdown files may hold at most
:data:`~pmwidgets.io.jobs.as_markdown.MAX_MARKDOWN_BYTES` (parsing is slow); an .xlsx is inspected as a zip before
it is opened (size once unpacked, compression ratio, number of parts, each part
unpacked in small pieces to check it holds what it declares), a formula cell is
refused (never evaluated), and at most :data:`~pmwidgets.io.jobs.as_xlsx.MAX_ROWS`
rows a sheet are read. Text that is not UTF-8 (UTF-16, UTF-32, Latin-1...) or is
binary (a NUL byte; a PDF, image, zip or program) is refused, saying which.
"""

from __future__ import annotations

from pathlib import Path

from ...domain.model import JobDescription
from ..errors import CONTROL_CHARS, ImportFailed
from ..filecheck import MAX_BYTES, binary_kind, load_bytes

__all__ = [
    "MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "dumps_job_description",
    "read_job_description",
    "write_job_description",
]

_FORMAT_OF_SUFFIX = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
#: File name endings :func:`read_job_description` understands.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_FORMAT_OF_SUFFIX)

_FORMAT_ALIASES = {
    "yaml": "yaml",
    "yml": "yaml",
    "md": "md",
    "markdown": "md",
    "csv": "csv",
    "xlsx": "xlsx",
}

#: Start of the reason given when a reader failed in a way nobody foresaw.
UNEXPECTED = "unexpected problem reading the file"


# --- reading -----------------------------------------------------------------


def read_job_description(path: str | Path, *, data: bytes | None = None) -> JobDescription:
    """Read a job description from a YAML, Markdown, CSV or Excel file.

    Parameters
    ----------
    path
        The file to read, or, when ``data`` is given, just its name: the suffix
        (``.yaml``, ``.yml``, ``.md``, ``.markdown``, ``.csv``, ``.xlsx``)
        chooses the format and the name starts every error message.
    data
        The file's bytes, for example an upload; the disk is not touched.

    Returns
    -------
    JobDescription
        The job description the file holds.

    Raises
    ------
    ImportFailed
        For any problem with the file, and nothing else: its ``where`` names
        the place (``line 12``, ``row 4``, ``responsibilities[2].share, line 9``,
        ``sheet 'Competencies' row 7`` or ``-``) and its ``reason`` says what to
        change.
    """
    name = CONTROL_CHARS.sub("?", str(path))  # an upload's name must not break the line
    try:
        fmt = _format_of(name)
        raw = load_bytes(name, path, data)
        return _parse(name, fmt, raw)
    except ImportFailed:
        raise
    except RecursionError:
        raise ImportFailed(name, "-", "the file is nested too deeply to read") from None
    except MemoryError:
        raise ImportFailed(name, "-", "the file is too large to read") from None
    except Exception as exc:  # the promise: nothing but ImportFailed escapes
        raise ImportFailed(
            name, "-", f"{UNEXPECTED} ({type(exc).__name__}); it may be damaged"
        ) from exc


def _format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    fmt = _FORMAT_OF_SUFFIX.get(suffix)
    if fmt is not None:
        return fmt
    known = ", ".join(SUPPORTED_SUFFIXES)
    if suffix == ".xls":
        raise ImportFailed(
            name, "-", f"old Excel .xls files are not supported: save it as .xlsx (use {known})"
        )
    shown = f"'{suffix}'" if suffix else "without a suffix"
    raise ImportFailed(name, "-", f"unsupported file type {shown}: use {known}")


def _parse(name: str, fmt: str, raw: bytes) -> JobDescription:
    if fmt == "xlsx":
        from .as_xlsx import parse_xlsx

        return parse_xlsx(name, raw)
    text = decode_text(name, raw)
    if fmt == "yaml":
        from .as_yaml import parse_yaml

        return parse_yaml(name, text)
    if fmt == "md":
        from .as_markdown import parse_markdown

        return parse_markdown(name, text)
    from .as_csv import parse_csv

    return parse_csv(name, text)


def _utf16_without_bom(raw: bytes) -> bool:
    """Mostly-ASCII UTF-16 without a byte-order mark: NULs at every other byte."""
    sample = raw[:2000]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    for zeros, others in ((odd, even), (even, odd)):
        if zeros.count(0) >= 0.6 * len(zeros) and others.count(0) <= 0.05 * len(others):
            return True
    return False


def decode_text(name: str, raw: bytes) -> str:
    """The text of a text file: UTF-8, a leading BOM dropped, no NUL bytes.

    Raises
    ------
    ImportFailed
        For UTF-16, UTF-32 or other binary data (saying what it looks like,
        when it can tell), text that is not UTF-8, or a file holding only
        white space.
    """
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ImportFailed(name, "-", "not UTF-8 text (it is UTF-32): save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(name, "-", "not UTF-8 text (it is UTF-16): save it as UTF-8")
    kind = binary_kind(raw)
    nul = raw.find(b"\x00")
    if nul >= 0:
        if _utf16_without_bom(raw):
            raise ImportFailed(
                name,
                "-",
                "not UTF-8 text: it looks like UTF-16 text without a byte-order mark;"
                " save it as UTF-8",
            )
        if kind:
            raise ImportFailed(
                name, "-", f"binary data: it looks like {kind}, not a text file; save it as UTF-8"
            )
        line = raw.count(b"\n", 0, nul) + 1
        raise ImportFailed(
            name,
            f"line {line}",
            "binary data (a NUL byte): this is not a text file; save it as UTF-8 text",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if kind:
            raise ImportFailed(
                name, "-", f"binary data: it looks like {kind}, not a text file; save it as UTF-8"
            ) from None
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw.count(b"\n", 0, offset) + 1
        raise ImportFailed(name, f"line {line}", "not UTF-8 text: save it as UTF-8") from None
    if not text.strip():
        raise ImportFailed(name, "-", "the file is empty (only blank space)")
    return text


# --- writing -------------------------------------------------------------------


def dumps_job_description(jd: JobDescription, fmt: str) -> bytes:
    """The bytes of a job description file in one format.

    Parameters
    ----------
    jd
        The job description.
    fmt
        ``yaml``, ``md``, ``csv`` or ``xlsx`` (``yml``, ``markdown`` and a
        leading dot are accepted too).

    Returns
    -------
    bytes
        UTF-8 text (CSV with a BOM, so spreadsheets detect UTF-8) or an .xlsx.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    key = _FORMAT_ALIASES.get(fmt.lower().lstrip("."))
    if key == "yaml":
        from .as_yaml import dump_yaml

        return dump_yaml(jd)
    if key == "md":
        from .as_markdown import dump_markdown

        return dump_markdown(jd)
    if key == "csv":
        from .as_csv import dump_csv

        return dump_csv(jd)
    if key == "xlsx":
        from .as_xlsx import dump_xlsx

        return dump_xlsx(jd)
    raise ValueError(f"unknown job description format {fmt!r}: use yaml, md, csv or xlsx")


def write_job_description(jd: JobDescription, path: str | Path) -> None:
    """Write a job description to a file, in the format its suffix names.

    Parameters
    ----------
    jd
        The job description.
    path
        Where to write; the suffix (see :data:`SUPPORTED_SUFFIXES`) picks the format.

    Raises
    ------
    ValueError
        For an unsupported suffix.
    OSError
        When the file cannot be written.
    """
    suffix = Path(path).suffix.lower()
    fmt = _FORMAT_OF_SUFFIX.get(suffix)
    if fmt is None:
        raise ValueError(
            f"cannot write a job description as {suffix or 'a file without a suffix'}:"
            f" use {', '.join(SUPPORTED_SUFFIXES)}"
        )
    Path(path).write_bytes(dumps_job_description(jd, fmt))
