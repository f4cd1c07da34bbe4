"""``fte-raw-polls``: the polls behind FiveThirtyEight's pollster ratings, each with the
actual election result (``pollster-ratings/2023/raw-polls.csv``; data CC BY 4.0,
FiveThirtyEight / ABC News; codebook ``pollster-ratings/README_PRE2024.md``).

Each row belongs to a race (``rows.RaceSpec``) read from 538's ``type_detail`` and
``location``: ``Pres-G`` / ``Sen-G`` / ``Gov-G`` / ``House-G`` are general elections,
``-D`` / ``-R`` a party's presidential primary, a final ``S`` a special election, ``R`` a
runoff, ``O`` a top-two ("open") primary; ``House-G`` in ``US`` is the generic ballot.
The race's main question has the race's slug (``2020-president-pa``, shared with the
polls page), its choices the top two finishers' display names (the last name:
"Joseph R. Biden Jr." -> "Biden"; "Democrats" / "Republicans" for the generic ballot),
with the full name and party (``cand1_party``). The race takes the election day
(``electiondate``) and the actual result (``cand1_actual``, ``cand2_actual``:
``RaceResult``, ``result_source`` the file's name); every poll keeps its actual shares too.

The file gives one date per poll, the median field date (``polldate``): it is stored as
both start and end. It has no population column: 538 rates the likely-voter version of
a poll, and its ``comment`` says when the version is another ("among registered voters"
-> rv, "among all adults" -> a, "among 'voters'" -> v); otherwise lv. Where 538 estimated
a missing sample size ("sample size unavailable; estimated at 600 as a default") the
sample size stays unknown. A comment "for X" names the sponsor; the rest goes into notes.
``partisan`` (D, R, ...) marks a partisan poll. ``source`` "fivethirtyeight",
``source_id`` = 538's ``question_id``, as on the polls page: a poll already stored from
there is the same poll, and this file then only adds the election day and the actual result
(its shares as published there, dates, population and the other answers stay; a finisher
it lacked is added).
``--question`` keeps only one race's rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....domain import vocabulary
from ..rows import ImportRow, RaceSpec
from .common import (
    FTE_SOURCE,
    cell,
    date_field,
    join_notes,
    last_name,
    open_csv,
    sample_size_field,
)

NAME = "fte-raw-polls"
DEFAULT_SOURCE = FTE_SOURCE
QUESTION_IS_TARGET = False
REQUIRED = ("question_id", "race", "location", "type_simple", "pollster", "polldate",
            "samplesize", "cand1_name", "cand1_pct", "cand2_name", "cand2_pct", "electiondate",
            "cand1_actual", "cand2_actual")
POPULATION_COMMENTS = {"among registered voters": "rv", "among all adults": "a",
                       "among likely voters": "lv", "among 'voters'": "v", "among voters": "v"}
NO_SAMPLE_SIZE = "sample size unavailable"
OFFICES = {"Pres": "president", "Sen": "senate", "Gov": "governor", "House": "house"}
DETAIL = re.compile(r"^(?P<office>Pres|Sen|Gov|House)-(?P<kind>[A-Z]+)$")
GENERIC_NAMES = {"DEM": "Democrats", "REP": "Republicans"}
# Maine's and Nebraska's congressional districts, which cast their own electoral votes.
DISTRICTS = {"M1": "ME-01", "M2": "ME-02", "N1": "NE-01", "N2": "NE-02", "N3": "NE-03"}
# An update of a poll stored from another file changes only what this file knows better.
# A poll already stored (from the polls page) keeps its shares as published there: 538's
# two files round a few of them differently, and a re-import must not flip them back and forth.
UPDATE_FIELDS = frozenset({"actual_results", "election_date"})


def matches(header: list[str]) -> bool:
    return {"race", "polldate", "cand1_actual", "cand2_actual"} <= set(header)


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    reader = open_csv(text, source_name, REQUIRED)
    return _rows(reader)


def race_of(record, problems: list[tuple[str, str]]) -> RaceSpec | None:
    """The race of a row from ``year``, ``type_detail`` and ``location``."""
    year, detail, location = cell(record, "year"), cell(record, "type_detail"), cell(record, "location")
    match = DETAIL.match(detail)
    geography = DISTRICTS.get(location) or vocabulary.geography_code(location)
    if not year.isdigit() or match is None or geography is None:
        column, value = (("year", year) if not year.isdigit() else
                         ("type_detail", detail) if match is None else ("location", location))
        problems.append((column, f"{value!r} is not a known {column}"))
        return None
    office, kind = OFFICES[match["office"]], match["kind"]
    party, stage, seat = "", "general", ""
    if office == "house" and geography == vocabulary.NATIONAL:
        office = "generic-ballot"
    if office == "president" and kind in ("D", "R"):
        stage, party = "primary", "DEM" if kind == "D" else "REP"
    else:
        seat = "special" if "S" in kind[1:] else ""
        stage = "runoff" if kind.endswith("R") else "jungle-primary" if kind[0] == "O" else "general"
    return RaceSpec(int(year), office, geography, stage, party, seat)


def display_names(record) -> tuple[str, str]:
    """The two finishers as readers know them: last names (full names when the two share
    one); the parties for the generic ballot."""
    first, second = cell(record, "cand1_name"), cell(record, "cand2_name")
    parties = cell(record, "cand1_party"), cell(record, "cand2_party")
    if first == second and all(p in GENERIC_NAMES for p in parties) and parties[0] != parties[1]:
        return GENERIC_NAMES[parties[0]], GENERIC_NAMES[parties[1]]
    short = last_name(first), last_name(second)
    return short if short[0].casefold() != short[1].casefold() else (first, second)


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
        yield _row(record, reader.line_num)


def _row(record, line: int) -> ImportRow:
    problems: list[tuple[str, str]] = []
    if None in record:
        problems.append(("row", "has more cells than the header"))
    first, second = display_names(record)
    sponsor, population, unknown_size, remarks = _comment(cell(record, "comment"))
    poll_date = date_field(record, "polldate", "end_date", problems)
    size = None if unknown_size else sample_size_field(record, "samplesize", problems)
    other = cell(record, "cand3_pct")
    election_date = date_field(record, "electiondate", "election_date", problems)
    values = {
        "pollster": cell(record, "pollster"), "sponsor": sponsor,
        "start_date": poll_date, "end_date": poll_date, "sample_size": size,
        "population": population, "mode": cell(record, "methodology"),
        "partisan": bool(cell(record, "partisan")),
        "notes": join_notes(*remarks, f"best other candidate: {other}%" if other else ""),
        "source": FTE_SOURCE, "source_id": cell(record, "question_id"),
        "election_date": election_date,
        "results": {first: cell(record, "cand1_pct"), second: cell(record, "cand2_pct")},
        "actual_results": {first: cell(record, "cand1_actual"),
                           second: cell(record, "cand2_actual")},
    }
    if not first or not second or first == second:
        problems.append(("results", "needs two different candidates (cand1_name, cand2_name)"))
    if not values["source_id"]:
        problems.append(("source_id", "is required (538's question id)"))
    race = race_of(record, problems)
    if race is not None:
        race.election_date = election_date
        race.results, race.result_parties = _actual(record, first, second)
    columns = {"question": "race", "start_date": "polldate", "end_date": "polldate",
               "sample_size": "samplesize", "source_id": "question_id",
               "election_date": "electiondate", "results": "cand1_pct",
               f"results.{first}": "cand1_pct", f"results.{second}": "cand2_pct",
               f"actual_results.{first}": "cand1_actual",
               f"actual_results.{second}": "cand2_actual"}
    candidates = {first: (cell(record, "cand1_name"), vocabulary.party_code(cell(record, "cand1_party"))),
                  second: (cell(record, "cand2_name"), vocabulary.party_code(cell(record, "cand2_party")))}
    if race is not None and race.office == "generic-ballot":
        candidates = {name: ("", party) for name, (_full, party) in candidates.items()}
    poll_id = cell(record, "poll_id")
    return ImportRow(line, race.slug if race else "", values,
                     question_title=race.title if race else "",
                     question_choices=(first, second), problems=problems, columns=columns,
                     race=race, candidates=candidates, update_fields=UPDATE_FIELDS,
                     partial_results=True,
                     extra={"version_group": f"{FTE_SOURCE}:poll:{poll_id}"} if poll_id else {})


def _actual(record, first: str, second: str) -> tuple[dict[str, float], dict[str, str | None]]:
    """The race's result as the file gives it (shares that are not numbers are left out:
    the row's own check reports them)."""
    shares: dict[str, float] = {}
    for name, column in ((first, "cand1_actual"), (second, "cand2_actual")):
        try:
            share = float(cell(record, column))
        except ValueError:
            continue
        if 0 <= share <= 100:
            shares[name] = share
    parties = {first: vocabulary.party_code(cell(record, "cand1_party")),
               second: vocabulary.party_code(cell(record, "cand2_party"))}
    return shares, parties
