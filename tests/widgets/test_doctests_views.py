"""The examples in the views' docstrings run, on in-memory domain objects (no database)."""

from __future__ import annotations

import doctest
import importlib
from collections.abc import Iterator

import ipywidgets as W
import pytest

MODULES = [
    "pmwidgets.widgets.check_in_log",
    "pmwidgets.widgets.dashboard",
    "pmwidgets.widgets.development_planner",
    "pmwidgets.widgets.history_view",
    "pmwidgets.widgets.job_description_editor",
    "pmwidgets.widgets.review_form",
    "pmwidgets.widgets.workbook_picker",
]


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    W.Widget.close_all()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, raise_on_error=False, report=True)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_every_public_view_class_has_an_example() -> None:
    finder = doctest.DocTestFinder()
    for name in MODULES:
        module = importlib.import_module(name)
        public = [
            obj
            for attr, obj in vars(module).items()
            if isinstance(obj, type)
            and issubclass(obj, W.Widget)
            and obj.__module__ == name
            and not attr.startswith("_")
        ]
        for cls in public:
            tests = finder.find(cls, cls.__name__, module=module)
            assert any(t.examples for t in tests if t.name == cls.__name__), cls.__name__
