"""``fte-raw-polls``: the polls behind FiveThirtyEight's pollster ratings, each with the
actual election result (``pollster-ratings/2023/raw-polls.csv``; data CC BY 4.0,
FiveThirtyEight / ABC News; codebook ``pollster-ratings/README_PRE2024.md``).

One question per race (538's ``race``, e.g. ``2020_Pres-G_PA`` -> ``2020-pres-g-pa``) with
the race's top two finishers as choices (``cand1_name``, ``cand2_name``: the same two in
every poll of a race). Every poll keeps its result for each (``cand1_pct``, ``cand2_pct``),
the election day (``electiondate`` -> ``election_date``) and the actual shares
(``cand1_actual``, ``cand2_actual`` -> ``actual:<choice>``), so accuracy can be studied.
``margin_*``, ``error``, ``bias`` and the rating columns are derived and not stored; the
best other candidate's share (``cand3_pct``), which is not one choice across polls, goes
into the notes.

The file gives one date per poll, the median field date (``polldate``): it is stored as
both start and end. It has no population column: 538 rates the likely-voter version of
a poll, and its ``comment`` says when the version is another ("among registered voters"
-> rv, "among all adults" -> a, "among 'voters'" -> v); otherwise lv. Where 538 estimated
a missing sample size ("sample size unavailable; estimated at 600 as a default") the
sample size stays unknown. A comment "for X" names the sponsor; the rest goes into notes.
``partisan`` (D, R, ...) marks a partisan poll. ``source`` "fivethirtyeight",
``source_id`` = 538's ``question_id``. ``--question`` keeps only one race's rows.
"""

from __future__ import annotations

from collections.abc import Iterator

from slugify import slugify

from ..rows import ImportRow
from .common import FTE_SOURCE, cell, date_field, join_notes, open_csv, sample_size_field

NAME = "fte-raw-polls"
DEFAULT_SOURCE = FTE_SOURCE
QUESTION_IS_TARGET = False
REQUIRED = ("question_id", "race", "location", "type_simple", "pollster", "polldate",
            "samplesize", "cand1_name", "cand1_pct", "cand2_name", "cand2_pct", "electiondate",
            "cand1_actual", "cand2_actual")
POPULATION_COMMENTS = {"among registered voters": "rv", "among all adults": "a",
                       "among likely voters": "lv", "among 'voters'": "v", "among voters": "v"}
NO_SAMPLE_SIZE = "sample size unavailable"
KINDS = {"Pres-G": "presidential general election", "Pres-P": "presidential primary",
         "Pres-D": "Democratic presidential primary", "Pres-R": "Republican presidential primary",
         "Sen-G": "Senate general election", "Gov-G": "governor's general election",
         "House-G": "House general election"}


def matches(header: list[str]) -> bool:
    return {"race", "polldate", "cand1_actual", "cand2_actual"} <= set(header)


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    reader = open_csv(text, source_name, REQUIRED)
    return _rows(reader)


def race_slug(race: str) -> str:
    return slugify(race)


def race_title(record) -> str:
    year = cell(record, "year") or cell(record, "race")[:4]
    kind = KINDS.get(cell(record, "type_detail")) or KINDS.get(cell(record, "type_simple"), "")
    location = cell(record, "location")
    where = {"US": "national"}.get(location, location)
    return (f"{year} {kind or cell(record, 'type_simple')}, {where}: "
            f"{cell(record, 'cand1_name')} vs {cell(record, 'cand2_name')}")


def _comment(text: str) -> tuple[str, str, bool, list[str]]:
    """(sponsor, population, sample size unknown, other remarks) from 538's comment."""
    sponsor, population, unknown_size, rest = "", "lv", False, []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if part.startswith("for "):
            sponsor = part[4:].strip()
        elif part in POPULATION_COMMENTS:
            population = POPULATION_COMMENTS[part]
        elif part.startswith(NO_SAMPLE_SIZE):
            unknown_size = True
            rest.append(part)
        else:
            rest.append(part)
    return sponsor, population, unknown_size, rest


def _rows(reader) -> Iterator[ImportRow]:
    for record in reader:
        line = reader.line_num
        problems: list[tuple[str, str]] = []
        if None in record:
            problems.append(("row", "has more cells than the header"))
        first, second = cell(record, "cand1_name"), cell(record, "cand2_name")
        sponsor, population, unknown_size, remarks = _comment(cell(record, "comment"))
        poll_date = date_field(record, "polldate", "end_date", problems)
        size = None if unknown_size else sample_size_field(record, "samplesize", problems)
        other = cell(record, "cand3_pct")
        values = {
            "pollster": cell(record, "pollster"),
            "sponsor": sponsor,
            "start_date": poll_date,
            "end_date": poll_date,
            "sample_size": size,
            "population": population,
            "mode": cell(record, "methodology"),
            "partisan": bool(cell(record, "partisan")),
            "notes": join_notes(*remarks, f"best other candidate: {other}%" if other else ""),
            "source": FTE_SOURCE,
            "source_id": cell(record, "question_id"),
            "election_date": date_field(record, "electiondate", "election_date", problems),
            "results": {first: cell(record, "cand1_pct"), second: cell(record, "cand2_pct")},
            "actual_results": {first: cell(record, "cand1_actual"),
                               second: cell(record, "cand2_actual")},
        }
        if not first or not second or first == second:
            problems.append(("results", "needs two different candidates (cand1_name, cand2_name)"))
        if not values["source_id"]:
            problems.append(("source_id", "is required (538's question id)"))
        columns = {"question": "race", "start_date": "polldate", "end_date": "polldate",
                   "sample_size": "samplesize", "source_id": "question_id",
                   "election_date": "electiondate", "results": "cand1_pct",
                   f"results.{first}": "cand1_pct", f"results.{second}": "cand2_pct",
                   f"actual_results.{first}": "cand1_actual",
                   f"actual_results.{second}": "cand2_actual"}
        yield ImportRow(line, race_slug(cell(record, "race")), values,
                        question_title=race_title(record)[:300],
                        question_region={"US": "United States"}.get(cell(record, "location"),
                                                                    cell(record, "location")),
                        question_choices=(first, second), problems=problems, columns=columns)
