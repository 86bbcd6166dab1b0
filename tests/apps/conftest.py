"""Fixtures for the pages in JupyterLab's mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pytest

from pmwidgets.apps import session as app_session
from pmwidgets.store import Store


@pytest.fixture
def lab_store(demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """JupyterLab's mode on a copy of the demo, nobody chosen yet; the store the pages use."""
    for var in ("PMW_USER", "PMW_WORKBOOK", "PMW_ACTING", "PMW_WEB"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PMW_DATABASE_URL", demo_url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app_session.store.cache_clear()
    yield app_session.store()
    app_session.store().close()
    app_session.store.cache_clear()
    W.Widget.close_all()
