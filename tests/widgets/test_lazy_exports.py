"""``pmwidgets.widgets`` exports its widgets lazily: each module is imported when asked for.

Checked in a fresh interpreter (what this process imported already says nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import pmwidgets.widgets

PROBE = """
import json, sys
import pmwidgets.widgets as widgets
before = sorted(m for m in sys.modules if m.startswith("pmwidgets.widgets."))
widgets.ObjectiveList
after = sorted(m for m in sys.modules if m.startswith("pmwidgets.widgets."))
print(json.dumps([before, after, dir(widgets)]))
"""


def test_each_widget_s_module_is_imported_when_the_widget_is_first_asked_for() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    before, after, listed = json.loads(out.strip().splitlines()[-1])
    assert before == [] and "pmwidgets.widgets.objective_list" in after
    assert "pmwidgets.widgets.dashboard" not in after  # nor what it does not use
    assert set(pmwidgets.widgets.__all__) <= set(listed)  # dir() names them all


@pytest.mark.parametrize("name", pmwidgets.widgets.__all__)
def test_every_exported_name_is_the_class_its_module_defines(name: str) -> None:
    found = getattr(pmwidgets.widgets, name)
    assert found.__name__ == name and found.__module__.startswith("pmwidgets.widgets.")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"pmwidgets\.widgets' has no attribute 'Nothing'"):
        pmwidgets.widgets.Nothing  # noqa: B018
