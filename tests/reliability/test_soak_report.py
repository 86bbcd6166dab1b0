"""The soak report: sections rendered, figures that must be zero flagged loudly."""

from __future__ import annotations

import json
from pathlib import Path

from bench.soak_report import main


def test_report_renders_sections_and_flags_losses(tmp_path: Path) -> None:
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "a.json").write_text(
        json.dumps(
            {"section": "Conflicting edits (SQLite)", "figures": {"attempted": 1000, "lost": 0}}
        )
    )
    (figures / "b.json").write_text(
        json.dumps(
            {"section": "Something new", "figures": {"cells": 12, "corrupted": 2, "about": "Why."}}
        )
    )
    out = tmp_path / "reliability.md"
    assert main([str(figures), str(out)]) == 0
    text = out.read_text()
    assert "## Conflicting edits (SQLite)" in text and "| Attempted | 1,000 |" in text
    assert "| Lost | 0 (must be 0) |" in text
    assert "## Something new" in text and "Why." in text
    assert "**⚠ 2 — MUST BE 0**" in text and "Something new: Corrupted = 2" in text
    assert text.index("## Conflicting edits") < text.index("## Something new")
    assert "pg_dump -Fc" in text and "Python: 3." in text
