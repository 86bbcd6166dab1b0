"""The package stays easy to carry on: no module over 400 lines, no function over 60.

docs/architecture.md sets the limits (migrations excepted: each is one long,
linear script). ``STILL_TOO_LONG`` lists what the structural redesign (issue 14)
has not split yet. A new offender fails, and so does an entry that no longer
needs its place, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pmwidgets"
MODULE_LINES = 400
FUNCTION_LINES = 60

#: modules ("path") and functions ("path::name") still over the limits, to be split.
STILL_TOO_LONG: set[str] = set()


def too_long(package: Path = PACKAGE) -> dict[str, int]:
    """Every module and function over its limit, with its length in lines."""
    found: dict[str, int] = {}
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = path.relative_to(package.parent).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MODULE_LINES:
            found[name] = lines
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    found[f"{name}::{node.name}"] = length
    return found


def test_no_new_module_or_function_is_too_long() -> None:
    new = {k: v for k, v in too_long().items() if k not in STILL_TOO_LONG}
    assert new == {}, f"over {MODULE_LINES} lines (module) or {FUNCTION_LINES} (function): {new}"


def test_the_list_of_what_is_still_too_long_only_shrinks() -> None:
    fixed = STILL_TOO_LONG - set(too_long())
    assert fixed == set(), f"now short enough: remove from STILL_TOO_LONG: {sorted(fixed)}"


def test_the_check_finds_what_is_too_long(tmp_path: Path) -> None:
    """The measure itself: a 61-line function and a 401-line module are found; at the
    limits, and in a migration, nothing is."""
    package = tmp_path / "pkg"
    (package / "migrations").mkdir(parents=True)

    def function(name: str, lines: int) -> str:
        return f"def {name}():\n" + "".join(f"    x{i} = {i}\n" for i in range(lines - 1))

    (package / "a.py").write_text(function("short", 60) + function("long", 61))
    (package / "b.py").write_text("x = 1\n" * 400)
    (package / "c.py").write_text("x = 1\n" * 401)
    (package / "migrations" / "m.py").write_text(function("upgrade", 500))
    assert too_long(package) == {"pkg/a.py::long": 61, "pkg/c.py": 401}
