"""What every reader checks of a file's bytes before any format parses them.

Shared by the job description readers (:mod:`pmwidgets.io.jobs`) and the spreadsheet
readers (:mod:`pmwidgets.io.sheets`), which import nothing from each other:

- :func:`load_bytes`: a file's (or an upload's) bytes, at most :data:`MAX_BYTES`,
  checked before anything is read or parsed;
- :func:`binary_kind`: what a binary file seems to be, from its first bytes, to say so
  when a text file was expected;
- :func:`open_workbook`: an .xlsx opened safely (:func:`check_zip` first: size once
  unpacked, compression ratio, number of parts, each part unpacked in small pieces
  to check it holds what it declares; then openpyxl read-only, through defusedxml,
  without external links and without evaluating formulas), with
  :func:`damaged_reason` and :func:`refuse_formula` for the reasons a reader gives.

Every problem is an :class:`~pmwidgets.io.errors.ImportFailed`, one line.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import ImportFailed, show

__all__ = [
    "MAX_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_UNPACKED",
    "binary_kind",
    "check_zip",
    "damaged_reason",
    "formula_text",
    "load_bytes",
    "open_workbook",
    "read_file",
    "refuse_formula",
]

#: Largest file accepted, checked before anything is parsed.
MAX_BYTES = 2 * 1024 * 1024
#: Most parts (files) an .xlsx zip may hold; Excel writes about a dozen.
MAX_MEMBERS = 200
#: Most bytes the parts may unpack to, in all.
MAX_UNPACKED = 20 * 1024 * 1024
#: Highest compression ratio accepted for a part over 1 MB unpacked.
MAX_RATIO = 100


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --- a file's bytes ----------------------------------------------------------------


def too_big_for(holds: str) -> Callable[[str, int], ImportFailed]:
    """The refusal of a file over :data:`MAX_BYTES` that should hold ``holds``
    ("a job description", "a list of objectives"), for :func:`read_file`."""

    def too_big(name: str, size: int) -> ImportFailed:
        limit = MAX_BYTES // (1024 * 1024)
        return ImportFailed(
            name,
            "-",
            f"the file is {_megabytes(size)}, over the {limit} MB limit; {holds} needs far less",
        )

    return too_big


_too_big = too_big_for("a job description")


def read_file(
    name: str, path: str | Path, limit: int, too_big: Callable[[str, int], ImportFailed]
) -> bytes:
    """The bytes of the regular file ``path``: at most ``limit`` + 1 of them are read.

    Its size is checked before it is read: a folder, a device or a file over
    ``limit`` bytes is refused without reading it.

    Raises
    ------
    ImportFailed
        For a missing or unreadable file, one that is not a regular file, or
        ``too_big(name, size)`` for a file over ``limit``.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ImportFailed(name, "-", "no such file") from None
    except OSError as exc:
        raise ImportFailed(name, "-", f"cannot open the file: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ImportFailed(name, "-", "not a regular file")
    if st.st_size > limit:
        raise too_big(name, st.st_size)
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise ImportFailed(name, "-", f"cannot read the file: {exc.strerror}") from None


def load_bytes(
    name: str, path: str | Path, data: bytes | None, holds: str = "a job description"
) -> bytes:
    """The bytes of the file ``path``, or ``data`` (an upload) when given.

    Parameters
    ----------
    name
        The file's name as errors start with.
    path
        The file to read when ``data`` is None (see :func:`read_file`).
    data
        The file's bytes (an upload): the disk is not touched.
    holds
        What the file should hold, as a refusal of a file too big names it.

    Raises
    ------
    ImportFailed
        For a missing or unreadable file, a folder, an upload that is not bytes,
        a file over :data:`MAX_BYTES`, or an empty one.
    """
    too_big = too_big_for(holds)
    if data is None:
        data = read_file(name, path, MAX_BYTES, too_big)
    elif not isinstance(data, bytes | bytearray | memoryview):
        raise ImportFailed(name, "-", "the upload is not a file's bytes")
    if len(data) > MAX_BYTES:
        raise too_big(name, len(data))
    if not data:
        raise ImportFailed(name, "-", "the file is empty")
    return bytes(data)


#: First bytes of common binary files, to say what a file that is not text seems to be.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an Excel, Word or other Office file?)"),
    (b"PK\x05\x06", "a zip archive"),
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)


def binary_kind(raw: bytes) -> str | None:
    """What a binary file seems to be, from its first bytes (``"a PDF file"``), or None."""
    for signature, kind in _SIGNATURES:
        if raw.startswith(signature):
            return kind
    return None


# --- an .xlsx, opened safely ---------------------------------------------------------

_METHODS = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64"}
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length


def check_zip(file: str, data: bytes) -> None:
    """Refuse what is not a plain, reasonably sized .xlsx zip.

    The archive's directory is inspected first (number of parts, declared
    sizes, compression ratio, encryption, compression method), then every part
    is unpacked once, in small pieces and never beyond its declared size, to
    check that it holds exactly what it declares: so a part that lies about its
    size cannot make a later reader unpack more than :data:`MAX_UNPACKED`.

    Raises
    ------
    ImportFailed
        For a file that is not a zip, a password-protected or old .xls file,
        too many parts, too many bytes once unpacked, an absurd compression
        ratio, an unusual compression method, or a part that lies about its size.
    """
    members = _members(file, data)
    if len(members) > MAX_MEMBERS:
        raise ImportFailed(
            file,
            "-",
            f"the workbook has too many parts ({len(members)}, at most {MAX_MEMBERS})",
        )
    total = 0
    for info in members:
        total += info.file_size
        _check_member(file, info, total)
    names = {info.filename for info in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportFailed(
            file,
            "-",
            "not an Excel .xlsx workbook: a zip archive without a workbook in it",
        )
    for info in members:
        _check_part(file, data, info)


def _members(file: str, data: bytes) -> list[zipfile.ZipInfo]:
    """The parts the zip's directory lists, or a reason why the file is no .xlsx zip."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            file,
            "-",
            "this is an old .xls file or a password-protected workbook:"
            " save it from Excel as a plain .xlsx",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except NotImplementedError:  # e.g. "zip file version 6.4": Excel never writes one
        raise ImportFailed(
            file,
            "-",
            "not an Excel .xlsx workbook: the zip archive says it needs a zip format"
            " Excel does not write; it may be damaged",
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        kind = binary_kind(data)
        if data.startswith(b"PK"):
            reason = "not an Excel .xlsx workbook: the file is a damaged or truncated zip archive"
        elif kind:
            reason = f"not an Excel .xlsx workbook: it looks like {kind}"
        else:
            reason = "not an Excel .xlsx workbook: the file is not a zip archive"
        raise ImportFailed(file, "-", reason) from None
    with archive:
        return archive.infolist()


def _check_member(file: str, info: zipfile.ZipInfo, total: int) -> None:
    """One part as the directory declares it (``total``: the declared sizes so far)."""
    if info.flag_bits & 0x1:
        raise ImportFailed(
            file, "-", "the workbook is encrypted: remove the password and save again"
        )
    if info.file_size > MAX_UNPACKED or total > MAX_UNPACKED:
        raise ImportFailed(
            file,
            "-",
            f"the workbook unpacks to more than {_megabytes(MAX_UNPACKED)}"
            f" (part {show(info.filename)} alone is {_megabytes(info.file_size)}):"
            " refused as a possible zip bomb",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
        raise ImportFailed(
            file,
            "-",
            f"part {show(info.filename)} is {_megabytes(info.file_size)} compressed"
            f" {ratio:.0f} to 1: refused as a possible zip bomb",
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = _METHODS.get(info.compress_type)
        how = (
            f"is compressed with {method}"
            if method
            else f"uses an unknown compression method ({info.compress_type})"
        )
        raise ImportFailed(
            file,
            "-",
            f"part {show(info.filename)} {how}, which Excel never writes:"
            " save the workbook from a spreadsheet as a plain .xlsx",
        )


def _check_part(file: str, data: bytes, info: zipfile.ZipInfo) -> None:
    """Unpack one part in small pieces: it must hold exactly its declared size and checksum."""
    name = show(info.filename)
    damaged = ImportFailed(file, "-", f"part {name} is damaged: the file may be truncated")
    start = info.header_offset
    try:
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, start)
    except struct.error:
        raise damaged from None
    if signature != b"PK\x03\x04":
        raise damaged
    start += _LOCAL_HEADER.size + name_length + extra_length
    packed = data[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        raise damaged
    lying = ImportFailed(
        file,
        "-",
        f"part {name} holds more than the {info.file_size:,} bytes it declares:"
        " refused as a possible zip bomb",
    )
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise lying
        if zlib.crc32(packed) != info.CRC:
            raise damaged
        return
    unpacker = zlib.decompressobj(-15)
    crc = size = 0
    pending = packed
    try:
        while pending and not unpacker.eof:
            out = unpacker.decompress(pending, 64 * 1024)
            pending = unpacker.unconsumed_tail
            size += len(out)
            if size > info.file_size:
                raise lying
            crc = zlib.crc32(out, crc)
        out = unpacker.flush()
    except zlib.error:
        raise damaged from None
    size += len(out)
    crc = zlib.crc32(out, crc)
    if size > info.file_size:
        raise lying
    if size != info.file_size or crc != info.CRC:
        raise damaged


def open_workbook(file: str, data: bytes, *, data_only: bool = False) -> Any:
    """Check an .xlsx (see :func:`check_zip`) and open it read-only, formulas unevaluated.

    External links (where DDE hides) are not loaded. With ``data_only=False``
    (the default) a formula cell gives its formula and ``data_type`` ``"f"``,
    so a reader can refuse it; with ``True`` it gives the value a spreadsheet
    last saved (or None).

    Raises
    ------
    ImportFailed
        For an unsafe or damaged file, or when defusedxml is missing.
    """
    import openpyxl  # here, not above: the text formats' readers do without it

    check_zip(file, data)
    if not openpyxl.DEFUSEDXML:
        raise ImportFailed(file, "-", "cannot read Excel files safely: defusedxml is missing")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False
            )
        except Exception as exc:
            raise ImportFailed(file, "-", damaged_reason(exc)) from None


def formula_text(value: Any) -> str:
    """The text of a formula cell's value (a string, or an array formula's text)."""
    return str(getattr(value, "text", value))


def refuse_formula(ref: str, value: Any) -> str:
    """The reason given for a formula cell: formulas are never run, so type the value."""
    return (
        f"the cell {ref} holds a formula {show(formula_text(value))}: formulas are never run;"
        " type the value itself (or paste it as a value)"
    )


def damaged_reason(exc: Exception, sheet: str | None = None) -> str:
    """Why an .xlsx (or one of its sheets) cannot be read: an XML bomb, or damage.

    Parameters
    ----------
    exc
        What openpyxl (or defusedxml under it) raised.
    sheet
        The sheet being read, or None for the whole workbook.
    """
    what = f"the sheet '{sheet}'" if sheet else "the workbook"
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any((type(e).__module__ or "").startswith("defusedxml") for e in chain):
        return (
            f"{what} contains XML entity or DTD declarations, which are not allowed"
            " (possible XML bomb)"
        )
    return f"{what} cannot be read ({type(exc).__name__}): the file may be damaged"
