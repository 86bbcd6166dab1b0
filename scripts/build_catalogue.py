"""Build the occupation catalogue from the O*NET 29.3 Database.

Reads four workbooks of the O*NET 29.3 release (``Occupation Data.xlsx``,
``Task Statements.xlsx``, ``Skills.xlsx`` and ``Level Scale Anchors.xlsx``)
with openpyxl and writes one compact, gzip'd JSON file::

    {"attribution": "...", "source": "O*NET 29.3",
     "occupations": [{"code": "11-1011.00", "title": "...", "jd": {...}}, ...]}

sorted by O*NET-SOC code, where ``jd`` is a
:class:`pmwidgets.domain.model.JobDescription` dumped with
``model_dump(mode="json")``. Every job description is validated before the
file is written, and the output is byte-for-byte reproducible (compact JSON,
gzip header without file name and with ``mtime=0``).

How an occupation becomes a job description
-------------------------------------------
title
    The O*NET title.
purpose
    The O*NET description of the occupation.
source
    ``"O*NET-SOC <code>"``.
responsibilities
    The occupation's task statements: Core tasks first, then Supplemental
    tasks, then tasks O*NET has not yet rated (blank Task Type; about 1,150
    statements, mostly recent analyst additions). The order of the file is kept
    within each group, and the list is cut after the first
    ``MAX_RESPONSIBILITIES`` (12) statements. Shares of time are integer
    percentages totalling exactly 100: each Core task weighs 2 and every other
    task 1, the exact shares ``100 * weight / total weight`` are rounded by the
    largest-remainder method (ties go to the earlier task), and every task gets
    at least 1%. Occupations without any task statement are skipped (they are
    mostly the "All Other" residual occupations).
competencies
    The skills with Importance (Scale ID ``IM``) >= 3. Skills whose Level row
    (Scale ID ``LV``) is missing or flagged "Recommend Suppress" = Y or
    "Not Relevant" = Y are skipped, as are flagged Importance rows. Competencies
    are listed by descending importance, ties in O*NET element order. The
    workbooks carry no element descriptions, so ``description`` is empty.
required proficiency
    The O*NET Level (0-7) mapped onto the 1-5 scale by::

        level(LV) = clamp(floor(1 + LV * 4 / 7 + 1/2), 1, 5)

    i.e. ``1 + LV * 4 / 7`` rounded half up (exact decimal arithmetic, so the
    result does not depend on float rounding). LV 0 -> 1, 1 -> 2 (1.57),
    2 -> 2, 3 -> 3 (2.71), 4 -> 3 (3.29), 5 -> 4 (3.86), 6 -> 4 (4.43),
    7 -> 5.
anchors
    The Level Scale Anchors of the skill (Scale ID ``LV``), placed on the level
    given by the same mapping. O*NET 29.3 has anchors at LV 2, 4 and 6 for every
    skill, which land on levels 2, 3 and 4; levels 1 and 5 have no anchor. If two
    anchors ever land on one level, the one with the higher LV is kept.

Usage::

    python scripts/build_catalogue.py [--onet DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import sys
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a plain script from a checkout
    sys.path.insert(0, str(REPO_ROOT))

from pmwidgets.domain.model import (  # noqa: E402
    Competency,
    JobDescription,
    Responsibility,
)

DEFAULT_ONET = REPO_ROOT.parent / "shared" / "data" / "onet-29.3"
DEFAULT_OUT = REPO_ROOT / "data" / "catalogue" / "onet-29.3.json.gz"

SOURCE = "O*NET 29.3"
ATTRIBUTION = (
    "This data is from the O*NET 29.3 Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET® is a trademark of USDOL/ETA. The project has modified the "
    "information where it derives compact files from it; USDOL/ETA has not approved, "
    "endorsed, or tested these modifications."
)

MAX_RESPONSIBILITIES = 12
MIN_IMPORTANCE = 3
#: weight of a task in the shares of time, by O*NET Task Type (None: not rated).
TASK_WEIGHTS: dict[str | None, int] = {"Core": 2, "Supplemental": 1, None: 1}
#: order of the task groups in the job description.
TASK_ORDER: dict[str | None, int] = {"Core": 0, "Supplemental": 1, None: 2}

Row = dict[str, Any]


def read_rows(path: Path) -> Iterator[Row]:
    """Yield the rows of the first sheet of ``path`` as dicts keyed by the header."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
        for values in rows:
            if values and any(v is not None for v in values):
                yield dict(zip(header, values, strict=False))
    finally:
        workbook.close()


def text(value: Any) -> str:
    """A cell as text, whitespace collapsed."""
    return " ".join(str(value).split()) if value is not None else ""


def flagged(row: Row) -> bool:
    """Whether O*NET marks the row "Recommend Suppress" or "Not Relevant"."""
    return any(text(row.get(col)).upper() == "Y" for col in ("Recommend Suppress", "Not Relevant"))


def to_level(lv: Any) -> int:
    """Map an O*NET Level value (0-7) onto the 1-5 proficiency scale (see module doc)."""
    exact = 1 + Fraction(Decimal(str(lv))) * 4 / 7
    return max(1, min(5, math.floor(exact + Fraction(1, 2))))


def shares(weights: list[int]) -> list[int]:
    """Integer percentages proportional to ``weights``, totalling exactly 100.

    Largest-remainder rounding (ties to the earlier item); every item gets at
    least 1 (taken from the largest share) as long as there are at most 100.
    """
    total = sum(weights)
    exact = [Fraction(100 * w, total) for w in weights]
    result = [math.floor(q) for q in exact]
    left = 100 - sum(result)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - result[i]), i))
    for i in by_remainder[:left]:
        result[i] += 1
    for i, value in enumerate(result):
        if value == 0:
            largest = max(range(len(result)), key=lambda j: (result[j], -j))
            result[largest] -= 1
            result[i] = 1
    return result


def responsibilities(tasks: list[Row]) -> tuple[Responsibility, ...]:
    """The task statements as numbered responsibilities with shares of time."""
    typed = [(TASK_ORDER.get(t["type"], 2), i, t) for i, t in enumerate(tasks)]
    chosen = [t for _, _, t in sorted(typed, key=lambda x: (x[0], x[1]))][:MAX_RESPONSIBILITIES]
    split = shares([TASK_WEIGHTS.get(t["type"], 1) for t in chosen])
    return tuple(
        Responsibility(number=n, text=t["text"], share=s)
        for n, (t, s) in enumerate(zip(chosen, split, strict=True), start=1)
    )


def read_anchors(path: Path) -> dict[str, dict[int, str]]:
    """Behavioural anchors of each element's Level scale, keyed by element id and 1-5 level."""
    raw: dict[str, list[tuple[Fraction, str]]] = {}
    for row in read_rows(path):
        if text(row.get("Scale ID")) != "LV":
            continue
        description = text(row.get("Anchor Description"))
        if not description or row.get("Anchor Value") is None:
            continue
        value = Fraction(Decimal(str(row["Anchor Value"])))
        raw.setdefault(text(row["Element ID"]), []).append((value, description))
    anchors: dict[str, dict[int, str]] = {}
    for element, items in raw.items():
        levels: dict[int, str] = {}
        for value, description in sorted(items, key=lambda x: x[0]):
            levels[to_level(value)] = description  # the higher LV wins a shared level
        anchors[element] = dict(sorted(levels.items()))
    return anchors


def read_skills(path: Path) -> dict[str, dict[str, dict[str, Row]]]:
    """Skill rows by occupation code, element id and scale id (file order kept)."""
    skills: dict[str, dict[str, dict[str, Row]]] = {}
    for row in read_rows(path):
        code = text(row["O*NET-SOC Code"])
        element = text(row["Element ID"])
        skills.setdefault(code, {}).setdefault(element, {})[text(row["Scale ID"])] = row
    return skills


def competencies(
    elements: dict[str, dict[str, Row]], anchors: dict[str, dict[int, str]]
) -> tuple[Competency, ...]:
    """The important skills of one occupation as competencies, most important first."""
    found: list[tuple[Fraction, int, Competency]] = []
    for order, (element, scales) in enumerate(elements.items()):
        im, lv = scales.get("IM"), scales.get("LV")
        if im is None or lv is None or flagged(im) or flagged(lv):
            continue
        if im.get("Data Value") is None or lv.get("Data Value") is None:
            continue
        importance = Fraction(Decimal(str(im["Data Value"])))
        if importance < MIN_IMPORTANCE:
            continue
        competency = Competency(
            name=text(im["Element Name"]),
            description="",
            required=to_level(lv["Data Value"]),
            anchors=anchors.get(element, {}),
        )
        found.append((importance, order, competency))
    found.sort(key=lambda x: (-x[0], x[1]))
    return tuple(c for _, _, c in found)


def build(onet: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Derive the catalogue entries from the O*NET folder; also the codes skipped."""
    tasks: dict[str, list[Row]] = {}
    for row in read_rows(onet / "Task Statements.xlsx"):
        statement = text(row.get("Task"))
        if statement:
            kind = text(row.get("Task Type")) or None
            tasks.setdefault(text(row["O*NET-SOC Code"]), []).append(
                {"type": kind, "text": statement}
            )
    skills = read_skills(onet / "Skills.xlsx")
    anchors = read_anchors(onet / "Level Scale Anchors.xlsx")

    entries: list[dict[str, Any]] = []
    skipped: list[str] = []
    for row in read_rows(onet / "Occupation Data.xlsx"):
        code = text(row["O*NET-SOC Code"])
        if not tasks.get(code):
            skipped.append(code)
            continue
        title = text(row["Title"])
        jd = JobDescription(
            title=title,
            purpose=text(row.get("Description")),
            responsibilities=responsibilities(tasks[code]),
            competencies=competencies(skills.get(code, {}), anchors),
            source=f"O*NET-SOC {code}",
        )
        dumped = jd.model_dump(mode="json")
        JobDescription.model_validate(dumped)  # what the loader will read back
        entries.append({"code": code, "title": title, "jd": dumped})
    entries.sort(key=lambda e: e["code"])
    return entries, sorted(skipped)


def encode(entries: list[dict[str, Any]]) -> bytes:
    """The catalogue as deterministic gzip'd compact JSON."""
    document = {"attribution": ATTRIBUTION, "source": SOURCE, "occupations": entries}
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--onet", type=Path, default=DEFAULT_ONET, help="folder with the O*NET 29.3 workbooks"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="catalogue file to write")
    args = parser.parse_args(argv)

    entries, skipped = build(args.onet)
    data = encode(entries)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.out)
    print(
        f"wrote {len(entries)} occupations to {args.out} ({len(data) / 1e6:.2f} MB); "
        f"skipped {len(skipped)} without task statements"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
