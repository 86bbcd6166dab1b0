"""The agreement document: its model, laid out once and drawn as Markdown, HTML and PDF.

Start at :mod:`pmwidgets.io.agreement.document`.
"""
