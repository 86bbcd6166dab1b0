"""Spreadsheets: tables (frames) to Excel and CSV, and a team's objectives from Excel."""
