"""Importers and exporters, grouped by what they read or write.

- :mod:`pmwidgets.io.jobs`: job descriptions (YAML, Markdown, CSV, Excel) and the
  O*NET occupation catalogue;
- :mod:`pmwidgets.io.agreement`: the agreement document (its model, Markdown, HTML, PDF);
- :mod:`pmwidgets.io.sheets`: spreadsheets (tables to Excel and CSV, a team's
  objectives from Excel and its template);
- :mod:`pmwidgets.io.workbook_json`: a workbook's JSON export and import.

This layer depends on :mod:`pmwidgets.domain` only.
"""
