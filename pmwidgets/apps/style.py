"""The product's stylesheet, added once at the top of every page."""

from __future__ import annotations

import ipywidgets as W

from ..widgets.base import html_widget

# ipywidgets gives an HTML widget's content a line height of one input's height (28 px),
# so that a one-line label lines up with the inputs beside it; every wrapped paragraph,
# card and table inside then spaced its lines 28 px apart. Blocks inside get normal spacing.
CSS = """
.pmw-page { max-width: 1100px; font-size: 14px; line-height: 1.45; }
.pmw-page .widget-html-content > *, .pmw-page .jupyter-widget-html-content > * { line-height: 1.45; }
.pmw-page h2, .pmw-page h3 { margin: 0.9em 0 0.35em; }
.pmw-heading { color: #1d3557; }
.pmw-card { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; margin: 6px 0; background: #fbfcfd; }
.pmw-code { font-size: 2em; font-weight: 600; letter-spacing: 0.15em; font-variant-numeric: tabular-nums; margin: 4px 0; }
.pmw-title { font-size: 1.2em; font-weight: 600; color: #1d3557; }
.pmw-muted { color: #57606a; }
.pmw-help { color: #3d4852; margin: 0.2em 0 0.6em; }
.pmw-ok { color: #1a7f37; }
.pmw-bad { color: #b3261e; }
.pmw-wait { color: #7a4d00; }
.pmw-todo { color: #3d4852; }
.pmw-num { text-align: right; font-variant-numeric: tabular-nums; }
.pmw-table { border-collapse: collapse; width: 100%; margin: 6px 0; line-height: 1.35 !important; }
.pmw-table th { text-align: left; background: #eef2f6; border-bottom: 2px solid #c9d1d9; padding: 4px 8px; }
.pmw-table td { border-bottom: 1px solid #e1e4e8; padding: 4px 8px; vertical-align: top; }
.pmw-status { min-height: 1.4em; }
.pmw-status-ok { color: #1a7f37; font-weight: 600; }
.pmw-status-error { color: #b3261e; font-weight: 600; }
.pmw-status-busy, .pmw-status-info { color: #57606a; }
.pmw-steps { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0 8px; }
.pmw-step { padding: 4px 10px; border: 1px solid #c9d1d9; border-radius: 14px; text-decoration: none; color: #1d3557; }
.pmw-step-current { background: #1d3557; color: #fff !important; border-color: #1d3557; }
.pmw-smart-score { font-weight: 600; margin-top: 4px; }
.pmw-chart { border: 1px solid #e1e4e8; border-radius: 4px; margin: 6px 0; }
.pmw-cov-missing td { background: #fff4f2; }
.pmw-dashboard-counts { display: flex; flex-wrap: wrap; gap: 8px; }
.pmw-dashboard-count { min-width: 10em; }
.pmw-dashboard-count .pmw-title { font-size: 1.6em; }
.pmw-dashboard-rows .pmw-steps { gap: 3px; margin: 0; max-width: 15em; }
.pmw-dashboard-rows .pmw-step { padding: 0 6px; font-size: 0.85em; line-height: 1.6; white-space: nowrap; }
.pmw-downloads a, .pmw-pdf-link { font-weight: 600; color: #0b5cad; text-decoration: underline; }
.pmw-page .pmw-downloads { margin: 0 0 0 8px; line-height: var(--jp-widgets-inline-height, 28px); }
.pmw-hidden { display: none !important; }
.pmw-hash summary { cursor: pointer; width: fit-content; }
.pmw-page .pmw-date { width: auto; }
.pmw-page .pmw-date input { width: 8.5em; flex: 0 0 auto; font-variant-numeric: tabular-nums; }
.pmw-page .pmw-date-problem { margin-left: 8px; }
.pmw-dashboard { --jp-widgets-inline-width: 380px; }
.pmw-dashboard-table, .pmw-dashboard-table .widget-html-content { overflow-x: auto; max-width: 100%; }
"""


# JupyterLab, a facilitated session (StepPage with ``in_place``): the app is what the
# three people at the screen look at. Its cell's code, prompt and collapser are hidden,
# so is the session notebook's "how to start" note once it has started, and its text
# and controls are larger.
APP_CSS = """
.jp-Cell:has(.pmw-app) .jp-Cell-inputWrapper, .jp-Cell:has(.pmw-app) .jp-OutputPrompt,
.jp-Cell:has(.pmw-app) .jp-OutputArea-prompt, .jp-Cell:has(.pmw-app) .jp-Collapser,
.jp-Cell:has(.pmw-app) .jp-InputPrompt, .jp-Cell:has(.pmw-app) .jp-OutputArea-promptOverlay { display: none !important; }
.jp-Notebook:has(.pmw-app) .pmw-start-hint { display: none; }
.jp-NotebookPanel:has(.pmw-app) > .jp-NotebookPanel-toolbar { display: none; }
.pmw-app { max-width: 1200px; font-size: 16px; --jp-widgets-font-size: 15px;
  --jp-widgets-inline-height: 32px; --jp-widgets-inline-label-width: 9em; }
.pmw-app .pmw-step { font-size: 15px; }
"""


def stylesheet(app: bool = False) -> W.HTML:
    """An HTML widget carrying the stylesheet (constant text: no user input); ``app``: with
    the JupyterLab session app's presentation rules."""
    return html_widget(f"<style>{CSS}{APP_CSS if app else ''}</style>")
