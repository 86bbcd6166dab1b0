"""Workbook JSON: exact round trips, and bad files refused with nothing stored."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import CYCLE, add_people, agreed_job, new_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmwidgets.domain import Objective, PmwError
from pmwidgets.io.errors import ImportFailed
from pmwidgets.io.workbook_json import dumps_workbook, loads_workbook
from pmwidgets.services import Services
from pmwidgets.store import Store


def round_trip(text: str, tmp: Path) -> str:
    with Store(f"sqlite:///{tmp}") as fresh:
        op = Services.operator(fresh)
        wb = op.import_workbook(loads_workbook(text))
        assert fresh.verify().ok
        return dumps_workbook(op.export_workbook(wb, include_private=True))


@pytest.mark.parametrize("wb", [1, 2, 3, 4, 5])
def test_every_demo_workbook_round_trips_exactly(demo: Store, wb: int, tmp_path: Path) -> None:
    text = dumps_workbook(Services.operator(demo).export_workbook(wb, include_private=True))
    assert round_trip(text, tmp_path / "fresh.sqlite3") == text


def test_import_into_a_database_that_has_the_id_gives_a_new_one(demo: Store) -> None:
    op = Services.operator(demo)
    text = dumps_workbook(op.export_workbook(1, include_private=True))
    new_id = op.import_workbook(loads_workbook(text))
    assert new_id == 6
    assert op.open(6).objectives == op.open(1).objectives
    assert demo.verify().ok


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(titles=st.lists(texts, min_size=1, max_size=4), target=texts)
def test_round_trip_with_any_text(
    tmp_path_factory: pytest.TempPathFactory, titles: list[str], target: str
) -> None:
    folder = tmp_path_factory.mktemp("rt")
    with Store(f"sqlite:///{folder / 'a.sqlite3'}") as store:
        add_people(store)
        wb = new_workbook(store)
        agreed_job(store, wb)
        emp = Services(store, "emp")
        for title in titles:
            objective = Objective(
                title=title, description="=SUM(A1)<script>x</script>", responsibilities=(1,),
                measure="m", target=target, due=dt.date(2027, 1, 1), weight=10, proposed_by="emp",
            )  # fmt: skip
            emp.add_objective(wb, objective, store.latest_version(wb))
        text = dumps_workbook(Services.operator(store).export_workbook(wb, include_private=True))
    assert round_trip(text, folder / "b.sqlite3") == text


@pytest.fixture
def exported(demo: Store) -> dict:  # type: ignore[type-arg]
    return Services.operator(demo).export_workbook(3, include_private=True)


def _mutations() -> list[tuple[str, object, str]]:
    def content_changed(d: dict) -> None:  # type: ignore[type-arg]
        next(r for r in d["records"] if r["kind"] == "objective")["content"]["target"] = (
            "something else"
        )

    def history_dropped(d: dict) -> None:  # type: ignore[type-arg]
        del d["events"][3]

    def bad_objective(d: dict) -> None:  # type: ignore[type-arg]
        del next(r for r in d["records"] if r["kind"] == "objective")["content"]["due"]

    def unknown_person(d: dict) -> None:  # type: ignore[type-arg]
        d["workbook"]["employee_id"] = "ghost"

    def wrong_type(d: dict) -> None:  # type: ignore[type-arg]
        d["workbook"]["version"] = "three"

    def bad_date(d: dict) -> None:  # type: ignore[type-arg]
        d["workbook"]["cycle_start"] = "2026-02-30"

    def duplicate(d: dict) -> None:  # type: ignore[type-arg]
        d["records"].append(copy.deepcopy(d["records"][0]))

    def date_as_number(d: dict) -> None:  # type: ignore[type-arg]
        d["workbook"]["cycle_start"] = 0  # pydantic would read it as 1970-01-01

    def id_too_big(d: dict) -> None:  # type: ignore[type-arg]
        d["workbook"]["id"] = 10**30  # no database integer holds it

    def version_as_text(d: dict) -> None:  # type: ignore[type-arg]
        d["workbook"]["version"] = "3"

    def surrogate(d: dict) -> None:  # type: ignore[type-arg]
        d["events"][0]["reason"] = "a\ud800b"

    def nul(d: dict) -> None:  # type: ignore[type-arg]
        d["people"][0]["name"] = "a\x00b"

    return [
        ("date_as_number", date_as_number, "workbook.cycle_start"),
        ("id_too_big", id_too_big, "workbook.id"),
        ("version_as_text", version_as_text, "workbook.version"),
        ("surrogate", surrogate, "events.0.reason: the text holds an unpaired surrogate (\\ud800)"),
        ("nul", nul, "people.0.name: the text holds a NUL character (\\u0000)"),
        ("content_changed", content_changed, "history does not match its content"),
        ("history_dropped", history_dropped, "history does not match"),
        ("bad_objective", bad_objective, "records."),
        ("unknown_person", unknown_person, "person 'ghost' is not in the file's people"),
        ("wrong_type", wrong_type, "workbook.version"),
        ("bad_date", bad_date, "workbook.cycle_start"),
        ("duplicate", duplicate, "appears twice"),
    ]


@pytest.mark.parametrize(
    ("name", "mutate", "expected"), _mutations(), ids=[m[0] for m in _mutations()]
)
def test_bad_workbook_files_store_nothing(
    demo: Store,
    exported: dict,
    name: str,
    mutate,
    expected: str,
    tmp_path: Path,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    mutate(exported)
    path = tmp_path / "wb.json"
    path.write_text(json.dumps(exported))
    with Store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh:
        with pytest.raises(PmwError) as info:
            Services.operator(fresh).import_workbook(loads_workbook(path.read_bytes(), path))
        assert expected in str(info.value), str(info.value)
        assert "\n" not in str(info.value)
        assert fresh.find_people() == [] and fresh.find_workbooks() == []
        assert fresh.events() == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),
        (b"[]", "-"),
        (b'{"format": "something.else"}', "format"),
        (b'{"a": ' + b"9" * 5000 + b"}", "a number has too many digits"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b'{"a": -Infinity}', "-Infinity is not a JSON number"),
    ],
)
def test_unreadable_files_get_one_line_errors(raw: bytes, expected: str) -> None:
    with pytest.raises(ImportFailed) as info:
        loads_workbook(raw, "wb.json")
    message = str(info.value)
    assert message.startswith("wb.json:") and expected in message and "\n" not in message


def test_cycle_constant_is_used() -> None:
    assert CYCLE[0] < CYCLE[1]


def test_a_file_is_checked_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmwidgets.io import workbook_json

    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(workbook_json.MAX_BYTES + 1)  # sparse: refused from its size alone
    monkeypatch.setattr(workbook_json, "loads_workbook", None)  # never reached
    with pytest.raises(ImportFailed, match=r"big.json:-: the file is 64 MiB; the limit is 64 MiB"):
        workbook_json.read_workbook_file(big)
    with pytest.raises(ImportFailed, match="not a regular file"):
        workbook_json.read_workbook_file(tmp_path)
    with pytest.raises(ImportFailed, match="no such file"):
        workbook_json.read_workbook_file(tmp_path / "nope.json")
