"""Hostile text for every free-text field: script injection in its many spellings.

Each payload contains the word ``xss``, so that anything a payload manages to
inject into a page can be found again (see :data:`INJECTED_JS`). Payloads that
would run code set ``window.__xss`` or open a dialog; a page that escapes
correctly shows every one of them as plain text, character for character.

None starts or ends with whitespace (short fields are stripped), none holds a
line break (so each is one line wherever it is shown), and none is longer than
the shortest text field allows (300 characters).
"""

from __future__ import annotations

PAYLOADS: tuple[str, ...] = (
    # plain script and event handlers
    "<script>window.__xss='script-tag'</script>",
    "<img src=x onerror=\"window.__xss='img-onerror'\">",
    "<svg onload=\"window.__xss='svg-onload'\">",
    "<svg><script>window.__xss='svg-script'</script></svg>",
    "<body onload=alert('xss-body')>",
    "<details open ontoggle=\"window.__xss='details-ontoggle'\">xss</details>",
    "<input autofocus onfocus=\"window.__xss='autofocus'\">",
    "<video><source onerror=\"alert('xss-video')\"></video>",
    "<marquee onstart=alert('xss-marquee')>xss</marquee>",
    "<svg><animate onbegin=alert('xss-animate') attributeName=x dur=1s>",
    "<x onclick=alert('xss-custom-tag')>click xss</x>",
    # javascript: and data: URLs
    "<a href=\"javascript:window.__xss='js-href'\">xss link</a>",
    "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>",
    "<iframe srcdoc=\"<script>parent.__xss='srcdoc'</script>\"></iframe>",
    "<object data=\"javascript:alert('xss-object')\"></object>",
    "<embed src=\"data:text/html,<script>alert('xss-embed')</script>\">",
    "<form action=\"javascript:alert('xss-form')\"><button>xss</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss-meta\')">',
    "<base href=\"javascript:alert('xss-base')//\">",
    "javascript:alert('xss-bare-url')",
    # breaking out of attributes and elements
    "\"><img src=x onerror=alert('xss-attr-break')>",
    "'><svg onload=alert('xss-single-quote')>",
    "</textarea><script>alert('xss-textarea')</script>",
    "</title><script>alert('xss-title')</script>",
    "</style><img src=x onerror=alert('xss-style-break')>",
    "<!--<img src=\"--><img src=x onerror=alert('xss-comment')//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-noscript')>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-mxss')>",
    "<scr<script>ipt>alert('xss-nested')</scr</script>ipt>",
    "<IMG SRC=JaVaScRiPt:alert('xss-mixed-case')>",
    "<img\tsrc=x\tonerror=alert('xss-tabs')>",
    # CSS
    "<div style=\"background:url(javascript:alert('xss-css-url'))\">xss</div>",
    "<div style=\"width: expression(alert('xss-css-expression'))\">xss</div>",
    "<style>@import 'http://example.invalid/xss.css';</style>",
    '<link rel=stylesheet href="http://example.invalid/xss.css">',
    # templates, Markdown, MathJax, formulas
    "{{constructor.constructor('window.__xss=1')()}} xss-angular",
    "{{7*7}} ${7*7} <%= 7*7 %> xss-template",
    '[xss-markdown](javascript:alert(1)) ![xss](x" onerror="alert(1))',
    "$\\href{javascript:alert('xss-mathjax')}{click}$",
    "$$\\unicode{<img src=x onerror=alert('xss-mathjax-unicode')>}$$",
    '=HYPERLINK("http://example.invalid","xss-formula")',
    # encoded and unicode spellings
    "&lt;script&gt;alert('xss-entity')&lt;/script&gt;",
    "&#60;img src=x onerror=alert('xss-numeric-entity')&#62;",
    "<a href=\"jav&#x09;ascript:alert('xss-entity-in-url')\">xss</a>",
    "%3Cscript%3Ealert('xss-url-encoded')%3C/script%3E",
    "\\u003cscript\\u003ealert('xss-js-escape')\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert('xss-fullwidth')\uff1c/script\uff1e",
    "\u202e<script>alert('xss-rtl-override')</script>",
    "<scr\u200bipt>alert('xss-zero-width')</scr\u200bipt>",
    "\u5458\u5de5<img src=x onerror=alert('xss-chinese')>\u8bc4\u4ef7",
)

#: JavaScript for ``page.evaluate``: every element a payload managed to inject.
#: Only markup that can run code or load something counts: payload text that
#: sits in a harmless attribute (a tooltip, an option's value) is text, not HTML.
INJECTED_JS = r"""
() => {
  const URLISH = /^(on|href$|src$|srcdoc$|data$|action$|formaction$|xlink:href$|style$|content$|background$|poster$|http-equiv$)/i;
  const RISKY = new Set(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'LINK', 'STYLE',
                         'FRAME', 'FRAMESET', 'APPLET', 'NOSCRIPT', 'MARQUEE', 'DETAILS', 'MATH',
                         'X', 'ANIMATE', 'MGLYPH', 'VIDEO', 'SOURCE', 'FORM']);
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.attributes) {
        const v = a.value;
        const hostile = /alert\(|javascript:|data:text\/html|__xss/i.test(v) ||
                        (/xss/i.test(v) && !/^data:/i.test(v));  // base64 data may spell xss by chance
        if (/xss/i.test(a.name) || (URLISH.test(a.name) && hostile)) {
          found.push(el.outerHTML.slice(0, 200));
        }
      }
      const tag = el.tagName.toUpperCase();
      // the product's own folds (class pmw-…, e.g. the past check-ins' <details>) hold
      // escaped text; an injected element is still caught by its attributes above
      const own = /(^|\s)pmw-/.test(el.getAttribute('class') || '');
      if (RISKY.has(tag) && !own && /xss|alert\(/i.test(el.textContent || '') && !found.includes(el.outerHTML.slice(0, 200))) {
        found.push(el.outerHTML.slice(0, 200));
      }
      if (tag === 'IMG' && el.getAttribute('src') === 'x') found.push(el.outerHTML.slice(0, 200));
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  if (window.__xss !== undefined) found.push('window.__xss = ' + String(window.__xss));
  return found;
}
"""

#: JavaScript for ``page.evaluate``: all the text a person can see or edit on the page,
#: including collapsed sections, input values and menu options.
PAGE_TEXT_JS = r"""
() => {
  const parts = [document.body.textContent];
  for (const el of document.querySelectorAll('input, textarea')) parts.push(el.value);
  for (const el of document.querySelectorAll('option')) parts.push(el.textContent);
  return parts.join('\n');
}
"""


def payload(i: int) -> str:
    """The ``i``-th payload, cycling through the list."""
    return PAYLOADS[i % len(PAYLOADS)]
