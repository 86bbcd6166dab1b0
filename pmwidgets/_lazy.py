"""Names a package exports, each imported from its module on first use (PEP 562).

``import pmwidgets.widgets`` then costs ipywidgets alone, and a step page's kernel
loads only the modules of what that page uses (see docs/performance.md, "lazy
imports"). Imports nothing of the package, so any layer may use it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for the names in ``where``.

    Parameters
    ----------
    package:
        The package's ``__name__``.
    where:
        Each exported name, and the submodule (relative to ``package``) that defines it.

    Returns
    -------
    tuple
        ``__getattr__``, which imports a name's module when the name is first asked
        for (an unknown name raises :class:`AttributeError`, as Python's does), and
        ``__dir__``, which lists the exported names with the package's own.

    Examples
    --------
    >>> getattr_, dir_ = lazy_exports("json", {"JSONDecoder": "decoder"})
    >>> getattr_("JSONDecoder").__module__
    'json.decoder'
    >>> getattr_("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'json' has no attribute 'nothing'
    >>> "JSONDecoder" in dir_()
    True
    """

    def __getattr__(name: str) -> Any:
        """Import the module that defines ``name`` the first time it is asked for."""
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f".{module}", package), name)

    def __dir__() -> list[str]:
        """The package's names, with those imported on first use."""
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
