"""Demo and synthetic organisations: data for trying the product, never product logic.

- :mod:`.builder` builds the demo people and workbooks (``pmw demo``), each step
  through the same services a person's page uses;
- :mod:`.synthetic` builds a large organisation (``pmw synth``, the benchmarks),
  in bulk;
- :mod:`.script` and :mod:`.content` decide what each synthetic workbook holds.
"""
