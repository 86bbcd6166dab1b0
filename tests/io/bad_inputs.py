"""A corpus of malformed job description files, made on demand in the tests.

Each :class:`Case` names the file, makes its bytes when asked (some are large)
and gives a phrase the error's reason must contain, and optionally its place.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import openpyxl

from pmwidgets.io.jd_files import MAX_BYTES


@dataclass(frozen=True)
class Case:
    """One malformed file: its name, how to make it, and what the error must say."""

    id: str
    name: str
    make: Callable[[], bytes]
    phrase: str
    where: str | None = None


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
) -> bytes:
    """A workbook in the layout, with any sheet's rows replaced.

    ``text_cells`` puts strings verbatim (even ``=...``) into cells, as a
    string rather than a formula: ``{("Responsibilities", "C2"): "=30"}``.
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
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


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


def _entity_bomb() -> bytes:
    """A workbook whose sheet XML declares entities (an XML bomb's first step)."""
    good = xlsx()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                head, sep, body = data.partition(b"?>")
                if not sep:
                    head, body = b"", data
                doctype = (
                    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                )
                data = head + sep + doctype + body.replace(b"Teach", b"&b;", 1)
            dst.writestr(info, data)
    return out.getvalue()


def _damaged_sheet() -> bytes:
    good = xlsx()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    return out.getvalue()


def _many_rows() -> bytes:
    rows: list[list[Any]] = [["number", "responsibility", "share"]]
    rows += [[None, f"Task {i}", 0] for i in range(1001)]
    return xlsx(responsibilities=rows)


def _billion_laughs() -> bytes:
    lines = ['lol0: &l0 "lol"']
    for i in range(1, 10):
        refs = ",".join([f"*l{i - 1}"] * 10)
        lines.append(f"lol{i}: &l{i} [{refs}]")
    return ("\n".join(lines) + "\ntitle: *l9\n").encode()


def _deep_flow() -> bytes:
    return b"title: " + b"[" * 100_000 + b"]" * 100_000


def _deep_block() -> bytes:
    return "".join("  " * i + f"k{i}:\n" for i in range(60)).encode()


def _many_values() -> bytes:
    items = "".join(f"  - text: task {i}\n    share: 0\n" for i in range(9_000))
    return f"title: x\nresponsibilities:\n{items}".encode()


def _big(suffix: str) -> Callable[[], bytes]:
    def make() -> bytes:
        if suffix == "xlsx":
            return b"PK" + b"\0" * MAX_BYTES
        return b"title: x\n" + b"#" * MAX_BYTES

    return make


def cases() -> list[Case]:
    """Every malformed case, across all four formats."""
    c: list[Case] = []

    # --- any format ---
    for suffix in ("yaml", "md", "csv", "xlsx"):
        c.append(Case(f"empty-{suffix}", f"jd.{suffix}", _const(b""), "the file is empty"))
        c.append(Case(f"too-big-{suffix}", f"jd.{suffix}", _big(suffix), "over the 2 MB limit"))
    for suffix in ("yaml", "md", "csv"):
        c.append(Case(f"blank-{suffix}", f"jd.{suffix}", _const(b" \n\t\n"), "empty"))
        c.append(Case(f"nul-{suffix}", f"jd.{suffix}", _const(b"title: a\n\0\0x"), "NUL", "line 2"))
        c.append(
            Case(
                f"latin1-{suffix}",
                f"jd.{suffix}",
                _const("title: caf\xe9\n".encode("latin-1")),
                "not UTF-8 text: save it as UTF-8",
                "line 1",
            )
        )
        c.append(
            Case(
                f"utf16-{suffix}",
                f"jd.{suffix}",
                _const("title: x\n".encode("utf-16")),
                "(it is UTF-16)",
            )
        )
    for name in ("jd.txt", "jd.docx", "jd", "jd.json"):
        c.append(Case(f"suffix-{name}", name, _const(b"title: x"), "unsupported file type"))
    c.append(Case("suffix-xls", "jd.xls", _const(b"x"), "save it as .xlsx"))

    # --- YAML ---
    y = YAML_OK

    def yaml(id_: str, data: bytes, phrase: str, where: str | None = None) -> None:
        c.append(Case(f"yaml-{id_}", "jd.yaml", _const(data), phrase, where))

    yaml(
        "share-word",
        _sub(y, "share: 60", "share: thirty"),
        "the share of time must be a whole number, like 3, not 'thirty'",
        "responsibilities[1].share, line 5",
    )
    yaml("share-formula", _sub(y, "share: 60", "share: '=30'"), "holds a formula")
    yaml("share-list", _sub(y, "share: 60", "share: [60]"), "not a list")
    yaml("share-missing", _sub(y, "    share: 60\n", ""), "the share of time is missing")
    yaml(
        "title-missing",
        _sub(y, "title: Automotive maintenance instructor\n", ""),
        "the job title is missing",
    )
    yaml(
        "title-empty",
        _sub(y, "title: Automotive maintenance instructor", "title: '  '"),
        "the job title is empty",
        "title, line 1",
    )
    yaml("title-long", _sub(y, "Automotive maintenance instructor", "x" * 400), "too long")
    yaml(
        "title-list",
        _sub(y, "title: Automotive maintenance instructor", "title: [a, b]"),
        "must be text, not a list",
    )
    yaml(
        "total-90",
        _sub(y, "share: 40", "share: 30"),
        "shares of time total 90%, not 100%",
        "responsibilities, line 4",
    )
    yaml("share-negative", _sub(y, "share: 60", "share: -10"), "from 0 to 100")
    yaml(
        "duplicate-competency",
        _sub(y, "    required: 4\n", "    required: 4\n  - name: DIAGNOSTICS\n    required: 3\n"),
        "competency 'DIAGNOSTICS' appears twice",
    )
    yaml(
        "required-0",
        _sub(y, "required: 4", "required: 0"),
        "the required level must be from 1 to 5, not 0",
    )
    yaml(
        "required-7",
        _sub(y, "required: 4", "required: 7"),
        "the required level must be from 1 to 5, not 7",
        "competencies[1].required, line 10",
    )
    yaml("required-missing", _sub(y, "    required: 4\n", ""), "the required level is missing")
    yaml("anchor-level-6", _sub(y, "5: Coaches", "6: Coaches"), "an anchor level must be from 1")
    yaml("anchor-level-word", _sub(y, "5: Coaches", "five: Coaches"), "anchor level")
    yaml(
        "anchors-list",
        _sub(y, "      1: Needs help\n      5: Coaches others\n", "      - a\n"),
        "anchors must map levels",
    )
    yaml("top-list", b"- title: x\n- b\n", "the top level is a list")
    yaml("top-scalar", b"just some words\n", "the top level is a single value")
    yaml("comments-only", b"# nothing here\n", "empty")
    yaml("unknown-key", _sub(y, "purpose:", "purpse:"), "unknown key 'purpse'", "purpse, line 2")
    yaml("unknown-item-key", _sub(y, "share: 40", "shares: 40"), "unknown key 'shares'")
    yaml("responsibilities-map", b"title: x\nresponsibilities:\n  a: 1\n", "must be a list")
    yaml(
        "responsibilities-empty",
        b"title: x\nresponsibilities: []\n",
        "list at least one responsibility",
    )
    yaml("string-no-share", b"title: x\nresponsibilities:\n  - Teach lessons\n", "no share of time")
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
    yaml("control-char", b"title: a\x07b\n", "not valid YAML")
    c.append(Case("yaml-billion-laughs", "jd.yaml", _billion_laughs, "aliases are not allowed"))
    c.append(
        Case(
            "yaml-alias-only",
            "jd.yaml",
            _const(b"a: &x 1\nb: *x\n"),
            "aliases are not allowed",
            "line 1",
        )
    )
    c.append(Case("yaml-deep-flow", "jd.yaml", _deep_flow, "nested too deeply"))
    c.append(Case("yaml-deep-block", "jd.yaml", _deep_block, "nested too deeply"))
    c.append(Case("yaml-many-values", "jd.yaml", _many_values, "too many values"))

    # --- Markdown ---
    m = MD_OK

    def md(id_: str, data: bytes, phrase: str, where: str | None = None) -> None:
        c.append(Case(f"md-{id_}", "jd.md", _const(data), phrase, where))

    md(
        "no-title",
        _sub(m, "# Automotive maintenance instructor\n\n", ""),
        "job title as a '# Title' heading",
        "line 1",
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
    md("no-share", _sub(m, "Assess work (40%)", "Assess work"), "no share of time", "line 8")
    md("share-word", _sub(m, "(40%)", "(forty%)"), "must be a whole number, like 3, not 'forty'")
    md("total-110", _sub(m, "(40%)", "(50%)"), "shares of time total 110%, not 100%", "line 5")
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
    md("no-responsibilities", b"# Title\n\nPurpose.\n", "no '## Responsibilities' section")
    md(
        "competency-no-level",
        _sub(m, "- Diagnostics: 4", "- Diagnostics"),
        "'Name: required level'",
        "line 12",
    )
    md(
        "competency-level-word",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: high"),
        "the required level of 'Diagnostics' must be a whole number",
    )
    md("competency-level-0", _sub(m, "- Diagnostics: 4", "- Diagnostics: 0"), "from 1 to 5, not 0")
    md(
        "competency-level-7",
        _sub(m, "- Diagnostics: 4", "- Diagnostics: 7"),
        "from 1 to 5, not 7",
        "line 12",
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
    )
    md("anchor-twice", _sub(m, "  - 5: Coaches", "  - 1: Coaches"), "level 1 is given twice")
    md(
        "blockquote-purpose",
        _sub(m, "Teach apprentices.", "> Teach apprentices."),
        "write plain paragraphs",
    )
    md("empty-title", _sub(m, "# Automotive maintenance instructor", "#"), "the job title is empty")

    # --- CSV ---
    s = CSV_OK

    def csv(id_: str, data: bytes, phrase: str, where: str | None = None) -> None:
        c.append(Case(f"csv-{id_}", "jd.csv", _const(data), phrase, where))

    csv(
        "no-header",
        _sub(s, "section,number,text,share,required,level,anchor\n", ""),
        "the first row must be the header",
        "row 1",
    )
    csv("unknown-column", _sub(s, ",anchor\n", ",anchor,notes\n"), "unknown column 'notes'")
    csv("duplicate-column", _sub(s, ",anchor\n", ",anchor,text\n"), "appears twice")
    csv("unknown-section", _sub(s, "competency,,", "skill,,"), "unknown section 'skill'", "row 5")
    csv("empty-section", _sub(s, "competency,,", ",,"), "the section is empty")
    csv(
        "share-word",
        _sub(s, "Teach lessons,60", "Teach lessons,thirty"),
        "the share of time must be a whole number, like 3, not 'thirty'",
        "row 3",
    )
    csv(
        "share-formula",
        _sub(s, "Teach lessons,60", "Teach lessons,=SUM(A1:A3)"),
        "holds a formula '=SUM(A1:A3)'",
        "row 3",
    )
    csv("share-fraction", _sub(s, "Teach lessons,60", "Teach lessons,60.5"), "not '60.5'")
    csv("share-missing", _sub(s, "Teach lessons,60", "Teach lessons,"), "share of time is missing")
    csv("number-word", _sub(s, "responsibility,1,", "responsibility,one,"), "the number must be")
    csv("required-0", _sub(s, "Diagnostics,,4", "Diagnostics,,0"), "from 1 to 5, not 0", "row 5")
    csv("required-7", _sub(s, "Diagnostics,,4", "Diagnostics,,7"), "from 1 to 5, not 7", "row 5")
    csv(
        "title-missing",
        _sub(s, "title,,Automotive maintenance instructor,,,,\n", ""),
        "the job title is missing",
        "-",
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
        "total-100",
        _sub(s, "Assess work,40", "Assess work,45"),
        "shares of time total 105%, not 100%",
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
    )
    csv("no-responsibilities", b"section,text\ntitle,x\n", "list at least one responsibility")
    csv(
        "header-only",
        b"section,number,text,share,required,level,anchor\n",
        "the job title is missing (and 1 more problems)",
    )

    # --- Excel ---
    def book(id_: str, make: Callable[[], bytes], phrase: str, where: str | None = None) -> None:
        c.append(Case(f"xlsx-{id_}", "jd.xlsx", make, phrase, where))

    book("text-file", _const(b"title: x\n"), "not a zip archive")
    book("ole-xls", _const(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "old .xls file")
    book("truncated", lambda: xlsx()[:3000], "not a zip archive")
    book(
        "docx-like",
        _const(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})),
        "a zip archive without a workbook",
    )
    book("zip-bomb", zip_bomb, "200.0 MB")
    book("too-many-parts", _too_many_members, "too many parts (301")
    book("entity-bomb", _entity_bomb, "entity or DTD declarations")
    book("damaged-sheet", _damaged_sheet, "cannot be read", "sheet 'Responsibilities'")
    book(
        "missing-sheets",
        lambda: xlsx(sheets=("Job",)),
        "no sheet named 'Responsibilities' and 'Competencies'",
        "-",
    )
    book("wrong-sheets", lambda: xlsx(sheets=("Sheet1",)), "no sheet named 'Job'")
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
    )
    book(
        "share-formula-text",
        lambda: xlsx(text_cells={("Responsibilities", "C3"): "=40"}),
        "holds a formula '=40'",
        "sheet 'Responsibilities' row 3",
    )
    book(
        "share-date",
        lambda: xlsx(
            responsibilities=[["responsibility", "share"], ["Teach", dt.datetime(2024, 1, 1)]]
        ),
        "not a date",
    )
    book(
        "share-missing",
        lambda: xlsx(responsibilities=[["responsibility", "share"], ["Teach", None]]),
        "the share of time is missing",
    )
    book(
        "total",
        lambda: xlsx(responsibilities=[["responsibility", "share"], ["Teach", 99]]),
        "shares of time total 99%, not 100%",
        "sheet 'Responsibilities'",
    )
    book(
        "required-7",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", 7]]),
        "from 1 to 5, not 7",
        "sheet 'Competencies' row 2",
    )
    book(
        "required-0",
        lambda: xlsx(competencies=[["competency", "required"], ["Diagnostics", 0]]),
        "from 1 to 5, not 0",
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
        lambda: xlsx(responsibilities=[["number", "responsibility"]]),
        "no 'share' column",
    )
    book("empty-job-sheet", lambda: xlsx(job=[]), "the sheet is empty")
    book(
        "anchor-unknown",
        lambda: xlsx(anchors=[["competency", "level", "anchor"], ["Welding", 2, "x"]]),
        "anchor for unknown competency 'Welding'",
    )
    book("too-many-rows", _many_rows, "more than 1000 rows", "sheet 'Responsibilities' row 1002")
    book(
        "value-without-heading",
        lambda: xlsx(responsibilities=[["responsibility", "share"], ["Teach", 100, "stray"]]),
        "has no heading",
    )
    return c
