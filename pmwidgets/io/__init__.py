"""Importers and exporters: job description files, the occupation catalogue, workbook JSON.

This layer depends on :mod:`pmwidgets.domain` only.
"""
