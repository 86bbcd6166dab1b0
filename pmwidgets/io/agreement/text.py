"""The agreement document's blocks written as Markdown or as a standalone HTML page.

User text is escaped for each format: in Markdown, characters that would
format, link or embed HTML are backslash-escaped, so the text renders as
written; in HTML every piece of text goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from ...domain.i18n import _, current_language
from .model import Block, Fields, Heading, Para, Table

# --- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#>+=-])|(\d+)([.)]))", re.MULTILINE)


def md(text: str) -> str:
    """Plain text made safe in Markdown: what it says is shown, never run or formatted."""
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def _md_cell(text: str) -> str:
    return md(" ".join(text.split())) or " "


def render_markdown(blocks: Sequence[Block]) -> str:
    """Blocks as Markdown."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + _md_cell(b.text))
        elif isinstance(b, Para):
            if b.kind == "mono":
                out.append(f"`{b.text}`")
            elif b.kind == "draft":
                out.append(f"**{md(b.text)}**")
            elif b.kind == "notice":
                out.append("> **" + _("Note") + ":** " + _md_cell(b.text))
            elif b.kind == "small":
                out.append(f"*{_md_cell(b.text)}*")
            else:
                out.append(md(b.text).replace("\n", "  \n"))
        elif isinstance(b, Fields):
            out.append(
                "\n".join(f"- **{md(k)}:** " + md(v).replace("\n", "  \n  ") for k, v in b.rows)
            )
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(_md_cell(h) for h in b.headers) + " |"]
            lines.append("|" + "|".join("---" for _h in b.headers) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
        else:
            out.append(
                "\n\n".join(
                    f"**{md(role)}:** {md(name)}\n\n"
                    + _("Signature")
                    + ": ______________________________    "
                    + _("Date")
                    + ": ______________"
                    for role, name in b.lines
                )
            )
    return "\n\n".join(out) + "\n"


# --- HTML ----------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 11pt;
  line-height: 1.4; color: #111; max-width: 50em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin: 0 0 .5em; } h2 { font-size: 14pt; margin-top: 1.6em;
  border-bottom: 1px solid #888; } h3 { font-size: 11.5pt; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border: 1px solid #999; padding: .25em .45em; vertical-align: top; text-align: left; }
th { background: #e8e8e8; } table.fields th { width: 28%; background: #f3f3f3; }
td, th { white-space: pre-line; }
.draft { border: 2px solid #a00; padding: .4em .6em; font-weight: bold; color: #700; }
.notice { border-left: 4px solid #b60; padding: .3em .7em; background: #fff6e8; }
.small { font-size: 9.5pt; color: #444; } .mono { font-family: "DejaVu Sans Mono", monospace;
  font-size: 9.5pt; overflow-wrap: anywhere; }
.running { font-size: 9pt; color: #555; border-bottom: 1px solid #ccc; margin-bottom: 1em; }
table.signoff { margin: 1.5em 0; break-inside: avoid; width: 80%; }
.signoff th, .signoff td { border: none; background: none; font-size: 9.5pt; }
.signoff th { font-size: 11pt; } .signoff td:first-child { width: 65%; }
.signoff .lines td { height: 3em; border-bottom: 1px solid #000; }
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: "PAGE_WORD " counter(page) " OF_WORD " counter(pages);
  font-size: 9pt; color: #555; } }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; } tr, .fields { break-inside: avoid; }
  thead { display: table-header-group; } }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def html_body(blocks: Sequence[Block], shift: int = 0) -> str:
    """Blocks as HTML elements (no page around them), every piece of text escaped;
    ``shift`` lowers every heading by that many levels (to sit inside another page)."""
    body: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            level = min(b.level + shift, 6)
            body.append(f"<h{level}>{_e(b.text)}</h{level}>")
        elif isinstance(b, Para):
            body.append(f'<p class="{b.kind}">{_e(b.text)}</p>'.replace("\n", "<br>"))
        elif isinstance(b, Fields):
            rows = "".join(
                f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in b.rows
            )
            body.append(f'<table class="fields">{rows}</table>')
        elif isinstance(b, Table):
            total = sum(b.widths) or 1
            cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in b.widths)
            head = "".join(f'<th scope="col">{_e(h)}</th>' for h in b.headers)
            # each cell names its column (data-label): a narrow page shows rows as cards
            labels = [_e(h) for h in b.headers]
            rows = "".join(
                "<tr>"
                + "".join(
                    f'<td data-label="{h}">{_e(c)}</td>' for h, c in zip(labels, row, strict=False)
                )
                + "</tr>"
                for row in b.rows
            )
            body.append(
                f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table>"
            )
        else:
            for role, name in b.lines:
                body.append(
                    f'<table class="signoff"><tr><th colspan="2">{_e(role)}: {_e(name)}</th></tr>'
                    '<tr class="lines"><td></td><td></td></tr>'
                    f"<tr><td>{_e(_('Signature'))}</td><td>{_e(_('Date'))}</td></tr></table>"
                )
    return "\n".join(body)


def render_html(blocks: Sequence[Block], title: str, running: str) -> str:
    """Blocks as a standalone HTML page, every piece of text escaped."""
    css = _CSS.replace("PAGE_WORD", _e(_("Page"))).replace("OF_WORD", _e(_("of")))
    lang = _e(current_language().replace("_", "-"))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(running)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f'<div class="running">{_e(running)}</div>\n<main>\n'
        + html_body(blocks)
        + "\n</main>\n</body>\n</html>\n"
    )
