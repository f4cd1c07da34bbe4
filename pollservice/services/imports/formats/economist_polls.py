"""``economist-polls``: the presidential polls of The Economist's us-potus-model
(``data/all_polls.csv`` for 2016, ``all_polls_2012.csv``, ``all_polls_2008.csv``; code MIT,
(c) 2020 The Economist; the polls are HuffPost Pollster's).

Columns used: ``state`` (postal code, "--" for national polls), ``pollster``,
``start.date`` and ``end.date`` (ISO in 2016, m/d/yy before), ``number.of.observations``
(sample size, "NA" when unknown), ``population`` ("Likely Voters", "Registered Voters",
"Adults"), ``mode``, one column per candidate (``trump``, ``clinton``, ``johnson``,
``mcmullin``; ``obama``, ``romney``; ``obama``, ``mccain``), ``other`` and ``undecided``
(kept in the notes); in 2016 also ``pollster.url`` (whose number is HuffPost's poll id),
``source.url``, ``entry.date.time..et.`` (the day the poll was published), ``partisan``,
``affiliation``, ``question.iteration``.

Each row goes into its race's main question (``2016-president-pa``, ``2016-president-us``:
the same race and question as 538's files), with the candidates' display names ("Trump",
"Clinton"), full names and parties, and the election day. Rows of a partisan subgroup
("Likely Voters - Democrat") are skipped: only whole samples are imported. In 2016 a poll's
``source_id`` is HuffPost's id with the state, population and question iteration, and its
versions (populations, question iterations) are linked by ``version_group``; the 2008 and
2012 files have no id, so those polls are identified by their fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ....domain import vocabulary
from ..rows import ImportRejected, ImportRow, RaceSpec, RowProblem
from .common import cell, header_of, join_notes, open_csv, sample_size_field, us_date

NAME = "economist-polls"
DEFAULT_SOURCE = "huffpost-pollster"
QUESTION_IS_TARGET = False
REQUIRED = ("state", "pollster", "start.date", "end.date", "number.of.observations", "population")
# column -> (display name, full name, party)
CANDIDATES = {
    "trump": ("Trump", "Donald Trump", "REP"), "clinton": ("Clinton", "Hillary Rodham Clinton", "DEM"),
    "johnson": ("Johnson", "Gary Johnson", "LIB"), "mcmullin": ("McMullin", "Evan McMullin", "IND"),
    "obama": ("Obama", "Barack Obama", "DEM"), "romney": ("Romney", "Mitt Romney", "REP"),
    "mccain": ("McCain", "John McCain", "REP"),
}
# The file's cycle, known by its Republican nominee's column, and that year's Election Day.
CYCLES = {"trump": (2016, dt.date(2016, 11, 8)), "romney": (2012, dt.date(2012, 11, 6)),
          "mccain": (2008, dt.date(2008, 11, 4))}
POPULATIONS = {"likely voters": "lv", "registered voters": "rv", "adults": "a"}
POLL_ID = re.compile(r"-(\d+)/?$")
COLUMNS = {"pollster": "pollster", "start_date": "start.date", "end_date": "end.date",
           "sample_size": "number.of.observations", "population": "population",
           "source_url": "source.url", "mode": "mode", "question": "state",
           **{f"results.{name}": column for column, (name, _f, _p) in CANDIDATES.items()}}


def matches(header: list[str]) -> bool:
    return {"start.date", "end.date", "number.of.observations", "pollster"} <= set(header)


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    header = header_of(text)
    cycle = next((CYCLES[name] for name in CYCLES if name in header), None)
    if cycle is None:
        raise ImportRejected(source_name, [RowProblem(
            1, "header", "needs a candidate column of a known cycle: " + ", ".join(CYCLES))])
    reader = open_csv(text, source_name, REQUIRED)
    candidates = [name for name in CANDIDATES if name in header]
    return _rows(reader, cycle, candidates)


def _date(text: str, problems: list[tuple[str, str]], name: str) -> dt.date | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text) if "-" in text else us_date(text)
    except ValueError as exc:
        problems.append((name, str(exc) if text else "is required"))
        return None


def _rows(reader, cycle: tuple[int, dt.date], candidates: list[str]) -> Iterator[ImportRow]:
    for record in reader:
        line = reader.line_num
        population = cell(record, "population")
        if " - " in population:
            yield ImportRow(line, "", {}, skip="a partisan subgroup of a poll (only whole "
                                               "samples are imported)")
            continue
        yield _row(record, line, cycle, candidates)


def _na(text: str) -> str:
    return "" if text.upper() == "NA" else text


def _row(record, line: int, cycle: tuple[int, dt.date], candidates: list[str]) -> ImportRow:
    problems: list[tuple[str, str]] = []
    if None in record:
        problems.append(("row", "has more cells than the header"))
    state = cell(record, "state")
    geography = vocabulary.geography_code(state)
    race = None
    if geography is None:
        problems.append(("state", f"{state!r} is not a known state"))
    else:
        race = RaceSpec(cycle[0], "president", geography, "general", election_date=cycle[1])
    population = cell(record, "population")
    record = {**record, "number.of.observations": _na(cell(record, "number.of.observations"))}
    values = {
        "pollster": cell(record, "pollster"),
        "start_date": _date(cell(record, "start.date"), problems, "start_date"),
        "end_date": _date(cell(record, "end.date"), problems, "end_date"),
        "sample_size": sample_size_field(record, "number.of.observations", problems),
        "population": POPULATIONS.get(population.lower(), population),
        "mode": cell(record, "mode"), "source_url": cell(record, "source.url"),
        "partisan": cell(record, "partisan") not in ("", "Nonpartisan"),
        "notes": _notes(record),
        # only the candidates the poll asked about (the others are "NA")
        "results": {CANDIDATES[c][0]: _na(cell(record, c)) for c in candidates
                    if _na(cell(record, c))},
    }
    extra: dict = {}
    poll_id = POLL_ID.search(cell(record, "pollster.url"))
    if poll_id:
        values["source_id"] = (f"{poll_id[1]}:{state}:{values['population']}:"
                               f"{cell(record, 'question.iteration') or '1'}")
        extra["version_group"] = f"{DEFAULT_SOURCE}:poll:{poll_id[1]}:{state}"
    entered = cell(record, "entry.date.time..et.")[:10]
    if entered:
        try:
            extra["published_on"] = dt.date.fromisoformat(entered)
        except ValueError:
            pass
    named = {CANDIDATES[c][0]: (CANDIDATES[c][1], CANDIDATES[c][2]) for c in candidates}
    return ImportRow(line, race.slug if race else "", values,
                     question_title=race.title if race else "",
                     problems=problems, columns=COLUMNS,
                     race=race, candidates=named, extra=extra, extend_choices=True)


def _notes(record) -> str:
    other, undecided = _na(cell(record, "other")), _na(cell(record, "undecided"))
    affiliation = cell(record, "affiliation")
    return join_notes(f"other {other}%" if other else "",
                      f"undecided {undecided}%" if undecided else "",
                      f"affiliation: {affiliation}" if affiliation not in ("", "None") else "")
