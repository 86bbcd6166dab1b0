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
.pmw-page { container-type: inline-size; container-name: pmw-page; }
/* an HTML widget with nothing to show takes no room; a status keeps its line, so that
   what it says later does not push the page down under the person's finger */
.pmw-page .widget-html:not(.pmw-status):has(> .widget-html-content:empty) { display: none; }
/* …but the statuses at the top of a page (the session bar's, the page's), above whatever
   a person works on, take no room until they say something: two empty lines there left
   a gap of 60 to 90 px above the next action */
.pmw-session-bar .pmw-status:has(> .widget-html-content:empty),
.pmw-page > .pmw-status:has(> .widget-html-content:empty) { display: none; }
.pmw-page textarea { field-sizing: content; min-height: 4.6em; max-height: 30em; }
.pmw-page .pmw-resp textarea { min-height: 2.3em; }
.pmw-resp { align-items: flex-start; }
.pmw-next { border-left: 5px solid #1d3557; background: #eef4fb; padding: 10px 14px; border-radius: 6px; margin: 8px 0 4px; }
.pmw-next-label { font-size: 0.8em; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; color: #1d3557; }
.pmw-next-text { font-size: 1.15em; font-weight: 600; color: #1d3557; margin: 2px 0; }
.pmw-next-why { color: #3d4852; margin: 2px 0 8px; }
.pmw-next-go, .pmw-page a.pmw-next-go { display: inline-block; padding: 6px 14px; background: #1d3557; color: #fff; border-radius: 4px; text-decoration: none; font-weight: 600; }
.pmw-next-list { margin: 4px 0 2px; padding-left: 1.2em; }
.pmw-next-list li { margin: 0 0 8px; }
.pmw-guide { margin: 2px 0 8px; }
.pmw-guide summary { cursor: pointer; color: #0b5cad; font-weight: 600; width: fit-content; padding: 4px 0; }
.pmw-guide[open] { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.pmw-page .pmw-anchor { display: block; height: 0; }
.pmw-page [id^=pmw-] { scroll-margin-top: 12px; }
/* the keyboard's place is always plain to see: ipywidgets' own focus mark is a 1 px line */
.pmw-page a:focus-visible, .pmw-page button:focus-visible, .pmw-page summary:focus-visible,
.pmw-page input:focus-visible, .pmw-page select:focus-visible, .pmw-page textarea:focus-visible,
.pmw-page [tabindex]:focus-visible {
  outline: 3px solid #b45309 !important; outline-offset: 2px; }
.pmw-page .jupyter-widget-Collapse-header, .pmw-page .jupyter-widget-Collapse-header span { color: #1f2933; }
.pmw-page .jupyter-widget-Collapse-header { background: #eef2f6; }
.pmw-page .jupyter-button.mod-warning { background-color: #8a4600; color: #fff; }
.pmw-page .jupyter-button.mod-danger { background-color: #b3261e; color: #fff; }
.pmw-acting .widget-toggle-button.mod-active, .pmw-acting .jupyter-button.mod-active {
  background: #1d3557; color: #fff; font-weight: 600; box-shadow: none; }
.pmw-acting .widget-toggle-button.mod-active::before, .pmw-acting .jupyter-button.mod-active::before { content: "✓ "; }
.pmw-page .widget-html-content { overflow-wrap: break-word; }
/* a fold (widgets.fold): its title is a button, so Tab reaches it and Enter opens it */
.pmw-page .pmw-fold { margin: 4px 0; }
.pmw-page .pmw-fold > .pmw-fold-header { width: 100%; max-width: 100%; height: auto; min-height: 32px;
  text-align: left; justify-content: flex-start; white-space: normal; background: #eef2f6;
  color: #1f2933; font-weight: 600; border: 1px solid #d0d7de; border-radius: 4px; padding: 4px 10px; }
.pmw-page .pmw-fold-open > .pmw-fold-header { border-radius: 4px 4px 0 0; }
.pmw-page .pmw-fold-open > :not(.pmw-fold-header) { border: 1px solid #d0d7de; border-top: 0; padding: 6px 10px; }
.pmw-entry { margin: 4px 0; }
.pmw-entry > summary { cursor: pointer; background: #eef2f6; border: 1px solid #d0d7de; border-radius: 4px; padding: 5px 10px; font-weight: 600; color: #1f2933; }
.pmw-entry > .pmw-card { margin-top: 0; border-top: 0; border-radius: 0 0 4px 4px; }
/* an agreed step, read as the agreement document words it (widgets.agreed_document) */
.pmw-agreed-doc table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; table-layout: fixed; line-height: 1.35; }
.pmw-agreed-doc th, .pmw-agreed-doc td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; text-align: left;
  white-space: pre-line; overflow-wrap: anywhere; }
.pmw-agreed-doc th { background: #eef2f6; }
.pmw-agreed-doc table.fields th { width: 30%; background: #f6f8fa; }
.pmw-agreed-doc h3 { color: #1d3557; }
.pmw-agreed-doc h4 { margin: 0.9em 0 0.3em; }
.pmw-agreed-doc .draft { border: 2px solid #b3261e; padding: 4px 8px; font-weight: 600; color: #7a1a14; }
.pmw-agreed-doc .small { font-size: 0.92em; color: #57606a; }
.pmw-proposing { border-left: 5px solid #8a4600; background: #fff6e8; padding: 8px 12px; border-radius: 4px; margin: 6px 0; }

/* Narrow (a phone, or a narrow JupyterLab panel): every table is a stack of cards, each
   line labelled with its column's header (data-label, set by widgets.base.table_markup);
   a control's label sits above it, and the control takes the width it has. */
@container pmw-page (max-width: 640px) {
  .pmw-table, .pmw-table tbody, .pmw-table tr, .pmw-table td, .pmw-table th[scope=row] { display: block; width: auto; }
  .pmw-table thead { display: none; }
  .pmw-table tr { border: 1px solid #d0d7de; border-radius: 6px; margin: 8px 0; padding: 6px 10px; background: #fff; }
  .pmw-table td { border: 0; padding: 2px 0; display: grid; grid-template-columns: 8.5em minmax(0, 1fr); gap: 8px; text-align: left; }
  .pmw-table td::before { content: attr(data-label); font-weight: 600; font-size: 0.92em; color: #57606a; overflow-wrap: normal; }
  .pmw-table tr.pmw-empty td { display: block; }
  .pmw-table tr.pmw-empty td::before { content: none; }
  .pmw-table .pmw-num { text-align: left; }
  .widget-inline-hbox, .widget-hbox { flex-wrap: wrap; max-width: 100%; }
  .widget-inline-hbox { height: auto; min-height: var(--jp-widgets-inline-height, 28px); }
  .widget-hbox > * { max-width: 100%; }
  .pmw-resp .widget-textarea { flex: 1 1 100% !important; }
  .widget-inline-hbox > .widget-label { width: 100% !important; max-width: 100%; text-align: left; }
  .widget-inline-hbox > input, .widget-inline-hbox > textarea, .widget-inline-hbox > select,
  .widget-inline-hbox > .widget-select-multiple, .widget-inline-hbox > .widget-dropdown { flex: 1 1 100%; width: 100%; }
  .widget-text, .widget-textarea, .widget-dropdown, .widget-select, .widget-hbox, .widget-box { max-width: 100%; }
  .widget-text, .widget-textarea, .widget-dropdown, .widget-select { width: 100%; }
  .widget-text input, .widget-textarea textarea, .widget-dropdown select { min-width: 0; }
  .widget-dropdown > select, .widget-text > input { max-width: 100%; box-sizing: border-box; }
  .pmw-dashboard-rows .pmw-steps { max-width: none; }
  .widget-html-content { min-width: 0; }
  .pmw-agreement-document table { table-layout: fixed; width: 100%; }
  .pmw-agreed-doc table, .pmw-agreed-doc tbody, .pmw-agreed-doc tr,
  .pmw-agreed-doc th, .pmw-agreed-doc td { display: block; width: auto; }
  .pmw-agreed-doc thead, .pmw-agreed-doc colgroup { display: none; }
  .pmw-agreed-doc table.fields th { border-bottom: 0; }
  .pmw-agreed-doc table:not(.fields) tr { border: 1px solid #d0d7de; border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
  .pmw-agreed-doc table:not(.fields) td { border: 0; padding: 2px 0; display: grid; grid-template-columns: 8.5em minmax(0, 1fr); gap: 8px; }
  .pmw-agreed-doc table:not(.fields) td::before { content: attr(data-label); font-weight: 600; font-size: 0.92em; color: #57606a; }
  .pmw-agreement-document td, .pmw-agreement-document th { overflow-wrap: anywhere; }
}
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
