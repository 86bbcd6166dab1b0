"""The occupation catalogue derived from O*NET 29.3, and the script that builds it."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmwidgets.domain.errors import NotFound, ValidationFailed
from pmwidgets.io.jobs.catalogue import (
    Catalogue,
    CatalogueEntry,
    load_catalogue,
    read_catalogue,
    summarise,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "data" / "catalogue" / "onet-29.3.json.gz"
SCRIPT = REPO / "scripts" / "build_catalogue.py"
ONET = REPO.parent / "shared" / "data" / "onet-29.3"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalogue", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_catalogue = _script()


# --- the shipped catalogue ---------------------------------------------------


def test_size_and_every_job_description_validates() -> None:
    catalogue = load_catalogue()
    assert 900 <= len(catalogue) <= 1100
    codes = [e.code for e in catalogue.entries]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    start = time.perf_counter()
    for entry in catalogue.entries:
        jd = catalogue.get(entry.code)
        assert jd.title == entry.title
        assert jd.source == f"O*NET-SOC {entry.code}"
        assert 1 <= len(jd.responsibilities) <= 12
        assert sum(r.share for r in jd.responsibilities) == 100
        shares = [r.share for r in jd.responsibilities]
        assert shares == sorted(shares, reverse=True)  # Core (weight 2) first
        assert min(shares) >= 1
        for competency in jd.competencies:
            assert 1 <= competency.required <= 5
            assert set(competency.anchors) <= {1, 2, 3, 4, 5}
    assert time.perf_counter() - start < 3.0


def test_load_is_cached_and_cheap() -> None:
    assert load_catalogue() is load_catalogue()
    start = time.perf_counter()
    catalogue = read_catalogue(SHIPPED)
    assert time.perf_counter() - start < 1.0
    assert len(catalogue) == len(load_catalogue())
    # each get() builds a new job description: callers cannot spoil the catalogue.
    code = catalogue.entries[0].code
    assert catalogue.get(code) is not catalogue.get(code)


def test_known_occupation_core_tasks_first() -> None:
    jd = load_catalogue().get("49-3023.00")
    assert jd.title == "Automotive Service Technicians and Mechanics"
    assert jd.purpose.startswith("Diagnose, adjust, repair, or overhaul automotive vehicles")
    texts = [r.text for r in jd.responsibilities]
    assert [r.number for r in jd.responsibilities] == list(range(1, 13))
    # O*NET's first Core task, in O*NET's order; Supplemental ones are cut by the cap.
    assert texts[0] == (
        "Inspect vehicles for damage and record findings so that necessary repairs can be made."
    )
    assert "Rebuild parts, such as crankshafts and cylinder blocks." not in texts
    assert sum(r.share for r in jd.responsibilities) == 100
    assert jd.competencies
    names = [c.name for c in jd.competencies]
    assert "Repairing" in names and "Troubleshooting" in names
    for competency in jd.competencies:
        assert 1 <= competency.required <= 5
        assert competency.anchors  # O*NET anchors at LV 2, 4, 6 -> levels 2, 3, 4
        assert set(competency.anchors) == {2, 3, 4}
        assert all(competency.anchors.values())


def test_supplemental_tasks_weigh_half_as_much() -> None:
    # Financial Managers: 6 Core then 6 Supplemental tasks in the first 12.
    jd = load_catalogue().get("11-3031.00")
    assert [r.share for r in jd.responsibilities] == [11] * 6 + [6, 6, 6, 6, 5, 5]


def test_code_forms_and_unknown_code() -> None:
    catalogue = load_catalogue()
    assert catalogue.get("49-3023").source == "O*NET-SOC 49-3023.00"
    assert catalogue.get(" O*NET-SOC 49-3023.00 ").title.startswith("Automotive")
    assert "49-3023.00" in catalogue
    assert "99-9999.99" not in catalogue
    with pytest.raises(NotFound) as raised:
        catalogue.get("99-9999.99")
    message = str(raised.value)
    assert "99-9999.99" in message
    assert "\n" not in message and "Traceback" not in message


# --- search -------------------------------------------------------------------


def test_search_automotive_ranks_title_matches_first() -> None:
    catalogue = load_catalogue()
    hits = catalogue.search("automotive")
    assert hits and all(isinstance(h, CatalogueEntry) for h in hits)
    assert "49-3023.00" in [h.code for h in hits]
    in_title = ["automotive" in h.title.casefold() for h in hits]
    assert in_title[0]
    assert in_title == sorted(in_title, reverse=True)  # no title match after a purpose match
    assert hits == catalogue.search("AUTOMOTIVE")


def test_search_teachers_and_instructors() -> None:
    catalogue = load_catalogue()
    teachers = catalogue.search("teacher", limit=50)
    assert len(teachers) == 50
    assert "teacher" in teachers[0].title.casefold()
    instructors = catalogue.search("instructor")
    assert instructors and "instructor" in instructors[0].title.casefold()
    # every word must appear (in the title or the purpose)
    both = catalogue.search("teachers postsecondary", limit=1000)
    assert both and all(
        "teacher" in (h.title + catalogue.get(h.code).purpose).casefold()
        and "postsecondary" in (h.title + catalogue.get(h.code).purpose).casefold()
        for h in both
    )
    assert catalogue.search("teacher zzzqqq") == []


def test_search_title_match_beats_purpose_match() -> None:
    catalogue = load_catalogue()
    # "nurses" appears in many purposes; the occupations called nurses come first.
    hits = catalogue.search("nurses", limit=1000)
    titled = [h for h in hits if "nurses" in h.title.casefold()]
    assert titled and hits[: len(titled)] == titled
    assert len(hits) > len(titled)


def test_search_empty_query_and_limit() -> None:
    catalogue = load_catalogue()
    assert catalogue.search("") == list(catalogue.entries[:20])
    assert catalogue.search("   ", limit=5) == list(catalogue.entries[:5])
    assert len(catalogue.search("and", limit=7)) == 7
    assert catalogue.search("teacher", limit=0) == []


def test_summaries_are_first_sentences() -> None:
    catalogue = load_catalogue()
    for entry in catalogue.entries:
        assert 0 < len(entry.summary) <= 160
    assert summarise("Do this. Then that.") == "Do this."
    assert summarise("Serve the U.S. Coast Guard. Sail.") == "Serve the U.S. Coast Guard."
    long = summarise("word " * 100)
    assert len(long) <= 160 and long.endswith("…")


# --- attribution ----------------------------------------------------------------


def test_attribution_present() -> None:
    attribution = load_catalogue().attribution
    assert "CC BY 4.0" in attribution
    assert "O*NET 29.3 Database" in attribution
    assert "USDOL/ETA" in attribution
    assert load_catalogue().source == "O*NET 29.3"
    notice = (REPO / "data" / "catalogue" / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert attribution in notice
    assert "scripts/build_catalogue.py" in notice


def test_attribution_is_verbatim_from_onet_readme() -> None:
    readme = ONET / "README.md"
    if not readme.exists():
        pytest.skip("O*NET 29.3 source files not available")
    assert load_catalogue().attribution in readme.read_text(encoding="utf-8")


# --- bad files -------------------------------------------------------------------


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_catalogue(tmp_path / "nope.json.gz")
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"\x1f\x8bnot gzip")
    with pytest.raises(ValidationFailed):
        load_catalogue(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"occupations": [{"code": "1"}]}), encoding="utf-8")
    with pytest.raises(ValidationFailed):
        load_catalogue(wrong)


def test_small_catalogue_from_dict() -> None:
    jd = {
        "title": "Tester",
        "purpose": "Test things. Carefully.",
        "responsibilities": [{"number": 1, "text": "Test.", "share": 100}],
    }
    catalogue = Catalogue(
        {"attribution": "x", "occupations": [{"code": "1.00", "title": "Tester", "jd": jd}]}
    )
    assert catalogue.entries == (CatalogueEntry("1.00", "Tester", "Test things."),)
    assert catalogue.get("1.00").title == "Tester"
    bad = dict(jd, responsibilities=[{"number": 1, "text": "Test.", "share": 110}])
    broken = Catalogue({"occupations": [{"code": "2.00", "title": "Tester", "jd": bad}]})
    with pytest.raises(ValidationFailed):
        broken.get("2.00")


# --- the build script ----------------------------------------------------------------


@given(st.lists(st.sampled_from([1, 2]), min_size=1, max_size=12))
def test_shares_total_100_and_follow_weights(weights: list[int]) -> None:
    shares = build_catalogue.shares(weights)
    assert sum(shares) == 100
    assert min(shares) >= 1
    for w, s in zip(weights, shares, strict=True):
        for w2, s2 in zip(weights, shares, strict=True):
            if w > w2:
                assert s > s2


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=100))
def test_shares_always_total_100(weights: list[int]) -> None:
    shares = build_catalogue.shares(weights)
    assert sum(shares) == 100 and min(shares) >= 1


def test_level_mapping() -> None:
    to_level = build_catalogue.to_level
    assert [to_level(lv) for lv in range(8)] == [1, 2, 2, 3, 3, 4, 4, 5]
    assert to_level(0.87) == 1 and to_level(0.88) == 2
    assert to_level(-1) == 1 and to_level(9) == 5


@pytest.mark.slow
def test_build_reproduces_shipped_file(tmp_path: Path) -> None:
    if not ONET.is_dir():
        pytest.skip("O*NET 29.3 source files not available")
    out = tmp_path / "catalogue.json.gz"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--onet", str(ONET), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1
    assert "skipped" in result.stdout
    assert out.read_bytes() == SHIPPED.read_bytes()
    document = json.loads(gzip.decompress(out.read_bytes()))
    assert document["source"] == "O*NET 29.3"
    assert len(SHIPPED.read_bytes()) < 2_500_000
