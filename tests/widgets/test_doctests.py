"""Every example in the widgets' docstrings runs, on in-memory domain objects, no database."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from collections.abc import Iterator

import ipywidgets as W
import pytest

import pmwidgets.widgets

MODULES = sorted(
    [f"pmwidgets.widgets.{m.name}" for m in pkgutil.iter_modules(pmwidgets.widgets.__path__)]
    + ["pmwidgets.widgets", "pmwidgets.domain.diff", "pmwidgets.domain.examples"]
)


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    W.Widget.close_all()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


PUBLIC = ("AgreementPanel", "ConflictSlot", "ConflictView", "CoverageView", "ObjectiveEditor",
          "ObjectiveList", "SessionBar")  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_widget_has_an_example_that_is_not_skipped(name: str) -> None:
    doc = getattr(pmwidgets.widgets, name).__doc__ or ""
    assert ">>>" in doc and "+SKIP" not in doc
