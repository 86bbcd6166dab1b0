"""Benchmarks for ``make bench``; kept apart from the tests (no timed assertions there)."""
