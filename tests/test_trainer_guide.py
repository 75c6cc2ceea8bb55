"""The trainer guide (docs/trainer_guide.md and .de.md) and the notebooks' frame: durations, prerequisites, literature.

The guide's plans are parsed: ``### <day> · N min`` opens a day, ``#### <session> · N min`` a session, and each
session's table rows ``| minutes | notebook | section | … |`` are its items. Each session's items must add up to
its stated length, each day's sessions to the day's, every section named must be a heading of the notebook
named, and each notebook's stated duration must be the time the two-day plan gives it.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GUIDES = {"en": ROOT / "docs" / "trainer_guide.md", "de": ROOT / "docs" / "trainer_guide.de.md"}
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\d\d)\s*\|\s*([^|]+?)\s*\|")
LENGTH = re.compile(r"·\s*(\d+) min\b")

# The literature the course builds on, as the course team's term list gives it (copied by hand).
GERMAN_LITERATURE = (
    "Belz, Müllner & Zupancic, *Spitzenleistungen im Key Account Management* (2008)",
    "Biesel, *Key Account Management erfolgreich planen und umsetzen* (2007)",
    "Sidow, *Key Account Management*",
    "Sieck, *Key Account Management im Mittelstand* (2004)",
    "Ebert & Lauer, *Key Account Management* (1988)",
)
ENGLISH_LITERATURE = (
    'McDonald, Millman & Rogers, "Key account management: theory, practice and challenges" '
    "(*Journal of Marketing Management*, 1997)",
    "McDonald & Woodburn, *Key Account Management* (3rd ed., 2011)",
    "Cheverton, *Key Account Management* (5th ed.)",
)


def cells(number):
    path = next(p for p in NOTEBOOKS.glob(f"{number}_*.ipynb") if not p.name.endswith(".de.ipynb"))
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "markdown"]


def headings(number):
    return {line.lstrip("#").strip() for text in cells(number) for line in text.split("\n") if line.startswith("#")}


def parse(path):
    """{plan heading: [(day, minutes, [(session, minutes, [(minutes, notebook, section)])])]}; other tables too."""
    plans, tables, day, session, part = {}, {}, None, None, None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("## "):
            part, day, session = line[3:].strip(), None, None
            tables[part] = []
        elif line.startswith("### ") and LENGTH.search(line):
            day = (line[4:].strip(), int(LENGTH.search(line).group(1)), [])
            plans.setdefault(part, []).append(day)
            session = None
        elif line.startswith("#### ") and LENGTH.search(line):
            session = (line[5:].strip(), int(LENGTH.search(line).group(1)), [])
            day[2].append(session)
        elif ROW.match(line):
            minutes, notebook, section = ROW.match(line).groups()
            item = (int(minutes), notebook, section)
            (session[2] if session else tables[part]).append(item)
    return plans, tables


@pytest.fixture(scope="module", params=sorted(GUIDES))
def guide(request):
    return parse(GUIDES[request.param])


def two_day(plans):
    return next(days for title, days in plans.items() if len(days) == 2)


def test_two_plans_of_90_minute_sessions(guide):
    plans, _ = guide
    assert sorted(len(days) for days in plans.values()) == [1, 2]
    for title, days in plans.items():
        sessions = [session for day in days for session in day[2]]
        count, length = map(int, re.search(r"(\d+) × (\d+) min", title).groups())
        assert (len(sessions), {s[1] for s in sessions}) == (count, {length}), title
        assert length == 90
    assert len(two_day(plans)[0][2]) == len(two_day(plans)[1][2]) == 4


def test_sessions_and_days_add_up(guide):
    plans, _ = guide
    for days in plans.values():
        for day, day_minutes, sessions in days:
            assert sum(minutes for _, minutes, _ in sessions) == day_minutes, day
            for session, minutes, items in sessions:
                assert items, session
                assert sum(item[0] for item in items) == minutes, f"{session}: {[i[0] for i in items]}"


def test_every_section_named_exists(guide):
    plans, tables = guide
    named = [item for days in plans.values() for day in days for session in day[2] for item in session[2]]
    named += [item for rows in tables.values() for item in rows]
    assert len(named) > 100
    missing = [(notebook, section) for _, notebook, section in named if section not in headings(notebook)]
    assert not missing, f"sections not in their notebooks: {missing}"


def test_german_guide_has_the_same_plans():
    english, german = parse(GUIDES["en"]), parse(GUIDES["de"])
    flat = [[[(s[1], s[2]) for d in days for s in d[2]] for days in plans.values()] for plans, _ in (english, german)]
    assert flat[0] == flat[1]
    assert [rows for rows in english[1].values() if rows] == [rows for rows in german[1].values() if rows]


def test_two_day_plan_covers_every_notebook_once_per_session():
    plans, _ = parse(GUIDES["en"])
    sessions = [s for day in two_day(plans) for s in day[2]]
    assert [sorted({item[1] for item in s[2]}) for s in sessions] == [[f"0{n}"] for n in range(8)]


def stated(number):
    first = cells(number)[0]
    duration = re.search(r"\*\*Duration:\*\* (\d+) minutes", first)
    assert duration and "**Prerequisites:**" in first, f"{number}: the first cell states no duration/prerequisites"
    return int(duration.group(1)), first


@pytest.mark.parametrize("number", [f"0{n}" for n in range(8)])
def test_notebook_duration_is_its_time_in_the_two_day_plan(number):
    plans, tables = parse(GUIDES["en"])
    planned = sum(item[0] for day in two_day(plans) for s in day[2] for item in s[2] if item[1] == number)
    minutes, first = stated(number)
    assert minutes == planned
    depth = [minutes for part, rows in tables.items() if part.startswith("Optional")
             for minutes, notebook, _ in rows if notebook == number]
    if number in ("03", "05"):
        assert f"add about {sum(depth)} minutes" in " ".join(first.split())
    else:
        assert not depth


def test_optional_depth_is_not_in_the_two_day_plan():
    plans, tables = parse(GUIDES["en"])
    taught = {(item[1], item[2]) for day in two_day(plans) for s in day[2] for item in s[2]}
    depth = {(notebook, section) for part, rows in tables.items() if part.startswith("Optional")
             for _, notebook, section in rows}
    assert {notebook for notebook, _ in depth} == {"03", "05"}
    assert not depth & taught


@pytest.mark.parametrize("number", [f"0{n}" for n in range(8)])
def test_notebook_ends_with_key_points_and_literature(number):
    texts = cells(number)
    last = [text for text in texts if re.search(r"^## Key points", text, re.M)][-1]
    assert texts.index(last) >= len(texts) - 2  # the last markdown cells (the solutions follow as code)
    literature = last[last.index("### Literature"):]
    flat = " ".join(literature.split())
    assert any(ref in flat for ref in GERMAN_LITERATURE), number
    assert any(ref in flat for ref in ENGLISH_LITERATURE), number


def test_all_the_literature_is_cited_somewhere():
    flat = " ".join(" ".join(" ".join(cells(f"0{n}")) for n in range(8)).split())
    missing = [ref for ref in GERMAN_LITERATURE + ENGLISH_LITERATURE if ref not in flat]
    assert not missing
