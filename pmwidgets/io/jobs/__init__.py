"""Job descriptions: YAML, Markdown, CSV and Excel files, and the O*NET occupation catalogue.

Start at :mod:`pmwidgets.io.jobs.files` (:func:`~pmwidgets.io.jobs.files.read_job_description`,
:func:`~pmwidgets.io.jobs.files.dumps_job_description`); each ``as_*`` module is one format.
"""
