"""Importers and exporters, grouped by what they read or write.

- :mod:`pmwidgets.io.jobs`: job descriptions (YAML, Markdown, CSV, Excel) and the
  O*NET occupation catalogue;
- :mod:`pmwidgets.io.agreement`: the agreement document (its model, Markdown, HTML, PDF);
- :mod:`pmwidgets.io.sheets`: spreadsheets (tables to Excel and CSV, a team's
  objectives from Excel and its template);
- :mod:`pmwidgets.io.workbook_json`: a workbook's JSON export and import.

The groups import nothing from each other (an import-linter contract in
``pyproject.toml``). What they share sits below them, at the top of ``io/``:

- :mod:`pmwidgets.io.filecheck`: a file's bytes before any format reads them (the
  size limit, what binary a file seems to be, an .xlsx checked and opened safely);
- :mod:`pmwidgets.io.cells`: text in spreadsheet cells (never run as a formula);
- :mod:`pmwidgets.io.errors`: :class:`~pmwidgets.io.errors.ImportFailed`, the one
  error a reader raises, and how it quotes a value;
- :mod:`pmwidgets.io.datafiles`: where the shipped data files are.

This layer depends on :mod:`pmwidgets.domain` only.
"""
