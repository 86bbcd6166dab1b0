"""Benchmarks for ``make bench`` and the soak report's writer, kept apart from the tests.

The tests have no timed assertions; everything timed lives here. The benchmarks
start real servers with the tests' helpers (``tests/servers.py``), so that folder
is put on the path.
"""

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parents[1] / "tests")
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
