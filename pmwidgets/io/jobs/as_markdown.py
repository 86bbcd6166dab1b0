"""Job descriptions as Markdown, the way a person would write one.

The layout::

    # Automotive maintenance instructor

    Teach apprentices to service and repair cars safely.   <- the purpose

    ## Responsibilities

    1. Teach workshop and classroom lessons (60%)          <- share at the end (optional)
    2. Assess apprentices' practical work (40%)

    ## Competencies

    - Vehicle diagnostics: 4                               <- name: required level
      Finds the cause of a fault systematically.           <- description (optional)
      - 1: Follows a fault chart with help                 <- anchors (optional)
      - 5: Designs diagnostic exercises and coaches others

    ## Source

    demo

The title is the one ``#`` heading. Paragraphs after it (or under a
``## Purpose`` heading) are the purpose. Section headings are matched
case-insensitively; ``Duties`` and ``Tasks`` are accepted for Responsibilities
and ``Skills`` for Competencies. Responsibilities may be a bulleted or a
numbered list and are numbered by position. A responsibility without a share
in brackets at its end has its share of time not set yet (0). Anchors may also be a numbered list
without the ``1:`` prefix. The file is parsed into tokens with markdown-it-py
(CommonMark, raw HTML off, so ``<script>`` is plain text); emphasis, links and
code marks are dropped and their text kept. Places in errors are ``line N``.

The writer backslash-escapes the characters Markdown would otherwise read as
markup (``*``, ``_``, ``[``, a ``#`` or ``-`` starting a line, ...), so what is
read back is the text that was written. Markdown cannot carry white space at
the ends of a text or its lines, several blank lines in a row, or a line break
in a title, competency name or source: the writer turns those into spaces.

Markdown files are limited to :data:`MAX_MARKDOWN_BYTES` (256 KB), far below
the general limit, because parsing is slow for pathological text.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ...domain.model import JobDescription
from ..errors import ImportFailed, show
from .fields import Draft, as_int, as_share, split_share

#: Largest Markdown text parsed: markdown-it-py needs seconds for pathological
#: text near :data:`~pmwidgets.io.jobs.files.MAX_BYTES`; real job descriptions are
#: a few kilobytes.
MAX_MARKDOWN_BYTES = 256 * 1024

_SECTIONS = {
    "purpose": "purpose",
    "job purpose": "purpose",
    "summary": "purpose",
    "responsibilities": "responsibilities",
    "key responsibilities": "responsibilities",
    "main responsibilities": "responsibilities",
    "duties": "responsibilities",
    "tasks": "responsibilities",
    "competencies": "competencies",
    "competences": "competencies",
    "key competencies": "competencies",
    "skills": "competencies",
    "source": "source",
}
_SECTION_NAMES = "Purpose, Responsibilities, Competencies or Source"
_NAME_LEVEL_HINT = "write each competency as 'Name: required level', like 'Diagnostics: 4'"
_ANCHOR_HINT = "write each anchor as 'level: text', like '3: Diagnoses common faults alone'"


def _inline_text(node: SyntaxTreeNode) -> str:
    """The plain text of inline markup: marks dropped, line breaks kept."""
    out: list[str] = []
    for child in node.children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(_inline_text(child))
    return "".join(out)


def _block_text(node: SyntaxTreeNode) -> str | None:
    """The text of a paragraph or code block, or None for other blocks."""
    if node.type in ("paragraph", "heading"):
        return _inline_text(node.children[0]) if node.children else ""
    if node.type in ("code_block", "fence"):
        return node.content.rstrip("\n")
    return None


def _line(node: SyntaxTreeNode) -> str:
    return f"line {node.map[0] + 1}" if node.map else "-"


def parse_markdown(file: str, text: str) -> JobDescription:
    """Read a job description from Markdown text.

    Raises
    ------
    ImportFailed
        For a file not in the layout and for a job description that breaks a rule.
    """
    size = len(text.encode("utf-8"))
    if size > MAX_MARKDOWN_BYTES:
        raise ImportFailed(
            file,
            "-",
            f"the file is {size // 1024} KB; a Markdown job description may be at most"
            f" {MAX_MARKDOWN_BYTES // 1024} KB (use YAML, CSV or Excel for more)",
        )
    parser = MarkdownIt("commonmark", {"html": False})
    root = SyntaxTreeNode(parser.parse(text))
    return _Reader(file).read(root)


class _Reader:
    def __init__(self, file: str) -> None:
        self.draft = Draft(file)
        self.parts: dict[str, list[str]] = {"purpose": [], "source": []}

    def read(self, root: SyntaxTreeNode) -> JobDescription:
        draft = self.draft
        section: str | None = None
        seen: dict[str, str] = {}
        for node in root.children:
            where = _line(node)
            if node.type == "hr":
                continue
            if node.type == "heading":
                section = self.heading(node, where, section, seen)
                continue
            if section is None:
                draft.fail(where, "start the file with the job title as a '# Title' heading")
            self.block(node, where, section)
        if "title" not in draft.fields:
            draft.fail("-", "no job title: start the file with a '# Job title' heading")
        for key in ("purpose", "source"):
            if self.parts[key]:
                draft.fields[key] = "\n\n".join(self.parts[key])
        if "responsibilities" not in seen:
            draft.fail("-", "no '## Responsibilities' section: list the responsibilities under one")
        return draft.finish()

    def heading(
        self, node: SyntaxTreeNode, where: str, section: str | None, seen: dict[str, str]
    ) -> str:
        """The job title (``# ``) or a section's heading (``## ``): the section it starts."""
        draft = self.draft
        heading = _block_text(node) or ""
        if node.tag == "h1":
            if "title" in draft.fields:
                draft.fail(
                    where,
                    "a second '# ' heading: the file may have only one job title"
                    f" (the first is at {draft.places[('title',)]})",
                )
            draft.fields["title"] = heading
            draft.places[("title",)] = where
            return "purpose"
        if section is None:
            draft.fail(where, "start the file with the job title as a '# Title' heading")
        if node.tag != "h2":
            draft.fail(
                where,
                f"unexpected heading {show(heading)}: use '# ' for the job title"
                " and '## ' for sections",
            )
        key = _SECTIONS.get(" ".join(heading.casefold().rstrip(":").split()))
        if key is None:
            draft.fail(where, f"unknown section {show(heading)}: use {_SECTION_NAMES}")
        if key in seen:
            draft.fail(where, f"section {show(heading)} appears twice")
        seen[key] = where
        if key in ("responsibilities", "competencies"):
            draft.places[(key,)] = where
        return key

    def block(self, node: SyntaxTreeNode, where: str, section: str) -> None:
        """A block under a section: a paragraph (purpose, source) or a list of items."""
        draft = self.draft
        if section in ("purpose", "source"):
            block = _block_text(node)
            if block is None:
                draft.fail(
                    where,
                    f"under {section.capitalize()}, write plain paragraphs"
                    f" (found a {node.type.replace('_', ' ')})",
                )
            self.parts[section].append(block)
            draft.places.setdefault((section,), where)
        elif node.type not in ("bullet_list", "ordered_list"):
            hint = (
                "list each responsibility as '- text (30%)' or '1. text (30%)'"
                if section == "responsibilities"
                else "list each competency as a bullet '- Name: required level',"
                " like '- Diagnostics: 4'"
            )
            draft.fail(where, f"under {section.capitalize()}, {hint}")
        else:
            for item in node.children:
                if section == "responsibilities":
                    self.responsibility(item)
                else:
                    self.competency(item)

    def _paragraphs(self, nodes: list[SyntaxTreeNode], what: str) -> list[str]:
        texts = []
        for node in nodes:
            block = _block_text(node)
            if block is None:
                self.draft.fail(
                    _line(node),
                    f"{what} may hold only text (found a {node.type.replace('_', ' ')})",
                )
            texts.append(block)
        return texts

    def responsibility(self, item: SyntaxTreeNode) -> None:
        i = len(self.draft.responsibilities)
        where = _line(item)
        self.draft.places[("responsibilities", i)] = where
        text = "\n\n".join(self._paragraphs(item.children, "a responsibility"))
        with self.draft.at(where):
            body, share = split_share(text)
            raw: dict[str, Any] = {"text": body}
            given = as_share(share)
            if given is not None:
                raw["share"] = given
        self.draft.responsibilities.append(raw)

    def competency(self, item: SyntaxTreeNode) -> None:
        i = len(self.draft.competencies)
        where = _line(item)
        self.draft.places[("competencies", i)] = where
        children = list(item.children)
        if not children or children[0].type != "paragraph":
            self.draft.fail(where, _NAME_LEVEL_HINT)
        head, _, rest = (_block_text(children[0]) or "").partition("\n")
        name, sep, level = head.rpartition(":")
        if not sep or not name.strip():
            self.draft.fail(where, f"{_NAME_LEVEL_HINT}, not {show(head)}")
        level = re.sub(r"^(?:level|required)\s*", "", level.strip(), flags=re.IGNORECASE)
        level = re.sub(r"\s*/\s*5$", "", level)
        with self.draft.at(where):
            raw: dict[str, Any] = {
                "name": name,
                "required": as_int(level, f"the required level of {show(name.strip())}"),
            }
        description = [rest] if rest else []
        anchors: dict[int, str] = {}
        for child in children[1:]:
            if child.type in ("bullet_list", "ordered_list"):
                for anchor in child.children:
                    self.anchor(anchor, child.type == "ordered_list", anchors, i)
            else:
                description += self._paragraphs([child], "a competency")
        if description:
            raw["description"] = "\n\n".join(description)
        if anchors:
            raw["anchors"] = anchors
        self.draft.competencies.append(raw)

    def anchor(self, item: SyntaxTreeNode, numbered: bool, anchors: dict[int, str], i: int) -> None:
        where = _line(item)
        text = "\n\n".join(self._paragraphs(list(item.children), "an anchor"))
        match = re.match(r"\s*(?:level\s*)?([^:\s]{1,12})\s*:(.*)", text, re.DOTALL | re.I)
        if match and (not numbered or match.group(1).isdigit()):
            level_text, body = match.group(1), match.group(2).strip()
        elif numbered and item.info:
            level_text, body = item.info, text
        else:
            self.draft.fail(where, f"{_ANCHOR_HINT}, not {show(text)}")
        with self.draft.at(where):
            level = as_int(level_text, "an anchor level")
        if level in anchors:
            self.draft.fail(where, f"the anchor for level {level} is given twice")
        anchors[level] = body
        self.draft.places[("competencies", i, "anchors", level)] = where


# --- writing -------------------------------------------------------------------

_INLINE = re.compile(r"[\\`*_\[\]]|<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;)")
_LIST_NUMBER = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")


def _escape_line(line: str) -> str:
    """One line of text as Markdown that reads back as the same text."""
    line = _INLINE.sub(lambda m: "\\" + m.group(0), line)
    number = _LIST_NUMBER.match(line)
    if number:
        return number.group(1) + "\\" + line[number.end(1) :]
    if re.match(r"[#>~]|[-+](?=[ \t-]|$)|=+[ \t]*$", line):
        return "\\" + line
    return line


_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape(text: str) -> str:
    """Text as Markdown lines: each line stripped and escaped, at most one blank line."""
    text = _UNREADABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_escape_line(line.strip()) for line in text.strip().split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)


def _flat(text: str) -> str:
    """Text on one line: line breaks become spaces, the ends stripped."""
    lines = re.split(r"\r\n|\r|\n", _UNREADABLE.sub("", text))
    return " ".join(line.strip() for line in lines).strip()


def _one_line(text: str) -> str:
    return _escape_line(_flat(text))


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else "" for line in text.split("\n"))


def dump_markdown(jd: JobDescription) -> bytes:
    """The job description as UTF-8 Markdown, in the layout :func:`parse_markdown` reads."""
    # in a heading only '#' can close it early: escape every '#', no line-start rules
    title = _INLINE.sub(lambda m: "\\" + m.group(0), _flat(jd.title))
    title = title.replace("#", "\\#")
    out = [f"# {title}", ""]
    if jd.purpose.strip():
        out += [_escape(jd.purpose), ""]
    out += ["## Responsibilities", ""]
    for r in jd.responsibilities:
        marker = f"{r.number}. "
        body = f"{_escape(r.text)} ({r.share}%)"
        out.append(marker + _indent(body, len(marker)).lstrip(" "))
    out.append("")
    if jd.competencies:
        out += ["## Competencies", ""]
        for c in jd.competencies:
            body = f"{_one_line(c.name)}: {c.required}"
            if c.description.strip():
                body += "\n" + _escape(c.description)
            out.append("- " + _indent(body, 2).lstrip(" "))
            for level in sorted(c.anchors):
                anchor = f"{level}: {_escape(c.anchors[level])}".rstrip(" ")
                out.append("  - " + _indent(anchor, 4).lstrip(" "))
        out.append("")
    if jd.source.strip():
        out += ["## Source", "", _one_line(jd.source), ""]
    return "\n".join(out).encode("utf-8")
