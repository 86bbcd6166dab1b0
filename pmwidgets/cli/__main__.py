"""``python -m pmwidgets.cli``: the ``pmw`` command."""

from __future__ import annotations

from . import main

raise SystemExit(main())
